//! Turning a rendered email into a MIME message with stable headers.

use std::time::SystemTime;

use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{Address, Message};

use crate::{MailError, RenderedEmail, SenderSettings, SettingError};

/// The sender address and the `Message-ID` domain, once every sender setting passed.
fn checked(settings: &SenderSettings) -> Result<(Address, String), SettingError> {
    let address = parse_address(&settings.from_address).map_err(|_| {
        SettingError::new(
            "from_address",
            format!("{:?} is not an email address", settings.from_address),
        )
    })?;
    if settings.from_name.chars().any(char::is_control) {
        return Err(SettingError::new(
            "from_name",
            "must not contain control characters",
        ));
    }
    let domain = settings
        .message_id_domain
        .clone()
        .unwrap_or_else(|| address.domain().to_owned());
    let domain_ok = !domain.is_empty()
        && domain.len() <= 253
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if !domain_ok {
        return Err(SettingError::new(
            "message_id_domain",
            format!("{domain:?} is not a plain domain name"),
        ));
    }
    Ok((address, domain))
}

/// The longest address SMTP can carry (RFC 5321 path limit minus the angle brackets).
const MAX_ADDRESS_OCTETS: usize = 254;

/// One email ready to be addressed: recipient, template name (for logs) and content.
///
/// There is no `Debug`: the content carries a live token.
#[derive(Clone)]
pub struct OutgoingEmail {
    recipient: Address,
    template: String,
    content: RenderedEmail,
}

impl OutgoingEmail {
    /// Checks the recipient and keeps the rendered content.
    pub fn new(to: &str, template: &str, content: RenderedEmail) -> Result<Self, MailError> {
        Ok(Self {
            recipient: parse_address(to)?,
            template: template.to_owned(),
            content,
        })
    }

    /// The recipient.
    pub fn recipient(&self) -> &Address {
        &self.recipient
    }

    /// The template the content came from, e.g. `password_reset`.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// Subject, text and HTML.
    pub fn content(&self) -> &RenderedEmail {
        &self.content
    }
}

/// A built message plus what the development transports show of it.
#[derive(Clone)]
pub struct OutboundMessage {
    /// The MIME message, headers included.
    pub message: Message,
    /// The `Message-ID` header value, angle brackets included.
    pub message_id: String,
    /// The email it was built from.
    pub email: OutgoingEmail,
}

impl OutboundMessage {
    /// The recipient masked for logs, e.g. `a***@example.com`.
    pub fn masked_recipient(&self) -> String {
        storage::mask(self.email.recipient.as_ref())
    }
}

/// Who the mail comes from and which domain names its Message-IDs.
#[derive(Debug, Clone)]
pub struct Sender {
    from: Mailbox,
    domain: String,
}

impl Sender {
    /// Checks the sender settings; a bad value stops start-up.
    pub fn new(settings: &SenderSettings) -> Result<Self, MailError> {
        let (address, domain) = checked(settings)?;
        let name = (!settings.from_name.trim().is_empty()).then(|| settings.from_name.clone());
        Ok(Self {
            from: Mailbox::new(name, address),
            domain,
        })
    }

    /// The rules [`Self::new`] applies, naming the refused field.
    pub fn check(settings: &SenderSettings) -> Result<(), SettingError> {
        checked(settings).map(drop)
    }

    /// The `Message-ID` of the outbox job with key `job_key`: the same on every attempt, so a
    /// retried send is recognisable as the same message by the relay, the recipient and our
    /// logs. The random job key is used rather than the row id, which would reveal mail volume.
    pub fn message_id(&self, job_key: &str) -> String {
        format!("<outbox-{job_key}@{}>", self.domain)
    }

