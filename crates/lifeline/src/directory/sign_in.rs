//! Checking an address and a password against a directory, in three steps that never hold a
//! pooled database connection while a password is hashed:
//!
//! 1. find the account and its stored hash (a connection is checked out for that one read,
//!    and returned);
//! 2. verify the password on the hashing threads, with no connection held. An unknown
//!    address, a malformed one or an account without a password is verified against a dummy
//!    hash of the same cost, so it takes as long as a wrong password whatever the directory;
//! 3. if a legacy hash matched, hash the password with argon2id (still no connection) and
//!    store it in its own short write.
//!
//! Why: hashing is slow on purpose and runs on a few threads, so a burst of sign-ins queues
//! for them. Had each queued sign-in held a connection, the pool would run dry and every
//! other request (reset and magic-link requests too) would wait and then fail with 503.

use chrono::NaiveDateTime;
use storage::{Database, EmailAddress};

use super::{DirectoryConnection, DirectoryError, DirectoryUser, StoredHash, UserDirectory};
use crate::security::password_hash::{Checked, Password, PasswordHasherService};

/// What checking a password needs: where the accounts are, Lifeline's database (for the
/// connection lent to the directory) and the hasher.
pub struct SignIn<'a> {
    /// Lifeline's database.
    pub db: &'a Database,
    /// Where the accounts are.
    pub directory: &'a dyn UserDirectory,
    /// argon2id (and legacy bcrypt) verification on the hashing threads.
    pub hasher: &'a PasswordHasherService,
}

