//! The durable outbox worker: claims due jobs with a lease, composes, sends, records.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use chrono::NaiveDateTime;
use storage::Database;
use storage::outbox;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::delivery::{blocking, deliver_batch};
use crate::http_post::HttpClient;
use crate::{Composer, MailError, Sender, Transport, WorkerSettings};

/// Where the worker reads the time; replaceable so tests can step over retry delays.
pub(crate) type Clock = Arc<dyn Fn() -> NaiveDateTime + Send + Sync>;

/// A worker, configured but not yet running.
pub struct OutboxWorker {
    pub(crate) db: Database,
    pub(crate) transport: Transport,
    pub(crate) sender: Sender,
    pub(crate) composer: Arc<dyn Composer>,
    pub(crate) settings: WorkerSettings,
    pub(crate) clock: Clock,
    pub(crate) owner: String,
    pub(crate) counters: Arc<Counters>,
    pub(crate) http: HttpClient,
    nudge: Arc<Notify>,
}

impl OutboxWorker {
    /// Checks the settings and gives the worker a lease owner id unique to this process.
    pub fn new(
        db: Database,
        transport: Transport,
        sender: Sender,
        composer: Arc<dyn Composer>,
        settings: WorkerSettings,
    ) -> Result<Self, MailError> {
        settings.validate()?;
        let http = HttpClient::new(settings.send_timeout())?;
        Ok(Self {
            http,
            db,
            transport,
            sender,
            composer,
            settings,
            clock: Arc::new(|| chrono::Utc::now().naive_utc()),
            owner: unique_owner(),
            counters: Arc::default(),
            nudge: Arc::new(Notify::new()),
        })
    }

    /// Replaces the wall clock (UTC).
    pub fn with_clock(mut self, clock: impl Fn() -> NaiveDateTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The lease owner id this worker claims jobs under.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Starts the worker on the current tokio runtime.
    pub fn spawn(self) -> WorkerHandle {
        let (stop, stopped) = watch::channel(false);
        let worker = Arc::new(self);
        WorkerHandle {
            nudge: Nudge(Arc::clone(&worker.nudge)),
            worker: Arc::clone(&worker),
            stop,
            task: tokio::spawn(run(worker, stopped)),
        }
    }
}

/// Wakes the worker at once, e.g. right after a job was enqueued. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Nudge(Arc<Notify>);

impl Nudge {
    /// Makes the worker poll now instead of at its next interval. Nudges while it is busy are
    /// remembered, so none is lost.
    pub fn nudge(&self) {
        self.0.notify_one();
    }
}

/// Counts of what the worker did since it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkerStats {
    /// Emails handed to the transport.
    pub sent: u64,
    /// HTTP requests (webhooks) answered with a 2xx.
    pub posted: u64,
    /// Failed attempts scheduled for a retry.
    pub retried: u64,
    /// Jobs given up (permanent failure or too many attempts).
    pub failed: u64,
    /// Jobs the composer chose not to send.
    pub skipped: u64,
}

/// The live counters behind [`WorkerStats`].
#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) sent: AtomicU64,
    pub(crate) posted: AtomicU64,
    pub(crate) retried: AtomicU64,
    pub(crate) failed: AtomicU64,
    pub(crate) skipped: AtomicU64,
}

impl Counters {
    fn snapshot(&self) -> WorkerStats {
        WorkerStats {
            sent: self.sent.load(Ordering::Relaxed),
            posted: self.posted.load(Ordering::Relaxed),
            retried: self.retried.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            skipped: self.skipped.load(Ordering::Relaxed),
        }
    }
}

/// Reads a worker's counters from anywhere (a metrics endpoint, say) without holding the
/// [`WorkerHandle`]. Cheap to clone; keeps only the counters alive, not the worker.
#[derive(Clone)]
pub struct StatsReader(Arc<Counters>);

impl StatsReader {
    /// What the worker has done so far.
    pub fn stats(&self) -> WorkerStats {
        self.0.snapshot()
    }
}

impl std::fmt::Debug for StatsReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("StatsReader").field(&self.stats()).finish()
    }
}

