//! The binary body of a token and its one text spelling.
//!
//! ```text
//! text  = prefix ‖ base64url-no-pad(body)              82 characters, always
//! body  = version ‖ key_id ‖ user_id ‖ auth_epoch ‖ expires_at ‖ secret ‖ mac
//!         1 B       1 B      8 B i64   8 B i64      8 B i64      16 B     16 B   = 58 bytes
//! mac   = first 16 bytes of BLAKE3-keyed(mac subkey of purpose, prefix ‖ body[..42])
//! ```
//!
//! Integers are big-endian. The MAC covers the prefix, so the purpose is bound three times:
//! by the prefix, by the per-purpose MAC subkey and by the MAC input.
//!
//! The MAC is truncated to 128 bits: forging a token means guessing a tag online, one
//! request per guess against rate limits, and 2^-128 per guess is far beyond reach; the
//! shorter tag keeps links short enough not to wrap in plain-text mail.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::{DecodeError, DecodeSliceError, alphabet};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::claims::TokenClaims;
use crate::error::TokenError;
use crate::key_ring::KeyId;
use crate::purpose::{PREFIX_LEN, Purpose};
use crate::secret::TokenString;

/// Version of the body layout; tokens with another version byte are refused.
pub(crate) const VERSION: u8 = 1;
/// Bytes of secret entropy per token (128 bits).
pub const SECRET_LEN: usize = 16;
/// Bytes of MAC tag per token (128 bits).
pub const MAC_LEN: usize = 16;

const KEY_ID_AT: usize = 1;
const USER_ID_AT: usize = 2;
const EPOCH_AT: usize = 10;
const EXPIRES_AT: usize = 18;
const SECRET_AT: usize = 26;
const MAC_AT: usize = SECRET_AT + SECRET_LEN;
const BODY_LEN: usize = MAC_AT + MAC_LEN;
const ENCODED_BODY_LEN: usize = (BODY_LEN * 4).div_ceil(3);

/// Length in characters (and bytes) of every token's text.
pub const TOKEN_LEN: usize = PREFIX_LEN + ENCODED_BODY_LEN;

