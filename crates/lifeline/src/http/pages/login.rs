//! `/login` and `/logout`: enough sign-in to prove a new password works.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use tera::Context;

use crate::error::AppError;
use crate::flows::sign_in;
use crate::http::client::ClientInfo;
use crate::http::csrf::{CsrfForm, csrf_field};
use crate::http::session::{LifelineSession, SignInMethod};
use crate::http::urls::Url;
use crate::security::password_hash::Password;
use crate::state::AppState;

/// The same message for an unknown address and a wrong password.
const FAILED: &str = "That email address and password don't match an account.";

/// The sign-in form's fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginForm {
    email: String,
    password: String,
    csrf_token: String,
}

/// The sign-out form's fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogoutForm {
    csrf_token: String,
}

csrf_field!(LoginForm, LogoutForm);

/// `GET /login`. After a reset the address is filled in from the session (see
/// `reset_form::post`), so the person types only the new password.
pub async fn get(state: web::Data<AppState>, session: LifelineSession) -> HttpResponse {
    let notice = session.take_notice();
    let email = session.take_login_email().unwrap_or_default();
    page(
        &state,
        &session,
        StatusCode::OK,
        &email,
        None,
        notice.as_deref(),
    )
}

/// `POST /login` (the check is `flows::sign_in`). An unknown address costs the same argon2
/// verification as a wrong password and gets the same 401, so neither timing nor wording
/// tells whether the account exists.
pub async fn post(
    state: web::Data<AppState>,
    session: LifelineSession,
    client: ClientInfo,
    form: CsrfForm<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let LoginForm {
        email, password, ..
    } = form.into_inner();
    let user = sign_in::with_password(&state, &email, Password::new(password), &client).await?;
    let Some(user) = user else {
        return Ok(page(
            &state,
            &session,
            StatusCode::UNAUTHORIZED,
            &email,
            Some(FAILED),
            None,
        ));
    };
    session
        .sign_in(&state, &user, SignInMethod::Password, &client)
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, state.path(Url::Account.path())))
        .finish())
}

/// `POST /logout`: ends the session.
pub async fn logout(
    state: web::Data<AppState>,
    session: LifelineSession,
    _form: CsrfForm<LogoutForm>,
) -> Result<HttpResponse, AppError> {
    session.sign_out(&state).await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, state.path(Url::Login.path())))
        .finish())
}

fn page(
    state: &AppState,
    session: &LifelineSession,
    status: StatusCode,
    email: &str,
    error: Option<&str>,
    notice: Option<&str>,
) -> HttpResponse {
    let mut context = Context::new();
    context.insert("csrf_token", &session.csrf_token());
    context.insert("email", email);
    context.insert("error", &error);
    context.insert("notice", &notice);
    state.pages.render(status, "login.html.tera", context)
}
