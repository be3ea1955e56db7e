//! `/api/v1/session`: who is signed in (`GET`), signing in for API clients (`POST`), signing
//! out (`DELETE`).
//!
//! A request is signed in by the session cookie (a browser, or a host application passing
//! its visitor's `Cookie` header on) or by `Authorization: Bearer lls1_…` (an API client that
//! signed in here; see `http::bearer`). When an `Authorization` header is sent it alone
//! decides: a malformed one is a 401 even beside a valid cookie. Every refusal is the same
//! 401 `unauthenticated`, whatever was wrong (nothing sent, an unknown, ended or expired
//! session, a disabled account), so it tells nothing about other sessions or accounts.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use storage::sessions::SECRET_HASH_LEN;
use utoipa::ToSchema;

use super::error::{ApiError, ErrorBody, ErrorCode};
use crate::directory::DirectoryUser as User;
use crate::flows::sign_in;
use crate::http::bearer::{self, Presented};
use crate::http::client::ClientInfo;
use crate::http::extractors::ApiJson;
use crate::http::session::{LifelineSession, SignInMethod, SignedIn};
use crate::http::session_records;
use crate::http::urls::{API_PREFIX, Url};
use crate::security::password_hash::Password;
use crate::state::AppState;

/// Sign in with an address and a password.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ada@example.com", "password": "correct horse battery staple"}))]
pub struct SignInRequest {
    /// The account's address. Any string: an address that is not one Lifeline accepts is
    /// refused like a wrong password (401 `invalid_credentials`).
    email: String,
    /// The account's password.
    password: String,
}

/// Who is signed in, and the session they are signed in with.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CurrentSession {
    /// The signed-in account.
    pub user: SessionUser,
    /// The session.
    pub session: SessionDetails,
}

/// A new session for an API client: its token and the same fields as [`CurrentSession`].
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssuedSession {
    /// The session token, shown this once: send it as `Authorization: Bearer <token>`. It is
    /// `lls1_` and 43 base64url characters; Lifeline keeps only a keyed hash of it.
    #[schema(pattern = "^lls1_[A-Za-z0-9_-]{43}$", min_length = 48, max_length = 48)]
    pub token: String,
    /// The signed-in account.
    pub user: SessionUser,
    /// The session.
    pub session: SessionDetails,
}

/// The signed-in account.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionUser {
    /// The account's id (stable; what the host application should key its own data by).
    pub id: i64,
    /// The account's address, as its holder entered it.
    pub email: String,
}

/// A session.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionDetails {
    /// The session's id (as listed on the sessions page and by `lifeline sessions list`).
    pub id: i64,
    /// How the session began.
    pub method: SessionMethod,
    /// When the session began (RFC 3339, UTC).
    #[schema(value_type = String, format = DateTime)]
    pub signed_in_at: DateTime<Utc>,
    /// When the session ends unless used again (RFC 3339, UTC): each use moves it to 12 hours
    /// later (at most once a minute). Signing out, a password change or an operator can end
    /// it sooner.
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: DateTime<Utc>,
}

/// How a session began.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SessionMethod {
    /// With the account's password (sign-in page or `POST /api/v1/session`).
    Password,
    /// With a mailed link: a magic link, or the end of a password reset.
    Link,
}

impl From<SignInMethod> for SessionMethod {
    fn from(method: SignInMethod) -> Self {
        match method {
            SignInMethod::Password => Self::Password,
            // A reset proves the mailbox, like a magic link; the old password played no part.
            SignInMethod::MagicLink | SignInMethod::Reset => Self::Link,
        }
    }
}

impl From<&SignedIn> for CurrentSession {
    fn from(signed_in: &SignedIn) -> Self {
        let record = &signed_in.session;
        Self {
            user: SessionUser {
                id: signed_in.user.id,
                email: signed_in.user.display_email.clone(),
            },
            session: SessionDetails {
                id: record.id,
                method: record.method.into(),
                signed_in_at: utc(record.created_at),
                expires_at: utc(record.expires_at),
            },
        }
    }
}

fn utc(time: NaiveDateTime) -> DateTime<Utc> {
    time.and_utc()
}

/// How the request is signed in.
enum Credential {
    /// The session cookie.
    Cookie,
    /// A session token, by its keyed hash.
    Bearer([u8; SECRET_HASH_LEN]),
}

/// The request's session, if it is signed in; any refusal is [`unauthenticated`].
async fn signed_in(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    session: &LifelineSession,
) -> Result<(SignedIn, Credential), ApiError> {
    let found = match bearer::presented(req) {
        Presented::Nothing => session
            .signed_in(state)
            .await?
            .map(|signed_in| (signed_in, Credential::Cookie)),
        Presented::Token(token) => {
            let hash = bearer::hash(&state.session_secrets, &token);
            session_records::find(state, hash)
                .await?
                .map(|(signed_in, _)| (signed_in, Credential::Bearer(hash)))
        }
        Presented::Malformed => None,
    };
    found.ok_or_else(unauthenticated)
}

