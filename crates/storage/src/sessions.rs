//! The `sessions` table: one row per signed-in browser, so an account's sessions can be listed
//! and ended one by one.
//!
//! The browser's cookie holds a random secret; only a keyed 32-byte hash of it is stored
//! (`secret_hash`, computed by the caller), so a copy of the table signs nobody in. Lookups are
//! by that hash through its unique index. A session is live while `expires_at` is in the
//! future; [`touch`] slides it forward, at most once a minute per session. Ending a session
//! deletes its row.
//!
//! Client-supplied text (address, user agent) is truncated to the column size instead of being
//! refused, as in `audit`.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::connection::{DbConnection, write_transaction};
use crate::error::StorageError;
use crate::purge::{self, Batch};
use crate::schema::sessions;
use crate::text::truncate;

/// Longest stored client address, in characters.
pub const MAX_IP_CHARS: usize = 64;
/// Longest stored user agent, in characters.
pub const MAX_USER_AGENT_CHARS: usize = 512;
/// Length of the stored keyed hash of a session's secret.
pub const SECRET_HASH_LEN: usize = 32;
/// [`touch`] writes only when the session was last seen longer ago than this, so a busy
/// browser costs one write a minute, not one per request.
pub const TOUCH_AFTER: TimeDelta = TimeDelta::minutes(1);

/// How the session was started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// With the account's password on the sign-in page.
    Password,
    /// With a magic link.
    MagicLink,
    /// At the end of a password reset.
    Reset,
}

impl Method {
    /// The stable code stored in the `method` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Password => "password",
            Method::MagicLink => "magic_link",
            Method::Reset => "reset",
        }
    }

    /// The method stored as `code`, if it is one.
    pub fn from_code(code: &str) -> Option<Method> {
        [Method::Password, Method::MagicLink, Method::Reset]
            .into_iter()
            .find(|method| method.as_str() == code)
    }
}

/// A stored session (without its secret hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    /// Primary key; what the sessions page and the command line name a session by.
    pub id: i64,
    /// The signed-in account.
    pub user_id: i64,
    /// The account's `auth_epoch` when the session started; a later password change makes
    /// the session stale.
    pub auth_epoch: i64,
    /// How it was started.
    pub method: Method,
    /// The client address that signed in, if known.
    pub ip: Option<String>,
    /// The browser's `User-Agent` at sign-in, if sent.
    pub user_agent: Option<String>,
    /// When it started.
    pub created_at: NaiveDateTime,
    /// When it was last used (to within [`TOUCH_AFTER`]).
    pub last_seen_at: NaiveDateTime,
    /// When it ends unless used again.
    pub expires_at: NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = sessions)]
struct SessionRow {
    id: i64,
    user_id: i64,
    auth_epoch: i64,
    method: String,
    ip: Option<String>,
    user_agent: Option<String>,
    created_at: NaiveDateTime,
    last_seen_at: NaiveDateTime,
    expires_at: NaiveDateTime,
}

impl SessionRow {
    /// The record; a row with an unknown method (written by a newer version) reads as a
    /// password sign-in rather than failing the request.
    fn into_record(self) -> SessionRecord {
        SessionRecord {
            id: self.id,
            user_id: self.user_id,
            auth_epoch: self.auth_epoch,
            method: Method::from_code(&self.method).unwrap_or(Method::Password),
            ip: self.ip,
            user_agent: self.user_agent,
            created_at: self.created_at,
            last_seen_at: self.last_seen_at,
            expires_at: self.expires_at,
        }
    }
}

/// What [`create`] needs.
#[derive(Clone, Copy, Debug)]
pub struct NewSession<'a> {
    /// The signed-in account.
    pub user_id: i64,
    /// Keyed hash of the secret the cookie holds.
    pub secret_hash: &'a [u8; SECRET_HASH_LEN],
    /// The account's `auth_epoch` at sign-in.
    pub auth_epoch: i64,
    /// How the session is started.
    pub method: Method,
    /// The client address (truncated to 64 characters).
    pub ip: Option<&'a str>,
    /// The browser's `User-Agent` (truncated to 512 characters).
    pub user_agent: Option<&'a str>,
    /// Sign-in time, also the first "last seen".
    pub now: NaiveDateTime,
    /// When the session ends unless used again.
    pub expires_at: NaiveDateTime,
}

