//! The `api_keys` table: the keys the admin API (`/api/v1/admin/…`) authenticates.
//!
//! A key is shown once when it is created and never stored: the row holds its public key id
//! (`key_id`, what a request's key is looked up by, through a unique index) and a keyed
//! 32-byte hash of the whole key (`secret_hash`, computed by the caller), so a copy of the
//! table authenticates nobody. A key is live until it is revoked; a revoked row stays, for the
//! record, and its name may be given to a new key. [`touch`] records the last use at most once
//! a minute, so a busy key costs one write a minute, not one per request.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::connection::{DbConnection, write_transaction};
use crate::error::StorageError;
use crate::schema::api_keys;

/// Length of the stored keyed hash of a key.
pub const SECRET_HASH_LEN: usize = 32;
/// Longest key name, in characters.
pub const MAX_NAME_CHARS: usize = 64;
/// [`touch`] writes only when the key was last used longer ago than this.
pub const TOUCH_AFTER: TimeDelta = TimeDelta::minutes(1);

/// What a key may do. Each admin endpoint names the one scope it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Read accounts, sessions and audit events.
    Read,
    /// Change accounts: create, disable, enable, delete, set a password, revoke sessions.
    Write,
    /// Create recovery links for an account.
    Recovery,
}

impl Scope {
    /// Every scope, in the order they are stored and printed.
    pub const ALL: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Recovery];

    /// The stable code stored in the `scopes` column and accepted on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Recovery => "recovery",
        }
    }

    /// The scope named `code`, if it is one.
    pub fn from_code(code: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|scope| scope.as_str() == code)
    }
}

/// A stored key (never the key itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKeyRecord {
    /// Primary key; what audit events name the key by.
    pub id: i64,
    /// The operator's name for the key (unique among live keys).
    pub name: String,
    /// The public part of the key, between `llk_` and the secret.
    pub key_id: String,
    /// Keyed hash of the whole key.
    pub secret_hash: [u8; SECRET_HASH_LEN],
    /// What the key may do, each scope once, in [`Scope::ALL`] order.
    pub scopes: Vec<Scope>,
    /// When it was created.
    pub created_at: NaiveDateTime,
    /// When it was last used (to within [`TOUCH_AFTER`]), if ever.
    pub last_used_at: Option<NaiveDateTime>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<NaiveDateTime>,
}

impl ApiKeyRecord {
    /// Whether the key may do what `scope` allows.
    pub fn allows(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = api_keys)]
struct ApiKeyRow {
    id: i64,
    name: String,
    key_id: String,
    secret_hash: Vec<u8>,
    scopes: String,
    created_at: NaiveDateTime,
    last_used_at: Option<NaiveDateTime>,
    revoked_at: Option<NaiveDateTime>,
}

impl ApiKeyRow {
    /// The record. A scope this version does not know (written by a newer one) is dropped,
    /// never granted; a hash of the wrong length (which no caller writes) matches nothing.
    fn into_record(self) -> ApiKeyRecord {
        let mut secret_hash = [0u8; SECRET_HASH_LEN];
        if self.secret_hash.len() == SECRET_HASH_LEN {
            secret_hash.copy_from_slice(&self.secret_hash);
        }
        ApiKeyRecord {
            id: self.id,
            name: self.name,
            key_id: self.key_id,
            secret_hash,
            scopes: parse_scopes(&self.scopes),
            created_at: self.created_at,
            last_used_at: self.last_used_at,
            revoked_at: self.revoked_at,
        }
    }
}

/// The stored form of `scopes`: each once, in [`Scope::ALL`] order, comma-separated.
fn format_scopes(scopes: &[Scope]) -> String {
    let codes: Vec<&str> = Scope::ALL
        .into_iter()
        .filter(|scope| scopes.contains(scope))
        .map(Scope::as_str)
        .collect();
    codes.join(",")
}

fn parse_scopes(text: &str) -> Vec<Scope> {
    let named: Vec<Scope> = text.split(',').filter_map(Scope::from_code).collect();
    Scope::ALL
        .into_iter()
        .filter(|scope| named.contains(scope))
        .collect()
}

/// What [`create`] needs.
#[derive(Clone, Copy, Debug)]
pub struct NewApiKey<'a> {
    /// The operator's name for the key.
    pub name: &'a str,
    /// The key's public id.
    pub key_id: &'a str,
    /// Keyed hash of the whole key.
    pub secret_hash: &'a [u8; SECRET_HASH_LEN],
    /// What the key may do.
    pub scopes: &'a [Scope],
    /// Creation time.
    pub now: NaiveDateTime,
}

