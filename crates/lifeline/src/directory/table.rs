//! The built-in directory: Lifeline's own `users` table.

use chrono::NaiveDateTime;
use storage::EmailAddress;
use storage::users::{self, User};

use super::{DirectoryConnection, DirectoryError, DirectoryUser, StoredHash, UserDirectory};

/// Accounts in Lifeline's `users` table (created by `lifeline users add` / `import`, which
/// accept argon2id hashes only, so there is never a legacy hash to upgrade).
#[derive(Clone, Default)]
pub struct TableDirectory;

impl TableDirectory {
    /// The directory of Lifeline's `users` table.
    pub fn new() -> Self {
        Self
    }
}

impl From<User> for DirectoryUser {
    fn from(user: User) -> Self {
        Self {
            id: user.id,
            display_email: user.display_email,
            auth_epoch: user.auth_epoch,
            resets_paused_until: user.resets_paused_until,
            password_hash: user.password_hash.map(StoredHash::argon2id),
            disabled_at: user.disabled_at,
        }
    }
}

impl UserDirectory for TableDirectory {
    fn find_by_email(
        &self,
        conn: &mut DirectoryConnection<'_>,
        email: &EmailAddress,
    ) -> Result<Option<DirectoryUser>, DirectoryError> {
        Ok(users::find_by_email(conn.database(), email)?.map(DirectoryUser::from))
    }

    fn find_by_id(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
    ) -> Result<Option<DirectoryUser>, DirectoryError> {
        Ok(users::find_by_id(conn.database(), id)?.map(DirectoryUser::from))
    }

    fn set_password(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        password_hash: &str,
        now: NaiveDateTime,
    ) -> Result<i64, DirectoryError> {
        Ok(users::set_password_hash(
            conn.database(),
            id,
            password_hash,
            now,
        )?)
    }

    fn clear_password(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<i64, DirectoryError> {
        Ok(users::clear_password_hash(conn.database(), id, now)?)
    }

    fn bump_auth_epoch(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<i64, DirectoryError> {
        Ok(users::bump_auth_epoch(conn.database(), id, now)?)
    }

    fn pause_resets(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        until: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Result<bool, DirectoryError> {
        users::pause_resets(conn.database(), id, until, now)?;
        Ok(true)
    }

    fn set_disabled(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        disabled: bool,
        now: NaiveDateTime,
    ) -> Result<bool, DirectoryError> {
        match disabled {
            true => users::disable(conn.database(), id, now).map(|_| ())?,
            false => users::enable(conn.database(), id, now)?,
        }
        Ok(true)
    }

    /// Deletes the row and revokes the account's live links in one transaction.
    fn delete(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<bool, DirectoryError> {
        users::delete(conn.database(), id, now)?;
        Ok(true)
    }

    fn lift_pause(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<bool, DirectoryError> {
        users::lift_reset_pause(conn.database(), id, now)?;
        Ok(true)
    }
}
