//! Master keys and the subkeys derived from them.

use base64::Engine as _;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::TokenError;
use crate::format::BASE64;
use crate::purpose::Purpose;
use crate::random::RandomSource;

/// Length in bytes of a master key.
pub const KEY_LEN: usize = 32;
/// Length of a master key in base64url without padding.
const KEY_TEXT_LEN: usize = 43;

/// `blake3::derive_key` context for the fingerprint base key (see [`crate::fingerprint()`]).
const FINGERPRINT_CONTEXT: &str = "lifeline 2026-11 fingerprint v1";

/// A 32-byte master key. Tokens are never MACed with it directly: every purpose gets its own
/// subkeys through `blake3::derive_key`, so one use of the key can never stand in for another.
///
/// Secret: zeroized on drop, `Debug` prints `***`, and deliberately neither `Clone` nor
/// `Serialize` (copies could outlive the zeroized original, serialising could leak it); the
/// only way out is the explicit [`SigningKey::expose_base64url`].
///
/// ```
/// use token_core::{OsRandom, SigningKey};
///
/// let key = SigningKey::generate(&mut OsRandom)?;
/// let text = key.expose_base64url();
/// let again = SigningKey::from_base64url(&text)?;
/// assert_eq!(*again.expose_base64url(), *text);
/// assert_eq!(format!("{key:?}"), "***");
/// # Ok::<(), token_core::TokenError>(())
/// ```
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct SigningKey([u8; KEY_LEN]);

impl SigningKey {
    /// Wraps raw key bytes. The caller should zeroize its own copy of `bytes`.
    pub const fn from_bytes(bytes: [u8; KEY_LEN]) -> SigningKey {
        SigningKey(bytes)
    }

    /// A fresh key from `rng` (use [`OsRandom`](crate::OsRandom) outside tests).
    pub fn generate<R: RandomSource + ?Sized>(rng: &mut R) -> Result<SigningKey, TokenError> {
        let mut key = SigningKey([0; KEY_LEN]);
        rng.fill(&mut key.0)?;
        Ok(key)
    }

    /// Parses a key written by [`SigningKey::expose_base64url`]: exactly 43 characters of
    /// canonical base64url without padding, i.e. exactly 32 bytes. Anything else (padding,
    /// standard-alphabet characters, set trailing bits, other lengths) is
    /// [`TokenError::InvalidKey`], so a truncated or mistyped key fails at start-up.
    pub fn from_base64url(text: &str) -> Result<SigningKey, TokenError> {
        if text.len() != KEY_TEXT_LEN {
            return Err(TokenError::InvalidKey);
        }
        let mut key = SigningKey([0; KEY_LEN]);
        match BASE64.decode_slice(text, &mut key.0) {
            Ok(KEY_LEN) => Ok(key),
            _ => Err(TokenError::InvalidKey),
        }
    }

