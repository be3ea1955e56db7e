//! The keyed hash the `api_keys` table stores instead of a key, and the keyed MAC inside
//! every key this deployment mints.

use std::sync::Arc;

use actix_web::cookie::Key;
use storage::api_keys::SECRET_HASH_LEN;
use zeroize::Zeroizing;

use super::ApiKeyText;
use super::format::{KEY_ID_BYTES, SECRET_BYTES};

/// `blake3::derive_key` context of the hashing key: fixed, and used for nothing else.
const CONTEXT: &str = "lifeline 2026-12 admin api key hash v1";
/// `blake3::derive_key` context of the minting key: fixed, and used for nothing else.
const MAC_CONTEXT: &str = "lifeline 2026-12 admin api key mac v1";
/// Random bytes at the start of a secret; the MAC fills the rest.
const RANDOM_BYTES: usize = 16;

/// Hashes admin API keys with BLAKE3 keyed by a key derived from the cookie key
/// (`keys.session`), like the session records: a copy of the `api_keys` table, without the
/// configured keys, checks no key. Every instance with the same `keys.session` finds the same
/// keys; replacing `keys.session` voids every key (and session), so keys are created anew.
///
/// It also mints keys ([`ApiKeyHasher::mint`]): a key's 32-byte secret is 16 random bytes
/// and the first 16 bytes of BLAKE3, keyed by a second key derived from `keys.session` (its
/// own context), of the key id and those random bytes. [`ApiKeyHasher::minted_here`] checks
/// that MAC in memory, so a key this deployment never minted is refused before any database
/// work, as forged link tokens are.
#[derive(Clone)]
pub struct ApiKeyHasher(Arc<Keys>);

/// The two keys derived from `keys.session`.
struct Keys {
    hash: Zeroizing<[u8; 32]>,
    mac: Zeroizing<[u8; 32]>,
}

impl ApiKeyHasher {
    /// The hasher for the cookie key `keys.session`.
    pub fn from_cookie_key(cookie_key: &Key) -> Self {
        Self(Arc::new(Keys {
            hash: Zeroizing::new(blake3::derive_key(CONTEXT, cookie_key.master())),
            mac: Zeroizing::new(blake3::derive_key(MAC_CONTEXT, cookie_key.master())),
        }))
    }

    /// A new key: a random key id and 16 random bytes, bound by their MAC.
    pub fn mint(&self) -> Result<ApiKeyText, getrandom::Error> {
        let mut id = [0u8; KEY_ID_BYTES];
        let mut random = Zeroizing::new([0u8; RANDOM_BYTES]);
        getrandom::fill(&mut id)?;
        getrandom::fill(random.as_mut())?;
        let key_id = ApiKeyText::from_parts(&id, &[0u8; SECRET_BYTES]);
        let mut secret = Zeroizing::new([0u8; SECRET_BYTES]);
        secret[..RANDOM_BYTES].copy_from_slice(random.as_ref());
        secret[RANDOM_BYTES..].copy_from_slice(&self.mac(key_id.key_id(), &random));
        Ok(ApiKeyText::from_parts(&id, &secret))
    }

    /// Whether `key` carries the MAC this deployment puts in the keys it mints, compared in
    /// constant time. Touches nothing: a key that fails it was never minted here (or not
    /// under this `keys.session`) and can be refused without a lookup.
    pub fn minted_here(&self, key: &ApiKeyText) -> bool {
        let Some(secret) = key.secret_bytes() else {
            return false;
        };
        let (random, tag) = secret.split_at(RANDOM_BYTES);
        let Ok(random) = <&[u8; RANDOM_BYTES]>::try_from(random) else {
            return false;
        };
        constant_time_eq::constant_time_eq(&self.mac(key.key_id(), random), tag)
    }

    /// The first 16 bytes of the keyed MAC of a key id (its 16 hex digits) and the secret's
    /// random bytes.
    fn mac(&self, key_id: &str, random: &[u8; RANDOM_BYTES]) -> [u8; SECRET_BYTES - RANDOM_BYTES] {
        let mut mac = blake3::Hasher::new_keyed(&self.0.mac);
        mac.update(key_id.as_bytes()).update(random);
        let mut tag = [0u8; SECRET_BYTES - RANDOM_BYTES];
        mac.finalize_xof().fill(&mut tag);
        tag
    }

