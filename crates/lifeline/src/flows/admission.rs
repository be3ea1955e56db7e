//! The in-memory limits every link request passes before it reaches the outbox. The
//! per-address limit is held for the whole deployment by the outbox worker, which counts
//! each job in the database (`outbox::quotas`); this instance's count is the cheap filter
//! in front of it.

use storage::EmailAddress;

use crate::error::AppError;
use crate::http::limits::rate_limit::Verdict;
use crate::state::AppState;

/// Whether a link request for `email` goes on to the outbox.
///
/// Over the global ceiling the whole service answers 429 (that reveals nothing
/// about any address). Over the per-address limit the request is dropped
/// *silently* (`Ok(false)`) and the caller shows the usual page, so the limit
/// tells nobody whether the address has an account. Reset and magic-link
/// requests share one budget per address (a keyed hash of the normalised
/// address, whether or not the account exists), so switching flows does not
/// double the mail an attacker can aim at someone.
pub fn admit(state: &AppState, email: &EmailAddress, flow: &str) -> Result<bool, AppError> {
    if let Verdict::Limited { retry_after_secs } = state.limits.check_global() {
        return Err(AppError::TooManyRequests { retry_after_secs });
    }
    let address_key = token_core::fingerprint(&state.keys, "address", email.as_str().as_bytes());
    if let Verdict::Limited { .. } = state.limits.check_address(&address_key) {
        tracing::info!(email = %email.masked(), flow, "link request over the per-address limit; no mail");
        return Ok(false);
    }
    Ok(true)
}
