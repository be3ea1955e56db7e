//! Group commit of outbox jobs: the jobs of concurrent requests are written in one
//! transaction, so a flood of link requests costs one durable commit (one fsync) per batch
//! instead of one per request, and SQLite's writers stop queueing on its write lock.
//!
//! A batch is written with one multi-row `INSERT` ([`outbox::enqueue_all`]), not a savepoint,
//! an insert and a lookup per job: on MySQL each of those is a round trip, and they were most
//! of an accepted request's cost. The new ids are not read back; no request needs them.
//!
//! Durability is unchanged: a request still waits until the transaction holding its job has
//! committed. A batch is all or nothing: if its insert or its commit fails, every request of
//! the batch is told (none of their jobs exists). Nothing waits to fill a batch: a committer
//! takes whatever queued up while the previous commit ran, so a lone request is written at
//! once.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::NaiveDateTime;
use storage::{Backend, Database, StorageError, outbox};
use tokio::sync::oneshot;

use super::EncodedJob;
use crate::error::AppError;

/// Most jobs written in one transaction.
const MAX_BATCH: usize = 256;

/// Hands outbox jobs to the committer threads. Cheap to clone.
#[derive(Clone)]
pub(super) struct GroupCommit {
    queue: Sender<Job>,
}

struct Job {
    job: EncodedJob,
    now: NaiveDateTime,
    reply: oneshot::Sender<Result<(), AppError>>,
}

impl GroupCommit {
    /// Starts the committer threads: one for SQLite, which has a single writer anyway, and
    /// half the pool for MySQL, whose commits overlap and which pays a round trip per row.
    /// They stop when the last `GroupCommit` is dropped.
    pub(super) fn start(db: &Database, pool_size: u32) -> std::io::Result<GroupCommit> {
        let committers = match db.backend() {
            Backend::Sqlite => 1,
            Backend::Mysql | Backend::Postgres => (pool_size / 2).max(1),
        };
        let (queue, jobs) = channel();
        let jobs = Arc::new(Mutex::new(jobs));
        for n in 0..committers {
            let (db, jobs) = (db.clone(), Arc::clone(&jobs));
            std::thread::Builder::new()
                .name(format!("outbox-commit-{n}"))
                .spawn(move || commit_batches(&db, &jobs))?;
        }
        Ok(GroupCommit { queue })
    }

    /// Adds a job due at once, and returns once the transaction that wrote it has committed.
    pub(super) async fn enqueue(
        &self,
        job: EncodedJob,
        now: NaiveDateTime,
    ) -> Result<(), AppError> {
        let (reply, done) = oneshot::channel();
        let job = Job { job, now, reply };
        self.queue
            .send(job)
            .map_err(|_| AppError::Internal(anyhow::anyhow!("the outbox committers stopped")))?;
        done.await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("an outbox committer failed")))?
    }
}

fn commit_batches(db: &Database, jobs: &Mutex<Receiver<Job>>) {
    loop {
        let batch = {
            let jobs = jobs.lock().unwrap_or_else(PoisonError::into_inner);
            let Ok(first) = jobs.recv() else {
                return;
            };
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH
                && let Ok(job) = jobs.try_recv()
            {
                batch.push(job);
            }
            batch
        };
        write(db, batch);
    }
}

/// Writes `batch` in one transaction and answers each job.
fn write(db: &Database, batch: Vec<Job>) {
    // Jobs are due when their request was made; a batch spans requests of the same moment,
    // so it is written with the time of its latest one.
    let now = batch.iter().map(|job| job.now).max();
    let written = db.conn().and_then(|mut conn| {
        let jobs: Vec<outbox::NewJob<'_>> = batch.iter().map(|job| job.job.as_new_job()).collect();
        match now {
            Some(now) => outbox::enqueue_all(&mut conn, &jobs, now),
            None => Ok(0),
        }
    });
    match written {
        Ok(_) => {
            for job in batch {
                let _ = job.reply.send(Ok(()));
            }
        }
        Err(error) => {
            let unavailable = matches!(
                error,
                StorageError::Pool(_) | StorageError::Connection { .. }
            );
            let why = error.to_string();
            for job in batch {
                let error = anyhow::anyhow!("the outbox batch did not commit: {why}");
                let _ = job.reply.send(Err(if unavailable {
                    AppError::Unavailable(error)
                } else {
                    AppError::Internal(error)
                }));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use storage::testing::{TestDb, available_backends, fixed_now};

    use super::*;
    use crate::outbox::{MailJob, ResetRequested};

    fn enqueue_many(group: &GroupCommit, n: usize) -> Vec<Result<(), AppError>> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let requests = (0..n).map(|i| {
                let group = group.clone();
                tokio::spawn(async move {
                    let job = MailJob::PasswordResetRequested(ResetRequested {
                        email: format!("user{i}@example.com"),
                        ip: None,
                        requested_at: 0,
                        lang: None,
                    });
                    group.enqueue(job.encode().unwrap(), fixed_now()).await
                })
            });
            let mut results = Vec::new();
            for request in requests.collect::<Vec<_>>() {
                results.push(request.await.unwrap());
            }
            results
        })
    }

    #[test]
    fn concurrent_requests_each_get_their_own_committed_job() {
        for backend in available_backends() {
            let Some(db) = TestDb::new(backend) else {
                continue;
            };
            // Arrange
            let group = GroupCommit::start(&db, 4).unwrap();

            // Act
            let results = enqueue_many(&group, 200);

            // Assert
            assert!(results.iter().all(Result::is_ok), "{backend}");
            let stats = outbox::stats(&mut db.conn().unwrap(), fixed_now()).unwrap();
            assert_eq!(stats.pending, 200, "{backend}");
        }
    }

    #[test]
    fn a_job_that_cannot_be_written_is_reported_to_its_request() {
        for backend in available_backends() {
            let Some(db) = TestDb::unmigrated(backend) else {
                continue;
            };
            // Arrange: no outbox table.
            let group = GroupCommit::start(&db, 2).unwrap();

            // Act
            let results = enqueue_many(&group, 20);

            // Assert
            assert!(results.iter().all(Result::is_err), "{backend}");
        }
    }
}
