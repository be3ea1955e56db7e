//! `GET|HEAD /password/reset?token=…`: the link from the email.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use token_core::Purpose;

use crate::error::AppError;
use crate::flows::password_reset;
use crate::http::pages::held_link::{self, HeldLink};
use crate::http::session::LifelineSession;
use crate::http::urls::Url;
use crate::pages::ConstantPage;
use crate::state::AppState;

/// The link's query string.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkQuery {
    token: Option<String>,
}

/// With a token: check it *without consuming it* (mail scanners prefetch links),
/// keep it in the encrypted session and redirect to the clean URL, so the token
/// leaves the address bar, history and any later `Referer`. Without one: show
/// the form if the session holds a live link.
pub async fn get(
    state: web::Data<AppState>,
    session: LifelineSession,
    query: web::Query<LinkQuery>,
) -> Result<HttpResponse, AppError> {
    let Some(token) = query.into_inner().token else {
        return super::reset_form::show(&state, &session, StatusCode::OK, None).await;
    };
    if password_reset::check(&state, &token).await?.is_none() {
        // A bad link voids any link the session held.
        session.forget_link(Purpose::PasswordReset);
        return Ok(link_invalid(&state));
    }
    let link = HeldLink {
        token,
        browser_tag: None,
    };
    held_link::hold_and_redirect(
        &state,
        &session,
        Purpose::PasswordReset,
        &link,
        Url::PasswordReset,
    )
}

/// The 400 page for any unusable link, with a way to ask again (rendered once
/// per process: forged links are the cheapest flood there is).
pub fn link_invalid(state: &AppState) -> HttpResponse {
    state.pages.constant(ConstantPage::ResetLinkInvalid)
}
