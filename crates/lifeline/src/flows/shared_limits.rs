//! The limits that hold across every instance of a deployment: the sign-in budget of an
//! address (`limits.login_per_account`, shared by the sign-in page, `POST /api/v1/session`
//! and the current-password check of `/account/password`) and the attempts of a live reset
//! link (`limits.attempts_per_link`), each per 15 minutes.
//!
//! Each attempt passes the instance's in-memory limiter first, a cheap filter that keeps a
//! flood at one key away from the database, then is counted in the database
//! (`storage::throttles`, a fixed window per keyed hash), so N instances behind a load
//! balancer allow the documented number in total, not N times it. A fixed window lets at most
//! twice the limit through across a window boundary.

use std::time::Duration;

use storage::throttles;

use crate::error::AppError;
use crate::http::blocking;
use crate::http::limits::rate_limit::Verdict;
use crate::state::AppState;

/// The window both budgets are counted in.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// A budget held across instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// Sign-in attempts for one address (keyed by the keyed hash of the address, context
    /// `login`).
    SignIn,
    /// New-password submissions with one live reset link (keyed by its lookup hash).
    LinkAttempts,
}

impl Budget {
    fn limit(self, state: &AppState) -> u32 {
        match self {
            Budget::SignIn => state.settings.limits.login_per_account,
            Budget::LinkAttempts => state.settings.limits.attempts_per_link,
        }
    }

    fn in_memory(self, state: &AppState, key: &[u8; 32]) -> Verdict {
        match self {
            Budget::SignIn => state.limits.check_login(key),
            Budget::LinkAttempts => state.limits.check_token(key),
        }
    }

    /// The counter's key in the database: a sign-in key is already a keyed hash of its own
    /// context; a link's lookup hash is hashed again under its own, so no two budgets (or
    /// the mail quota) ever share a counter.
    fn stored_key(self, state: &AppState, key: [u8; 32]) -> [u8; 32] {
        match self {
            Budget::SignIn => key,
            Budget::LinkAttempts => token_core::fingerprint(&state.keys, "link attempts", &key),
        }
    }
}

/// Spends one attempt of `budget` for `key` in this instance's memory only, or answers
/// [`AppError::TooManyRequests`] with the wait: for input that can match nothing (a
/// malformed address), which is refused without writing anything.
pub fn filter(state: &AppState, budget: Budget, key: &[u8; 32]) -> Result<(), AppError> {
    match budget.in_memory(state, key) {
        Verdict::Limited { retry_after_secs } => {
            Err(AppError::TooManyRequests { retry_after_secs })
        }
        Verdict::Allowed => Ok(()),
    }
}

/// Spends one attempt of `budget` for `key`, or answers [`AppError::TooManyRequests`] with
/// the wait.
pub async fn spend(state: &AppState, budget: Budget, key: [u8; 32]) -> Result<(), AppError> {
    filter(state, budget, &key)?;
    let (db, now, limit) = (state.db.clone(), state.now(), budget.limit(state));
    let stored = budget.stored_key(state, key);
    let decision = blocking::run("counting the attempt", move || {
        Ok::<_, AppError>(throttles::hit(
            &mut *db.conn()?,
            &stored,
            now,
            WINDOW,
            limit,
        )?)
    })
    .await?;
    if decision.allowed {
        return Ok(());
    }
    state.limits.count_refused(budget);
    let wait = decision.retry_after.unwrap_or(WINDOW);
    Err(AppError::TooManyRequests {
        retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
    })
}
