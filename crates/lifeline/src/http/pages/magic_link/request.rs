//! `/magic-link`: ask for a sign-in link.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use storage::EmailAddress;
use tera::Context;

use crate::error::AppError;
use crate::flows::magic_link;
use crate::http::client::ClientInfo;
use crate::http::csrf::{CsrfForm, csrf_field};
use crate::http::pages::check_inbox::{Requested, check_inbox};
use crate::http::redirect::configured_next;
use crate::http::session::LifelineSession;
use crate::state::AppState;

/// The page's query string.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestQuery {
    next: Option<String>,
}

/// The form's fields; anything else is refused.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestForm {
    email: String,
    csrf_token: String,
    #[serde(default)]
    next: Option<String>,
}

csrf_field!(RequestForm);

/// `GET /magic-link`: the form. An allow-listed `next` is carried in a hidden field.
pub async fn get(
    state: web::Data<AppState>,
    session: LifelineSession,
    query: web::Query<RequestQuery>,
) -> HttpResponse {
    let next = query.into_inner().next;
    form(&state, &session, StatusCode::OK, "", next.as_deref(), None)
}

/// `POST /magic-link`: queue the link, then the same "check your inbox" page
/// for every well-formed address, known or not, limited or not.
///
/// `next` is never put into the emailed link: it is checked against the
/// allow-list here and kept in this browser's encrypted session, and used only
/// when the same browser completes the sign-in. The session is touched only
/// when there is something to change, so the answer carries no cookie that
/// could differ between addresses.
pub async fn post(
    state: web::Data<AppState>,
    session: LifelineSession,
    client: ClientInfo,
    form_data: CsrfForm<RequestForm>,
) -> Result<HttpResponse, AppError> {
    let RequestForm { email, next, .. } = form_data.into_inner();
    let Ok(address) = EmailAddress::parse(&email) else {
        let message = "email-invalid";
        return Ok(form(
            &state,
            &session,
            StatusCode::UNPROCESSABLE_ENTITY,
            &email,
            next.as_deref(),
            Some(message),
        ));
    };
    remember_next(&state, &session, next.as_deref())?;
    magic_link::request(&state, address, &client, &session).await?;
    Ok(check_inbox(&state, Requested::MagicLink))
}

/// Keeps an allow-listed `next` in the session; forgets any earlier one otherwise.
fn remember_next(
    state: &AppState,
    session: &LifelineSession,
    next: Option<&str>,
) -> Result<(), AppError> {
    session.remember_next(configured_next(state, next).as_deref())
}

fn form(
    state: &AppState,
    session: &LifelineSession,
    status: StatusCode,
    email: &str,
    next: Option<&str>,
    error: Option<&str>,
) -> HttpResponse {
    let next = configured_next(state, next);
    let mut context = Context::new();
    context.insert("csrf_token", &session.csrf_token());
    context.insert("email", email);
    context.insert("next", &next);
    context.insert("error", &error);
    context.insert(
        "same_browser",
        &state.settings.tokens.magic_link_same_browser,
    );
    state.pages.render(status, "magic_link.html.tera", context)
}
