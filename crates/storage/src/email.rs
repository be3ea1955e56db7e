//! The email address domain type: parse, don't validate.

use std::fmt;

use crate::error::StorageError;

/// Longest address accepted, in octets (RFC 5321 path limit minus the angle brackets).
pub const MAX_EMAIL_LEN: usize = 254;
/// Longest local part accepted, in octets (RFC 5321 §4.5.3.1.1).
pub const MAX_LOCAL_PART_LEN: usize = 64;
const MAX_LABEL_LEN: usize = 63;

/// An email address that passed [`EmailAddress::parse`].
///
/// Two forms are kept:
/// - [`as_str`](Self::as_str), the *normalised* form, entirely lowercase. Lifeline treats
///   addresses case-insensitively: lookups, the unique index and per-address rate limits use
///   this form, so `Alice@Example.com` and `alice@example.com` are one account and one quota.
/// - [`display`](Self::display), the address as entered (trimmed, domain lowercased). Mail is
///   sent to this stored form, because RFC 5321 lets a mail server treat the local part as
///   case-sensitive.
///
/// Only ASCII addresses in dot-atom form are accepted. Internationalised addresses (RFC 6531)
/// are refused: the local part would need SMTPUTF8 support from every relay on the way, and
/// a domain must be entered in its ASCII (`xn--`) form. Refusing non-ASCII also keeps
/// look-alike characters and bidirectional overrides out of stored addresses. Quoted local
/// parts (`"a b"@example.com`) are refused for the same reason: nobody needs them for a
/// password reset, and every extra syntax is extra attack surface in mail headers.
///
/// `Debug` prints the masked form so that addresses do not end up in logs by accident.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress {
    normalised: String,
    display: String,
}

/// Why an address was refused. The `Display` text is fit to show to the person who typed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailRejection {
    /// Nothing but whitespace.
    Empty,
    /// Longer than [`MAX_EMAIL_LEN`] octets.
    TooLong,
    /// Contains a control character (CR, LF, NUL, tab, …), anywhere — even at the ends.
    ControlCharacter,
    /// Contains a space or other whitespace inside the address.
    Whitespace,
    /// Contains a character outside ASCII.
    NonAscii,
    /// Has no `@`.
    MissingAt,
    /// Has more than one `@`.
    MultipleAt,
    /// Nothing before the `@`.
    EmptyLocalPart,
    /// The part before the `@` is longer than [`MAX_LOCAL_PART_LEN`] octets.
    LocalPartTooLong,
    /// The part before the `@` has a character or dot placement that is not allowed.
    InvalidLocalPart,
    /// Nothing after the `@`.
    EmptyDomain,
    /// The part after the `@` is not a valid host name.
    InvalidDomain,
}

impl fmt::Display for EmailRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "the address is empty",
            Self::TooLong => "the address is longer than 254 characters",
            Self::ControlCharacter => "the address contains a control character",
            Self::Whitespace => "the address contains a space",
            Self::NonAscii => {
                "the address contains a character outside ASCII (enter an international domain in its xn-- form)"
            }
            Self::MissingAt => "the address has no @",
            Self::MultipleAt => "the address has more than one @",
            Self::EmptyLocalPart => "the address has nothing before the @",
            Self::LocalPartTooLong => "the part before the @ is longer than 64 characters",
            Self::InvalidLocalPart => "the part before the @ contains a character that is not allowed",
            Self::EmptyDomain => "the address has nothing after the @",
            Self::InvalidDomain => "the part after the @ is not a valid domain name",
        })
    }
}

impl EmailAddress {
    /// Parses untrusted input into an address, or says why it is not one.
    ///
    /// Control characters are refused *before* trimming: an address that arrives with CR/LF
    /// attached is suspicious (header injection), not sloppy typing. Surrounding spaces are
    /// trimmed. The result never contains CR, LF, NUL or whitespace, so it is safe to place
    /// in a mail header.
    pub fn parse(input: &str) -> Result<Self, StorageError> {
        parse_parts(input).map_err(StorageError::InvalidEmail)
    }

    /// The normalised (lowercase) form: the key for lookups, uniqueness and rate limits.
    pub fn as_str(&self) -> &str {
        &self.normalised
    }

    /// The form mail is sent to: as entered, trimmed, with the domain lowercased.
    pub fn display(&self) -> &str {
        &self.display
    }

    /// A form safe for logs: the first character of the local part, `***`, and the domain
    /// (`j***@example.com`).
    pub fn masked(&self) -> String {
        mask(&self.display)
    }
}

