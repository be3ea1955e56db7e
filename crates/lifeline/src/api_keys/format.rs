//! What an admin API key looks like: `llk_<key id>_<secret>`.
//!
//! - `llk_`: a fixed prefix ("Lifeline key"), so secret scanners can recognise a leaked key
//!   ([`API_KEY_REGEX`]) and nobody mistakes it for a link token (`lr1_`, `lm1_`, …).
//! - the key id: 16 lowercase hex digits (8 random bytes), stored plainly to find the row.
//! - the secret: 43 base64url characters (32 bytes: 16 random bytes, then a 16-byte keyed MAC
//!   binding them to the key id, so the service refuses a key it never minted without a
//!   database lookup: [`super::ApiKeyHasher::minted_here`]), never stored; the table keeps a
//!   keyed hash of the whole key.
//!
//! Every key is exactly [`API_KEY_LEN`] ASCII characters. [`ApiKeyText::parse`] checks the
//! length first, then the prefix and every character, before anything else looks at the text,
//! so a malformed key is refused without a database lookup and no input can make it panic.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use zeroize::Zeroizing;

/// Every key starts with this.
const API_KEY_PREFIX: &str = "llk_";
/// Length of the public key id, in hex digits.
const KEY_ID_LEN: usize = 16;
/// Length of the secret, in base64url characters (32 bytes).
const SECRET_LEN: usize = 43;
/// Length of the public key id, in bytes.
pub(super) const KEY_ID_BYTES: usize = KEY_ID_LEN / 2;
/// Length of the secret, in bytes.
pub(super) const SECRET_BYTES: usize = 32;
/// Length of a whole key.
const API_KEY_LEN: usize = API_KEY_PREFIX.len() + KEY_ID_LEN + 1 + SECRET_LEN;
/// A regular expression that matches a key and nothing shorter, for secret scanners.
pub const API_KEY_REGEX: &str = r"llk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}";

/// An admin API key as text: parsed (well-formed) or freshly generated. Its `Debug` shows
/// the key id only; the text is zeroized on drop and reached through
/// [`ApiKeyText::expose_secret`].
pub struct ApiKeyText(Zeroizing<String>);

impl ApiKeyText {
    /// The key with key id `id` and secret `secret` (minted by
    /// [`super::ApiKeyHasher::mint`]).
    pub(super) fn from_parts(id: &[u8; KEY_ID_BYTES], secret: &[u8; SECRET_BYTES]) -> ApiKeyText {
        let mut text = Zeroizing::new(String::with_capacity(API_KEY_LEN));
        text.push_str(API_KEY_PREFIX);
        for byte in id {
            text.push_str(&format!("{byte:02x}"));
        }
        text.push('_');
        URL_SAFE_NO_PAD.encode_string(secret, &mut text);
        ApiKeyText(text)
    }

    /// The key in `text`, if it has the key's exact shape.
    pub fn parse(text: &str) -> Option<ApiKeyText> {
        if text.len() != API_KEY_LEN || !text.starts_with(API_KEY_PREFIX) {
            return None;
        }
        let rest = &text.as_bytes()[API_KEY_PREFIX.len()..];
        let (id, rest) = rest.split_at(KEY_ID_LEN);
        let (separator, secret) = rest.split_at(1);
        let hex = |b: &u8| b.is_ascii_digit() || (b'a'..=b'f').contains(b);
        let base64url = |b: &u8| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_';
        let well_formed = id.iter().all(hex) && separator == b"_" && secret.iter().all(base64url);
        well_formed.then(|| ApiKeyText(Zeroizing::new(text.to_owned())))
    }

    /// Whether `text` has the shape of a key id (as `lifeline api-keys revoke` tells a key id
    /// from a name).
    pub fn is_key_id(text: &str) -> bool {
        text.len() == KEY_ID_LEN
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }

    /// The public key id.
    pub fn key_id(&self) -> &str {
        &self.0[API_KEY_PREFIX.len()..API_KEY_PREFIX.len() + KEY_ID_LEN]
    }

