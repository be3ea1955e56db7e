//! Magic-link sign-in, shared by the pages and the JSON API.
//!
//! Asking for a link only writes an outbox job (the worker looks the account
//! up, checks the pause and the quota, and mints the token). Opening the link
//! only checks it; mail scanners such as Outlook Safe Links fetch every link, so
//! a `GET` must never use it. The sign-in happens on an explicit `POST`.

use actix_web::web;
use storage::{EmailAddress, audit};
use token_core::Purpose;

use crate::directory::DirectoryUser as User;
use crate::error::AppError;
use crate::http::blocking::run;
use crate::http::browser_binding;
use crate::http::client::ClientInfo;
use crate::http::session::LifelineSession;
use crate::links::LiveLink;
use crate::metrics::reasons;
use crate::outbox::{MagicLinkRequested, MagicLinkSignedIn, MailJob};
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
    pub session: &'a LifelineSession,
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
    session: &LifelineSession,
) -> Result<(), AppError> {
    let browser = if state.settings.tokens.magic_link_same_browser {
        Some(browser_binding::browser_fingerprint(session, &state.keys)?)
    } else {
        None
    };
    if !super::admission::admit(state, &email, "magic link")? {
        return Ok(());
    }
    let job = MailJob::MagicLinkRequested(MagicLinkRequested {
        email: email.as_str().to_owned(),
        ip: client.ip.map(|ip| ip.to_string()),
        requested_at: state.now_unix(),
        browser,
        lang: state.request_lang(),
    });
    state.outbox.enqueue(job).await
}

/// Checks a magic link without using it: the link service checks MAC, expiry,
/// the live row and the account's epoch; then, if same-browser links are on, the
/// browser binding.
pub async fn check(
    state: &web::Data<AppState>,
    presented: Presented<'_>,
) -> Result<LiveLink, LinkError> {
    let Some(link) = super::link_check::check(state, Purpose::MagicLink, presented.token).await?
    else {
        return Err(LinkError::InvalidLink);
    };
    if state.settings.tokens.magic_link_same_browser
        && !browser_binding::tag_matches(
            &state.keys,
            presented.session,
            link.lookup().as_bytes(),
            presented.browser_tag,
        )
    {
        tracing::info!("magic link rejected: opened in another browser");
        state
            .metrics
            .token_rejected(Purpose::MagicLink, reasons::OTHER_BROWSER);
        return Err(LinkError::OtherBrowser);
    }
    Ok(link)
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
    let link = check(state, presented).await?;
    let user_id = link.user().id;
    let notice = MailJob::MagicLinkSignedIn(MagicLinkSignedIn {
        user_id,
        ip: client.ip.map(|ip| ip.to_string()),
        user_agent: client.user_agent.clone(),
        signed_in_at: state.now_unix(),
        lang: state.request_lang(),
    })
    .encode()
    .map_err(|e| AppError::Internal(e.into()))?;
    let queued = notice.kind();
    let (links, db, now, now_unix) = (
        state.links(),
        state.db.clone(),
        state.now(),
        state.now_unix(),
    );
    let (ip, user_agent) = (
        client.ip.map(|ip| ip.to_string()),
        client.user_agent.clone(),
    );
    let signed_in = run("signing in with the magic link", move || {
        let mut conn = db.conn()?;
        storage::write_transaction(&mut conn, |conn| {
            let Ok(used) = links.consume(conn, &link, now_unix)? else {
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
            notice.write(conn, now)?;
            Ok(Some(used.into_user()))
        })
    })
    .await?;
    let Some(user) = signed_in else {
        // The link service logged and counted why (used or voided since the check).
        return Err(LinkError::InvalidLink);
    };
    state.metrics.token_consumed(Purpose::MagicLink);
    state.outbox.committed(queued);
    Ok(user)
}
