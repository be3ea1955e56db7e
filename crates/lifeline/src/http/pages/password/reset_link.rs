//! `GET|HEAD /password/reset?token=…`: the link from the email.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::error::AppError;
use crate::flows::password_reset;
use crate::pages::ConstantPage;
use crate::state::AppState;

/// Session key holding the reset token between the link and the form.
pub const RESET_TOKEN: &str = "reset_token";

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
    session: Session,
    query: web::Query<LinkQuery>,
) -> Result<HttpResponse, AppError> {
    let Some(token) = query.into_inner().token else {
        return super::reset_form::show(&state, &session, StatusCode::OK, None).await;
    };
    if password_reset::check(&state, &token).await?.is_none() {
        // A bad link voids any link the session held. Only then is the session changed:
        // removing an absent key would re-encrypt and re-send the cookie for nothing.
        if session.contains_key(RESET_TOKEN) {
            session.remove(RESET_TOKEN);
        }
        return Ok(link_invalid(&state));
    }
    session
        .insert(RESET_TOKEN, &token)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("session insert failed: {e}")))?;
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, state.path("/password/reset")))
        .finish())
}

/// The 400 page for any unusable link, with a way to ask again (rendered once
/// per process: forged links are the cheapest flood there is).
pub fn link_invalid(state: &AppState) -> HttpResponse {
    state.pages.constant(ConstantPage::ResetLinkInvalid)
}
