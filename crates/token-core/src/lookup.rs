//! The only trace of a token that the database keeps.

/// Length in bytes of a [`LookupHash`].
pub const LOOKUP_HASH_LEN: usize = 32;

/// A keyed BLAKE3 hash of a token's signed part (prefix, claims and secret): bytes 32..64 of
/// the same keyed evaluation whose bytes 0..16 are the token's MAC, under the per-purpose
/// subkey of the key that signed the token (the construction and its security argument are
/// in the `format` module). It is the only thing the database stores: a leaked table
/// reveals neither usable tokens nor tags nor (without the key) a way to test guesses
/// offline.
///
/// Equality is constant-time, so comparing a presented token against stored rows leaks
/// nothing about how many leading bytes matched. `Debug` shows only the first four bytes,
/// enough to correlate log lines.
///
/// ```
/// use token_core::LookupHash;
///
/// let stored = LookupHash::from_bytes([9; 32]);
/// assert_eq!(stored, LookupHash::from_bytes(*stored.as_bytes()));
/// assert_eq!(format!("{stored:?}"), "LookupHash(09090909…)");
/// ```
#[derive(Clone, Copy)]
pub struct LookupHash([u8; LOOKUP_HASH_LEN]);

impl LookupHash {
    /// Wraps bytes read back from storage.
    pub const fn from_bytes(bytes: [u8; LOOKUP_HASH_LEN]) -> LookupHash {
        LookupHash(bytes)
    }

    /// Wraps bytes read back from storage as a slice; `None` unless exactly 32 bytes long.
    ///
    /// ```
    /// use token_core::LookupHash;
    ///
    /// assert!(LookupHash::from_slice(&[0; 32]).is_some());
    /// assert!(LookupHash::from_slice(&[0; 31]).is_none());
    /// ```
    pub fn from_slice(bytes: &[u8]) -> Option<LookupHash> {
        <[u8; LOOKUP_HASH_LEN]>::try_from(bytes)
            .ok()
            .map(LookupHash)
    }

    /// The bytes to store.
    pub const fn as_bytes(&self) -> &[u8; LOOKUP_HASH_LEN] {
        &self.0
    }
}

impl PartialEq for LookupHash {
    /// Constant-time: the running time does not depend on where the bytes differ.
    fn eq(&self, other: &LookupHash) -> bool {
        constant_time_eq::constant_time_eq_32(&self.0, &other.0)
    }
}

impl Eq for LookupHash {}

impl std::fmt::Debug for LookupHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [a, b, c, d, ..] = self.0;
        write!(f, "LookupHash({a:02x}{b:02x}{c:02x}{d:02x}…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_bytes_are_equal_and_any_difference_is_not() {
        // Arrange
        let stored = LookupHash::from_bytes([1; 32]);
        let mut last_differs = [1; 32];
        last_differs[31] = 0;

        // Act / Assert
        assert_eq!(stored, LookupHash::from_bytes([1; 32]));
        assert_ne!(stored, LookupHash::from_bytes(last_differs));
        assert_ne!(stored, LookupHash::from_bytes([0; 32]));
    }

    #[test]
    fn bytes_round_trip() {
        // Arrange
        let bytes: [u8; 32] = std::array::from_fn(|i| i as u8);

        // Act
        let hash = LookupHash::from_bytes(bytes);

        // Assert
        assert_eq!(hash.as_bytes(), &bytes);
        assert_eq!(LookupHash::from_slice(&bytes), Some(hash));
    }

    #[test]
    fn slices_of_the_wrong_length_are_refused() {
        assert_eq!(LookupHash::from_slice(&[]), None);
        assert_eq!(LookupHash::from_slice(&[0; 33]), None);
    }

    #[test]
    fn debug_shows_only_a_short_prefix() {
        // Arrange
        let hash = LookupHash::from_bytes(std::array::from_fn(|i| i as u8 + 0xa0));

        // Act
        let debug = format!("{hash:?}");

        // Assert
        assert_eq!(debug, "LookupHash(a0a1a2a3…)");
    }
}
