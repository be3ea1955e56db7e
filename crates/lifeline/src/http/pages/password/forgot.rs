//! `/password/forgot`: ask for a reset link.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use storage::EmailAddress;
use tera::Context;

use crate::error::AppError;
use crate::flows::password_reset;
use crate::http::client::ClientInfo;
use crate::http::csrf::{CsrfForm, csrf_field};
use crate::http::pages::check_inbox::{Requested, check_inbox};
use crate::http::session::LifelineSession;
use crate::state::AppState;

/// The form's fields; anything else is refused.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForgotForm {
    email: String,
    csrf_token: String,
}

csrf_field!(ForgotForm);

/// `GET /password/forgot`: the form.
pub async fn get(state: web::Data<AppState>, session: LifelineSession) -> HttpResponse {
    form(&state, &session, StatusCode::OK, "", None)
}

/// `POST /password/forgot`: queue the link, then the same "check your inbox"
/// page for every well-formed address, known or not, limited or not. The page has
/// no per-request content, so the bytes are identical too.
pub async fn post(
    state: web::Data<AppState>,
    session: LifelineSession,
    client: ClientInfo,
    form_data: CsrfForm<ForgotForm>,
) -> Result<HttpResponse, AppError> {
    let ForgotForm { email, .. } = form_data.into_inner();
    let Ok(address) = EmailAddress::parse(&email) else {
        let message = "email-invalid";
        return Ok(form(
            &state,
            &session,
            StatusCode::UNPROCESSABLE_ENTITY,
            &email,
            Some(message),
        ));
    };
    password_reset::request(&state, address, &client).await?;
    Ok(check_inbox(&state, Requested::PasswordReset))
}

fn form(
    state: &AppState,
    session: &LifelineSession,
    status: StatusCode,
    email: &str,
    error: Option<&str>,
) -> HttpResponse {
    let mut context = Context::new();
    context.insert("csrf_token", &session.csrf_token());
    context.insert("email", email);
    context.insert("error", &error);
    state.pages.render(status, "forgot.html.tera", context)
}
