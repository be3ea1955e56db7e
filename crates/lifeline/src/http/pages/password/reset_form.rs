//! `POST /password/reset`: set the new password (and the form it posts).

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use tera::Context;
use token_core::Purpose;

use super::reset_link::link_invalid;
use crate::error::AppError;
use crate::flows::password_reset::{self, ResetError};
use crate::http::client::ClientInfo;
use crate::http::csrf::{CsrfForm, csrf_field};
use crate::http::pages::held_link::{self, ANOTHER_LINK_OPENED, NamedLink, Posted};
use crate::http::session::{LifelineSession, SignInMethod};
use crate::http::urls::Url;
use crate::security::password_hash::Password;
use crate::state::AppState;

/// The form's fields. `username` is the hidden field for password managers;
/// `link` names the link the form was shown for (absent from forms rendered
/// before it was added).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetForm {
    password: String,
    password_confirm: String,
    csrf_token: String,
    #[serde(default)]
    link: Option<String>,
    #[serde(default)]
    #[expect(dead_code, reason = "sent by the form for password managers only")]
    username: Option<String>,
}

csrf_field!(ResetForm);

/// The sign-in page's notice after a reset (`password.sign_in_after_reset = false`).
const SIGN_IN_AFTER_RESET: &str = "notice-sign-in-after-reset";
/// The account page's notice after a reset that signed the browser in.
const SIGNED_IN_AFTER_RESET: &str = "notice-signed-in-after-reset";

/// Shows the form when the session holds a live reset link, else the 400 page.
pub async fn show(
    state: &web::Data<AppState>,
    session: &LifelineSession,
    status: StatusCode,
    error: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let link = session.held_link(Purpose::PasswordReset);
    let Some(live) = password_reset::check(state, &link.token).await? else {
        return Ok(link_invalid(state));
    };
    let mut context = Context::new();
    context.insert("csrf_token", &session.csrf_token());
    context.insert("link", &link.form_id(&state.keys));
    context.insert("email", &live.user().display_email);
    context.insert("error", &error);
    context.insert("min_length", &state.policy.min_length);
    context.insert("max_length", &state.policy.max_length);
    context.insert(
        "sign_in_after_reset",
        &state.settings.password.sign_in_after_reset,
    );
    Ok(state.pages.render(status, "reset_form.html.tera", context))
}

/// `POST /password/reset`.
pub async fn post(
    state: web::Data<AppState>,
    session: LifelineSession,
    client: ClientInfo,
    form: CsrfForm<ResetForm>,
) -> Result<HttpResponse, AppError> {
    let ResetForm {
        password,
        password_confirm,
        link,
        ..
    } = form.into_inner();
    let named = link.map(NamedLink::Shown);
    let link = match held_link::posted(&state, &session, Purpose::PasswordReset, named) {
        Posted::Link(link) => link,
        Posted::Replaced => {
            let status = StatusCode::CONFLICT;
            return show(&state, &session, status, Some(ANOTHER_LINK_OPENED)).await;
        }
    };
    match password_reset::complete(
        &state,
        &link.token,
        Password::new(password),
        &password_confirm,
        &client,
    )
    .await
    {
        Ok(user) => {
            // A fresh session after a credential change: nothing from before survives.
            // `sign_in` starts over too, with the account's new epoch.
            let next = if state.settings.password.sign_in_after_reset {
                session
                    .sign_in(&state, &user, SignInMethod::Reset, &client)
                    .await?;
                session.set_notice(&state.pages.text(SIGNED_IN_AFTER_RESET, None));
                Url::Account
            } else {
                session.start_over();
                session.set_notice(&state.pages.text(SIGN_IN_AFTER_RESET, None));
                session.set_login_email(&user.display_email);
                Url::Login
            };
            Ok(HttpResponse::SeeOther()
                .insert_header((LOCATION, state.path(next.path())))
                .finish())
        }
        Err(ResetError::WeakPassword(reason)) => {
            show(
                &state,
                &session,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(reason.message_id()),
            )
            .await
        }
        Err(ResetError::InvalidLink) => {
            session.forget_link(Purpose::PasswordReset);
            Ok(link_invalid(&state))
        }
        Err(ResetError::App(error)) => Err(error),
    }
}
