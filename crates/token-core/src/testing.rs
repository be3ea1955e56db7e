//! Helpers shared by the unit tests: a deterministic random source, a failing one, and a
//! compile-time check that secret types are not `Clone`.

use crate::error::TokenError;
use crate::random::RandomSource;

/// A reproducible byte stream (BLAKE3 in XOF mode over a seed).
pub(crate) struct SeededRandom(blake3::OutputReader);

impl SeededRandom {
    pub(crate) fn new(seed: u64) -> SeededRandom {
        let mut hasher = blake3::Hasher::new();
        hasher.update(b"token-core test random source");
        hasher.update(&seed.to_le_bytes());
        SeededRandom(hasher.finalize_xof())
    }
}

impl RandomSource for SeededRandom {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), TokenError> {
        self.0.fill(dest);
        Ok(())
    }
}

/// A random source that always fails, as an exhausted or broken entropy source would.
pub(crate) struct FailingRandom;

impl RandomSource for FailingRandom {
    fn fill(&mut self, _dest: &mut [u8]) -> Result<(), TokenError> {
        Err(TokenError::Rng("entropy source unavailable".into()))
    }
}

/// The base64url alphabet, to build alternate spellings in tests.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `text` with the lowest bit of its last base64url symbol flipped. When that bit is an
/// unused trailing bit, the result decodes to the same bytes under a lenient decoder: a
/// non-canonical alternate spelling.
pub(crate) fn flip_last_symbol_low_bit(text: &str) -> String {
    let (head, last) = text.split_at(text.len() - 1);
    let index = ALPHABET
        .iter()
        .position(|&c| c == last.as_bytes()[0])
        .unwrap();
    format!("{head}{}", ALPHABET[index ^ 1] as char)
}

/// Fails to compile when `$type` implements `Clone`: with a `Clone` impl both helper impls
/// apply and the `_` below becomes ambiguous.
macro_rules! assert_not_clone {
    ($type:ty) => {{
        trait AmbiguousIfClone<A> {
            fn some_item() {}
        }
        impl<T: ?Sized> AmbiguousIfClone<()> for T {}
        impl<T: ?Sized + Clone> AmbiguousIfClone<u8> for T {}
        let _ = <$type as AmbiguousIfClone<_>>::some_item;
    }};
}
pub(crate) use assert_not_clone;

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    #[test]
    fn seeded_random_is_reproducible_per_seed() {
        // Arrange
        let (mut a, mut b, mut c) = ([0u8; 32], [0u8; 32], [0u8; 32]);

        // Act
        SeededRandom::new(5).fill(&mut a).unwrap();
        SeededRandom::new(5).fill(&mut b).unwrap();
        SeededRandom::new(6).fill(&mut c).unwrap();

        // Assert
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn flipping_the_low_bit_of_a_trailing_symbol_keeps_the_decoded_bytes() {
        // Arrange: one byte encodes to two symbols whose last one has four unused bits.
        let canonical = URL_SAFE_NO_PAD.encode([0xAB]);
        let lenient = base64::engine::GeneralPurpose::new(
            &base64::alphabet::URL_SAFE,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_allow_trailing_bits(true)
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone),
        );

        // Act
        let alternate = flip_last_symbol_low_bit(&canonical);

        // Assert
        assert_ne!(alternate, canonical);
        assert_eq!(lenient.decode(&alternate).unwrap(), [0xAB]);
    }
}
