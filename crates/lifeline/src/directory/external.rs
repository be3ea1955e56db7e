//! An [`AccountSource`] as Lifeline's directory: [`ExternalDirectory`] finds accounts in the
//! source and keeps Lifeline's per-account state in its own `external_accounts` table;
//! [`PasswordAuthority`] is what the flows ask instead of hashing where passwords are
//! checked or written.
//!
//! The split follows the transaction contract: [`UserDirectory::find_by_id`] and every short
//! write act on the table only, on the connection lent to them, so they join the calling
//! flow's transaction and never wait on the network inside it. Finding by address asks the
//! source (a sign-in, an operator) and records what it answered; inside the outbox worker's
//! batch transaction it records what the source answered before the transaction
//! ([`super::lookups`]).
//! The password calls of the authority run before any transaction, each reading the row with
//! a pooled connection of its own that goes back before the source is asked.

use std::sync::Arc;

use chrono::NaiveDateTime;
use storage::external_accounts::{self as table, ExternalAccountRow, SeenEntry};
use storage::{Database, DbConnection, EmailAddress, StorageError};

use super::{
    AccountSource, DirectoryConnection, DirectoryError, DirectoryUser, ExternalAccount,
    PasswordChange, SetPasswordError, StoredHash, UserDirectory,
};
use crate::security::password_hash::Password;

/// Builds the directory and the password authority over `source`, whose per-account state
/// lives in `db`. The one constructor every way of configuring a source goes through.
pub fn build(
    source: Arc<dyn AccountSource>,
    db: Database,
) -> (Arc<dyn UserDirectory>, Arc<PasswordAuthority>) {
    let directory = ExternalDirectory {
        source: Arc::clone(&source),
    };
    (
        Arc::new(directory),
        Arc::new(PasswordAuthority { source, db }),
    )
}

/// Runs the source's start-up [`AccountSource::check`] on the blocking pool.
pub async fn check(source: &Arc<dyn AccountSource>) -> anyhow::Result<()> {
    let source = Arc::clone(source);
    let kind = source.kind().to_owned();
    tokio::task::spawn_blocking(move || source.check())
        .await?
        .map_err(|error| {
            anyhow::Error::new(error).context(format!(
                "the account source `{kind}` failed its start-up check"
            ))
        })
}

/// A [`UserDirectory`] over an [`AccountSource`] and the `external_accounts` table.
pub struct ExternalDirectory {
    source: Arc<dyn AccountSource>,
}

/// The message of a password call Lifeline must never make for an external source.
fn not_here(what: &str) -> DirectoryError {
    DirectoryError::failed(format!(
        "{what} was called for an account source, which keeps its passwords itself \
         (a bug: the flows ask the password authority)"
    ))
}

/// The source's entry with address `email`, and the account its recorded row makes of it.
/// The answer the source gave before the transaction (`conn`'s lookups) is used when there
/// is one; else the source is asked now.
fn find_and_record(
    source: &dyn AccountSource,
    conn: &mut DirectoryConnection<'_>,
    email: &EmailAddress,
) -> Result<Option<(ExternalAccount, DirectoryUser)>, DirectoryError> {
    let answer = match conn.looked_up(email) {
        Some(answer) => answer,
        None => source.find_by_email(email),
    };
    record(source.kind(), conn.database(), email, answer?)
}

/// Records the entry the source answered for `email` (a first sight creates its row, a
/// changed address is refreshed) and returns it with the account its row makes of it.
fn record(
    kind: &str,
    conn: &mut DbConnection,
    email: &EmailAddress,
    entry: Option<ExternalAccount>,
) -> Result<Option<(ExternalAccount, DirectoryUser)>, DirectoryError> {
    let Some(entry) = entry else {
        return Ok(None);
    };
    // The address as the source spells it, when it is the one asked for; else the asked
    // one (the source answered for it).
    let address = EmailAddress::parse(&entry.email)
        .ok()
        .filter(|found| found.as_str() == email.as_str())
        .unwrap_or_else(|| email.clone());
    let now = chrono::Utc::now().naive_utc();
    let row = table::upsert(
        conn,
        &SeenEntry {
            kind,
            external_id: &entry.external_id,
            email: &address,
            now,
        },
    )
    .map_err(|error| match error {
        StorageError::TooLong(what) => DirectoryError::failed(format!(
            "the account source `{kind}` answered an entry whose {what}"
        )),
        other => other.into(),
    })?;
    let user = user_of(row, (!entry.enabled).then_some(now));
    Ok(Some((entry, user)))
}

