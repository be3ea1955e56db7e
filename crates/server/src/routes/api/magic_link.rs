//! `POST /api/v1/magic-link` and `POST /api/v1/magic-link/verify`.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use storage::EmailAddress;

use super::error::ApiError;
use crate::client::ClientInfo;
use crate::flows::magic_link::{self, LinkError, Presented};
use crate::session_user;
use crate::state::AppState;

/// `{"email": "…"}`
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MagicLinkRequest {
    email: String,
}

/// `{"token": "…"}`, plus `browser` (the link's tag) with same-browser links on.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    token: String,
    #[serde(default)]
    browser: Option<String>,
}

#[derive(Serialize)]
struct Accepted {
    message: &'static str,
}

#[derive(Serialize)]
struct SignedIn<'a> {
    user: UserView<'a>,
}

#[derive(Serialize)]
struct UserView<'a> {
    email: &'a str,
}

/// 202 for every well-formed address, known or not: the answer is the same
/// bytes either way, and the account is looked up by the outbox worker.
pub async fn request(
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    body: web::Json<MagicLinkRequest>,
) -> Result<HttpResponse, ApiError> {
    let address = EmailAddress::parse(&body.email).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_email",
            "The email address is not valid.",
        )
    })?;
    magic_link::request(&state, address, &client, &session).await?;
    Ok(HttpResponse::Accepted().json(Accepted {
        message: "If an account exists for this address, a sign-in link is on its way.",
    }))
}

/// 200 `{"user": {"email": …}}` with a new session cookie; 400
/// `invalid_or_expired_link` for any unusable link; 400 `other_browser` when
/// same-browser links are on and this client did not ask for the link.
///
/// No CSRF token here: a cross-site form cannot send `application/json`
/// (which the extractor requires), and a cross-site script would need a CORS
/// preflight that this service never grants.
pub async fn verify(
    state: web::Data<AppState>,
    session: Session,
    client: ClientInfo,
    body: web::Json<VerifyRequest>,
) -> Result<HttpResponse, ApiError> {
    let VerifyRequest { token, browser } = body.into_inner();
    let presented = Presented {
        token: &token,
        browser_tag: browser.as_deref(),
        session: &session,
    };
    let user = match magic_link::complete(&state, presented, &client).await {
        Ok(user) => user,
        Err(LinkError::InvalidLink) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_or_expired_link",
                "This link is invalid, expired or already used. Ask for a new one.",
            ));
        }
        Err(LinkError::OtherBrowser) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "other_browser",
                "Open this link in the browser where you asked for it.",
            ));
        }
        Err(LinkError::App(error)) => return Err(error.into()),
    };
    session_user::sign_in(&session, &user)?;
    Ok(HttpResponse::Ok().json(SignedIn {
        user: UserView {
            email: &user.display_email,
        },
    }))
}
