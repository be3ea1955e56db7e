//! The built-in directory: Lifeline's own `users` table.

use chrono::NaiveDateTime;
use storage::users::{self, User};
use storage::{DbConnection, EmailAddress, StorageError};

use super::{DirectoryUser, UserDirectory};
use crate::security::password_hash::{Password, PasswordHasherService};

/// Accounts in Lifeline's `users` table (created by `lifeline users add` / `import`).
#[derive(Clone)]
pub struct TableDirectory {
    hasher: PasswordHasherService,
}

impl TableDirectory {
    /// A directory verifying passwords with `hasher` (argon2id).
    pub fn new(hasher: PasswordHasherService) -> Self {
        Self { hasher }
    }
}

impl From<User> for DirectoryUser {
    fn from(user: User) -> Self {
        Self {
            id: user.id,
            display_email: user.display_email,
            auth_epoch: user.auth_epoch,
            resets_paused_until: user.resets_paused_until,
        }
    }
}

impl UserDirectory for TableDirectory {
    fn find_by_email(
        &self,
        conn: &mut DbConnection,
        email: &EmailAddress,
    ) -> Result<Option<DirectoryUser>, StorageError> {
        Ok(users::find_by_email(conn, email)?.map(DirectoryUser::from))
    }

    fn find_by_id(
        &self,
        conn: &mut DbConnection,
        id: i64,
    ) -> Result<Option<DirectoryUser>, StorageError> {
        Ok(users::find_by_id(conn, id)?.map(DirectoryUser::from))
    }

    /// Unknown accounts and accounts without a password are checked against the hasher's
    /// dummy hash, so they take as long as a wrong password.
    fn verify_password(
        &self,
        conn: &mut DbConnection,
        email: &EmailAddress,
        password: &Password,
        _now: NaiveDateTime,
    ) -> Result<Option<DirectoryUser>, StorageError> {
        let user = users::find_by_email(conn, email)?;
        let stored = user.as_ref().and_then(|u| u.password_hash.as_deref());
        if !self.hasher.verify(password, stored) {
            return Ok(None);
        }
        Ok(user.map(DirectoryUser::from))
    }

    fn set_password(
        &self,
        conn: &mut DbConnection,
        id: i64,
        password_hash: &str,
        now: NaiveDateTime,
    ) -> Result<i64, StorageError> {
        users::set_password_hash(conn, id, password_hash, now)
    }

    fn bump_auth_epoch(
        &self,
        conn: &mut DbConnection,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<i64, StorageError> {
        users::bump_auth_epoch(conn, id, now)
    }

    fn pause_resets(
        &self,
        conn: &mut DbConnection,
        id: i64,
        until: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Result<bool, StorageError> {
        users::pause_resets(conn, id, until, now)?;
        Ok(true)
    }
}
