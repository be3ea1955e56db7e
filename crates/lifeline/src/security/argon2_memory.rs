//! argon2id into one working buffer per hashing thread.
//!
//! argon2's own entry points allocate the whole memory cost (19 MiB by default) on every
//! hash and free it afterwards. glibc then raises its mmap threshold above that size and keeps
//! the freed blocks in its heaps, so the resident size grows well past the two buffers that
//! are ever in use at once (275 MiB in a load test of full resets). Here each thread of the
//! [`super::hash_pool::HashPool`] keeps one buffer of the configured cost and hashes into it
//! while it has work, so argon2's memory is at most threads × cost whatever the allocator
//! does, and gives it back to the system ([`release_buffer`]) once the thread has been idle,
//! so an idle server does not hold tens of MiB for the next sign-in. A stored hash with a
//! larger cost (imported from another system) gets a buffer of its own, freed afterwards, so
//! one such sign-in does not make a thread hold its memory for good.
//!
//! Giving the memory back is reliable only for a block the allocator took from the system
//! with `mmap`, which glibc does for requests above its mmap threshold; but glibc raises that
//! threshold to the size of every mmapped block freed, up to 32 MiB, so the second 19 MiB
//! buffer would come from (and stay in) a heap. Every buffer is therefore reserved with a
//! capacity of at least [`RESERVED_BYTES`], above any threshold glibc ever sets: it is always
//! mmapped, and unmapped when freed. Only the blocks argon2 uses are ever written, so the
//! reserve beyond them costs address space, not memory.
//!
//! The PHC strings are exactly those of `argon2`'s `PasswordHasher`: same salt length, same
//! encoding; both directions are tested below.

use std::cell::RefCell;

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};

