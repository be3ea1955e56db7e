//! Session tokens for API clients: `Authorization: Bearer lls1_…`.
//!
//! A client that signs in through `POST /api/v1/session` gets a session token instead of a
//! cookie. It names the same kind of `sessions` record a browser's cookie does (listed on the
//! sessions page, ended by signing out, by `lifeline sessions revoke` or by a password change,
//! idle after [`IDLE_HOURS`](crate::http::session_records::IDLE_HOURS)). The token is
//! [`PREFIX`] and 43 base64url characters (32 random bytes); the table keeps only the keyed
//! hash of the whole token, so a copy of the table signs nobody in. The prefix lets secret
//! scanners recognise a leaked token, and because it is hashed too, a cookie's secret (which
//! has no prefix) is never a valid token, nor a token a cookie's secret.

use actix_web::HttpRequest;
use actix_web::http::header::AUTHORIZATION;
use storage::sessions::SECRET_HASH_LEN;

use crate::error::AppError;
use crate::http::session::{SessionSecretKey, random_value};

/// What every session token starts with: "Lifeline session", version 1.
pub const PREFIX: &str = "lls1_";
/// Length of a token: the prefix and 43 base64url characters.
pub const TOKEN_LEN: usize = PREFIX.len() + 43;

/// What a request's `Authorization` header says.
#[derive(Debug, PartialEq, Eq)]
pub enum Presented {
    /// No `Authorization` header: the cookie decides.
    Nothing,
    /// A well-formed session token.
    Token(String),
    /// A header that is not `Bearer <session token>`: refused as unauthenticated, whatever
    /// the cookie says.
    Malformed,
}

/// A new session token.
pub fn mint() -> Result<String, AppError> {
    Ok(format!("{PREFIX}{}", random_value()?))
}

/// The keyed hash the session table stores for `token`.
pub fn hash(key: &SessionSecretKey, token: &str) -> [u8; SECRET_HASH_LEN] {
    key.hash(token)
}

/// Reads the request's `Authorization` header. The scheme is case-insensitive
/// (RFC 9110); the token must be exactly a session token's shape, checked before it is
/// hashed or looked up.
pub fn presented(req: &HttpRequest) -> Presented {
    let mut headers = req.headers().get_all(AUTHORIZATION);
    let Some(value) = headers.next() else {
        return Presented::Nothing;
    };
    if headers.next().is_some() {
        return Presented::Malformed;
    }
    match value.to_str().ok().and_then(parse) {
        Some(token) => Presented::Token(token.to_owned()),
        None => Presented::Malformed,
    }
}

/// The token of `Bearer <token>`, if the header is that and the token well-formed.
fn parse(header: &str) -> Option<&str> {
    let (scheme, token) = header.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") || !is_well_formed(token) {
        return None;
    }
    Some(token)
}

/// Whether `token` is [`PREFIX`] and 43 base64url characters.
fn is_well_formed(token: &str) -> bool {
    token.len() == TOKEN_LEN
        && token.starts_with(PREFIX)
        && token[PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn with_header(values: &[&str]) -> Presented {
        let mut request = TestRequest::default();
        for value in values {
            request = request.append_header((AUTHORIZATION, *value));
        }
        presented(&request.to_http_request())
    }

    #[test]
    fn a_minted_token_is_read_back_from_its_header() {
        let token = mint().unwrap();
        assert_eq!(token.len(), TOKEN_LEN);
        assert_eq!(
            with_header(&[&format!("Bearer {token}")]),
            Presented::Token(token.clone())
        );
        assert_eq!(
            with_header(&[&format!("bearer {token}")]),
            Presented::Token(token)
        );
    }

    #[test]
    fn no_header_leaves_it_to_the_cookie() {
        assert_eq!(with_header(&[]), Presented::Nothing);
    }

    #[test]
    fn anything_but_one_bearer_session_token_is_malformed() {
        let token = mint().unwrap();
        let cases = [
            String::new(),
            "Bearer".into(),
            "Bearer ".into(),
            token.clone(),
            format!("Basic {token}"),
            format!("Bearer  {token}"),
            format!("Bearer {token} "),
            format!("Bearer {}", &token[PREFIX.len()..]),
            format!("Bearer {}", &token[..TOKEN_LEN - 1]),
            format!("Bearer {token}A"),
            format!("Bearer lls2_{}", &token[PREFIX.len()..]),
            format!("Bearer {}+", &token[..TOKEN_LEN - 1]),
            format!("Bearer lr1_{}", "A".repeat(78)),
        ];
        for case in &cases {
            assert_eq!(with_header(&[case]), Presented::Malformed, "{case:?}");
        }
        let twice = format!("Bearer {token}");
        assert_eq!(with_header(&[&twice, &twice]), Presented::Malformed);
    }

    #[test]
    fn a_token_and_a_cookie_secret_never_hash_alike() {
        let key = SessionSecretKey::from_cookie_key(&actix_web::cookie::Key::from(&[3u8; 64]));
        let token = mint().unwrap();
        assert_ne!(hash(&key, &token), key.hash(&token[PREFIX.len()..]));
    }
}