/// Stores a new key and returns it. A live key with the same name, or any key with the same
/// key id, is a [`StorageError::Conflict`] (settled by unique indexes, so it holds across
/// instances).
pub fn create(conn: &mut DbConnection, new: &NewApiKey<'_>) -> Result<ApiKeyRecord, StorageError> {
    write_transaction(conn, |conn| {
        diesel::insert_into(api_keys::table)
            .values((
                api_keys::name.eq(new.name),
                api_keys::key_id.eq(new.key_id),
                api_keys::secret_hash.eq(&new.secret_hash[..]),
                api_keys::scopes.eq(format_scopes(new.scopes)),
                api_keys::created_at.eq(new.now),
            ))
            .execute(conn)?;
        Ok(api_keys::table
            .filter(api_keys::key_id.eq(new.key_id))
            .select(ApiKeyRow::as_select())
            .first(conn)?
            .into_record())
    })
}

/// The live (not revoked) key with this key id.
pub fn find_live_by_key_id(
    conn: &mut DbConnection,
    key_id: &str,
) -> Result<Option<ApiKeyRecord>, StorageError> {
    Ok(api_keys::table
        .filter(api_keys::key_id.eq(key_id))
        .filter(api_keys::revoked_at.is_null())
        .select(ApiKeyRow::as_select())
        .first(conn)
        .optional()?
        .map(ApiKeyRow::into_record))
}

/// Every key, revoked ones too, oldest first.
pub fn list(conn: &mut DbConnection) -> Result<Vec<ApiKeyRecord>, StorageError> {
    Ok(api_keys::table
        .order(api_keys::id.asc())
        .select(ApiKeyRow::as_select())
        .load(conn)?
        .into_iter()
        .map(ApiKeyRow::into_record)
        .collect())
}

