//! Deleting aged rows in batches: the one loop behind every table's retention purge.
//!
//! A purge deletes at most [`PURGE_BATCH`] rows per write transaction, so a large backlog
//! never holds the table's locks (or SQLite's single write lock) for long, and requests'
//! writes get in between two batches.

use crate::connection::{DbConnection, write_transaction};
use crate::error::StorageError;

/// Rows deleted per statement by every purge. Small, because a batch holds SQLite's write
/// lock for as long as it deletes (each token row touches five indexes): measured with a
/// million aged rows purged while requests were accepted on SQLite (docs/performance.md,
/// "Known limits"), 500-row batches took the requests' p99 to 57–67 ms, 150 to 39 ms and 64 to
/// 32 ms (about 22 ms without a purge), the purge taking 62, 127 and 253 s.
pub(crate) const PURGE_BATCH: i64 = 64;

/// What one batch found and deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Batch {
    /// Rows the batch selected for deletion (at most the limit it was given).
    pub(crate) found: usize,
    /// Rows it deleted (fewer than found when another purge took some first).
    pub(crate) deleted: usize,
}

/// Deletes one batch: selects at most the limit it is given of the rows to purge and deletes
/// them.
pub(crate) type BatchDelete<'a> =
    dyn FnMut(&mut DbConnection, i64) -> Result<Batch, StorageError> + 'a;

/// Runs `delete_batch` in a write transaction of its own, once per batch, until a batch finds
/// fewer than [`PURGE_BATCH`] rows or `next_batch` — asked between two batches; it may pause
/// to let other writers in — returns `false` (the rest is left for a later purge). Returns
/// how many rows were deleted.
pub(crate) fn in_batches(
    conn: &mut DbConnection,
    next_batch: &mut dyn FnMut() -> bool,
    mut delete_batch: impl FnMut(&mut DbConnection, i64) -> Result<Batch, StorageError>,
) -> Result<usize, StorageError> {
    in_passes(conn, next_batch, &mut [&mut delete_batch])
}

/// [`in_batches`] for a purge of several passes (each selecting its rows its own way), run
/// one after the other: a pass ends at its first short batch, and `false` from `next_batch`
/// ends the whole purge.
pub(crate) fn in_passes(
    conn: &mut DbConnection,
    next_batch: &mut dyn FnMut() -> bool,
    passes: &mut [&mut BatchDelete<'_>],
) -> Result<usize, StorageError> {
    let mut total = 0;
    for delete_batch in passes {
        loop {
            let batch = write_transaction(conn, |conn| delete_batch(conn, PURGE_BATCH))?;
            total += batch.deleted;
            if batch.found < PURGE_BATCH as usize {
                break;
            }
            if !next_batch() {
                return Ok(total);
            }
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;
    use diesel::prelude::*;

    use super::*;
    use crate::audit::{self, NewAuditEvent};
    use crate::schema::audit_events;
    use crate::testing::{fixed_now, for_each_backend};

    /// `rows` audit events, all older than [`fixed_now`].
    fn old_events(conn: &mut DbConnection, rows: usize) {
        for _ in 0..rows {
            let event = NewAuditEvent {
                user_id: None,
                kind: "test",
                ip: None,
                user_agent: None,
                detail: None,
                created_at: fixed_now() - TimeDelta::days(1),
            };
            audit::record(conn, &event).unwrap();
        }
    }

    /// Deletes up to `limit` audit events older than [`fixed_now`].
    fn delete_old_events(conn: &mut DbConnection, limit: i64) -> Result<Batch, StorageError> {
        let ids: Vec<i64> = audit_events::table
            .filter(audit_events::created_at.lt(fixed_now()))
            .select(audit_events::id)
            .limit(limit)
            .load(conn)?;
        let deleted = diesel::delete(audit_events::table.filter(audit_events::id.eq_any(&ids)))
            .execute(conn)?;
        Ok(Batch {
            found: ids.len(),
            deleted,
        })
    }

    fn remaining(conn: &mut DbConnection) -> i64 {
        audit_events::table.count().get_result(conn).unwrap()
    }

    #[test]
    fn batches_run_until_one_is_short_and_are_asked_for_only_after_a_full_one() {
        for_each_backend(|db| {
            // Arrange: two full batches and a partial one.
            let conn = &mut db.conn().unwrap();
            let batch = PURGE_BATCH as usize;
            old_events(conn, 2 * batch + 20);

            // Act
            let mut asked = 0;
            let purged = in_batches(
                conn,
                &mut || {
                    asked += 1;
                    true
                },
                delete_old_events,
            )
            .unwrap();

            // Assert: everything deleted; asked after each full batch, not after the last.
            assert_eq!((purged, asked), (2 * batch + 20, 2));
            assert_eq!(remaining(conn), 0);
        });
    }

    #[test]
    fn a_purge_told_to_stop_keeps_the_rest_for_later() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let batch = PURGE_BATCH as usize;
            old_events(conn, batch + 1);

            // Act
            let stopped = in_batches(conn, &mut || false, delete_old_events).unwrap();

            // Assert
            assert_eq!(stopped, batch);
            assert_eq!(remaining(conn), 1);
        });
    }

    #[test]
    fn passes_run_in_order_and_a_stop_ends_the_whole_purge() {
        for_each_backend(|db| {
            // Arrange: more than a batch of events, and a pass that records when it ran.
            let conn = &mut db.conn().unwrap();
            let batch = PURGE_BATCH as usize;
            old_events(conn, batch + 1);
            let mut calls = Vec::new();

            // Act: the first pass is told to stop after its first (full) batch.
            let purged = in_passes(
                conn,
                &mut || false,
                &mut [
                    &mut |conn, limit| {
                        calls.push("first");
                        delete_old_events(conn, limit)
                    },
                    &mut |_, _| unreachable!("a purge told to stop runs no later pass"),
                ],
            )
            .unwrap();

            // Assert
            assert_eq!((purged, calls), (batch, vec!["first"]));
            assert_eq!(remaining(conn), 1);

            // Act: a short batch ends a pass, and the next pass runs.
            let mut second_ran = false;
            let purged = in_passes(
                conn,
                &mut || true,
                &mut [&mut delete_old_events, &mut |_, _| {
                    second_ran = true;
                    Ok(Batch {
                        found: 0,
                        deleted: 0,
                    })
                }],
            )
            .unwrap();

            // Assert
            assert_eq!((purged, second_ran), (1, true));
            assert_eq!(remaining(conn), 0);
        });
    }

    #[test]
    fn a_failing_batch_is_an_error_and_rolls_back() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            old_events(conn, 3);

            // Act: the batch deletes, then fails before its transaction commits.
            let result = in_batches(conn, &mut || true, |conn, limit| {
                delete_old_events(conn, limit)?;
                Err(StorageError::NotFound("test"))
            });

            // Assert
            assert!(result.is_err());
            assert_eq!(remaining(conn), 3);
        });
    }
}
