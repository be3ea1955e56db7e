//! The transports behind one type: SMTP for real delivery, mailbox and log for development.

use storage::Database;
use storage::mailbox::{self, NewMail};

use crate::{MailError, OutboundMessage, SmtpTransport, TransportSettings};

/// How built messages leave the process. Cheap to clone.
#[derive(Debug, Clone)]
pub enum Transport {
    /// Real delivery through an SMTP relay.
    Smtp(SmtpTransport),
    /// Development: messages are kept in the database's `mailbox` table.
    Mailbox(Database),
    /// Development: only the masked recipient and the subject are logged.
    Log,
}

impl Transport {
    /// Builds the transport the settings ask for. `db` is used by the mailbox transport only.
    ///
    /// Must be called inside a tokio runtime (the SMTP pool starts a task).
    pub fn from_settings(settings: &TransportSettings, db: &Database) -> Result<Self, MailError> {
        Ok(match settings {
            TransportSettings::Smtp(smtp) => Self::Smtp(SmtpTransport::new(smtp)?),
            TransportSettings::Mailbox {} => Self::Mailbox(db.clone()),
            TransportSettings::Log {} => Self::Log,
        })
    }

    /// True for `mailbox` and `log`, which production mode refuses.
    pub fn is_development(&self) -> bool {
        !matches!(self, Self::Smtp(_))
    }

    /// `smtp`, `mailbox` or `log`, for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Smtp(_) => "smtp",
            Self::Mailbox(_) => "mailbox",
            Self::Log => "log",
        }
    }

    /// Delivers one message.
    pub async fn send(&self, message: &OutboundMessage) -> Result<(), MailError> {
        match self {
            Self::Smtp(smtp) => smtp.send(&message.message).await,
            Self::Mailbox(db) => keep_in_mailbox(db, message).await,
            Self::Log => {
                // Never the body: it carries a live token, and logs are read by more people
                // and kept longer than mailboxes.
                tracing::info!(
                    to = %message.masked_recipient(),
                    subject = %message.email.content().subject,
                    message_id = %message.message_id,
                    template = message.email.template(),
                    "log transport: email not delivered (development)"
                );
                Ok(())
            }
        }
    }
}

async fn keep_in_mailbox(db: &Database, message: &OutboundMessage) -> Result<(), MailError> {
    let db = db.clone();
    let recipient = message.email.recipient().to_string();
    let content = message.email.content().clone();
    let message_id = message.message_id.clone();
    let created_at = chrono::Utc::now().naive_utc();
    tokio::task::spawn_blocking(move || {
        let mail = NewMail {
            recipient: &recipient,
            subject: &content.subject,
            body_text: &content.text,
            body_html: Some(&content.html),
            message_id: &message_id,
            created_at,
        };
        mailbox::insert(&mut *db.conn()?, &mail)
    })
    .await??;
    tracing::info!(
        to = %message.masked_recipient(),
        message_id = %message.message_id,
        "mailbox transport: email kept for /dev/mailbox (development)"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use storage::Backend;
    use storage::testing::TestDb;

    use super::*;
    use crate::SmtpSettings;

    fn database() -> TestDb {
        TestDb::new(Backend::Sqlite).expect("SQLite is always available")
    }

    #[tokio::test]
    async fn settings_choose_the_transport_and_only_smtp_is_for_production() {
        // Arrange
        let db = database();
        let all = [
            TransportSettings::Smtp(SmtpSettings::unencrypted("localhost", 2525)),
            TransportSettings::Mailbox {},
            TransportSettings::Log {},
        ];

        // Act
        let built: Vec<Transport> = all
            .iter()
            .map(|settings| Transport::from_settings(settings, &db).expect("builds"))
            .collect();

        // Assert
        let kinds: Vec<&str> = built.iter().map(Transport::kind).collect();
        assert_eq!(kinds, ["smtp", "mailbox", "log"]);
        for (settings, transport) in all.iter().zip(&built) {
            assert_eq!(settings.is_development(), transport.is_development());
        }
        assert!(!built[0].is_development());
    }

    #[tokio::test]
    async fn invalid_smtp_settings_are_reported_when_the_transport_is_built() {
        // Arrange
        let db = database();
        let settings = TransportSettings::Smtp(SmtpSettings::unencrypted("  ", 25));

        // Act
        let result = Transport::from_settings(&settings, &db);

        // Assert
        assert!(matches!(result, Err(MailError::Settings(_))));
    }
}
