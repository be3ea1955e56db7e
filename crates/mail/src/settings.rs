//! Typed, deserialisable mail settings: sender, transport and worker.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use token_core::SecretString;

use crate::SettingError;

/// Who the mail comes from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SenderSettings {
    /// The `From` address, e.g. `no-reply@acme.test`.
    pub from_address: String,
    /// The display name next to it, e.g. `Acme`.
    #[serde(default)]
    pub from_name: String,
    /// The right-hand side of every `Message-ID`; defaults to the domain of `from_address`.
    #[serde(default)]
    pub message_id_domain: Option<String>,
}

/// Which transport delivers the mail, chosen in configuration by `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum TransportSettings {
    /// A real SMTP relay: the only transport production mode accepts.
    Smtp(SmtpSettings),
    /// Development: keep every message in the database and show it at `/dev/mailbox`.
    ///
    /// Written with braces (`Mailbox {}`) so that stray keys next to `kind` are rejected too.
    Mailbox {},
    /// Development: log the masked recipient and subject, drop the message.
    Log {},
}

impl TransportSettings {
    /// True for the transports that do not deliver mail (`mailbox`, `log`).
    ///
    /// Production mode refuses them: a misconfigured production instance must fail at start-up,
    /// not silently keep reset links in a table or a log.
    pub fn is_development(&self) -> bool {
        !matches!(self, Self::Smtp(_))
    }
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// Plain text. Only for a relay on the same host or a test sink.
    None,
    /// Upgrade with STARTTLS; refuse to continue without it.
    #[default]
    Starttls,
    /// TLS from the first byte (implicit TLS, usually port 465).
    Tls,
}

impl TlsMode {
    /// The usual port for this mode: 25, 587 or 465.
    pub fn default_port(self) -> u16 {
        match self {
            Self::None => 25,
            Self::Starttls => 587,
            Self::Tls => 465,
        }
    }
}

/// Settings of the `smtp` transport.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    /// Relay host name (also the name checked against its certificate).
    pub host: String,
    /// Port; defaults to the usual port of `tls`.
    #[serde(default)]
    pub port: Option<u16>,
    /// `none`, `starttls` (default) or `tls`.
    #[serde(default)]
    pub tls: TlsMode,
    /// User name for SMTP AUTH; without it no authentication is attempted.
    #[serde(default)]
    pub username: Option<String>,
    /// Password for SMTP AUTH. Serialised as `***`, never as itself.
    #[serde(
        default,
        serialize_with = "token_core::serialize_redacted",
        skip_serializing_if = "Option::is_none"
    )]
    pub password: Option<SecretString>,
    /// Limit for each network operation, in seconds.
    #[serde(default = "default_smtp_timeout_secs")]
    pub timeout_secs: u64,
    /// Most connections kept open in the pool.
    #[serde(default = "default_pool_size")]
    pub pool_size: u32,
}

fn default_smtp_timeout_secs() -> u64 {
    15
}

fn default_pool_size() -> u32 {
    4
}

impl SmtpSettings {
    /// Plain SMTP to `host:port` with default timeouts: a local relay or a test sink.
    pub fn unencrypted(host: impl Into<String>, port: u16) -> Self {
        Self {
            host: host.into(),
            port: Some(port),
            tls: TlsMode::None,
            username: None,
            password: None,
            timeout_secs: default_smtp_timeout_secs(),
            pool_size: default_pool_size(),
        }
    }

    /// The configured port, or the usual one for the TLS mode.
    pub fn effective_port(&self) -> u16 {
        self.port.unwrap_or_else(|| self.tls.default_port())
    }
}

/// Tunables of the outbox worker.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkerSettings {
    /// How often the outbox is polled when nobody nudges the worker, in milliseconds.
    pub poll_interval_ms: u64,
    /// Most jobs claimed at once.
    pub batch_size: u32,
    /// How long a claim protects a job from other workers, in seconds. Must exceed the send
    /// timeout by a margin, or a slow send could be claimed and sent again elsewhere.
    pub lease_secs: u64,
    /// Attempts before a job is given up.
    pub max_attempts: u32,
    /// Limit for one delivery, in seconds.
    pub send_timeout_secs: u64,
    /// Most deliveries in flight at once, per lane.
    pub concurrency: usize,
    /// Batches in progress at once: while one lane writes to the database, another sends.
    pub lanes: usize,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            poll_interval_ms: 2_000,
            batch_size: 32,
            lease_secs: 120,
            max_attempts: 8,
            send_timeout_secs: 30,
            concurrency: 4,
            lanes: 1,
        }
    }
}

impl WorkerSettings {
    /// The poll interval.
    pub fn poll_interval(&self) -> Duration {
        Duration::from_millis(self.poll_interval_ms)
    }

    /// The lease length.
    pub fn lease(&self) -> Duration {
        Duration::from_secs(self.lease_secs)
    }

    /// The limit for one delivery.
    pub fn send_timeout(&self) -> Duration {
        Duration::from_secs(self.send_timeout_secs)
    }

