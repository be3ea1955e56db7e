//! Keyed hashes for identifiers that must be recognised but not stored.

use crate::key_ring::KeyRing;

/// A keyed BLAKE3 hash of `data` for the purpose named by `domain`, under the ring's
/// signing key.
///
/// Use it where the server must recognise a value without keeping it, e.g. to throttle
/// requests per normalised email address whether or not the account exists: the throttle
/// table then holds no addresses, and without the key nobody can test guesses against it.
///
/// Each `domain` gets its own subkey: the fingerprint base key (derived from the master key
/// with `blake3::derive_key` and the fixed context `"lifeline 2026-11 fingerprint v1"`) keys
/// a hash of the domain string, and that result keys the hash of `data`. Fingerprints of one
/// domain therefore say nothing about another, and none of them relate to token MACs or
/// lookup hashes. Use fixed domain strings such as `"throttle email v1"`.
///
/// Fingerprints follow the signing key: after [`KeyRing::rotate`] the same input gives a
/// new value, so counters keyed by fingerprints start afresh. That suits throttling windows;
/// do not use fingerprints as permanent identifiers.
///
/// ```
/// use token_core::{fingerprint, KeyRing, SigningKey};
///
/// let ring = KeyRing::new(1, SigningKey::from_bytes([1; 32]));
/// let a = fingerprint(&ring, "throttle email v1", b"ada@example.org");
/// assert_eq!(a, fingerprint(&ring, "throttle email v1", b"ada@example.org"));
/// assert_ne!(a, fingerprint(&ring, "audit email v1", b"ada@example.org"));
/// ```
pub fn fingerprint(ring: &KeyRing, domain: &str, data: &[u8]) -> [u8; 32] {
    let (_, subkeys) = ring.signing();
    let domain_key = blake3::keyed_hash(subkeys.fingerprint(), domain.as_bytes());
    *blake3::keyed_hash(domain_key.as_bytes(), data).as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SigningKey;

    fn ring(byte: u8) -> KeyRing {
        KeyRing::new(byte, SigningKey::from_bytes([byte; 32]))
    }

    #[test]
    fn same_input_gives_the_same_fingerprint() {
        // Arrange
        let ring = ring(1);

        // Act
        let first = fingerprint(&ring, "throttle email v1", b"a@example.org");
        let second = fingerprint(&ring, "throttle email v1", b"a@example.org");

        // Assert
        assert_eq!(first, second);
    }

    #[test]
    fn domain_data_and_key_each_change_the_fingerprint() {
        // Arrange
        let base = fingerprint(&ring(1), "d", b"x");

        // Act
        let other_domain = fingerprint(&ring(1), "e", b"x");
        let other_data = fingerprint(&ring(1), "d", b"y");
        let other_key = fingerprint(&ring(2), "d", b"x");

        // Assert
        assert_ne!(base, other_domain);
        assert_ne!(base, other_data);
        assert_ne!(base, other_key);
    }

    #[test]
    fn domain_and_data_cannot_be_shifted_into_each_other() {
        // Act
        let split_one = fingerprint(&ring(1), "ab", b"c");
        let split_two = fingerprint(&ring(1), "a", b"bc");

        // Assert
        assert_ne!(split_one, split_two);
    }

    #[test]
    fn fingerprint_is_not_a_plain_hash_of_the_data() {
        // Act
        let fingerprint = fingerprint(&ring(1), "d", b"x");

        // Assert
        assert_ne!(&fingerprint, blake3::hash(b"x").as_bytes());
    }

    #[test]
    fn fingerprints_follow_the_signing_key() {
        // Arrange
        let mut ring = ring(1);
        let before = fingerprint(&ring, "d", b"x");

        // Act
        ring.rotate(2, SigningKey::from_bytes([2; 32])).unwrap();

        // Assert
        assert_ne!(fingerprint(&ring, "d", b"x"), before);
        assert_eq!(
            fingerprint(&ring, "d", b"x"),
            fingerprint(&self::ring(2), "d", b"x")
        );
    }
}
