//! A small pool of SMTP sessions: at most `max` open at once, idle ones reused.
//!
//! Like lettre's own pool, a session is checked with `NOOP` before it is reused, and one that
//! failed or timed out is closed instead of returned, so a connection the relay dropped (a
//! restart, its idle timeout) is replaced by a fresh one without failing a send. Sessions idle
//! longer than [`IDLE_TIMEOUT`] are closed, at the next use or by a task that looks every
//! [`IDLE_TIMEOUT`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use lettre::transport::smtp::client::AsyncSmtpConnection;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::connect::Connector;
use crate::MailError;

/// How long an unused session is kept open. Relays commonly close idle sessions after a few
/// minutes (RFC 5321 asks them to wait at least five); closing ours first is politer.
pub(super) const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

struct Parked {
    conn: AsyncSmtpConnection,
    since: Instant,
}

/// The pool. Shared through an `Arc` by every clone of the transport.
pub(super) struct Pool {
    connector: Connector,
    /// One permit per session that may be open; a [`Session`] holds one while in use, so at
    /// most `max` sessions exist (parked sessions were opened under a permit since returned).
    slots: Arc<Semaphore>,
    idle: Mutex<Vec<Parked>>,
    /// Sessions opened so far, for tests and logs.
    opened: AtomicU64,
}

/// A session taken from the pool. Dropped without [`Pool::give_back`] (a failure, a timeout,
/// a cancelled send), it is closed, never reused half-way through a transaction.
pub(super) struct Session {
    pub(super) conn: AsyncSmtpConnection,
    _slot: OwnedSemaphorePermit,
}

impl Pool {
    /// A pool of at most `max` sessions. Inside a tokio runtime, a task closes idle sessions.
    pub(super) fn new(connector: Connector, max: usize) -> Arc<Self> {
        let pool = Arc::new(Self {
            connector,
            slots: Arc::new(Semaphore::new(max.max(1))),
            idle: Mutex::new(Vec::new()),
            opened: AtomicU64::new(0),
        });
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(close_idle_sessions(Arc::downgrade(&pool)));
        }
        pool
    }

    /// How many sessions this pool has opened since it was built.
    pub(super) fn opened(&self) -> u64 {
        self.opened.load(Ordering::Relaxed)
    }

    /// A live session: a parked one that still answers `NOOP`, or a new one.
    pub(super) async fn take(&self) -> Result<Session, MailError> {
        let slot = Arc::clone(&self.slots)
            .acquire_owned()
            .await
            .map_err(|_| MailError::Transient("smtp pool closed".into()))?;
        while let Some(mut parked) = self.pop_fresh() {
            let check =
                tokio::time::timeout(self.connector.timeout(), parked.conn.test_connected());
            if check.await.unwrap_or(false) {
                return Ok(Session {
                    conn: parked.conn,
                    _slot: slot,
                });
            }
            tracing::debug!("smtp session closed by the relay, replacing it");
            parked.conn.abort().await;
        }
        let conn = self.connector.open().await?;
        self.opened.fetch_add(1, Ordering::Relaxed);
        Ok(Session { conn, _slot: slot })
    }

    /// Parks a session whose last transaction completed, for the next send.
    pub(super) fn give_back(&self, session: Session) {
        if session.conn.has_broken() {
            return;
        }
        lock(&self.idle).push(Parked {
            conn: session.conn,
            since: Instant::now(),
        });
    }

    /// The most recently parked session that has not idled too long; stale ones are dropped
    /// (closing the socket; the relay sees the connection end without `QUIT`).
    fn pop_fresh(&self) -> Option<Parked> {
        let mut idle = lock(&self.idle);
        idle.retain(|parked| parked.since.elapsed() < IDLE_TIMEOUT);
        idle.pop()
    }

    /// Takes the sessions idle for too long out of the pool.
    fn expired(&self) -> Vec<Parked> {
        let mut idle = lock(&self.idle);
        let (expired, kept) = std::mem::take(&mut *idle)
            .into_iter()
            .partition(|parked| parked.since.elapsed() >= IDLE_TIMEOUT);
        *idle = kept;
        expired
    }
}

/// Every [`IDLE_TIMEOUT`], says `QUIT` to the sessions idle that long; ends with the pool.
async fn close_idle_sessions(pool: Weak<Pool>) {
    loop {
        tokio::time::sleep(IDLE_TIMEOUT).await;
        let Some(pool) = pool.upgrade() else {
            return;
        };
        let expired = pool.expired();
        drop(pool);
        for mut parked in expired {
            parked.conn.abort().await;
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