thread_local! {
    /// This thread's working buffer; grown to the configured cost on first use.
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Bytes of random salt per hash (`PasswordHasher`'s recommended length).
const SALT_LEN: usize = Salt::RECOMMENDED_LENGTH;

/// The least capacity a working buffer is reserved with: above glibc's largest mmap
/// threshold (32 MiB on 64-bit), so the buffer is mmapped and its memory returned when freed.
pub const RESERVED_BYTES: usize = 33 << 20;
const _: () = assert!(RESERVED_BYTES > 32 << 20);

/// A zeroed buffer of `blocks` blocks whose capacity is at least [`RESERVED_BYTES`].
fn buffer_of(blocks: usize) -> Vec<Block> {
    let reserve = RESERVED_BYTES.div_ceil(std::mem::size_of::<Block>());
    let mut buffer = Vec::with_capacity(blocks.max(reserve));
    buffer.resize(blocks, Block::default());
    buffer
}

/// Frees this thread's working buffer; the next hash on the thread allocates a new one.
pub fn release_buffer() {
    BLOCKS.with_borrow_mut(|blocks| *blocks = Vec::new());
}

/// Bytes this thread's working buffer holds (its length; the reserve beyond is never
/// written).
#[cfg(test)]
pub fn held_bytes() -> usize {
    BLOCKS.with_borrow(|blocks| blocks.len() * std::mem::size_of::<Block>())
}
/// Runs argon2 `argon2` over `password` and `salt` into `out`, in this thread's buffer when
/// its cost is at most `kept_blocks`, else in a buffer allocated for this call.
fn hash_into(
    argon2: &Argon2<'_>,
    kept_blocks: usize,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    let needed = argon2.params().block_count();
    if needed > kept_blocks {
        let mut blocks = buffer_of(needed);
        return argon2.hash_password_into_with_memory(password, salt, out, &mut blocks[..]);
    }
    BLOCKS.with_borrow_mut(|blocks| {
        if blocks.len() < needed {
            *blocks = buffer_of(kept_blocks);
        }
        argon2.hash_password_into_with_memory(password, salt, out, &mut blocks[..needed])
    })
}

/// Hashes `password` with argon2id v19, `params` and a fresh random salt into a PHC string.
pub fn hash(params: &Params, password: &[u8]) -> Result<String, String> {
    let mut salt = [0u8; SALT_LEN];
    getrandom::fill(&mut salt).map_err(|e| e.to_string())?;
    let salt = Salt::new(&salt).map_err(|e| e.to_string())?;
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut buffer = [0u8; Output::MAX_LENGTH];
    let out = buffer
        .get_mut(..params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN))
        .ok_or("output length out of range")?;
    hash_into(&argon2, params.block_count(), password, &salt, out).map_err(|e| e.to_string())?;
    let phc = PasswordHash {
        algorithm: argon2::ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(|e| e.to_string())?,
        salt: Some(salt),
        hash: Some(Output::new(out).map_err(|e| e.to_string())?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string `phc` (any argon2 variant, version and cost it
/// names), computed in this thread's buffer when that cost is at most `configured`'s. The
/// outputs are compared in constant time (`Output`'s equality).
pub fn verify(configured: &Params, password: &[u8], phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(version) => version.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let argon2 = Argon2::new(algorithm, version, params);
    let mut buffer = [0u8; Output::MAX_LENGTH];
    let Some(out) = buffer.get_mut(..expected.len()) else {
        return false;
    };
    hash_into(&argon2, configured.block_count(), password, salt, out).is_ok()
        && Output::new(out).is_ok_and(|computed| computed == *expected)
}

#[cfg(test)]
mod tests {
    use argon2::{PasswordHasher, PasswordVerifier};

    use super::*;

    fn params() -> Params {
        Params::new(1024, 1, 1, None).unwrap()
    }

    fn plain() -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
    }

    #[test]
    fn a_hash_made_here_verifies_with_the_plain_argon2_api() {
        let phc = hash(&params(), b"correct horse").unwrap();

        let parsed = PasswordHash::new(&phc).unwrap();
        assert!(plain().verify_password(b"correct horse", &parsed).is_ok());
        assert!(plain().verify_password(b"wrong horse", &parsed).is_err());
    }

    #[test]
    fn a_hash_made_by_the_plain_argon2_api_verifies_here() {
        let phc = plain().hash_password(b"correct horse").unwrap().to_string();

        assert!(verify(&params(), b"correct horse", &phc));
        assert!(!verify(&params(), b"wrong horse", &phc));
    }

    #[test]
    fn hashes_have_the_plain_argon2_form() {
        let ours = hash(&params(), b"pw").unwrap();
        let theirs = plain().hash_password(b"pw").unwrap().to_string();

        let (ours, theirs) = (
            PasswordHash::new(&ours).unwrap(),
            PasswordHash::new(&theirs).unwrap(),
        );
        assert_eq!(ours.algorithm, theirs.algorithm);
        assert_eq!(ours.version, theirs.version);
        assert_eq!(ours.params, theirs.params);
        assert_eq!(ours.salt.unwrap().len(), theirs.salt.unwrap().len());
        assert_eq!(ours.hash.unwrap().len(), theirs.hash.unwrap().len());
    }

    #[test]
    fn a_costlier_stored_hash_verifies_without_growing_the_kept_buffer() {
        // Arrange: imported with four times the configured memory.
        let costly = Params::new(4096, 1, 2, None).unwrap();
        let phc = Argon2::new(Algorithm::Argon2id, Version::V0x13, costly)
            .hash_password(b"pw")
            .unwrap()
            .to_string();

        // Act
        let matches = verify(&params(), b"pw", &phc);

        // Assert
        assert!(matches);
        assert!(BLOCKS.with_borrow(Vec::len) <= params().block_count());
    }

    #[test]
    fn the_same_thread_reuses_its_buffer_across_hashes() {
        hash(&params(), b"one").unwrap();
        let first = BLOCKS.with_borrow(|blocks| blocks.as_ptr());

        let phc = hash(&params(), b"two").unwrap();

        assert_eq!(BLOCKS.with_borrow(|blocks| blocks.as_ptr()), first);
        assert_eq!(BLOCKS.with_borrow(Vec::len), params().block_count());
        assert!(verify(&params(), b"two", &phc));
    }

    #[test]
    fn a_released_buffer_is_freed_and_the_next_hash_gets_a_new_one() {
        // Arrange
        hash(&params(), b"one").unwrap();
        assert_eq!(BLOCKS.with_borrow(Vec::len), params().block_count());

        // Act
        release_buffer();
        let released = BLOCKS.with_borrow(Vec::capacity);
        let phc = hash(&params(), b"two").unwrap();

        // Assert
        assert_eq!(released, 0);
        assert_eq!(BLOCKS.with_borrow(Vec::len), params().block_count());
        assert!(verify(&params(), b"two", &phc));
    }

    #[test]
    fn buffers_are_reserved_above_the_largest_mmap_threshold() {
        hash(&params(), b"pw").unwrap();

        let reserved =
            BLOCKS.with_borrow(|blocks| blocks.capacity() * std::mem::size_of::<Block>());

        assert!(reserved >= RESERVED_BYTES, "{reserved}");
    }

    #[test]
    fn malformed_stored_hashes_never_verify() {
        for phc in [
            "",
            "$argon2id$v=19$m=1024,t=1,p=1$",
            "not a hash",
            "$argon2id$v=99$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
        ] {
            assert!(!verify(&params(), b"pw", phc), "{phc}");
        }
    }
}
