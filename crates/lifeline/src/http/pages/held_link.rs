//! What the three emailed links (reset, magic link, "this wasn't me") share
//! between the mail and their button.
//!
//! The first hop (`GET|HEAD …?token=…`) checks the link without using it, keeps
//! it in the encrypted session and redirects (303) to the clean URL, so the token
//! never stays in the address bar, the history or a later `Referer`. The clean
//! page and its `POST` take the link from the session. A browser that refuses
//! cookies arrives at the clean URL without the link and gets the page for an
//! unusable link: one redirect, never a loop.

use actix_web::HttpResponse;
use actix_web::http::header::LOCATION;
use token_core::Purpose;

use crate::error::AppError;
use crate::http::session::{HeldLink, LifelineSession};
use crate::http::urls::Url;
use crate::state::AppState;

/// The message on a form posted from a page that showed another link than the
/// one the session now holds (another tab opened a newer link).
pub const ANOTHER_LINK_OPENED: &str = "Another link was opened in this browser after this page was shown. \
     Check the details below, then press the button again.";

/// Keeps the (already checked) `link` in the session and sends the browser on
/// to the clean `url`.
pub fn hold_and_redirect(
    state: &AppState,
    session: &LifelineSession,
    purpose: Purpose,
    link: &HeldLink,
    url: Url,
) -> Result<HttpResponse, AppError> {
    session.hold_link(purpose, link)?;
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, state.path(url.path())))
        .finish())
}

/// The link a confirmation form acts on.
pub enum Posted {
    /// Use this link.
    Link(HeldLink),
    /// The page showed another link than the one the session holds now.
    Replaced,
}

/// The link a `POST` of `purpose` acts on: the one the session holds, if it is
/// the one the page showed (`form_id`, the form's `link` field). `legacy` is a
/// token posted in the form body, as pages rendered before links were held in
/// the session did; it is still accepted, and it is never in a URL.
pub fn posted(
    state: &AppState,
    session: &LifelineSession,
    purpose: Purpose,
    form_id: Option<&str>,
    legacy: Option<HeldLink>,
) -> Posted {
    if let Some(link) = legacy {
        return Posted::Link(link);
    }
    let held = session.held_link(purpose);
    match form_id {
        Some(id) if id != held.form_id(&state.keys) => Posted::Replaced,
        _ => Posted::Link(held),
    }
}
