//! `/api/v1/admin/accounts/{id}/sessions…`: an account's signed-in sessions, and ending them.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use storage::sessions::SessionRecord;
use utoipa::ToSchema;

use super::key::{ApiKey, Scope};
use super::params::{
    ACCOUNT_ID, AccountId, SessionId, accounts, act, act_ending_sessions, actor, rfc3339,
};
use super::{ACCOUNT_SESSION, ACCOUNT_SESSIONS};
use crate::http::api::error::{ApiError, ErrorBody};
use crate::http::urls::API_PREFIX;
use crate::state::AppState;

/// A signed-in session.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// The session's id.
    pub id: i64,
    /// How it signed in: `password`, `magic_link` or `reset` (signed in after a reset).
    pub method: String,
    /// The client address it signed in from.
    pub ip: Option<String>,
    /// Its browser's `User-Agent`.
    pub user_agent: Option<String>,
    /// When it signed in (RFC 3339, UTC).
    #[schema(format = DateTime)]
    pub created_at: String,
    /// When it was last seen (to the minute).
    #[schema(format = DateTime)]
    pub last_seen_at: String,
    /// When it ends unless renewed.
    #[schema(format = DateTime)]
    pub expires_at: String,
}

impl From<&SessionRecord> for Session {
    fn from(session: &SessionRecord) -> Self {
        Self {
            id: session.id,
            method: session.method.as_str().to_owned(),
            ip: session.ip.clone(),
            user_agent: session.user_agent.clone(),
            created_at: rfc3339(session.created_at),
            last_seen_at: rfc3339(session.last_seen_at),
            expires_at: rfc3339(session.expires_at),
        }
    }
}

/// An account's live sessions.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionList {
    /// Most recently seen first.
    pub sessions: Vec<Session>,
}

/// How many sessions ended.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Revoked {
    /// The number of sessions that ended.
    pub revoked: u64,
}

/// Lists an account's live sessions.
#[utoipa::path(
    get,
    context_path = API_PREFIX,
    path = ACCOUNT_SESSIONS,
    operation_id = "listAccountSessions",
    tag = "admin",
    security(("admin_key" = [])),
    params(("id" = i64, Path, minimum = 1, description = ACCOUNT_ID)),
    responses(
        (status = 200, description = "The account's live sessions, most recently seen first. Scope `read`.", body = SessionList),
        (status = 404, description = "`account_not_found`.", body = ErrorBody),
    )
)]
pub async fn list(
    key: ApiKey,
    state: web::Data<AppState>,
    id: AccountId,
) -> Result<HttpResponse, ApiError> {
    key.require(Scope::Read)?;
    let (accounts, now) = (accounts(&state), state.now());
    let (_, list) = act("listing the sessions", move || accounts.sessions(id.0, now)).await?;
    Ok(HttpResponse::Ok().json(SessionList {
        sessions: list.iter().map(Session::from).collect(),
    }))
}

/// Ends one session of an account.
#[utoipa::path(
    delete,
    context_path = API_PREFIX,
    path = ACCOUNT_SESSION,
    operation_id = "revokeAccountSession",
    tag = "admin",
    security(("admin_key" = [])),
    params(
        ("id" = i64, Path, minimum = 1, description = ACCOUNT_ID),
        ("session_id" = i64, Path, minimum = 1, description = "The session's id (a positive integer; anything else is a 404 `session_not_found`)."),
    ),
    responses(
        (status = 204, description = "The session has ended; the account's links stay. Audit event `operator_sessions_revoked`. Scope `write`."),
        (status = 404, description = "`account_not_found` or `session_not_found`.", body = ErrorBody),
    )
)]
pub async fn revoke(
    key: ApiKey,
    state: web::Data<AppState>,
    id: AccountId,
    session: SessionId,
) -> Result<HttpResponse, ApiError> {
    key.require(Scope::Write)?;
    let (accounts, actor, now) = (accounts(&state), actor(&key), state.now());
    act_ending_sessions(&state, "ending the session", move || {
        accounts.revoke_sessions(id.0, Some(session.0), &actor, now)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ends every session of an account.
#[utoipa::path(
    delete,
    context_path = API_PREFIX,
    path = ACCOUNT_SESSIONS,
    operation_id = "revokeAccountSessions",
    tag = "admin",
    security(("admin_key" = [])),
    params(("id" = i64, Path, minimum = 1, description = ACCOUNT_ID)),
    responses(
        (status = 200, description = "Every session has ended; the account's links stay. Audit event `operator_sessions_revoked`. Scope `write`.", body = Revoked),
        (status = 404, description = "`account_not_found`.", body = ErrorBody),
    )
)]
pub async fn revoke_all(
    key: ApiKey,
    state: web::Data<AppState>,
    id: AccountId,
) -> Result<HttpResponse, ApiError> {
    key.require(Scope::Write)?;
    let (accounts, actor, now) = (accounts(&state), actor(&key), state.now());
    let ended = act_ending_sessions(&state, "ending the sessions", move || {
        accounts.revoke_sessions(id.0, None, &actor, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Revoked {
        revoked: u64::try_from(ended).unwrap_or(u64::MAX),
    }))
}
