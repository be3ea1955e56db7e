//! The admin API's authentication: [`ApiKey`], the extractor every `/api/v1/admin/…` handler
//! takes, and `GET /api/v1/admin/key`, which says which key a request carries.
//!
//! A request names its key as `Authorization: Bearer llk_…`. The extractor
//!
//! 1. parses the header (length, prefix and characters: `ApiKeyText::parse`), touching
//!    nothing;
//! 2. refuses a client IP barred after too many failed checks (429, before any lookup, so a
//!    barred client learns nothing about its guesses);
//! 3. checks, in memory and in constant time, the MAC every key this deployment mints carries
//!    (`ApiKeyHasher::minted_here`): a key never minted here (forged, guessed, or minted
//!    under another `keys.session`) is refused without any database work;
//! 4. looks the key id up on the blocking pool and compares the keyed hash in constant time
//!    (a minted key whose row is gone or revoked costs the same hash), and records the use at
//!    most once a minute;
//! 5. counts the request against the key's own rate.
//!
//! Missing, malformed, forged, unknown, wrong and revoked keys get the same 401 `unauthenticated`
//! with `WWW-Authenticate: Bearer`, and count as a failed check of the client's IP; none of
//! them writes to the database. A valid key without the scope a handler needs gets 403
//! `insufficient_scope` from [`ApiKey::require`].

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr};
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use chrono::SecondsFormat;
use serde::{Deserialize, Serialize};
pub use storage::api_keys::Scope;
use storage::api_keys::{self, ApiKeyRecord};
use utoipa::{IntoParams, ToSchema};

use crate::api_keys::ApiKeyText;
use crate::error::AppError;
use crate::http::api::error::{ApiError, ApiMessage, ErrorBody, ErrorCode};
use crate::http::blocking;
use crate::http::limits::client_ip::client_ip;
use crate::http::limits::rate_limit::Verdict;
use crate::http::urls::{API_PREFIX, Url};
use crate::state::AppState;

/// The OpenAPI security scheme of every admin endpoint (HTTP bearer with an API key).
pub const SECURITY_SCHEME: &str = "admin_key";

/// A request authenticated by a live admin API key.
#[derive(Clone, Debug)]
pub struct ApiKey {
    /// The key's row id (what audit events name it by).
    pub id: i64,
    /// The key's name, as `lifeline api-keys list` shows it.
    pub name: String,
    record: ApiKeyRecord,
}

impl ApiKey {
    /// `Ok` when the key has `scope`; otherwise 403 `insufficient_scope`. Handlers call it
    /// first, before reading anything.
    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if self.record.allows(scope) {
            return Ok(());
        }
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::InsufficientScope,
            ApiMessage::new("api-insufficient-scope").with_text("scope", scope.as_str()),
        ))
    }
}

impl FromRequest for ApiKey {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let presented = bearer_key(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let ip = state
            .as_ref()
            .and_then(|state| client_ip(req, &state.settings.server.trusted_proxies))
            // Clients whose address is unknown share one budget of failures.
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        Box::pin(async move {
            let Some(state) = state else {
                return Err(AppError::Internal(anyhow::anyhow!("no application state")).into());
            };
            authenticate(&state, ip, presented).await
        })
    }
}

/// What the `Authorization` header holds: `None` when it is missing or not a well-formed
/// `Bearer llk_…` key. The scheme is matched without regard to case (RFC 9110).
fn bearer_key(req: &HttpRequest) -> Option<ApiKeyText> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, credentials) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    ApiKeyText::parse(credentials.trim_matches(' '))
}

async fn authenticate(
    state: &AppState,
    ip: IpAddr,
    presented: Option<ApiKeyText>,
) -> Result<ApiKey, ApiError> {
    if let Verdict::Limited { retry_after_secs } = state.admin_limits.check_ip(ip) {
        return Err(too_many(retry_after_secs));
    }
    let Some(presented) = presented else {
        tracing::info!("admin API key missing or malformed");
        return Err(failed(state, ip));
    };
    if !state.api_keys.minted_here(&presented) {
        tracing::info!(key_id = presented.key_id(), "admin API key not minted here");
        return Err(failed(state, ip));
    }
    let (hasher, db, now) = (state.api_keys.clone(), state.db.clone(), state.now());
    let found = blocking::run("checking the API key", move || {
        let mut conn = db.conn()?;
        let stored = api_keys::find_live_by_key_id(&mut conn, presented.key_id())?;
        // A minted key whose row is gone costs the same hash and comparison as a live one.
        let expected = stored.as_ref().map_or([0u8; 32], |key| key.secret_hash);
        let matches = hasher.matches(&presented, &expected);
        let Some(key) = stored.filter(|_| matches) else {
            tracing::info!(key_id = presented.key_id(), "admin API key refused");
            return Ok::<_, storage::StorageError>(None);
        };
        api_keys::touch(&mut conn, key.id, now)?;
        Ok(Some(key))
    })
    .await?;
    let Some(record) = found else {
        return Err(failed(state, ip));
    };
    if let Verdict::Limited { retry_after_secs } = state.admin_limits.check_key(record.id) {
        return Err(too_many(retry_after_secs));
    }
    Ok(ApiKey {
        id: record.id,
        name: record.name.clone(),
        record,
    })
}