/// Stores a new session and returns it. A secret hash already stored is a
/// [`StorageError::Conflict`].
pub fn create(
    conn: &mut DbConnection,
    new: &NewSession<'_>,
) -> Result<SessionRecord, StorageError> {
    write_transaction(conn, |conn| {
        diesel::insert_into(sessions::table)
            .values((
                sessions::user_id.eq(new.user_id),
                sessions::secret_hash.eq(&new.secret_hash[..]),
                sessions::auth_epoch.eq(new.auth_epoch),
                sessions::method.eq(new.method.as_str()),
                sessions::ip.eq(new.ip.map(|ip| truncate(ip, MAX_IP_CHARS))),
                sessions::user_agent
                    .eq(new.user_agent.map(|ua| truncate(ua, MAX_USER_AGENT_CHARS))),
                sessions::created_at.eq(new.now),
                sessions::last_seen_at.eq(new.now),
                sessions::expires_at.eq(new.expires_at),
            ))
            .execute(conn)?;
        Ok(sessions::table
            .filter(sessions::secret_hash.eq(&new.secret_hash[..]))
            .select(SessionRow::as_select())
            .first(conn)?
            .into_record())
    })
}

/// The live (not expired, not ended) session whose secret has `secret_hash`.
pub fn find_live(
    conn: &mut DbConnection,
    secret_hash: &[u8; SECRET_HASH_LEN],
    now: NaiveDateTime,
) -> Result<Option<SessionRecord>, StorageError> {
    Ok(sessions::table
        .filter(sessions::secret_hash.eq(&secret_hash[..]))
        .filter(sessions::expires_at.gt(now))
        .select(SessionRow::as_select())
        .first(conn)
        .optional()?
        .map(SessionRow::into_record))
}