/// A running worker. Dropping the handle stops the worker too, but without waiting for it;
/// call [`WorkerHandle::shutdown`] on graceful shutdown.
pub struct WorkerHandle {
    nudge: Nudge,
    worker: Arc<OutboxWorker>,
    stop: watch::Sender<bool>,
    task: JoinHandle<Result<usize, MailError>>,
}

impl WorkerHandle {
    /// A handle that wakes the worker.
    pub fn nudge(&self) -> Nudge {
        self.nudge.clone()
    }

    /// The lease owner id of this worker.
    pub fn owner(&self) -> &str {
        &self.worker.owner
    }

    /// What the worker has done so far.
    pub fn stats(&self) -> WorkerStats {
        self.worker.counters.snapshot()
    }

    /// A reader of the same counters, for code that must not hold the handle itself.
    pub fn stats_reader(&self) -> StatsReader {
        StatsReader(Arc::clone(&self.worker.counters))
    }

    /// Stops claiming, waits for the deliveries in flight, then releases the leases of jobs
    /// claimed but not started, so another instance can send them at once instead of after the
    /// lease runs out. Returns how many leases were released.
    pub async fn shutdown(self) -> Result<usize, MailError> {
        self.stop.send_replace(true);
        self.task.await?
    }
}

async fn run(
    worker: Arc<OutboxWorker>,
    mut stopped: watch::Receiver<bool>,
) -> Result<usize, MailError> {
    let mut ticker = tokio::time::interval(worker.settings.poll_interval());
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tracing::info!(owner = %worker.owner, transport = worker.transport.kind(), "outbox worker started");
    loop {
        tokio::select! {
            _ = stopped.wait_for(|stop| *stop) => break,
            () = worker.nudge.notified() => {}
            _ = ticker.tick() => {}
        }
        let mut lanes = tokio::task::JoinSet::new();
        for _ in 0..worker.settings.lanes.max(1) {
            lanes.spawn(drain(Arc::clone(&worker), stopped.clone()));
        }
        while lanes.join_next().await.is_some() {}
    }
    let owner = worker.owner.clone();
    let released = blocking(&worker.db, move |conn| outbox::release_leases(conn, &owner)).await?;
    tracing::info!(owner = %worker.owner, released, "outbox worker stopped");
    Ok(released)
}

/// One lane of the worker: claims and delivers batch after batch while they come back full,
/// so a backlog is drained without waiting. Several lanes overlap one batch's database work
/// with another's sends; leases keep their batches apart, as between instances.
async fn drain(worker: Arc<OutboxWorker>, stopped: watch::Receiver<bool>) {
    loop {
        match run_batch(&worker, &stopped).await {
            Ok(claimed) if claimed >= worker.settings.batch_size as usize => {}
            Ok(_) => break,
            Err(error) => {
                tracing::warn!(%error, "outbox poll failed");
                break;
            }
        }
        if *stopped.borrow() {
            break;
        }
    }
}

/// Claims one batch, delivers it with at most `concurrency` sends in flight, and records
/// every outcome in one transaction.
async fn run_batch(
    worker: &Arc<OutboxWorker>,
    stopped: &watch::Receiver<bool>,
) -> Result<usize, MailError> {
    let (owner, now) = (worker.owner.clone(), (worker.clock)());
    let (lease, limit) = (worker.settings.lease(), worker.settings.batch_size);
    let claimed_at = Instant::now();
    let jobs = blocking(&worker.db, move |conn| {
        outbox::claim(conn, &owner, now, lease, limit)
    })
    .await?;
    let claimed = jobs.len();
    if claimed == 0 {
        return Ok(0);
    }
    // A job is started only while its lease still covers a whole send and the recording of
    // the batch with a margin; later, another worker could take it over and send it again.
    let timeout = worker.settings.send_timeout();
    let last_start = claimed_at + lease.saturating_sub(timeout.saturating_mul(3) / 2);
    let may_start = || !*stopped.borrow() && Instant::now() <= last_start;
    let batch = deliver_batch(worker, jobs, may_start).await?;
    record(worker, batch.outcomes).await;
    if !batch.unstarted.is_empty() && !*stopped.borrow() {
        // Jobs left out because their lease ran short: given back for another claim. Only this
        // batch's, as another lane may be sending its own. (When stopping, `run` releases all.)
        let (owner, unstarted) = (worker.owner.clone(), batch.unstarted);
        blocking(&worker.db, move |conn| {
            outbox::release_jobs(conn, &owner, &unstarted)
        })
        .await?;
    }
    Ok(claimed)
}

