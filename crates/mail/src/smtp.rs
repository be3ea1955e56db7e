//! The `smtp` transport: our own pool of lettre sessions on `TCP_NODELAY` sockets, with a
//! configurable TLS mode (see `smtp/connect.rs` for why the socket is ours).

mod connect;
mod pool;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use lettre::Message;
use lettre::transport::smtp::Error as SmtpError;
use lettre::transport::smtp::authentication::Credentials;

use self::connect::Connector;
use self::pool::Pool;
use crate::{MailError, SettingError, SmtpSettings, TlsMode};

impl SmtpSettings {
    /// The rules [`SmtpTransport::new`] applies before it builds anything, naming the refused
    /// field: a host (one TLS can verify, unless `tls = "none"`), and credentials that are set
    /// together and never cross the network in clear text.
    pub fn check(&self) -> Result<(), SettingError> {
        let host = self.host.trim();
        if host.is_empty() {
            return Err(SettingError::new("host", "is empty"));
        }
        if self.tls != TlsMode::None
            && rustls::pki_types::ServerName::try_from(host.trim_matches(['[', ']'])).is_err()
        {
            return Err(SettingError::new(
                "host",
                format!("{host:?} is not a host name or IP address that TLS can verify"),
            ));
        }
        match (&self.username, &self.password) {
            (Some(_), Some(_)) if self.tls == TlsMode::None && !is_loopback(host) => {
                Err(SettingError::new(
                    "tls",
                    "credentials need tls = \"starttls\" or \"tls\" for a remote host",
                ))
            }
            (Some(_), None) => Err(SettingError::new(
                "password",
                "is needed with username (set both or neither)",
            )),
            (None, Some(_)) => Err(SettingError::new(
                "username",
                "is needed with password (set both or neither)",
            )),
            _ => Ok(()),
        }
    }
}

/// A pooled SMTP client. Cheap to share: clones use the same pool.
#[derive(Clone)]
pub struct SmtpTransport {
    pool: Arc<Pool>,
    timeout: Duration,
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
    /// Inside a tokio runtime, the pool starts a task that closes idle connections.
    ///
    /// Credentials are refused with `tls = "none"` unless the relay is on this host: they would
    /// otherwise cross the network in clear text.
    pub fn new(settings: &SmtpSettings) -> Result<Self, MailError> {
        settings.check()?;
        let host = settings.host.trim();
        let port = settings.effective_port();
        let credentials = match (&settings.username, &settings.password) {
            (Some(user), Some(password)) => Some(Credentials::new(
                user.clone(),
                password.expose_secret().to_owned(),
            )),
            _ => None,
        };
        let timeout = Duration::from_secs(settings.timeout_secs.max(1));
        let connector = Connector::new(host, port, settings.tls, credentials, timeout)?;
        let max = usize::try_from(settings.pool_size).unwrap_or(usize::MAX);
        Ok(Self {
            pool: Pool::new(connector, max),
            timeout,
            endpoint: format!("{host}:{port} ({:?})", settings.tls),
        })
    }

    /// `host:port (mode)`, for logs.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// How many connections the pool has opened so far (reuse keeps this low).
    pub fn connections_opened(&self) -> u64 {
        self.pool.opened()
    }

    /// Hands the message to the relay: `Ok` only once the relay accepted it.
    ///
    /// Waits for a free connection when `pool_size` sends are in flight. Each step is bounded
    /// by `timeout_secs`; a connection that failed or timed out is closed, not reused.
    pub async fn send(&self, message: &Message) -> Result<(), MailError> {
        let envelope = message.envelope();
        let bytes = message.formatted();
        let mut session = self.pool.take().await?;
        match tokio::time::timeout(self.timeout, session.conn.send(envelope, &bytes)).await {
            Ok(Ok(_)) => {
                self.pool.give_back(session);
                Ok(())
            }
            Ok(Err(error)) => Err(classify(error)),
            Err(_) => Err(MailError::Timeout(self.timeout)),
        }
    }

