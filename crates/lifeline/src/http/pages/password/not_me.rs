//! `/password/not-me`: "this wasn't me" from the emails, and the button that
//! locks the account down. One URL for both kinds of link (see `flows::not_me`): the
//! session holds one not-me link, and the page says what the button does for the mail
//! that link came from.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use tera::Context;
use token_core::Purpose;

use crate::error::AppError;
use crate::flows::not_me;
use crate::http::client::ClientInfo;
use crate::http::csrf::{CsrfForm, csrf_field};
use crate::http::pages::held_link::{
    self, ANOTHER_LINK_OPENED, HeldLink, NAMES_NO_LINK, NamedLink, Posted,
};
use crate::http::session::LifelineSession;
use crate::http::urls::Url;
use crate::pages::ConstantPage;
use crate::state::AppState;

/// The link's query string.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotMeQuery {
    token: Option<String>,
}

/// The confirmation form: its CSRF token and the link it names.
#[derive(Deserialize)]
#[serde(try_from = "NotMeFields")]
pub struct NotMeForm {
    csrf_token: String,
    link: NamedLink,
}

/// The confirmation form's fields: `link` names the link the page showed.
/// `token` is what pages rendered before links were held in the session
/// posted; it is still accepted. A form naming neither is refused.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NotMeFields {
    csrf_token: String,
    #[serde(default)]
    link: Option<String>,
    #[serde(default)]
    token: Option<String>,
}

impl TryFrom<NotMeFields> for NotMeForm {
    type Error = &'static str;

    fn try_from(fields: NotMeFields) -> Result<Self, Self::Error> {
        let NotMeFields {
            csrf_token,
            link,
            token,
        } = fields;
        let link = NamedLink::from_fields(link, token, None).ok_or(NAMES_NO_LINK)?;
        Ok(Self { csrf_token, link })
    }
}

csrf_field!(NotMeForm);

/// `GET|HEAD`. With a token (the link from the mail): check it, keep it in the
/// session and redirect to the clean URL. Without one: the confirmation page
/// with a button for the link the session holds. Neither changes anything,
/// because mail scanners fetch every link in a message.
pub async fn get(
    state: web::Data<AppState>,
    session: LifelineSession,
    query: web::Query<NotMeQuery>,
) -> Result<HttpResponse, AppError> {
    let Some(token) = query.into_inner().token else {
        return show(&state, &session, StatusCode::OK, None).await;
    };
    let Some(live) = not_me::check(&state, &token).await? else {
        // A bad link voids any link the session held.
        session.forget_link(Purpose::NotMe);
        return Ok(link_invalid(&state));
    };
    let link = HeldLink {
        token,
        browser_tag: None,
    };
    held_link::hold_and_redirect(&state, &session, live.purpose(), &link, Url::PasswordNotMe)
}

/// The 400 page for an unusable not-me link: it says the account may already be locked
/// down and what to do, and offers no "ask for a new link" (there is none to ask for).
fn link_invalid(state: &AppState) -> HttpResponse {
    state.pages.constant(ConstantPage::NotMeLinkInvalid)
}

/// The pause in whole hours, for page overrides written before the pause was in words.
fn pause_hours(state: &AppState) -> u64 {
    state.settings.limits.not_me_pause_secs / 3600
}

/// How long new link requests pause after a lock-down, in the page's language.
fn pause_in_words(state: &AppState) -> String {
    let secs = state.settings.limits.not_me_pause_secs;
    state.pages.duration(crate::i18n::rounded_up(secs))
}

/// How long the recovery link of a lock-down works, in words: the pause, within the
/// limits every link has (as the outbox composer issues it).
fn recovery_lifetime(state: &AppState) -> String {
    let secs = state.settings.limits.not_me_pause_secs.clamp(
        token_core::MIN_LIFETIME.as_secs().unsigned_abs(),
        token_core::MAX_LIFETIME.as_secs().unsigned_abs(),
    );
    state.pages.duration(crate::i18n::rounded_up(secs))
}

/// The confirmation page for the link the session holds, else the 400 page.
async fn show(
    state: &web::Data<AppState>,
    session: &LifelineSession,
    status: StatusCode,
    error: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let link = session.held_link(Purpose::NotMe);
    let Some(live) = not_me::check(state, &link.token).await? else {
        return Ok(link_invalid(state));
    };
    let mut context = Context::new();
    context.insert("link", &link.form_id(&state.keys));
    // For page overrides copied before the form named its link (they post the
    // token, which is still accepted); the built-in page does not show it.
    context.insert("token", &link.token);
    context.insert("email", &live.user().display_email);
    context.insert("error", &error);
    context.insert("csrf_token", &session.csrf_token());
    context.insert(
        "password_changed",
        &(live.purpose() == Purpose::NotMeChange),
    );
    context.insert("pause", &pause_in_words(state));
    context.insert("pause_hours", &pause_hours(state));
    context.insert("recovery_lifetime", &recovery_lifetime(state));
    Ok(state.pages.render(status, "not_me.html.tera", context))
}

/// `POST`: lock the account down with the link the session holds.
pub async fn post(
    state: web::Data<AppState>,
    session: LifelineSession,
    client: ClientInfo,
    form: CsrfForm<NotMeForm>,
) -> Result<HttpResponse, AppError> {
    let named = form.into_inner().link;
    let link = match held_link::posted(&state, &session, Purpose::NotMe, Some(named)) {
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
    let locked_down = not_me::confirm(&state, &link.token, &client).await?;
    // Used or refused, the link is of no further use to this browser.
    session.forget_link(Purpose::NotMe);
    let Some(locked_down) = locked_down else {
        return Ok(link_invalid(&state));
    };
    let mut context = Context::new();
    context.insert("password_voided", &locked_down.password_voided);
    context.insert("pause", &pause_in_words(&state));
    context.insert("pause_hours", &pause_hours(&state));
    context.insert("recovery_lifetime", &recovery_lifetime(&state));
    Ok(state
        .pages
        .render(StatusCode::OK, "not_me_done.html.tera", context))
}
