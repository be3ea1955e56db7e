//! The set of keys that sign and verify tokens.

use crate::error::TokenError;
use crate::keys::{SigningKey, Subkeys};

/// Identifies a key inside a [`KeyRing`]; written into every token so that verification
/// picks the right key after a rotation. Key ids are not secret.
pub type KeyId = u8;

/// Several master keys by id: the designated signing key mints new tokens, the others only
/// verify tokens minted earlier, until they are retired.
///
/// Rotation without voiding live links: add the new key with [`KeyRing::rotate`] (it signs
/// from now on, the old one keeps verifying), wait at least
/// [`MAX_LIFETIME`](crate::MAX_LIFETIME), then [`KeyRing::retire`] the old id. A retired or
/// unknown key id is rejected with [`TokenError::UnknownKey`].
///
/// Only the derived subkeys are kept; the master keys are zeroized as soon as the ring has
/// derived them. Like [`SigningKey`] the ring is not `Clone`: share it behind an `Arc`.
///
/// ```
/// use token_core::{KeyRing, SigningKey};
///
/// let ring = KeyRing::new(2, SigningKey::from_bytes([2; 32]))
///     .with_key(1, SigningKey::from_bytes([1; 32]))?;
/// assert_eq!(ring.signing_key_id(), 2);
/// assert!(ring.contains(1));
/// # Ok::<(), token_core::TokenError>(())
/// ```
pub struct KeyRing {
    signing_id: KeyId,
    signing: Box<Subkeys>,
    verify_only: Vec<(KeyId, Box<Subkeys>)>,
}

impl KeyRing {
    /// A ring whose only key, `signing_key`, signs new tokens under `signing_id`.
    pub fn new(signing_id: KeyId, signing_key: SigningKey) -> KeyRing {
        KeyRing {
            signing_id,
            signing: Subkeys::derive(&signing_key),
            verify_only: Vec::new(),
        }
    }

    /// Adds a verify-only key (for tokens minted before the last rotation).
    ///
    /// A repeated id is [`TokenError::DuplicateKey`]: silently replacing a key would void
    /// every link it signed, or let a typo in the config override the signing key.
    pub fn with_key(mut self, id: KeyId, key: SigningKey) -> Result<KeyRing, TokenError> {
        self.refuse_duplicate(id)?;
        self.verify_only.push((id, Subkeys::derive(&key)));
        Ok(self)
    }

    /// Adds `key` under `id` and makes it the signing key; the previous signing key stays
    /// in the ring and keeps verifying.
    ///
    /// ```
    /// use token_core::{KeyRing, SigningKey};
    ///
    /// let mut ring = KeyRing::new(1, SigningKey::from_bytes([1; 32]));
    /// ring.rotate(2, SigningKey::from_bytes([2; 32]))?;
    /// assert_eq!(ring.signing_key_id(), 2);
    /// assert!(ring.contains(1));
    /// # Ok::<(), token_core::TokenError>(())
    /// ```
    pub fn rotate(&mut self, id: KeyId, key: SigningKey) -> Result<(), TokenError> {
        self.refuse_duplicate(id)?;
        let previous = std::mem::replace(&mut self.signing, Subkeys::derive(&key));
        self.verify_only.push((self.signing_id, previous));
        self.signing_id = id;
        Ok(())
    }

    /// Removes the key `id` (and zeroizes its subkeys): tokens it signed no longer verify.
    ///
    /// The signing key cannot be retired ([`TokenError::RetireSigningKey`]); rotate first.
    /// An id not in the ring is [`TokenError::UnknownKey`].
    ///
    /// ```
    /// use token_core::{KeyRing, SigningKey};
    ///
    /// let mut ring = KeyRing::new(2, SigningKey::from_bytes([2; 32]))
    ///     .with_key(1, SigningKey::from_bytes([1; 32]))?;
    /// ring.retire(1)?;
    /// assert!(!ring.contains(1));
    /// assert!(ring.retire(2).is_err());
    /// # Ok::<(), token_core::TokenError>(())
    /// ```
    pub fn retire(&mut self, id: KeyId) -> Result<(), TokenError> {
        if id == self.signing_id {
            return Err(TokenError::RetireSigningKey(id));
        }
        let before = self.verify_only.len();
        self.verify_only.retain(|(key_id, _)| *key_id != id);
        if self.verify_only.len() == before {
            return Err(TokenError::UnknownKey(id));
        }
        Ok(())
    }

    /// The id of the key that signs new tokens.
    pub fn signing_key_id(&self) -> KeyId {
        self.signing_id
    }

    /// Whether `id` is in the ring (signing or verify-only).
    pub fn contains(&self, id: KeyId) -> bool {
        self.subkeys(id).is_some()
    }

