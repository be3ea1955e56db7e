//! The `outbox` table: the durable mail queue.
//!
//! A request enqueues its mail in the database and is answered only after that commit, so an
//! SMTP outage delays mail but never loses it. Workers — several per instance, several
//! instances — claim due jobs with a time-limited lease, send, and then mark the job sent,
//! schedule a retry (see [`backoff`]), or give up. A worker that dies simply lets its lease
//! run out, and the job becomes due for another worker.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::{DbConnection, write_transaction};
use crate::error::StorageError;
use crate::purge::{self, Batch};
use crate::random;
use crate::schema::outbox;
use crate::text::truncate;
use crate::time;

pub use crate::backoff::{BACKOFF_BASE, BACKOFF_MAX, backoff, with_jitter};
pub use enqueue::{NewJob, enqueue_all};
pub use operators::{find, list_failed, list_of_kind, requeue, requeue_failed};
pub use outcomes::{Outcome, mark_sent_many, record_outcomes};

mod enqueue;
mod operators;
mod outcomes;

/// Longest stored error message, in characters.
const MAX_ERROR_CHARS: usize = 2000;

/// A queued mail job.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxJob {
    /// Primary key.
    pub id: i64,
    /// 32 random hex digits, stable across retries: name the job in the Message-ID with this
    /// (a retried send is then recognisable, and unlike `id` it reveals no mail volume).
    pub job_key: String,
    /// What to send, e.g. `password_reset`.
    pub kind: String,
    /// The job's parameters as JSON.
    pub payload: String,
    /// How many times the job has been claimed, the current claim included.
    pub attempts: i32,
    /// Not to be claimed before this time.
    pub next_attempt_at: NaiveDateTime,
    /// The worker holding the job, if any.
    pub lease_owner: Option<String>,
    /// When the current lease runs out.
    pub lease_expires_at: Option<NaiveDateTime>,
    /// When the mail was handed to the transport.
    pub sent_at: Option<NaiveDateTime>,
    /// When the job was given up.
    pub failed_at: Option<NaiveDateTime>,
    /// The last failure, for operators.
    pub last_error: Option<String>,
    /// When the job was enqueued.
    pub created_at: NaiveDateTime,
}

/// Queue health, for metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutboxStats {
    /// Jobs neither sent nor given up.
    pub pending: i64,
    /// Pending jobs whose next attempt time has come (leased or not).
    pub due: i64,
    /// Enqueue time of the oldest pending job: how far behind the queue is.
    pub oldest_pending_created_at: Option<NaiveDateTime>,
    /// Jobs given up.
    pub failed: i64,
}

/// Adds a job, due at once, and returns its id.
pub fn enqueue(
    conn: &mut DbConnection,
    kind: &str,
    payload: &str,
    now: NaiveDateTime,
) -> Result<i64, StorageError> {
    let job_key = random::hex_key()?;
    write_transaction(conn, |conn| {
        diesel::insert_into(outbox::table)
            .values((
                outbox::job_key.eq(&job_key),
                outbox::kind.eq(kind),
                outbox::payload.eq(payload),
                outbox::attempts.eq(0),
                outbox::next_attempt_at.eq(now),
                outbox::created_at.eq(now),
            ))
            .execute(conn)?;
        // MySQL has no RETURNING: find the new row again by its unique key.
        Ok(outbox::table
            .filter(outbox::job_key.eq(&job_key))
            .select(outbox::id)
            .first(conn)?)
    })
}

