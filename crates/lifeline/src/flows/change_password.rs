//! Changing the password of the signed-in account, with its current password.
//!
//! The rules (docs/threat-model.md, "Changing a password"):
//! - the current password is required, verified on the hashing threads with no database
//!   connection held, like a sign-in; an account without a password costs the same dummy
//!   verification and always fails (it sets a password with a reset link instead);
//! - attempts share the account's sign-in budget (`limits.login_per_account`, keyed by the
//!   same fingerprint as `POST /login`), so a stolen session gets no extra guesses by
//!   alternating between the two forms;
//! - the new password passes the same policy as a reset;
//! - the new hash is stored and the epoch bumped in one transaction that also voids the
//!   account's links, records the audit event and queues the "password changed" mail (with
//!   its "this wasn't me" link): all of it happens or none of it.

use std::sync::Arc;

use actix_web::web;
use storage::{EmailAddress, audit, tokens};

use super::shared_limits::Budget;
use crate::directory::{
    DirectoryConnection, DirectoryError, DirectoryUser, NewPassword, PasswordAuthority,
    PasswordChange, SetPasswordError,
};
use crate::error::AppError;
use crate::http::blocking::run;
use crate::http::client::ClientInfo;
use crate::outbox::{MailJob, PasswordChanged};
use crate::security::password_hash::{Checked, Password};
use crate::security::password_policy::PasswordRejection;
use crate::state::AppState;
use crate::webhooks::{Event, EventType};

/// The audit event of a change made while signed in.
pub const CHANGED_EVENT: &str = "password_changed";

/// What the person typed.
pub struct Change {
    /// The password the account has now.
    pub current: Password,
    /// The password it should have.
    pub new: Password,
    /// The new password, typed again.
    pub confirmation: String,
}

/// Why a change was refused; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    /// The current password is wrong (or the account has none).
    #[error("The current password is not right.")]
    WrongCurrent,
    /// The new password breaks the policy.
    #[error("{0}")]
    WeakPassword(PasswordRejection),
    /// Over the limit, or an infrastructure failure.
    #[error(transparent)]
    App(#[from] AppError),
}

/// Changes `user`'s password and returns the account as it is now (its new epoch), for the
/// page to sign this browser in again: the bumped epoch has ended every other session.
pub async fn change(
    state: &web::Data<AppState>,
    user: &DirectoryUser,
    change: Change,
    client: &ClientInfo,
) -> Result<DirectoryUser, ChangeError> {
    let Change {
        current,
        new,
        confirmation,
    } = change;
    super::shared_limits::spend(state, Budget::SignIn, budget_key(state, user)).await?;
    let new_password = match state.password_authority.clone() {
        Some(authority) => {
            let policy =
                state
                    .policy
                    .check(new.expose_secret(), &confirmation, &user.display_email);
            at_source(authority, user, current, new, policy).await?
        }
        None => {
            let (hasher, stored) = (state.hasher.clone(), user.password_hash.clone());
            let checked = run("checking the current password", move || {
                Ok::<_, AppError>(hasher.check(&current, stored.as_ref()))
            })
            .await?;
            if matches!(checked, Checked::NoMatch) {
                return Err(ChangeError::WrongCurrent);
            }
            state
                .policy
                .check(new.expose_secret(), &confirmation, &user.display_email)
                .map_err(ChangeError::WeakPassword)?;
            let hasher = state.hasher.clone();
            let hash = run("hashing the new password", move || {
                hasher.hash(&new).map_err(|e| AppError::Internal(e.into()))
            })
            .await?;
            NewPassword::Hash(hash)
        }
    };
    let epoch = store(state, user.id, &user.display_email, new_password, client).await?;
    Ok(DirectoryUser {
        auth_epoch: epoch,
        password_hash: None,
        ..user.clone()
    })
}

/// For an account source: verifies `current` at the source, then (Lifeline's own `policy`
/// having passed) sets `new` there, before any transaction. The source's refusal is a
/// [`ChangeError::WeakPassword`]; an entry gone from the source a wrong current password.
async fn at_source(
    authority: Arc<PasswordAuthority>,
    user: &DirectoryUser,
    current: Password,
    new: Password,
    policy: Result<(), PasswordRejection>,
) -> Result<NewPassword, ChangeError> {
    let user = user.clone();
    run("changing the password at the account source", move || {
        if !authority.verify(Some(&user), &current)? {
            return Ok(Err(ChangeError::WrongCurrent));
        }
        if let Err(rejection) = policy {
            return Ok(Err(ChangeError::WeakPassword(rejection)));
        }
        let change = PasswordChange::Change { current: &current };
        Ok::<_, AppError>(match authority.set_password(&user, &new, change) {
            Ok(()) => Ok(NewPassword::SetAtSource),
            Err(SetPasswordError::Refused(refusal)) => {
                tracing::info!(?refusal, "the account source refused the new password");
                Err(ChangeError::WeakPassword(PasswordRejection::Directory(
                    refusal,
                )))
            }
            Err(SetPasswordError::Directory(DirectoryError::NoSuchAccount)) => {
                Err(ChangeError::WrongCurrent)
            }
            Err(SetPasswordError::Directory(error)) => Err(ChangeError::App(error.into())),
        })
    })
    .await?
}

/// The key of the account's sign-in budget: the one `POST /login` counts under.
fn budget_key(state: &AppState, user: &DirectoryUser) -> [u8; 32] {
    let address = EmailAddress::parse(&user.display_email).ok();
    let bytes = address
        .as_ref()
        .map_or(user.display_email.as_bytes(), |a| a.as_str().as_bytes());
    token_core::fingerprint(&state.keys, "login", bytes)
}

/// Stores `new_password` for account `user_id` (or, when the account source has it, bumps
/// the epoch) in one transaction with everything that goes with it, and returns the new
/// epoch.
async fn store(
    state: &web::Data<AppState>,
    user_id: i64,
    email: &str,
    new_password: NewPassword,
    client: &ClientInfo,
) -> Result<i64, AppError> {
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
    let (db, directory, now) = (state.db.clone(), state.directory.clone(), state.now());
    let ip = client.ip.map(|ip| ip.to_string());
    let webhooks = state.webhooks.clone();
    let event = Event::new(EventType::PasswordChanged, user_id, email);
    let (epoch, raised) = run("storing the changed password", move || {
        let mut conn = db.conn()?;
        storage::write_transaction(&mut conn, |conn| {
            let epoch = new_password.store(
                &*directory,
                &mut DirectoryConnection::new(conn),
                user_id,
                now,
            )?;
            tokens::revoke_all_for_user(conn, user_id, now)?;
            // The epoch bump already ends every session; their records go with them.
            storage::sessions::revoke_all_for_user(conn, user_id, None)?;
            notice.write(conn, now)?;
            audit::record(
                conn,
                &audit::NewAuditEvent {
                    user_id: Some(user_id),
                    kind: CHANGED_EVENT,
                    ip: ip.as_deref(),
                    user_agent: None,
                    detail: None,
                    created_at: now,
                },
            )?;
            let raised = webhooks.raise(conn, &event, now)?;
            Ok((epoch, raised))
        })
    })
    .await?;
    state.session_cache.forget_all();
    state.outbox.committed(queued);
    state.outbox.committed_webhooks(raised);
    Ok(epoch)
}
