//! The OpenAPI schemas of the request fields whose parsers accept less than "any string":
//! an address ([`storage::EmailAddress::parse`]) and a link token (`token_core`). Each
//! schema describes exactly what the parser accepts, so a client (or a fuzzer) can tell a
//! well-formed request from a malformed one without sending it.

use storage::{MAX_EMAIL_LEN, MAX_LOCAL_PART_LEN};
use token_core::{PREFIX_LEN, Purpose, TOKEN_LEN};
use utoipa::openapi::schema::{AllOfBuilder, ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};

/// An RFC 5322 `atext` character: what a dot-atom local part is made of.
const ATEXT: &str = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
/// A host-name label: letters, digits and inner hyphens, at most 63 characters.
const LABEL: &str = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
/// The white space the parser trims from both ends: Unicode `White_Space` without the
/// control characters (tab, line breaks), which it refuses anywhere.
const SPACE: &str = r"[ \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";
/// Anything but [`SPACE`].
const NOT_SPACE: &str = r"[^ \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";

/// `^local@domain$`: an ASCII dot-atom local part and a host name, with white space around
/// it (trimmed by the parser).
pub fn email_pattern() -> String {
    format!(r"^{SPACE}*{ATEXT}+(?:\.{ATEXT}+)*@{LABEL}(?:\.{LABEL})*{SPACE}*$")
}

/// The local part is at most 64 characters.
pub fn local_part_pattern() -> String {
    format!("^{SPACE}*[^@]{{1,{MAX_LOCAL_PART_LEN}}}@")
}

/// The address without the white space around it is at most 254 characters.
pub fn length_pattern() -> String {
    format!("^{SPACE}*{NOT_SPACE}{{1,{MAX_EMAIL_LEN}}}{SPACE}*$")
}

/// The pattern of a token of `purpose`: its prefix and a fixed-length base64url body.
pub fn token_pattern(purpose: Purpose) -> String {
    let body = TOKEN_LEN - PREFIX_LEN;
    format!(
        "^{}[A-Za-z0-9_-]{{{body}}}$",
        regex_escape(purpose.prefix())
    )
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let escape = !c.is_ascii_alphanumeric() && c != '_';
            escape.then_some('\\').into_iter().chain([c])
        })
        .collect()
}

/// An account's address, as [`storage::EmailAddress::parse`] accepts it: three patterns
/// that must all match, so that none needs a look-ahead (which test-data generators handle
/// badly).
pub fn email() -> RefOr<Schema> {
    let pattern = |pattern: String| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(pattern))
    };
    let schema = AllOfBuilder::new()
        .schema_type(Type::String)
        .description(Some(format!(
            "The account's address: ASCII, a dot-atom local part of at most \
             {MAX_LOCAL_PART_LEN} characters, a host name, at most {MAX_EMAIL_LEN} characters \
             in all. White space around it is trimmed. Anything else is a 400 \
             `invalid_email`."
        )))
        .item(pattern(email_pattern()))
        .item(pattern(local_part_pattern()))
        .item(pattern(length_pattern()))
        .examples(["ada@example.com"])
        .build();
    RefOr::T(Schema::AllOf(schema))
}

fn token(purpose: Purpose) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(TOKEN_LEN))
        .max_length(Some(TOKEN_LEN))
        .pattern(Some(token_pattern(purpose)))
        .description(Some(format!(
            "The `token` query parameter of the mailed link: `{}` and {} base64url characters. \
             A token that is malformed, forged, expired, used or superseded is a 400 \
             `invalid_or_expired_link`, all alike.",
            purpose.prefix(),
            TOKEN_LEN - PREFIX_LEN
        )))
        .build()
        .into()
}

/// A password-reset link's token.
pub fn reset_token() -> RefOr<Schema> {
    token(Purpose::PasswordReset)
}

/// A magic link's token.
pub fn magic_link_token() -> RefOr<Schema> {
    token(Purpose::MagicLink)
}

#[cfg(test)]
mod tests {
    use token_core::{KeyRing, OsRandom, SigningKey, TokenClaims};

    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        regex::Regex::new(pattern).unwrap().is_match(text)
    }

    fn email_schema_accepts(text: &str) -> bool {
        matches(&email_pattern(), text)
            && matches(&local_part_pattern(), text)
            && matches(&length_pattern(), text)
    }

    #[test]
    fn the_email_schema_accepts_exactly_what_the_parser_accepts() {
        let long_label = "a".repeat(63);
        let cases = [
            "ada@example.com".to_owned(),
            "o'brien+tag@mail.example.org".to_owned(),
            "a@localhost".to_owned(),
            "x@xn--bcher-kva.example".to_owned(),
            format!("{}@example.com", "a".repeat(64)),
            format!("{}@example.com", "a".repeat(65)),
            format!("a@{long_label}.{long_label}.{long_label}.{long_label}.com"),
            format!("a@{}.com", "a".repeat(64)),
            // 254 characters, 255, and 254 with white space around.
            format!(
                "{}@{long_label}.{long_label}.{long_label}.a",
                "a".repeat(60)
            ),
            format!(
                "{}@{long_label}.{long_label}.{long_label}.a",
                "a".repeat(61)
            ),
            format!(
                "  {}@{long_label}.{long_label}.{long_label}.a\u{3000}",
                "a".repeat(60)
            ),
            "  ada@example.com ".to_owned(),
            "\u{00A0}ada@example.com\u{3000}".to_owned(),
            "\u{2028}ada@example.com\u{205F}".to_owned(),
            "\tada@example.com".to_owned(),
            "ada@example.com\u{0085}".to_owned(),
            "ada@example.com\u{200B}".to_owned(),
            "   ".to_owned(),
            String::new(),
            "ada".to_owned(),
            "ada@".to_owned(),
            "@example.com".to_owned(),
            "a..b@example.com".to_owned(),
            ".a@example.com".to_owned(),
            "a.@example.com".to_owned(),
            "a@b@example.com".to_owned(),
            "a@-example.com".to_owned(),
            "a@example-.com".to_owned(),
            "a@example..com".to_owned(),
            "\"a b\"@example.com".to_owned(),
            "a b@example.com".to_owned(),
            "ada@exämple.com".to_owned(),
            "ada@example.com\n".to_owned(),
        ];
        assert_eq!(cases[8].len(), MAX_EMAIL_LEN);
        for case in cases {
            let parsed = storage::EmailAddress::parse(&case).is_ok();
            assert_eq!(email_schema_accepts(&case), parsed, "{case:?}");
        }
    }

    #[test]
    fn minted_tokens_match_their_purpose_pattern_and_no_other() {
        let keys = KeyRing::new(1, SigningKey::generate(&mut OsRandom).unwrap());
        let claims = TokenClaims {
            user_id: i64::MAX,
            auth_epoch: i64::MIN,
            expires_at: -1,
        };
        for purpose in Purpose::ALL {
            for _ in 0..64 {
                let minted = token_core::mint(&keys, purpose, claims, &mut OsRandom).unwrap();
                let text = minted.token.expose_secret();
                for other in Purpose::ALL {
                    assert_eq!(matches(&token_pattern(other), text), other == purpose);
                }
            }
        }
    }
}