    /// The key as base64url without padding, for `lifeline keys generate` and config files.
    /// The returned string is zeroized when dropped.
    pub fn expose_base64url(&self) -> Zeroizing<String> {
        let mut text = Zeroizing::new(String::with_capacity(KEY_TEXT_LEN));
        // Borrow as a slice: passing the array by value would leave an unzeroized copy.
        BASE64.encode_string(self.0.as_slice(), &mut text);
        text
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// The subkeys derived from one master key. Boxed by the key ring so that growing the ring
/// moves a pointer, not (unzeroized copies of) key material.
#[derive(Zeroize, ZeroizeOnDrop)]
pub(crate) struct Subkeys {
    mac: [[u8; KEY_LEN]; Purpose::ALL.len()],
    fingerprint: [u8; KEY_LEN],
}

impl Subkeys {
    /// Derives every subkey of `master` with `blake3::derive_key` and a fixed context string
    /// per use and purpose.
    pub(crate) fn derive(master: &SigningKey) -> Box<Subkeys> {
        let mut subkeys = Box::new(Subkeys {
            mac: [[0; KEY_LEN]; Purpose::ALL.len()],
            fingerprint: [0; KEY_LEN],
        });
        for purpose in Purpose::ALL {
            subkeys.mac[purpose.index()] = blake3::derive_key(purpose.mac_context(), &master.0);
        }
        subkeys.fingerprint = blake3::derive_key(FINGERPRINT_CONTEXT, &master.0);
        subkeys
    }

    /// Key for the MAC of `purpose` tokens, which also yields their lookup hash (disjoint
    /// output bytes of the same evaluation; see the `format` module).
    pub(crate) fn mac(&self, purpose: Purpose) -> &[u8; KEY_LEN] {
        &self.mac[purpose.index()]
    }

    /// Base key for fingerprints.
    pub(crate) fn fingerprint(&self) -> &[u8; KEY_LEN] {
        &self.fingerprint
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{SeededRandom, assert_not_clone, flip_last_symbol_low_bit};
    use std::collections::HashSet;

    const KEY_BYTES: [u8; KEY_LEN] = [7; KEY_LEN];

    #[test]
    fn generated_keys_use_the_random_source() {
        // Arrange
        let mut first_rng = SeededRandom::new(1);
        let mut same_rng = SeededRandom::new(1);
        let mut other_rng = SeededRandom::new(2);

        // Act
        let first = SigningKey::generate(&mut first_rng).unwrap();
        let same = SigningKey::generate(&mut same_rng).unwrap();
        let other = SigningKey::generate(&mut other_rng).unwrap();

        // Assert
        assert_eq!(first.0, same.0);
        assert_ne!(first.0, other.0);
    }

    #[test]
    fn generating_fails_when_the_random_source_fails() {
        // Act
        let result = SigningKey::generate(&mut crate::testing::FailingRandom);

        // Assert
        assert!(matches!(result, Err(TokenError::Rng(_))));
    }

    #[test]
    fn base64url_round_trips() {
        // Arrange
        let key = SigningKey::from_bytes(KEY_BYTES);

        // Act
        let text = key.expose_base64url();
        let parsed = SigningKey::from_base64url(&text).unwrap();

        // Assert
        assert_eq!(text.len(), KEY_TEXT_LEN);
        assert_eq!(parsed.0, KEY_BYTES);
    }

    #[test]
    fn malformed_base64url_keys_are_rejected() {
        // Arrange
        let good = SigningKey::from_bytes(KEY_BYTES).expose_base64url();
        // 43 symbols carry 258 bits for 256 key bits: the last two bits must be zero.
        let trailing_bits = flip_last_symbol_low_bit(&good);
        let bad = [
            String::new(),
            good[..42].to_string(),
            format!("{}A", &*good),
            format!("{}=", &good[..42]),
            format!("{}+", &good[..42]),
            format!("{}\u{e9}", &good[..41]),
            trailing_bits,
        ];

        // Act / Assert
        for text in bad {
            assert_eq!(
                SigningKey::from_base64url(&text).err(),
                Some(TokenError::InvalidKey),
                "{text:?}"
            );
        }
    }

    #[test]
    fn debug_hides_the_key() {
        // Arrange
        let key = SigningKey::from_bytes(KEY_BYTES);

        // Act
        let debug = format!("{key:?}");

        // Assert
        assert_eq!(debug, "***");
        assert!(!debug.contains(key.expose_base64url().as_str()));
    }

    #[test]
    fn signing_key_is_not_clone() {
        assert_not_clone!(SigningKey);
    }

    #[test]
    fn subkeys_are_blake3_derive_key_with_fixed_contexts() {
        // Arrange
        let master = SigningKey::from_bytes(KEY_BYTES);

        // Act
        let subkeys = Subkeys::derive(&master);

        // Assert
        assert_eq!(
            subkeys.mac(Purpose::PasswordReset),
            &blake3::derive_key("lifeline 2026-11 token mac v1 password_reset", &KEY_BYTES)
        );
        assert_eq!(
            subkeys.mac(Purpose::NotMe),
            &blake3::derive_key("lifeline 2026-11 token mac v1 not_me", &KEY_BYTES)
        );
        assert_eq!(
            subkeys.mac(Purpose::NotMeChange),
            &blake3::derive_key("lifeline 2026-12 token mac v1 not_me_change", &KEY_BYTES)
        );
        assert_eq!(
            subkeys.fingerprint(),
            &blake3::derive_key("lifeline 2026-11 fingerprint v1", &KEY_BYTES)
        );
    }

    #[test]
    fn every_subkey_differs_from_the_others_and_from_the_master() {
        // Arrange
        let master = SigningKey::from_bytes(KEY_BYTES);
        let subkeys = Subkeys::derive(&master);
        let mut seen = HashSet::from([KEY_BYTES]);

        // Act
        let mut all = vec![*subkeys.fingerprint()];
        for purpose in Purpose::ALL {
            all.push(*subkeys.mac(purpose));
        }

        // Assert
        for key in all {
            assert!(seen.insert(key));
        }
    }
}
