//! `/login` and `/logout`: enough sign-in to prove a new password works.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use storage::{EmailAddress, audit};
use tera::Context;

use crate::client::ClientInfo;
use crate::directory::SignIn;
use crate::error::AppError;
use crate::security::csrf;
use crate::security::password_hash::Password;
use crate::security::rate_limit::Verdict;
use crate::session_user;
use crate::state::AppState;

/// Session key for a one-time message shown on the sign-in page.
pub const NOTICE: &str = "notice";

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

/// `GET /login`.
pub async fn get(state: web::Data<AppState>, session: Session) -> HttpResponse {
    let notice = session.remove_as::<String>(NOTICE).and_then(Result::ok);
    page(
        &state,
        &session,
        StatusCode::OK,
        "",
        None,
        notice.as_deref(),
    )
}

/// `POST /login`. An unknown address costs the same argon2 verification as a
/// wrong password and gets the same 401, so neither timing nor wording tells
/// whether the account exists.
pub async fn post(
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let LoginForm {
        email,
        password,
        csrf_token,
    } = form.into_inner();
    if !csrf::verify(&session, &csrf_token) {
        return Err(AppError::Csrf);
    }
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
    let user = web::block(move || -> Result<_, AppError> {
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
    .await??;
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
    session_user::sign_in(&session, &user)?;
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, state.path("/account")))
        .finish())
}

/// `POST /logout`: ends the session.
pub async fn logout(
    state: web::Data<AppState>,
    session: Session,
    form: web::Form<LogoutForm>,
) -> Result<HttpResponse, AppError> {
    if !csrf::verify(&session, &form.csrf_token) {
        return Err(AppError::Csrf);
    }
    session.purge();
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, state.path("/login")))
        .finish())
}

fn page(
    state: &AppState,
    session: &Session,
    status: StatusCode,
    email: &str,
    error: Option<&str>,
    notice: Option<&str>,
) -> HttpResponse {
    let mut context = Context::new();
    context.insert("csrf_token", &csrf::csrf_token(session));
    context.insert("email", email);
    context.insert("error", &error);
    context.insert("notice", &notice);
    state.pages.render(status, "login.html.tera", context)
}
