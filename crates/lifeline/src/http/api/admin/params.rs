//! What the admin endpoints share: the ids in their paths, their query strings, the
//! account as answered, and an operator's refusal as an API error. Malformed input is a
//! JSON 4xx like any other: an id that is not a positive integer names no account (404),
//! a bad query parameter is a 400 `invalid_request`.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, web};
use chrono::{NaiveDateTime, SecondsFormat};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::key::ApiKey;
use crate::directory::DirectoryUser;
use crate::error::AppError;
use crate::http::api::error::{ApiError, ApiMessage, ErrorCode};
use crate::http::blocking;
use crate::operator::{Accounts, Actor, OperatorError, Unsupported};
use crate::state::AppState;

/// A positive id from the path segment `name`, or `None`.
fn positive_id(req: &HttpRequest, name: &str) -> Option<i64> {
    req.match_info()
        .get(name)
        .and_then(|text| text.parse::<i64>().ok())
        .filter(|id| *id > 0)
}

/// The account id of the path (`{id}`). Anything but a positive integer is a 404
/// `account_not_found`, as an id no account has.
#[derive(Debug, Clone, Copy)]
pub struct AccountId(pub i64);

impl FromRequest for AccountId {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(positive_id(req, "id").map(Self).ok_or_else(no_account))
    }
}

/// The session id of the path (`{session_id}`); anything but a positive integer is a 404
/// `session_not_found`.
#[derive(Debug, Clone, Copy)]
pub struct SessionId(pub i64);

impl FromRequest for SessionId {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            positive_id(req, "session_id")
                .map(Self)
                .ok_or_else(no_session),
        )
    }
}

/// The query string decoded into `T` (whose unknown fields are refused); anything else
/// is a 400 `invalid_request`.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned> FromRequest for ApiQuery<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            web::Query::<T>::from_query(req.query_string())
                .map(|query| Self(query.into_inner()))
                .map_err(|error| {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        ErrorCode::InvalidRequest,
                        ApiMessage::new("api-invalid-query")
                            .with_text("problem", error.to_string()),
                    )
                }),
        )
    }
}

fn no_account() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        ErrorCode::AccountNotFound,
        "api-account-not-found",
    )
}

fn no_session() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        ErrorCode::SessionNotFound,
        "api-session-not-found",
    )
}

/// An operator's refusal, said to the API's client in its language (the command line says
/// the same in English through `Display`).
impl From<OperatorError> for ApiError {
    fn from(error: OperatorError) -> Self {
        let conflict = |code, message| ApiError::new(StatusCode::CONFLICT, code, message);
        match error {
            OperatorError::NoSuchAccount(_) => no_account(),
            OperatorError::NoSuchSession(_) => no_session(),
            OperatorError::AccountExists(email) => conflict(
                ErrorCode::AccountExists,
                ApiMessage::new("api-account-exists").with_text("email", email),
            ),
            OperatorError::Disabled(_) => {
                conflict(ErrorCode::AccountDisabled, "api-account-disabled".into())
            }
            OperatorError::Paused(until) => conflict(
                ErrorCode::LinksPaused,
                ApiMessage::new("api-links-paused").with_text("until", rfc3339(until)),
            ),
            OperatorError::Unsupported(refusal) => {
                conflict(ErrorCode::UnsupportedByDirectory, unsupported(&refusal))
            }
            OperatorError::WeakPassword(reason) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::WeakPassword,
                ApiMessage::weak_password(&reason),
            ),
            error @ (OperatorError::Hash(_) | OperatorError::Mail(_)) => {
                AppError::Internal(anyhow::Error::new(error)).into()
            }
            OperatorError::Storage(storage) => AppError::from(storage).into(),
        }
    }
}

