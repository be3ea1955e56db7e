//! A random source that replays bytes it was given.

use token_core::{RandomSource, TokenError};

/// A deterministic [`RandomSource`]: hands out the bytes of a slice in order, starting
/// again at the beginning when they run out (zeros if the slice is empty).
///
/// Only for fuzzing and seed generation, where a minted token must be reproducible from the
/// input. Real tokens take their secret from `token_core::OsRandom`.
#[derive(Debug, Clone)]
pub struct SliceRandom<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> SliceRandom<'a> {
    /// A source that replays `bytes`.
    pub fn new(bytes: &'a [u8]) -> SliceRandom<'a> {
        SliceRandom { bytes, position: 0 }
    }
}

impl RandomSource for SliceRandom<'_> {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), TokenError> {
        for byte in dest {
            *byte = match self.bytes.get(self.position % self.bytes.len().max(1)) {
                Some(&value) => value,
                None => 0,
            };
            self.position = self.position.wrapping_add(1);
        }
        Ok(())
    }
}