/// Attempts at writing a batch's outcomes before its jobs are left to their leases.
const RECORD_ATTEMPTS: u32 = 3;

/// Writes the outcomes of a batch in one transaction, trying again after a database error:
/// if it never succeeds, the jobs stay leased and are sent again (same Message-ID) once the
/// lease runs out, so a lost write costs duplicates, never lost mail.
async fn record(worker: &Arc<OutboxWorker>, outcomes: Vec<(i64, outbox::Outcome)>) {
    if outcomes.is_empty() {
        return;
    }
    let outcomes = Arc::new(outcomes);
    for attempt in 1..=RECORD_ATTEMPTS {
        let (owner, batch) = (worker.owner.clone(), Arc::clone(&outcomes));
        match blocking(&worker.db, move |conn| {
            outbox::record_outcomes(conn, &owner, &batch)
        })
        .await
        {
            Ok(recorded) if recorded == outcomes.len() => return,
            Ok(recorded) => {
                let lost = outcomes.len() - recorded;
                tracing::warn!(lost, "outbox leases lost before the outcomes were recorded");
                return;
            }
            Err(error) => {
                tracing::error!(%error, attempt, jobs = outcomes.len(), "recording the outbox outcomes failed");
                tokio::time::sleep(std::time::Duration::from_millis(200 * u64::from(attempt)))
                    .await;
            }
        }
    }
}

/// `host-pid-sequence-nanos`: unique per worker, and tells operators where a lease came from.
fn unique_owner() -> String {
    static SEQUENCE: AtomicU64 = AtomicU64::new(0);
    let host: String = std::env::var("HOSTNAME")
        .unwrap_or_else(|_| "lifeline".to_owned())
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '.')
        .take(40)
        .collect();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let sequence = SEQUENCE.fetch_add(1, Ordering::Relaxed);
    format!("{host}-{}-{sequence}-{nanos:08x}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_worker_gets_its_own_lease_owner_id() {
        // Arrange / Act
        let ids: std::collections::HashSet<String> = (0..100).map(|_| unique_owner()).collect();

        // Assert
        assert_eq!(ids.len(), 100);
        assert!(
            ids.iter()
                .all(|id| id.len() < 80 && !id.contains(char::is_whitespace))
        );
    }

    #[test]
    fn a_stats_reader_sees_the_counters_as_they_change() {
        // Arrange
        let counters = Arc::new(Counters::default());
        let reader = StatsReader(Arc::clone(&counters));

        // Act
        counters.sent.fetch_add(2, Ordering::Relaxed);
        counters.posted.fetch_add(5, Ordering::Relaxed);
        counters.retried.fetch_add(1, Ordering::Relaxed);
        counters.failed.fetch_add(3, Ordering::Relaxed);
        counters.skipped.fetch_add(4, Ordering::Relaxed);

        // Assert
        assert_eq!(
            reader.clone().stats(),
            WorkerStats {
                sent: 2,
                posted: 5,
                retried: 1,
                failed: 3,
                skipped: 4
            }
        );
    }

    #[test]
    fn nudges_given_while_the_worker_is_busy_are_kept() {
        // Arrange
        let notify = Arc::new(Notify::new());
        let nudge = Nudge(Arc::clone(&notify));

        // Act
        nudge.nudge();
        let woken = notify.notified();
        let mut woken = std::pin::pin!(woken);

        // Assert
        assert!(
            woken.as_mut().enable(),
            "the stored nudge wakes the next wait at once"
        );
    }
}
