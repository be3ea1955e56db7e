//! `/magic-link/verify`: the link from the email, and the button that uses it.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use tera::Context;

use crate::error::AppError;
use crate::flows::magic_link::{self, LinkError, Presented};
use crate::http::client::ClientInfo;
use crate::http::csrf::{CsrfForm, csrf_field};
use crate::http::redirect::after_sign_in;
use crate::http::session::LifelineSession;
use crate::pages::ConstantPage;
use crate::state::AppState;

/// The link's query string (`browser` only with same-browser links on).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyQuery {
    token: Option<String>,
    browser: Option<String>,
}

/// The confirmation form's fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyForm {
    token: String,
    csrf_token: String,
    #[serde(default)]
    browser: Option<String>,
}

csrf_field!(VerifyForm);

/// `GET|HEAD`: a confirmation page with a "Sign in" button. It changes
/// nothing: mail scanners (Outlook Safe Links and the like) fetch every link in
/// a message, and must not use up — or worse, complete — the sign-in.
pub async fn get(
    state: web::Data<AppState>,
    session: LifelineSession,
    query: web::Query<VerifyQuery>,
) -> Result<HttpResponse, AppError> {
    let VerifyQuery { token, browser } = query.into_inner();
    let token = token.unwrap_or_default();
    let presented = Presented {
        token: &token,
        browser_tag: browser.as_deref(),
        session: session.raw(),
    };
    let user = match magic_link::check(&state, presented).await {
        Ok(link) => link.into_user(),
        Err(error) => return refused(&state, error),
    };
    let mut context = Context::new();
    context.insert("token", &token);
    context.insert("browser", &browser);
    context.insert("email", &user.display_email);
    context.insert("csrf_token", &session.csrf_token());
    Ok(state
        .pages
        .render(StatusCode::OK, "magic_link_verify.html.tera", context))
}

/// `POST`: use the link and start a new session, then go to the allow-listed
/// page this browser asked for, or `/account`.
pub async fn post(
    state: web::Data<AppState>,
    session: LifelineSession,
    client: ClientInfo,
    form: CsrfForm<VerifyForm>,
) -> Result<HttpResponse, AppError> {
    let VerifyForm { token, browser, .. } = form.into_inner();
    let presented = Presented {
        token: &token,
        browser_tag: browser.as_deref(),
        session: session.raw(),
    };
    let user = match magic_link::complete(&state, presented, &client).await {
        Ok(user) => user,
        Err(error) => return refused(&state, error),
    };
    let next = session.next_after_sign_in();
    // A fresh session id and state: nothing from before the sign-in survives (no fixation).
    session.sign_in(&user)?;
    let server = &state.settings.server;
    let target = after_sign_in(
        next.as_deref(),
        &server.redirect_allow_list,
        &server.base_path,
    );
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, target))
        .finish())
}

fn refused(state: &AppState, error: LinkError) -> Result<HttpResponse, AppError> {
    match error {
        LinkError::InvalidLink => Ok(link_invalid(state)),
        LinkError::OtherBrowser => Ok(state.pages.constant(ConstantPage::MagicLinkOtherBrowser)),
        LinkError::App(error) => Err(error),
    }
}

/// The 400 page for any unusable magic link, with a way to ask again.
pub fn link_invalid(state: &AppState) -> HttpResponse {
    state.pages.constant(ConstantPage::MagicLinkInvalid)
}
