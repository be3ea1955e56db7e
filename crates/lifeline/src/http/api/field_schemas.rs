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

/// `^local@domain$`: an ASCII dot-atom local part and a host name.
pub fn email_pattern() -> String {
    format!(r"^{ATEXT}+(?:\.{ATEXT}+)*@{LABEL}(?:\.{LABEL})*$")
}

/// `^[^@]{1,64}@`: the local part is at most 64 characters. Separate from
/// [`email_pattern`] so that neither needs a look-ahead (which test-data generators handle
/// badly).
pub fn local_part_pattern() -> String {
    format!("^[^@]{{1,{MAX_LOCAL_PART_LEN}}}@")
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

/// An account's address, as [`storage::EmailAddress::parse`] accepts it.
pub fn email() -> RefOr<Schema> {
    let address = ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(MAX_EMAIL_LEN))
        .pattern(Some(email_pattern()));
    let local_part = ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(local_part_pattern()));
    let schema = AllOfBuilder::new()
        .schema_type(Type::String)
        .description(Some(format!(
            "The account's address: ASCII, a dot-atom local part of at most \
             {MAX_LOCAL_PART_LEN} characters, a host name, at most {MAX_EMAIL_LEN} characters \
             in all. Anything else is a 400 `invalid_email`."
        )))
        .item(address)
        .item(local_part)
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
        text.len() <= MAX_EMAIL_LEN
            && matches(&email_pattern(), text)
            && matches(&local_part_pattern(), text)
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
