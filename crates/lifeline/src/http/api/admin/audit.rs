//! `GET /api/v1/admin/accounts/{id}/audit`: an account's audit events, newest first, a page
//! at a time.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use storage::audit::AuditEvent;
use utoipa::{IntoParams, ToSchema};

use super::ACCOUNT_AUDIT;
use super::key::{ApiKey, Scope};
use super::params::{ACCOUNT_ID, AccountId, ApiQuery, accounts, act, rfc3339};
use crate::http::api::error::{ApiError, ErrorBody, ErrorCode};
use crate::http::urls::API_PREFIX;
use crate::state::AppState;

/// Most events on one page.
pub const MAX_LIMIT: u32 = 100;
/// Events on a page when `limit` is not given.
pub const DEFAULT_LIMIT: u32 = 50;

/// Which page.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Events on the page: 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    /// Only events older than this one: the `next` of the previous page.
    #[param(minimum = 1)]
    before: Option<i64>,
}

/// A recorded event.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// The event's id.
    pub id: i64,
    /// What happened, e.g. `password_changed`, `operator_disabled`, `recovery_link_created`.
    pub kind: String,
    /// When (RFC 3339, UTC).
    #[schema(format = DateTime)]
    pub created_at: String,
    /// The client address, for events a client caused.
    pub ip: Option<String>,
    /// The client's `User-Agent`.
    pub user_agent: Option<String>,
    /// Detail: the command an operator ran, or the admin API key that acted
    /// (`by api key "helpdesk" (id 3)`).
    pub detail: Option<String>,
}

impl From<AuditEvent> for Event {
    fn from(event: AuditEvent) -> Self {
        Self {
            id: event.id,
            kind: event.kind,
            created_at: rfc3339(event.created_at),
            ip: event.ip,
            user_agent: event.user_agent,
            detail: event.detail,
        }
    }
}

/// One page of events.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditPage {
    /// Newest first.
    pub events: Vec<Event>,
    /// `before` for the next page; `null` on the last one.
    pub next: Option<i64>,
}

/// Lists an account's audit events.
#[utoipa::path(
    get,
    context_path = API_PREFIX,
    path = ACCOUNT_AUDIT,
    operation_id = "listAccountAudit",
    tag = "admin",
    security(("admin_key" = [])),
    params(("id" = i64, Path, minimum = 1, description = ACCOUNT_ID), AuditQuery),
    responses(
        (status = 200, description = "A page of the account's events, newest first. Scope `read`.", body = AuditPage),
        (status = 400, description = "`invalid_request`: `limit` outside 1 to 100, `before` not a positive integer, or another parameter.", body = ErrorBody),
        (status = 404, description = "`account_not_found`.", body = ErrorBody),
    )
)]
pub async fn list(
    key: ApiKey,
    state: web::Data<AppState>,
    id: AccountId,
    query: ApiQuery<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    key.require(Scope::Read)?;
    let AuditQuery { limit, before } = query.0;
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) || before.is_some_and(|before| before < 1) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest,
            "api-audit-query",
        ));
    }
    let accounts = accounts(&state);
    let (_, events) = act("reading the audit events", move || {
        accounts.audit_page(id.0, limit, before)
    })
    .await?;
    let full = events.len() == usize::try_from(limit).unwrap_or(usize::MAX);
    let next = events.last().filter(|_| full).map(|event| event.id);
    Ok(HttpResponse::Ok().json(AuditPage {
        events: events.into_iter().map(Event::from).collect(),
        next,
    }))
}
