//! argon2id password hashing. Both hashing and verification cost tens of
//! milliseconds of CPU, so callers run them on the blocking pool
//! ([`crate::blocking::spawn_blocking_with_tracing`]), never on an async worker.

use std::sync::Arc;
use std::time::Duration;

use argon2::{Params, PasswordHash};
use zeroize::Zeroizing;

use super::argon2_memory;
use super::hash_pool::{HashPool, Idle};

/// A password as typed: wiped from memory on drop, never printed.
pub struct Password(Zeroizing<String>);

impl Password {
    /// Wraps a password taken from a request.
    pub fn new(value: String) -> Self {
        Self(Zeroizing::new(value))
    }

    /// The password itself.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// Hashing failed; the cause is for logs only.
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// argon2id with the configured cost, plus a dummy hash for unknown accounts. The work runs
/// on a hash pool of one thread per core, which bounds the memory argon2 takes.
#[derive(Clone)]
pub struct PasswordHasherService {
    params: Params,
    dummy_hash: Arc<str>,
    pool: HashPool,
}

impl PasswordHasherService {
    /// Builds the hasher; precomputes the dummy hash used for unknown accounts.
    pub fn new(memory_kib: u32, iterations: u32, parallelism: u32) -> Result<Self, HashError> {
        let params = Params::new(memory_kib, iterations, parallelism, None)
            .map_err(|e| HashError(e.to_string()))?;
        let mut service = Self {
            params,
            dummy_hash: Arc::from(""),
            pool: HashPool::per_core(Idle {
                after: Duration::from_secs(1),
                hook: argon2_memory::release_buffer,
            })
            .map_err(|e| HashError(e.to_string()))?,
        };
        let dummy = service.hash(&Password::new("lifeline dummy password".into()))?;
        service.dummy_hash = Arc::from(dummy);
        Ok(service)
    }

    /// Hashes with a fresh random salt into a PHC string (in the hashing thread's own
    /// working buffer: see `security::argon2_memory`).
    pub fn hash(&self, password: &Password) -> Result<String, HashError> {
        let (params, secret) = (self.params.clone(), Zeroizing::new(password.0.to_string()));
        self.pool
            .run(move || argon2_memory::hash(&params, secret.as_bytes()))
            .ok_or_else(|| HashError("the hashing threads stopped".into()))?
            .map_err(HashError)
    }

    /// Checks `password` against a stored PHC string.
    ///
    /// With `stored = None` (no such account, or no password set) the password is
    /// checked against a dummy hash of the same cost and `false` returned, so an
    /// unknown address takes as long as a known one and sign-in timing reveals nothing.
    pub fn verify(&self, password: &Password, stored: Option<&str>) -> bool {
        let (phc, real) = match stored {
            Some(phc) => (phc, true),
            None => (&*self.dummy_hash, false),
        };
        if PasswordHash::new(phc).is_err() {
            tracing::warn!("stored password hash is not a valid PHC string");
            return false;
        }
        let (params, phc) = (self.params.clone(), phc.to_owned());
        let secret = Zeroizing::new(password.0.to_string());
        let matches = self
            .pool
            .run(move || argon2_memory::verify(&params, secret.as_bytes(), &phc));
        matches == Some(true) && real
    }
}

/// Largest argon2 memory cost accepted from outside (1 GiB, in KiB): verifying one imported
/// hash must not be able to exhaust the server's memory.
pub const MAX_IMPORTED_MEMORY_KIB: u32 = 1024 * 1024;

/// Why a password hash from outside (`lifeline users import`) is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HashRejection {
    /// Not a PHC string at all.
    #[error("the password hash is not a PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash)")]
    NotPhc,
    /// A PHC string of another algorithm (argon2i, argon2d, bcrypt, scrypt, pbkdf2, …).
    #[error("the password hash is not argon2id (only argon2id PHC strings can be verified)")]
    NotArgon2id,
    /// argon2id, but not version 19 (0x13), or without salt or output.
    #[error("the password hash is not argon2id version 19 with a salt and an output")]
    Incomplete,
    /// Parameters argon2 refuses, or a memory cost above `MAX_IMPORTED_MEMORY_KIB` (1 GiB).
    #[error("the password hash has argon2 parameters out of range")]
    BadParameters,
}

