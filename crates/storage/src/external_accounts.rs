//! The `external_accounts` table: Lifeline's own state (auth epoch, "this wasn't me" pause,
//! an operator's disable) for accounts that live in an external directory, an account
//! source such as an LDAP server.
//!
//! A row is keyed by the source's kind and its stable id for the entry (`entryUUID`,
//! `objectGUID`), never by a name or address that can change: an entry whose address
//! changed keeps its row, its id and its state. The row's `id` is the account id tokens,
//! sessions, audit events and account languages carry while that source is the directory;
//! it is never used with any other directory, so it need not differ from a `users` id.

use std::fmt;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::{DbConnection, refusable, write_transaction};
use crate::email::{EmailAddress, mask};
use crate::error::StorageError;
use crate::schema::external_accounts;

/// Longest source kind stored, in bytes.
pub const MAX_KIND_LEN: usize = 64;
/// Longest stable id stored, in bytes.
pub const MAX_EXTERNAL_ID_LEN: usize = 255;

/// Lifeline's state for one account of an external source.
#[derive(Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = external_accounts)]
pub struct ExternalAccountRow {
    /// The account id tokens, sessions and audit events carry.
    pub id: i64,
    /// The source's kind (`"ldap"`).
    pub kind: String,
    /// The source's stable id for the entry.
    pub external_id: String,
    /// The normalised address last seen in the source ([`EmailAddress::as_str`]).
    pub email: String,
    /// The address mail is sent to, as last seen in the source.
    pub display_email: String,
    /// Bound into every token and session; bumping it voids all of them.
    pub auth_epoch: i64,
    /// Resets and magic links are refused until this time ("this wasn't me").
    pub resets_paused_until: Option<NaiveDateTime>,
    /// When an operator disabled the account; `None` while it is enabled.
    pub disabled_at: Option<NaiveDateTime>,
    /// When Lifeline first saw the entry.
    pub created_at: NaiveDateTime,
    /// When the row last changed.
    pub updated_at: NaiveDateTime,
}

impl fmt::Debug for ExternalAccountRow {
    /// Masks the addresses.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExternalAccountRow")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("external_id", &self.external_id)
            .field("email", &mask(&self.display_email))
            .field("auth_epoch", &self.auth_epoch)
            .field("resets_paused_until", &self.resets_paused_until)
            .field("disabled_at", &self.disabled_at)
            .finish_non_exhaustive()
    }
}

/// An entry as the source answered it now, for [`upsert`].
#[derive(Clone, Copy, Debug)]
pub struct SeenEntry<'a> {
    /// The source's kind; at most [`MAX_KIND_LEN`] bytes.
    pub kind: &'a str,
    /// The source's stable id; not empty, at most [`MAX_EXTERNAL_ID_LEN`] bytes.
    pub external_id: &'a str,
    /// The entry's address now.
    pub email: &'a EmailAddress,
    /// The current time (UTC).
    pub now: NaiveDateTime,
}

/// The row of this entry, created when Lifeline sees the entry for the first time, its
/// address refreshed when the source's changed. [`StorageError::TooLong`] for a kind or id
/// longer than its column (or an empty id). Safe to call inside a caller's transaction and
/// concurrently for one entry: a second insert that loses the race reads the winner's row.
pub fn upsert(
    conn: &mut DbConnection,
    seen: &SeenEntry<'_>,
) -> Result<ExternalAccountRow, StorageError> {
    if seen.kind.is_empty() || seen.kind.len() > MAX_KIND_LEN {
        return Err(StorageError::TooLong("external account kind"));
    }
    if seen.external_id.is_empty() || seen.external_id.len() > MAX_EXTERNAL_ID_LEN {
        return Err(StorageError::TooLong("external account id"));
    }
    if let Some(row) = find_by_source(conn, seen.kind, seen.external_id)? {
        return refresh(conn, row, seen);
    }
    let inserted = refusable(conn, |conn| {
        Ok(diesel::insert_into(external_accounts::table)
            .values((
                external_accounts::kind.eq(seen.kind),
                external_accounts::external_id.eq(seen.external_id),
                external_accounts::email.eq(seen.email.as_str()),
                external_accounts::display_email.eq(seen.email.display()),
                external_accounts::auth_epoch.eq(0),
                external_accounts::created_at.eq(seen.now),
                external_accounts::updated_at.eq(seen.now),
            ))
            .execute(conn)?)
    });
    match inserted {
        Ok(_) | Err(StorageError::Conflict) => {}
        Err(error) => return Err(error),
    }
    let row = find_by_source(conn, seen.kind, seen.external_id)?
        .ok_or(StorageError::NotFound("external account"))?;
    refresh(conn, row, seen)
}

/// Stores the address the source answers now when it is not the stored one.
fn refresh(
    conn: &mut DbConnection,
    row: ExternalAccountRow,
    seen: &SeenEntry<'_>,
) -> Result<ExternalAccountRow, StorageError> {
    if row.email == seen.email.as_str() && row.display_email == seen.email.display() {
        return Ok(row);
    }
    diesel::update(external_accounts::table.find(row.id))
        .set((
            external_accounts::email.eq(seen.email.as_str()),
            external_accounts::display_email.eq(seen.email.display()),
            external_accounts::updated_at.eq(seen.now),
        ))
        .execute(conn)?;
    find_by_id(conn, row.id)?.ok_or(StorageError::NotFound("external account"))
}