/// Claims up to `limit` due jobs for `owner` until `now + lease`, oldest first.
///
/// Safe with any number of workers and instances: candidates are read first, then each is
/// taken by a conditional `UPDATE` that repeats the "due and not leased" test; a job belongs
/// to this worker only if its `UPDATE` changed the row. Rows are taken in id order so that
/// two claimers never wait on each other in a cycle. Each claim counts as an attempt.
pub fn claim(
    conn: &mut DbConnection,
    owner: &str,
    now: NaiveDateTime,
    lease: Duration,
    limit: u32,
) -> Result<Vec<OutboxJob>, StorageError> {
    let lease_expires_at = time::add(now, lease)?;
    let limit = limit as usize;
    write_transaction(conn, |conn| {
        let mut claimed = Vec::with_capacity(limit);
        // Ids this claim tried, won or lost. On MySQL two claimants that start together read
        // the same due jobs (a plain read does not wait for the other's uncommitted leases);
        // the later one then waits for the earlier one's row locks and finds those jobs taken.
        // Instead of returning short, it reads again past them, so workers and lanes claiming
        // at once each get a batch of their own.
        let mut tried: Vec<i64> = Vec::with_capacity(limit);
        for _ in 0..CLAIM_ROUNDS {
            let wanted = limit - claimed.len();
            let mut candidates: Vec<i64> = outbox::table
                .filter(claimable(now))
                .filter(outbox::id.ne_all(&tried))
                .order((outbox::next_attempt_at.asc(), outbox::id.asc()))
                .limit(wanted as i64)
                .select(outbox::id)
                .load(conn)?;
            candidates.sort_unstable();
            let found = candidates.len();
            for id in candidates {
                tried.push(id);
                let taken = diesel::update(outbox::table.find(id).filter(claimable(now)))
                    .set((
                        outbox::lease_owner.eq(owner),
                        outbox::lease_expires_at.eq(lease_expires_at),
                        outbox::attempts.eq(outbox::attempts + 1),
                    ))
                    .execute(conn)?;
                if taken == 1 {
                    claimed.push(id);
                }
            }
            if found < wanted || claimed.len() == limit {
                break;
            }
        }
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        Ok(outbox::table
            .filter(outbox::id.eq_any(&claimed))
            .order(outbox::id.asc())
            .select(OutboxJob::as_select())
            .load(conn)?)
    })
}

/// Rounds of candidates one claim reads at most when concurrent claimants take its first ones
/// (bounds the work of one claim; eight covers a few instances with a few lanes each).
const CLAIM_ROUNDS: usize = 8;

/// Due (not sent, not given up, next attempt reached) and not leased by a live worker.
#[diesel::dsl::auto_type]
fn claimable(now: NaiveDateTime) -> _ {
    outbox::sent_at
        .is_null()
        .and(outbox::failed_at.is_null())
        .and(outbox::next_attempt_at.le(now))
        .and(
            outbox::lease_owner
                .is_null()
                .or(outbox::lease_expires_at.lt(now)),
        )
}

