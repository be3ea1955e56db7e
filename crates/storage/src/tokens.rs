//! The `tokens` table: single-use links (password reset, magic link, "not me").
//!
//! Only a keyed 32-byte hash of each token's secret is stored ([`LookupHash`]), so a copy of the
//! database does not contain usable links. Lookups are by that hash through the unique index;
//! the constant-time comparison of secrets happens in token-core before the database is asked.
//! The `purpose` column holds the purpose's stable code ([`Purpose::as_str`]).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::query_dsl::LoadQuery;
use token_core::{LookupHash, Purpose};

use crate::connection::{DbConnection, write_transaction};
use crate::error::StorageError;
use crate::purge::{self, Batch};
use crate::schema::tokens;
use crate::text::truncate;

/// Longest stored client address, in characters (IPv6 text form fits with room to spare).
const MAX_IP_CHARS: usize = 64;

/// A stored token (without its hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// Primary key.
    pub id: i64,
    /// What the token is for.
    pub purpose: Purpose,
    /// The account it belongs to.
    pub user_id: i64,
    /// When it stops working.
    pub expires_at: NaiveDateTime,
    /// When it was used or revoked; `None` while it is live.
    pub consumed_at: Option<NaiveDateTime>,
    /// When it was issued.
    pub created_at: NaiveDateTime,
    /// The client address that asked for it, if known.
    pub created_ip: Option<String>,
}

/// A row as read; its purpose is the one the query asked for, so no stored code is parsed.
#[derive(Queryable, Selectable)]
#[diesel(table_name = tokens)]
struct TokenRow {
    id: i64,
    user_id: i64,
    expires_at: NaiveDateTime,
    consumed_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    created_ip: Option<String>,
}

impl TokenRow {
    fn with_purpose(self, purpose: Purpose) -> Token {
        Token {
            id: self.id,
            purpose,
            user_id: self.user_id,
            expires_at: self.expires_at,
            consumed_at: self.consumed_at,
            created_at: self.created_at,
            created_ip: self.created_ip,
        }
    }
}

/// What [`issue`] needs.
#[derive(Clone, Copy, Debug)]
pub struct NewToken<'a> {
    /// What the token is for.
    pub purpose: Purpose,
    /// The account it belongs to.
    pub user_id: i64,
    /// Keyed hash of the token's secret.
    pub hash: LookupHash,
    /// When it stops working.
    pub expires_at: NaiveDateTime,
    /// Issue time; also the time at which older tokens are revoked.
    pub created_at: NaiveDateTime,
    /// The client address that asked for it (truncated to 64 characters).
    pub created_ip: Option<&'a str>,
}

/// Stores a new token and, in the same transaction, revokes the account's earlier live tokens
/// of the same purpose: only the newest link works, so an older mail that leaked is useless.
pub fn issue(conn: &mut DbConnection, new_token: &NewToken<'_>) -> Result<Token, StorageError> {
    let purpose = new_token.purpose.as_str();
    write_transaction(conn, |conn| {
        diesel::update(live_of_purpose(new_token.user_id, purpose))
            .set(tokens::consumed_at.eq(Some(new_token.created_at)))
            .execute(conn)?;
        diesel::insert_into(tokens::table)
            .values((
                tokens::purpose.eq(purpose),
                tokens::user_id.eq(new_token.user_id),
                tokens::hash.eq(&new_token.hash.as_bytes()[..]),
                tokens::expires_at.eq(new_token.expires_at),
                tokens::created_at.eq(new_token.created_at),
                tokens::created_ip.eq(new_token.created_ip.map(|ip| truncate(ip, MAX_IP_CHARS))),
            ))
            .execute(conn)?;
        by_hash(conn, &new_token.hash, new_token.purpose)
    })
}

