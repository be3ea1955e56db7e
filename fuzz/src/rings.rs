//! The fixed key rings the token targets verify against.

use token_core::{KeyId, KeyRing, SigningKey};

/// The time (unix seconds) at which the token targets verify. Seed tokens expire after it,
/// so that only the MAC, never the expiry, stands between a mutated seed and acceptance.
pub const NOW: i64 = 1_800_000_000;

/// The key ids in [`verifying_ring`]: the signing key first, then a verify-only key, so
/// that both lookup paths of the ring are exercised.
pub const KEY_IDS: [KeyId; 2] = [1, 2];

/// The master keys of [`verifying_ring`], in the order of [`KEY_IDS`].
pub const RING_KEYS: [[u8; 32]; 2] = [[0x11; 32], [0x22; 32]];

/// The master key the seed tokens are minted with: same key ids, different key. A seed is
/// therefore well formed in every field but carries a MAC that [`verifying_ring`] refuses.
pub const FOREIGN_KEY: [u8; 32] = [0xEE; 32];

/// The ring the `token_verify` target checks every input against.
pub fn verifying_ring() -> KeyRing {
    let ring = KeyRing::new(KEY_IDS[0], SigningKey::from_bytes(RING_KEYS[0]));
    match ring.with_key(KEY_IDS[1], SigningKey::from_bytes(RING_KEYS[1])) {
        Ok(ring) => ring,
        Err(error) => panic!("the fixed test ring has distinct key ids: {error}"),
    }
}

/// A ring holding only [`FOREIGN_KEY`] under `key_id`: it mints the seed tokens.
pub fn foreign_ring(key_id: KeyId) -> KeyRing {
    KeyRing::new(key_id, SigningKey::from_bytes(FOREIGN_KEY))
}
