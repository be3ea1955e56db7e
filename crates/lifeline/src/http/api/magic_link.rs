//! `POST /api/v1/magic-link` and `POST /api/v1/magic-link/verify`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::{ApiError, ErrorBody, ErrorCode};
use super::field_schemas;
use super::password::Accepted;
use super::session::{IssuedSession, issue_token};
use crate::flows::magic_link::{self, LinkError, Presented};
use crate::http::client::ClientInfo;
use crate::http::extractors::ApiJson;
use crate::http::session::{LifelineSession, SignInMethod};
use crate::http::urls::{API_PREFIX, Url};
use crate::state::AppState;

/// Ask for a sign-in link.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ada@example.com"}))]
pub struct MagicLinkRequest {
    /// The account's address.
    #[schema(schema_with = field_schemas::email)]
    email: String,
}

/// Sign in with a magic link's token.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"token": "lm1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}))]
pub struct VerifyRequest {
    /// The `token` query parameter of the mailed link.
    #[schema(schema_with = field_schemas::magic_link_token)]
    token: String,
    /// The link's `browser` query parameter, present when `tokens.magic_link_same_browser`
    /// is on.
    #[serde(default)]
    browser: Option<String>,
    /// `true`: sign in an API client, answering 201 with a session token (as
    /// `POST /api/v1/session` does) instead of 200 with a session cookie. Default `false`.
    #[serde(default)]
    session_token: bool,
}

/// The account that is now signed in.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct SignedIn {
    /// The signed-in account.
    pub user: UserView,
}

/// What the API shows of an account.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct UserView {
    /// The address, as the account holder entered it.
    pub email: String,
}

/// Asks for a sign-in link.
///
/// 202 for every well-formed address, known or not: the answer is the same
/// bytes either way, and the account is looked up by the outbox worker.
#[utoipa::path(
    post,
    context_path = API_PREFIX,
    path = Url::MagicLink.path(),
    operation_id = "requestMagicLink",
    tag = "magic-link",
    request_body(content = MagicLinkRequest, content_type = "application/json"),
    responses(
        (status = 202, description = "Accepted. The same answer whether or not the account exists; a sign-in link is mailed if it does.", body = Accepted),
        (status = 400, description = "`invalid_email` (not an address Lifeline accepts) or `invalid_body` (not a JSON object of the documented shape).", body = ErrorBody),
    )
)]
pub async fn request(
    state: web::Data<AppState>,
    session: LifelineSession,
    client: ClientInfo,
    body: ApiJson<MagicLinkRequest>,
) -> Result<HttpResponse, ApiError> {
    let address = ApiError::parse_email(&body.email)?;
    magic_link::request(&state, address, &client, &session).await?;
    Ok(crate::http::api::message::accepted(
        "api-accepted-magic-link",
    ))
}

/// Signs in with a magic link's token.
///
/// 200 `{"user": {"email": …}}` with a new session cookie, or with `"session_token": true`
/// 201 with a bearer session token and no cookie; 400
/// `invalid_or_expired_link` for any unusable link; 400 `other_browser` when
/// same-browser links are on and this client did not ask for the link.
///
/// No CSRF token here: a cross-site form cannot send `application/json`
/// (which the extractor requires), and a cross-site script would need a CORS
/// preflight that this service never grants.
#[utoipa::path(
    post,
    context_path = API_PREFIX,
    path = Url::MagicLinkVerify.path(),
    operation_id = "verifyMagicLink",
    tag = "magic-link",
    request_body(content = VerifyRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Signed in. The link is used up.", body = SignedIn,
            headers(("Set-Cookie" = String, description = "The new session: `lifeline_session`, HttpOnly, SameSite=Lax, Secure behind HTTPS."))),
        (status = 201, description = "Signed in with `\"session_token\": true`: the session token (shown once), the account and the session; no cookie. The link is used up.", body = IssuedSession),
        (status = 400, description = "`invalid_or_expired_link` (malformed, forged, expired, used or superseded: all alike), `other_browser` (same-browser links are on and this client did not ask for the link) or `invalid_body` (not a JSON object of the documented shape).", body = ErrorBody),
    )
)]
pub async fn verify(
    state: web::Data<AppState>,
    session: LifelineSession,
    client: ClientInfo,
    body: ApiJson<VerifyRequest>,
) -> Result<HttpResponse, ApiError> {
    let VerifyRequest {
        token,
        browser,
        session_token,
    } = body.into_inner();
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
                ErrorCode::InvalidOrExpiredLink,
                "api-invalid-link",
            ));
        }
        Err(LinkError::OtherBrowser) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::OtherBrowser,
                "api-other-browser",
            ));
        }
        Err(LinkError::App(error)) => return Err(error.into()),
    };
    if session_token {
        let issued = issue_token(&state, user, SignInMethod::MagicLink, &client).await?;
        return Ok(HttpResponse::Created().json(issued));
    }
    session
        .sign_in(&state, &user, SignInMethod::MagicLink, &client)
        .await?;
    Ok(HttpResponse::Ok().json(SignedIn {
        user: UserView {
            email: user.display_email,
        },
    }))
}
