//! `GET /account`: the signed-in page.

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
            at: event.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            what: describe(&event.kind),
            ip: event.ip,
        })
        .collect();
    let mut context = Context::new();
    context.insert("email", &user.display_email);
    context.insert("events", &events);
    context.insert("csrf_token", &session.csrf_token());
    Ok(state
        .pages
        .render(StatusCode::OK, "account.html.tera", context))
}

/// What an audit event means, in words for the account owner.
fn describe(kind: &str) -> &'static str {
    match kind {
        "password_reset" => "Password changed with a reset link",
        "sign_in" => "Signed in with a password",
        crate::flows::magic_link::SIGN_IN_EVENT => "Signed in with an email link",
        "not_me" => "Locked down after \"this wasn't me\": links voided, sessions signed out",
        _ => "Security event",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_recorded_event_kind_has_its_own_description() {
        // Arrange
        let kinds = [
            "password_reset",
            "sign_in",
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
