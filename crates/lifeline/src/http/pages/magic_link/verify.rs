//! `/magic-link/verify`: the link from the email, and the button that uses it.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use tera::Context;
use token_core::Purpose;

use crate::error::AppError;
use crate::flows::magic_link::{self, LinkError, Presented};
use crate::http::client::ClientInfo;
use crate::http::csrf::{CsrfForm, csrf_field};
use crate::http::pages::held_link::{
    self, ANOTHER_LINK_OPENED, HeldLink, NAMES_NO_LINK, NamedLink, Posted,
};
use crate::http::redirect::configured_after_sign_in;
use crate::http::session::{LifelineSession, SignInMethod};
use crate::http::urls::Url;
use crate::pages::ConstantPage;
use crate::state::AppState;

/// The link's query string (`browser` only with same-browser links on).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyQuery {
    token: Option<String>,
    browser: Option<String>,
}

/// The confirmation form: its CSRF token and the link it names.
#[derive(Deserialize)]
#[serde(try_from = "VerifyFields")]
pub struct VerifyForm {
    csrf_token: String,
    link: NamedLink,
}

/// The confirmation form's fields: `link` names the link the page showed.
/// `token` and `browser` are what pages rendered before links were held in the
/// session posted; they are still accepted. A form naming neither is refused.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifyFields {
    csrf_token: String,
    #[serde(default)]
    link: Option<String>,
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    browser: Option<String>,
}

impl TryFrom<VerifyFields> for VerifyForm {
    type Error = &'static str;

    fn try_from(fields: VerifyFields) -> Result<Self, Self::Error> {
        let VerifyFields {
            csrf_token,
            link,
            token,
            browser,
        } = fields;
        let link = NamedLink::from_fields(link, token, browser).ok_or(NAMES_NO_LINK)?;
        Ok(Self { csrf_token, link })
    }
}

csrf_field!(VerifyForm);

/// `GET|HEAD`. With a token (the link from the mail): check it, keep it in the
/// session and redirect to the clean URL. A link that is live but was opened in
/// another browser than the one that asked for it takes the same hop, so it
/// does not stay in that browser's address bar either; the clean page then
/// says where to open it. Without a token: the confirmation page with a "Sign
/// in" button for the link the session holds. Neither changes the link: mail
/// scanners (Outlook Safe Links and the like) fetch every link in a message,
/// and must not use up — or worse, complete — the sign-in.
pub async fn get(
    state: web::Data<AppState>,
    session: LifelineSession,
    query: web::Query<VerifyQuery>,
) -> Result<HttpResponse, AppError> {
    let VerifyQuery { token, browser } = query.into_inner();
    let Some(token) = token else {
        return show(&state, &session, StatusCode::OK, None).await;
    };
    let link = HeldLink {
        token,
        browser_tag: browser,
    };
    match magic_link::check(&state, presented(&link, &session)).await {
        Ok(_) | Err(LinkError::OtherBrowser) => {}
        Err(error) => {
            // A bad link voids any link the session held.
            session.forget_link(Purpose::MagicLink);
            return refused(&state, error);
        }
    }
    held_link::hold_and_redirect(
        &state,
        &session,
        Purpose::MagicLink,
        &link,
        Url::MagicLinkVerify,
    )
}

/// The confirmation page for the magic link the session holds, else the page
/// that says why it cannot be used.
async fn show(
    state: &web::Data<AppState>,
    session: &LifelineSession,
    status: StatusCode,
    error: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let link = session.held_link(Purpose::MagicLink);
    let user = match magic_link::check(state, presented(&link, session)).await {
        Ok(live) => live.into_user(),
        Err(error) => return refused(state, error),
    };
    let mut context = Context::new();
    context.insert("link", &link.form_id(&state.keys));
    // For page overrides copied before the form named its link (they post the
    // token, which is still accepted); the built-in page shows neither.
    context.insert("token", &link.token);
    context.insert("browser", &link.browser_tag);
    context.insert("email", &user.display_email);
    context.insert("error", &error);
    context.insert("csrf_token", &session.csrf_token());
    Ok(state
        .pages
        .render(status, "magic_link_verify.html.tera", context))
}

/// `POST`: use the link the session holds and start a new session, then go to
/// the allow-listed page this browser asked for, or `/account`.
pub async fn post(
    state: web::Data<AppState>,
    session: LifelineSession,
    client: ClientInfo,
    form: CsrfForm<VerifyForm>,
) -> Result<HttpResponse, AppError> {
    let named = form.into_inner().link;
    let link = match held_link::posted(&state, &session, Purpose::MagicLink, Some(named)) {
        Posted::Link(link) => link,
        Posted::Replaced => {
            return show(
                &state,
                &session,
                StatusCode::CONFLICT,
                Some(ANOTHER_LINK_OPENED),
            )
            .await;
        }
    };
    let user = match magic_link::complete(&state, presented(&link, &session), &client).await {
        Ok(user) => user,
        Err(error) => {
            session.forget_link(Purpose::MagicLink);
            return refused(&state, error);
        }
    };
    let next = session.next_after_sign_in();
    // A fresh session id and state: nothing from before the sign-in survives (no fixation).
    session
        .sign_in(&state, &user, SignInMethod::MagicLink, &client)
        .await?;
    let target = configured_after_sign_in(&state, next.as_deref());
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, target))
        .finish())
}

fn presented<'a>(link: &'a HeldLink, session: &'a LifelineSession) -> Presented<'a> {
    Presented {
        token: &link.token,
        browser_tag: link.browser_tag.as_deref(),
        session,
    }
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
