//! The one error type of the mail crate.

use std::path::PathBuf;
use std::time::Duration;

/// One refused setting of the mail crate, named by its field (`brand_colour`, `host`, …), so
/// that an application can tell its operator which of its own settings to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct SettingError {
    /// The field of the settings struct that holds the refused value.
    pub field: &'static str,
    /// Why it was refused, e.g. `"blue" is not a colour; use #rgb or #rrggbb`.
    pub reason: String,
}

impl SettingError {
    pub(crate) fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
}

impl From<SettingError> for MailError {
    fn from(error: SettingError) -> Self {
        Self::Settings(error.to_string())
    }
}

/// Everything that can go wrong while rendering, building, sending or queueing an email.
///
/// Messages never contain a recipient address or a message body: both can hold personal data
/// or a live token, and these errors end up in logs and in the outbox's `last_error` column.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// No email template has this name.
    #[error("unknown email template `{0}`")]
    UnknownTemplate(String),
    /// A template failed to parse or render.
    #[error("email template `{name}` failed: {detail}")]
    Template {
        /// The template file, e.g. `password_reset/body.html.tera`.
        name: String,
        /// The tera error with its cause chain.
        detail: String,
    },
    /// A template override directory could not be read or holds a file that replaces nothing.
    #[error("template override {}: {reason}", path.display())]
    TemplateOverride {
        /// The offending path.
        path: PathBuf,
        /// Why it was refused.
        reason: String,
    },
    /// Branding, sender or transport settings are not usable.
    #[error("invalid mail settings: {0}")]
    Settings(String),
    /// An email address was refused (CR/LF/NUL, bad syntax, too long).
    #[error("invalid email address: {0}")]
    InvalidAddress(String),
    /// lettre refused to build the message.
    #[error("cannot build the message: {0}")]
    Message(#[from] lettre::error::Error),
    /// The receiving server asked us to try again later (SMTP 4xx), or could not be reached.
    #[error("transient delivery failure: {0}")]
    Transient(String),
    /// The receiving server refused the message for good (SMTP 5xx).
    #[error("permanent delivery failure: {0}")]
    Permanent(String),
    /// Sending took longer than the configured limit.
    #[error("delivery timed out after {0:?}")]
    Timeout(Duration),
    /// The database failed.
    #[error("storage: {0}")]
    Storage(#[from] storage::StorageError),
    /// The composer could not build the email for a reason that may go away (e.g. a lookup failed).
    #[error("composing the email failed: {0}")]
    Compose(String),
    /// A background task panicked or was cancelled.
    #[error("background task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// A socket operation failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}

impl From<crate::OverrideError> for MailError {
    fn from(error: crate::OverrideError) -> Self {
        Self::TemplateOverride {
            path: error.path,
            reason: error.reason,
        }
    }
}

impl MailError {
    /// Whether retrying the same job can never succeed, so the outbox gives up at once.
    ///
    /// Only a 5xx reply and faults in the message itself are permanent. Everything else (4xx,
    /// refused connections, timeouts, database hiccups) is retried with backoff, because an
    /// outage must delay mail, never lose it.
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            Self::Permanent(_)
                | Self::InvalidAddress(_)
                | Self::Message(_)
                | Self::UnknownTemplate(_)
                | Self::Template { .. }
        )
    }

    /// Builds a [`MailError::Template`] keeping tera's whole cause chain, which its `Display` hides.
    pub(crate) fn template(name: &str, error: &tera::Error) -> Self {
        let mut detail = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            detail.push_str(": ");
            detail.push_str(&cause.to_string());
            source = cause.source();
        }
        Self::Template {
            name: name.to_owned(),
            detail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_rejections_and_broken_messages_are_permanent() {
        // Arrange
        let permanent = [
            MailError::Permanent("550 no such user".into()),
            MailError::InvalidAddress("contains a line break".into()),
            MailError::UnknownTemplate("nope".into()),
        ];

        // Act / Assert
        for error in permanent {
            assert!(error.is_permanent(), "{error}");
        }
    }

    #[test]
    fn outages_and_timeouts_are_retried() {
        // Arrange
        let transient = [
            MailError::Transient("451 try later".into()),
            MailError::Timeout(Duration::from_secs(5)),
            MailError::Compose("lookup failed".into()),
            MailError::Io(std::io::Error::other("connection refused")),
        ];

        // Act / Assert
        for error in transient {
            assert!(!error.is_permanent(), "{error}");
        }
    }

    #[test]
    fn template_errors_keep_their_cause_chain() {
        // Arrange
        let mut tera = tera::Tera::default();
        let failure = tera
            .add_raw_template("broken", "{{ unclosed")
            .expect_err("an unclosed tag does not parse");

        // Act
        let error = MailError::template("broken", &failure);

        // Assert
        let text = error.to_string();
        assert!(text.contains("broken"), "{text}");
        assert!(
            text.len() > "email template `broken` failed: ".len() + 10,
            "{text}"
        );
    }
}
