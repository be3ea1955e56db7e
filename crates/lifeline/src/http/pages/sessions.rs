//! `/account/sessions`: the signed-in account's active sessions (browser,
//! address, started, last seen), with "Sign out" for each other browser and
//! "Sign out everywhere else". Anonymous visitors are sent to `/login`, like
//! `/account`.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use chrono::{NaiveDateTime, SecondsFormat};
use serde::{Deserialize, Serialize};
use storage::sessions::{self, SessionRecord};
use tera::Context;

use crate::error::AppError;
use crate::http::blocking;
use crate::http::csrf::{CsrfForm, csrf_field};
use crate::http::session::{LifelineSession, SignInMethod, SignedIn};
use crate::http::urls::Url;
use crate::http::user_agent;
use crate::state::AppState;
use crate::webhooks::Event;

/// The refusal for a session id that is not one of the account's live sessions.
const NOT_YOURS: &str = "session-not-yours";

/// The "Sign out" form of one other session.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevokeSessionForm {
    session: i64,
    csrf_token: String,
}

/// The "Sign out everywhere else" form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevokeOtherSessionsForm {
    csrf_token: String,
}

csrf_field!(RevokeSessionForm, RevokeOtherSessionsForm);

/// One session as the page shows it.
#[derive(Serialize)]
struct SessionView {
    id: i64,
    browser: String,
    ip: Option<String>,
    method: &'static str,
    started: Time,
    last_seen: Time,
    current: bool,
}

/// A UTC time: RFC 3339 for `datetime`, and in words of the page's language to read.
#[derive(Serialize)]
struct Time {
    rfc3339: String,
    text: String,
}

impl Time {
    fn new(at: NaiveDateTime, pages: &crate::pages::Pages) -> Self {
        Self {
            rfc3339: at.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true),
            text: pages.datetime(at),
        }
    }
}

/// `GET /account/sessions`.
pub async fn get(
    state: web::Data<AppState>,
    session: LifelineSession,
) -> Result<HttpResponse, AppError> {
    let Some(signed_in) = session.signed_in(&state).await? else {
        return Ok(to(&state, Url::Login));
    };
    let (db, now) = (state.db.clone(), state.now());
    let (user_id, auth_epoch) = (signed_in.user.id, signed_in.user.auth_epoch);
    let records = blocking::run("loading the account's sessions", move || {
        sessions::list_for_user(&mut *db.conn()?, user_id, auth_epoch, now)
    })
    .await?;
    let current = signed_in.session.id;
    let views: Vec<SessionView> = records
        .iter()
        .map(|record| view(&state, record, record.id == current))
        .collect();
    let mut context = Context::new();
    context.insert("email", &signed_in.user.display_email);
    context.insert("others", &views.iter().any(|view| !view.current));
    context.insert("sessions", &views);
    context.insert("notice", &session.take_notice());
    context.insert("csrf_token", &session.csrf_token());
    Ok(state
        .pages
        .render(StatusCode::OK, "sessions.html.tera", context))
}

/// `POST /account/sessions/revoke`: ends one of the account's sessions. Ending
/// this browser's own session signs it out; an id that is not one of the
/// account's sessions is a 400 and ends nothing.
pub async fn revoke(
    state: web::Data<AppState>,
    session: LifelineSession,
    form: CsrfForm<RevokeSessionForm>,
) -> Result<HttpResponse, AppError> {
    let id = form.into_inner().session;
    let Some(SignedIn { user, session: own }) = session.signed_in(&state).await? else {
        return Ok(to(&state, Url::Login));
    };
    if id == own.id {
        session.sign_out(&state).await?;
        return Ok(to(&state, Url::Login));
    }
    let (db, webhooks, now) = (state.db.clone(), state.webhooks.clone(), state.now());
    let event = Event::session_revoked(user.id, &user.display_email, Some(id));
    let (ended, raised) = blocking::run("ending a session", move || {
        let mut conn = db.conn()?;
        storage::write_transaction(&mut conn, |conn| {
            match sessions::revoke(conn, user.id, id)? {
                true => Ok((true, webhooks.raise(conn, &event, now)?)),
                false => Ok((false, 0)),
            }
        })
    })
    .await?;
    state.session_cache.forget_all();
    state.outbox.committed_webhooks(raised);
    if !ended {
        return Err(AppError::BadRequest(NOT_YOURS.into()));
    }
    session.set_notice(&state.pages.text("notice-session-signed-out", None));
    Ok(to(&state, Url::AccountSessions))
}

/// `POST /account/sessions/revoke-others`: ends every session of the account
/// but this browser's.
pub async fn revoke_others(
    state: web::Data<AppState>,
    session: LifelineSession,
    _form: CsrfForm<RevokeOtherSessionsForm>,
) -> Result<HttpResponse, AppError> {
    let Some(SignedIn { user, session: own }) = session.signed_in(&state).await? else {
        return Ok(to(&state, Url::Login));
    };
    let (db, webhooks, now) = (state.db.clone(), state.webhooks.clone(), state.now());
    // Several sessions at once: `session_id` is null.
    let event = Event::session_revoked(user.id, &user.display_email, None);
    let (ended, raised) = blocking::run("ending the other sessions", move || {
        let mut conn = db.conn()?;
        storage::write_transaction(&mut conn, |conn| {
            let ended = sessions::revoke_all_for_user(conn, user.id, Some(own.id))?;
            let raised = match ended {
                0 => 0,
                _ => webhooks.raise(conn, &event, now)?,
            };
            Ok((ended, raised))
        })
    })
    .await?;
    state.session_cache.forget_all();
    state.outbox.committed_webhooks(raised);
    let mut count = crate::i18n::FluentArgs::new();
    count.set("count", ended);
    session.set_notice(&state.pages.text("notice-others-signed-out", Some(&count)));
    Ok(to(&state, Url::AccountSessions))
}

fn view(state: &AppState, record: &SessionRecord, current: bool) -> SessionView {
    SessionView {
        id: record.id,
        browser: user_agent::parse(record.user_agent.as_deref()).describe(&state.pages),
        ip: record.ip.clone(),
        method: match record.method {
            SignInMethod::Password => "password",
            SignInMethod::MagicLink => "link",
            SignInMethod::Reset => "reset",
        },
        started: Time::new(record.created_at, &state.pages),
        last_seen: Time::new(record.last_seen_at, &state.pages),
        current,
    }
}

/// A 303 to `url`.
fn to(state: &AppState, url: Url) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, state.path(url.path())))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_utc_and_given_as_rfc_3339() {
        let at =
            NaiveDateTime::parse_from_str("2026-12-03 19:52:07.5", "%Y-%m-%d %H:%M:%S%.f").unwrap();
        let pages = crate::pages::for_tests();
        let time = Time::new(at, &pages);
        assert_eq!(time.rfc3339, "2026-12-03T19:52:07Z");
        assert_eq!(time.text, "3 December 2026, 19:52 UTC");
    }
}
