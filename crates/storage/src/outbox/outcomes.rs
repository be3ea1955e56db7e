//! Recording the outcomes of a whole claimed batch in one transaction.
//!
//! A worker delivers a batch concurrently and then writes what became of every job at once:
//! one commit (one fsync) per batch instead of one per mail. Each job is still changed only
//! while `owner` holds its lease, exactly as [`super::mark_sent`], [`super::retry_later`] and
//! [`super::give_up`] do one at a time.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::{DbConnection, write_transaction};
use crate::error::StorageError;
use crate::schema::outbox;

/// Ids per `UPDATE … WHERE id IN (…)`, well below every backend's limit on bound values.
const IDS_PER_STATEMENT: usize = 500;

/// What became of one claimed job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The relay accepted the mail (or the job needed none): closed as sent at this time.
    Sent(NaiveDateTime),
    /// The attempt failed; try again at this time, recording why.
    RetryAt(NaiveDateTime, String),
    /// Given up for good at this time, recording why.
    GiveUpAt(NaiveDateTime, String),
}

/// Closes the jobs `ids` as sent at `now`, in one transaction; returns how many `owner` still
/// held (a job whose lease was taken over is left alone).
pub fn mark_sent_many(
    conn: &mut DbConnection,
    ids: &[i64],
    owner: &str,
    now: NaiveDateTime,
) -> Result<usize, StorageError> {
    write_transaction(conn, |conn| {
        let mut changed = 0;
        for chunk in ids.chunks(IDS_PER_STATEMENT) {
            changed += diesel::update(
                outbox::table
                    .filter(outbox::id.eq_any(chunk))
                    .filter(outbox::lease_owner.eq(owner))
                    .filter(outbox::sent_at.is_null())
                    .filter(outbox::failed_at.is_null()),
            )
            .set((
                outbox::sent_at.eq(Some(now)),
                outbox::lease_owner.eq(None::<String>),
                outbox::lease_expires_at.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        }
        Ok(changed)
    })
}

/// Records every `(job id, outcome)` in one transaction: the sent ones with one statement per
/// 500 ids (`IDS_PER_STATEMENT`), retries and give-ups one by one. Returns how many jobs
/// `owner` still held; the others were taken over after their lease ran out and are left to
/// the new holder.
pub fn record_outcomes(
    conn: &mut DbConnection,
    owner: &str,
    outcomes: &[(i64, Outcome)],
) -> Result<usize, StorageError> {
    write_transaction(conn, |conn| {
        let mut recorded = 0;
        let mut sent_at: Vec<(NaiveDateTime, Vec<i64>)> = Vec::new();
        for (id, outcome) in outcomes {
            match outcome {
                Outcome::Sent(at) => match sent_at.iter_mut().find(|(time, _)| time == at) {
                    Some((_, ids)) => ids.push(*id),
                    None => sent_at.push((*at, vec![*id])),
                },
                Outcome::RetryAt(next, error) => {
                    recorded += usize::from(super::retry_later(conn, *id, owner, error, *next)?);
                }
                Outcome::GiveUpAt(at, error) => {
                    recorded += usize::from(super::give_up(conn, *id, owner, error, *at)?);
                }
            }
        }
        for (at, ids) in &sent_at {
            recorded += mark_sent_many(conn, ids, owner, *at)?;
        }
        Ok(recorded)
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use chrono::TimeDelta;

    use super::super::{OutboxJob, claim, enqueue};
    use super::*;
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
    fn marking_many_sent_closes_only_the_jobs_the_owner_holds() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            let ours: Vec<i64> = (0..2)
                .map(|_| enqueue(conn, "a", "{}", now).unwrap())
                .collect();
            claim(conn, "worker-1", now, LEASE, 2).unwrap();
            let theirs = enqueue(conn, "a", "{}", now).unwrap();
            claim(conn, "worker-2", now, LEASE, 10).unwrap();
            let later = now + TimeDelta::seconds(1);

            // Act
            let marked = mark_sent_many(conn, &[ours[0], ours[1], theirs], "worker-1", later);

            // Assert
            assert_eq!(marked.unwrap(), 2);
            for id in ours {
                let stored = job(conn, id);
                assert_eq!(stored.sent_at, Some(later));
                assert_eq!(stored.lease_owner, None);
                assert_eq!(stored.lease_expires_at, None);
            }
            assert_eq!(job(conn, theirs).sent_at, None);
            assert_eq!(job(conn, theirs).lease_owner.as_deref(), Some("worker-2"));
        });
    }

    #[test]
    fn marking_more_jobs_sent_than_one_statement_takes_marks_them_all() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            let count = IDS_PER_STATEMENT + 20;
            let ids: Vec<i64> = (0..count)
                .map(|_| enqueue(conn, "a", "{}", now).unwrap())
                .collect();
            let limit = u32::try_from(count).unwrap();
            assert_eq!(claim(conn, "w", now, LEASE, limit).unwrap().len(), count);

            // Act
            let marked = mark_sent_many(conn, &ids, "w", now).unwrap();

            // Assert
            assert_eq!(marked, count);
            assert!(
                claim(conn, "w", now + TimeDelta::hours(1), LEASE, 10)
                    .unwrap()
                    .is_empty()
            );
        });
    }

    #[test]
    fn every_outcome_of_a_batch_is_recorded_and_taken_over_jobs_are_left_alone() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            let ids: Vec<i64> = (0..4)
                .map(|_| enqueue(conn, "a", "{}", now).unwrap())
                .collect();
            claim(conn, "w", now, LEASE, 4).unwrap();
            // the last job's lease ran out and another worker took it over
            diesel::update(outbox::table.find(ids[3]))
                .set(outbox::lease_expires_at.eq(Some(now)))
                .execute(conn)
                .unwrap();
            let taken = claim(conn, "other", now + TimeDelta::seconds(1), LEASE, 10).unwrap();
            assert_eq!(taken.len(), 1);
            let retry_at = now + TimeDelta::seconds(30);
            let outcomes = [
                (ids[0], Outcome::Sent(now)),
                (ids[1], Outcome::RetryAt(retry_at, "451 later".into())),
                (ids[2], Outcome::GiveUpAt(now, "550 refused".into())),
                (ids[3], Outcome::Sent(now)),
            ];

            // Act
            let recorded = record_outcomes(conn, "w", &outcomes).unwrap();

            // Assert
            assert_eq!(recorded, 3);
            assert_eq!(job(conn, ids[0]).sent_at, Some(now));
            let retried = job(conn, ids[1]);
            assert_eq!(
                (retried.next_attempt_at, retried.last_error.as_deref()),
                (retry_at, Some("451 later"))
            );
            assert_eq!(retried.lease_owner, None);
            let given_up = job(conn, ids[2]);
            assert_eq!(given_up.failed_at, Some(now));
            assert_eq!(given_up.last_error.as_deref(), Some("550 refused"));
            let taken_over = job(conn, ids[3]);
            assert_eq!(taken_over.sent_at, None);
            assert_eq!(taken_over.lease_owner.as_deref(), Some("other"));
        });
    }
}
