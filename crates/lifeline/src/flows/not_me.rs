//! "This wasn't me": the link in every reset and password-changed email.

use actix_web::web;
use storage::{audit, outbox};
use token_core::{Purpose, VerifiedToken};

use crate::client::ClientInfo;
use crate::directory::Connection;
use crate::error::AppError;
use crate::jobs::payloads::{self, NotMeConfirmed};
use crate::metrics::reasons;
use crate::state::AppState;

/// Checks a "not me" link without using it. These links are not stored: the
/// MAC, the expiry and the account's `auth_epoch` bind them, and using one bumps
/// the epoch, which voids it (and every other link and session) at once.
pub async fn check(
    state: &web::Data<AppState>,
    token: &str,
) -> Result<Option<VerifiedToken>, AppError> {
    let verified = match token_core::verify(&state.keys, Purpose::NotMe, token, state.now_unix()) {
        Ok(verified) => verified,
        Err(reason) => {
            tracing::info!(reason = %reason, "not-me link rejected");
            state
                .metrics
                .token_rejected(Purpose::NotMe, reasons::token_error(&reason));
            return Ok(None);
        }
    };
    let (db, directory) = (state.db.clone(), state.directory.clone());
    let user_id = verified.claims.user_id;
    let user = web::block(move || -> Result<_, AppError> {
        Ok(directory.find_by_id(&mut Connection::new(&mut *db.conn()?), user_id)?)
    })
    .await??;
    match user.map(|user| verified.check_epoch(user.auth_epoch)) {
        Some(Ok(())) => Ok(Some(verified)),
        Some(Err(reason)) => {
            tracing::info!(reason = %reason, "not-me link rejected");
            state
                .metrics
                .token_rejected(Purpose::NotMe, reasons::token_error(&reason));
            Ok(None)
        }
        None => {
            tracing::info!("not-me link rejected: the account no longer exists");
            state
                .metrics
                .token_rejected(Purpose::NotMe, reasons::NOT_LIVE);
            Ok(None)
        }
    }
}

/// Locks the account down: every link and session is voided (epoch bump),
/// resets are paused for the configured time, the event is audited and a
/// confirmation mailed. Returns `false` when the link is no longer usable.
pub async fn confirm(
    state: &web::Data<AppState>,
    token: &str,
    client: &ClientInfo,
) -> Result<bool, AppError> {
    let Some(verified) = check(state, token).await? else {
        return Ok(false);
    };
    let (db, now) = (state.db.clone(), state.now());
    let pause = chrono::TimeDelta::seconds(
        i64::try_from(state.settings.limits.not_me_pause_secs).unwrap_or(i64::MAX),
    );
    let user_id = verified.claims.user_id;
    let epoch = verified.claims.auth_epoch;
    let payload = serde_json::to_string(&NotMeConfirmed {
        user_id,
        ip: client.ip.map(|ip| ip.to_string()),
        confirmed_at: state.now_unix(),
    })
    .map_err(|e| AppError::Internal(e.into()))?;
    let ip = client.ip.map(|ip| ip.to_string());
    let user_agent = client.user_agent.clone();
    let directory = state.directory.clone();
    let done = web::block(move || {
        let mut conn = db.conn()?;
        storage::write_transaction(&mut conn, |conn| {
            // Compare-and-bump inside the transaction: two clicks at once lock down once.
            if directory
                .find_by_id(&mut Connection::new(conn), user_id)?
                .is_none_or(|user| user.auth_epoch != epoch)
            {
                return Ok(false);
            }
            directory.bump_auth_epoch(&mut Connection::new(conn), user_id, now)?;
            storage::tokens::revoke_all_for_user(conn, user_id, now)?;
            if !directory.pause_resets(&mut Connection::new(conn), user_id, now + pause, now)? {
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
            outbox::enqueue(conn, payloads::NOT_ME_CONFIRMED, &payload, now)?;
            Ok(true)
        })
    })
    .await??;
    if done {
        state.metrics.token_consumed(Purpose::NotMe);
        state.metrics.mail_queued(payloads::NOT_ME_CONFIRMED);
        state.outbox.nudge();
    } else {
        tracing::info!("not-me link rejected: used or voided while being checked");
        state
            .metrics
            .token_rejected(Purpose::NotMe, reasons::USED_CONCURRENTLY);
    }
    Ok(done)
}
