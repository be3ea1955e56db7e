//! Magic-link sign-in, shared by the pages and the JSON API.
//!
//! Asking for a link only writes an outbox job (the worker looks the account
//! up, checks the pause and the quota, and mints the token). Opening the link
//! only checks it; mail scanners such as Outlook Safe Links fetch every link, so
//! a `GET` must never use it. The sign-in happens on an explicit `POST`.

use actix_session::Session;
use actix_web::web;
use storage::{EmailAddress, audit, outbox, tokens};
use token_core::{Purpose, TokenError, VerifiedToken};

use crate::client::ClientInfo;
use crate::directory::{Connection, DirectoryUser as User};
use crate::error::AppError;
use crate::jobs::payloads::{self, MagicLinkRequested, MagicLinkSignedIn};
use crate::metrics::reasons;
use crate::security::browser_binding;
use crate::state::AppState;

/// The audit event kind of a magic-link sign-in.
pub const SIGN_IN_EVENT: &str = "magic_link_sign_in";

/// Why a magic link could not be used.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// Forged, expired, used, superseded or voided: all the same to the client.
    #[error("invalid or expired link")]
    InvalidLink,
    /// Same-browser links are on and this browser did not ask for the link.
    #[error("link opened in another browser")]
    OtherBrowser,
    /// Infrastructure failure.
    #[error(transparent)]
    App(#[from] AppError),
}

/// What a browser presents with a link: its session and, with same-browser
/// links on, the link's binding tag.
#[derive(Clone, Copy)]
pub struct Presented<'a> {
    /// The token text from the link.
    pub token: &'a str,
    /// The `browser` tag from the link, if any.
    pub browser_tag: Option<&'a str>,
    /// The presenting browser's session.
    pub session: &'a Session,
}

/// Accepts a magic-link request for `email`.
///
/// The answer never depends on whether the account exists: the request goes
/// to the outbox and the worker does the rest. An address over its limit is
/// dropped silently (see [`super::admission::admit`]). With same-browser links
/// on, this browser's binding fingerprint travels with the job.
pub async fn request(
    state: &web::Data<AppState>,
    email: EmailAddress,
    client: &ClientInfo,
    session: &Session,
) -> Result<(), AppError> {
    let browser = if state.settings.tokens.magic_link_same_browser {
        Some(browser_binding::browser_fingerprint(session, &state.keys)?)
    } else {
        None
    };
    if !super::admission::admit(state, &email, "magic link")? {
        return Ok(());
    }
    let payload = serde_json::to_string(&MagicLinkRequested {
        email: email.as_str().to_owned(),
        ip: client.ip.map(|ip| ip.to_string()),
        requested_at: state.now_unix(),
        browser,
    })
    .map_err(|e| AppError::Internal(e.into()))?;
    state
        .group_commit
        .enqueue(payloads::MAGIC_LINK_REQUESTED, payload, state.now())
        .await?;
    state.metrics.mail_queued(payloads::MAGIC_LINK_REQUESTED);
    state.outbox.nudge();
    Ok(())
}

/// Checks a magic link without using it: MAC and expiry in memory first, then
/// the live row, the account's epoch and (if on) the browser binding.
pub async fn check(
    state: &web::Data<AppState>,
    presented: Presented<'_>,
) -> Result<(VerifiedToken, User), LinkError> {
    let verified = token_core::verify(
        &state.keys,
        Purpose::MagicLink,
        presented.token,
        state.now_unix(),
    )
    .map_err(|reason| rejected(state, reason))?;
    let (db, now) = (state.db.clone(), state.now());
    let directory = state.directory.clone();
    let lookup = *verified.lookup.as_bytes();
    let found = web::block(move || -> Result<_, storage::StorageError> {
        let mut conn = db.conn()?;
        match tokens::find_live(&mut conn, &lookup, Purpose::MagicLink.as_str(), now)? {
            Some(token) => {
                Ok(directory.find_by_id(&mut Connection::new(&mut conn), token.user_id)?)
            }
            None => Ok(None),
        }
    })
    .await
    .map_err(AppError::from)?
    .map_err(AppError::from)?;
    let Some(user) = found.filter(|user| user.id == verified.claims.user_id) else {
        tracing::info!("magic link rejected: not live in the database");
        state
            .metrics
            .token_rejected(Purpose::MagicLink, reasons::NOT_LIVE);
        return Err(LinkError::InvalidLink);
    };
    verified
        .check_epoch(user.auth_epoch)
        .map_err(|reason| rejected(state, reason))?;
    if state.settings.tokens.magic_link_same_browser
        && !browser_binding::tag_matches(
            &state.keys,
            presented.session,
            &lookup,
            presented.browser_tag,
        )
    {
        tracing::info!("magic link rejected: opened in another browser");
        state
            .metrics
            .token_rejected(Purpose::MagicLink, reasons::OTHER_BROWSER);
        return Err(LinkError::OtherBrowser);
    }
    Ok((verified, user))
}