    /// A hasher under a fixed test cookie key.
    #[cfg(test)]
    pub(crate) fn for_tests() -> Self {
        Self::from_cookie_key(&Key::from(&[7u8; 64]))
    }

    /// The keyed hash of the whole key (prefix, key id and secret).
    pub fn hash(&self, key: &ApiKeyText) -> [u8; SECRET_HASH_LEN] {
        *blake3::keyed_hash(&self.0.hash, key.expose_secret().as_bytes()).as_bytes()
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
    fn a_minted_key_carries_a_mac_that_binds_its_key_id_and_secret() {
        let hasher = ApiKeyHasher::for_tests();
        let key = hasher.mint().unwrap();
        let text = key.expose_secret();
        assert!(hasher.minted_here(&key));
        assert!(hasher.minted_here(&ApiKeyText::parse(text).unwrap()));
        let pattern = regex::Regex::new(super::super::API_KEY_REGEX).unwrap();
        assert!(pattern.is_match(text));
        // Another id with the same secret, or the same id with another secret, is forged.
        let other_id = format!("llk_0123456789abcdef{}", &text[20..]);
        let other = hasher.mint().unwrap();
        let other_secret = format!("{}{}", &text[..21], &other.expose_secret()[21..]);
        for forged in [other_id, other_secret] {
            let forged = ApiKeyText::parse(&forged).unwrap();
            assert!(!hasher.minted_here(&forged), "{forged:?}");
        }
    }

    #[test]
    fn changing_any_character_of_a_minted_key_breaks_its_mac() {
        let hasher = ApiKeyHasher::for_tests();
        let key = hasher.mint().unwrap();
        let text = key.expose_secret();
        for at in (4..20).chain(21..text.len()) {
            let was = text.as_bytes()[at];
            let now = if was.is_ascii_digit() { b'a' } else { b'0' };
            let mut changed = text.as_bytes().to_vec();
            changed[at] = now;
            let changed = String::from_utf8(changed).unwrap();
            let changed = ApiKeyText::parse(&changed).unwrap();
            assert!(!hasher.minted_here(&changed), "position {at}");
        }
    }

    #[test]
    fn a_key_minted_under_another_cookie_key_or_made_up_is_not_minted_here() {
        let hasher = ApiKeyHasher::for_tests();
        let elsewhere = ApiKeyHasher::from_cookie_key(&Key::from(&[8u8; 64]));
        let made_up = format!("llk_{}_{}", "0".repeat(16), "A".repeat(43));
        assert!(!hasher.minted_here(&elsewhere.mint().unwrap()));
        assert!(!hasher.minted_here(&ApiKeyText::parse(&made_up).unwrap()));
        // The MAC key is not the hashing key: a tag made with the hash key does not verify.
        let key = hasher.mint().unwrap();
        let random = <[u8; RANDOM_BYTES]>::try_from(&key.secret_bytes().unwrap()[..16]).unwrap();
        let with_hash_key = ApiKeyHasher(Arc::new(Keys {
            hash: hasher.0.hash.clone(),
            mac: hasher.0.hash.clone(),
        }));
        assert_ne!(
            with_hash_key.mac(key.key_id(), &random),
            hasher.mac(key.key_id(), &random)
        );
    }

    #[test]
    fn a_secret_whose_last_character_carries_extra_bits_is_not_minted_here() {
        let hasher = ApiKeyHasher::for_tests();
        let key = hasher.mint().unwrap();
        let text = key.expose_secret();
        // 43 characters hold 258 bits: the last one's low two bits are always zero.
        let last = text.as_bytes()[text.len() - 1];
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let index = alphabet.iter().position(|c| *c == last).unwrap();
        assert_eq!(index & 3, 0);
        let padded = format!("{}{}", &text[..text.len() - 1], alphabet[index | 1] as char);
        let padded = ApiKeyText::parse(&padded).unwrap();
        assert!(padded.secret_bytes().is_none());
        assert!(!hasher.minted_here(&padded));
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
