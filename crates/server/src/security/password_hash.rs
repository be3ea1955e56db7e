//! argon2id password hashing. Both hashing and verification cost tens of
//! milliseconds of CPU, so callers run them on the blocking pool
//! ([`crate::blocking::spawn_blocking_with_tracing`]), never on an async worker.

use std::sync::Arc;

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use zeroize::Zeroizing;

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

/// argon2id with the configured cost, plus a dummy hash for unknown accounts.
#[derive(Clone)]
pub struct PasswordHasherService {
    params: Params,
    dummy_hash: Arc<str>,
}

impl PasswordHasherService {
    /// Builds the hasher; precomputes the dummy hash used for unknown accounts.
    pub fn new(memory_kib: u32, iterations: u32, parallelism: u32) -> Result<Self, HashError> {
        let params = Params::new(memory_kib, iterations, parallelism, None)
            .map_err(|e| HashError(e.to_string()))?;
        let mut service = Self {
            params,
            dummy_hash: Arc::from(""),
        };
        let dummy = service.hash(&Password::new("lifeline dummy password".into()))?;
        service.dummy_hash = Arc::from(dummy);
        Ok(service)
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// Hashes with a fresh random salt into a PHC string.
    pub fn hash(&self, password: &Password) -> Result<String, HashError> {
        let hash: PasswordHash = self
            .argon2()
            .hash_password(password.expose_secret().as_bytes())
            .map_err(|e| HashError(e.to_string()))?;
        Ok(hash.to_string())
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
        let Ok(parsed) = PasswordHash::new(phc) else {
            tracing::warn!("stored password hash is not a valid PHC string");
            return false;
        };
        let matches = self
            .argon2()
            .verify_password(password.expose_secret().as_bytes(), &parsed)
            .is_ok();
        matches && real
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
    fn debug_hides_the_password() {
        assert_eq!(
            format!("{:?}", Password::new("secret".into())),
            "Password(***)"
        );
    }
}