/// Checks that `phc` is a hash [`PasswordHasherService::verify`] can check: an argon2id
/// version 19 PHC string with a salt, an output and sane parameters. Verification takes the
/// cost from the hash itself, so hashes made with other costs than the configured ones work.
pub fn check_stored_hash(phc: &str) -> Result<(), HashRejection> {
    let hash = PasswordHash::new(phc).map_err(|_| HashRejection::NotPhc)?;
    if hash.algorithm != argon2::ARGON2ID_IDENT {
        return Err(HashRejection::NotArgon2id);
    }
    if hash.version != Some(0x13) || hash.salt.is_none() || hash.hash.is_none() {
        return Err(HashRejection::Incomplete);
    }
    match Params::try_from(&hash) {
        Ok(params) if params.m_cost() <= MAX_IMPORTED_MEMORY_KIB => Ok(()),
        _ => Err(HashRejection::BadParameters),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap() -> PasswordHasherService {
        PasswordHasherService::new(1024, 1, 1).unwrap()
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hasher = cheap();
        let phc = hasher.hash(&Password::new("correct horse".into())).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"));
        assert!(hasher.verify(&Password::new("correct horse".into()), Some(&phc)));
        assert!(!hasher.verify(&Password::new("wrong horse".into()), Some(&phc)));
    }

    #[test]
    fn unknown_accounts_never_verify_even_with_the_dummy_password() {
        let hasher = cheap();
        assert!(!hasher.verify(&Password::new("lifeline dummy password".into()), None));
    }

    #[test]
    fn a_corrupt_stored_hash_fails_closed() {
        assert!(!cheap().verify(&Password::new("x".into()), Some("not a phc string")));
    }

    #[test]
    fn salts_differ_between_hashes() {
        let hasher = cheap();
        let pw = Password::new("same password".into());
        assert_ne!(hasher.hash(&pw).unwrap(), hasher.hash(&pw).unwrap());
    }

    #[test]
    fn a_hash_made_with_another_cost_still_verifies() {
        // Arrange: as if imported from a system with other argon2id settings.
        let other = PasswordHasherService::new(2048, 2, 1).unwrap();
        let phc = other
            .hash(&Password::new("imported secret".into()))
            .unwrap();

        // Act
        let checked = check_stored_hash(&phc);
        let verified = cheap().verify(&Password::new("imported secret".into()), Some(&phc));

        // Assert
        assert_eq!(checked, Ok(()));
        assert!(verified);
    }

    #[test]
    fn hashes_that_cannot_be_verified_are_refused_with_the_reason() {
        let salt_and_hash = "c29tZXNhbHQ$iWh06vD8Fy27wf9npn6FXWiCX4K6pW6Ue1Bnzz07Z8A";
        let cases = [
            ("not a hash", HashRejection::NotPhc),
            ("", HashRejection::NotPhc),
            (
                "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
                HashRejection::NotPhc,
            ),
            (
                &format!("$argon2i$v=19$m=4096,t=3,p=1${salt_and_hash}"),
                HashRejection::NotArgon2id,
            ),
            (
                &format!("$argon2id$v=16$m=4096,t=3,p=1${salt_and_hash}"),
                HashRejection::Incomplete,
            ),
            ("$argon2id$v=19$m=4096,t=3,p=1", HashRejection::Incomplete),
            (
                &format!("$argon2id$v=19$m=4194304,t=3,p=1${salt_and_hash}"),
                HashRejection::BadParameters,
            ),
            (
                &format!("$argon2id$v=19$m=1,t=3,p=1${salt_and_hash}"),
                HashRejection::BadParameters,
            ),
        ];
        for (phc, expected) in cases {
            assert_eq!(check_stored_hash(phc), Err(expected), "{phc}");
        }
        assert_eq!(
            check_stored_hash(&format!("$argon2id$v=19$m=4096,t=3,p=1${salt_and_hash}")),
            Ok(())
        );
    }

    #[test]
    fn debug_hides_the_password() {
        assert_eq!(
            format!("{:?}", Password::new("secret".into())),
            "Password(***)"
        );
    }
}
