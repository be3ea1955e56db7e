//! `/login` and `/logout`: enough sign-in to prove a new password works.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use storage::{EmailAddress, audit};
use tera::Context;

use crate::directory::SignIn;
use crate::error::AppError;
use crate::http::blocking;
use crate::http::client::ClientInfo;
use crate::http::csrf::{CsrfForm, csrf_field};
use crate::http::limits::rate_limit::Verdict;
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

/// `POST /login`. An unknown address costs the same argon2 verification as a
/// wrong password and gets the same 401, so neither timing nor wording tells
/// whether the account exists.
pub async fn post(
    state: web::Data<AppState>,
    session: LifelineSession,
    client: ClientInfo,
    form: CsrfForm<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let LoginForm {
        email, password, ..
    } = form.into_inner();
    let address = EmailAddress::parse(&email).ok();
    let key = token_core::fingerprint(
        &state.keys,
        "login",
        address
            .as_ref()
            .map_or(email.as_bytes(), |a| a.as_str().as_bytes()),
    );
    if let Verdict::Limited { retry_after_secs } = state.limits.check_login(&key) {
        return Err(AppError::TooManyRequests { retry_after_secs });
    }
    let hasher = state.hasher.clone();
    let (db, directory, now) = (state.db.clone(), state.directory.clone(), state.now());
    let password = Password::new(password);
    let ip = client.ip_text();
    let user = blocking::run("signing in", move || -> Result<_, AppError> {
        // The account is found with a connection that goes back to the pool before the
        // password is hashed; an unknown or malformed address costs the same verification.
        let sign_in = SignIn {
            db: &db,
            directory: &*directory,
            hasher: &hasher,
        };
        let Some(user) = sign_in.verify(address.as_ref(), &password, now)? else {
            return Ok(None);
        };
        audit::record(
            &mut *db.conn()?,
            &audit::NewAuditEvent {
                user_id: Some(user.id),
                kind: "sign_in",
                ip: Some(ip.as_str()).filter(|ip| !ip.is_empty()),
                user_agent: None,
                detail: None,
                created_at: now,
            },
        )?;
        Ok(Some(user))
    })
    .await?;
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
