//! [`Outbox`]: the request side of the outbox, held by the application state.
//!
//! A handler asks for a mail with one call, [`Outbox::enqueue`]: the job is written in a group
//! commit with the jobs of concurrent requests, counted, and the worker woken. A job that must
//! commit together with the handler's own writes is written in its transaction with
//! [`super::EncodedJob::write`] and announced after the commit with [`Outbox::committed`].

use std::sync::Arc;

use storage::Database;
use token_core::Clock;

use super::group_commit::GroupCommit;
use super::worker_link::WorkerLink;
use super::{JobKind, MailJob};
use crate::error::AppError;
use crate::metrics::Metrics;

/// Queues mail jobs, counts them and wakes the outbox worker.
pub struct Outbox {
    commits: GroupCommit,
    worker: WorkerLink,
    metrics: Arc<Metrics>,
    clock: Arc<dyn Clock + Send + Sync>,
}

impl Outbox {
    /// Starts the threads that group-commit jobs to `db` (one for SQLite, half the pool for
    /// MySQL); the worker is connected later, when it starts ([`Outbox::connect`]).
    pub fn start(
        db: &Database,
        pool_size: u32,
        metrics: Arc<Metrics>,
        clock: Arc<dyn Clock + Send + Sync>,
    ) -> std::io::Result<Outbox> {
        Ok(Outbox {
            commits: GroupCommit::start(db, pool_size)?,
            worker: WorkerLink::default(),
            metrics,
            clock,
        })
    }

    /// Queues `job`, due now, and returns once the transaction that wrote it has committed:
    /// a request is answered only after its mail is durable. Counts the job and wakes the
    /// worker.
    pub async fn enqueue(&self, job: MailJob) -> Result<(), AppError> {
        let job = job.encode().map_err(|e| AppError::Internal(e.into()))?;
        let kind = job.kind();
        let now = chrono::DateTime::from_timestamp(self.clock.now_unix(), 0)
            .unwrap_or_default()
            .naive_utc();
        self.commits.enqueue(job, now).await?;
        self.committed(kind);
        Ok(())
    }

    /// Announces a job of `kind` that the caller wrote in its own transaction
    /// ([`super::EncodedJob::write`]), once that committed: counts it and wakes the worker.
    pub fn committed(&self, kind: JobKind) {
        self.metrics.mail_queued(kind);
        self.worker.nudge();
    }

    /// Announces `rows` webhook deliveries written by `crate::webhooks::Webhooks::raise` in
    /// a transaction that committed: counts them and wakes the worker.
    pub fn committed_webhooks(&self, rows: usize) {
        for _ in 0..rows {
            self.committed(JobKind::Webhook);
        }
    }

    /// Connects the running worker. Returns `false` when one was connected before
    /// (a second worker for the same state is refused, not swapped in silently).
    pub fn connect(&self, worker: &mail::WorkerHandle) -> bool {
        self.worker.connect(worker)
    }

    /// What the worker has done so far (zeros before it started).
    pub fn stats(&self) -> mail::WorkerStats {
        self.worker.stats()
    }
}
