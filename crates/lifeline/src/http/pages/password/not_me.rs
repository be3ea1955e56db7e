//! `/password/not-me?token=…`: "this wasn't me" from the emails.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use tera::Context;

use crate::error::AppError;
use crate::flows::not_me;
use crate::http::client::ClientInfo;
use crate::http::csrf::{CsrfForm, csrf_field};
use crate::http::pages::password::reset_link::link_invalid;
use crate::http::session::LifelineSession;
use crate::state::AppState;

/// The link's query string.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotMeQuery {
    token: String,
}

/// The confirmation form's fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotMeForm {
    token: String,
    csrf_token: String,
}

csrf_field!(NotMeForm);

/// `GET|HEAD`: a confirmation page with a button. It changes nothing, because
/// mail scanners fetch every link in a message.
pub async fn get(
    state: web::Data<AppState>,
    session: LifelineSession,
    query: web::Query<NotMeQuery>,
) -> Result<HttpResponse, AppError> {
    let token = query.into_inner().token;
    if not_me::check(&state, &token).await?.is_none() {
        return Ok(link_invalid(&state));
    }
    let mut context = Context::new();
    context.insert("token", &token);
    context.insert("csrf_token", &session.csrf_token());
    context.insert(
        "pause_hours",
        &(state.settings.limits.not_me_pause_secs / 3600),
    );
    Ok(state
        .pages
        .render(StatusCode::OK, "not_me.html.tera", context))
}

/// `POST`: lock the account down.
pub async fn post(
    state: web::Data<AppState>,
    client: ClientInfo,
    form: CsrfForm<NotMeForm>,
) -> Result<HttpResponse, AppError> {
    let NotMeForm { token, .. } = form.into_inner();
    if !not_me::confirm(&state, &token, &client).await? {
        return Ok(link_invalid(&state));
    }
    let mut context = Context::new();
    context.insert(
        "pause_hours",
        &(state.settings.limits.not_me_pause_secs / 3600),
    );
    Ok(state
        .pages
        .render(StatusCode::OK, "not_me_done.html.tera", context))
}
