//! `/account/password`: the signed-in person changes their password.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use tera::Context;

use crate::directory::DirectoryUser;
use crate::error::AppError;
use crate::flows::change_password::{self, Change, ChangeError};
use crate::http::client::ClientInfo;
use crate::http::csrf::{CsrfForm, csrf_field};
use crate::http::session::LifelineSession;
use crate::http::urls::Url;
use crate::security::password_hash::Password;
use crate::state::AppState;

/// The account page's notice after a change.
pub const CHANGED: &str = "notice-password-changed";
/// The message for a wrong current password.
const WRONG_CURRENT: &str = "current-password-wrong";

/// The form's fields. `username` is the hidden field for password managers.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordForm {
    current_password: String,
    password: String,
    password_confirm: String,
    csrf_token: String,
    #[serde(default)]
    #[expect(dead_code, reason = "sent by the form for password managers only")]
    username: Option<String>,
}

csrf_field!(ChangePasswordForm);

/// Which field a refusal is about.
#[derive(Clone, Copy)]
enum Field {
    Current,
    New,
}

/// `GET /account/password`: the form (or, for an account without a password, the way to
/// set one); anonymous visitors go to `/login`.
pub async fn get(
    state: web::Data<AppState>,
    session: LifelineSession,
) -> Result<HttpResponse, AppError> {
    let Some(user) = session.user(&state).await? else {
        return Ok(to_login(&state));
    };
    Ok(page(&state, &session, &user, StatusCode::OK, None))
}

/// `POST /account/password`. A refusal (wrong current password, weak new password) is the
/// form again with 422 and a reason, and changes nothing. Success signs this browser in
/// again under the account's new epoch, which has ended every other session.
pub async fn post(
    state: web::Data<AppState>,
    session: LifelineSession,
    client: ClientInfo,
    form: CsrfForm<ChangePasswordForm>,
) -> Result<HttpResponse, AppError> {
    let Some(user) = session.user(&state).await? else {
        return Ok(to_login(&state));
    };
    let ChangePasswordForm {
        current_password,
        password,
        password_confirm,
        ..
    } = form.into_inner();
    let change = Change {
        current: Password::new(current_password),
        new: Password::new(password),
        confirmation: password_confirm,
    };
    let refused = StatusCode::UNPROCESSABLE_ENTITY;
    match change_password::change(&state, &user, change, &client).await {
        Ok(changed) => {
            session.sign_in_again(&state, &changed, &client).await?;
            session.set_notice(&state.pages.text(CHANGED, None));
            Ok(HttpResponse::SeeOther()
                .insert_header((LOCATION, state.path(Url::Account.path())))
                .finish())
        }
        Err(ChangeError::WrongCurrent) => Ok(page(
            &state,
            &session,
            &user,
            refused,
            Some((Field::Current, WRONG_CURRENT.into())),
        )),
        Err(ChangeError::WeakPassword(reason)) => Ok(page(
            &state,
            &session,
            &user,
            refused,
            Some((Field::New, reason.message_id().to_owned())),
        )),
        Err(ChangeError::App(error)) => Err(error),
    }
}

fn to_login(state: &AppState) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, state.path(Url::Login.path())))
        .finish()
}

fn page(
    state: &AppState,
    session: &LifelineSession,
    user: &DirectoryUser,
    status: StatusCode,
    error: Option<(Field, String)>,
) -> HttpResponse {
    let (current_error, new_error) = match error {
        Some((Field::Current, message)) => (Some(message), None),
        Some((Field::New, message)) => (None, Some(message)),
        None => (None, None),
    };
    let mut context = Context::new();
    context.insert("csrf_token", &session.csrf_token());
    context.insert("email", &user.display_email);
    // An account source keeps the password itself: Lifeline holds no hash of it.
    let has_password = user.password_hash.is_some() || state.password_authority.is_some();
    context.insert("has_password", &has_password);
    context.insert("current_error", &current_error);
    context.insert("new_error", &new_error);
    context.insert("min_length", &state.policy.min_length);
    context.insert("max_length", &state.policy.max_length);
    state
        .pages
        .render(status, "change_password.html.tera", context)
}