    /// Builds the multipart/alternative (text, then HTML) message for the outbox job `job_key`.
    ///
    /// The key must be a plain token (letters, digits, `-`); anything else would break the
    /// `Message-ID` header.
    pub fn build(&self, job_key: &str, email: OutgoingEmail) -> Result<OutboundMessage, MailError> {
        if job_key.is_empty()
            || !job_key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(MailError::Settings(
                "outbox job key is not a plain token".into(),
            ));
        }
        let message_id = self.message_id(job_key);
        let content = email.content();
        let mut builder = Message::builder();
        if let Some(language) = ContentLanguage::new(&content.language) {
            builder = builder.header(language);
        }
        let message = builder
            .from(self.from.clone())
            .to(Mailbox::new(None, email.recipient.clone()))
            .subject(content.subject.clone())
            .message_id(Some(message_id.clone()))
            .date(SystemTime::now())
            .multipart(MultiPart::alternative_plain_html(
                content.text.clone(),
                content.html.clone(),
            ))?;
        Ok(OutboundMessage {
            message,
            message_id,
            email,
        })
    }
}

/// `Content-Language` (RFC 3282): the language the mail is written in, for readers, screen
/// readers and translation offers.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ContentLanguage(String);

impl ContentLanguage {
    /// The header for tag `tag`, if it is one: letters, digits and `-` only, so nothing in
    /// it can end the header line.
    fn new(tag: &str) -> Option<Self> {
        let plain = !tag.is_empty()
            && tag.len() <= 35
            && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        plain.then(|| Self(tag.to_owned()))
    }
}

