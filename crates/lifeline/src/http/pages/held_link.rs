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
     This page is now for that link: check the account, then try again.";

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

/// The link a confirmation form names: by the name its page showed
/// ([`HeldLink::form_id`]), or by the token itself, as pages rendered before
/// links were held in the session posted it (still accepted; never in a URL).
pub enum NamedLink {
    /// The `link` field.
    Shown(String),
    /// The `token` field (and a magic link's `browser`).
    Token(HeldLink),
}

impl NamedLink {
    /// The link a form's fields name; `None` when they name none, which the
    /// form types refuse as unreadable.
    pub fn from_fields(
        link: Option<String>,
        token: Option<String>,
        browser_tag: Option<String>,
    ) -> Option<Self> {
        match (link, token) {
            (_, Some(token)) => Some(Self::Token(HeldLink { token, browser_tag })),
            (Some(link), None) => Some(Self::Shown(link)),
            (None, None) => None,
        }
    }
}

/// The refusal of a confirmation form that names no link.
pub const NAMES_NO_LINK: &str = "the form names no link";

/// The link a confirmation form acts on.
pub enum Posted {
    /// Use this link.
    Link(HeldLink),
    /// The page showed another link than the one the session holds now.
    Replaced,
}

/// The link a `POST` of `purpose` acts on: the one the session holds, if it is
/// the one the page showed. A form that names no link (the reset form as pages
/// rendered before it named one post it) acts on the held link.
pub fn posted(
    state: &AppState,
    session: &LifelineSession,
    purpose: Purpose,
    named: Option<NamedLink>,
) -> Posted {
    let held = session.held_link(purpose);
    match named {
        Some(NamedLink::Token(link)) => Posted::Link(link),
        Some(NamedLink::Shown(id)) if id != held.form_id(&state.keys) => Posted::Replaced,
        Some(NamedLink::Shown(_)) | None => Posted::Link(held),
    }
}
