//! Periodic housekeeping: forget recovered rate-limit keys and purge rows that
//! can no longer matter, so the tables stay bounded. Runs on the blocking pool
//! in small batches with a pause between them (`maintenance.purge_pause_ms`),
//! so requests' writes get the database in between, and stops at the next batch
//! when the application stops instead of holding up its shutdown.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use actix_web::web;
use chrono::{NaiveDateTime, TimeDelta};
use storage::{Database, StorageError, outbox, throttles, tokens};

use crate::state::AppState;

/// How often the in-memory limiters are trimmed.
const TRIM_EVERY: Duration = Duration::from_secs(60);
/// How often the database is purged (every Nth trim).
const PURGE_EVERY_N_TRIMS: u32 = 10;
/// Used or expired tokens are kept this long for investigation.
const TOKEN_RETENTION: TimeDelta = TimeDelta::days(1);
/// Sent mail jobs are kept this long.
const OUTBOX_RETENTION: TimeDelta = TimeDelta::days(7);
/// Throttle windows older than this are over.
const THROTTLE_RETENTION: TimeDelta = TimeDelta::days(1);

/// The housekeeping loop; aborted when the application stops. Aborting it also
/// stops a purge running on the blocking pool at its next batch, which the
/// runtime would otherwise wait for before the process can exit.
pub async fn run(state: web::Data<AppState>) {
    let stop = PurgeStop::default();
    let _stop_when_aborted = StopOnDrop(stop.clone());
    let pause = Duration::from_millis(state.settings.maintenance.purge_pause_ms);
    let mut ticker = tokio::time::interval(TRIM_EVERY);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut round = 0u32;
    loop {
        ticker.tick().await;
        state.limits.retain_recent();
        round = round.wrapping_add(1);
        if round % PURGE_EVERY_N_TRIMS == 1 {
            let (db, now, stop) = (state.db.clone(), state.now(), stop.clone());
            match tokio::task::spawn_blocking(move || purge(&db, now, pause, &stop)).await {
                Ok(Ok((t, o, th))) => {
                    tracing::debug!(tokens = t, outbox = o, throttles = th, "purged")
                }
                Ok(Err(error)) => tracing::warn!(error = %error, "purge failed"),
                Err(error) => tracing::warn!(error = %error, "purge task failed"),
            }
        }
    }
}

/// Deletes expired/used tokens, old sent jobs and finished throttle windows as
/// of `now`, pausing `pause` between batches; returns how many of each. Stops
/// early, at a batch boundary, once `stop` is set (the rest waits for the next
/// purge).
pub fn purge(
    db: &Database,
    now: NaiveDateTime,
    pause: Duration,
    stop: &PurgeStop,
) -> Result<(usize, usize, usize), StorageError> {
    let mut next_batch = || stop.pause(pause);
    let mut conn = db.conn()?;
    let mut counts = (0, 0, 0);
    if !stop.is_stopped() {
        counts.0 = tokens::purge_expired_paced(&mut conn, now - TOKEN_RETENTION, &mut next_batch)?;
    }
    if !stop.is_stopped() {
        counts.1 = outbox::purge_sent_paced(&mut conn, now - OUTBOX_RETENTION, &mut next_batch)?;
    }
    if !stop.is_stopped() {
        counts.2 = throttles::purge_paced(&mut conn, now - THROTTLE_RETENTION, &mut next_batch)?;
    }
    Ok(counts)
}

/// Tells a running purge to stop at its next batch. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct PurgeStop(Arc<(Mutex<bool>, Condvar)>);

impl PurgeStop {
    /// Stops the purge at its next batch boundary (or during its pause).
    pub fn stop(&self) {
        let (stopped, changed) = &*self.0;
        *stopped.lock().unwrap_or_else(PoisonError::into_inner) = true;
        changed.notify_all();
    }

    /// Whether [`PurgeStop::stop`] was called.
    pub fn is_stopped(&self) -> bool {
        *self.0.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits `pause`, or less if stopped meanwhile; `true` if the purge may go on.
    fn pause(&self, pause: Duration) -> bool {
        let (stopped, changed) = &*self.0;
        let stopped = stopped.lock().unwrap_or_else(PoisonError::into_inner);
        let (stopped, _) = changed
            .wait_timeout_while(stopped, pause, |stopped| !*stopped)
            .unwrap_or_else(PoisonError::into_inner);
        !*stopped
    }
}

/// Stops the purge when the housekeeping loop is dropped (aborted).
struct StopOnDrop(PurgeStop);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.stop();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use diesel::RunQueryDsl;
    use storage::testing::{TestDb, available_backends, fixed_now};

    use super::*;

    /// `count` outbox jobs sent 30 days before `fixed_now()`.
    fn old_sent_jobs(db: &Database, count: usize) {
        let conn = &mut db.conn().unwrap();
        let jobs = vec![
            outbox::NewJob {
                kind: "password_reset_requested",
                payload: "{}",
            };
            count
        ];
        outbox::enqueue_all(conn, &jobs, fixed_now() - TimeDelta::days(30)).unwrap();
        diesel::sql_query("UPDATE outbox SET sent_at = created_at")
            .execute(&mut **conn)
            .unwrap();
    }

    /// How many aged jobs were left (counted by purging them without pauses).
    fn aged_jobs_left(db: &Database) -> i64 {
        let conn = &mut db.conn().unwrap();
        outbox::purge_sent(conn, fixed_now()).unwrap() as i64
    }

    #[test]
    fn a_paced_purge_still_deletes_everything_aged() {
        for backend in available_backends() {
            let Some(db) = TestDb::new(backend) else {
                continue;
            };
            // Arrange: three batches' worth.
            old_sent_jobs(&db, 1234);

            // Act
            let purged = purge(
                &db,
                fixed_now(),
                Duration::from_millis(5),
                &PurgeStop::default(),
            );

            // Assert
            assert_eq!(purged.unwrap(), (0, 1234, 0), "{backend}");
            assert_eq!(aged_jobs_left(&db), 0, "{backend}");
        }
    }

    #[test]
    fn a_stopped_purge_ends_at_the_next_batch_without_waiting_out_its_pauses() {
        for backend in available_backends() {
            let Some(db) = TestDb::new(backend) else {
                continue;
            };
            // Arrange: 20 batches with a 1 s pause between them, at least 19 s in all.
            old_sent_jobs(&db, 10_000);
            let stop = PurgeStop::default();
            let purging = {
                let (db, stop) = (Database::clone(&db), stop.clone());
                std::thread::spawn(move || purge(&db, fixed_now(), Duration::from_secs(1), &stop))
            };
            std::thread::sleep(Duration::from_millis(300));

            // Act
            let stopping = Instant::now();
            stop.stop();
            let purged = purging.join().unwrap().unwrap();

            // Assert: stopped within a batch, having deleted some but not all.
            assert!(stopping.elapsed() < Duration::from_millis(500), "{backend}");
            assert!(purged.1 > 0 && purged.1 < 10_000, "{backend}: {purged:?}");
            assert_eq!(aged_jobs_left(&db), 10_000 - purged.1 as i64, "{backend}");
        }
    }

    #[test]
    fn dropping_the_housekeeping_loop_stops_its_purge() {
        let stop = PurgeStop::default();

        drop(StopOnDrop(stop.clone()));

        assert!(stop.is_stopped());
        assert!(!stop.pause(Duration::from_secs(60)));
    }
}
