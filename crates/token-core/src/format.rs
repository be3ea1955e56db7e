//! The binary body of a token and its one text spelling.
//!
//! ```text
//! text  = prefix ‖ base64url-no-pad(body)              82 characters, always
//! body  = version ‖ key_id ‖ user_id ‖ auth_epoch ‖ expires_at ‖ secret ‖ mac
//!         1 B       1 B      8 B i64   8 B i64      8 B i64      16 B     16 B   = 58 bytes
//! out   = BLAKE3-keyed(mac subkey of purpose, prefix ‖ body[..42]), first 64 XOF bytes
//! mac   = out[0..16]                                   (in the token)
//! lookup = out[32..64]                                 (in the database, see LookupHash)
//! ```
//!
//! Integers are big-endian. The MAC covers the prefix, so the purpose is bound three times:
//! by the prefix, by the per-purpose MAC subkey and by the MAC input.
//!
//! MAC and lookup hash come from one keyed BLAKE3 evaluation. The input fits in one 64-byte
//! block, and BLAKE3 produces 64 output bytes per compression, so both cost a single
//! compression; the server verifies a token with one hash instead of two. The security
//! argument is the PRF property of keyed BLAKE3: to anyone without the key, its output
//! stream on any inputs, even chosen ones, is indistinguishable from uniformly random bytes,
//! so disjoint output ranges of one evaluation are independent. Storing `out[32..64]` therefore
//! reveals nothing about `out[0..16]`: a reader of the token table learns neither tags nor
//! secrets, and cannot test guesses offline without the key, exactly as with a separate
//! lookup key. Bytes 16..32 are never used, so the two ranges do not even touch. The MAC
//! subkey is used for nothing else, so no other computation ever exposes these outputs.
//! The lookup hash covers the whole signed part (claims and secret, not the secret alone),
//! so a database row is found only by the exact token that was minted for it; it is
//! released only after the tag matched, so a forged token costs one hash and yields nothing.
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
use crate::lookup::{LOOKUP_HASH_LEN, LookupHash};
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

/// Output bytes taken from the keyed BLAKE3 evaluation: tag, unused gap, lookup hash.
const DIGEST_LEN: usize = 64;
/// Where the lookup hash starts in that output: the second half of the first output block.
const LOOKUP_AT: usize = DIGEST_LEN - LOOKUP_HASH_LEN;
// Tag and lookup hash never share an output byte: the security argument above relies on it.
const _: () = assert!(MAC_LEN <= LOOKUP_AT);

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

/// A token body behind its purpose prefix: `prefix ‖ body`, exactly the bytes of the text
/// once decoded, so the MAC input `prefix ‖ body[..42]` is one contiguous slice and is
/// hashed with a single update. Holds the secret, so it is zeroized on drop.
///
/// Stored as 64-bit words and viewed as bytes (`bytemuck`, no `unsafe` here): zeroizing
/// eight words is eight volatile stores where 62 bytes would be 62, which is a measurable
/// part of verifying a token.
#[derive(Zeroize, ZeroizeOnDrop)]
pub(crate) struct Body([u64; BUFFER_WORDS]);

/// Words of a [`Body`]'s buffer: `prefix ‖ body` rounded up to whole words.
const BUFFER_WORDS: usize = 8;
const _: () = assert!(PREFIX_LEN + BODY_LEN <= BUFFER_WORDS * 8);

impl Body {
    /// A `purpose` body with header and claims filled in; secret and MAC still zero.
    pub(crate) fn new(purpose: Purpose, key_id: KeyId, claims: &TokenClaims) -> Body {
        let mut body = Body::zeroed(purpose);
        let bytes = body.bytes_mut();
        bytes[0] = VERSION;
        bytes[KEY_ID_AT] = key_id;
        bytes[USER_ID_AT..EPOCH_AT].copy_from_slice(&claims.user_id.to_be_bytes());
        bytes[EPOCH_AT..EXPIRES_AT].copy_from_slice(&claims.auth_epoch.to_be_bytes());
        bytes[EXPIRES_AT..SECRET_AT].copy_from_slice(&claims.expires_at.to_be_bytes());
        body
    }

    /// An all-zero body behind the prefix of `purpose`, to decode into.
    pub(crate) fn zeroed(purpose: Purpose) -> Body {
        let mut body = Body([0; BUFFER_WORDS]);
        body.buffer_mut()[..PREFIX_LEN].copy_from_slice(purpose.prefix().as_bytes());
        body
    }

    pub(crate) fn version(&self) -> u8 {
        self.bytes()[0]
    }

    pub(crate) fn key_id(&self) -> KeyId {
        self.bytes()[KEY_ID_AT]
    }

    pub(crate) fn claims(&self) -> TokenClaims {
        TokenClaims {
            user_id: i64::from_be_bytes(self.field(USER_ID_AT)),
            auth_epoch: i64::from_be_bytes(self.field(EPOCH_AT)),
            expires_at: i64::from_be_bytes(self.field(EXPIRES_AT)),
        }
    }

