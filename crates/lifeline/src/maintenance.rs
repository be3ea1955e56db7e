//! Periodic housekeeping: forget recovered rate-limit keys and purge rows that
//! can no longer matter, so the tables stay bounded. Runs on the blocking pool
//! in small batches with a pause between them (`maintenance.purge_pause_ms`),
//! so requests' writes get the database in between, and stops at the next batch
//! when the application stops instead of holding up its shutdown.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use actix_web::web;
use chrono::{NaiveDateTime, TimeDelta};
use storage::{Database, StorageError, outbox, sessions, throttles, tokens};

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
/// Expired sessions are deleted once they have been over this long.
const SESSION_RETENTION: TimeDelta = TimeDelta::zero();

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
        state.admin_limits.retain_recent();
        round = round.wrapping_add(1);
        if round % PURGE_EVERY_N_TRIMS == 1 {
            let (db, now, stop) = (state.db.clone(), state.now(), stop.clone());
            match tokio::task::spawn_blocking(move || purge(&db, now, pause, &stop)).await {
                Ok(Ok(Purged {
                    tokens,
                    outbox,
                    throttles,
                    sessions,
                })) => tracing::debug!(tokens, outbox, throttles, sessions, "purged"),
                Ok(Err(error)) => tracing::warn!(error = %error, "purge failed"),
                Err(error) => tracing::warn!(error = %error, "purge task failed"),
            }
        }
    }
}

/// How many rows of each table one purge deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    /// Expired or used tokens.
    pub tokens: usize,
    /// Old sent mail jobs.
    pub outbox: usize,
    /// Finished throttle windows.
    pub throttles: usize,
    /// Expired sessions.
    pub sessions: usize,
}

/// Deletes expired/used tokens, old sent jobs, finished throttle windows and
/// expired sessions as of `now`, pausing `pause` between batches; returns how
/// many of each. Stops early, at a batch boundary, once `stop` is set (the rest
/// waits for the next purge).
pub fn purge(
    db: &Database,
    now: NaiveDateTime,
    pause: Duration,
    stop: &PurgeStop,
) -> Result<Purged, StorageError> {
    let mut next_batch = || stop.pause(pause);
    let mut conn = db.conn()?;
    let mut counts = Purged::default();
    if !stop.is_stopped() {
        counts.tokens =
            tokens::purge_expired_paced(&mut conn, now - TOKEN_RETENTION, &mut next_batch)?;
    }
    if !stop.is_stopped() {
        counts.outbox =
            outbox::purge_sent_paced(&mut conn, now - OUTBOX_RETENTION, &mut next_batch)?;
    }
    if !stop.is_stopped() {
        counts.throttles =
            throttles::purge_paced(&mut conn, now - THROTTLE_RETENTION, &mut next_batch)?;
    }
    if !stop.is_stopped() {
        counts.sessions =
            sessions::purge_expired_paced(&mut conn, now - SESSION_RETENTION, &mut next_batch)?;
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
            let outbox_only = Purged {
                outbox: 1234,
                ..Purged::default()
            };
            assert_eq!(purged.unwrap(), outbox_only, "{backend}");
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
            let deleted = purged.outbox;
            assert!(deleted > 0 && deleted < 10_000, "{backend}: {purged:?}");
            assert_eq!(aged_jobs_left(&db), 10_000 - deleted as i64, "{backend}");
        }
    }

    #[test]
    fn expired_sessions_are_purged_and_live_ones_kept() {
        for backend in available_backends() {
            let Some(db) = TestDb::new(backend) else {
                continue;
            };
            // Arrange
            let conn = &mut db.conn().unwrap();
            let (expired, live) = ([1u8; 32], [2u8; 32]);
            for (hash, expires_at) in [
                (&expired, fixed_now() - TimeDelta::minutes(1)),
                (&live, fixed_now() + TimeDelta::hours(1)),
            ] {
                let session = sessions::NewSession {
                    user_id: 1,
                    secret_hash: hash,
                    auth_epoch: 0,
                    method: sessions::Method::Password,
                    ip: None,
                    user_agent: None,
                    now: fixed_now() - TimeDelta::hours(12),
                    expires_at,
                };
                sessions::create(conn, &session).unwrap();
            }

            // Act
            let purged = purge(&db, fixed_now(), Duration::ZERO, &PurgeStop::default());

            // Assert
            assert_eq!(purged.unwrap().sessions, 1, "{backend}");
            let now = fixed_now();
            assert!(sessions::find_live(conn, &live, now).unwrap().is_some());
            assert_eq!(
                sessions::purge_expired(conn, now + TimeDelta::hours(2)).unwrap(),
                1
            );
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
