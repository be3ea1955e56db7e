//! "This wasn't me": the link in every reset and password-changed email.

use actix_web::web;
use storage::audit;
use token_core::Purpose;

use crate::directory::DirectoryConnection;
use crate::error::AppError;
use crate::http::blocking::run;
use crate::http::client::ClientInfo;
use crate::links::LiveLink;
use crate::outbox::{MailJob, NotMeConfirmed};
use crate::state::AppState;

/// Checks a "not me" link without using it. These links are not stored: the
/// MAC, the expiry and the account's `auth_epoch` bind them, and using one bumps
/// the epoch, which voids it (and every other link and session) at once.
pub async fn check(state: &web::Data<AppState>, token: &str) -> Result<Option<LiveLink>, AppError> {
    super::link_check::check(state, Purpose::NotMe, token).await
}

/// Locks the account down: every link and session is voided (epoch bump),
/// resets are paused for the configured time, the event is audited and a
/// confirmation mailed. Returns `false` when the link is no longer usable.
pub async fn confirm(
    state: &web::Data<AppState>,
    token: &str,
    client: &ClientInfo,
) -> Result<bool, AppError> {
    let Some(link) = check(state, token).await? else {
        return Ok(false);
    };
    let (links, db, now, now_unix) = (
        state.links(),
        state.db.clone(),
        state.now(),
        state.now_unix(),
    );
    let pause = chrono::TimeDelta::seconds(
        i64::try_from(state.settings.limits.not_me_pause_secs).unwrap_or(i64::MAX),
    );
    let user_id = link.user().id;
    let notice = MailJob::NotMeConfirmed(NotMeConfirmed {
        user_id,
        ip: client.ip.map(|ip| ip.to_string()),
        confirmed_at: state.now_unix(),
    })
    .encode()
    .map_err(|e| AppError::Internal(e.into()))?;
    let queued = notice.kind();
    let ip = client.ip.map(|ip| ip.to_string());
    let user_agent = client.user_agent.clone();
    let directory = state.directory.clone();
    let done = run("locking the account down", move || {
        let mut conn = db.conn()?;
        storage::write_transaction(&mut conn, |conn| {
            // Using the link compares and bumps the epoch inside the transaction: two
            // clicks at once lock down once.
            if links.consume(conn, &link, now_unix)?.is_err() {
                return Ok(false);
            }
            storage::tokens::revoke_all_for_user(conn, user_id, now)?;
            if !directory.pause_resets(
                &mut DirectoryConnection::new(conn),
                user_id,
                now + pause,
                now,
            )? {
                tracing::warn!(
                    user_id,
                    "the user directory cannot pause resets; links were voided"
                );
            }
            audit::record(
                conn,
                &audit::NewAuditEvent {
                    user_id: Some(user_id),
                    kind: "not_me",
                    ip: ip.as_deref(),
                    user_agent: user_agent.as_deref(),
                    detail: None,
                    created_at: now,
                },
            )?;
            notice.write(conn, now)?;
            Ok(true)
        })
    })
    .await?;
    if done {
        state.metrics.token_consumed(Purpose::NotMe);
        state.outbox.committed(queued);
    }
    // Otherwise the link service logged and counted why (used or voided since the check).
    Ok(done)
}
