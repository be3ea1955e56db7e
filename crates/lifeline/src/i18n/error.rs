//! Why a catalog cannot be used.

/// A catalog that cannot be used: start-up stops with the file, line and message.
#[derive(Debug, thiserror::Error)]
pub enum I18nError {
    /// A file is not valid Fluent.
    #[error("{file}:{line}: does not parse ({problem}), in or after message `{id}`")]
    Syntax {
        /// The file.
        file: String,
        /// Its line.
        line: usize,
        /// The message the error is in or after.
        id: String,
        /// What the parser found.
        problem: String,
    },
    /// A file defines a message English does not have.
    #[error("{file}:{line}: message `{id}` is not a message of the pages{suggestion}")]
    UnknownMessage {
        /// The file.
        file: String,
        /// Its line.
        line: usize,
        /// The unknown id.
        id: String,
        /// ", did you mean `…`?" or nothing.
        suggestion: String,
    },
    /// A message uses a variable English does not pass it.
    #[error("{file}:{line}: message `{id}` uses `${variable}`, which the pages do not pass it")]
    UnknownVariable {
        /// The file.
        file: String,
        /// Its line.
        line: usize,
        /// The message.
        id: String,
        /// The variable.
        variable: String,
    },
    /// An offered language lacks a message the pages need.
    #[error("{file}:{line}: language `{lang}` lacks message `{id}` (the line is English's)")]
    MissingMessage {
        /// The English file that defines it.
        file: String,
        /// Its line there.
        line: usize,
        /// The language.
        lang: String,
        /// The missing id.
        id: String,
    },
    /// `i18n.locales` or `i18n.default_locale` names a language with no catalog.
    #[error(
        "i18n.locales: `{lang}` has no catalog (built in: {built_in}; or add `{lang}/` in i18n.dir){suggestion}"
    )]
    NoCatalog {
        /// The language.
        lang: String,
        /// The built-in languages.
        built_in: String,
        /// ", did you mean `…`?" or nothing.
        suggestion: String,
    },
    /// The override directory cannot be read.
    #[error("i18n.dir: {0}")]
    Directory(String),
}
