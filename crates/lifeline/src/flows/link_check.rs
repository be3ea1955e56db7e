//! Checking a link presented in a request, for every flow.

use token_core::Purpose;

use crate::error::AppError;
use crate::http::blocking::run;
use crate::links::LiveLink;
use crate::state::AppState;

/// Checks `text` as a link of `purpose` without using it: `None` for every kind of bad
/// link (the link service logged and counted the reason).
///
/// The in-memory part runs right here, so a forged or expired link costs neither a
/// blocking thread nor a database connection; only a link that passed it is looked up.
pub async fn check(
    state: &AppState,
    purpose: Purpose,
    text: &str,
) -> Result<Option<LiveLink>, AppError> {
    let links = state.links();
    let now = state.now_unix();
    let Ok(verified) = links.verify(purpose, text, now) else {
        return Ok(None);
    };
    let db = state.db.clone();
    let checked = run("checking the link", move || {
        links.check(&mut *db.conn()?, verified, now)
    })
    .await?;
    Ok(checked.ok())
}