    /// Refuses values that would lose or duplicate mail (a lease shorter than a send) or
    /// never do anything (zero batch, zero concurrency, zero lanes, zero attempts).
    pub fn validate(&self) -> Result<(), crate::MailError> {
        Ok(self.check()?)
    }

    /// The rules behind [`Self::validate`], naming the refused field.
    pub fn check(&self) -> Result<(), SettingError> {
        let at_least_one = [
            ("batch_size", u64::from(self.batch_size)),
            ("concurrency", self.concurrency as u64),
            ("lanes", self.lanes as u64),
            ("max_attempts", u64::from(self.max_attempts)),
            ("poll_interval_ms", self.poll_interval_ms),
            ("send_timeout_secs", self.send_timeout_secs),
        ];
        if let Some((field, _)) = at_least_one.iter().find(|(_, value)| *value == 0) {
            return Err(SettingError::new(field, "must be at least 1"));
        }
        if self.lease_secs < self.send_timeout_secs.saturating_mul(2) {
            return Err(SettingError::new(
                "lease_secs",
                format!(
                    "{} is less than twice send_timeout_secs ({}): a slow send could be \
                     claimed and sent again elsewhere",
                    self.lease_secs, self.send_timeout_secs
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_settings_parse_by_kind_with_defaults() {
        // Arrange
        let json = r#"{"kind":"smtp","host":"smtp.acme.test","username":"u","password":"p"}"#;

        // Act
        let settings: TransportSettings = serde_json::from_str(json).expect("parses");

        // Assert
        let TransportSettings::Smtp(smtp) = &settings else {
            panic!("expected smtp, got {settings:?}");
        };
        assert_eq!(smtp.tls, TlsMode::Starttls);
        assert_eq!(smtp.effective_port(), 587);
        assert_eq!(
            smtp.password.as_ref().map(SecretString::expose_secret),
            Some("p")
        );
        assert!(!settings.is_development());
    }

    #[test]
    fn mailbox_and_log_are_development_transports() {
        // Arrange
        let mailbox: TransportSettings =
            serde_json::from_str(r#"{"kind":"mailbox"}"#).expect("parses");
        let log: TransportSettings = serde_json::from_str(r#"{"kind":"log"}"#).expect("parses");

        // Act / Assert
        assert_eq!(mailbox, TransportSettings::Mailbox {});
        assert_eq!(log, TransportSettings::Log {});
        assert!(mailbox.is_development());
        assert!(log.is_development());
    }

    #[test]
    fn unknown_kinds_and_unknown_keys_are_rejected() {
        // Arrange
        let inputs = [
            r#"{"kind":"sendmail"}"#,
            r#"{"kind":"smtp","host":"h","hots":"typo"}"#,
            r#"{"kind":"smtp","host":"h","tls":"maybe"}"#,
            r#"{"kind":"log","host":"h"}"#,
            r#"{"host":"h"}"#,
        ];

        // Act / Assert
        for input in inputs {
            assert!(
                serde_json::from_str::<TransportSettings>(input).is_err(),
                "{input}"
            );
        }
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        // Arrange
        let settings = SmtpSettings {
            password: Some(SecretString::new("hunter2")),
            ..SmtpSettings::unencrypted("localhost", 25)
        };

        // Act
        let debug = format!("{settings:?}");

        // Assert
        assert!(!debug.contains("hunter2"));
        assert!(debug.contains("***"));
    }

    #[test]
    fn worker_defaults_are_valid_and_keys_can_be_partial() {
        // Arrange
        let json = r#"{"concurrency":2}"#;

        // Act
        let settings: WorkerSettings = serde_json::from_str(json).expect("parses");

        // Assert
        assert_eq!(settings.concurrency, 2);
        assert_eq!(settings.batch_size, WorkerSettings::default().batch_size);
        assert!(settings.validate().is_ok());
        assert!(WorkerSettings::default().validate().is_ok());
    }

    #[test]
    fn a_lease_shorter_than_two_sends_is_refused() {
        // Arrange
        let settings = WorkerSettings {
            lease_secs: 50,
            send_timeout_secs: 30,
            ..WorkerSettings::default()
        };

        // Act
        let result = settings.validate();

        // Assert
        assert!(result.is_err());
    }

    #[test]
    fn zero_batch_concurrency_lanes_or_attempts_are_refused() {
        // Arrange
        let zeroes = [
            WorkerSettings {
                batch_size: 0,
                ..WorkerSettings::default()
            },
            WorkerSettings {
                concurrency: 0,
                ..WorkerSettings::default()
            },
            WorkerSettings {
                lanes: 0,
                ..WorkerSettings::default()
            },
            WorkerSettings {
                max_attempts: 0,
                ..WorkerSettings::default()
            },
            WorkerSettings {
                poll_interval_ms: 0,
                ..WorkerSettings::default()
            },
        ];

        // Act / Assert
        for settings in zeroes {
            assert!(settings.validate().is_err(), "{settings:?}");
        }
    }
}