/// base64url without padding, and strict: padding and set trailing bits are errors, so each
/// body has exactly one spelling and a token cannot be replayed under an alternate text.
pub(crate) const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_allow_trailing_bits(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

/// A decoded token body. Holds the secret, so it is zeroized on drop.
#[derive(Zeroize, ZeroizeOnDrop)]
pub(crate) struct Body([u8; BODY_LEN]);

impl Body {
    /// A body with header and claims filled in; secret and MAC still zero.
    pub(crate) fn new(key_id: KeyId, claims: &TokenClaims) -> Body {
        let mut bytes = [0; BODY_LEN];
        bytes[0] = VERSION;
        bytes[KEY_ID_AT] = key_id;
        bytes[USER_ID_AT..EPOCH_AT].copy_from_slice(&claims.user_id.to_be_bytes());
        bytes[EPOCH_AT..EXPIRES_AT].copy_from_slice(&claims.auth_epoch.to_be_bytes());
        bytes[EXPIRES_AT..SECRET_AT].copy_from_slice(&claims.expires_at.to_be_bytes());
        Body(bytes)
    }

    pub(crate) fn version(&self) -> u8 {
        self.0[0]
    }

    pub(crate) fn key_id(&self) -> KeyId {
        self.0[KEY_ID_AT]
    }

    pub(crate) fn claims(&self) -> TokenClaims {
        TokenClaims {
            user_id: i64::from_be_bytes(self.field(USER_ID_AT)),
            auth_epoch: i64::from_be_bytes(self.field(EPOCH_AT)),
            expires_at: i64::from_be_bytes(self.field(EXPIRES_AT)),
        }
    }

    pub(crate) fn secret(&self) -> &[u8] {
        &self.0[SECRET_AT..MAC_AT]
    }

    pub(crate) fn secret_mut(&mut self) -> &mut [u8] {
        &mut self.0[SECRET_AT..MAC_AT]
    }

    /// Stores the MAC of this body's signed part for `purpose` under `key`.
    pub(crate) fn seal(&mut self, purpose: Purpose, key: &[u8; 32]) {
        let tag = self.expected_mac(purpose, key);
        self.0[MAC_AT..].copy_from_slice(&tag);
    }

    /// Whether the stored MAC is right for `purpose` under `key`. Constant-time, so a forger
    /// learns nothing from timing about how much of a guessed tag was right.
    pub(crate) fn mac_matches(&self, purpose: Purpose, key: &[u8; 32]) -> bool {
        let expected = self.expected_mac(purpose, key);
        constant_time_eq::constant_time_eq(&expected, &self.0[MAC_AT..])
    }

    fn expected_mac(&self, purpose: Purpose, key: &[u8; 32]) -> [u8; MAC_LEN] {
        let mut hasher = blake3::Hasher::new_keyed(key);
        hasher.update(purpose.prefix().as_bytes());
        hasher.update(&self.0[..MAC_AT]);
        let mut tag = [0; MAC_LEN];
        hasher.finalize_xof().fill(&mut tag);
        tag
    }

    /// The token text: prefix and canonical base64url of the body, in a buffer allocated once
    /// at its final size so no partial copy of the token is left behind by reallocation.
    pub(crate) fn encode(&self, purpose: Purpose) -> TokenString {
        let mut text = String::with_capacity(TOKEN_LEN);
        text.push_str(purpose.prefix());
        // Borrow as a slice: passing the array by value would leave an unzeroized copy.
        BASE64.encode_string(self.0.as_slice(), &mut text);
        TokenString::from_string(text)
    }

    /// Decodes the base64url part of a token whose length and prefix were already checked.
    /// Decodes into a fixed array: the work is bounded and nothing is allocated.
    pub(crate) fn decode(encoded: &[u8]) -> Result<Body, TokenError> {
        if encoded.len() != ENCODED_BODY_LEN {
            return Err(TokenError::WrongLength);
        }
        let mut body = Body([0; BODY_LEN]);
        match BASE64.decode_slice(encoded, &mut body.0) {
            Ok(BODY_LEN) => Ok(body),
            Ok(_) | Err(DecodeSliceError::OutputSliceTooSmall) => Err(TokenError::WrongLength),
            Err(DecodeSliceError::DecodeError(DecodeError::InvalidLastSymbol(..))) => {
                Err(TokenError::NonCanonical)
            }
            Err(DecodeSliceError::DecodeError(_)) => Err(TokenError::NotBase64),
        }
    }

    /// Raw access for tests that build deliberately malformed tokens.
    #[cfg(test)]
    pub(crate) fn bytes_mut(&mut self) -> &mut [u8] {
        &mut self.0
    }

    /// The eight bytes of the integer field at `at` (one of the layout constants).
    fn field(&self, at: usize) -> [u8; 8] {
        std::array::from_fn(|i| self.0[at + i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLAIMS: TokenClaims = TokenClaims {
        user_id: 0x0102_0304_0506_0708,
        auth_epoch: -2,
        expires_at: 1_800_000_000,
    };

    #[test]
    fn layout_sizes_are_as_documented() {
        assert_eq!(BODY_LEN, 58);
        assert_eq!(ENCODED_BODY_LEN, 78);
        assert_eq!(TOKEN_LEN, 82);
        // 58 is not a multiple of 3, so the last symbol has unused bits that must be zero.
        assert_ne!(BODY_LEN % 3, 0);
    }

    #[test]
    fn fields_are_written_big_endian_at_their_offsets() {
        // Act
        let body = Body::new(9, &CLAIMS);

        // Assert
        assert_eq!(body.0[0], VERSION);
        assert_eq!(body.0[1], 9);
        assert_eq!(&body.0[2..10], &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(&body.0[10..18], &(-2i64).to_be_bytes());
        assert_eq!(body.claims(), CLAIMS);
        assert_eq!(body.key_id(), 9);
        assert_eq!(body.version(), VERSION);
    }

    #[test]
    fn mac_is_truncated_keyed_blake3_over_prefix_and_signed_fields() {
        // Arrange
        let key = [6; 32];
        let mut body = Body::new(1, &CLAIMS);
        body.secret_mut().copy_from_slice(&[0xEE; SECRET_LEN]);
        let mut input = b"lm1_".to_vec();
        input.extend_from_slice(&body.0[..MAC_AT]);

        // Act
        body.seal(Purpose::MagicLink, &key);

        // Assert
        assert_eq!(
            &body.0[MAC_AT..],
            &blake3::keyed_hash(&key, &input).as_bytes()[..MAC_LEN]
        );
        assert!(body.mac_matches(Purpose::MagicLink, &key));
        assert!(!body.mac_matches(Purpose::PasswordReset, &key));
        assert!(!body.mac_matches(Purpose::MagicLink, &[7; 32]));
    }

    #[test]
    fn encode_then_decode_round_trips() {
        // Arrange
        let mut body = Body::new(3, &CLAIMS);
        body.secret_mut().copy_from_slice(&[0x5A; SECRET_LEN]);
        body.seal(Purpose::NotMe, &[1; 32]);

        // Act
        let text = body.encode(Purpose::NotMe);
        let decoded = Body::decode(&text.expose_secret().as_bytes()[PREFIX_LEN..]).unwrap();

        // Assert
        assert_eq!(text.expose_secret().len(), TOKEN_LEN);
        assert!(text.expose_secret().starts_with("ln1_"));
        assert_eq!(decoded.0, body.0);
    }

    #[test]
    fn decode_classifies_bad_input() {
        // Arrange
        let valid = "A".repeat(ENCODED_BODY_LEN);
        let mut padded = "A".repeat(ENCODED_BODY_LEN - 1);
        padded.push('=');
        let mut standard_alphabet = "A".repeat(ENCODED_BODY_LEN - 1);
        standard_alphabet.push('+');
        let mut trailing_bits = "A".repeat(ENCODED_BODY_LEN - 1);
        trailing_bits.push('B');

        // Act / Assert
        assert!(Body::decode(valid.as_bytes()).is_ok());
        assert_eq!(
            Body::decode(padded.as_bytes()).err(),
            Some(TokenError::NotBase64)
        );
        assert_eq!(
            Body::decode(standard_alphabet.as_bytes()).err(),
            Some(TokenError::NotBase64)
        );
        assert_eq!(
            Body::decode(trailing_bits.as_bytes()).err(),
            Some(TokenError::NonCanonical)
        );
        assert_eq!(
            Body::decode(&valid.as_bytes()[1..]).err(),
            Some(TokenError::WrongLength)
        );
    }
}