    /// Every key id in the ring: the signing key first, then the verify-only keys in the
    /// order they were added.
    pub fn key_ids(&self) -> impl Iterator<Item = KeyId> + '_ {
        std::iter::once(self.signing_id).chain(self.verify_only.iter().map(|(id, _)| *id))
    }

    /// The signing key's id and subkeys.
    pub(crate) fn signing(&self) -> (KeyId, &Subkeys) {
        (self.signing_id, &self.signing)
    }

    /// The subkeys of key `id`, if it is in the ring.
    pub(crate) fn subkeys(&self, id: KeyId) -> Option<&Subkeys> {
        if id == self.signing_id {
            return Some(&self.signing);
        }
        self.verify_only
            .iter()
            .find(|(key_id, _)| *key_id == id)
            .map(|(_, subkeys)| &**subkeys)
    }

    fn refuse_duplicate(&self, id: KeyId) -> Result<(), TokenError> {
        if self.contains(id) {
            return Err(TokenError::DuplicateKey(id));
        }
        Ok(())
    }
}

impl std::fmt::Debug for KeyRing {
    /// Shows key ids only, never key material.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing")
            .field("signing_key_id", &self.signing_id)
            .field("key_ids", &self.key_ids().collect::<Vec<_>>())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::purpose::Purpose;
    use crate::testing::assert_not_clone;

    fn key(byte: u8) -> SigningKey {
        SigningKey::from_bytes([byte; 32])
    }

    #[test]
    fn a_new_ring_signs_with_its_only_key() {
        // Act
        let ring = KeyRing::new(4, key(4));

        // Assert
        assert_eq!(ring.signing_key_id(), 4);
        assert_eq!(ring.key_ids().collect::<Vec<_>>(), [4]);
        assert_eq!(ring.signing().0, 4);
    }

    #[test]
    fn verify_only_keys_do_not_sign() {
        // Act
        let ring = KeyRing::new(2, key(2)).with_key(1, key(1)).unwrap();

        // Assert
        assert_eq!(ring.signing_key_id(), 2);
        assert!(ring.contains(1) && ring.contains(2));
        assert!(!ring.contains(3));
    }

    #[test]
    fn adding_an_id_twice_is_refused() {
        // Act
        let result = KeyRing::new(1, key(1)).with_key(1, key(9));

        // Assert
        assert_eq!(result.err(), Some(TokenError::DuplicateKey(1)));
    }

    #[test]
    fn rotating_makes_the_new_key_sign_and_keeps_the_old_one() {
        // Arrange
        let mut ring = KeyRing::new(1, key(1));
        let old_mac_key = *ring.signing().1.mac(Purpose::MagicLink);

        // Act
        ring.rotate(2, key(2)).unwrap();

        // Assert
        assert_eq!(ring.signing_key_id(), 2);
        assert_ne!(ring.signing().1.mac(Purpose::MagicLink), &old_mac_key);
        assert!(ring.contains(1));
        assert_eq!(
            ring.subkeys(1).unwrap().mac(Purpose::MagicLink),
            &old_mac_key
        );
        assert_eq!(ring.key_ids().collect::<Vec<_>>(), [2, 1]);
    }

    #[test]
    fn rotating_to_an_existing_id_is_refused_and_changes_nothing() {
        // Arrange
        let mut ring = KeyRing::new(2, key(2)).with_key(1, key(1)).unwrap();

        // Act
        let result = ring.rotate(1, key(5));

        // Assert
        assert_eq!(result, Err(TokenError::DuplicateKey(1)));
        assert_eq!(ring.signing_key_id(), 2);
    }

    #[test]
    fn retiring_removes_only_that_key() {
        // Arrange
        let mut ring = KeyRing::new(3, key(3))
            .with_key(1, key(1))
            .unwrap()
            .with_key(2, key(2))
            .unwrap();

        // Act
        ring.retire(1).unwrap();

        // Assert
        assert_eq!(ring.key_ids().collect::<Vec<_>>(), [3, 2]);
        assert!(ring.subkeys(1).is_none());
    }

    #[test]
    fn the_signing_key_cannot_be_retired() {
        // Arrange
        let mut ring = KeyRing::new(3, key(3)).with_key(1, key(1)).unwrap();

        // Act
        let result = ring.retire(3);

        // Assert
        assert_eq!(result, Err(TokenError::RetireSigningKey(3)));
        assert!(ring.contains(3));
    }

    #[test]
    fn retiring_an_unknown_id_is_reported() {
        // Arrange
        let mut ring = KeyRing::new(3, key(3));

        // Act / Assert
        assert_eq!(ring.retire(8), Err(TokenError::UnknownKey(8)));
    }

    #[test]
    fn debug_shows_ids_and_no_key_material() {
        // Arrange
        let ring = KeyRing::new(2, key(2)).with_key(1, key(1)).unwrap();

        // Act
        let debug = format!("{ring:?}");

        // Assert
        assert_eq!(debug, "KeyRing { signing_key_id: 2, key_ids: [2, 1] }");
    }

    #[test]
    fn key_ring_is_not_clone() {
        assert_not_clone!(KeyRing);
    }
}
