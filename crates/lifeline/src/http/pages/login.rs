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
use crate::http::redirect::{configured_after_sign_in, configured_next};
use crate::http::session::{LifelineSession, SignInMethod};
use crate::http::urls::Url;
use crate::security::password_hash::Password;
use crate::state::AppState;

/// The same message for an unknown address and a wrong password.
const FAILED: &str = "sign-in-failed";

/// The sign-in page's query string: where to go after signing in, as on
/// `/magic-link` (followed only when allow-listed).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginQuery {
    next: Option<String>,
}

/// The sign-in form's fields; `next` is the page's hidden field, if any.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginForm {
    email: String,
    password: String,
    csrf_token: String,
    #[serde(default)]
    next: Option<String>,
}

/// The sign-out form's fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogoutForm {
    csrf_token: String,
}

csrf_field!(LoginForm, LogoutForm);

/// `GET /login`. After a reset the address is filled in from the session (see
/// `reset_form::post`), so the person types only the new password. An
/// allow-listed `next` is carried in a hidden field and passed on to the
/// "sign in with a link" page.
pub async fn get(
    state: web::Data<AppState>,
    session: LifelineSession,
    query: web::Query<LoginQuery>,
) -> HttpResponse {
    let next = query.into_inner().next;
    let notice = session.take_notice();
    let email = session.take_login_email().unwrap_or_default();
    page(
        &state,
        &session,
        Shown {
            status: StatusCode::OK,
            email: &email,
            next: next.as_deref(),
            error: None,
            notice: notice.as_deref(),
        },
    )
}

/// `POST /login` (the check is `flows::sign_in`). An unknown address costs the same argon2
/// verification as a wrong password and gets the same 401, so neither timing nor wording
/// tells whether the account exists. A signed-in browser goes to the allow-listed
/// `next` it posted, else to `/account`; a refused one gets the form back with
/// its `next`.
pub async fn post(
    state: web::Data<AppState>,
    session: LifelineSession,
    client: ClientInfo,
    form: CsrfForm<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let LoginForm {
        email,
        password,
        next,
        ..
    } = form.into_inner();
    let user = sign_in::with_password(&state, &email, Password::new(password), &client).await?;
    let Some(user) = user else {
        return Ok(page(
            &state,
            &session,
            Shown {
                status: StatusCode::UNAUTHORIZED,
                email: &email,
                next: next.as_deref(),
                error: Some(FAILED),
                notice: None,
            },
        ));
    };
    session
        .sign_in(&state, &user, SignInMethod::Password, &client)
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, configured_after_sign_in(&state, next.as_deref())))
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

/// What the sign-in form shows.
struct Shown<'a> {
    status: StatusCode,
    email: &'a str,
    /// Carried only when allow-listed.
    next: Option<&'a str>,
    error: Option<&'a str>,
    notice: Option<&'a str>,
}

fn page(state: &AppState, session: &LifelineSession, shown: Shown<'_>) -> HttpResponse {
    let mut context = Context::new();
    context.insert("csrf_token", &session.csrf_token());
    context.insert("email", shown.email);
    context.insert("next", &configured_next(state, shown.next));
    context.insert("error", &shown.error);
    context.insert("notice", &shown.notice);
    state.pages.render(shown.status, "login.html.tera", context)
}