/// The account as the flows see it: the row's state, no stored hash, and disabled when
/// the source disabled the entry (`source_disabled_at`) or an operator did.
fn user_of(row: ExternalAccountRow, source_disabled_at: Option<NaiveDateTime>) -> DirectoryUser {
    DirectoryUser {
        id: row.id,
        display_email: row.display_email,
        auth_epoch: row.auth_epoch,
        resets_paused_until: row.resets_paused_until,
        password_hash: None,
        disabled_at: row.disabled_at.or(source_disabled_at),
    }
}

impl UserDirectory for ExternalDirectory {
    /// Asks the source, then records the entry (a first sight creates its row, a changed
    /// address is refreshed). An entry the source disabled comes back disabled.
    fn find_by_email(
        &self,
        conn: &mut DirectoryConnection<'_>,
        email: &EmailAddress,
    ) -> Result<Option<DirectoryUser>, DirectoryError> {
        Ok(find_and_record(&*self.source, conn, email)?.map(|(_, user)| user))
    }

    /// Reads the table only: no network inside a transaction.
    fn find_by_id(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
    ) -> Result<Option<DirectoryUser>, DirectoryError> {
        Ok(table::find_by_id(conn.database(), id)?
            .filter(|row| row.kind == self.source.kind())
            .map(|row| user_of(row, None)))
    }

    fn set_password(
        &self,
        _conn: &mut DirectoryConnection<'_>,
        _id: i64,
        _password_hash: &str,
        _now: NaiveDateTime,
    ) -> Result<i64, DirectoryError> {
        Err(not_here("UserDirectory::set_password"))
    }

    fn clear_password(
        &self,
        _conn: &mut DirectoryConnection<'_>,
        _id: i64,
        _now: NaiveDateTime,
    ) -> Result<i64, DirectoryError> {
        Err(not_here("UserDirectory::clear_password"))
    }

    fn upgrade_password_hash(
        &self,
        _conn: &mut DirectoryConnection<'_>,
        _id: i64,
        _old: &StoredHash,
        _new_hash: &str,
        _now: NaiveDateTime,
    ) -> Result<bool, DirectoryError> {
        Err(not_here("UserDirectory::upgrade_password_hash"))
    }

