//! Where secret bytes come from.

use crate::error::TokenError;

/// A source of secret random bytes. Production code uses [`OsRandom`]; tests pass a
/// deterministic source so that minted tokens are reproducible.
///
/// An implementation must either fill all of `dest` with unpredictable bytes or return an
/// error; minting fails closed on error rather than issuing a guessable token.
pub trait RandomSource {
    /// Fills `dest` completely with random bytes.
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), TokenError>;
}

/// The operating system's CSPRNG (`getrandom`).
///
/// ```
/// use token_core::{OsRandom, RandomSource};
///
/// let mut bytes = [0u8; 16];
/// OsRandom.fill(&mut bytes)?;
/// # Ok::<(), token_core::TokenError>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct OsRandom;

impl RandomSource for OsRandom {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), TokenError> {
        getrandom::fill(dest).map_err(|e| TokenError::Rng(e.to_string()))
    }
}

impl<R: RandomSource + ?Sized> RandomSource for &mut R {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), TokenError> {
        (**self).fill(dest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_random_fills_the_whole_buffer() {
        // Arrange
        let mut first = [0u8; 64];
        let mut second = [0u8; 64];

        // Act
        OsRandom.fill(&mut first).unwrap();
        OsRandom.fill(&mut second).unwrap();

        // Assert: 64 zero bytes or two equal draws happen with probability 2^-512.
        assert_ne!(first, [0u8; 64]);
        assert_ne!(first, second);
    }

    #[test]
    fn a_mutable_reference_is_a_random_source() {
        // Arrange
        fn fill_with<R: RandomSource>(mut source: R, dest: &mut [u8]) -> Result<(), TokenError> {
            source.fill(dest)
        }
        let mut source = OsRandom;
        let mut bytes = [0u8; 32];

        // Act
        fill_with(&mut source, &mut bytes).unwrap();

        // Assert
        assert_ne!(bytes, [0u8; 32]);
    }
}