/// 401 `unauthenticated`, the same for every reason.
fn unauthenticated() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        ErrorCode::Unauthenticated,
        "api-sign-in-first",
    )
    .with_www_authenticate("Bearer")
}

/// Who is signed in.
///
/// 200 with the account and the session; 401 `unauthenticated` otherwise. Counts as a use of
/// the session (it slides its expiry like any signed-in request).
#[utoipa::path(
    get,
    context_path = API_PREFIX,
    path = Url::Session.path(),
    operation_id = "getSession",
    tag = "session",
    security(("session_cookie" = []), ("session_token" = [])),
    responses(
        (status = 200, description = "Signed in: the account and the session.", body = CurrentSession),
        (status = 401, description = "`unauthenticated`: no session cookie or token, an unknown, ended or expired session, a disabled account, or an `Authorization` header that is not `Bearer <session token>` (all alike).", body = ErrorBody,
            headers(("WWW-Authenticate" = String, description = "`Bearer`."))),
    )
)]
pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: LifelineSession,
) -> Result<HttpResponse, ApiError> {
    let (signed_in, _) = signed_in(&req, &state, &session).await?;
    Ok(HttpResponse::Ok().json(CurrentSession::from(&signed_in)))
}

/// Signs in with an address and a password, for API clients.
///
/// The same rules as the sign-in page: the same per-account limit, the same answer and
/// timing for an unknown address and a wrong password, the same audit event. The session is a
/// bearer token, not a cookie.
#[utoipa::path(
    post,
    context_path = API_PREFIX,
    path = Url::Session.path(),
    operation_id = "createSession",
    tag = "session",
    request_body(content = SignInRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "Signed in: the session token (shown once), the account and the session.", body = IssuedSession),
        (status = 400, description = "`invalid_body`: not a JSON object of the documented shape.", body = ErrorBody),
        (status = 401, description = "`invalid_credentials`: that address and password don't match an account (also for an unknown, disabled or malformed address).", body = ErrorBody),
    )
)]
pub async fn create(
    state: web::Data<AppState>,
    client: ClientInfo,
    body: ApiJson<SignInRequest>,
) -> Result<HttpResponse, ApiError> {
    let SignInRequest { email, password } = body.into_inner();
    let user = sign_in::with_password(&state, &email, Password::new(password), &client).await?;
    let Some(user) = user else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::InvalidCredentials,
            "api-invalid-credentials",
        ));
    };
    let issued = issue_token(&state, user, SignInMethod::Password, &client).await?;
    Ok(HttpResponse::Created().json(issued))
}

/// Starts a bearer session for `user` (signed in by `method`): a new token and its record.
pub async fn issue_token(
    state: &AppState,
    user: User,
    method: SignInMethod,
    client: &ClientInfo,
) -> Result<IssuedSession, ApiError> {
    let token = bearer::mint()?;
    let hash = bearer::hash(&state.session_secrets, &token);
    let event = session_records::sign_in_event(&user, method);
    let record =
        session_records::create(state, &user, method, client, hash, event.as_ref()).await?;
    let CurrentSession { user, session } = CurrentSession::from(&SignedIn {
        user,
        session: record,
    });
    Ok(IssuedSession {
        token,
        user,
        session,
    })
}

/// Signs out: ends the session the request is signed in with.
///
/// With the cookie, the browser is also told to drop it. Other sessions of the account stay.
#[utoipa::path(
    delete,
    context_path = API_PREFIX,
    path = Url::Session.path(),
    operation_id = "deleteSession",
    tag = "session",
    security(("session_cookie" = []), ("session_token" = [])),
    responses(
        (status = 204, description = "Signed out: the session is ended."),
        (status = 401, description = "`unauthenticated`: not signed in (as for `GET`).", body = ErrorBody,
            headers(("WWW-Authenticate" = String, description = "`Bearer`."))),
    )
)]
pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: LifelineSession,
) -> Result<HttpResponse, ApiError> {
    match signed_in(&req, &state, &session).await? {
        (_, Credential::Cookie) => session.sign_out(&state).await?,
        (_, Credential::Bearer(hash)) => {
            session_records::revoke(&state, hash).await?;
        }
    }
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reset_and_a_magic_link_are_link_sign_ins() {
        assert_eq!(
            SessionMethod::from(SignInMethod::Password),
            SessionMethod::Password
        );
        assert_eq!(
            SessionMethod::from(SignInMethod::MagicLink),
            SessionMethod::Link
        );
        assert_eq!(
            SessionMethod::from(SignInMethod::Reset),
            SessionMethod::Link
        );
    }
}