    /// Takes (or opens) a connection and checks the relay answers `NOOP`.
    pub async fn check(&self) -> Result<(), MailError> {
        let mut session = self.pool.take().await?;
        match tokio::time::timeout(self.timeout, session.conn.test_connected()).await {
            Ok(true) => {
                self.pool.give_back(session);
                Ok(())
            }
            Ok(false) => Err(MailError::Transient("relay did not answer NOOP".into())),
            Err(_) => Err(MailError::Timeout(self.timeout)),
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
    use token_core::SecretString;

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
            password: Some(SecretString::new("hunter2")),
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
            for _ in 0..5 {
                transport.send(&message()).await.expect("sent");
            }
            transport.check().await.expect("relay answers");

            // Assert
            let received = sink
                .wait_for(5, Duration::from_secs(5))
                .await
                .expect("all five");
            assert_eq!(received[0].rcpt_to, ["bob@example.test"]);
            assert_eq!(sink.connections(), 1);
            assert_eq!(transport.connections_opened(), 1);
        }

        #[tokio::test]
        async fn concurrent_sends_share_at_most_pool_size_connections() {
            // Arrange
            let sink = SmtpSink::start().await.expect("sink");
            sink.set_reply_delay(Duration::from_millis(20));
            let settings = SmtpSettings {
                pool_size: 3,
                ..sink.smtp_settings()
            };
            let transport = SmtpTransport::new(&settings).expect("transport");

            // Act
            let mut sends = tokio::task::JoinSet::new();
            for _ in 0..12 {
                let transport = transport.clone();
                sends.spawn(async move { transport.send(&message()).await });
            }
            let results = sends.join_all().await;

            // Assert
            assert!(results.iter().all(Result::is_ok), "{results:?}");
            assert_eq!(sink.messages().len(), 12);
            assert_eq!(sink.connections(), 3);
        }

        #[tokio::test]
        async fn sends_on_one_connection_do_not_wait_for_delayed_acks() {
            // Arrange: with Nagle's algorithm on, the final `.` of every message waits for the
            // relay's delayed ACK (about 40 ms), so 25 sends would take a second or more.
            let sink = SmtpSink::start().await.expect("sink");
            let transport = SmtpTransport::new(&sink.smtp_settings()).expect("transport");
            transport.send(&message()).await.expect("warm-up");
            let started = std::time::Instant::now();

            // Act
            for _ in 0..25 {
                transport.send(&message()).await.expect("sent");
            }

            // Assert
            let elapsed = started.elapsed();
            assert!(elapsed < Duration::from_millis(500), "{elapsed:?}");
            assert_eq!(sink.connections(), 1);
        }

        #[tokio::test]
        async fn a_connection_the_relay_closed_is_replaced_without_a_failed_send() {
            // Arrange
            let sink = SmtpSink::start().await.expect("sink");
            let transport = SmtpTransport::new(&sink.smtp_settings()).expect("transport");
            transport.send(&message()).await.expect("first");

            // Act: the restart closes the pooled connection
            sink.restart().await.expect("restarts");
            let after_restart = transport.send(&message()).await;

            // Assert
            assert!(after_restart.is_ok(), "{after_restart:?}");
            assert_eq!(sink.messages().len(), 2);
            assert_eq!(sink.connections(), 2);
            assert_eq!(transport.connections_opened(), 2);
        }

        #[tokio::test]
        async fn mail_flows_again_once_a_stopped_relay_is_back() {
            // Arrange
            let sink = SmtpSink::start().await.expect("sink");
            let transport = SmtpTransport::new(&sink.smtp_settings()).expect("transport");
            transport.send(&message()).await.expect("before the outage");
            sink.stop().await;

            // Act
            let during = transport.send(&message()).await;
            sink.restart().await.expect("restarts");
            let after = transport.send(&message()).await;

            // Assert
            assert!(matches!(during, Err(MailError::Transient(_))), "{during:?}");
            assert!(after.is_ok(), "{after:?}");
            assert_eq!(sink.messages().len(), 2);
        }

        #[tokio::test]
        async fn credentials_are_sent_with_auth_plain_before_the_mail() {
            // Arrange
            let sink = SmtpSink::start().await.expect("sink");
            sink.require_login("lifeline", "s3cret");
            let with_login = SmtpSettings {
                username: Some("lifeline".into()),
                password: Some(SecretString::new("s3cret")),
                ..sink.smtp_settings()
            };
            let wrong_password = SmtpSettings {
                password: Some(SecretString::new("wrong")),
                ..with_login.clone()
            };
            let anonymous = sink.smtp_settings();

            // Act
            let accepted = SmtpTransport::new(&with_login)
                .expect("transport")
                .send(&message())
                .await;
            let refused = SmtpTransport::new(&wrong_password)
                .expect("transport")
                .send(&message())
                .await;
            let unauthenticated = SmtpTransport::new(&anonymous)
                .expect("transport")
                .send(&message())
                .await;

            // Assert
            assert!(accepted.is_ok(), "{accepted:?}");
            assert!(matches!(&refused, Err(MailError::Permanent(t)) if t.contains("535")));
            assert!(matches!(&unauthenticated, Err(MailError::Permanent(t)) if t.contains("530")));
            assert_eq!(sink.messages().len(), 1);
        }

        #[tokio::test]
        async fn tls_modes_never_fall_back_to_clear_text() {
            // Arrange: the sink speaks neither TLS nor STARTTLS
            let sink = SmtpSink::start().await.expect("sink");
            let starttls = SmtpSettings {
                tls: TlsMode::Starttls,
                ..sink.smtp_settings()
            };
            let implicit = SmtpSettings {
                tls: TlsMode::Tls,
                timeout_secs: 2,
                ..sink.smtp_settings()
            };

            // Act
            let without_starttls = SmtpTransport::new(&starttls)
                .expect("transport")
                .send(&message())
                .await;
            let without_tls = SmtpTransport::new(&implicit)
                .expect("transport")
                .send(&message())
                .await;

            // Assert
            assert!(
                matches!(&without_starttls, Err(MailError::Transient(t)) if t.contains("STARTTLS")),
                "{without_starttls:?}"
            );
            assert!(without_tls.is_err_and(|e| !e.is_permanent()));
            assert!(sink.messages().is_empty());
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