    /// The secret's 32 bytes; `None` when its last character carries bits beyond them (no
    /// key is ever minted so).
    pub(super) fn secret_bytes(&self) -> Option<Zeroizing<[u8; SECRET_BYTES]>> {
        let mut secret = Zeroizing::new([0u8; SECRET_BYTES]);
        let text = &self.0[API_KEY_LEN - SECRET_LEN..];
        let decoded = Zeroizing::new(URL_SAFE_NO_PAD.decode(text).ok()?);
        secret.copy_from_slice(decoded.get(..SECRET_BYTES)?);
        (decoded.len() == SECRET_BYTES).then_some(secret)
    }

    /// The whole key: to be printed once, when it is created, and hashed.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKeyText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{API_KEY_PREFIX}{}_***", self.key_id())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::api_keys::ApiKeyHasher;

    impl ApiKeyText {
        /// A key minted under a test cookie key.
        pub(crate) fn generate() -> Option<ApiKeyText> {
            ApiKeyHasher::for_tests().mint().ok()
        }
    }

    #[test]
    fn a_generated_key_parses_and_matches_the_scanner_pattern() {
        let key = ApiKeyText::generate().unwrap();
        let text = key.expose_secret();
        assert_eq!(text.len(), API_KEY_LEN);
        let parsed = ApiKeyText::parse(text).unwrap();
        assert_eq!(parsed.key_id(), key.key_id());
        assert!(ApiKeyText::is_key_id(key.key_id()));
        let pattern = regex::Regex::new(API_KEY_REGEX).unwrap();
        let line = format!("token={text}\n");
        let found = pattern.find(&line).unwrap();
        assert_eq!(found.as_str(), text);
        assert_ne!(ApiKeyText::generate().unwrap().key_id(), key.key_id());
    }

    #[test]
    fn malformed_keys_are_refused() {
        let good = ApiKeyText::generate().unwrap();
        let good = good.expose_secret();
        let upper_id = format!("llk_{}{}", good[4..20].to_uppercase(), &good[20..]);
        for bad in [
            "",
            "llk_",
            &good[..API_KEY_LEN - 1],
            &format!("{good}A"),
            &good.replacen("llk_", "llx_", 1),
            &format!("{}.{}", &good[..20], &good[21..]),
            &format!("{}g{}", &good[..4], &good[5..]),
            &format!("{}+", &good[..API_KEY_LEN - 1]),
            &upper_id,
        ] {
            assert!(ApiKeyText::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn debug_shows_only_the_key_id() {
        let key = ApiKeyText::generate().unwrap();
        let shown = format!("{key:?}");
        assert_eq!(shown, format!("llk_{}_***", key.key_id()));
    }

    proptest! {
        #[test]
        fn parsing_any_text_never_panics_and_accepts_only_the_exact_shape(text in "\\PC{0,80}") {
            if let Some(key) = ApiKeyText::parse(&text) {
                prop_assert_eq!(key.expose_secret(), text.as_str());
                prop_assert!(regex::Regex::new(API_KEY_REGEX).unwrap().is_match(&text));
            }
        }

        #[test]
        fn every_text_of_the_pattern_parses(
            id in "[0-9a-f]{16}",
            secret in "[A-Za-z0-9_-]{43}",
        ) {
            let text = format!("llk_{id}_{secret}");
            let key = ApiKeyText::parse(&text);
            prop_assert_eq!(key.map(|k| k.key_id().to_owned()), Some(id));
        }

        #[test]
        fn the_secret_of_a_parsed_key_decodes_to_32_bytes_or_is_refused(
            secret in "[A-Za-z0-9_-]{43}",
        ) {
            let text = format!("llk_0123456789abcdef_{secret}");
            let key = ApiKeyText::parse(&text).unwrap();
            if let Some(bytes) = key.secret_bytes() {
                let again = ApiKeyText::from_parts(&[0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef], &bytes);
                prop_assert_eq!(again.expose_secret(), text.as_str());
            }
        }
    }
}
