//! The password-reset flow, shared by the pages and the JSON API.

use std::sync::Arc;

use actix_web::web;
use storage::{EmailAddress, audit, tokens};
use token_core::Purpose;

use super::shared_limits::Budget;
use crate::directory::{
    DirectoryConnection, DirectoryError, DirectoryUser, NewPassword, PasswordAuthority,
    PasswordChange, SetPasswordError,
};
use crate::error::AppError;
use crate::http::blocking::run;
use crate::http::client::ClientInfo;
use crate::links::LiveLink;
use crate::outbox::{MailJob, PasswordChanged, ResetRequested};
use crate::security::password_hash::Password;
use crate::security::password_policy::PasswordRejection;
use crate::state::AppState;
use crate::webhooks::{Event, EventType};

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
    let job = MailJob::PasswordResetRequested(ResetRequested {
        email: email.as_str().to_owned(),
        ip: client.ip.map(|ip| ip.to_string()),
        requested_at: state.now_unix(),
        lang: state.request_lang(),
    });
    state.outbox.enqueue(job).await
}

/// Checks a reset link without using it (GET and HEAD must never consume: mail
/// scanners fetch every link). `None` for every kind of bad link; the reason is logged.
pub async fn check(state: &web::Data<AppState>, token: &str) -> Result<Option<LiveLink>, AppError> {
    super::link_check::check(state, Purpose::PasswordReset, token).await
}

/// Sets a new password with a reset link.
///
/// The policy is checked before anything is used, so a weak password leaves the
/// link working. The token is consumed in the same transaction that stores the
/// new hash, bumps the account's `auth_epoch` (voiding every other link and
/// session), and queues the "password changed" notice: either all of it happens
/// or none of it. Returns the account as it is now (its new epoch, no stored hash),
/// for a page that signs the browser in or fills in the sign-in form.
pub async fn complete(
    state: &web::Data<AppState>,
    token: &str,
    password: Password,
    confirmation: &str,
    client: &ClientInfo,
) -> Result<DirectoryUser, ResetError> {
    let Some(link) = check(state, token).await? else {
        return Err(ResetError::InvalidLink);
    };
    // Counted for every submission with a live link, weak or not: a link is for one
    // person setting one password, not for trying passwords against the policy.
    let key = *link.lookup().as_bytes();
    if let Err(refused) = super::shared_limits::spend(state, Budget::LinkAttempts, key).await {
        tracing::info!("reset link over its attempt limit");
        return Err(refused.into());
    }
    state
        .policy
        .check(
            password.expose_secret(),
            confirmation,
            &link.user().display_email,
        )
        .map_err(ResetError::WeakPassword)?;
    let new_password = match state.password_authority.clone() {
        Some(authority) => set_at_source(authority, link.user().clone(), password).await?,
        None => {
            let hasher = state.hasher.clone();
            let hash = run("hashing the new password", move || {
                hasher
                    .hash(&password)
                    .map_err(|e| AppError::Internal(e.into()))
            })
            .await?;
            NewPassword::Hash(hash)
        }
    };
    let user_id = link.user().id;
    let mut user = DirectoryUser {
        password_hash: None,
        ..link.user().clone()
    };
    let notice = MailJob::PasswordChanged(PasswordChanged {
        user_id,
        ip: client.ip.map(|ip| ip.to_string()),
        user_agent: client.user_agent.clone(),
        changed_at: state.now_unix(),
        lang: state.request_lang(),
    })
    .encode()
    .map_err(|e| AppError::Internal(e.into()))?;
    let queued = notice.kind();
    let (links, directory) = (state.links(), state.directory.clone());
    let (webhooks, email) = (state.webhooks.clone(), user.display_email.clone());
    let (db, now, now_unix, ip) = (
        state.db.clone(),
        state.now(),
        state.now_unix(),
        client.ip.map(|ip| ip.to_string()),
    );
    let epoch = run("using the reset link", move || {
        let mut conn = db.conn()?;
        storage::write_transaction(&mut conn, |conn| {
            let Ok(used) = links.consume(conn, &link, now_unix)? else {
                return Ok(None);
            };
            let epoch = new_password.store(
                &*directory,
                &mut DirectoryConnection::new(conn),
                user_id,
                now,
            )?;
            if used
                .into_user()
                .resets_paused_until
                .is_some_and(|until| until > now)
            {
                // Only the recovery link of a lock-down can exist during a pause: the owner
                // has taken the account back, so the pause is over. (A directory that cannot
                // lift a pause lets it run out; the new password works either way.)
                directory.lift_pause(&mut DirectoryConnection::new(conn), user_id, now)?;
            }
            tokens::revoke_all_for_user(conn, user_id, now)?;
            // The epoch bump already ends every session; their records go with them.
            storage::sessions::revoke_all_for_user(conn, user_id, None)?;
            notice.write(conn, now)?;
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
            let event = Event::new(EventType::PasswordChanged, user_id, &email);
            let raised = webhooks.raise(conn, &event, now)?;
            Ok(Some((epoch, raised)))
        })
    })
    .await?;
    let Some((epoch, raised)) = epoch else {
        // The link service logged and counted why (used or voided since the check). With an
        // account source the password was set already: the other use of the link set one
        // too, and it is the same person's link.
        return Err(ResetError::InvalidLink);
    };
    state.session_cache.forget_all();
    state.metrics.token_consumed(Purpose::PasswordReset);
    state.outbox.committed(queued);
    state.outbox.committed_webhooks(raised);
    user.auth_epoch = epoch;
    Ok(user)
}

/// For an account source: sets `password` at the source before the transaction that uses
/// the link. A refusal by the source's own policy is a [`ResetError::WeakPassword`] and an
/// entry gone from the source an invalid link; either way nothing changed and the link
/// stays as it was.
async fn set_at_source(
    authority: Arc<PasswordAuthority>,
    user: DirectoryUser,
    password: Password,
) -> Result<NewPassword, ResetError> {
    run(
        "setting the new password at the account source",
        move || {
            Ok::<_, AppError>(
                match authority.set_password(&user, &password, PasswordChange::Reset) {
                    Ok(()) => Ok(NewPassword::SetAtSource),
                    Err(SetPasswordError::Refused(refusal)) => {
                        tracing::info!(?refusal, "the account source refused the new password");
                        Err(ResetError::WeakPassword(PasswordRejection::Directory(
                            refusal,
                        )))
                    }
                    Err(SetPasswordError::Directory(DirectoryError::NoSuchAccount)) => {
                        tracing::info!(
                            user_id = user.id,
                            "reset link refused: the entry is gone from the account source"
                        );
                        Err(ResetError::InvalidLink)
                    }
                    Err(SetPasswordError::Directory(error)) => Err(ResetError::App(error.into())),
                },
            )
        },
    )
    .await?
}
