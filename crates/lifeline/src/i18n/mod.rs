//! Translations of every page, email and JSON API error message (Fluent). The catalogs
//! under `templates/locales/<lang>/*.ftl` are compiled in; an operator's `i18n.dir` may
//! replace their messages or add a language (`overrides.rs`), checked at start-up against
//! English, the reference catalog (`catalog.rs`). Each request's language is chosen from
//! the session's choice, then `Accept-Language` (`negotiate.rs`), and kept for the time
//! the request is served (`request.rs`), so pages, error pages and API errors speak it,
//! and the mail it causes records it.

mod builtin;
mod catalog;
mod durations;
mod english;
mod error;
mod messages;
mod negotiate;
mod overrides;
mod request;
mod source;
mod times;

pub use catalog::{Catalogs, Locale};
pub use durations::{Unit, exact, rounded_up};
pub use english::built_in_english;
pub use error::I18nError;
pub use request::{
    RequestLocale, choose_session_language, current, current_path, current_tag, scope,
};

/// Fluent's argument list, for callers that format a message themselves.
pub use fluent_bundle::FluentArgs;

#[cfg(test)]
mod tests;
