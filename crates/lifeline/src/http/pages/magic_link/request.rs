//! `/magic-link`: ask for a sign-in link.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use storage::EmailAddress;
use tera::Context;

use crate::error::AppError;
use crate::flows::magic_link;
use crate::http::client::ClientInfo;
use crate::http::csrf;
use crate::http::pages::password::forgot::check_inbox;
use crate::http::redirect::allowed_next;
use crate::state::AppState;

/// Session key of the allow-listed page to open after the sign-in.
pub const NEXT: &str = "next_after_sign_in";

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

/// `GET /magic-link`: the form. An allow-listed `next` is carried in a hidden field.
pub async fn get(
    state: web::Data<AppState>,
    session: Session,
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
    session: Session,
    client: ClientInfo,
    form_data: web::Form<RequestForm>,
) -> Result<HttpResponse, AppError> {
    let RequestForm {
        email,
        csrf_token,
        next,
    } = form_data.into_inner();
    if !csrf::verify(&session, &csrf_token) {
        return Err(AppError::Csrf);
    }
    let Ok(address) = EmailAddress::parse(&email) else {
        let message = "Enter your email address, like name@example.com.";
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
    Ok(check_inbox(&state, &state.path("/magic-link")))
}

/// Keeps an allow-listed `next` in the session; forgets any earlier one otherwise.
fn remember_next(state: &AppState, session: &Session, next: Option<&str>) -> Result<(), AppError> {
    let allowed = next.and_then(|n| allowed_next(n, &state.settings.server.redirect_allow_list));
    match allowed {
        Some(next) => session
            .insert(NEXT, next)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("session insert failed: {e}"))),
        None => {
            if matches!(session.get::<String>(NEXT), Ok(Some(_))) {
                session.remove(NEXT);
            }
            Ok(())
        }
    }
}

fn form(
    state: &AppState,
    session: &Session,
    status: StatusCode,
    email: &str,
    next: Option<&str>,
    error: Option<&str>,
) -> HttpResponse {
    let next = next.and_then(|n| allowed_next(n, &state.settings.server.redirect_allow_list));
    let mut context = Context::new();
    context.insert("csrf_token", &csrf::csrf_token(session));
    context.insert("email", email);
    context.insert("next", &next);
    context.insert("error", &error);
    context.insert(
        "same_browser",
        &state.settings.tokens.magic_link_same_browser,
    );
    state.pages.render(status, "magic_link.html.tera", context)
}