/// Marks the session as seen at `now` and moves its end to `expires_at`, but only when it was
/// last seen more than [`TOUCH_AFTER`] ago and is still live: one conditional `UPDATE`, which
/// most requests skip. Returns whether the row was written.
pub fn touch(
    conn: &mut DbConnection,
    id: i64,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<bool, StorageError> {
    write_transaction(conn, |conn| {
        let written = diesel::update(
            sessions::table
                .filter(sessions::id.eq(id))
                .filter(sessions::last_seen_at.lt(now - TOUCH_AFTER))
                .filter(sessions::expires_at.gt(now)),
        )
        .set((
            sessions::last_seen_at.eq(now),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
        Ok(written == 1)
    })
}

/// The account's live sessions started at its current `auth_epoch`, most recently seen first.
pub fn list_for_user(
    conn: &mut DbConnection,
    user_id: i64,
    auth_epoch: i64,
    now: NaiveDateTime,
) -> Result<Vec<SessionRecord>, StorageError> {
    Ok(sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::auth_epoch.eq(auth_epoch))
        .filter(sessions::expires_at.gt(now))
        .order((sessions::last_seen_at.desc(), sessions::id.desc()))
        .select(SessionRow::as_select())
        .load(conn)?
        .into_iter()
        .map(SessionRow::into_record)
        .collect())
}

/// Ends the session `id` if it belongs to `user_id`; `false` when there is no such session of
/// that account (another account's session is left alone).
pub fn revoke(conn: &mut DbConnection, user_id: i64, id: i64) -> Result<bool, StorageError> {
    write_transaction(conn, |conn| {
        let deleted = diesel::delete(
            sessions::table
                .filter(sessions::id.eq(id))
                .filter(sessions::user_id.eq(user_id)),
        )
        .execute(conn)?;
        Ok(deleted == 1)
    })
}

/// Ends the session whose secret has `secret_hash` (signing out); `false` if there was none.
pub fn revoke_by_hash(
    conn: &mut DbConnection,
    secret_hash: &[u8; SECRET_HASH_LEN],
) -> Result<bool, StorageError> {
    write_transaction(conn, |conn| {
        let deleted =
            diesel::delete(sessions::table.filter(sessions::secret_hash.eq(&secret_hash[..])))
                .execute(conn)?;
        Ok(deleted == 1)
    })
}

/// Ends every session of the account except `except` (the current browser's, when kept);
/// returns how many.
pub fn revoke_all_for_user(
    conn: &mut DbConnection,
    user_id: i64,
    except: Option<i64>,
) -> Result<usize, StorageError> {
    write_transaction(conn, |conn| {
        let mine = sessions::table.filter(sessions::user_id.eq(user_id));
        Ok(match except {
            Some(keep) => diesel::delete(mine.filter(sessions::id.ne(keep))).execute(conn)?,
            None => diesel::delete(mine).execute(conn)?,
        })
    })
}

/// Deletes sessions that expired before `older_than`; returns how many.
pub fn purge_expired(
    conn: &mut DbConnection,
    older_than: NaiveDateTime,
) -> Result<usize, StorageError> {
    purge_expired_paced(conn, older_than, &mut || true)
}

/// [`purge_expired`] in batches, calling `next_batch` between two of them: it may pause and
/// returns `false` to stop there, leaving the rest for a later purge.
pub fn purge_expired_paced(
    conn: &mut DbConnection,
    older_than: NaiveDateTime,
    next_batch: &mut dyn FnMut() -> bool,
) -> Result<usize, StorageError> {
    purge::in_batches(conn, next_batch, |conn, limit| {
        let ids: Vec<i64> = sessions::table
            .filter(sessions::expires_at.lt(older_than))
            .select(sessions::id)
            .limit(limit)
            .load(conn)?;
        let deleted =
            diesel::delete(sessions::table.filter(sessions::id.eq_any(&ids))).execute(conn)?;
        Ok(Batch {
            found: ids.len(),
            deleted,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::purge::PURGE_BATCH;
    use crate::testing::{fixed_now, for_each_backend};

    const HOURS: TimeDelta = TimeDelta::hours(12);

    /// A secret hash of 32 bytes `n`.
    fn h(n: u8) -> [u8; SECRET_HASH_LEN] {
        [n; SECRET_HASH_LEN]
    }

    fn new_session(user_id: i64, hash: &[u8; SECRET_HASH_LEN]) -> NewSession<'_> {
        NewSession {
            user_id,
            secret_hash: hash,
            auth_epoch: 0,
            method: Method::Password,
            ip: Some("192.0.2.7"),
            user_agent: Some("Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"),
            now: fixed_now(),
            expires_at: fixed_now() + HOURS,
        }
    }

    #[test]
    fn a_created_session_is_found_by_its_secret_hash_until_it_expires() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let hash = h(1);
            let created = create(
                conn,
                &NewSession {
                    method: Method::MagicLink,
                    auth_epoch: 4,
                    ..new_session(7, &hash)
                },
            )
            .unwrap();

            // Act
            let found = find_live(conn, &hash, fixed_now()).unwrap();
            let at_expiry = find_live(conn, &hash, fixed_now() + HOURS).unwrap();

            // Assert
            assert_eq!(found.as_ref(), Some(&created));
            let found = found.unwrap();
            assert_eq!((found.user_id, found.auth_epoch), (7, 4));
            assert_eq!(found.method, Method::MagicLink);
            assert_eq!(found.ip.as_deref(), Some("192.0.2.7"));
            assert_eq!(
                (found.created_at, found.last_seen_at),
                (fixed_now(), fixed_now())
            );
            assert_eq!(at_expiry, None);
            assert_eq!(find_live(conn, &h(2), fixed_now()).unwrap(), None);
        });
    }

    #[test]
    fn a_duplicate_secret_hash_is_a_conflict() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();
            create(conn, &new_session(1, &h(3))).unwrap();
            let result = create(conn, &new_session(2, &h(3)));
            assert!(matches!(result, Err(StorageError::Conflict)), "{result:?}");
        });
    }

    #[test]
    fn overlong_client_text_is_truncated() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();
            let (ip, agent) = ("f".repeat(200), "é".repeat(2000));
            let hash = h(4);
            let session = create(
                conn,
                &NewSession {
                    ip: Some(&ip),
                    user_agent: Some(&agent),
                    ..new_session(1, &hash)
                },
            )
            .unwrap();
            assert_eq!(session.ip.unwrap().chars().count(), MAX_IP_CHARS);
            assert_eq!(
                session.user_agent.unwrap().chars().count(),
                MAX_USER_AGENT_CHARS
            );
        });
    }

    #[test]
    fn touching_writes_at_most_once_a_minute_and_slides_the_expiry() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let hash = h(5);
            let session = create(conn, &new_session(1, &hash)).unwrap();
            let soon = fixed_now() + TimeDelta::seconds(30);
            let later = fixed_now() + TimeDelta::minutes(5);

            // Act
            let early = touch(conn, session.id, soon, soon + HOURS).unwrap();
            let on_time = touch(conn, session.id, later, later + HOURS).unwrap();
            let again = touch(conn, session.id, later, later + HOURS).unwrap();

            // Assert
            assert_eq!((early, on_time, again), (false, true, false));
            let found = find_live(conn, &hash, later).unwrap().unwrap();
            assert_eq!(
                (found.last_seen_at, found.expires_at),
                (later, later + HOURS)
            );
            assert!(
                find_live(conn, &hash, fixed_now() + HOURS)
                    .unwrap()
                    .is_some()
            );
        });
    }

    #[test]
    fn an_expired_session_is_not_brought_back_by_touching() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();
            let hash = h(6);
            let session = create(conn, &new_session(1, &hash)).unwrap();
            let late = fixed_now() + HOURS + TimeDelta::minutes(1);
            assert!(!touch(conn, session.id, late, late + HOURS).unwrap());
            assert_eq!(find_live(conn, &hash, late).unwrap(), None);
        });
    }

    #[test]
    fn the_list_holds_the_accounts_live_sessions_of_its_epoch_most_recently_seen_first() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let (a, b, c, d, e) = (h(10), h(11), h(12), h(13), h(14));
            let first = create(conn, &new_session(1, &a)).unwrap();
            let second = create(conn, &new_session(1, &b)).unwrap();
            create(conn, &new_session(2, &c)).unwrap();
            create(
                conn,
                &NewSession {
                    auth_epoch: 9,
                    ..new_session(1, &d)
                },
            )
            .unwrap();
            let expired = NewSession {
                now: fixed_now() - HOURS - HOURS,
                expires_at: fixed_now() - HOURS,
                ..new_session(1, &e)
            };
            create(conn, &expired).unwrap();
            let later = fixed_now() + TimeDelta::minutes(2);
            touch(conn, first.id, later, later + HOURS).unwrap();

            // Act
            let listed = list_for_user(conn, 1, 0, later).unwrap();

            // Assert
            let ids: Vec<i64> = listed.iter().map(|s| s.id).collect();
            assert_eq!(ids, vec![first.id, second.id]);
        });
    }

    #[test]
    fn revoking_ends_only_that_accounts_session() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let (a, b) = (h(20), h(21));
            let mine = create(conn, &new_session(1, &a)).unwrap();
            let theirs = create(conn, &new_session(2, &b)).unwrap();

            // Act
            let foreign = revoke(conn, 1, theirs.id).unwrap();
            let own = revoke(conn, 1, mine.id).unwrap();
            let twice = revoke(conn, 1, mine.id).unwrap();

            // Assert
            assert_eq!((foreign, own, twice), (false, true, false));
            assert_eq!(find_live(conn, &a, fixed_now()).unwrap(), None);
            assert!(find_live(conn, &b, fixed_now()).unwrap().is_some());
        });
    }

    #[test]
    fn revoking_by_hash_ends_that_session() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();
            let hash = h(22);
            create(conn, &new_session(1, &hash)).unwrap();
            assert!(revoke_by_hash(conn, &hash).unwrap());
            assert!(!revoke_by_hash(conn, &hash).unwrap());
            assert_eq!(find_live(conn, &hash, fixed_now()).unwrap(), None);
        });
    }

    #[test]
    fn revoking_all_keeps_the_exception_and_other_accounts() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let (a, b, c, d) = (h(30), h(31), h(32), h(33));
            let current = create(conn, &new_session(1, &a)).unwrap();
            create(conn, &new_session(1, &b)).unwrap();
            create(conn, &new_session(1, &c)).unwrap();
            create(conn, &new_session(2, &d)).unwrap();

            // Act
            let others = revoke_all_for_user(conn, 1, Some(current.id)).unwrap();
            let rest = revoke_all_for_user(conn, 1, None).unwrap();

            // Assert
            assert_eq!((others, rest), (2, 1));
            assert!(list_for_user(conn, 1, 0, fixed_now()).unwrap().is_empty());
            assert_eq!(list_for_user(conn, 2, 0, fixed_now()).unwrap().len(), 1);
        });
    }

    #[test]
    fn purging_removes_only_sessions_expired_before_the_cutoff_in_batches() {
        for_each_backend(|db| {
            // Arrange: a batch and one more of old sessions, and one live one.
            let conn = &mut db.conn().unwrap();
            let old = fixed_now() - TimeDelta::days(2);
            for n in 0..=PURGE_BATCH {
                let mut hash = [0u8; SECRET_HASH_LEN];
                hash[..8].copy_from_slice(&n.to_be_bytes());
                hash[31] = 1;
                let expired = NewSession {
                    now: old,
                    expires_at: old + HOURS,
                    ..new_session(1, &hash)
                };
                create(conn, &expired).unwrap();
            }
            let live = h(40);
            create(conn, &new_session(1, &live)).unwrap();

            // Act
            let mut batches = 0;
            let purged = purge_expired_paced(conn, fixed_now(), &mut || {
                batches += 1;
                true
            })
            .unwrap();

            // Assert
            assert_eq!((purged, batches), (PURGE_BATCH as usize + 1, 1));
            assert!(find_live(conn, &live, fixed_now()).unwrap().is_some());
            assert_eq!(purge_expired(conn, fixed_now()).unwrap(), 0);
        });
    }

    #[test]
    fn method_codes_round_trip() {
        for method in [Method::Password, Method::MagicLink, Method::Reset] {
            assert_eq!(Method::from_code(method.as_str()), Some(method));
        }
        assert_eq!(Method::from_code("other"), None);
    }
}
