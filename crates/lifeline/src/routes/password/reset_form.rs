//! `POST /password/reset`: set the new password (and the form it posts).

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use tera::Context;

use super::reset_link::{RESET_TOKEN, link_invalid};
use crate::client::ClientInfo;
use crate::error::AppError;
use crate::flows::password_reset::{self, ResetError};
use crate::routes::login::NOTICE;
use crate::security::csrf;
use crate::security::password_hash::Password;
use crate::state::AppState;

/// The form's fields. `username` is the hidden field for password managers.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetForm {
    password: String,
    password_confirm: String,
    csrf_token: String,
    #[serde(default)]
    #[expect(dead_code, reason = "sent by the form for password managers only")]
    username: Option<String>,
}

/// Shows the form when the session holds a live reset link, else the 400 page.
pub async fn show(
    state: &web::Data<AppState>,
    session: &Session,
    status: StatusCode,
    error: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let token = session
        .get::<String>(RESET_TOKEN)
        .ok()
        .flatten()
        .unwrap_or_default();
    let Some(link) = password_reset::check(state, &token).await? else {
        return Ok(link_invalid(state));
    };
    let mut context = Context::new();
    context.insert("csrf_token", &csrf::csrf_token(session));
    context.insert("email", &link.user().display_email);
    context.insert("error", &error);
    context.insert("min_length", &state.policy.min_length);
    context.insert("max_length", &state.policy.max_length);
    Ok(state.pages.render(status, "reset_form.html.tera", context))
}

/// `POST /password/reset`.
pub async fn post(
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    form: web::Form<ResetForm>,
) -> Result<HttpResponse, AppError> {
    let ResetForm {
        password,
        password_confirm,
        csrf_token,
        ..
    } = form.into_inner();
    if !csrf::verify(&session, &csrf_token) {
        return Err(AppError::Csrf);
    }
    let token = session
        .get::<String>(RESET_TOKEN)
        .ok()
        .flatten()
        .unwrap_or_default();
    match password_reset::complete(
        &state,
        &token,
        Password::new(password),
        &password_confirm,
        &client,
    )
    .await
    {
        Ok(_) => {
            // A fresh session after a credential change: nothing from before survives.
            session.clear();
            session.renew();
            let _ = session.insert(
                NOTICE,
                "Your password was changed. Sign in with your new password.",
            );
            Ok(HttpResponse::SeeOther()
                .insert_header((LOCATION, state.path("/login")))
                .finish())
        }
        Err(ResetError::WeakPassword(reason)) => {
            show(
                &state,
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&reason.to_string()),
            )
            .await
        }
        Err(ResetError::InvalidLink) => {
            session.remove(RESET_TOKEN);
            Ok(link_invalid(&state))
        }
        Err(ResetError::App(error)) => Err(error),
    }
}
