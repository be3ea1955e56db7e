//! CSRF protection for forms: a random per-session token (synchroniser token
//! pattern), kept in the encrypted session cookie and echoed in a hidden field.

use actix_session::Session;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

const KEY: &str = "csrf";

/// The session's CSRF token, created on first use.
pub fn csrf_token(session: &Session) -> String {
    if let Ok(Some(token)) = session.get::<String>(KEY) {
        return token;
    }
    let mut bytes = [0u8; 32];
    // The OS RNG failing is not recoverable; an empty token can never match
    // (see `verify`), so forms fail closed instead of the process panicking.
    let token = match getrandom::fill(&mut bytes) {
        Ok(()) => URL_SAFE_NO_PAD.encode(bytes),
        Err(_) => String::new(),
    };
    if !token.is_empty() && session.insert(KEY, &token).is_err() {
        return String::new();
    }
    token
}

/// Whether `submitted` is this session's CSRF token, compared in constant time.
/// A session without a token, or an empty submission, never matches.
pub fn verify(session: &Session, submitted: &str) -> bool {
    match session.get::<String>(KEY) {
        Ok(Some(expected)) if !expected.is_empty() => {
            constant_time_eq::constant_time_eq(expected.as_bytes(), submitted.as_bytes())
        }
        _ => false,
    }
}