impl Header for ContentLanguage {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Language")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Self::new(s.trim()).ok_or_else(|| "not a language tag".into())
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// Parses an address for use in SMTP.
///
/// CR, LF, NUL and every other control character are refused before parsing: in a header or
/// an SMTP command they could start a new header or command (injection).
pub fn parse_address(text: &str) -> Result<Address, MailError> {
    if text.chars().any(char::is_control) {
        return Err(MailError::InvalidAddress(
            "contains a control character".into(),
        ));
    }
    if text.len() > MAX_ADDRESS_OCTETS {
        return Err(MailError::InvalidAddress(format!(
            "longer than {MAX_ADDRESS_OCTETS} octets"
        )));
    }
    text.parse::<Address>()
        .map_err(|e| MailError::InvalidAddress(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sender() -> Sender {
        Sender::new(&SenderSettings {
            from_address: "no-reply@acme.test".into(),
            from_name: "Acme".into(),
            message_id_domain: None,
        })
        .expect("valid sender")
    }

    fn content() -> RenderedEmail {
        RenderedEmail {
            language: "de".into(),
            subject: "Reset your password".into(),
            text: "Open https://acme.test/r?token=lr1_x".into(),
            html: "<p><a href=\"https://acme.test/r?token=lr1_x\">Reset</a></p>".into(),
        }
    }

    fn formatted(message: &OutboundMessage) -> String {
        String::from_utf8(message.message.formatted()).expect("ASCII message")
    }

    #[test]
    fn message_is_multipart_alternative_with_text_before_html() {
        // Arrange
        let email =
            OutgoingEmail::new("bob@example.test", "password_reset", content()).expect("ok");

        // Act
        let built = sender().build("k7", email).expect("builds");

        // Assert
        let raw = formatted(&built);
        assert!(raw.contains("Content-Type: multipart/alternative"), "{raw}");
        let text = raw.find("Content-Type: text/plain").expect("text part");
        let html = raw.find("Content-Type: text/html").expect("html part");
        assert!(text < html, "text part first, so simple clients show it");
        assert!(raw.contains("From: Acme <no-reply@acme.test>"), "{raw}");
        assert!(raw.contains("To: bob@example.test"), "{raw}");
        assert!(raw.contains("Subject: Reset your password"), "{raw}");
        assert!(raw.contains("Date: "), "{raw}");
        assert!(raw.contains("Content-Language: de\r\n"), "{raw}");
    }

    #[test]
    fn a_language_tag_that_could_break_the_header_is_left_out() {
        for tag in ["", "de\r\nBcc: x@evil.test", "de en", &"x".repeat(36)] {
            let email = OutgoingEmail::new(
                "bob@example.test",
                "password_reset",
                RenderedEmail {
                    language: tag.to_owned(),
                    ..content()
                },
            )
            .expect("ok");
            let raw = formatted(&sender().build("k7", email).expect("builds"));
            assert!(!raw.contains("Content-Language"), "{tag:?}: {raw}");
            assert!(!raw.contains("Bcc"), "{raw}");
        }
    }

    #[test]
    fn message_id_is_derived_from_the_job_and_stable_across_attempts() {
        // Arrange
        let sender = sender();
        let email = || OutgoingEmail::new("bob@example.test", "magic_link", content()).expect("ok");

        // Act
        let first = sender.build("0a1b2c", email()).expect("builds");
        let retry = sender.build("0a1b2c", email()).expect("builds");
        let other = sender.build("3d4e5f", email()).expect("builds");

        // Assert
        assert_eq!(first.message_id, "<outbox-0a1b2c@acme.test>");
        assert_eq!(first.message_id, retry.message_id);
        assert_ne!(first.message_id, other.message_id);
        assert!(formatted(&first).contains("Message-ID: <outbox-0a1b2c@acme.test>"));
    }

    #[test]
    fn message_id_domain_can_be_configured() {
        // Arrange
        let sender = Sender::new(&SenderSettings {
            from_address: "no-reply@acme.test".into(),
            from_name: String::new(),
            message_id_domain: Some("mail.acme.test".into()),
        })
        .expect("valid");

        // Act
        let id = sender.message_id("abc");

        // Assert
        assert_eq!(id, "<outbox-abc@mail.acme.test>");
    }

    #[test]
    fn job_key_that_could_break_the_header_is_refused() {
        // Arrange
        let email = OutgoingEmail::new("bob@example.test", "magic_link", content()).expect("ok");

        // Act
        let result = sender().build("a>\r\nBcc: x", email);

        // Assert
        assert!(matches!(result, Err(MailError::Settings(_))));
    }

    #[test]
    fn addresses_with_line_breaks_or_nul_are_refused() {
        // Arrange
        let hostile = [
            "bob@example.test\r\nBcc: eve@example.test",
            "bob@example.test\n",
            "bob\0@example.test",
        ];

        // Act / Assert
        for address in hostile {
            let result = OutgoingEmail::new(address, "magic_link", content());
            assert!(
                matches!(result, Err(MailError::InvalidAddress(_))),
                "{address:?}"
            );
        }
    }

    #[test]
    fn addresses_over_254_octets_or_without_a_domain_are_refused() {
        // Arrange
        let long = format!("{}@example.test", "a".repeat(250));

        // Act / Assert
        assert!(parse_address(&long).is_err());
        assert!(parse_address("bob").is_err());
        assert!(parse_address("bob@example.test").is_ok());
    }

    #[test]
    fn error_for_a_bad_address_does_not_repeat_it() {
        // Arrange
        let address = "secret-person\r\n@example.test";

        // Act
        let error = parse_address(address).expect_err("refused");

        // Assert
        assert!(!error.to_string().contains("secret-person"));
    }

    #[test]
    fn sender_with_bad_settings_is_refused() {
        // Arrange
        let bad_address = SenderSettings {
            from_address: "nope".into(),
            from_name: String::new(),
            message_id_domain: None,
        };
        let bad_name = SenderSettings {
            from_address: "no-reply@acme.test".into(),
            from_name: "Acme\r\nBcc: x@y.test".into(),
            message_id_domain: None,
        };
        let bad_domain = SenderSettings {
            from_address: "no-reply@acme.test".into(),
            from_name: String::new(),
            message_id_domain: Some("acme.test>\r\nX: y".into()),
        };

        // Act / Assert
        for settings in [bad_address, bad_name, bad_domain] {
            assert!(matches!(
                Sender::new(&settings),
                Err(MailError::Settings(_))
            ));
        }
    }

    #[test]
    fn masked_recipient_keeps_only_the_first_letter_and_the_domain() {
        // Arrange
        let email = OutgoingEmail::new("bob@example.test", "magic_link", content()).expect("ok");
        let built = sender().build("k1", email).expect("builds");

        // Act
        let masked = built.masked_recipient();

        // Assert
        assert_eq!(masked, "b***@example.test");
    }
}
