//! The sign-in budget of an account (`limits.login_per_account` per 15 minutes), shared by
//! the sign-in page, `POST /api/v1/session` and the current-password check of
//! `/account/password`, and held across every instance of a deployment.
//!
//! Each attempt passes the instance's in-memory limiter first, a cheap filter that keeps a
//! flood at one address away from the database, then is counted in the database
//! (`storage::throttles`, a fixed 15-minute window per keyed hash of the address), so N
//! instances behind a load balancer allow the documented number of attempts in total, not N
//! times it. A fixed window lets at most twice the limit through across a window boundary.

use std::time::Duration;

use storage::throttles;

use crate::error::AppError;
use crate::http::blocking;
use crate::http::limits::rate_limit::Verdict;
use crate::state::AppState;

/// The window the budget is counted in.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Spends one attempt of the budget of `key` (the keyed hash of the address), or answers
/// [`AppError::TooManyRequests`] with the wait.
pub async fn spend(state: &AppState, key: [u8; 32]) -> Result<(), AppError> {
    if let Verdict::Limited { retry_after_secs } = state.limits.check_login(&key) {
        return Err(AppError::TooManyRequests { retry_after_secs });
    }
    let (db, now) = (state.db.clone(), state.now());
    let limit = state.settings.limits.login_per_account;
    let decision = blocking::run("counting the sign-in attempt", move || {
        Ok::<_, AppError>(throttles::hit(&mut *db.conn()?, &key, now, WINDOW, limit)?)
    })
    .await?;
    if decision.allowed {
        return Ok(());
    }
    state.limits.count_login_refused();
    let wait = decision.retry_after.unwrap_or(WINDOW);
    Err(AppError::TooManyRequests {
        retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
    })
}