/// Counts a failed check of `ip`: 401, or 429 once the IP is over its failures.
fn failed(state: &AppState, ip: IpAddr) -> ApiError {
    match state.admin_limits.record_failure(ip) {
        Verdict::Allowed => ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated,
            "api-key-required",
        )
        .with_www_authenticate("Bearer"),
        Verdict::Limited { retry_after_secs } => too_many(retry_after_secs),
    }
}

fn too_many(retry_after_secs: u64) -> ApiError {
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::TooManyRequests,
        ApiMessage::new("api-too-many").with_wait("wait", retry_after_secs),
    )
    .with_retry_after(retry_after_secs)
}

/// The API key a request carries.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "help-desk", "key_id": "3f9a0c1d2e4b5a67", "scopes": ["read", "write"], "created_at": "2026-12-03T10:00:00Z"}))]
pub struct KeyView {
    /// The key's name.
    pub name: String,
    /// The key's public id (the 16 hex digits after `llk_`).
    #[schema(pattern = "^[0-9a-f]{16}$")]
    pub key_id: String,
    /// What the key may do.
    pub scopes: Vec<ScopeName>,
    /// When the key was created (RFC 3339, UTC).
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// A scope, as the API names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScopeName {
    /// Read accounts, sessions and audit events.
    Read,
    /// Change accounts.
    Write,
    /// Create recovery links.
    Recovery,
}

impl From<ScopeName> for Scope {
    fn from(scope: ScopeName) -> Self {
        match scope {
            ScopeName::Read => Self::Read,
            ScopeName::Write => Self::Write,
            ScopeName::Recovery => Self::Recovery,
        }
    }
}

impl From<Scope> for ScopeName {
    fn from(scope: Scope) -> Self {
        match scope {
            Scope::Read => Self::Read,
            Scope::Write => Self::Write,
            Scope::Recovery => Self::Recovery,
        }
    }
}

/// The query of `GET /api/v1/admin/key`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct KeyQuery {
    /// Answer 403 `insufficient_scope` unless the key has this scope: checks a key before it
    /// is handed over.
    scope: Option<ScopeName>,
}

/// Which API key is this?
///
/// For an operator checking a key: its name, key id, scopes and creation time. Any scope;
/// with `?scope=…`, a 403 unless the key has that scope.
#[utoipa::path(
    get,
    context_path = API_PREFIX,
    path = Url::AdminKey.path(),
    operation_id = "getAdminKey",
    tag = "admin",
    security(("admin_key" = [])),
    params(KeyQuery),
    responses(
        (status = 200, description = "The key the request carries.", body = KeyView),
        (status = 400, description = "`invalid_request`: the query string holds something other than one `scope` of `read`, `write` or `recovery`.", body = ErrorBody),
        (status = 403, description = "`insufficient_scope`: the key lacks the `scope` asked about.", body = ErrorBody),
    )
)]
pub async fn get(req: HttpRequest, key: ApiKey) -> Result<HttpResponse, ApiError> {
    let query: KeyQuery = serde_urlencoded::from_str(req.query_string()).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest,
            "api-key-query",
        )
    })?;
    if let Some(scope) = query.scope {
        key.require(scope.into())?;
    }
    tracing::info!(api_key = key.id, "admin API key checked");
    Ok(HttpResponse::Ok().json(KeyView {
        name: key.name,
        key_id: key.record.key_id,
        scopes: key.record.scopes.into_iter().map(ScopeName::from).collect(),
        created_at: key
            .record
            .created_at
            .and_utc()
            .to_rfc3339_opts(SecondsFormat::Secs, true),
    }))
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn key_in(header: &str) -> Option<String> {
        let req = TestRequest::default()
            .insert_header((AUTHORIZATION, header))
            .to_http_request();
        bearer_key(&req).map(|key| key.expose_secret().to_owned())
    }

    #[test]
    fn only_a_well_formed_bearer_key_is_read_from_the_header() {
        let key = ApiKeyText::generate().unwrap();
        let key = key.expose_secret();
        assert_eq!(key_in(&format!("Bearer {key}")).as_deref(), Some(key));
        assert_eq!(key_in(&format!("bearer  {key}")).as_deref(), Some(key));
        for bad in [
            format!("Basic {key}"),
            format!("Bearer{key}"),
            format!("Bearer {}", &key[1..]),
            format!("Bearer {key}x"),
            "Bearer ".to_owned(),
            String::new(),
        ] {
            assert_eq!(key_in(&bad), None, "{bad:?}");
        }
        assert!(bearer_key(&TestRequest::default().to_http_request()).is_none());
    }

    #[test]
    fn the_scope_error_is_a_403_naming_the_scope() {
        let record = ApiKeyRecord {
            id: 1,
            name: "ci".into(),
            key_id: "0123456789abcdef".into(),
            secret_hash: [0; 32],
            scopes: vec![Scope::Read],
            created_at: chrono::NaiveDateTime::default(),
            last_used_at: None,
            revoked_at: None,
        };
        let key = ApiKey {
            id: 1,
            name: "ci".into(),
            record,
        };
        assert!(key.require(Scope::Read).is_ok());
        let error = key.require(Scope::Write).unwrap_err();
        assert_eq!(
            actix_web::ResponseError::status_code(&error),
            StatusCode::FORBIDDEN
        );
        assert!(error.to_string().contains("insufficient_scope"), "{error}");
        assert!(error.to_string().contains("`write`"), "{error}");
    }
}