    fn bump_auth_epoch(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<i64, DirectoryError> {
        Ok(table::bump_auth_epoch(conn.database(), id, now)?)
    }

    fn pause_resets(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        until: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Result<bool, DirectoryError> {
        table::pause_resets(conn.database(), id, until, now)?;
        Ok(true)
    }

    fn set_disabled(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        disabled: bool,
        now: NaiveDateTime,
    ) -> Result<bool, DirectoryError> {
        table::set_disabled(conn.database(), id, disabled, now)?;
        Ok(true)
    }

    /// Forgets Lifeline's state of the account; the entry stays in the source.
    fn delete(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<bool, DirectoryError> {
        table::delete(conn.database(), id, now)?;
        Ok(true)
    }

    fn lift_pause(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<bool, DirectoryError> {
        table::lift_pause(conn.database(), id, now)?;
        Ok(true)
    }
}

/// Checks and writes the passwords of an [`AccountSource`]'s accounts, for the flows. Every
/// method is blocking (it may wait on the network): call it on the blocking pool, never
/// inside a transaction.
pub struct PasswordAuthority {
    source: Arc<dyn AccountSource>,
    db: Database,
}

impl PasswordAuthority {
    /// The source's kind (`"ldap"`).
    pub fn kind(&self) -> &str {
        self.source.kind()
    }

    /// The account with address `email` if, and only if, `password` is its password: one
    /// lookup and one check at the source whether or not the address is known (an unknown,
    /// disabled or malformed address is checked as `None`, which the source makes cost what
    /// a wrong password costs). The account's row is recorded as a lookup by address does,
    /// with a connection taken after the source answered and back in the pool before the
    /// password is checked.
    pub fn sign_in(
        &self,
        email: Option<&EmailAddress>,
        password: &Password,
    ) -> Result<Option<DirectoryUser>, DirectoryError> {
        let found = match email {
            Some(email) => {
                // Asked before a connection is taken: none is held over the network call.
                let entry = self.source.find_by_email(email)?;
                record(self.source.kind(), &mut *self.db.conn()?, email, entry)?
            }
            None => None,
        };
        match found.filter(|(entry, user)| entry.enabled && !user.is_disabled()) {
            Some((entry, user)) => Ok(self
                .source
                .verify_password(Some(&entry), password)?
                .then_some(user)),
            None => {
                self.source.verify_password(None, password)?;
                Ok(None)
            }
        }
    }

    /// Whether `password` is the account's. `None`, a disabled account and an entry gone
    /// from the source are all checked as an unknown address and answer `false`.
    pub fn verify(
        &self,
        user: Option<&DirectoryUser>,
        password: &Password,
    ) -> Result<bool, DirectoryError> {
        let entry = match user.filter(|user| !user.is_disabled()) {
            Some(user) => self.entry(user)?.filter(|entry| entry.enabled),
            None => None,
        };
        self.source.verify_password(entry.as_ref(), password)
    }

    /// Sets the account's password at the source. An entry gone from the source is
    /// [`DirectoryError::NoSuchAccount`]: the account is treated as deleted.
    pub fn set_password(
        &self,
        user: &DirectoryUser,
        password: &Password,
        change: PasswordChange<'_>,
    ) -> Result<(), SetPasswordError> {
        let entry = self.entry(user)?.ok_or(DirectoryError::NoSuchAccount)?;
        self.source.set_password(&entry, password, change)
    }

    /// Makes every password of the account fail at the source. An entry gone from the
    /// source is [`DirectoryError::NoSuchAccount`] (there is no password left to void).
    pub fn void_password(&self, user: &DirectoryUser) -> Result<(), DirectoryError> {
        let entry = self.entry(user)?.ok_or(DirectoryError::NoSuchAccount)?;
        self.source.void_password(&entry)
    }

    /// The source's entry for the account now, `None` when its row or the entry is gone.
    /// The row is read with a connection of its own, back in the pool before the source
    /// is asked.
    fn entry(&self, user: &DirectoryUser) -> Result<Option<ExternalAccount>, DirectoryError> {
        let row = {
            let mut conn = self.db.conn()?;
            table::find_by_id(&mut conn, user.id)?
        };
        match row.filter(|row| row.kind == self.source.kind()) {
            Some(row) => self.source.find_by_external_id(&row.external_id),
            None => Ok(None),
        }
    }
}

/// A new password on its way to the directory: a hash Lifeline computed, or one the source
/// has already taken.
pub enum NewPassword {
    /// An argon2id PHC string for [`UserDirectory::set_password`].
    Hash(String),
    /// The account source set it; only the epoch is left to bump.
    SetAtSource,
}

impl NewPassword {
    /// Stores the password (or, when the source has it, bumps the epoch) inside the
    /// caller's transaction, returning the new epoch.
    pub fn store(
        &self,
        directory: &dyn UserDirectory,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<i64, DirectoryError> {
        match self {
            Self::Hash(hash) => directory.set_password(conn, id, hash, now),
            Self::SetAtSource => directory.bump_auth_epoch(conn, id, now),
        }
    }
}

#[cfg(test)]
mod tests {
    use storage::testing::{fixed_now, for_each_backend};

    use super::*;
    use crate::directory::test_source::TestSource;

    #[test]
    fn hashes_are_never_stored_for_a_source_and_rows_of_another_kind_are_not_its() {
        for_each_backend(|db| {
            // Arrange
            let (directory, _) = build(Arc::new(TestSource::new(false)), db.clone());
            let conn = &mut db.conn().unwrap();
            let conn = &mut DirectoryConnection::new(conn);
            let ada = EmailAddress::parse("ada@example.org").unwrap();
            let other = table::upsert(
                conn.database(),
                &SeenEntry {
                    kind: "other",
                    external_id: "ada-id",
                    email: &ada,
                    now: fixed_now(),
                },
            )
            .unwrap();

            // Act
            let found = directory.find_by_email(conn, &ada).unwrap().unwrap();
            let set = directory.set_password(conn, found.id, "$argon2id$x", fixed_now());
            let cleared = directory.clear_password(conn, found.id, fixed_now());

            // Assert: the entry the source disabled comes back disabled, with no hash; the
            // password writes fail and say why; the other kind's row is not this source's.
            assert!(found.is_disabled());
            assert_eq!(found.password_hash, None);
            assert_eq!(found.display_email, "Ada@example.org");
            for result in [set, cleared] {
                let error = format!("{:?}", result.unwrap_err());
                assert!(error.contains("keeps its passwords itself"), "{error}");
            }
            assert_eq!(directory.find_by_id(conn, other.id).unwrap(), None);
            assert_eq!(
                directory.find_by_id(conn, found.id).unwrap().map(|u| u.id),
                Some(found.id)
            );
        });
    }
}