/// Uses a token: returns it if it was live (right hash and purpose, not used, not expired) and
/// marks it used; `None` otherwise.
///
/// The check and the mark are one conditional `UPDATE`, so when many requests present the
/// same token at once — on one instance or many — the database lets exactly one of them change
/// the row, and only that one gets `Some`.
pub fn consume(
    conn: &mut DbConnection,
    hash: &LookupHash,
    purpose: Purpose,
    now: NaiveDateTime,
) -> Result<Option<Token>, StorageError> {
    write_transaction(conn, |conn| {
        let won = diesel::update(
            tokens::table
                .filter(tokens::hash.eq(&hash.as_bytes()[..]))
                .filter(tokens::purpose.eq(purpose.as_str()))
                .filter(tokens::consumed_at.is_null())
                .filter(tokens::expires_at.gt(now)),
        )
        .set(tokens::consumed_at.eq(Some(now)))
        .execute(conn)?;
        if won == 1 {
            by_hash(conn, hash, purpose).map(Some)
        } else {
            Ok(None)
        }
    })
}

/// The token if it is live, without using it (for pages that only show a form).
pub fn find_live(
    conn: &mut DbConnection,
    hash: &LookupHash,
    purpose: Purpose,
    now: NaiveDateTime,
) -> Result<Option<Token>, StorageError> {
    Ok(tokens::table
        .filter(tokens::hash.eq(&hash.as_bytes()[..]))
        .filter(tokens::purpose.eq(purpose.as_str()))
        .filter(tokens::consumed_at.is_null())
        .filter(tokens::expires_at.gt(now))
        .select(TokenRow::as_select())
        .first(conn)
        .optional()?
        .map(|row| row.with_purpose(purpose)))
}
/// Revokes every live token of the account, whatever its purpose; returns how many.
pub fn revoke_all_for_user(
    conn: &mut DbConnection,
    user_id: i64,
    now: NaiveDateTime,
) -> Result<usize, StorageError> {
    write_transaction(conn, |conn| {
        Ok(diesel::update(live_of(user_id))
            .set(tokens::consumed_at.eq(Some(now)))
            .execute(conn)?)
    })
}

/// The account's live tokens of `purpose`, which issuing a new one revokes (found through the
/// index of live tokens, whatever the account's history).
#[diesel::dsl::auto_type]
fn live_of_purpose(user_id: i64, purpose: &'static str) -> _ {
    tokens::table
        .filter(tokens::user_id.eq(user_id))
        .filter(tokens::purpose.eq(purpose))
        .filter(tokens::consumed_at.is_null())
}

/// Every live token of the account, whatever its purpose.
#[diesel::dsl::auto_type]
fn live_of(user_id: i64) -> _ {
    tokens::table
        .filter(tokens::user_id.eq(user_id))
        .filter(tokens::consumed_at.is_null())
}

/// Deletes tokens that expired, or were used, before `older_than`; returns how many.
///
/// Works in batches of a few hundred rows so that a large backlog never holds long locks.
pub fn purge_expired(
    conn: &mut DbConnection,
    older_than: NaiveDateTime,
) -> Result<usize, StorageError> {
    purge_expired_paced(conn, older_than, &mut || true)
}

/// [`purge_expired`], calling `next_batch` between two batches: it may pause (to let other
/// writers in) and returns `false` to stop there, leaving the rest for a later purge.
///
/// Expired tokens first, then the used ones, each batch selected in the order of the index
/// on its column: a batch reads the rows it deletes and no others. (One statement with
/// `expires_at < ? OR consumed_at < ?` is a whole-table scan on MariaDB, which reads the rows
/// the purge keeps again for every batch.)
pub fn purge_expired_paced(
    conn: &mut DbConnection,
    older_than: NaiveDateTime,
    next_batch: &mut dyn FnMut() -> bool,
) -> Result<usize, StorageError> {
    purge::in_passes(
        conn,
        next_batch,
        &mut [
            &mut |conn, limit| delete_selected(conn, expired_batch(older_than, limit)),
            &mut |conn, limit| delete_selected(conn, used_batch(older_than, limit)),
        ],
    )
}

/// The ids of the next batch of tokens that expired before `older_than`, in the order of the
/// `expires_at` index.
#[diesel::dsl::auto_type]
fn expired_batch(older_than: NaiveDateTime, limit: i64) -> _ {
    tokens::table
        .filter(tokens::expires_at.lt(older_than))
        .order(tokens::expires_at)
        .select(tokens::id)
        .limit(limit)
}