/// Which key [`revoke`] ends.
#[derive(Clone, Copy, Debug)]
pub enum KeyRef<'a> {
    /// The live key with this name.
    Name(&'a str),
    /// The live key with this key id.
    KeyId(&'a str),
}

/// Revokes the live key `which` at `now` and returns it as revoked; `None` when no live key
/// matches. One conditional `UPDATE`: a key is revoked once.
pub fn revoke(
    conn: &mut DbConnection,
    which: KeyRef<'_>,
    now: NaiveDateTime,
) -> Result<Option<ApiKeyRecord>, StorageError> {
    write_transaction(conn, |conn| {
        let live = api_keys::table.filter(api_keys::revoked_at.is_null());
        let found: Option<i64> = match which {
            KeyRef::Name(name) => live
                .filter(api_keys::name.eq(name))
                .select(api_keys::id)
                .first(conn)
                .optional()?,
            KeyRef::KeyId(key_id) => live
                .filter(api_keys::key_id.eq(key_id))
                .select(api_keys::id)
                .first(conn)
                .optional()?,
        };
        let Some(id) = found else {
            return Ok(None);
        };
        let revoked = diesel::update(
            api_keys::table
                .filter(api_keys::id.eq(id))
                .filter(api_keys::revoked_at.is_null()),
        )
        .set(api_keys::revoked_at.eq(now))
        .execute(conn)?;
        if revoked != 1 {
            return Ok(None);
        }
        Ok(Some(
            api_keys::table
                .filter(api_keys::id.eq(id))
                .select(ApiKeyRow::as_select())
                .first(conn)?
                .into_record(),
        ))
    })
}

/// Records that the key `id` was used at `now`, but only when its last use is unknown or
/// older than [`TOUCH_AFTER`] and it is still live: one conditional `UPDATE`, which most
/// requests skip. Returns whether the row was written.
pub fn touch(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> Result<bool, StorageError> {
    write_transaction(conn, |conn| {
        let written = diesel::update(
            api_keys::table
                .filter(api_keys::id.eq(id))
                .filter(api_keys::revoked_at.is_null())
                .filter(
                    api_keys::last_used_at
                        .is_null()
                        .or(api_keys::last_used_at.lt(now - TOUCH_AFTER)),
                ),
        )
        .set(api_keys::last_used_at.eq(now))
        .execute(conn)?;
        Ok(written == 1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{fixed_now, for_each_backend};

    fn h(n: u8) -> [u8; SECRET_HASH_LEN] {
        [n; SECRET_HASH_LEN]
    }

    fn new_key<'a>(
        name: &'a str,
        key_id: &'a str,
        hash: &'a [u8; SECRET_HASH_LEN],
    ) -> NewApiKey<'a> {
        NewApiKey {
            name,
            key_id,
            secret_hash: hash,
            scopes: &[Scope::Write, Scope::Read],
            now: fixed_now(),
        }
    }

    #[test]
    fn a_created_key_is_found_by_its_key_id_with_its_hash_and_scopes() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let hash = h(1);

            // Act
            let created = create(conn, &new_key("help-desk", "0123456789abcdef", &hash)).unwrap();
            let found = find_live_by_key_id(conn, "0123456789abcdef").unwrap();

            // Assert
            assert_eq!(found.as_ref(), Some(&created));
            let found = found.unwrap();
            assert_eq!(found.name, "help-desk");
            assert_eq!(found.secret_hash, hash);
            assert_eq!(found.scopes, vec![Scope::Read, Scope::Write]);
            assert!(found.allows(Scope::Write) && !found.allows(Scope::Recovery));
            assert_eq!(found.created_at, fixed_now());
            assert_eq!((found.last_used_at, found.revoked_at), (None, None));
            assert_eq!(find_live_by_key_id(conn, "fedcba9876543210").unwrap(), None);
        });
    }

    #[test]
    fn a_live_name_or_a_key_id_cannot_be_taken_twice() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();
            create(conn, &new_key("ops", "aaaaaaaaaaaaaaaa", &h(1))).unwrap();
            let same_name = create(conn, &new_key("ops", "bbbbbbbbbbbbbbbb", &h(2)));
            let same_id = create(conn, &new_key("other", "aaaaaaaaaaaaaaaa", &h(3)));
            assert!(
                matches!(same_name, Err(StorageError::Conflict)),
                "{same_name:?}"
            );
            assert!(
                matches!(same_id, Err(StorageError::Conflict)),
                "{same_id:?}"
            );
        });
    }

    #[test]
    fn revoking_by_name_or_key_id_ends_the_key_once_and_frees_its_name() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let later = fixed_now() + TimeDelta::hours(1);
            let first = create(conn, &new_key("ops", "aaaaaaaaaaaaaaaa", &h(1))).unwrap();
            let other = create(conn, &new_key("ci", "cccccccccccccccc", &h(3))).unwrap();

            // Act
            let by_name = revoke(conn, KeyRef::Name("ops"), later).unwrap();
            let again = revoke(conn, KeyRef::Name("ops"), later).unwrap();
            let second = create(conn, &new_key("ops", "bbbbbbbbbbbbbbbb", &h(2))).unwrap();
            let by_id = revoke(conn, KeyRef::KeyId("cccccccccccccccc"), later).unwrap();

            // Assert
            assert_eq!(
                by_name.map(|k| (k.id, k.revoked_at)),
                Some((first.id, Some(later)))
            );
            assert_eq!(again, None);
            assert_eq!(by_id.map(|k| k.id), Some(other.id));
            assert_eq!(find_live_by_key_id(conn, "aaaaaaaaaaaaaaaa").unwrap(), None);
            assert_eq!(find_live_by_key_id(conn, "cccccccccccccccc").unwrap(), None);
            assert_eq!(
                find_live_by_key_id(conn, "bbbbbbbbbbbbbbbb").unwrap(),
                Some(second)
            );
            assert_eq!(revoke(conn, KeyRef::KeyId("none"), later).unwrap(), None);
        });
    }

    #[test]
    fn the_list_holds_every_key_oldest_first_revoked_ones_too() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();
            let a = create(conn, &new_key("a", "aaaaaaaaaaaaaaaa", &h(1))).unwrap();
            let b = create(conn, &new_key("b", "bbbbbbbbbbbbbbbb", &h(2))).unwrap();
            revoke(conn, KeyRef::Name("a"), fixed_now()).unwrap();
            let listed = list(conn).unwrap();
            let ids: Vec<i64> = listed.iter().map(|k| k.id).collect();
            assert_eq!(ids, vec![a.id, b.id]);
            assert_eq!(listed[0].revoked_at, Some(fixed_now()));
        });
    }

    #[test]
    fn touching_writes_at_most_once_a_minute_and_never_a_revoked_key() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let key = create(conn, &new_key("a", "aaaaaaaaaaaaaaaa", &h(1))).unwrap();
            let soon = fixed_now() + TimeDelta::seconds(30);
            let later = fixed_now() + TimeDelta::minutes(5);

            // Act
            let first = touch(conn, key.id, fixed_now()).unwrap();
            let early = touch(conn, key.id, soon).unwrap();
            let on_time = touch(conn, key.id, later).unwrap();
            revoke(conn, KeyRef::Name("a"), later).unwrap();
            let revoked = touch(conn, key.id, later + TimeDelta::hours(1)).unwrap();

            // Assert
            assert_eq!((first, early, on_time, revoked), (true, false, true, false));
            assert_eq!(list(conn).unwrap()[0].last_used_at, Some(later));
        });
    }

    #[test]
    fn scopes_are_stored_once_each_in_a_fixed_order_and_unknown_ones_are_dropped() {
        assert_eq!(
            format_scopes(&[Scope::Recovery, Scope::Read, Scope::Recovery]),
            "read,recovery"
        );
        assert_eq!(
            parse_scopes("write,admin,read"),
            vec![Scope::Read, Scope::Write]
        );
        assert_eq!(parse_scopes(""), vec![]);
        for scope in Scope::ALL {
            assert_eq!(Scope::from_code(scope.as_str()), Some(scope));
        }
    }
}
