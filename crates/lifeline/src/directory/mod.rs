//! Where accounts live: the [`UserDirectory`] plug-in point.
//!
//! Lifeline keeps its own state (tokens, outbox, audit events, throttles) in its own tables,
//! keyed by account id, and asks a directory for everything about the accounts themselves.
//! The built-in directory is Lifeline's `users` table ([`TableDirectory`]); the SQL-mapped one
//! ([`SqlDirectory`]) reads and writes an application's existing users table; a host
//! application embedding Lifeline may supply its own implementation.
//!
//! Directories are synchronous and run on the blocking pool, like storage. Every method gets
//! Lifeline's database connection, inside the transaction of the flow that calls it: a
//! directory in the same database (both built-in ones) joins that transaction, so consuming a
//! reset link and storing the new password happen together or not at all. A directory
//! elsewhere may ignore the connection; it then loses that atomicity and must make
//! [`UserDirectory::set_password`] idempotent enough for a retried flow.
//!
//! Lifeline's `tokens` and `audit_events` rows therefore carry no foreign key to `users`:
//! with an external directory the ids they hold are that directory's ids.

mod settings;
mod sql_mapped;
mod statements;
mod table;

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDateTime;
use storage::{Backend, DbConnection, EmailAddress, StorageError, mask};

pub use settings::{DirectoryConfigError, DirectoryKind, DirectorySettings};
pub use sql_mapped::SqlDirectory;
pub use table::TableDirectory;

use crate::security::password_hash::{Password, PasswordHasherService};

/// An account as Lifeline needs it.
#[derive(Clone, PartialEq, Eq)]
pub struct DirectoryUser {
    /// The directory's id for the account; tokens and sessions carry it.
    pub id: i64,
    /// The address mail is sent to, as the directory stores it.
    pub display_email: String,
    /// Bound into every token and session; bumping it voids all of them.
    pub auth_epoch: i64,
    /// Password resets and magic links are refused until this time ("this wasn't me").
    pub resets_paused_until: Option<NaiveDateTime>,
}

impl fmt::Debug for DirectoryUser {
    /// Masks the address.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DirectoryUser")
            .field("id", &self.id)
            .field("email", &mask(&self.display_email))
            .field("auth_epoch", &self.auth_epoch)
            .field("resets_paused_until", &self.resets_paused_until)
            .finish()
    }
}

/// A source of accounts. See the module documentation for the transaction contract.
pub trait UserDirectory: Send + Sync {
    /// The account with this normalised address ([`EmailAddress::as_str`]), if any.
    fn find_by_email(
        &self,
        conn: &mut DbConnection,
        email: &EmailAddress,
    ) -> Result<Option<DirectoryUser>, StorageError>;

    /// The account with this id, if any.
    fn find_by_id(
        &self,
        conn: &mut DbConnection,
        id: i64,
    ) -> Result<Option<DirectoryUser>, StorageError>;

    /// The account with this address if, and only if, `password` is its password.
    ///
    /// Implementations must take about as long for an unknown address, or an account without
    /// a password, as for a wrong password, so sign-in timing does not reveal which
    /// addresses have accounts.
    fn verify_password(
        &self,
        conn: &mut DbConnection,
        email: &EmailAddress,
        password: &Password,
        now: NaiveDateTime,
    ) -> Result<Option<DirectoryUser>, StorageError>;

    /// Stores `password_hash` (an argon2id PHC string) and bumps the account's epoch in one
    /// atomic step, returning the new epoch: no reader may see the new password with the old
    /// epoch, or links issued before the change would still work.
    fn set_password(
        &self,
        conn: &mut DbConnection,
        id: i64,
        password_hash: &str,
        now: NaiveDateTime,
    ) -> Result<i64, StorageError>;

    /// Bumps the account's epoch (voids every link and session) and returns the new value.
    fn bump_auth_epoch(
        &self,
        conn: &mut DbConnection,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<i64, StorageError>;

    /// Refuses password resets and magic links for the account until `until`. Directories
    /// without a place to keep the pause return `Ok(false)`; the caller has already bumped
    /// the epoch, which voids every outstanding link either way.
    fn pause_resets(
        &self,
        conn: &mut DbConnection,
        id: i64,
        until: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Result<bool, StorageError>;

    /// Checks, once at start-up, that what the directory was configured with exists (a
    /// mapped table and its columns), so a mistake stops the service with a clear message
    /// instead of failing the first person who asks for a link. The default accepts.
    fn check(&self, conn: &mut DbConnection) -> Result<(), StorageError> {
        let _ = conn;
        Ok(())
    }
}

/// Builds the configured directory. Refuses SQL-mapped settings whose table or column names
/// are not plain identifiers.
pub fn from_settings(
    settings: &DirectorySettings,
    backend: Backend,
    hasher: &PasswordHasherService,
) -> Result<Arc<dyn UserDirectory>, DirectoryConfigError> {
    Ok(match settings.kind {
        DirectoryKind::Builtin => Arc::new(TableDirectory::new(hasher.clone())),
        DirectoryKind::Sql => Arc::new(SqlDirectory::new(settings, backend, hasher.clone())?),
    })
}

/// Runs the directory's start-up [`UserDirectory::check`] on the blocking pool.
pub async fn check(
    directory: &Arc<dyn UserDirectory>,
    db: &storage::Database,
) -> anyhow::Result<()> {
    let (directory, db) = (Arc::clone(directory), db.clone());
    tokio::task::spawn_blocking(move || directory.check(&mut *db.conn()?))
        .await?
        .map_err(|error| anyhow::anyhow!("the user directory does not match the database: {error}"))
}