    pub(crate) fn secret_mut(&mut self) -> &mut [u8] {
        &mut self.bytes_mut()[SECRET_AT..MAC_AT]
    }

    /// Stores the MAC of this body's signed part under `key` (the MAC subkey of the body's
    /// purpose), and returns the lookup hash that the same evaluation produced.
    pub(crate) fn seal(&mut self, key: &[u8; 32]) -> LookupHash {
        let digest = self.digest(key);
        self.bytes_mut()[MAC_AT..].copy_from_slice(&digest[..MAC_LEN]);
        lookup_of(&digest)
    }

    /// The lookup hash if the stored MAC is right under `key`, else `None`.
    ///
    /// The comparison is constant-time, so a forger learns nothing from timing about how
    /// much of a guessed tag was right, and the lookup hash is handed out only for a body
    /// whose tag matched.
    pub(crate) fn open(&self, key: &[u8; 32]) -> Option<LookupHash> {
        let digest = self.digest(key);
        constant_time_eq::constant_time_eq_16(&tag_of(&digest), &self.tag())
            .then(|| lookup_of(&digest))
    }

    /// The first 64 output bytes of keyed BLAKE3 over `prefix ‖ body[..42]`: one compression.
    fn digest(&self, key: &[u8; 32]) -> [u8; DIGEST_LEN] {
        let mut digest = [0; DIGEST_LEN];
        blake3::Hasher::new_keyed(key)
            .update(&self.buffer()[..PREFIX_LEN + MAC_AT])
            .finalize_xof()
            .fill(&mut digest);
        digest
    }

    /// The stored tag.
    fn tag(&self) -> [u8; MAC_LEN] {
        std::array::from_fn(|i| self.bytes()[MAC_AT + i])
    }

    /// The token text: prefix and canonical base64url of the body, in a buffer allocated once
    /// at its final size so no partial copy of the token is left behind by reallocation.
    pub(crate) fn encode(&self) -> TokenString {
        let mut text = String::with_capacity(TOKEN_LEN);
        text.extend(self.buffer()[..PREFIX_LEN].iter().map(|&b| char::from(b)));
        BASE64.encode_string(self.bytes(), &mut text);
        TokenString::from_string(text)
    }

    /// Decodes the base64url part of a `purpose` token whose length and prefix were already
    /// checked. Decodes into a fixed array: the work is bounded and nothing is allocated.
    pub(crate) fn decode(purpose: Purpose, encoded: &[u8]) -> Result<Body, TokenError> {
        let mut body = Body::zeroed(purpose);
        body.decode_in_place(encoded)?;
        Ok(body)
    }

    /// [`Body::decode`] into this body, where it already lives: verifying a token moves no
    /// copy of its secret around the stack.
    pub(crate) fn decode_in_place(&mut self, encoded: &[u8]) -> Result<(), TokenError> {
        if encoded.len() != ENCODED_BODY_LEN {
            return Err(TokenError::WrongLength);
        }
        match BASE64.decode_slice(encoded, self.bytes_mut()) {
            Ok(BODY_LEN) => Ok(()),
            Ok(_) | Err(DecodeSliceError::OutputSliceTooSmall) => Err(TokenError::WrongLength),
            Err(DecodeSliceError::DecodeError(DecodeError::InvalidLastSymbol(..))) => {
                Err(TokenError::NonCanonical)
            }
            Err(DecodeSliceError::DecodeError(_)) => Err(TokenError::NotBase64),
        }
    }

    /// The whole buffer as bytes: prefix, body, zero padding.
    fn buffer(&self) -> &[u8; BUFFER_WORDS * 8] {
        bytemuck::cast_ref(&self.0)
    }

    fn buffer_mut(&mut self) -> &mut [u8; BUFFER_WORDS * 8] {
        bytemuck::cast_mut(&mut self.0)
    }

    /// The body after the prefix.
    fn bytes(&self) -> &[u8] {
        &self.buffer()[PREFIX_LEN..PREFIX_LEN + BODY_LEN]
    }

    /// The body after the prefix, writable (also for tests that build malformed tokens).
    pub(crate) fn bytes_mut(&mut self) -> &mut [u8] {
        &mut self.buffer_mut()[PREFIX_LEN..PREFIX_LEN + BODY_LEN]
    }

    /// The eight bytes of the integer field at `at` (one of the layout constants).
    fn field(&self, at: usize) -> [u8; 8] {
        std::array::from_fn(|i| self.bytes()[at + i])
    }
}

/// The MAC tag: the first [`MAC_LEN`] bytes of the digest.
fn tag_of(digest: &[u8; DIGEST_LEN]) -> [u8; MAC_LEN] {
    std::array::from_fn(|i| digest[i])
}