impl SignIn<'_> {
    /// The account with address `email` if, and only if, `password` is its password.
    /// `email` is `None` when the typed address does not parse; it still costs one
    /// verification. Blocking: call it from the blocking pool.
    pub fn verify(
        &self,
        email: Option<&EmailAddress>,
        password: &Password,
        now: NaiveDateTime,
    ) -> Result<Option<DirectoryUser>, DirectoryError> {
        let user = match email {
            Some(email) => self.find(email)?,
            None => None,
        };
        let stored = user.as_ref().and_then(|user| user.password_hash.as_ref());
        match (self.hasher.check(password, stored), user) {
            (Checked::Matches, Some(user)) => Ok(Some(user)),
            (Checked::MatchesLegacy, Some(user)) => {
                if let Some(old) = &user.password_hash {
                    self.upgrade(&user, old, password, now)?;
                }
                Ok(Some(user))
            }
            _ => Ok(None),
        }
    }

    /// The account and its stored hash. The connection goes back to the pool when this
    /// returns, before any hashing. A disabled account is not found: its password is then
    /// checked against the dummy hash like an unknown address's, so the answer and its
    /// timing are the same.
    fn find(&self, email: &EmailAddress) -> Result<Option<DirectoryUser>, DirectoryError> {
        let mut conn = self.db.conn()?;
        Ok(self
            .directory
            .find_by_email(&mut DirectoryConnection::new(&mut conn), email)?
            .filter(|user| !user.is_disabled()))
    }

    /// Replaces a legacy hash that just matched with argon2id of the same password. A hashing
    /// failure keeps the legacy hash (the sign-in still succeeds); a database failure fails the
    /// sign-in like any other.
    fn upgrade(
        &self,
        user: &DirectoryUser,
        old: &StoredHash,
        password: &Password,
        now: NaiveDateTime,
    ) -> Result<(), DirectoryError> {
        let new = match self.hasher.hash(password) {
            Ok(new) => new,
            Err(error) => {
                tracing::warn!(%error, "legacy hash kept: rehashing failed");
                return Ok(());
            }
        };
        let mut conn = self.db.conn()?;
        let replaced = self.directory.upgrade_password_hash(
            &mut DirectoryConnection::new(&mut conn),
            user.id,
            old,
            &new,
            now,
        )?;
        if replaced {
            tracing::info!(user_id = user.id, "legacy hash upgraded to argon2id");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use storage::testing::{TestDb, available_backends};
    use storage::users;

    use super::*;
    use crate::directory::TableDirectory;

    fn now() -> NaiveDateTime {
        chrono::Utc::now().naive_utc()
    }

    fn hasher() -> PasswordHasherService {
        PasswordHasherService::new(1024, 1, 1).unwrap()
    }

    fn with_account(db: &TestDb, hasher: &PasswordHasherService, email: &str, password: &str) {
        let hash = hasher.hash(&Password::new(password.into())).unwrap();
        let email = EmailAddress::parse(email).unwrap();
        let new = users::NewUser {
            email: &email,
            password_hash: Some(&hash),
            now: now(),
        };
        users::create(&mut db.conn().unwrap(), &new).unwrap();
    }

    #[test]
    fn the_right_password_signs_in_and_nothing_else_does() {
        for backend in available_backends() {
            the_right_password_signs_in_and_nothing_else_does_on(backend);
        }
    }

    fn the_right_password_signs_in_and_nothing_else_does_on(backend: storage::Backend) {
        // Arrange
        let db = TestDb::new(backend).unwrap();
        let hasher = hasher();
        with_account(&db, &hasher, "ada@example.com", "ada's password");
        let sign_in = SignIn {
            db: &db,
            directory: &TableDirectory::new(),
            hasher: &hasher,
        };
        let ada = EmailAddress::parse("Ada@Example.com").unwrap();

        // Act
        let right = sign_in.verify(Some(&ada), &Password::new("ada's password".into()), now());
        let wrong = sign_in.verify(Some(&ada), &Password::new("a guess".into()), now());

        // Assert
        assert_eq!(
            right.unwrap().map(|user| user.display_email),
            Some("ada@example.com".into())
        );
        assert_eq!(wrong.unwrap(), None);
    }

    #[test]
    fn an_unknown_or_malformed_address_costs_one_verification_like_a_wrong_password() {
        for backend in available_backends() {
            an_unknown_or_malformed_address_costs_one_verification_on(backend);
        }
    }

    fn an_unknown_or_malformed_address_costs_one_verification_on(backend: storage::Backend) {
        // Arrange
        let db = TestDb::new(backend).unwrap();
        let hasher = hasher();
        with_account(&db, &hasher, "ada@example.com", "ada's password");
        let sign_in = SignIn {
            db: &db,
            directory: &TableDirectory::new(),
            hasher: &hasher,
        };
        let password = Password::new("a guess".into());
        let known = EmailAddress::parse("ada@example.com").unwrap();
        let unknown = EmailAddress::parse("nobody@example.com").unwrap();
        let mut costs = Vec::new();

        // Act: count the verifications each attempt ran.
        for email in [Some(&known), Some(&unknown), None] {
            let before = hasher.verifications();
            let user = sign_in.verify(email, &password, now()).unwrap();
            assert_eq!(user, None);
            costs.push(hasher.verifications() - before);
        }

        // Assert: the same one verification for the wrong password, the unknown address and
        // the address that did not parse.
        assert_eq!(costs, [1, 1, 1]);
    }

    /// One account with a legacy hash, recording the upgrades asked for.
    struct Legacy {
        user: DirectoryUser,
        upgrades: std::sync::Mutex<Vec<(StoredHash, String)>>,
    }

    impl UserDirectory for Legacy {
        fn find_by_email(
            &self,
            _: &mut DirectoryConnection<'_>,
            _: &EmailAddress,
        ) -> Result<Option<DirectoryUser>, DirectoryError> {
            Ok(Some(self.user.clone()))
        }
        fn find_by_id(
            &self,
            _: &mut DirectoryConnection<'_>,
            _: i64,
        ) -> Result<Option<DirectoryUser>, DirectoryError> {
            Ok(Some(self.user.clone()))
        }
        fn set_password(
            &self,
            _: &mut DirectoryConnection<'_>,
            _: i64,
            _: &str,
            _: NaiveDateTime,
        ) -> Result<i64, DirectoryError> {
            Err(DirectoryError::NoSuchAccount)
        }
        fn upgrade_password_hash(
            &self,
            _: &mut DirectoryConnection<'_>,
            _: i64,
            old: &StoredHash,
            new_hash: &str,
            _: NaiveDateTime,
        ) -> Result<bool, DirectoryError> {
            let upgrade = (old.clone(), new_hash.to_owned());
            self.upgrades.lock().unwrap().push(upgrade);
            Ok(true)
        }
        fn clear_password(
            &self,
            _: &mut DirectoryConnection<'_>,
            _: i64,
            _: NaiveDateTime,
        ) -> Result<i64, DirectoryError> {
            Err(DirectoryError::NoSuchAccount)
        }
        fn bump_auth_epoch(
            &self,
            _: &mut DirectoryConnection<'_>,
            _: i64,
            _: NaiveDateTime,
        ) -> Result<i64, DirectoryError> {
            Err(DirectoryError::NoSuchAccount)
        }
        fn pause_resets(
            &self,
            _: &mut DirectoryConnection<'_>,
            _: i64,
            _: NaiveDateTime,
            _: NaiveDateTime,
        ) -> Result<bool, DirectoryError> {
            Ok(false)
        }
    }

    #[test]
    fn a_matching_legacy_hash_is_replaced_by_argon2id_of_the_same_password() {
        // Arrange
        let db = TestDb::new(storage::Backend::Sqlite).unwrap();
        let hasher = hasher();
        let legacy = StoredHash::legacy_bcrypt(bcrypt::hash("old password", 4).unwrap());
        let directory = Legacy {
            user: DirectoryUser {
                id: 7,
                display_email: "old@example.com".into(),
                auth_epoch: 0,
                resets_paused_until: None,
                disabled_at: None,
                password_hash: Some(legacy.clone()),
            },
            upgrades: std::sync::Mutex::default(),
        };
        let sign_in = SignIn {
            db: &db,
            directory: &directory,
            hasher: &hasher,
        };
        let email = EmailAddress::parse("old@example.com").unwrap();

        // Act
        let wrong = sign_in.verify(Some(&email), &Password::new("a guess".into()), now());
        let right = sign_in.verify(Some(&email), &Password::new("old password".into()), now());

        // Assert: one upgrade, after the right password only, to a hash of that password.
        assert_eq!(wrong.unwrap(), None);
        assert_eq!(right.unwrap().map(|user| user.id), Some(7));
        let upgrades = directory.upgrades.lock().unwrap();
        let [(old, new)] = upgrades.as_slice() else {
            panic!("expected one upgrade, got {}", upgrades.len());
        };
        assert_eq!(old, &legacy);
        assert!(hasher.verify(&Password::new("old password".into()), Some(new)));
    }
}
