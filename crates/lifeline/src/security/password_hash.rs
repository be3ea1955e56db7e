//! argon2id password hashing. Both hashing and verification cost tens of
//! milliseconds of CPU: they run on the [`HashPool`]'s few threads, and callers wait for
//! them from a blocking context (never on an async worker, and never holding a pooled
//! database connection: see [`crate::directory::SignIn`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use argon2::{Params, PasswordHash};
use token_core::SecretString;
use zeroize::Zeroizing;

use super::argon2_memory;
use super::hash_pool::{HashPool, Idle};

/// A password as typed: a [`SecretString`] (wiped from memory on drop, never printed) of its
/// own type, so it cannot be mixed up with other secrets.
#[derive(Debug)]
pub struct Password(SecretString);

impl Password {
    /// Wraps a password taken from a request.
    pub fn new(value: String) -> Self {
        Self(SecretString::new(value))
    }

    /// The password itself.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

/// A password hash as a directory stores it, labelled with the scheme the directory vouches
/// for. Not secret, but not for logs either: `Debug` names the scheme only.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredHash {
    value: String,
    legacy_bcrypt: bool,
}

impl StoredHash {
    /// An argon2id PHC string (`$argon2id$v=19$…`), the only kind Lifeline writes. Anything
    /// else given here never verifies.
    pub fn argon2id(phc: impl Into<String>) -> Self {
        Self {
            value: phc.into(),
            legacy_bcrypt: false,
        }
    }

    /// A bcrypt hash (`$2a$`, `$2b$`, `$2y$`) the directory still accepts at sign-in. Once the
    /// password matched, Lifeline replaces it with argon2id
    /// ([`crate::directory::UserDirectory::upgrade_password_hash`]).
    pub fn legacy_bcrypt(hash: impl Into<String>) -> Self {
        Self {
            value: hash.into(),
            legacy_bcrypt: true,
        }
    }

    /// The hash as stored.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// Whether this is a legacy bcrypt hash, to be replaced after a successful sign-in.
    pub fn is_legacy(&self) -> bool {
        self.legacy_bcrypt
    }
}

impl std::fmt::Debug for StoredHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.legacy_bcrypt {
            true => f.write_str("StoredHash(bcrypt)"),
            false => f.write_str("StoredHash(argon2id)"),
        }
    }
}