/// The lookup hash: the last [`LOOKUP_HASH_LEN`] bytes of the digest, disjoint from the tag.
fn lookup_of(digest: &[u8; DIGEST_LEN]) -> LookupHash {
    LookupHash::from_bytes(std::array::from_fn(|i| digest[LOOKUP_AT + i]))
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
        let body = Body::new(Purpose::MagicLink, 9, &CLAIMS);

        // Assert
        assert_eq!(&body.buffer()[..PREFIX_LEN], b"lm1_");
        assert_eq!(body.bytes()[0], VERSION);
        assert_eq!(body.bytes()[1], 9);
        assert_eq!(&body.bytes()[2..10], &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(&body.bytes()[10..18], &(-2i64).to_be_bytes());
        assert_eq!(body.claims(), CLAIMS);
        assert_eq!(body.key_id(), 9);
        assert_eq!(body.version(), VERSION);
    }

    /// The MAC input of `body`, spelled out: prefix, then the body up to the tag.
    fn mac_input(prefix: &[u8], body: &Body) -> Vec<u8> {
        let mut input = prefix.to_vec();
        input.extend_from_slice(&body.bytes()[..MAC_AT]);
        input
    }

    #[test]
    fn mac_is_truncated_keyed_blake3_over_prefix_and_signed_fields() {
        // Arrange
        let key = [6; 32];
        let mut body = Body::new(Purpose::MagicLink, 1, &CLAIMS);
        body.secret_mut().copy_from_slice(&[0xEE; SECRET_LEN]);
        let input = mac_input(b"lm1_", &body);
        let mut other_purpose = Body::zeroed(Purpose::PasswordReset);

        // Act
        body.seal(&key);
        other_purpose.bytes_mut().copy_from_slice(body.bytes());

        // Assert
        assert_eq!(
            &body.bytes()[MAC_AT..],
            &blake3::keyed_hash(&key, &input).as_bytes()[..MAC_LEN]
        );
        assert!(body.open(&key).is_some());
        assert!(other_purpose.open(&key).is_none());
        assert!(body.open(&[7; 32]).is_none());
    }

    #[test]
    fn lookup_hash_is_bytes_32_to_64_of_the_same_keyed_blake3_output() {
        // Arrange
        let key = [6; 32];
        let mut body = Body::new(Purpose::PasswordReset, 2, &CLAIMS);
        body.secret_mut().copy_from_slice(&[0x11; SECRET_LEN]);
        let mut expected = [0; 64];
        blake3::Hasher::new_keyed(&key)
            .update(&mac_input(b"lr1_", &body))
            .finalize_xof()
            .fill(&mut expected);

        // Act
        let sealed = body.seal(&key);
        let opened = body.open(&key);

        // Assert: the tag is the first 16 bytes, the lookup hash the last 32.
        assert_eq!(&body.bytes()[MAC_AT..], &expected[..MAC_LEN]);
        assert_eq!(sealed.as_bytes(), &expected[32..]);
        assert_eq!(opened, Some(sealed));
    }

    #[test]
    fn a_body_with_a_wrong_tag_yields_no_lookup_hash() {
        // Arrange
        let key = [6; 32];
        let mut body = Body::new(Purpose::NotMe, 2, &CLAIMS);
        body.seal(&key);
        body.bytes_mut()[BODY_LEN - 1] ^= 1;

        // Act
        let opened = body.open(&key);

        // Assert
        assert_eq!(opened, None);
    }

    #[test]
    fn the_lookup_hash_depends_on_claims_as_well_as_the_secret() {
        // Arrange
        let key = [6; 32];
        let mut first = Body::new(Purpose::MagicLink, 2, &CLAIMS);
        let mut later = Body::new(
            Purpose::MagicLink,
            2,
            &TokenClaims {
                expires_at: CLAIMS.expires_at + 1,
                ..CLAIMS
            },
        );

        // Act
        let first_lookup = first.seal(&key);
        let later_lookup = later.seal(&key);

        // Assert
        assert_ne!(first_lookup, later_lookup);
    }

    #[test]
    fn encode_then_decode_round_trips() {
        // Arrange
        let mut body = Body::new(Purpose::NotMe, 3, &CLAIMS);
        body.secret_mut().copy_from_slice(&[0x5A; SECRET_LEN]);
        body.seal(&[1; 32]);

        // Act
        let text = body.encode();
        let decoded = Body::decode(
            Purpose::NotMe,
            &text.expose_secret().as_bytes()[PREFIX_LEN..],
        )
        .unwrap();

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
        assert!(Body::decode(Purpose::NotMe, valid.as_bytes()).is_ok());
        assert_eq!(
            Body::decode(Purpose::NotMe, padded.as_bytes()).err(),
            Some(TokenError::NotBase64)
        );
        assert_eq!(
            Body::decode(Purpose::NotMe, standard_alphabet.as_bytes()).err(),
            Some(TokenError::NotBase64)
        );
        assert_eq!(
            Body::decode(Purpose::NotMe, trailing_bits.as_bytes()).err(),
            Some(TokenError::NonCanonical)
        );
        assert_eq!(
            Body::decode(Purpose::NotMe, &valid.as_bytes()[1..]).err(),
            Some(TokenError::WrongLength)
        );
    }
}
