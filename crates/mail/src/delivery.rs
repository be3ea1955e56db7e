//! Delivering one claimed outbox job and recording the outcome.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use chrono::NaiveDateTime;
use storage::outbox::{self, OutboxJob};
use storage::{Database, DbConnection, StorageError};

use crate::worker::OutboxWorker;
use crate::{Composition, MailError};

/// A successful outcome of one attempt.
enum Delivered {
    Sent {
        to: String,
        template: String,
        message_id: String,
    },
    Skipped(String),
}

/// Delivers one claimed job and records the outcome: sent (or skipped), retried with backoff,
/// or given up when the failure is permanent or the attempts are used up.
pub(crate) async fn process(worker: &Arc<OutboxWorker>, job: OutboxJob) {
    let outcome = deliver(worker, &job).await;
    let (id, owner, now) = (job.id, worker.owner.clone(), (worker.clock)());
    let counters = &worker.counters;
    let recorded = match outcome {
        Ok(Delivered::Sent {
            to,
            template,
            message_id,
        }) => {
            counters.sent.fetch_add(1, Ordering::Relaxed);
            tracing::info!(job = id, %to, %template, %message_id, attempt = job.attempts, "email sent");
            blocking(&worker.db, move |conn| {
                outbox::mark_sent(conn, id, &owner, now)
            })
            .await
        }
        Ok(Delivered::Skipped(reason)) => {
            counters.skipped.fetch_add(1, Ordering::Relaxed);
            tracing::info!(job = id, kind = %job.kind, %reason, "email skipped");
            blocking(&worker.db, move |conn| {
                outbox::mark_sent(conn, id, &owner, now)
            })
            .await
        }
        Err(error) if error.is_permanent() || attempts(&job) >= worker.settings.max_attempts => {
            counters.failed.fetch_add(1, Ordering::Relaxed);
            tracing::error!(job = id, kind = %job.kind, attempt = job.attempts, %error, "email given up");
            let text = error.to_string();
            blocking(&worker.db, move |conn| {
                outbox::give_up(conn, id, &owner, &text, now)
            })
            .await
        }
        Err(error) => {
            counters.retried.fetch_add(1, Ordering::Relaxed);
            let next = next_attempt(&job, now);
            tracing::warn!(job = id, kind = %job.kind, attempt = job.attempts, %next, %error, "email will be retried");
            let text = error.to_string();
            blocking(&worker.db, move |conn| {
                outbox::retry_later(conn, id, &owner, &text, next)
            })
            .await
        }
    };
    match recorded {
        Ok(true) => {}
        Ok(false) => tracing::warn!(
            job = id,
            "outbox lease lost before the outcome was recorded"
        ),
        Err(error) => tracing::error!(job = id, %error, "recording the outbox outcome failed"),
    }
}

/// Composes on the blocking pool, builds the message and sends it within the send timeout.
async fn deliver(worker: &Arc<OutboxWorker>, job: &OutboxJob) -> Result<Delivered, MailError> {
    let composer = Arc::clone(&worker.composer);
    let claimed = job.clone();
    let composition = tokio::task::spawn_blocking(move || composer.compose(&claimed)).await??;
    let email = match composition {
        Composition::Send(email) => email,
        Composition::Skip(reason) => return Ok(Delivered::Skipped(reason)),
    };
    let message = worker.sender.build(&job.job_key, email)?;
    let timeout = worker.settings.send_timeout();
    tokio::time::timeout(timeout, worker.transport.send(&message))
        .await
        .map_err(|_| MailError::Timeout(timeout))??;
    Ok(Delivered::Sent {
        to: message.masked_recipient(),
        template: message.email.template().to_owned(),
        message_id: message.message_id,
    })
}

fn attempts(job: &OutboxJob) -> u32 {
    u32::try_from(job.attempts).unwrap_or(0)
}

/// Backoff after this attempt, stretched by up to a quarter from the job's random key, so the
/// jobs failed by one outage do not all come back in the same second.
fn next_attempt(job: &OutboxJob, now: NaiveDateTime) -> NaiveDateTime {
    let unit = job
        .job_key
        .get(..8)
        .and_then(|hex| u32::from_str_radix(hex, 16).ok())
        .map_or(0.0, |n| f64::from(n) / f64::from(u32::MAX));
    let delay = outbox::with_jitter(outbox::backoff(attempts(job)), unit);
    chrono::Duration::from_std(delay)
        .ok()
        .and_then(|delay| now.checked_add_signed(delay))
        .unwrap_or(now)
}

/// Runs a database call on the blocking pool with a pooled connection.
pub(crate) async fn blocking<T, F>(db: &Database, call: F) -> Result<T, MailError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> Result<T, StorageError> + Send + 'static,
{
    let db = db.clone();
    let result = tokio::task::spawn_blocking(move || {
        let mut conn = db.conn()?;
        call(&mut conn)
    })
    .await?;
    Ok(result?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(key: &str, attempts: i32) -> OutboxJob {
        let now = chrono::DateTime::UNIX_EPOCH.naive_utc();
        OutboxJob {
            id: 1,
            job_key: key.to_owned(),
            kind: "magic_link".to_owned(),
            payload: "{}".to_owned(),
            attempts,
            next_attempt_at: now,
            lease_owner: None,
            lease_expires_at: None,
            sent_at: None,
            failed_at: None,
            last_error: None,
            created_at: now,
        }
    }

    #[test]
    fn retries_back_off_from_thirty_seconds_and_double() {
        // Arrange
        let now = chrono::DateTime::UNIX_EPOCH.naive_utc();
        let key = "00000000ffffffffffffffffffffffff";

        // Act
        let first = next_attempt(&job(key, 1), now) - now;
        let second = next_attempt(&job(key, 2), now) - now;
        let third = next_attempt(&job(key, 3), now) - now;

        // Assert
        assert_eq!(first, chrono::Duration::seconds(30));
        assert_eq!(second, chrono::Duration::seconds(60));
        assert_eq!(third, chrono::Duration::seconds(120));
    }

    #[test]
    fn jitter_from_the_job_key_spreads_retries_by_up_to_a_quarter() {
        // Arrange
        let now = chrono::DateTime::UNIX_EPOCH.naive_utc();

        // Act
        let low = next_attempt(&job("00000000aaaa", 1), now) - now;
        let high = next_attempt(&job("ffffffffaaaa", 1), now) - now;
        let odd = next_attempt(&job("not-hex-at-all", 1), now) - now;

        // Assert
        assert_eq!(low, chrono::Duration::seconds(30));
        assert_eq!(high, chrono::Duration::milliseconds(37_500));
        assert_eq!(odd, chrono::Duration::seconds(30));
    }

    #[test]
    fn negative_attempt_counts_are_read_as_zero() {
        // Arrange / Act / Assert
        assert_eq!(attempts(&job("k", -3)), 0);
        assert_eq!(attempts(&job("k", 4)), 4);
    }
}
