//! Why settings were refused. Every problem names the setting and its environment variable
//! (or the unknown variable itself), in the operator's words rather than serde's.

use std::fmt;

use figment::error::{Actual, Kind};
use figment::{Metadata, Source};

use super::known_keys::setting_keys;
use super::suggest::closest;

/// The settings could not be loaded or were refused. Holds every problem found, each named
/// by its setting and environment variable, e.g.
/// `branding.accent_color (LIFELINE_BRANDING__ACCENT_COLOR): "blue" is not a colour; use #rgb or #rrggbb`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    problems: Vec<Problem>,
}

/// One refused setting or environment variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    subject: String,
    message: String,
}

impl Problem {
    /// A problem with the setting `key` (dotted, e.g. `server.public_url`).
    pub(crate) fn setting(key: &str, message: impl Into<String>) -> Self {
        Self {
            subject: format!("{key} ({})", env_var(key)),
            message: message.into(),
        }
    }

    /// A problem with `key`, an item of an array of tables (`webhooks.endpoints[0].url`),
    /// which only the settings file can hold.
    pub(crate) fn in_settings_file(key: &str, message: impl Into<String>) -> Self {
        Self {
            subject: key.to_owned(),
            message: message.into(),
        }
    }

    /// A problem with the environment variable `name`.
    pub(crate) fn variable(name: &str, message: impl Into<String>) -> Self {
        Self {
            subject: format!("environment variable {name}"),
            message: message.into(),
        }
    }

    /// What the problem is about: the setting and its variable, or a variable.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// What is wrong, and how to fix it where that can be said.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.subject, self.message)
    }
}

impl ConfigError {
    /// An error holding `problems`; `None` when there are none.
    pub(crate) fn from_problems(problems: Vec<Problem>) -> Option<Self> {
        (!problems.is_empty()).then_some(Self { problems })
    }

    /// Every problem found.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.as_slice() {
            [one] => write!(f, "invalid configuration: {one}"),
            many => {
                write!(f, "invalid configuration ({} problems):", many.len())?;
                many.iter().try_for_each(|p| write!(f, "\n  - {p}"))
            }
        }
    }
}

/// No source: the message is complete, so a report that prints causes prints it once.
impl std::error::Error for ConfigError {}

impl From<figment::Error> for ConfigError {
    fn from(error: figment::Error) -> Self {
        Self {
            problems: error.into_iter().map(figment_problem).collect(),
        }
    }
}

/// The problems figment found reading a plugin's table `prefix` (`directory.ldap`) into the
/// plugin's settings type, each named by its full key and variable; the value of a key for
/// which `is_secret` holds is never shown.
pub(crate) fn table_problems(
    error: figment::Error,
    prefix: &str,
    is_secret: impl Fn(&str) -> bool,
) -> Vec<Problem> {
    error
        .into_iter()
        .map(|error| {
            let path = error.path.join(".").to_ascii_lowercase();
            let (key, message) = match &error.kind {
                Kind::UnknownField(field, _) if path.ends_with(field.as_str()) => {
                    (path, "no such setting".to_owned())
                }
                Kind::UnknownField(field, _) => (child(&path, field), "no such setting".into()),
                Kind::MissingField(field) => (child(&path, field), "is required".to_owned()),
                Kind::InvalidType(actual, expected) | Kind::InvalidValue(actual, expected) => {
                    let top = path.split('.').next().unwrap_or_default();
                    let found = if is_secret(top) {
                        "a value (not shown: a secret)".to_owned()
                    } else {
                        actual.to_string()
                    };
                    (path, format!("expected {expected}, found {found}"))
                }
                other => (path, other.to_string()),
            };
            Problem::setting(&child(prefix, &key), message)
        })
        .collect()
}

/// The environment variable of a dotted key: `server.public_url` → `LIFELINE_SERVER__PUBLIC_URL`.
pub(crate) fn env_var(key: &str) -> String {
    format!("LIFELINE_{}", key.replace('.', "__").to_ascii_uppercase())
}

/// One figment error as a problem of the setting it is about.
fn figment_problem(error: figment::Error) -> Problem {
    let path = error.path.join(".").to_ascii_lowercase();
    let (key, message) = match &error.kind {
        Kind::UnknownField(field, _) => {
            let key = if path.ends_with(field.as_str()) {
                path
            } else {
                child(&path, field)
            };
            let message = unknown_key(&key);
            (key, message)
        }
        Kind::MissingField(field) => (child(&path, field), "is required".to_owned()),
        Kind::InvalidType(actual, expected) | Kind::InvalidValue(actual, expected) => {
            let message = format!("expected {expected}, found {}", shown(&path, actual));
            (path, message)
        }
        Kind::UnknownVariant(variant, expected) => {
            let message = format!("{variant:?} is not one of: {}", expected.join(", "));
            (path, message)
        }
        Kind::Message(message) => (path, message.clone()),
        other => (path, other.to_string()),
    };
    let message = match origin(error.metadata.as_ref()) {
        Some(file) => format!("{message} (in {file})"),
        None => message,
    };
    if setting_keys().contains(&key) && !matches!(error.kind, Kind::UnknownField(..)) {
        return Problem::setting(&key, message);
    }
    let subject = if key.is_empty() {
        "configuration".into()
    } else {
        key
    };
    Problem { subject, message }
}

fn child(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

/// Why a key the settings refused is not a setting, with the one probably meant.
fn unknown_key(key: &str) -> String {
    if setting_keys().contains(key) {
        let parent = key.rsplit_once('.').map_or("", |(parent, _)| parent);
        return format!("does not apply to this {parent}: another kind takes it");
    }
    match closest(key, setting_keys().iter().map(String::as_str)) {
        Some(known) => format!("no such setting; did you mean {known}?"),
        None => "no such setting".to_owned(),
    }
}

/// The value serde found, unless the setting is a secret.
fn shown(key: &str, actual: &Actual) -> String {
    if super::SECRET_KEYS.contains(&key) {
        "a value (not shown: a secret)".to_owned()
    } else {
        actual.to_string()
    }
}

/// The file a value came from, when it came from one.
fn origin(metadata: Option<&Metadata>) -> Option<String> {
    match metadata?.source.as_ref()? {
        Source::File(path) => Some(path.display().to_string()),
        _ => None,
    }
}