/// What the directory cannot do, with the table and the setting it names.
fn unsupported(refusal: &Unsupported) -> ApiMessage {
    match refusal {
        Unsupported::Create { table } => {
            ApiMessage::new("api-directory-create").with_text("table", table.clone())
        }
        Unsupported::Delete { table } => {
            ApiMessage::new("api-directory-delete").with_text("table", table.clone())
        }
        Unsupported::NoColumn { action, table } => ApiMessage::new("api-directory-no-column")
            .with_text("action", action.name())
            .with_text("table", table.clone())
            .with_text("setting", action.setting()),
        Unsupported::ExternalAccounts { kind } => {
            ApiMessage::new("api-directory-external").with_text("kind", kind.clone())
        }
        Unsupported::NoState { action } => {
            ApiMessage::new("api-directory-no-state").with_text("action", action.name())
        }
    }
}

/// The deployment's accounts, through the service's own directory, announcing the jobs
/// each action commits to the service's outbox (its worker sends them at once).
pub fn accounts(state: &web::Data<AppState>) -> Accounts {
    let outbox = state.clone();
    Accounts::with_directory(
        &state.settings,
        state.db.clone(),
        state.directory.clone(),
        state.webhooks.clone(),
    )
    .with_password_authority(state.password_authority.clone())
    .announcing(std::sync::Arc::new(move |kind| {
        outbox.outbox.committed(kind)
    }))
}

/// The actor of an action asked with `key`.
pub fn actor(key: &ApiKey) -> Actor {
    Actor::ApiKey {
        id: key.id,
        name: key.name.clone(),
    }
}

/// Runs an operator action on the blocking pool; its refusal becomes the API's error.
pub async fn act<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> Result<T, OperatorError> + Send + 'static,
) -> Result<T, ApiError> {
    Ok(blocking::run(what, move || Ok::<_, AppError>(work())).await??)
}

/// [`act`] for an action that may end sessions (delete, disable, set a password, revoke):
/// once it is over, this process's session cache believes nothing it kept before.
pub async fn act_ending_sessions<T: Send + 'static>(
    state: &AppState,
    what: &'static str,
    work: impl FnOnce() -> Result<T, OperatorError> + Send + 'static,
) -> Result<T, ApiError> {
    let done = act(what, work).await;
    state.session_cache.forget_all();
    done
}

/// A time as RFC 3339 in UTC, to the second: `2026-12-03T09:21:00Z`.
pub fn rfc3339(time: NaiveDateTime) -> String {
    time.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An account, as the admin API answers it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id": 5, "email": "ada@example.com", "created_at": "2026-12-03T09:21:00Z", "disabled_at": null, "paused_until": null, "has_password": true}))]
pub struct Account {
    /// The account's id: what every other admin endpoint takes.
    pub id: i64,
    /// The address mail goes to.
    pub email: String,
    /// When the account was created (RFC 3339, UTC); `null` when an application's own
    /// table holds the accounts, which does not tell.
    #[schema(format = DateTime)]
    pub created_at: Option<String>,
    /// When the account was disabled; `null` while it is enabled.
    #[schema(format = DateTime)]
    pub disabled_at: Option<String>,
    /// Until when link requests are paused after "this wasn't me"; `null` when they are not
    /// (or the pause has ended).
    #[schema(format = DateTime)]
    pub paused_until: Option<String>,
    /// Whether the account has a password (without one, the owner signs in by link or sets
    /// one through a recovery link).
    pub has_password: bool,
}

impl Account {
    /// The answer for `user`, created at `created_at`, as seen at `now`.
    pub fn new(
        user: &DirectoryUser,
        created_at: Option<NaiveDateTime>,
        now: NaiveDateTime,
    ) -> Self {
        Self {
            id: user.id,
            email: user.display_email.clone(),
            created_at: created_at.map(rfc3339),
            disabled_at: user.disabled_at.map(rfc3339),
            paused_until: user
                .resets_paused_until
                .filter(|until| *until > now)
                .map(rfc3339),
            has_password: user.password_hash.is_some(),
        }
    }

    /// The answer for `user`, with its creation time read from the directory.
    pub fn read(
        accounts: &Accounts,
        user: &DirectoryUser,
        now: NaiveDateTime,
    ) -> Result<Self, OperatorError> {
        Ok(Self::new(user, accounts.created_at(user)?, now))
    }
}

/// The `id` path parameter's description.
pub const ACCOUNT_ID: &str =
    "The account's id (a positive integer; anything else is a 404 `account_not_found`).";