fn rejected(state: &AppState, reason: TokenError) -> LinkError {
    tracing::info!(reason = %reason, "magic link rejected");
    state
        .metrics
        .token_rejected(Purpose::MagicLink, reasons::token_error(&reason));
    LinkError::InvalidLink
}

/// Uses a magic link: returns the account to sign in.
///
/// One transaction consumes the token (a conditional `UPDATE`, so of many
/// concurrent attempts exactly one wins), re-reads the account to make sure no
/// "this wasn't me" or password change slipped in since the check, records the
/// audit event and queues the "new sign-in" notice. The caller then starts a
/// fresh session.
pub async fn complete(
    state: &web::Data<AppState>,
    presented: Presented<'_>,
    client: &ClientInfo,
) -> Result<User, LinkError> {
    let (verified, user) = check(state, presented).await?;
    let payload = serde_json::to_string(&MagicLinkSignedIn {
        user_id: user.id,
        ip: client.ip.map(|ip| ip.to_string()),
        user_agent: client.user_agent.clone(),
        signed_in_at: state.now_unix(),
    })
    .map_err(|e| AppError::Internal(e.into()))?;
    let (db, now) = (state.db.clone(), state.now());
    let (ip, user_agent) = (
        client.ip.map(|ip| ip.to_string()),
        client.user_agent.clone(),
    );
    let lookup = *verified.lookup.as_bytes();
    let directory = state.directory.clone();
    let (user_id, epoch) = (user.id, verified.claims.auth_epoch);
    let signed_in = web::block(move || {
        let mut conn = db.conn()?;
        storage::write_transaction(&mut conn, |conn| {
            let Some(consumed) = tokens::consume(conn, &lookup, Purpose::MagicLink.as_str(), now)?
            else {
                return Ok(None);
            };
            if consumed.user_id != user_id {
                return Err(storage::StorageError::NotFound("token owner"));
            }
            let Some(user) = directory
                .find_by_id(&mut Connection::new(conn), user_id)?
                .filter(|u| u.auth_epoch == epoch)
            else {
                return Ok(None);
            };
            audit::record(
                conn,
                &audit::NewAuditEvent {
                    user_id: Some(user_id),
                    kind: SIGN_IN_EVENT,
                    ip: ip.as_deref(),
                    user_agent: user_agent.as_deref(),
                    detail: None,
                    created_at: now,
                },
            )?;
            outbox::enqueue(conn, payloads::MAGIC_LINK_SIGNED_IN, &payload, now)?;
            Ok(Some(user))
        })
    })
    .await
    .map_err(AppError::from)?
    .map_err(AppError::from)?;
    let Some(user) = signed_in else {
        tracing::info!("magic link rejected: used or voided while being checked");
        state
            .metrics
            .token_rejected(Purpose::MagicLink, reasons::USED_CONCURRENTLY);
        return Err(LinkError::InvalidLink);
    };
    state.metrics.token_consumed(Purpose::MagicLink);
    state.metrics.mail_queued(payloads::MAGIC_LINK_SIGNED_IN);
    state.outbox.nudge();
    Ok(user)
}
