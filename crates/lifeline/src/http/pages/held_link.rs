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
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use token_core::{KeyRing, Purpose};

use crate::error::AppError;
use crate::http::session::LifelineSession;
use crate::http::urls::Url;
use crate::state::AppState;

/// A link held in the session between the emailed URL and its form: the token
/// and, for a same-browser magic link, the link's binding tag.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct HeldLink {
    /// The token text from the link (empty when none is held).
    pub token: String,
    /// The link's `browser` tag, if any.
    pub browser_tag: Option<String>,
}

impl HeldLink {
    /// A non-secret name of this link for the form that uses it: the form posts
    /// it back, so a page left open in one tab cannot act on a link another tab
    /// opened since. A keyed hash, so it reveals nothing of the token.
    pub fn form_id(&self, keys: &KeyRing) -> String {
        let hash = token_core::fingerprint(keys, FORM_ID_DOMAIN, self.token.as_bytes());
        URL_SAFE_NO_PAD.encode(&hash[..16])
    }
}

/// Never shows the token, so a link cannot reach a log by being debug-printed.
impl std::fmt::Debug for HeldLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeldLink")
            .field("token", &"***")
            .field("browser_tag", &self.browser_tag.as_ref().map(|_| "***"))
            .finish()
    }
}

/// Fingerprint domain of [`HeldLink::form_id`].
const FORM_ID_DOMAIN: &str = "held link form id";

/// The message on a form posted from a page that showed another link than the
/// one the session now holds (another tab opened a newer link).
pub const ANOTHER_LINK_OPENED: &str = "error-another-link";

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

#[cfg(test)]
mod tests {
    use token_core::{OsRandom, SigningKey};

    use super::*;

    fn link(token: &str, browser_tag: Option<&str>) -> HeldLink {
        HeldLink {
            token: token.into(),
            browser_tag: browser_tag.map(Into::into),
        }
    }

    #[test]
    fn the_form_id_names_one_token_and_does_not_show_it() {
        let keys = KeyRing::new(1, SigningKey::generate(&mut OsRandom).unwrap());
        let (a, b) = (link("lm1_a", None), link("lm1_b", None));
        assert_eq!(a.form_id(&keys), a.form_id(&keys));
        assert_ne!(a.form_id(&keys), b.form_id(&keys));
        assert!(!a.form_id(&keys).contains("lm1_a"));
    }

    #[test]
    fn a_held_link_never_shows_its_token_when_debug_printed() {
        let shown = format!("{:?}", link("lm1_secret", Some("tag")));
        assert!(
            !shown.contains("lm1_secret") && !shown.contains("tag\""),
            "{shown}"
        );
    }
}
