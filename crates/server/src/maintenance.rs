//! Periodic housekeeping: forget recovered rate-limit keys and purge rows that
//! can no longer matter, so the tables stay bounded. Runs on the blocking pool
//! in small batches, never holding up requests.

use std::time::Duration;

use actix_web::web;
use chrono::TimeDelta;
use storage::{outbox, throttles, tokens};

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

/// The housekeeping loop; aborted when the application stops.
pub async fn run(state: web::Data<AppState>) {
    let mut ticker = tokio::time::interval(TRIM_EVERY);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut round = 0u32;
    loop {
        ticker.tick().await;
        state.limits.retain_recent();
        round = round.wrapping_add(1);
        if round % PURGE_EVERY_N_TRIMS == 1 {
            let state = state.clone();
            match tokio::task::spawn_blocking(move || purge(&state)).await {
                Ok(Ok((t, o, th))) => {
                    tracing::debug!(tokens = t, outbox = o, throttles = th, "purged")
                }
                Ok(Err(error)) => tracing::warn!(error = %error, "purge failed"),
                Err(error) => tracing::warn!(error = %error, "purge task failed"),
            }
        }
    }
}

/// Deletes expired/used tokens, old sent jobs and finished throttle windows.
pub fn purge(state: &AppState) -> Result<(usize, usize, usize), storage::StorageError> {
    let now = state.now();
    let mut conn = state.db.conn()?;
    Ok((
        tokens::purge_expired(&mut conn, now - TOKEN_RETENTION)?,
        outbox::purge_sent(&mut conn, now - OUTBOX_RETENTION)?,
        throttles::purge(&mut conn, now - THROTTLE_RETENTION)?,
    ))
}
