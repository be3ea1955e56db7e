//! The "check your inbox" page every link-request form answers with.
//!
//! Its content depends only on the settings (which link, how long it lives), never on the
//! address asked for, so known and unknown addresses get byte-identical pages.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use tera::Context;

use crate::http::urls::Url;
use crate::state::AppState;

/// Which link was asked for.
#[derive(Debug, Clone, Copy)]
pub enum Requested {
    /// A password-reset link (`tokens.reset_lifetime_secs`).
    PasswordReset,
    /// A sign-in link (`tokens.magic_link_lifetime_secs`).
    MagicLink,
}

/// The page for a request of `requested`: what to look for, how long the link works, and
/// the ways back (ask again, sign in).
pub fn check_inbox(state: &AppState, requested: Requested) -> HttpResponse {
    let tokens = &state.settings.tokens;
    let (again, lifetime, what) = match requested {
        Requested::PasswordReset => (Url::PasswordForgot, tokens.reset_lifetime_secs, "reset"),
        Requested::MagicLink => (Url::MagicLink, tokens.magic_link_lifetime_secs, "sign-in"),
    };
    let mut context = Context::new();
    context.insert("again_url", &state.path(again.path()));
    context.insert("sign_in_url", &state.path(Url::Login.path()));
    context.insert("what", what);
    let words = state.pages.duration(crate::i18n::exact(lifetime));
    context.insert("lifetime", &words);
    state
        .pages
        .render(StatusCode::OK, "check_inbox.html.tera", context)
}
