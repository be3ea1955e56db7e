//! The outbox jobs an account action wrote, announced to the running service's outbox once
//! the action's transaction committed, so its worker sends them at once and they are counted.
//! At the command line nothing is announced: the serving instances' workers find the rows at
//! their next poll.

use std::sync::{Arc, Mutex, PoisonError};

use storage::{DbConnection, StorageError, write_transaction};

use crate::outbox::JobKind;

/// Called once per committed job.
pub(crate) type Announce = Arc<dyn Fn(JobKind) + Send + Sync>;

/// The jobs written in the current transaction, and who to tell once it committed.
#[derive(Clone, Default)]
pub(crate) struct CommittedJobs {
    written: Arc<Mutex<Vec<JobKind>>>,
    announce: Option<Announce>,
}

impl CommittedJobs {
    /// Announces committed jobs through `announce`.
    pub(crate) fn announcing(announce: Announce) -> Self {
        Self {
            written: Arc::default(),
            announce: Some(announce),
        }
    }

    /// Notes `times` jobs of `kind` written in the running transaction.
    pub(crate) fn wrote(&self, kind: JobKind, times: usize) {
        let mut written = self.written.lock().unwrap_or_else(PoisonError::into_inner);
        written.extend(std::iter::repeat_n(kind, times));
    }

    /// Runs `body` in a write transaction, then announces the jobs it wrote if it committed.
    /// A retried body starts its list afresh.
    pub(crate) fn transaction<T>(
        &self,
        conn: &mut DbConnection,
        mut body: impl FnMut(&mut DbConnection) -> Result<T, StorageError>,
    ) -> Result<T, StorageError> {
        let result = write_transaction(conn, |conn| {
            self.take();
            body(conn)
        });
        let written = self.take();
        if let (Ok(_), Some(announce)) = (&result, &self.announce) {
            written.into_iter().for_each(|kind| announce(kind));
        }
        result
    }

    fn take(&self) -> Vec<JobKind> {
        std::mem::take(&mut *self.written.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use storage::testing::TestDb;

    use super::*;

    fn counting() -> (CommittedJobs, Arc<AtomicUsize>) {
        let count = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&count);
        let jobs = CommittedJobs::announcing(Arc::new(move |_| {
            seen.fetch_add(1, Ordering::Relaxed);
        }));
        (jobs, count)
    }

    #[test]
    fn jobs_are_announced_once_their_transaction_committed() {
        // Arrange
        let db = TestDb::new(storage::Backend::Sqlite).unwrap();
        let mut conn = db.conn().unwrap();
        let (jobs, announced) = counting();

        // Act
        jobs.transaction(&mut conn, |_| {
            jobs.wrote(JobKind::Webhook, 2);
            Ok(())
        })
        .unwrap();

        // Assert
        assert_eq!(announced.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn jobs_of_a_rolled_back_transaction_are_not_announced() {
        // Arrange
        let db = TestDb::new(storage::Backend::Sqlite).unwrap();
        let mut conn = db.conn().unwrap();
        let (jobs, announced) = counting();

        // Act
        let result: Result<(), _> = jobs.transaction(&mut conn, |_| {
            jobs.wrote(JobKind::Webhook, 1);
            Err(StorageError::Conflict)
        });

        // Assert
        assert!(result.is_err());
        assert_eq!(announced.load(Ordering::Relaxed), 0);
        jobs.transaction(&mut conn, |_| Ok(())).unwrap();
        assert_eq!(announced.load(Ordering::Relaxed), 0, "nothing left over");
    }
}
