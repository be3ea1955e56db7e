//! Where accounts live: the [`UserDirectory`] plug-in point.
//!
//! Lifeline keeps its own state (tokens, outbox, audit events, throttles) in its own tables,
//! keyed by account id, and asks a directory to find accounts and to make a few short writes
//! to them. A directory never checks a password: it returns the account with its stored hash
//! ([`StoredHash`]), and Lifeline verifies it once the database connection is back in the
//! pool ([`SignIn`]). So slow hashing never holds a connection, and an unknown address costs
//! the same as a wrong password whatever the directory.
//!
//! The built-in directory is Lifeline's `users` table ([`TableDirectory`]); the SQL-mapped one
//! ([`SqlDirectory`]) reads and writes an application's existing users table; a host
//! application embedding Lifeline may supply its own implementation, failing with its own
//! [`DirectoryError`].
//!
//! Directories are synchronous and run on the blocking pool, like storage. Every method gets
//! Lifeline's database connection as an opaque [`DirectoryConnection`], inside the transaction of the
//! flow that calls it: a directory in the same database (both built-in ones) joins that
//! transaction, so consuming a reset link and storing the new password happen together or not
//! at all. A directory elsewhere ignores the connection; it then loses that atomicity and must
//! make [`UserDirectory::set_password`] idempotent enough for a retried flow.
//!
//! Lifeline's `tokens` and `audit_events` rows therefore carry no foreign key to `users`:
//! with an external directory the ids they hold are that directory's ids.

mod error;
pub(crate) mod external;
mod kind;
pub(crate) mod lookups;
mod plugin;
mod settings;
mod sign_in;
mod source;
mod sql_mapped;
mod statements;
mod table;
#[cfg(test)]
pub(crate) mod test_source;

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDateTime;
use storage::{DbConnection, mask};

pub use self::error::{BoxError, DirectoryError};
pub use self::external::{NewPassword, PasswordAuthority};
pub(crate) use self::kind::BUILT_IN_KINDS;
pub use self::plugin::{DirectoryPlugin, PluginSetting, PluginSettings};
pub use self::settings::{DirectoryConfigError, DirectoryKind, DirectorySettings};
pub use self::sign_in::SignIn;
pub use self::source::{
    AccountSource, ExternalAccount, PasswordChange, PasswordRefusal, SetPasswordError,
};
pub use self::sql_mapped::SqlDirectory;
pub use self::table::TableDirectory;
pub use crate::security::password_hash::StoredHash;
pub use storage::EmailAddress;

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
    /// The stored password hash; `None` for an account without a password (it can still
    /// reset one or use magic links).
    pub password_hash: Option<StoredHash>,
    /// When an operator disabled the account (`lifeline users disable`); `None` while it is
    /// enabled. A disabled account is treated everywhere as if it did not exist: no mail, no
    /// sign-in, no link (see [`DirectoryUser::is_disabled`]).
    pub disabled_at: Option<NaiveDateTime>,
}

impl DirectoryUser {
    /// Whether an operator disabled the account. Every public answer for it is the one an
    /// unknown address gets: the account's existence must not show through its state.
    pub fn is_disabled(&self) -> bool {
        self.disabled_at.is_some()
    }
}

impl fmt::Debug for DirectoryUser {
    /// Masks the address; names the hash's scheme only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DirectoryUser")
            .field("id", &self.id)
            .field("email", &mask(&self.display_email))
            .field("auth_epoch", &self.auth_epoch)
            .field("resets_paused_until", &self.resets_paused_until)
            .field("password_hash", &self.password_hash)
            .field("disabled_at", &self.disabled_at)
            .finish()
    }
}

/// Lifeline's database connection, lent to one directory call (inside the calling flow's
/// transaction when it has one). Opaque on purpose: a directory elsewhere ignores it and
/// needs none of Lifeline's storage types; the built-in directories, which live in
/// Lifeline's database, run their statements on it.
pub struct DirectoryConnection<'c> {
    conn: &'c mut DbConnection,
    lookups: Option<&'c lookups::Lookups>,
}

impl<'c> DirectoryConnection<'c> {
    /// Lends `conn` to a directory call.
    pub(crate) fn new(conn: &'c mut DbConnection) -> Self {
        Self {
            conn,
            lookups: None,
        }
    }

    /// Lends `conn` with what an account source answered before the transaction `conn` is
    /// in, so that finding those addresses makes no network call inside it.
    pub(crate) fn with_lookups(conn: &'c mut DbConnection, lookups: &'c lookups::Lookups) -> Self {
        Self {
            conn,
            lookups: Some(lookups),
        }
    }

    /// The connection itself, for the built-in directories.
    pub(crate) fn database(&mut self) -> &mut DbConnection {
        self.conn
    }

    /// What the account source answered for `email` before the transaction, if it was asked.
    pub(crate) fn looked_up(
        &self,
        email: &EmailAddress,
    ) -> Option<Result<Option<ExternalAccount>, DirectoryError>> {
        self.lookups.and_then(|lookups| lookups.answer(email))
    }
}

/// A source of accounts. It finds accounts and makes short writes; it never verifies a
/// password (see the module documentation, also for the transaction contract).
///
/// Every method is short: Lifeline may call it with a pooled connection checked out.
pub trait UserDirectory: Send + Sync {
    /// The account with this normalised address ([`EmailAddress::as_str`]), if any, with its
    /// stored password hash.
    fn find_by_email(
        &self,
        conn: &mut DirectoryConnection<'_>,
        email: &EmailAddress,
    ) -> Result<Option<DirectoryUser>, DirectoryError>;

    /// The account with this id, if any, with its stored password hash.
    fn find_by_id(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
    ) -> Result<Option<DirectoryUser>, DirectoryError>;

