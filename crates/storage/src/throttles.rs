//! The `throttles` table: fixed-window counters shared by every instance.
//!
//! In-process rate limiters forget everything on restart and count per instance; limits that
//! must hold across a fleet (mails per account per hour) live here. Keys are keyed hashes
//! chosen by the caller — for example of a normalised address — so the table holds no
//! addresses, and a counter exists whether or not the account does.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::dsl::case_when;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamp};

use crate::connection::{DbConnection, atomic, refusable};
use crate::error::StorageError;
use crate::purge::{self, Batch};
use crate::schema::throttles;
use crate::time;

/// Attempts at creating a counter row that a concurrent caller keeps creating or deleting.
const MAX_ROUNDS: u32 = 5;

/// The outcome of one [`hit`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottleDecision {
    /// True while the window's count, this hit included, is within the limit.
    pub allowed: bool,
    /// Hits in the current window, this one included.
    pub count: u64,
    /// When refused: time until the window ends and hits are allowed again.
    pub retry_after: Option<Duration>,
}

/// Counts one hit on `key` and says whether it is within `limit` hits per `window`.
///
/// The increment and the read of the new count happen in one write transaction, so hits from
/// any number of threads and instances are counted exactly. A window that has ended is
/// restarted by the same `UPDATE`. A missing row is created outside that transaction: on
/// MySQL, creating it inside (after an `UPDATE` that found nothing) would take gap locks that
/// make concurrent first hits deadlock. On PostgreSQL, where a refused `INSERT` aborts the
/// transaction, the creation runs in a savepoint (`connection::refusable`).
pub fn hit(
    conn: &mut DbConnection,
    key: &[u8; 32],
    now: NaiveDateTime,
    window: Duration,
    limit: u32,
) -> Result<ThrottleDecision, StorageError> {
    let window_ends_before = time::sub(now, window)?;
    for _ in 0..MAX_ROUNDS {
        if let Some((window_start, hits)) = increment(conn, key, now, window_ends_before)? {
            return decide(window_start, hits, now, window, limit);
        }
        let created = refusable(conn, |conn| {
            Ok(diesel::insert_into(throttles::table)
                .values((
                    throttles::key_hash.eq(&key[..]),
                    throttles::window_start.eq(now),
                    throttles::hits.eq(1_i64),
                ))
                .execute(conn)?)
        });
        match created {
            Ok(_) => return decide(now, 1, now, window, limit),
            // Another caller created it first: count on their row.
            Err(StorageError::Conflict) => continue,
            Err(error) => return Err(error),
        }
    }
    Err(StorageError::Conflict)
}

/// Adds one hit to an existing counter (restarting an ended window) and returns the counter,
/// or `None` when there is no row yet. Inside a caller's transaction (the outbox worker
/// counting a batch's mail) it is part of that transaction, without a savepoint.
fn increment(
    conn: &mut DbConnection,
    key: &[u8; 32],
    now: NaiveDateTime,
    window_ends_before: NaiveDateTime,
) -> Result<Option<(NaiveDateTime, i64)>, StorageError> {
    atomic(conn, |conn| {
        let expired = throttles::window_start.le(window_ends_before);
        // `hits` is assigned before `window_start`: MySQL evaluates assignments left to right,
        // so the window test must still see the old start.
        let changed =
            diesel::update(throttles::table.find(&key[..]))
                .set((
                    throttles::hits.eq(case_when::<_, _, BigInt>(expired, 1_i64)
                        .otherwise(throttles::hits + 1_i64)),
                    throttles::window_start.eq(case_when::<_, _, Timestamp>(expired, now)
                        .otherwise(throttles::window_start)),
                ))
                .execute(conn)?;
        if changed == 0 {
            return Ok(None);
        }
        Ok(Some(
            throttles::table
                .find(&key[..])
                .select((throttles::window_start, throttles::hits))
                .first(conn)?,
        ))
    })
}

fn decide(
    window_start: NaiveDateTime,
    hits: i64,
    now: NaiveDateTime,
    window: Duration,
    limit: u32,
) -> Result<ThrottleDecision, StorageError> {
    let count = u64::try_from(hits).unwrap_or(0);
    let allowed = count <= u64::from(limit);
    let retry_after = if allowed {
        None
    } else {
        Some(time::between(now, time::add(window_start, window)?))
    };
    Ok(ThrottleDecision {
        allowed,
        count,
        retry_after,
    })
}

/// Deletes counters whose window started before `older_than` (pass `now - longest window`);
/// returns how many.
pub fn purge(conn: &mut DbConnection, older_than: NaiveDateTime) -> Result<usize, StorageError> {
    purge_paced(conn, older_than, &mut || true)
}

