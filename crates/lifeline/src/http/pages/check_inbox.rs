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
        Requested::PasswordReset => (
            Url::PasswordForgot,
            tokens.reset_lifetime_secs,
            "a link to choose a new password",
        ),
        Requested::MagicLink => (
            Url::MagicLink,
            tokens.magic_link_lifetime_secs,
            "a link to sign in",
        ),
    };
    let mut context = Context::new();
    context.insert("again_url", &state.path(again.path()));
    context.insert("sign_in_url", &state.path(Url::Login.path()));
    context.insert("what", what);
    context.insert("lifetime", &lifetime_in_words(lifetime));
    state
        .pages
        .render(StatusCode::OK, "check_inbox.html.tera", context)
}

/// A link lifetime (a setting, in seconds) in plain words, exact where it can be: "30
/// minutes", "1 hour", "90 minutes", "2 hours"; a lifetime in odd seconds is said in the
/// largest unit that divides it ("45 seconds").
pub fn lifetime_in_words(secs: u64) -> String {
    let (count, unit) = match secs {
        s if s >= 3600 && s % 3600 == 0 => (s / 3600, "hour"),
        s if s >= 60 && s % 60 == 0 => (s / 60, "minute"),
        s => (s, "second"),
    };
    let plural = if count == 1 { "" } else { "s" };
    format!("{count} {unit}{plural}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lifetime_is_said_exactly_in_the_largest_unit_that_fits() {
        assert_eq!(lifetime_in_words(1800), "30 minutes");
        assert_eq!(lifetime_in_words(900), "15 minutes");
        assert_eq!(lifetime_in_words(3600), "1 hour");
        assert_eq!(lifetime_in_words(5400), "90 minutes");
        assert_eq!(lifetime_in_words(7200), "2 hours");
        assert_eq!(lifetime_in_words(60), "1 minute");
        assert_eq!(lifetime_in_words(45), "45 seconds");
        assert_eq!(lifetime_in_words(1), "1 second");
    }
}