    /// Stores `password_hash` (an argon2id PHC string) and bumps the account's epoch in one
    /// atomic step, returning the new epoch: no reader may see the new password with the old
    /// epoch, or links issued before the change would still work.
    /// [`DirectoryError::NoSuchAccount`] if there is no account `id`.
    fn set_password(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        password_hash: &str,
        now: NaiveDateTime,
    ) -> Result<i64, DirectoryError>;

    /// Voids the account's password ("this wasn't me" answering a *password changed* mail):
    /// the stored hash becomes empty (`NULL`) and the epoch is bumped in one atomic step,
    /// returning the new epoch. Sign-in then fails for every password, exactly as for a wrong
    /// one, until the owner sets a new password with a reset link.
    /// [`DirectoryError::NoSuchAccount`] if there is no account `id`.
    ///
    /// Required, with no default: a directory that kept the password here would leave the
    /// intruder's password working while the owner believes it voided.
    fn clear_password(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<i64, DirectoryError>;

    /// Replaces the legacy hash `old` of account `id` with `new_hash` (argon2id of the same
    /// password, which just matched) if the account still has `old`, and reports whether it
    /// did. The epoch stays: nothing about the account changed. Lifeline calls this only for
    /// a [`StoredHash::legacy_bcrypt`] hash; the default keeps the hash.
    fn upgrade_password_hash(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        old: &StoredHash,
        new_hash: &str,
        now: NaiveDateTime,
    ) -> Result<bool, DirectoryError> {
        let _ = (conn, id, old, new_hash, now);
        Ok(false)
    }

    /// Bumps the account's epoch (voids every link and session) and returns the new value.
    /// [`DirectoryError::NoSuchAccount`] if there is no account `id`.
    fn bump_auth_epoch(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<i64, DirectoryError>;

    /// Refuses password resets and magic links for the account until `until`. Directories
    /// without a place to keep the pause return `Ok(false)`; the caller has already bumped
    /// the epoch, which voids every outstanding link either way.
    fn pause_resets(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        until: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Result<bool, DirectoryError>;

    /// Disables (`disabled = true`: records the time and bumps the epoch in one atomic step,
    /// so every link and session dies) or enables the account again (the epoch stays).
    /// Directories without a place to keep the state return `Ok(false)` and change nothing;
    /// the default does. [`DirectoryError::NoSuchAccount`] if there is no account `id`.
    fn set_disabled(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        disabled: bool,
        now: NaiveDateTime,
    ) -> Result<bool, DirectoryError> {
        let _ = (conn, id, disabled, now);
        Ok(false)
    }

    /// Deletes the account for good. Directories that leave deleting to the application
    /// return `Ok(false)` and change nothing; the default does.
    /// [`DirectoryError::NoSuchAccount`] if there is no account `id`.
    fn delete(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<bool, DirectoryError> {
        let _ = (conn, id, now);
        Ok(false)
    }

    /// Ends a [`UserDirectory::pause_resets`] pause at once, so the owner can ask for links
    /// again. Directories without a place for the pause return `Ok(false)` (there is no
    /// pause to lift); the default does.
    fn lift_pause(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<bool, DirectoryError> {
        let _ = (conn, id, now);
        Ok(false)
    }

    /// Checks, once at start-up, that what the directory was configured with exists (a
    /// mapped table and its columns), so a mistake stops the service with a clear message
    /// instead of failing the first person who asks for a link. The default accepts.
    fn check(&self, conn: &mut DirectoryConnection<'_>) -> Result<(), DirectoryError> {
        let _ = conn;
        Ok(())
    }
}

/// The accounts `[directory]` configures: a directory, or a plugin's account source.
pub enum Configured {
    /// A built-in directory.
    Directory(Arc<dyn UserDirectory>),
    /// A plugin's source, which [`external::build`] wraps.
    Source(Arc<dyn AccountSource>),
}

/// Builds the configured accounts: the one place a `directory.kind` becomes a
/// [`UserDirectory`] or an [`AccountSource`]. Refuses SQL-mapped settings whose table or
/// column names are not plain identifiers, and a plugin kind whose plugin was not
/// registered with the settings
/// ([`Settings::register_plugins`](crate::Settings::register_plugins)).
pub fn from_settings(
    settings: &crate::Settings,
    db: &storage::Database,
) -> anyhow::Result<Configured> {
    let directory = &settings.directory;
    Ok(match &directory.kind {
        DirectoryKind::Builtin => Configured::Directory(Arc::new(TableDirectory::new())),
        DirectoryKind::Sql => {
            Configured::Directory(Arc::new(SqlDirectory::new(directory, db.backend())?))
        }
        DirectoryKind::Plugin(kind) => {
            let table = directory.plugin_settings();
            let Some((table, plugin)) = table.and_then(|table| Some((table, table.plugin()?)))
            else {
                anyhow::bail!("directory.kind = \"{kind}\": no plugin of this kind is registered");
            };
            let source = plugin
                .build(table, settings.mode)
                .map_err(|error| anyhow::anyhow!(error))?;
            Configured::Source(source)
        }
    })
}

/// Runs the directory's start-up [`UserDirectory::check`] on the blocking pool.
pub async fn check(
    directory: &Arc<dyn UserDirectory>,
    db: &storage::Database,
) -> anyhow::Result<()> {
    let (directory, db) = (Arc::clone(directory), db.clone());
    tokio::task::spawn_blocking(move || -> Result<(), DirectoryError> {
        directory.check(&mut DirectoryConnection::new(&mut *db.conn()?))
    })
    .await?
    .map_err(|error| {
        anyhow::Error::new(error).context("the user directory does not match the database")
    })
}
