//! What operators do with the outbox by hand: look at a job, list the given-up ones, and put
//! given-up jobs back in the queue (after fixing the SMTP relay, say).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::OutboxJob;
use crate::connection::{DbConnection, write_transaction};
use crate::error::StorageError;
use crate::schema::outbox;

/// The changes that put a given-up job back in the queue, due at `$now`.
macro_rules! back_in_queue {
    ($now:expr) => {
        (
            outbox::failed_at.eq(None::<NaiveDateTime>),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq($now),
            outbox::lease_owner.eq(None::<String>),
            outbox::lease_expires_at.eq(None::<NaiveDateTime>),
        )
    };
}

/// The job with this id, whatever its state.
pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<OutboxJob>, StorageError> {
    Ok(outbox::table
        .find(id)
        .select(OutboxJob::as_select())
        .first(conn)
        .optional()?)
}

/// Up to `limit` given-up jobs, the most recently given up first.
pub fn list_failed(conn: &mut DbConnection, limit: u32) -> Result<Vec<OutboxJob>, StorageError> {
    Ok(outbox::table
        .filter(outbox::failed_at.is_not_null())
        .order((outbox::failed_at.desc(), outbox::id.desc()))
        .limit(i64::from(limit))
        .select(OutboxJob::as_select())
        .load(conn)?)
}

/// Up to `limit` jobs of `kind` in any state, the newest first: for a view of one kind, such
/// as the webhook deliveries per endpoint.
pub fn list_of_kind(
    conn: &mut DbConnection,
    kind: &str,
    limit: u32,
) -> Result<Vec<OutboxJob>, StorageError> {
    Ok(outbox::table
        .filter(outbox::kind.eq(kind))
        .order(outbox::id.desc())
        .limit(i64::from(limit))
        .select(OutboxJob::as_select())
        .load(conn)?)
}

/// Puts a given-up job back in the queue, due at `now`, with a fresh attempt budget (the old
/// attempts were spent against a failure the operator has since dealt with). `false` when the
/// job does not exist or was not given up: a pending or sent job is never touched, so a job
/// cannot be sent twice this way. `last_error` is kept until the next attempt replaces it.
pub fn requeue(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> Result<bool, StorageError> {
    write_transaction(conn, |conn| {
        Ok(diesel::update(given_up().filter(outbox::id.eq(id)))
            .set(back_in_queue!(now))
            .execute(conn)?
            == 1)
    })
}

/// Puts every given-up job back in the queue (see [`requeue`]); returns how many.
pub fn requeue_failed(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, StorageError> {
    write_transaction(conn, |conn| {
        Ok(diesel::update(given_up())
            .set(back_in_queue!(now))
            .execute(conn)?)
    })
}

#[diesel::dsl::auto_type]
fn given_up() -> _ {
    outbox::table
        .filter(outbox::failed_at.is_not_null())
        .filter(outbox::sent_at.is_null())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use chrono::TimeDelta;

    use super::*;
    use crate::outbox::{claim, enqueue, give_up, mark_sent, stats};
    use crate::testing::{fixed_now, for_each_backend};

    const LEASE: Duration = Duration::from_secs(60);

    /// Enqueues a job, claims it and gives it up at `now`.
    fn failed_job(conn: &mut DbConnection, now: NaiveDateTime) -> i64 {
        let id = enqueue(conn, "password_reset", "{}", now).unwrap();
        let claimed = claim(conn, "w", now, LEASE, 100).unwrap();
        assert!(claimed.iter().any(|job| job.id == id));
        assert!(give_up(conn, id, "w", "550 mailbox unavailable", now).unwrap());
        id
    }

    #[test]
    fn a_job_is_found_by_its_id_in_any_state() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            let pending = enqueue(conn, "magic_link", "{\"a\":1}", now).unwrap();
            let failed = failed_job(conn, now);

            // Act
            let found_pending = find(conn, pending).unwrap().unwrap();
            let found_failed = find(conn, failed).unwrap().unwrap();
            let missing = find(conn, failed + 1000).unwrap();

            // Assert
            assert_eq!(found_pending.kind, "magic_link");
            assert_eq!(found_pending.failed_at, None);
            assert_eq!(found_failed.failed_at, Some(now));
            assert_eq!(missing, None);
        });
    }

    #[test]
    fn given_up_jobs_are_listed_most_recent_first() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            let older = failed_job(conn, now - TimeDelta::minutes(5));
            let newer = failed_job(conn, now);
            enqueue(conn, "a", "{}", now).unwrap();

            // Act
            let all = list_failed(conn, 10).unwrap();
            let one = list_failed(conn, 1).unwrap();

            // Assert
            let ids: Vec<i64> = all.iter().map(|job| job.id).collect();
            assert_eq!(ids, vec![newer, older]);
            assert_eq!(one.len(), 1);
            assert_eq!(one[0].id, newer);
        });
    }

    #[test]
    fn a_requeued_job_is_due_at_once_with_a_fresh_attempt_budget() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            let id = failed_job(conn, now - TimeDelta::hours(1));

            // Act
            let requeued = requeue(conn, id, now).unwrap();

            // Assert
            assert!(requeued);
            let job = find(conn, id).unwrap().unwrap();
            assert_eq!(job.failed_at, None);
            assert_eq!(job.attempts, 0);
            assert_eq!(job.next_attempt_at, now);
            assert_eq!(job.last_error.as_deref(), Some("550 mailbox unavailable"));
            let claimed = claim(conn, "w2", now, LEASE, 10).unwrap();
            assert_eq!(claimed.iter().map(|j| j.id).collect::<Vec<_>>(), vec![id]);
            assert_eq!(claimed[0].attempts, 1);
        });
    }

    #[test]
    fn requeueing_leaves_pending_sent_and_missing_jobs_alone() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            let later = now + TimeDelta::minutes(1);
            let pending = enqueue(conn, "a", "{}", later).unwrap();
            let sent = enqueue(conn, "a", "{}", now).unwrap();
            claim(conn, "w", now, LEASE, 10).unwrap();
            mark_sent(conn, sent, "w", now).unwrap();

            // Act
            let pending_requeued = requeue(conn, pending, now).unwrap();
            let sent_requeued = requeue(conn, sent, now).unwrap();
            let missing_requeued = requeue(conn, sent + 1000, now).unwrap();

            // Assert
            assert!(!pending_requeued && !sent_requeued && !missing_requeued);
            assert_eq!(find(conn, pending).unwrap().unwrap().next_attempt_at, later);
            assert_eq!(find(conn, sent).unwrap().unwrap().sent_at, Some(now));
        });
    }

    #[test]
    fn requeueing_all_failed_jobs_empties_the_failed_count() {
        for_each_backend(|db| {
            // Arrange
            let conn = &mut db.conn().unwrap();
            let now = fixed_now();
            failed_job(conn, now);
            failed_job(conn, now);
            enqueue(conn, "a", "{}", now + TimeDelta::hours(1)).unwrap();

            // Act
            let requeued = requeue_failed(conn, now).unwrap();

            // Assert
            assert_eq!(requeued, 2);
            let after = stats(conn, now).unwrap();
            assert_eq!((after.failed, after.pending, after.due), (0, 3, 2));
            assert_eq!(requeue_failed(conn, now).unwrap(), 0);
        });
    }
}
