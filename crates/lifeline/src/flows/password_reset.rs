//! The password-reset flow, shared by the pages and the JSON API.

use actix_web::web;
use storage::{EmailAddress, audit, outbox, tokens};
use token_core::{Purpose, TokenError, VerifiedToken};

use crate::client::ClientInfo;
use crate::directory::Connection;
use crate::error::AppError;
use crate::jobs::payloads::{self, PasswordChanged, ResetRequested};
use crate::metrics::reasons;
use crate::security::password_hash::Password;
use crate::security::password_policy::PasswordRejection;
use crate::security::rate_limit::Verdict;
use crate::state::AppState;

/// A reset link that is currently usable.
#[derive(Debug, Clone)]
pub struct LiveLink {
    /// The account it resets.
    pub user_id: i64,
    /// The account's address, for the password manager's username field.
    pub email: String,
}

/// Why a reset could not be completed.
#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    /// Forged, expired, used, superseded or voided: all the same to the client.
    #[error("invalid or expired link")]
    InvalidLink,
    /// The new password breaks the policy; the link stays usable.
    #[error("{0}")]
    WeakPassword(PasswordRejection),
    /// Infrastructure failure.
    #[error(transparent)]
    App(#[from] AppError),
}

/// Accepts a reset request for `email`.
///
/// The answer never depends on whether the account exists: the request is
/// written to the outbox and the worker looks the account up. An address over
/// its limit is dropped silently — the caller shows the same page — so the
/// limit does not reveal anything either. Returns once the job is committed.
pub async fn request(
    state: &web::Data<AppState>,
    email: EmailAddress,
    client: &ClientInfo,
) -> Result<(), AppError> {
    if !super::admission::admit(state, &email, "password reset")? {
        return Ok(());
    }
    let payload = serde_json::to_string(&ResetRequested {
        email: email.as_str().to_owned(),
        ip: client.ip.map(|ip| ip.to_string()),
        requested_at: state.now_unix(),
    })
    .map_err(|e| AppError::Internal(e.into()))?;
    state
        .group_commit
        .enqueue(payloads::RESET_REQUESTED, payload, state.now())
        .await?;
    state.metrics.mail_queued(payloads::RESET_REQUESTED);
    state.outbox.nudge();
    Ok(())
}

/// Checks a reset link without using it (GET and HEAD must never consume: mail
/// scanners fetch every link). `None` for every kind of bad link; the reason is logged.
pub async fn check(
    state: &web::Data<AppState>,
    token: &str,
) -> Result<Option<(VerifiedToken, LiveLink)>, AppError> {
    let verified =
        match token_core::verify(&state.keys, Purpose::PasswordReset, token, state.now_unix()) {
            Ok(verified) => verified,
            Err(reason) => return Ok(rejected(state, reason)),
        };
    let (db, directory) = (state.db.clone(), state.directory.clone());
    let now = state.now();
    let lookup = *verified.lookup.as_bytes();
    let found = web::block(move || -> Result<_, storage::StorageError> {
        let mut conn = db.conn()?;
        match tokens::find_live(&mut conn, &lookup, Purpose::PasswordReset.as_str(), now)? {
            Some(token) => {
                Ok(directory.find_by_id(&mut Connection::new(&mut conn), token.user_id)?)
            }
            None => Ok(None),
        }
    })
    .await??;
    let Some(user) = found.filter(|user| user.id == verified.claims.user_id) else {
        tracing::info!("reset link rejected: not live in the database");
        state
            .metrics
            .token_rejected(Purpose::PasswordReset, reasons::NOT_LIVE);
        return Ok(None);
    };
    if let Err(reason) = verified.check_epoch(user.auth_epoch) {
        return Ok(rejected(state, reason));
    }
    Ok(Some((
        verified,
        LiveLink {
            user_id: user.id,
            email: user.display_email,
        },
    )))
}

fn rejected<T>(state: &AppState, reason: TokenError) -> Option<T> {
    tracing::info!(reason = %reason, "reset link rejected");
    state
        .metrics
        .token_rejected(Purpose::PasswordReset, reasons::token_error(&reason));
    None
}

/// Sets a new password with a reset link.
///
/// The policy is checked before anything is used, so a weak password leaves the
/// link working. The token is consumed in the same transaction that stores the
/// new hash, bumps the account's `auth_epoch` (voiding every other link and
/// session), and queues the "password changed" notice: either all of it happens
/// or none of it.
pub async fn complete(
    state: &web::Data<AppState>,
    token: &str,
    password: Password,
    confirmation: &str,
    client: &ClientInfo,
) -> Result<i64, ResetError> {
    let Some((verified, link)) = check(state, token).await? else {
        return Err(ResetError::InvalidLink);
    };
    // Counted for every submission with a live link, weak or not: a link is for one
    // person setting one password, not for trying passwords against the policy.
    if let Verdict::Limited { retry_after_secs } =
        state.limits.check_token(verified.lookup.as_bytes())
    {
        tracing::info!("reset link over its attempt limit");
        return Err(AppError::TooManyRequests { retry_after_secs }.into());
    }
    state
        .policy
        .check(password.expose_secret(), confirmation, &link.email)
        .map_err(ResetError::WeakPassword)?;
    let hasher = state.hasher.clone();
    let hash = web::block(move || hasher.hash(&password))
        .await
        .map_err(AppError::from)?
        .map_err(|e| AppError::Internal(e.into()))?;
    let payload = serde_json::to_string(&PasswordChanged {
        user_id: link.user_id,
        ip: client.ip.map(|ip| ip.to_string()),
        user_agent: client.user_agent.clone(),
        changed_at: state.now_unix(),
    })
    .map_err(|e| AppError::Internal(e.into()))?;
    let directory = state.directory.clone();
    let (db, now, ip) = (
        state.db.clone(),
        state.now(),
        client.ip.map(|ip| ip.to_string()),
    );
    let lookup = *verified.lookup.as_bytes();
    let user_id = link.user_id;
    let won = web::block(move || {
        let mut conn = db.conn()?;
        storage::write_transaction(&mut conn, |conn| {
            let Some(consumed) =
                tokens::consume(conn, &lookup, Purpose::PasswordReset.as_str(), now)?
            else {
                return Ok(false);
            };
            if consumed.user_id != user_id {
                return Err(storage::StorageError::NotFound("token owner"));
            }
            directory.set_password(&mut Connection::new(conn), user_id, &hash, now)?;
            tokens::revoke_all_for_user(conn, user_id, now)?;
            outbox::enqueue(conn, payloads::PASSWORD_CHANGED, &payload, now)?;
            audit::record(
                conn,
                &audit::NewAuditEvent {
                    user_id: Some(user_id),
                    kind: "password_reset",
                    ip: ip.as_deref(),
                    user_agent: None,
                    detail: None,
                    created_at: now,
                },
            )?;
            Ok(true)
        })
    })
    .await
    .map_err(AppError::from)?
    .map_err(AppError::from)?;
    if !won {
        tracing::info!("reset link rejected: used or voided while being checked");
        state
            .metrics
            .token_rejected(Purpose::PasswordReset, reasons::USED_CONCURRENTLY);
        return Err(ResetError::InvalidLink);
    }
    state.metrics.token_consumed(Purpose::PasswordReset);
    state.metrics.mail_queued(payloads::PASSWORD_CHANGED);
    state.outbox.nudge();
    Ok(user_id)
}