/// [`purge`], calling `next_batch` between two batches: it may pause (to let other writers
/// in) and returns `false` to stop there, leaving the rest for a later purge.
pub fn purge_paced(
    conn: &mut DbConnection,
    older_than: NaiveDateTime,
    next_batch: &mut dyn FnMut() -> bool,
) -> Result<usize, StorageError> {
    purge::in_batches(conn, next_batch, |conn, limit| {
        let keys: Vec<Vec<u8>> = throttles::table
            .filter(throttles::window_start.lt(older_than))
            .select(throttles::key_hash)
            .limit(limit)
            .load(conn)?;
        let deleted = diesel::delete(throttles::table.filter(throttles::key_hash.eq_any(&keys)))
            .execute(conn)?;
        Ok(Batch {
            found: keys.len(),
            deleted,
        })
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Barrier;

    use chrono::TimeDelta;

    use super::*;
    use crate::connection::write_transaction;
    use crate::purge::PURGE_BATCH;
    use crate::testing::{fixed_now, for_each_backend};

    const WINDOW: Duration = Duration::from_secs(3600);

    #[test]
    fn hits_within_the_limit_are_allowed_and_the_next_is_refused() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();

            // Act
            let decisions: Vec<ThrottleDecision> = (0..4)
                .map(|i| hit(conn, &[1; 32], now + TimeDelta::minutes(i), WINDOW, 3).unwrap())
                .collect();

            // Assert
            let counts: Vec<u64> = decisions.iter().map(|d| d.count).collect();
            assert_eq!(counts, vec![1, 2, 3, 4]);
            assert!(
                decisions[..3]
                    .iter()
                    .all(|d| d.allowed && d.retry_after.is_none())
            );
            assert!(!decisions[3].allowed);
            // The window started at `now`; the refused hit came 3 minutes in.
            assert_eq!(decisions[3].retry_after, Some(Duration::from_secs(57 * 60)));
        });
    }

    #[test]
    fn keys_are_counted_separately() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();
            hit(conn, &[2; 32], fixed_now(), WINDOW, 1).unwrap();
            let other = hit(conn, &[3; 32], fixed_now(), WINDOW, 1).unwrap();
            assert_eq!(other.count, 1);
            assert!(other.allowed);
        });
    }

    #[test]
    fn a_new_window_starts_the_count_again() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            hit(conn, &[4; 32], now, WINDOW, 1).unwrap();
            assert!(!hit(conn, &[4; 32], now, WINDOW, 1).unwrap().allowed);

            // Act
            let next_window = now + TimeDelta::hours(1);
            let first = hit(conn, &[4; 32], next_window, WINDOW, 1).unwrap();
            let second = hit(
                conn,
                &[4; 32],
                next_window + TimeDelta::minutes(1),
                WINDOW,
                1,
            )
            .unwrap();

            // Assert: the new window started at the first hit in it.
            assert_eq!((first.count, first.allowed), (1, true));
            assert_eq!(second.count, 2);
            assert_eq!(second.retry_after, Some(Duration::from_secs(59 * 60)));
        });
    }

    #[test]
    fn hits_from_many_threads_are_counted_exactly() {
        for_each_backend(|db| {
            // Arrange
            let threads = 16;
            let hits_per_thread = 5;
            let barrier = Barrier::new(threads);

            // Act
            let allowed: usize = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..threads)
                    .map(|_| {
                        scope.spawn(|| {
                            let mut conn = db.conn().unwrap();
                            barrier.wait();
                            (0..hits_per_thread)
                                .filter(|_| {
                                    hit(&mut conn, &[5; 32], fixed_now(), WINDOW, 50)
                                        .unwrap()
                                        .allowed
                                })
                                .count()
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).sum()
            });

            // Assert
            let conn = &mut db.conn().unwrap();
            let last = hit(conn, &[5; 32], fixed_now(), WINDOW, 50).unwrap();
            assert_eq!(last.count, (threads * hits_per_thread + 1) as u64);
            assert_eq!(allowed, 50);
        });
    }

    #[test]
    fn purging_removes_only_counters_of_old_windows() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            hit(conn, &[6; 32], now - TimeDelta::hours(3), WINDOW, 5).unwrap();
            hit(conn, &[7; 32], now, WINDOW, 5).unwrap();

            // Act
            let purged = purge(conn, now - TimeDelta::hours(1)).unwrap();

            // Assert
            assert_eq!(purged, 1);
            assert_eq!(hit(conn, &[6; 32], now, WINDOW, 5).unwrap().count, 1);
            assert_eq!(hit(conn, &[7; 32], now, WINDOW, 5).unwrap().count, 2);
        });
    }

    #[test]
    fn a_paced_purge_of_counters_is_asked_between_batches_and_stops_when_told() {
        for_each_backend(|db| {
            // Arrange: two full batches and a partial one of old windows.
            let conn = &mut db.conn().unwrap();
            let batch = PURGE_BATCH as usize;
            let old = fixed_now() - TimeDelta::days(2);
            write_transaction(conn, |conn| {
                for n in 0..(2 * batch + 20) as u32 {
                    let mut key = [0u8; 32];
                    key[..4].copy_from_slice(&n.to_be_bytes());
                    hit(conn, &key, old, WINDOW, 5)?;
                }
                Ok(())
            })
            .unwrap();
            let mut asked = 0;

            // Act
            let stopped = purge_paced(conn, fixed_now(), &mut || {
                asked += 1;
                false
            })
            .unwrap();
            let rest = purge_paced(conn, fixed_now(), &mut || true).unwrap();

            // Assert
            assert_eq!((stopped, asked), (batch, 1));
            assert_eq!(rest, batch + 20);
        });
    }

    #[test]
    fn an_absurd_window_is_an_error() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();
            let result = hit(conn, &[8; 32], fixed_now(), Duration::MAX, 1);
            assert!(matches!(result, Err(StorageError::TimeOutOfRange(_))));
        });
    }
}
