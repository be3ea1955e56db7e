//! Adding many jobs at once: the batches of concurrent link requests, written with one
//! multi-row `INSERT` per chunk instead of a savepoint, an insert and a lookup per job.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::{DbConnection, write_transaction};
use crate::error::StorageError;
use crate::random;
use crate::schema::outbox;

/// Values bound per row by [`enqueue_all`].
const COLUMNS_PER_ROW: usize = 6;
/// Rows per `INSERT` statement. SQLite allows 32,766 bound values per statement and MySQL
/// 65,535; 1,000 rows (6,000 values) stays far below both, and keeps a statement of the
/// largest payloads well inside MySQL's default `max_allowed_packet`.
const ROWS_PER_INSERT: usize = 1000;
const _: () = assert!(ROWS_PER_INSERT * COLUMNS_PER_ROW <= 32_766);

/// A job to add with [`enqueue_all`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewJob<'a> {
    /// What to send, e.g. `password_reset`.
    pub kind: &'a str,
    /// The job's parameters as JSON.
    pub payload: &'a str,
}

/// Adds every job, due at `now`, and returns how many were written.
///
/// All or nothing: the jobs are written in one transaction (a savepoint inside the caller's),
/// with one multi-row `INSERT` per 1000 jobs (`ROWS_PER_INSERT`). The new ids are not read
/// back — MySQL has no `RETURNING`, and finding every row again by its key would cost as much
/// as the per-job [`super::enqueue`] this replaces; callers that need an id use that instead.
pub fn enqueue_all(
    conn: &mut DbConnection,
    jobs: &[NewJob<'_>],
    now: NaiveDateTime,
) -> Result<usize, StorageError> {
    if jobs.is_empty() {
        return Ok(0);
    }
    let keys = jobs
        .iter()
        .map(|_| random::hex_key())
        .collect::<Result<Vec<_>, _>>()?;
    write_transaction(conn, |conn| {
        let mut written = 0;
        for (jobs, keys) in jobs
            .chunks(ROWS_PER_INSERT)
            .zip(keys.chunks(ROWS_PER_INSERT))
        {
            let rows: Vec<_> = jobs
                .iter()
                .zip(keys)
                .map(|(job, key)| {
                    (
                        outbox::job_key.eq(key),
                        outbox::kind.eq(job.kind),
                        outbox::payload.eq(job.payload),
                        outbox::attempts.eq(0),
                        outbox::next_attempt_at.eq(now),
                        outbox::created_at.eq(now),
                    )
                })
                .collect();
            // One statement, written once, run on the backend's own connection: diesel's
            // multi-backend connection cannot express a multi-row INSERT.
            macro_rules! insert_rows {
                ($conn:expr) => {
                    diesel::insert_into(outbox::table)
                        .values(&rows)
                        .execute($conn)?
                };
            }
            written += match conn {
                #[cfg(feature = "mysql")]
                DbConnection::Mysql(conn) => insert_rows!(conn),
                #[cfg(feature = "postgres")]
                DbConnection::Postgres(conn) => insert_rows!(conn),
                DbConnection::Sqlite(conn) => insert_rows!(conn),
            };
        }
        Ok(written)
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::outbox::{OutboxJob, stats};
    use crate::testing::{fixed_now, for_each_backend, for_each_backend_unmigrated};

    fn all_jobs(conn: &mut DbConnection) -> Vec<OutboxJob> {
        outbox::table
            .order(outbox::id)
            .select(OutboxJob::as_select())
            .load(conn)
            .unwrap()
    }

    #[test]
    fn every_job_of_a_batch_is_written_due_at_once_with_its_own_key() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let payloads: Vec<String> = (0..3).map(|n| format!(r#"{{"n":{n}}}"#)).collect();
            let jobs: Vec<NewJob<'_>> = payloads
                .iter()
                .map(|payload| NewJob {
                    kind: "password_reset_requested",
                    payload,
                })
                .collect();

            // Act
            let written = enqueue_all(conn, &jobs, fixed_now()).unwrap();

            // Assert
            assert_eq!(written, 3);
            let stored = all_jobs(conn);
            assert_eq!(
                stored
                    .iter()
                    .map(|j| j.payload.as_str())
                    .collect::<Vec<_>>(),
                payloads
            );
            for job in &stored {
                assert_eq!(job.kind, "password_reset_requested");
                assert_eq!(job.attempts, 0);
                assert_eq!(job.next_attempt_at, fixed_now());
                assert_eq!(job.created_at, fixed_now());
                assert_eq!(job.lease_owner, None);
                assert_eq!(job.sent_at, None);
                assert_eq!(job.job_key.len(), 32);
            }
            let keys: BTreeSet<_> = stored.iter().map(|j| &j.job_key).collect();
            assert_eq!(keys.len(), 3);
        });
    }

    #[test]
    fn a_batch_larger_than_one_statement_is_written_whole() {
        for_each_backend(|db| {
            // Arrange: more rows than one INSERT takes.
            let conn = &mut db.conn().unwrap();
            let count = ROWS_PER_INSERT * 2 + 7;
            let jobs = vec![
                NewJob {
                    kind: "magic_link_requested",
                    payload: "{}",
                };
                count
            ];

            // Act
            let written = enqueue_all(conn, &jobs, fixed_now()).unwrap();

            // Assert
            assert_eq!(written, count);
            assert_eq!(stats(conn, fixed_now()).unwrap().pending, count as i64);
        });
    }

    #[test]
    fn an_empty_batch_writes_nothing() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();

            assert_eq!(enqueue_all(conn, &[], fixed_now()).unwrap(), 0);

            assert!(all_jobs(conn).is_empty());
        });
    }

    #[test]
    fn a_batch_that_cannot_be_written_is_an_error() {
        for_each_backend_unmigrated(|db| {
            // Arrange: no outbox table.
            let conn = &mut db.conn().unwrap();
            let jobs = [NewJob {
                kind: "password_reset_requested",
                payload: "{}",
            }];

            // Act
            let result = enqueue_all(conn, &jobs, fixed_now());

            // Assert
            assert!(matches!(result, Err(StorageError::Query(_))), "{result:?}");
        });
    }
}