/// The ids of the next batch of tokens used before `older_than`, in the order of the
/// `consumed_at` index.
#[diesel::dsl::auto_type]
fn used_batch(older_than: NaiveDateTime, limit: i64) -> _ {
    tokens::table
        .filter(tokens::consumed_at.lt(older_than))
        .order(tokens::consumed_at)
        .select(tokens::id)
        .limit(limit)
}

/// Deletes the tokens whose ids `ids` selects: one batch of a purge.
fn delete_selected(
    conn: &mut DbConnection,
    ids: impl for<'a> LoadQuery<'a, DbConnection, i64>,
) -> Result<Batch, StorageError> {
    let ids: Vec<i64> = ids.load(conn)?;
    let deleted = diesel::delete(tokens::table.filter(tokens::id.eq_any(&ids))).execute(conn)?;
    Ok(Batch {
        found: ids.len(),
        deleted,
    })
}

/// The row with `hash` (unique), which the caller just wrote with `purpose`.
fn by_hash(
    conn: &mut DbConnection,
    hash: &LookupHash,
    purpose: Purpose,
) -> Result<Token, StorageError> {
    Ok(tokens::table
        .filter(tokens::hash.eq(&hash.as_bytes()[..]))
        .select(TokenRow::as_select())
        .first(conn)?
        .with_purpose(purpose))
}

#[cfg(test)]
mod live_index_tests;

#[cfg(test)]
mod purge_plan_tests;

#[cfg(test)]
mod query_plans;

#[cfg(test)]
mod tests {
    use std::sync::Barrier;

    use chrono::TimeDelta;

    use super::*;
    use crate::purge::PURGE_BATCH;
    use crate::testing::{create_user, fixed_now, for_each_backend};

    const RESET: Purpose = Purpose::PasswordReset;
    const MAGIC: Purpose = Purpose::MagicLink;

    /// A lookup hash of 32 bytes `n`.
    fn h(n: u8) -> LookupHash {
        LookupHash::from_bytes([n; 32])
    }