/// The row with this id, if any.
pub fn find_by_id(
    conn: &mut DbConnection,
    id: i64,
) -> Result<Option<ExternalAccountRow>, StorageError> {
    Ok(external_accounts::table
        .find(id)
        .select(ExternalAccountRow::as_select())
        .first(conn)
        .optional()?)
}

/// The row of the source's entry `external_id`, if Lifeline has seen it.
pub fn find_by_source(
    conn: &mut DbConnection,
    kind: &str,
    external_id: &str,
) -> Result<Option<ExternalAccountRow>, StorageError> {
    Ok(external_accounts::table
        .filter(external_accounts::kind.eq(kind))
        .filter(external_accounts::external_id.eq(external_id))
        .select(ExternalAccountRow::as_select())
        .first(conn)
        .optional()?)
}

/// Bumps the account's epoch (voids every link and session) and returns the new value.
pub fn bump_auth_epoch(
    conn: &mut DbConnection,
    id: i64,
    now: NaiveDateTime,
) -> Result<i64, StorageError> {
    write_transaction(conn, |conn| {
        let changed = diesel::update(external_accounts::table.find(id))
            .set((
                external_accounts::auth_epoch.eq(external_accounts::auth_epoch + 1),
                external_accounts::updated_at.eq(now),
            ))
            .execute(conn)?;
        current_epoch(conn, id, changed)
    })
}

fn current_epoch(conn: &mut DbConnection, id: i64, changed: usize) -> Result<i64, StorageError> {
    if changed == 0 {
        return Err(StorageError::NotFound("external account"));
    }
    Ok(external_accounts::table
        .find(id)
        .select(external_accounts::auth_epoch)
        .first(conn)?)
}

/// Refuses resets and magic links for the account until `until` ("this wasn't me").
pub fn pause_resets(
    conn: &mut DbConnection,
    id: i64,
    until: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    set_pause(conn, id, Some(until), now)
}

/// Ends a pause at once.
pub fn lift_pause(
    conn: &mut DbConnection,
    id: i64,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    set_pause(conn, id, None, now)
}

fn set_pause(
    conn: &mut DbConnection,
    id: i64,
    until: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    let changed = diesel::update(external_accounts::table.find(id))
        .set((
            external_accounts::resets_paused_until.eq(until),
            external_accounts::updated_at.eq(now),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Err(StorageError::NotFound("external account"));
    }
    Ok(())
}

/// Disables the account (`disabled = true`: records the first time and bumps the epoch, so
/// every link and session dies) or enables it again (the epoch stays).
pub fn set_disabled(
    conn: &mut DbConnection,
    id: i64,
    disabled: bool,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    write_transaction(conn, |conn| {
        if disabled {
            let changed = diesel::update(external_accounts::table.find(id))
                .set((
                    external_accounts::auth_epoch.eq(external_accounts::auth_epoch + 1),
                    external_accounts::updated_at.eq(now),
                ))
                .execute(conn)?;
            diesel::update(
                external_accounts::table
                    .find(id)
                    .filter(external_accounts::disabled_at.is_null()),
            )
            .set(external_accounts::disabled_at.eq(Some(now)))
            .execute(conn)?;
            current_epoch(conn, id, changed).map(|_| ())
        } else {
            let changed = diesel::update(external_accounts::table.find(id))
                .set((
                    external_accounts::disabled_at.eq(None::<NaiveDateTime>),
                    external_accounts::updated_at.eq(now),
                ))
                .execute(conn)?;
            if changed == 0 {
                return Err(StorageError::NotFound("external account"));
            }
            Ok(())
        }
    })
}

/// Forgets the account's state and revokes its live links in one transaction. The entry
/// itself stays in the source: seen again, it gets a new row and a new id.
pub fn delete(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> Result<(), StorageError> {
    write_transaction(conn, |conn| {
        let deleted = diesel::delete(external_accounts::table.find(id)).execute(conn)?;
        if deleted == 0 {
            return Err(StorageError::NotFound("external account"));
        }
        crate::tokens::revoke_all_for_user(conn, id, now)?;
        Ok(())
    })
}

/// The rows of source `kind` ordered by id, `limit` at a time, starting after `after_id`
/// (keyset paging).
pub fn list(
    conn: &mut DbConnection,
    kind: &str,
    after_id: Option<i64>,
    limit: u32,
) -> Result<Vec<ExternalAccountRow>, StorageError> {
    Ok(external_accounts::table
        .filter(external_accounts::kind.eq(kind))
        .filter(external_accounts::id.gt(after_id.unwrap_or(0)))
        .order(external_accounts::id.asc())
        .limit(i64::from(limit))
        .select(ExternalAccountRow::as_select())
        .load(conn)?)
}

#[cfg(test)]
#[path = "external_accounts_tests.rs"]
mod tests;
