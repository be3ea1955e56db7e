//! The `smtp` transport: a pooled lettre client with a configurable TLS mode.

use std::fmt;
use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::{Error as SmtpError, PoolConfig};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::{MailError, SmtpSettings, TlsMode};

/// A pooled SMTP client. Cheap to share: clones use the same pool.
#[derive(Clone)]
pub struct SmtpTransport {
    inner: AsyncSmtpTransport<Tokio1Executor>,
    endpoint: String,
}

impl fmt::Debug for SmtpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpTransport")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl SmtpTransport {
    /// Builds the client; no connection is made until the first message.
    ///
    /// Must be called inside a tokio runtime: the pool starts a task that closes idle
    /// connections.
    ///
    /// Credentials are refused with `tls = "none"` unless the relay is on this host: they would
    /// otherwise cross the network in clear text.
    pub fn new(settings: &SmtpSettings) -> Result<Self, MailError> {
        let host = settings.host.trim();
        if host.is_empty() {
            return Err(MailError::Settings("smtp host is empty".into()));
        }
        let port = settings.effective_port();
        let builder = match settings.tls {
            TlsMode::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
            TlsMode::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .map_err(|e| MailError::Settings(format!("smtp TLS setup: {e}")))?,
            TlsMode::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                .map_err(|e| MailError::Settings(format!("smtp TLS setup: {e}")))?,
        };
        let mut builder = builder
            .port(port)
            .timeout(Some(Duration::from_secs(settings.timeout_secs.max(1))))
            .pool_config(PoolConfig::new().max_size(settings.pool_size.max(1)));
        match (&settings.username, &settings.password) {
            (Some(user), Some(password)) => {
                if settings.tls == TlsMode::None && !is_loopback(host) {
                    return Err(MailError::Settings(
                        "smtp credentials need tls = \"starttls\" or \"tls\" for a remote host"
                            .into(),
                    ));
                }
                builder = builder
                    .credentials(Credentials::new(user.clone(), password.expose().to_owned()));
            }
            (None, None) => {}
            _ => {
                return Err(MailError::Settings(
                    "smtp username and password must be set together".into(),
                ));
            }
        }
        Ok(Self {
            inner: builder.build(),
            endpoint: format!("{host}:{port} ({:?})", settings.tls),
        })
    }

    /// `host:port (mode)`, for logs.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Hands the message to the relay.
    pub async fn send(&self, message: &Message) -> Result<(), MailError> {
        self.inner
            .send(message.clone())
            .await
            .map(drop)
            .map_err(classify)
    }

    /// Opens (or reuses) a connection and checks the relay answers `NOOP`.
    pub async fn check(&self) -> Result<(), MailError> {
        match self.inner.test_connection().await {
            Ok(true) => Ok(()),
            Ok(false) => Err(MailError::Transient("relay did not answer NOOP".into())),
            Err(error) => Err(classify(error)),
        }
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Sorts an SMTP failure into permanent (a 5xx reply) or transient (a 4xx reply, a refused or
/// broken connection, a timeout, a TLS failure), and masks any address the relay echoed back.
fn classify(error: SmtpError) -> MailError {
    let text = redact_addresses(&error.to_string());
    if error.is_permanent() {
        MailError::Permanent(text)
    } else {
        MailError::Transient(text)
    }
}

/// Relays often repeat the recipient in their replies (`550 <bob@example.com>: unknown`); the
/// text ends up in logs and the outbox, so every word that looks like an address is masked.
fn redact_addresses(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            if word.contains('@') {
                let bare = word.trim_matches(|c: char| !c.is_alphanumeric());
                storage::mask(bare)
            } else {
                word.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;

    #[test]
    fn addresses_echoed_by_the_relay_are_masked() {
        // Arrange
        let reply = "permanent error (550): <bob@example.com>: unknown user";

        // Act
        let redacted = redact_addresses(reply);

        // Assert
        assert_eq!(
            redacted,
            "permanent error (550): b***@example.com unknown user"
        );
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        // Arrange / Act / Assert
        assert!(is_loopback("localhost"));
        assert!(is_loopback("127.0.0.1"));
        assert!(is_loopback("[::1]"));
        assert!(!is_loopback("smtp.example.com"));
        assert!(!is_loopback("10.0.0.1"));
    }

    #[tokio::test]
    async fn credentials_without_tls_to_a_remote_host_are_refused() {
        // Arrange
        let settings = SmtpSettings {
            username: Some("user".into()),
            password: Some(Secret::new("hunter2")),
            ..SmtpSettings::unencrypted("smtp.example.com", 25)
        };

        // Act
        let result = SmtpTransport::new(&settings);

        // Assert
        assert!(matches!(result, Err(MailError::Settings(_))));
    }

    #[tokio::test]
    async fn username_without_password_is_refused() {
        // Arrange
        let settings = SmtpSettings {
            username: Some("user".into()),
            ..SmtpSettings::unencrypted("localhost", 25)
        };

        // Act
        let result = SmtpTransport::new(&settings);

        // Assert
        assert!(matches!(result, Err(MailError::Settings(_))));
    }

    #[tokio::test]
    async fn every_tls_mode_builds_with_its_usual_port() {
        // Arrange
        let modes = [TlsMode::None, TlsMode::Starttls, TlsMode::Tls];

        // Act
        let endpoints: Vec<String> = modes
            .into_iter()
            .map(|tls| {
                let settings = SmtpSettings {
                    tls,
                    port: None,
                    ..SmtpSettings::unencrypted("smtp.example.com", 1)
                };
                let transport = SmtpTransport::new(&settings).expect("builds");
                transport.endpoint().to_owned()
            })
            .collect();

        // Assert
        assert_eq!(
            endpoints,
            [
                "smtp.example.com:25 (None)",
                "smtp.example.com:587 (Starttls)",
                "smtp.example.com:465 (Tls)"
            ]
        );
    }

    #[cfg(feature = "sink")]
    mod with_sink {
        use std::time::Duration;

        use super::*;
        use crate::sink::{SinkMode, SmtpSink};

        fn message() -> Message {
            Message::builder()
                .from("from@acme.test".parse().expect("address"))
                .to("bob@example.test".parse().expect("address"))
                .subject("Hi")
                .body("hello".to_owned())
                .expect("message")
        }

        #[tokio::test]
        async fn message_reaches_the_relay_and_the_pool_reuses_the_connection() {
            // Arrange
            let sink = SmtpSink::start().await.expect("sink");
            let transport = SmtpTransport::new(&sink.smtp_settings()).expect("transport");

            // Act
            transport.send(&message()).await.expect("first");
            transport.send(&message()).await.expect("second");
            transport.check().await.expect("relay answers");

            // Assert
            let received = sink
                .wait_for(2, Duration::from_secs(5))
                .await
                .expect("both");
            assert_eq!(received[0].rcpt_to, ["bob@example.test"]);
        }

        #[tokio::test]
        async fn a_4xx_reply_is_transient_and_a_5xx_reply_is_permanent() {
            // Arrange
            let sink = SmtpSink::start().await.expect("sink");
            let transport = SmtpTransport::new(&sink.smtp_settings()).expect("transport");

            // Act
            sink.set_mode(SinkMode::TempFail);
            let temporary = transport.send(&message()).await;
            sink.set_mode(SinkMode::PermFail);
            let permanent = transport.send(&message()).await;

            // Assert
            assert!(matches!(&temporary, Err(MailError::Transient(t)) if t.contains("451")));
            assert!(matches!(&permanent, Err(MailError::Permanent(t)) if t.contains("550")));
        }

        #[tokio::test]
        async fn a_relay_that_is_down_is_a_transient_failure() {
            // Arrange
            let sink = SmtpSink::start().await.expect("sink");
            let transport = SmtpTransport::new(&sink.smtp_settings()).expect("transport");
            sink.stop().await;

            // Act
            let result = transport.send(&message()).await;

            // Assert
            assert!(matches!(result, Err(MailError::Transient(_))), "{result:?}");
        }
    }
}