    fn new_token(user_id: i64, hash: LookupHash, purpose: Purpose) -> NewToken<'static> {
        NewToken {
            purpose,
            user_id,
            hash,
            expires_at: fixed_now() + TimeDelta::minutes(30),
            created_at: fixed_now(),
            created_ip: Some("203.0.113.7"),
        }
    }

    #[test]
    fn an_issued_token_is_live_until_it_expires() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "a@example.com");

            // Act
            let token = issue(conn, &new_token(user.id, h(1), RESET)).unwrap();

            // Assert
            assert_eq!(token.user_id, user.id);
            assert_eq!(token.purpose, RESET);
            assert_eq!(token.created_ip.as_deref(), Some("203.0.113.7"));
            assert_eq!(token.consumed_at, None);
            let just_before = token.expires_at - TimeDelta::microseconds(1);
            assert_eq!(
                find_live(conn, &h(1), RESET, just_before).unwrap(),
                Some(token.clone())
            );
            assert_eq!(
                find_live(conn, &h(1), RESET, token.expires_at).unwrap(),
                None
            );
        });
    }

    #[test]
    fn the_purpose_column_holds_the_purposes_stable_code() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "a@example.com");

            // Act
            issue(conn, &new_token(user.id, h(21), MAGIC)).unwrap();

            // Assert: the same text as before the column was typed, so stored rows keep working.
            let (purpose, hash): (String, Vec<u8>) = tokens::table
                .select((tokens::purpose, tokens::hash))
                .first(&mut **conn)
                .unwrap();
            assert_eq!(purpose, "magic_link");
            assert_eq!(hash, vec![21; 32]);
        });
    }

    #[test]
    fn finding_a_live_token_does_not_use_it() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "a@example.com");
            issue(conn, &new_token(user.id, h(2), RESET)).unwrap();

            // Act
            find_live(conn, &h(2), RESET, fixed_now()).unwrap();
            find_live(conn, &h(2), RESET, fixed_now()).unwrap();

            // Assert
            assert!(consume(conn, &h(2), RESET, fixed_now()).unwrap().is_some());
        });
    }

    #[test]
    fn a_token_can_be_consumed_only_once() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "a@example.com");
            issue(conn, &new_token(user.id, h(3), RESET)).unwrap();
            let now = fixed_now() + TimeDelta::minutes(1);

            // Act
            let first = consume(conn, &h(3), RESET, now).unwrap();
            let second = consume(conn, &h(3), RESET, now).unwrap();

            // Assert
            let first = first.unwrap();
            assert_eq!(first.user_id, user.id);
            assert_eq!(first.consumed_at, Some(now));
            assert_eq!(second, None);
            assert_eq!(find_live(conn, &h(3), RESET, now).unwrap(), None);
        });
    }

    #[test]
    fn consuming_fails_after_expiry() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "a@example.com");
            let token = issue(conn, &new_token(user.id, h(4), RESET)).unwrap();

            // Act
            let at_expiry = consume(conn, &h(4), RESET, token.expires_at).unwrap();

            // Assert
            assert_eq!(at_expiry, None);
        });
    }

    #[test]
    fn consuming_with_the_wrong_purpose_or_hash_fails_and_leaves_the_token_live() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "a@example.com");
            issue(conn, &new_token(user.id, h(5), RESET)).unwrap();

            // Act
            let wrong_purpose = consume(conn, &h(5), MAGIC, fixed_now()).unwrap();
            let wrong_hash = consume(conn, &h(6), RESET, fixed_now()).unwrap();

            // Assert
            assert_eq!(wrong_purpose, None);
            assert_eq!(wrong_hash, None);
            assert!(consume(conn, &h(5), RESET, fixed_now()).unwrap().is_some());
        });
    }

    #[test]
    fn issuing_revokes_older_tokens_of_the_same_purpose_only() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "a@example.com");
            let other = create_user(conn, "b@example.com");
            issue(conn, &new_token(user.id, h(7), RESET)).unwrap();
            issue(conn, &new_token(user.id, h(8), MAGIC)).unwrap();
            issue(conn, &new_token(other.id, h(9), RESET)).unwrap();

            // Act
            issue(conn, &new_token(user.id, h(10), RESET)).unwrap();

            // Assert
            let now = fixed_now();
            assert_eq!(find_live(conn, &h(7), RESET, now).unwrap(), None);
            assert!(find_live(conn, &h(10), RESET, now).unwrap().is_some());
            assert!(find_live(conn, &h(8), MAGIC, now).unwrap().is_some());
            assert!(find_live(conn, &h(9), RESET, now).unwrap().is_some());
        });
    }

    #[test]
    fn issuing_a_duplicate_hash_is_a_conflict() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "a@example.com");
            let other = create_user(conn, "b@example.com");
            issue(conn, &new_token(user.id, h(11), RESET)).unwrap();
            let result = issue(conn, &new_token(other.id, h(11), RESET));
            assert!(matches!(result, Err(StorageError::Conflict)), "{result:?}");
        });
    }

    #[test]
    fn overlong_client_addresses_are_truncated() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "a@example.com");
            let long_ip = "f".repeat(200);
            let token = issue(
                conn,
                &NewToken {
                    created_ip: Some(&long_ip),
                    ..new_token(user.id, h(12), RESET)
                },
            )
            .unwrap();
            assert_eq!(token.created_ip.unwrap().len(), MAX_IP_CHARS);
        });
    }

    #[test]
    fn revoking_all_tokens_of_a_user_spares_other_users() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "a@example.com");
            let other = create_user(conn, "b@example.com");
            issue(conn, &new_token(user.id, h(13), RESET)).unwrap();
            issue(conn, &new_token(user.id, h(14), MAGIC)).unwrap();
            issue(conn, &new_token(other.id, h(15), RESET)).unwrap();

            // Act
            let revoked = revoke_all_for_user(conn, user.id, fixed_now()).unwrap();

            // Assert
            assert_eq!(revoked, 2);
            assert_eq!(consume(conn, &h(13), RESET, fixed_now()).unwrap(), None);
            assert_eq!(consume(conn, &h(14), MAGIC, fixed_now()).unwrap(), None);
            assert!(consume(conn, &h(15), RESET, fixed_now()).unwrap().is_some());
        });
    }

    #[test]
    fn purging_removes_only_old_expired_or_used_tokens() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let user = create_user(conn, "a@example.com");
            let other = create_user(conn, "b@example.com");
            let old = fixed_now() - TimeDelta::days(10);
            let expired = NewToken {
                expires_at: old,
                created_at: old,
                ..new_token(user.id, h(16), MAGIC)
            };
            issue(conn, &expired).unwrap();
            issue(conn, &new_token(user.id, h(17), RESET)).unwrap();
            consume(conn, &h(17), RESET, old).unwrap();
            issue(conn, &new_token(user.id, h(18), Purpose::NotMe)).unwrap();
            issue(conn, &new_token(other.id, h(19), MAGIC)).unwrap();
            consume(conn, &h(19), MAGIC, fixed_now()).unwrap();

            // Act
            let purged = purge_expired(conn, fixed_now() - TimeDelta::days(1)).unwrap();

            // Assert: the expired one and the one used long ago are gone.
            assert_eq!(purged, 2);
            let left: i64 = tokens::table.count().get_result(&mut **conn).unwrap();
            assert_eq!(left, 2);
            assert!(
                find_live(conn, &h(18), Purpose::NotMe, fixed_now())
                    .unwrap()
                    .is_some()
            );
        });
    }

    /// `rows` magic-link tokens of one user that expired ten days before `fixed_now()`.
    fn expired_tokens(conn: &mut DbConnection, rows: usize) {
        let user = create_user(conn, "a@example.com");
        let old = fixed_now() - TimeDelta::days(10);
        let hashes: Vec<[u8; 32]> = (0..rows)
            .map(|i| {
                let mut hash = [0u8; 32];
                hash[..8].copy_from_slice(&(i as u64).to_be_bytes());
                hash
            })
            .collect();
        conn.transaction(|conn| {
            for hash in &hashes {
                diesel::insert_into(tokens::table)
                    .values((
                        tokens::purpose.eq(MAGIC.as_str()),
                        tokens::user_id.eq(user.id),
                        tokens::hash.eq(&hash[..]),
                        tokens::expires_at.eq(old),
                        tokens::created_at.eq(old),
                    ))
                    .execute(conn)?;
            }
            diesel::QueryResult::Ok(())
        })
        .unwrap();
    }

    #[test]
    fn purging_works_through_more_rows_than_one_batch() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let rows = PURGE_BATCH as usize + 20;
            expired_tokens(conn, rows);

            // Act
            let purged = purge_expired(conn, fixed_now()).unwrap();

            // Assert
            assert_eq!(purged, rows);
        });
    }

    #[test]
    fn a_paced_purge_is_asked_between_batches_and_stops_when_told() {
        for_each_backend(|db| {
            // Arrange: two full batches and a partial one.
            let conn = &mut db.conn().unwrap();
            let batch = PURGE_BATCH as usize;
            expired_tokens(conn, 2 * batch + 20);
            let mut asked = 0;

            // Act
            let stopped = purge_expired_paced(conn, fixed_now(), &mut || {
                asked += 1;
                false
            })
            .unwrap();
            let first_asks = asked;
            let rest = purge_expired_paced(conn, fixed_now(), &mut || {
                asked += 1;
                true
            })
            .unwrap();

            // Assert: stopped after one batch; the rest asked once, after its full batch.
            assert_eq!((stopped, first_asks), (batch, 1));
            assert_eq!((rest, asked), (batch + 20, 2));
            assert_eq!(
                tokens::table
                    .count()
                    .get_result::<i64>(&mut **conn)
                    .unwrap(),
                0
            );
        });
    }

    #[test]
    fn of_many_simultaneous_consumers_exactly_one_wins() {
        for_each_backend(|db| {
            // Arrange
            let user = create_user(&mut db.conn().unwrap(), "a@example.com");
            issue(&mut db.conn().unwrap(), &new_token(user.id, h(20), RESET)).unwrap();
            let threads = 32;
            let barrier = Barrier::new(threads);

            // Act
            let winners: Vec<bool> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..threads)
                    .map(|_| {
                        scope.spawn(|| {
                            let mut conn = db.conn().unwrap();
                            barrier.wait();
                            consume(&mut conn, &h(20), RESET, fixed_now())
                                .unwrap()
                                .is_some()
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });

            // Assert
            assert_eq!(winners.iter().filter(|&&won| won).count(), 1);
        });
    }
}