/// Records that the job was sent. `false` if `owner` no longer holds it (its lease ran out
/// and another worker took it), in which case nothing is changed.
pub fn mark_sent(
    conn: &mut DbConnection,
    id: i64,
    owner: &str,
    now: NaiveDateTime,
) -> Result<bool, StorageError> {
    write_transaction(conn, |conn| {
        let changed = diesel::update(held_by(id, owner))
            .set((
                outbox::sent_at.eq(Some(now)),
                outbox::lease_owner.eq(None::<String>),
                outbox::lease_expires_at.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        Ok(changed == 1)
    })
}

/// Releases the job to be tried again at `next_attempt_at` (see [`backoff`]), recording why
/// this attempt failed. `false` if `owner` no longer holds it.
pub fn retry_later(
    conn: &mut DbConnection,
    id: i64,
    owner: &str,
    error: &str,
    next_attempt_at: NaiveDateTime,
) -> Result<bool, StorageError> {
    write_transaction(conn, |conn| {
        let changed = diesel::update(held_by(id, owner))
            .set((
                outbox::next_attempt_at.eq(next_attempt_at),
                outbox::last_error.eq(Some(truncate(error, MAX_ERROR_CHARS))),
                outbox::lease_owner.eq(None::<String>),
                outbox::lease_expires_at.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        Ok(changed == 1)
    })
}

/// Gives the job up for good, recording why. `false` if `owner` no longer holds it.
pub fn give_up(
    conn: &mut DbConnection,
    id: i64,
    owner: &str,
    error: &str,
    now: NaiveDateTime,
) -> Result<bool, StorageError> {
    write_transaction(conn, |conn| {
        let changed = diesel::update(held_by(id, owner))
            .set((
                outbox::failed_at.eq(Some(now)),
                outbox::last_error.eq(Some(truncate(error, MAX_ERROR_CHARS))),
                outbox::lease_owner.eq(None::<String>),
                outbox::lease_expires_at.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        Ok(changed == 1)
    })
}

#[diesel::dsl::auto_type]
fn held_by<'a>(id: i64, owner: &'a str) -> _ {
    outbox::table
        .find(id)
        .filter(outbox::lease_owner.eq(owner))
        .filter(outbox::sent_at.is_null())
        .filter(outbox::failed_at.is_null())
}

/// Releases every lease `owner` holds (graceful shutdown), so other workers can take the jobs
/// at once instead of after the lease runs out; returns how many. The claims still count as
/// attempts.
pub fn release_leases(conn: &mut DbConnection, owner: &str) -> Result<usize, StorageError> {
    write_transaction(conn, |conn| {
        let held: Vec<i64> = outbox::table
            .filter(outbox::lease_owner.eq(owner))
            .filter(outbox::sent_at.is_null())
            .select(outbox::id)
            .load(conn)?;
        release_jobs(conn, owner, &held)
    })
}

/// Releases `owner`'s leases on the jobs `ids` that are not sent, so that another worker (or
/// another batch of the same worker) can claim them at once; jobs not leased to `owner` are
/// left alone. Returns how many were released.
pub fn release_jobs(
    conn: &mut DbConnection,
    owner: &str,
    ids: &[i64],
) -> Result<usize, StorageError> {
    if ids.is_empty() {
        return Ok(0);
    }
    write_transaction(conn, |conn| {
        Ok(diesel::update(
            outbox::table
                .filter(outbox::id.eq_any(ids))
                .filter(outbox::lease_owner.eq(owner))
                .filter(outbox::sent_at.is_null()),
        )
        .set((
            outbox::lease_owner.eq(None::<String>),
            outbox::lease_expires_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?)
    })
}

/// Counts pending, due and failed jobs and finds the oldest pending one.
pub fn stats(conn: &mut DbConnection, now: NaiveDateTime) -> Result<OutboxStats, StorageError> {
    let pending_filter = outbox::sent_at.is_null().and(outbox::failed_at.is_null());
    let (pending, oldest_pending_created_at) = outbox::table
        .filter(pending_filter)
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::min(outbox::created_at),
        ))
        .first(conn)?;
    let due = outbox::table
        .filter(pending_filter)
        .filter(outbox::next_attempt_at.le(now))
        .count()
        .get_result(conn)?;
    let failed = outbox::table
        .filter(outbox::failed_at.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(OutboxStats {
        pending,
        due,
        oldest_pending_created_at,
        failed,
    })
}

/// Deletes jobs sent before `older_than`, in batches; returns how many. Jobs given up are kept
/// for operators to inspect.
pub fn purge_sent(
    conn: &mut DbConnection,
    older_than: NaiveDateTime,
) -> Result<usize, StorageError> {
    purge_sent_paced(conn, older_than, &mut || true)
}

/// [`purge_sent`], calling `next_batch` between two batches: it may pause (to let other
/// writers in) and returns `false` to stop there, leaving the rest for a later purge.
pub fn purge_sent_paced(
    conn: &mut DbConnection,
    older_than: NaiveDateTime,
    next_batch: &mut dyn FnMut() -> bool,
) -> Result<usize, StorageError> {
    purge::in_batches(conn, next_batch, |conn, limit| {
        let ids: Vec<i64> = outbox::table
            .filter(outbox::sent_at.lt(older_than))
            .select(outbox::id)
            .limit(limit)
            .load(conn)?;
        let deleted =
            diesel::delete(outbox::table.filter(outbox::id.eq_any(&ids))).execute(conn)?;
        Ok(Batch {
            found: ids.len(),
            deleted,
        })
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::Barrier;

    use chrono::TimeDelta;

    use super::*;
    use crate::purge::PURGE_BATCH;
    use crate::testing::{fixed_now, for_each_backend};

    const LEASE: Duration = Duration::from_secs(60);

    fn job(conn: &mut DbConnection, id: i64) -> OutboxJob {
        outbox::table
            .find(id)
            .select(OutboxJob::as_select())
            .first(conn)
            .unwrap()
    }

    #[test]
    fn an_enqueued_job_is_due_at_once_with_a_random_key() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();

            // Act
            let first = enqueue(
                conn,
                "password_reset",
                r#"{"email":"a@example.com"}"#,
                fixed_now(),
            )
            .unwrap();
            let second = enqueue(conn, "password_reset", "{}", fixed_now()).unwrap();

            // Assert
            let stored = job(conn, first);
            assert_eq!(stored.kind, "password_reset");
            assert_eq!(stored.payload, r#"{"email":"a@example.com"}"#);
            assert_eq!(stored.attempts, 0);
            assert_eq!(stored.next_attempt_at, fixed_now());
            assert_eq!(stored.job_key.len(), 32);
            assert!(stored.job_key.bytes().all(|b| b.is_ascii_hexdigit()));
            assert_ne!(stored.job_key, job(conn, second).job_key);
        });
    }

    #[test]
    fn claiming_leases_due_jobs_oldest_first_and_counts_an_attempt() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            let later = enqueue(conn, "b", "{}", now).unwrap();
            let earlier = enqueue(conn, "a", "{}", now - TimeDelta::minutes(1)).unwrap();
            let future = enqueue(conn, "c", "{}", now + TimeDelta::minutes(1)).unwrap();

            // Act
            let claimed = claim(conn, "worker-1", now, LEASE, 10).unwrap();

            // Assert
            let ids: Vec<i64> = claimed.iter().map(|j| j.id).collect();
            assert_eq!(ids, vec![later, earlier]);
            for job in &claimed {
                assert_eq!(job.lease_owner.as_deref(), Some("worker-1"));
                assert_eq!(job.lease_expires_at, Some(now + TimeDelta::minutes(1)));
                assert_eq!(job.attempts, 1);
            }
            assert_eq!(job(conn, future).lease_owner, None);
        });
    }

    #[test]
    fn claiming_respects_the_limit_and_picks_the_oldest() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            let newest = enqueue(conn, "a", "{}", now).unwrap();
            let oldest = enqueue(conn, "a", "{}", now - TimeDelta::minutes(2)).unwrap();
            enqueue(conn, "a", "{}", now - TimeDelta::minutes(1)).unwrap();

            let claimed = claim(conn, "w", now, LEASE, 1).unwrap();

            assert_eq!(claimed.len(), 1);
            assert_eq!(claimed[0].id, oldest);
            assert_ne!(claimed[0].id, newest);
        });
    }

    #[test]
    fn a_leased_job_is_not_claimed_again_until_the_lease_runs_out() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            let id = enqueue(conn, "a", "{}", now).unwrap();
            claim(conn, "worker-1", now, LEASE, 10).unwrap();

            // Act
            let during = claim(conn, "worker-2", now + TimeDelta::seconds(59), LEASE, 10).unwrap();
            let after = claim(conn, "worker-2", now + TimeDelta::seconds(61), LEASE, 10).unwrap();

            // Assert
            assert!(during.is_empty());
            assert_eq!(after.len(), 1);
            assert_eq!(after[0].id, id);
            assert_eq!(after[0].attempts, 2);
            assert_eq!(after[0].lease_owner.as_deref(), Some("worker-2"));
        });
    }

    #[test]
    fn a_sent_job_is_never_claimed_again() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            let id = enqueue(conn, "a", "{}", now).unwrap();
            claim(conn, "w", now, LEASE, 10).unwrap();

            // Act
            let marked = mark_sent(conn, id, "w", now).unwrap();

            // Assert
            assert!(marked);
            let stored = job(conn, id);
            assert_eq!(stored.sent_at, Some(now));
            assert_eq!(stored.lease_owner, None);
            assert!(
                claim(conn, "w", now + TimeDelta::hours(1), LEASE, 10)
                    .unwrap()
                    .is_empty()
            );
        });
    }

    #[test]
    fn a_worker_that_lost_its_lease_cannot_finish_the_job() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            let id = enqueue(conn, "a", "{}", now).unwrap();
            claim(conn, "slow", now, LEASE, 10).unwrap();
            let later = now + TimeDelta::minutes(2);
            claim(conn, "fast", later, LEASE, 10).unwrap();

            // Act
            let sent = mark_sent(conn, id, "slow", later).unwrap();
            let retried = retry_later(conn, id, "slow", "boom", later).unwrap();
            let given_up = give_up(conn, id, "slow", "boom", later).unwrap();

            // Assert
            assert!(!sent && !retried && !given_up);
            let stored = job(conn, id);
            assert_eq!(stored.lease_owner.as_deref(), Some("fast"));
            assert_eq!((stored.sent_at, stored.failed_at), (None, None));
        });
    }

    #[test]
    fn a_retried_job_waits_until_its_next_attempt_and_keeps_the_error() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            let id = enqueue(conn, "a", "{}", now).unwrap();
            claim(conn, "w", now, LEASE, 10).unwrap();
            let next = now + TimeDelta::minutes(5);

            // Act
            let retried = retry_later(conn, id, "w", "421 try again later", next).unwrap();

            // Assert
            assert!(retried);
            let stored = job(conn, id);
            assert_eq!(stored.last_error.as_deref(), Some("421 try again later"));
            assert_eq!(stored.lease_owner, None);
            assert!(
                claim(conn, "w", next - TimeDelta::seconds(1), LEASE, 10)
                    .unwrap()
                    .is_empty()
            );
            assert_eq!(claim(conn, "w", next, LEASE, 10).unwrap().len(), 1);
        });
    }

    #[test]
    fn a_given_up_job_is_failed_and_never_claimed() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            let id = enqueue(conn, "a", "{}", now).unwrap();
            claim(conn, "w", now, LEASE, 10).unwrap();
            let long_error = "x".repeat(5000);

            // Act
            let gave_up = give_up(conn, id, "w", &long_error, now).unwrap();

            // Assert
            assert!(gave_up);
            let stored = job(conn, id);
            assert_eq!(stored.failed_at, Some(now));
            assert_eq!(stored.last_error.map(|e| e.len()), Some(MAX_ERROR_CHARS));
            assert!(
                claim(conn, "w", now + TimeDelta::days(1), LEASE, 10)
                    .unwrap()
                    .is_empty()
            );
        });
    }

    #[test]
    fn released_leases_can_be_claimed_at_once_by_others() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            enqueue(conn, "a", "{}", now).unwrap();
            enqueue(conn, "a", "{}", now).unwrap();
            let mine = enqueue(conn, "a", "{}", now).unwrap();
            claim(conn, "stopping", now, LEASE, 2).unwrap();
            claim(conn, "staying", now, LEASE, 1).unwrap();

            // Act
            let released = release_leases(conn, "stopping").unwrap();

            // Assert
            assert_eq!(released, 2);
            let taken = claim(conn, "other", now, LEASE, 10).unwrap();
            assert_eq!(taken.len(), 2);
            assert_eq!(job(conn, mine).lease_owner.as_deref(), Some("staying"));
        });
    }

    #[test]
    fn released_jobs_are_claimable_and_the_owners_other_leases_are_kept() {
        for_each_backend(|db| {
            // Arrange: one worker holds three jobs, another one.
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            let ids: Vec<i64> = (0..4)
                .map(|_| enqueue(conn, "a", "{}", now).unwrap())
                .collect();
            claim(conn, "worker", now, LEASE, 3).unwrap();
            claim(conn, "other", now, LEASE, 1).unwrap();

            // Act: the worker gives back two of its jobs, and names the other's job too.
            let released = release_jobs(conn, "worker", &[ids[0], ids[1], ids[3]]).unwrap();

            // Assert: only its own two were released; its third lease and the other's stay.
            assert_eq!(released, 2);
            assert_eq!(job(conn, ids[2]).lease_owner.as_deref(), Some("worker"));
            assert_eq!(job(conn, ids[3]).lease_owner.as_deref(), Some("other"));
            let taken: BTreeSet<i64> = claim(conn, "third", now, LEASE, 10)
                .unwrap()
                .into_iter()
                .map(|job| job.id)
                .collect();
            assert_eq!(taken, BTreeSet::from([ids[0], ids[1]]));
            assert_eq!(release_jobs(conn, "worker", &[]).unwrap(), 0);
        });
    }

    #[test]
    fn stats_count_pending_due_and_failed_jobs() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            let oldest = now - TimeDelta::minutes(10);
            let sent = enqueue(conn, "a", "{}", oldest - TimeDelta::minutes(1)).unwrap();
            let failed = enqueue(conn, "a", "{}", oldest - TimeDelta::minutes(1)).unwrap();
            claim(conn, "w", now, LEASE, 10).unwrap();
            mark_sent(conn, sent, "w", now).unwrap();
            give_up(conn, failed, "w", "bounced", now).unwrap();
            enqueue(conn, "a", "{}", oldest).unwrap();
            enqueue(conn, "a", "{}", now + TimeDelta::minutes(1)).unwrap();

            // Act
            let stats = stats(conn, now).unwrap();

            // Assert
            assert_eq!(
                stats,
                OutboxStats {
                    pending: 2,
                    due: 1,
                    oldest_pending_created_at: Some(oldest),
                    failed: 1,
                }
            );
        });
    }

    #[test]
    fn stats_of_an_empty_queue_are_zero() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();
            let stats = stats(conn, fixed_now()).unwrap();
            assert_eq!((stats.pending, stats.due, stats.failed), (0, 0, 0));
            assert_eq!(stats.oldest_pending_created_at, None);
        });
    }

    #[test]
    fn a_paced_purge_of_sent_jobs_is_asked_between_batches_and_stops_when_told() {
        for_each_backend(|db| {
            // Arrange: two full batches and a partial one, sent long ago.
            let conn = &mut db.conn().unwrap();
            let batch = PURGE_BATCH as usize;
            let old = fixed_now() - TimeDelta::days(30);
            let jobs = vec![
                NewJob {
                    kind: "password_reset",
                    payload: "{}",
                };
                2 * batch + 20
            ];
            enqueue_all(conn, &jobs, old).unwrap();
            diesel::update(outbox::table)
                .set(outbox::sent_at.eq(Some(old)))
                .execute(&mut **conn)
                .unwrap();
            let mut asked = 0;

            // Act
            let stopped = purge_sent_paced(conn, fixed_now(), &mut || {
                asked += 1;
                false
            })
            .unwrap();
            let rest = purge_sent_paced(conn, fixed_now(), &mut || true).unwrap();

            // Assert
            assert_eq!((stopped, asked), (batch, 1));
            assert_eq!(rest, batch + 20);
        });
    }

    #[test]
    fn purging_removes_only_jobs_sent_before_the_cutoff() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            let old = enqueue(conn, "a", "{}", now).unwrap();
            let recent = enqueue(conn, "a", "{}", now).unwrap();
            let failed = enqueue(conn, "a", "{}", now).unwrap();
            let pending = enqueue(conn, "a", "{}", now + TimeDelta::days(9)).unwrap();
            claim(conn, "w", now, LEASE, 10).unwrap();
            mark_sent(conn, old, "w", now).unwrap();
            mark_sent(conn, recent, "w", now + TimeDelta::days(8)).unwrap();
            give_up(conn, failed, "w", "bounced", now).unwrap();

            // Act
            let purged = purge_sent(conn, now + TimeDelta::days(7)).unwrap();

            // Assert
            assert_eq!(purged, 1);
            let left: BTreeSet<i64> = outbox::table
                .select(outbox::id)
                .load(&mut **conn)
                .unwrap()
                .into_iter()
                .collect();
            assert_eq!(left, BTreeSet::from([recent, failed, pending]));
        });
    }

    #[test]
    fn workers_claiming_concurrently_never_share_a_job_and_together_get_all() {
        for_each_backend(|db| {
            // Arrange
            let jobs = 60;
            let now = fixed_now();
            let conn = &mut db.conn().unwrap();
            let all: BTreeSet<i64> = (0..jobs)
                .map(|_| enqueue(conn, "a", "{}", now).unwrap())
                .collect();
            let workers = 4;
            let barrier = Barrier::new(workers);

            // Act: each worker claims small batches until the queue is empty.
            let per_worker: Vec<Vec<i64>> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..workers)
                    .map(|w| {
                        let barrier = &barrier;
                        scope.spawn(move || {
                            let owner = format!("worker-{w}");
                            let mut conn = db.conn().unwrap();
                            let mut mine = Vec::new();
                            barrier.wait();
                            loop {
                                let batch = claim(&mut conn, &owner, now, LEASE, 3).unwrap();
                                if batch.is_empty() {
                                    return mine;
                                }
                                for job in batch {
                                    assert!(mark_sent(&mut conn, job.id, &owner, now).unwrap());
                                    mine.push(job.id);
                                }
                            }
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });

            // Assert
            let claimed: Vec<i64> = per_worker.iter().flatten().copied().collect();
            let unique: BTreeSet<i64> = claimed.iter().copied().collect();
            assert_eq!(claimed.len(), unique.len(), "a job was claimed twice");
            assert_eq!(unique, all);
        });
    }

    #[test]
    fn an_absurd_lease_is_an_error() {
        for_each_backend(|db| {
            let conn = &mut db.conn().unwrap();
            let result = claim(conn, "w", fixed_now(), Duration::MAX, 1);
            assert!(matches!(result, Err(StorageError::TimeOutOfRange(_))));
        });
    }
}