/// What checking a password against a [`StoredHash`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// The password matches an argon2id hash.
    Matches,
    /// The password matches a legacy hash, which should now be replaced.
    MatchesLegacy,
    /// No hash, a wrong password, or a hash that cannot be verified.
    NoMatch,
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
    verifications: Arc<AtomicU64>,
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
            verifications: Arc::new(AtomicU64::new(0)),
        };
        service.dummy_hash = Arc::from(service.dummy()?);
        Ok(service)
    }

    /// The dummy hash, made once at start. Its thread gives the working buffer back at once
    /// rather than after the pool's idle delay: the first sign-in or reset right after start
    /// would otherwise hash beside it, holding two buffers (38 MiB at the default cost).
    fn dummy(&self) -> Result<String, HashError> {
        let params = self.params.clone();
        self.pool
            .run(move || {
                let dummy = argon2_memory::hash(&params, b"lifeline dummy password");
                argon2_memory::release_buffer();
                dummy
            })
            .ok_or_else(|| HashError("the hashing threads stopped".into()))?
            .map_err(HashError)
    }

    /// Hashes with a fresh random salt into a PHC string (in the hashing thread's own
    /// working buffer: see `security::argon2_memory`).
    pub fn hash(&self, password: &Password) -> Result<String, HashError> {
        let (params, secret) = (
            self.params.clone(),
            Zeroizing::new(password.expose_secret().to_owned()),
        );
        self.pool
            .run(move || argon2_memory::hash(&params, secret.as_bytes()))
            .ok_or_else(|| HashError("the hashing threads stopped".into()))?
            .map_err(HashError)
    }

    /// Checks `password` against a stored PHC string.
    ///
    /// With `stored = None` (no such account, or no password set), or a stored string that is
    /// not a PHC string, the password is checked against a dummy hash of the same cost and
    /// `false` returned, so an unknown address takes as long as a known one and sign-in timing
    /// reveals nothing.
    pub fn verify(&self, password: &Password, stored: Option<&str>) -> bool {
        let stored = stored.filter(|phc| {
            let valid = PasswordHash::new(phc).is_ok();
            if !valid {
                tracing::warn!("stored password hash is not a valid PHC string");
            }
            valid
        });
        let (phc, real) = match stored {
            Some(phc) => (phc, true),
            None => (&*self.dummy_hash, false),
        };
        let (params, phc) = (self.params.clone(), phc.to_owned());
        let secret = Zeroizing::new(password.expose_secret().to_owned());
        let matches = self.on_pool(move || argon2_memory::verify(&params, secret.as_bytes(), &phc));
        matches == Some(true) && real
    }

    /// Checks `password` against what a directory stored (see [`Self::verify`] for the cost
    /// of a missing hash). A legacy bcrypt hash is verified on the hashing threads as well;
    /// one bcrypt refuses to parse costs the dummy argon2 verification instead.
    pub fn check(&self, password: &Password, stored: Option<&StoredHash>) -> Checked {
        let Some(stored) = stored else {
            self.verify(password, None);
            return Checked::NoMatch;
        };
        if !stored.is_legacy() {
            return match self.verify(password, Some(stored.as_str())) {
                true => Checked::Matches,
                false => Checked::NoMatch,
            };
        }
        let (hash, secret) = (
            stored.value.clone(),
            Zeroizing::new(password.expose_secret().to_owned()),
        );
        match self.on_pool(move || bcrypt::verify(secret.as_bytes(), &hash)) {
            Some(Ok(true)) => Checked::MatchesLegacy,
            Some(Ok(false)) | None => Checked::NoMatch,
            Some(Err(error)) => {
                tracing::warn!(%error, "stored bcrypt hash cannot be verified");
                self.verify(password, None);
                Checked::NoMatch
            }
        }
    }

    /// How many verifications this hasher and its clones ran, dummy ones included: a sign-in
    /// for an unknown address must count here like a wrong password.
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }

    /// Runs one verification on the hashing threads and counts it.
    fn on_pool<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        self.verifications.fetch_add(1, Ordering::Relaxed);
        self.pool.run(work)
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
    fn making_the_dummy_hash_leaves_no_hashing_thread_holding_memory() {
        // Arrange: as many concurrent jobs as the pool has threads, so each thread runs one.
        let hasher = cheap();
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let barrier = Arc::new(std::sync::Barrier::new(threads));

        // Act
        let held: Vec<usize> = std::thread::scope(|scope| {
            let asks: Vec<_> = (0..threads)
                .map(|_| {
                    let (pool, barrier) = (hasher.pool.clone(), Arc::clone(&barrier));
                    scope.spawn(move || {
                        pool.run(move || {
                            barrier.wait();
                            argon2_memory::held_bytes()
                        })
                    })
                })
                .collect();
            asks.into_iter()
                .map(|ask| ask.join().unwrap().unwrap())
                .collect()
        });

        // Assert
        assert_eq!(held, vec![0; threads]);
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
    fn a_missing_or_corrupt_hash_costs_one_verification_like_a_wrong_password() {
        // Arrange
        let hasher = cheap();
        let phc = hasher.hash(&Password::new("right".into())).unwrap();
        let password = Password::new("guess".into());
        let before = hasher.verifications();

        // Act
        let results = [
            hasher.check(&password, None),
            hasher.check(&password, Some(&StoredHash::argon2id("not a phc string"))),
            hasher.check(&password, Some(&StoredHash::argon2id(phc))),
        ];

        // Assert: each ran exactly one verification on the hashing threads.
        assert_eq!(results, [Checked::NoMatch; 3]);
        assert_eq!(hasher.verifications() - before, 3);
    }

    #[test]
    fn a_legacy_bcrypt_hash_matches_and_asks_to_be_replaced() {
        // Arrange
        let hasher = cheap();
        let bcrypt = bcrypt::hash("right password", 4).unwrap();
        let right = Password::new("right password".into());

        // Act / Assert: only as a legacy hash; labelled argon2id it never verifies.
        let legacy = StoredHash::legacy_bcrypt(bcrypt.clone());
        assert_eq!(hasher.check(&right, Some(&legacy)), Checked::MatchesLegacy);
        let wrong = Password::new("wrong password".into());
        assert_eq!(hasher.check(&wrong, Some(&legacy)), Checked::NoMatch);
        let mislabelled = StoredHash::argon2id(bcrypt);
        assert_eq!(hasher.check(&right, Some(&mislabelled)), Checked::NoMatch);
        let garbage = StoredHash::legacy_bcrypt("$2b$not a bcrypt hash");
        assert_eq!(hasher.check(&right, Some(&garbage)), Checked::NoMatch);
    }

    #[test]
    fn an_argon2id_hash_matches_without_asking_to_be_replaced() {
        let hasher = cheap();
        let phc = hasher.hash(&Password::new("correct horse".into())).unwrap();
        let stored = StoredHash::argon2id(phc);
        let checked = hasher.check(&Password::new("correct horse".into()), Some(&stored));
        assert_eq!(checked, Checked::Matches);
    }

    #[test]
    fn debug_names_the_hash_scheme_only() {
        let stored = StoredHash::legacy_bcrypt("$2b$04$abcdefghijklmnopqrstuv");
        assert_eq!(format!("{stored:?}"), "StoredHash(bcrypt)");
        assert_eq!(
            format!("{:?}", StoredHash::argon2id("$argon2id$x")),
            "StoredHash(argon2id)"
        );
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