/// Masks an address (already stored or freshly parsed) for logging, the same way as
/// [`EmailAddress::masked`]. Input without an `@` is masked entirely.
pub fn mask(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.normalised
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("EmailAddress").field(&self.masked()).finish()
    }
}

fn parse_parts(input: &str) -> Result<EmailAddress, EmailRejection> {
    if input.chars().any(char::is_control) {
        return Err(EmailRejection::ControlCharacter);
    }
    let address = input.trim();
    if address.is_empty() {
        return Err(EmailRejection::Empty);
    }
    if address.len() > MAX_EMAIL_LEN {
        return Err(EmailRejection::TooLong);
    }
    if address.chars().any(char::is_whitespace) {
        return Err(EmailRejection::Whitespace);
    }
    if !address.is_ascii() {
        return Err(EmailRejection::NonAscii);
    }
    let (local, domain) = match address.split_once('@') {
        None => return Err(EmailRejection::MissingAt),
        Some((_, rest)) if rest.contains('@') => return Err(EmailRejection::MultipleAt),
        Some(parts) => parts,
    };
    check_local_part(local)?;
    check_domain(domain)?;
    let domain = domain.to_ascii_lowercase();
    Ok(EmailAddress {
        normalised: format!("{}@{domain}", local.to_ascii_lowercase()),
        display: format!("{local}@{domain}"),
    })
}

/// RFC 5322 dot-atom: atext characters, dots only between them.
fn check_local_part(local: &str) -> Result<(), EmailRejection> {
    if local.is_empty() {
        return Err(EmailRejection::EmptyLocalPart);
    }
    if local.len() > MAX_LOCAL_PART_LEN {
        return Err(EmailRejection::LocalPartTooLong);
    }
    let is_atext = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b);
    let atoms_ok = local
        .split('.')
        .all(|atom| !atom.is_empty() && atom.bytes().all(is_atext));
    if atoms_ok {
        Ok(())
    } else {
        Err(EmailRejection::InvalidLocalPart)
    }
}

