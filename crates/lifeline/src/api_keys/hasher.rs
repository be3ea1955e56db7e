//! The keyed hash the `api_keys` table stores instead of a key.

use std::sync::Arc;

use actix_web::cookie::Key;
use storage::api_keys::SECRET_HASH_LEN;
use zeroize::Zeroizing;

use super::ApiKeyText;

/// `blake3::derive_key` context of the hashing key: fixed, and used for nothing else.
const CONTEXT: &str = "lifeline 2026-12 admin api key hash v1";

/// Hashes admin API keys with BLAKE3 keyed by a key derived from the cookie key
/// (`keys.session`), like the session records: a copy of the `api_keys` table, without the
/// configured keys, checks no key. Every instance with the same `keys.session` finds the same
/// keys; replacing `keys.session` voids every key (and session), so keys are created anew.
#[derive(Clone)]
pub struct ApiKeyHasher(Arc<Zeroizing<[u8; 32]>>);

impl ApiKeyHasher {
    /// The hasher for the cookie key `keys.session`.
    pub fn from_cookie_key(cookie_key: &Key) -> Self {
        Self(Arc::new(Zeroizing::new(blake3::derive_key(
            CONTEXT,
            cookie_key.master(),
        ))))
    }

    /// The keyed hash of the whole key (prefix, key id and secret).
    pub fn hash(&self, key: &ApiKeyText) -> [u8; SECRET_HASH_LEN] {
        *blake3::keyed_hash(&self.0, key.expose_secret().as_bytes()).as_bytes()
    }

    /// Whether `key` hashes to `stored`, compared in constant time, so the time taken
    /// reveals nothing of how much of a guessed secret was right.
    pub fn matches(&self, key: &ApiKeyText, stored: &[u8; SECRET_HASH_LEN]) -> bool {
        constant_time_eq::constant_time_eq_32(&self.hash(key), stored)
    }
}

impl std::fmt::Debug for ApiKeyHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKeyHasher(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_hashed_under_a_key_derived_from_the_cookie_key() {
        let hasher = ApiKeyHasher::from_cookie_key(&Key::from(&[7u8; 64]));
        let same = ApiKeyHasher::from_cookie_key(&Key::from(&[7u8; 64]));
        let other = ApiKeyHasher::from_cookie_key(&Key::from(&[8u8; 64]));
        let key = ApiKeyText::generate().unwrap();
        let stored = hasher.hash(&key);
        assert!(same.matches(&key, &stored));
        assert!(!other.matches(&key, &stored));
        assert!(!hasher.matches(&ApiKeyText::generate().unwrap(), &stored));
        let plain = blake3::hash(key.expose_secret().as_bytes());
        assert_ne!(stored, *plain.as_bytes());
        assert_eq!(format!("{hasher:?}"), "ApiKeyHasher(***)");
    }

    #[test]
    fn the_api_key_hash_differs_from_the_session_record_hash() {
        let cookie_key = Key::from(&[7u8; 64]);
        let key = ApiKeyText::generate().unwrap();
        let sessions = crate::http::session::SessionSecretKey::from_cookie_key(&cookie_key);
        assert_ne!(
            ApiKeyHasher::from_cookie_key(&cookie_key).hash(&key),
            sessions.hash(key.expose_secret())
        );
    }
}
