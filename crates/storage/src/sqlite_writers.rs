//! The queue of one process's SQLite writers.
//!
//! SQLite has one write lock per database file. A connection that finds it taken sleeps in
//! SQLite's busy handler, in steps of 1, 2, 5, 10 … ms, and retries; under load most writers
//! are asleep when the lock comes free, and the lock stays idle for milliseconds between
//! transactions that each take about one fsync. Within one process there is no reason to
//! guess: [`write_transaction`](crate::write_transaction) first takes its turn here, so the
//! process's writers wait on a condition variable and the next one starts the moment the
//! previous one commits. SQLite's `busy_timeout` still governs writers of other processes.
//!
//! The queue belongs to the pool ([`crate::Database`]) and is found from each of its SQLite
//! connections through the connection's instrumentation slot, which diesel keeps per
//! connection and lets us downcast; the slot's instrumentation itself does nothing.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use diesel::connection::{Instrumentation, InstrumentationEvent};

/// One process's turn-taking for writes to one SQLite database.
#[derive(Debug)]
pub(crate) struct SqliteWriters {
    /// Whether a writer of this process holds its turn.
    busy: Mutex<bool>,
    /// Signalled when a turn ends.
    turn_ended: Condvar,
    /// How long a writer waits for its turn; SQLite's own `busy_timeout`.
    patience: Duration,
}

/// A writer's turn; ends when dropped.
#[derive(Debug)]
pub(crate) struct Turn(Arc<SqliteWriters>);

impl SqliteWriters {
    /// A queue whose writers wait at most `patience` (the pool's SQLite `busy_timeout`).
    pub(crate) fn new(patience: Duration) -> Arc<Self> {
        Arc::new(Self {
            busy: Mutex::new(false),
            turn_ended: Condvar::new(),
            patience,
        })
    }

    /// Waits for this writer's turn. `None` when the wait outlasted the busy timeout: the
    /// writer then goes ahead without one and SQLite's lock decides, exactly as without this
    /// queue, so a thread that holds a turn and opens a second write transaction on another
    /// connection fails after the timeout instead of waiting forever.
    pub(crate) fn wait_turn(self: &Arc<Self>) -> Option<Turn> {
        let busy = self.busy.lock().unwrap_or_else(PoisonError::into_inner);
        let (mut busy, waited) = self
            .turn_ended
            .wait_timeout_while(busy, self.patience, |busy| *busy)
            .unwrap_or_else(PoisonError::into_inner);
        if waited.timed_out() && *busy {
            return None;
        }
        *busy = true;
        Some(Turn(Arc::clone(self)))
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        *self.0.busy.lock().unwrap_or_else(PoisonError::into_inner) = false;
        self.0.turn_ended.notify_one();
    }
}

/// Carries a pool's [`SqliteWriters`] on each of its connections (see the module docs).
pub(crate) struct WritersSlot(pub(crate) Arc<SqliteWriters>);

impl Instrumentation for WritersSlot {
    fn on_connection_event(&mut self, _event: InstrumentationEvent<'_>) {}
}

/// The writer queue of the pool this SQLite connection belongs to, if it has one.
pub(crate) fn writers_of(conn: &mut diesel::SqliteConnection) -> Option<Arc<SqliteWriters>> {
    use diesel::Connection;
    conn.instrumentation()
        .downcast_ref::<WritersSlot>()
        .map(|slot| Arc::clone(&slot.0))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Instant;

    use super::*;

    #[test]
    fn only_one_writer_holds_a_turn_at_a_time() {
        // Arrange
        let writers = SqliteWriters::new(Duration::from_secs(10));
        let inside = AtomicUsize::new(0);

        // Act
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    for _ in 0..50 {
                        let turn = writers.wait_turn();
                        assert!(turn.is_some());
                        // Assert
                        assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
                        std::thread::yield_now();
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                });
            }
        });
    }

    #[test]
    fn a_write_transaction_on_a_pooled_connection_waits_for_the_turn() {
        // Arrange: hold the pool's turn without holding SQLite's lock.
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/turns.db", dir.path().display());
        let db = crate::Database::connect(&url, &crate::PoolSettings::default()).unwrap();
        let writers = {
            let mut conn = db.conn().unwrap();
            #[cfg_attr(
                not(any(feature = "mysql", feature = "postgres")),
                expect(irrefutable_let_patterns)
            )]
            let crate::DbConnection::Sqlite(inner) = &mut *conn else {
                panic!("not SQLite");
            };
            writers_of(inner).unwrap()
        };
        let turn = writers.wait_turn();
        let started = Instant::now();

        // Act
        let writer = std::thread::spawn(move || {
            let mut conn = db.conn().unwrap();
            crate::write_transaction(&mut conn, |_| Ok(())).unwrap();
            started.elapsed()
        });
        std::thread::sleep(Duration::from_millis(300));
        drop(turn);

        // Assert: it waited for the turn, not for SQLite.
        assert!(writer.join().unwrap() >= Duration::from_millis(300));
    }

    #[test]
    fn a_writer_that_waits_longer_than_the_busy_timeout_goes_ahead_without_a_turn() {
        // Arrange
        let writers = SqliteWriters::new(Duration::from_millis(50));
        let held = writers.wait_turn();
        let started = Instant::now();

        // Act
        let second = writers.wait_turn();

        // Assert
        assert!(held.is_some());
        assert!(second.is_none());
        assert!(started.elapsed() >= Duration::from_millis(50));
        drop(held);
        assert!(writers.wait_turn().is_some());
    }
}