/// A host name: dot-separated labels of letters, digits and inner hyphens, 1–63 octets each.
/// Single-label names (`localhost`) are allowed for development set-ups.
fn check_domain(domain: &str) -> Result<(), EmailRejection> {
    if domain.is_empty() {
        return Err(EmailRejection::EmptyDomain);
    }
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= MAX_LABEL_LEN
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if domain.split('.').all(label_ok) {
        Ok(())
    } else {
        Err(EmailRejection::InvalidDomain)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn rejection(input: &str) -> EmailRejection {
        match EmailAddress::parse(input) {
            Err(StorageError::InvalidEmail(reason)) => reason,
            other => panic!("{input:?} gave {other:?}"),
        }
    }

    #[test]
    fn an_ordinary_address_is_trimmed_and_normalised() {
        // Act
        let email = EmailAddress::parse("  Alice.Smith+reset@Example.COM ").unwrap();

        // Assert
        assert_eq!(email.as_str(), "alice.smith+reset@example.com");
        assert_eq!(email.display(), "Alice.Smith+reset@example.com");
        assert_eq!(email.as_ref(), "alice.smith+reset@example.com");
    }

    #[test]
    fn differently_cased_addresses_normalise_to_the_same_key() {
        let a = EmailAddress::parse("BOB@example.com").unwrap();
        let b = EmailAddress::parse("bob@EXAMPLE.com").unwrap();
        assert_eq!(a.as_str(), b.as_str());
    }

    #[test]
    fn control_characters_are_refused_even_at_the_ends() {
        for input in [
            "a@b.com\r\n",
            "a\n@b.com",
            "a@b.com\0",
            "\ta@b.com",
            "a@b\u{7f}.com",
        ] {
            assert_eq!(
                rejection(input),
                EmailRejection::ControlCharacter,
                "{input:?}"
            );
        }
    }

    #[test]
    fn each_malformed_address_gets_its_own_reason() {
        let cases = [
            ("", EmailRejection::Empty),
            ("   ", EmailRejection::Empty),
            ("a b@example.com", EmailRejection::Whitespace),
            ("a@exa\u{a0}mple.com", EmailRejection::Whitespace),
            ("jörg@example.com", EmailRejection::NonAscii),
            ("a@bücher.de", EmailRejection::NonAscii),
            ("example.com", EmailRejection::MissingAt),
            ("a@b@example.com", EmailRejection::MultipleAt),
            ("@example.com", EmailRejection::EmptyLocalPart),
            ("a@", EmailRejection::EmptyDomain),
            (".a@example.com", EmailRejection::InvalidLocalPart),
            ("a.@example.com", EmailRejection::InvalidLocalPart),
            ("a..b@example.com", EmailRejection::InvalidLocalPart),
            ("\"a\"@example.com", EmailRejection::InvalidLocalPart),
            ("a<b>@example.com", EmailRejection::InvalidLocalPart),
            ("a@-example.com", EmailRejection::InvalidDomain),
            ("a@example-.com", EmailRejection::InvalidDomain),
            ("a@example..com", EmailRejection::InvalidDomain),
            ("a@example.com.", EmailRejection::InvalidDomain),
            ("a@[127.0.0.1]", EmailRejection::InvalidDomain),
            ("a@exa_mple.com", EmailRejection::InvalidDomain),
        ];
        for (input, expected) in cases {
            assert_eq!(rejection(input), expected, "{input:?}");
        }
    }

    #[test]
    fn length_limits_are_counted_in_octets() {
        // Arrange
        let local_64 = "l".repeat(64);
        let label = "d".repeat(63);
        let long_domain = format!("{label}.{label}.{label}.{}", "d".repeat(57));
        let at_limit = format!("{}@{long_domain}", "a".repeat(254 - 1 - long_domain.len()));

        // Act / Assert
        assert!(EmailAddress::parse(&format!("{local_64}@example.com")).is_ok());
        assert_eq!(
            rejection(&format!("{local_64}x@example.com")),
            EmailRejection::LocalPartTooLong
        );
        assert_eq!(at_limit.len(), 254);
        assert!(EmailAddress::parse(&at_limit).is_ok());
        assert_eq!(rejection(&format!("a{at_limit}")), EmailRejection::TooLong);
        assert_eq!(
            rejection(&format!("a@{}.com", "d".repeat(64))),
            EmailRejection::InvalidDomain
        );
    }

    #[test]
    fn single_label_domains_are_accepted_for_development() {
        assert_eq!(
            EmailAddress::parse("admin@localhost").unwrap().as_str(),
            "admin@localhost"
        );
    }

    #[test]
    fn masked_and_debug_forms_hide_the_local_part() {
        // Arrange
        let email = EmailAddress::parse("john.doe@example.com").unwrap();

        // Act / Assert
        assert_eq!(email.masked(), "j***@example.com");
        assert_eq!(format!("{email:?}"), "EmailAddress(\"j***@example.com\")");
        assert_eq!(mask("not an address"), "***");
    }

    #[test]
    fn rejection_reasons_read_as_sentences() {
        assert_eq!(
            StorageError::InvalidEmail(EmailRejection::MissingAt).to_string(),
            "invalid email address: the address has no @"
        );
    }

    fn local_part() -> impl Strategy<Value = String> {
        let atom = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,10}";
        prop::collection::vec(atom, 1..4).prop_map(|atoms| atoms.join("."))
    }

    fn domain() -> impl Strategy<Value = String> {
        let label = "[A-Za-z0-9]([A-Za-z0-9-]{0,8}[A-Za-z0-9])?";
        prop::collection::vec(label, 1..4).prop_map(|labels| labels.join("."))
    }

    proptest! {
        #[test]
        fn parsing_never_panics(input in any::<String>()) {
            let _ = EmailAddress::parse(&input);
        }

        #[test]
        fn parsing_address_like_input_never_panics(input in "[ a-zA-Z0-9.@\\-\r\n\t\u{0}ü]{0,300}") {
            let _ = EmailAddress::parse(&input);
        }

        #[test]
        fn generated_valid_addresses_are_accepted(local in local_part(), domain in domain()) {
            let input = format!("{local}@{domain}");
            let email = EmailAddress::parse(&input).unwrap();
            prop_assert_eq!(email.as_str(), input.to_ascii_lowercase());
        }

        #[test]
        fn parsing_a_normalised_address_is_the_identity(local in local_part(), domain in domain()) {
            let email = EmailAddress::parse(&format!(" {local}@{domain} ")).unwrap();
            let again = EmailAddress::parse(email.as_str()).unwrap();
            let from_display = EmailAddress::parse(email.display()).unwrap();
            prop_assert_eq!(again.as_str(), email.as_str());
            prop_assert_eq!(from_display.display(), email.display());
        }

        #[test]
        fn accepted_addresses_are_header_safe(input in "[ a-zA-Z0-9.@\\-\r\n\0]{0,40}") {
            if let Ok(email) = EmailAddress::parse(&input) {
                prop_assert!(email.display().len() <= MAX_EMAIL_LEN);
                prop_assert!(!email.display().contains(['\r', '\n', '\0', ' ']));
                prop_assert_eq!(email.display().matches('@').count(), 1);
            }
        }
    }
}
