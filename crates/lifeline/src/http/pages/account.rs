//! `GET /account`: the signed-in page; `/account/password` below it.

pub mod password;

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use serde::Serialize;
use storage::audit;
use tera::Context;

use crate::error::AppError;
use crate::http::blocking;
use crate::http::session::LifelineSession;
use crate::http::urls::Url;
use crate::state::AppState;

/// A pause of resets and sign-in links, as the page shows it.
#[derive(Serialize)]
struct PauseView {
    /// When it ends, in the page's language, e.g. "4 December 2026, 19:52 UTC".
    until: String,
    /// The same as an RFC 3339 time, for `<time datetime>`.
    until_iso: String,
    /// How long from now, e.g. "23 hours".
    remaining: String,
}

#[derive(Serialize)]
struct EventView {
    at: String,
    what: &'static str,
    ip: Option<String>,
}

/// The account page; anonymous visitors (and sessions voided by a password
/// change elsewhere) are sent to `/login`.
pub async fn get(
    state: web::Data<AppState>,
    session: LifelineSession,
) -> Result<HttpResponse, AppError> {
    let Some(user) = session.user(&state).await? else {
        return Ok(HttpResponse::SeeOther()
            .insert_header((LOCATION, state.path(Url::Login.path())))
            .finish());
    };
    let db = state.db.clone();
    let user_id = user.id;
    let events = blocking::run("loading the account's recent events", move || {
        audit::recent_for_user(&mut *db.conn()?, user_id, 10)
    })
    .await?;
    let events: Vec<EventView> = events
        .into_iter()
        .map(|event| EventView {
            at: state.pages.datetime(event.created_at),
            what: describe(&event.kind),
            ip: event.ip,
        })
        .collect();
    let pause = user.resets_paused_until.and_then(|until| {
        pause_view(until, state.now(), state.pages.datetime(until), |secs| {
            state.pages.duration(crate::i18n::rounded_up(secs))
        })
    });
    let mut context = Context::new();
    context.insert("email", &user.display_email);
    context.insert("events", &events);
    context.insert("pause", &pause);
    context.insert("notice", &session.take_notice());
    context.insert("csrf_token", &session.csrf_token());
    Ok(state
        .pages
        .render(StatusCode::OK, "account.html.tera", context))
}

/// The pause ending at `until` (`until_text` in words), if it has not ended at `now`.
fn pause_view(
    until: chrono::NaiveDateTime,
    now: chrono::NaiveDateTime,
    until_text: String,
    in_words: impl Fn(u64) -> String,
) -> Option<PauseView> {
    let left = (until - now).num_seconds();
    (left > 0).then(|| PauseView {
        until: until_text,
        until_iso: until
            .and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        remaining: in_words(left.unsigned_abs()),
    })
}

/// What an audit event means, in words for the account owner.
fn describe(kind: &str) -> &'static str {
    match kind {
        "password_reset" => "event-password-reset",
        "sign_in" => "event-sign-in",
        crate::flows::change_password::CHANGED_EVENT => "event-password-changed",
        crate::flows::magic_link::SIGN_IN_EVENT => "event-magic-link",
        "not_me" => "event-not-me",
        _ => "event-other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn in_words(secs: u64) -> String {
        format!("{:?}", crate::i18n::rounded_up(secs))
    }

    #[test]
    fn a_pause_is_shown_until_it_ends() {
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap()
            .naive_utc();
        let until = now + chrono::Duration::hours(23) + chrono::Duration::minutes(30);

        let shown = pause_view(until, now, "then".into(), in_words).unwrap();

        assert_eq!(shown.remaining, "(24, Hour)");
        assert_eq!(shown.until, "then");
        assert!(shown.until_iso.ends_with('Z'), "{}", shown.until_iso);
        assert!(pause_view(now, now, String::new(), in_words).is_none());
        let ended = now - chrono::Duration::seconds(1);
        assert!(pause_view(ended, now, String::new(), in_words).is_none());
    }

    #[test]
    fn every_recorded_event_kind_has_its_own_description() {
        // Arrange
        let kinds = [
            "password_reset",
            "sign_in",
            crate::flows::change_password::CHANGED_EVENT,
            crate::flows::magic_link::SIGN_IN_EVENT,
            "not_me",
        ];

        // Act
        let described: Vec<_> = kinds.iter().map(|kind| describe(kind)).collect();

        // Assert
        for (kind, what) in kinds.iter().zip(&described) {
            assert_ne!(*what, describe("something new"), "{kind} is not described");
        }
        let mut unique = described.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), kinds.len());
    }
}
