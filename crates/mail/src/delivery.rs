//! Delivering a claimed batch: compose it, send concurrently, and collect every outcome.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use chrono::NaiveDateTime;
use storage::outbox::{self, OutboxJob, Outcome};
use storage::{Database, DbConnection, StorageError};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::worker::OutboxWorker;
use crate::{Composition, HttpPost, MailError, OutgoingEmail};

/// A successful outcome of one attempt.
enum Delivered {
    Sent {
        to: String,
        template: String,
        message_id: String,
    },
    Posted {
        target: String,
        status: u16,
    },
    Skipped(String),
}

/// What became of a delivered batch.
pub(crate) struct BatchOutcome {
    /// The outcome of every job attempted, to be recorded together.
    pub(crate) outcomes: Vec<(i64, Outcome)>,
    /// Jobs not sent because `may_start` said no; they are still leased.
    pub(crate) unstarted: Vec<i64>,
}

/// Composes the batch (one call, so the composer can write for all jobs in one transaction),
/// then sends with at most `concurrency` in flight, starting a send only while `may_start()`.
///
/// Nothing is recorded here: the caller writes the outcomes in one transaction once every
/// send has finished. A job counts as sent only once the relay accepted it; a crash before the
/// outcomes are written leaves the jobs leased, and they are sent again after the lease runs
/// out, under the same Message-ID.
pub(crate) async fn deliver_batch(
    worker: &Arc<OutboxWorker>,
    jobs: Vec<OutboxJob>,
    may_start: impl Fn() -> bool,
) -> Result<BatchOutcome, MailError> {
    let composer = Arc::clone(&worker.composer);
    let (jobs, compositions) = tokio::task::spawn_blocking(move || {
        let compositions = composer.compose_batch(&jobs);
        (jobs, compositions)
    })
    .await?;
    let mut compositions = compositions.into_iter();
    let slots = Arc::new(Semaphore::new(worker.settings.concurrency));
    let mut running = JoinSet::new();
    let mut batch = BatchOutcome {
        outcomes: Vec::with_capacity(jobs.len()),
        unstarted: Vec::new(),
    };
    for job in jobs {
        let composed = compositions.next().unwrap_or_else(|| {
            Err(MailError::Compose(
                "the composer returned too few results".into(),
            ))
        });
        let delivery = match composed {
            Ok(Composition::Send(email)) => Delivery::Email(email),
            Ok(Composition::Post(post)) => Delivery::Post(post),
            Ok(Composition::Skip(reason)) => {
                let outcome = outcome(worker, &job, Ok(Delivered::Skipped(reason)));
                batch.outcomes.push((job.id, outcome));
                continue;
            }
            Err(error) => {
                batch
                    .outcomes
                    .push((job.id, outcome(worker, &job, Err(error))));
                continue;
            }
        };
        let permit = Arc::clone(&slots).acquire_owned().await;
        if permit.is_err() || !may_start() {
            batch.unstarted.push(job.id);
            continue;
        }
        let worker = Arc::clone(worker);
        running.spawn(async move {
            let _slot = permit;
            let result = match delivery {
                Delivery::Email(email) => send(&worker, &job, email).await,
                Delivery::Post(post) => post_to(&worker, &post).await,
            };
            (job.id, outcome(&worker, &job, result))
        });
    }
    while let Some(finished) = running.join_next().await {
        match finished {
            Ok(recorded) => batch.outcomes.push(recorded),
            // The job stays leased and is retried once the lease runs out.
            Err(error) => tracing::error!(%error, "outbox delivery task failed"),
        }
    }
    Ok(batch)
}

/// What a composed job is delivered as.
enum Delivery {
    Email(OutgoingEmail),
    Post(HttpPost),
}

/// Posts the request (the client holds the send timeout).
async fn post_to(worker: &OutboxWorker, post: &HttpPost) -> Result<Delivered, MailError> {
    let status = worker.http.post(post).await?;
    Ok(Delivered::Posted {
        target: post.target.clone(),
        status,
    })
}

/// Builds the message and sends it within the send timeout.
async fn send(
    worker: &OutboxWorker,
    job: &OutboxJob,
    email: OutgoingEmail,
) -> Result<Delivered, MailError> {
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

/// Counts and logs one attempt and says how to record it: sent (or skipped), retried with
/// backoff, or given up when the failure is permanent or the attempts are used up.
fn outcome(
    worker: &OutboxWorker,
    job: &OutboxJob,
    result: Result<Delivered, MailError>,
) -> Outcome {
    let (id, now, counters) = (job.id, (worker.clock)(), &worker.counters);
    match result {
        Ok(Delivered::Sent {
            to,
            template,
            message_id,
        }) => {
            counters.sent.fetch_add(1, Ordering::Relaxed);
            tracing::info!(job = id, %to, %template, %message_id, attempt = job.attempts, "email sent");
            Outcome::Sent(now)
        }
        Ok(Delivered::Posted { target, status }) => {
            counters.posted.fetch_add(1, Ordering::Relaxed);
            tracing::info!(job = id, kind = %job.kind, %target, status, attempt = job.attempts, "request delivered");
            Outcome::Sent(now)
        }
        Ok(Delivered::Skipped(reason)) => {
            counters.skipped.fetch_add(1, Ordering::Relaxed);
            tracing::info!(job = id, kind = %job.kind, %reason, "job skipped");
            Outcome::Sent(now)
        }
        Err(error) if error.is_permanent() || attempts(job) >= worker.settings.max_attempts => {
            counters.failed.fetch_add(1, Ordering::Relaxed);
            tracing::error!(job = id, kind = %job.kind, attempt = job.attempts, %error, "delivery given up");
            Outcome::GiveUpAt(now, error.to_string())
        }
        Err(error) => {
            counters.retried.fetch_add(1, Ordering::Relaxed);
            let next = next_attempt(job, now);
            tracing::warn!(job = id, kind = %job.kind, attempt = job.attempts, %next, %error, "delivery will be retried");
            Outcome::RetryAt(next, error.to_string())
        }
    }
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
