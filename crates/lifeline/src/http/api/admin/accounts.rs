//! `/api/v1/admin/accounts…`: create, find, read, disable, enable and delete an account,
//! set its password, lift its pause.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::key::{ApiKey, Scope};
use super::params::{
    ACCOUNT_ID, Account, AccountId, ApiQuery, accounts, act, act_ending_sessions, actor,
};
use super::{ACCOUNT, ACCOUNT_DISABLE, ACCOUNT_ENABLE, ACCOUNT_PASSWORD, ACCOUNT_PAUSE, ACCOUNTS};
use crate::http::api::error::{ApiError, ErrorBody};
use crate::http::api::field_schemas;
use crate::http::extractors::ApiJson;
use crate::http::urls::API_PREFIX;
use crate::security::password_hash::Password;
use crate::state::AppState;

/// Create an account.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ada@example.com", "password": "correct horse battery staple"}))]
pub struct CreateAccountRequest {
    /// The account's address.
    #[schema(schema_with = field_schemas::email)]
    email: String,
    /// Its password, checked against the policy; left out (or `null`), the account has none
    /// until its owner sets one through a reset or recovery link.
    #[serde(default)]
    password: Option<String>,
}

/// Set an account's password.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"password": "correct horse battery staple"}))]
pub struct SetPasswordRequest {
    /// The new password: 8 to 128 characters (configurable), not a common password, not the
    /// address.
    password: String,
}

/// Find an account by its address.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FindQuery {
    /// The account's address, matched exactly (after the same normalisation as sign-in).
    #[param(schema_with = field_schemas::email)]
    email: String,
}

/// Creates an account.
#[utoipa::path(
    post,
    context_path = API_PREFIX,
    path = ACCOUNTS,
    operation_id = "createAccount",
    tag = "admin",
    security(("admin_key" = [])),
    request_body(content = CreateAccountRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "Created. Audit event `operator_created` names the key. Scope `write`.", body = Account),
        (status = 400, description = "`invalid_email` or `invalid_body`.", body = ErrorBody),
        (status = 409, description = "`account_exists`, or `unsupported_by_directory` (the accounts live in an application's table, or in an external directory such as LDAP, where they are created).", body = ErrorBody),
        (status = 422, description = "`weak_password`: the message says why (Lifeline's policy, or the directory's own when it keeps the passwords).", body = ErrorBody),
    )
)]
pub async fn create(
    key: ApiKey,
    state: web::Data<AppState>,
    body: ApiJson<CreateAccountRequest>,
) -> Result<HttpResponse, ApiError> {
    key.require(Scope::Write)?;
    let CreateAccountRequest { email, password } = body.into_inner();
    let address = ApiError::parse_email(&email)?;
    let (accounts, hasher, actor, now) = (
        accounts(&state),
        state.hasher.clone(),
        actor(&key),
        state.now(),
    );
    let account = act("creating the account", move || {
        let password = password.map(Password::new);
        let user = accounts.create(&address, password.as_ref(), &hasher, &actor, now)?;
        Account::read(&accounts, &user, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(account))
}

/// Finds an account by its address.
#[utoipa::path(
    get,
    context_path = API_PREFIX,
    path = ACCOUNTS,
    operation_id = "findAccount",
    tag = "admin",
    security(("admin_key" = [])),
    params(FindQuery),
    responses(
        (status = 200, description = "The account (disabled or not). Scope `read`.", body = Account),
        (status = 400, description = "`invalid_request` (no `email`, or another parameter) or `invalid_email`.", body = ErrorBody),
        (status = 404, description = "`account_not_found`.", body = ErrorBody),
    )
)]
pub async fn find(
    key: ApiKey,
    state: web::Data<AppState>,
    query: ApiQuery<FindQuery>,
) -> Result<HttpResponse, ApiError> {
    key.require(Scope::Read)?;
    let address = ApiError::parse_email(&query.0.email)?;
    let (accounts, now) = (accounts(&state), state.now());
    let account = act("finding the account", move || {
        let user = accounts.find(&address)?;
        Account::read(&accounts, &user, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(account))
}

/// Reads an account.
#[utoipa::path(
    get,
    context_path = API_PREFIX,
    path = ACCOUNT,
    operation_id = "getAccount",
    tag = "admin",
    security(("admin_key" = [])),
    params(("id" = i64, Path, minimum = 1, description = ACCOUNT_ID)),
    responses(
        (status = 200, description = "The account (disabled or not). Scope `read`.", body = Account),
        (status = 404, description = "`account_not_found`.", body = ErrorBody),
    )
)]
pub async fn get(
    key: ApiKey,
    state: web::Data<AppState>,
    id: AccountId,
) -> Result<HttpResponse, ApiError> {
    key.require(Scope::Read)?;
    let (accounts, now) = (accounts(&state), state.now());
    let account = act("reading the account", move || {
        let user = accounts.find(id.0)?;
        Account::read(&accounts, &user, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(account))
}

/// Deletes an account.
#[utoipa::path(
    delete,
    context_path = API_PREFIX,
    path = ACCOUNT,
    operation_id = "deleteAccount",
    tag = "admin",
    security(("admin_key" = [])),
    params(("id" = i64, Path, minimum = 1, description = ACCOUNT_ID)),
    responses(
        (status = 204, description = "Deleted; its links and sessions have ended, its audit events stay. Audit event `operator_deleted`. Scope `write`."),
        (status = 404, description = "`account_not_found`.", body = ErrorBody),
        (status = 409, description = "`unsupported_by_directory`: the accounts live in an application's table, which Lifeline never deletes from.", body = ErrorBody),
    )
)]
pub async fn delete(
    key: ApiKey,
    state: web::Data<AppState>,
    id: AccountId,
) -> Result<HttpResponse, ApiError> {
    key.require(Scope::Write)?;
    let (accounts, actor, now) = (accounts(&state), actor(&key), state.now());
    act_ending_sessions(&state, "deleting the account", move || {
        accounts.delete(id.0, &actor, now)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Disables an account.
#[utoipa::path(
    post,
    context_path = API_PREFIX,
    path = ACCOUNT_DISABLE,
    operation_id = "disableAccount",
    tag = "admin",
    security(("admin_key" = [])),
    params(("id" = i64, Path, minimum = 1, description = ACCOUNT_ID)),
    responses(
        (status = 200, description = "Disabled (no body is read): no mail, no sign-in, every public answer the one an unknown address gets; its links and sessions have ended. Audit event `operator_disabled`. Scope `write`.", body = Account),
        (status = 404, description = "`account_not_found`.", body = ErrorBody),
        (status = 409, description = "`unsupported_by_directory`: the mapped table has no column for it.", body = ErrorBody),
    )
)]
pub async fn disable(
    key: ApiKey,
    state: web::Data<AppState>,
    id: AccountId,
) -> Result<HttpResponse, ApiError> {
    set_disabled(key, state, id, true).await
}

/// Enables an account.
#[utoipa::path(
    post,
    context_path = API_PREFIX,
    path = ACCOUNT_ENABLE,
    operation_id = "enableAccount",
    tag = "admin",
    security(("admin_key" = [])),
    params(("id" = i64, Path, minimum = 1, description = ACCOUNT_ID)),
    responses(
        (status = 200, description = "Enabled (no body is read); its old links and sessions stay void. Audit event `operator_enabled`. Scope `write`.", body = Account),
        (status = 404, description = "`account_not_found`.", body = ErrorBody),
        (status = 409, description = "`unsupported_by_directory`: the mapped table has no column for it.", body = ErrorBody),
    )
)]
pub async fn enable(
    key: ApiKey,
    state: web::Data<AppState>,
    id: AccountId,
) -> Result<HttpResponse, ApiError> {
    set_disabled(key, state, id, false).await
}

async fn set_disabled(
    key: ApiKey,
    state: web::Data<AppState>,
    id: AccountId,
    disabled: bool,
) -> Result<HttpResponse, ApiError> {
    key.require(Scope::Write)?;
    let (accounts, actor, now) = (accounts(&state), actor(&key), state.now());
    let account = act_ending_sessions(&state, "disabling or enabling the account", move || {
        let user = match disabled {
            true => accounts.disable(id.0, &actor, now)?,
            false => accounts.enable(id.0, &actor, now)?,
        };
        Account::read(&accounts, &user, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(account))
}

/// Sets an account's password.
#[utoipa::path(
    put,
    context_path = API_PREFIX,
    path = ACCOUNT_PASSWORD,
    operation_id = "setAccountPassword",
    tag = "admin",
    security(("admin_key" = [])),
    params(("id" = i64, Path, minimum = 1, description = ACCOUNT_ID)),
    request_body(content = SetPasswordRequest, content_type = "application/json"),
    responses(
        (status = 204, description = "Set: every link and session of the account has ended, and the \"password changed\" mail (with its \"this wasn't me\" link) is queued. Audit event `operator_password_set`. Scope `write`."),
        (status = 400, description = "`invalid_body`.", body = ErrorBody),
        (status = 404, description = "`account_not_found`.", body = ErrorBody),
        (status = 422, description = "`weak_password`: the message says why (Lifeline's policy, or the directory's own when it keeps the passwords).", body = ErrorBody),
    )
)]
pub async fn set_password(
    key: ApiKey,
    state: web::Data<AppState>,
    id: AccountId,
    body: ApiJson<SetPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    key.require(Scope::Write)?;
    let password = Password::new(body.into_inner().password);
    let (accounts, hasher, actor, now) = (
        accounts(&state),
        state.hasher.clone(),
        actor(&key),
        state.now(),
    );
    act_ending_sessions(&state, "setting the password", move || {
        accounts.set_password(id.0, &password, &hasher, &actor, now)
    })
    .await?;
    state
        .outbox
        .committed(crate::outbox::JobKind::PasswordChanged);
    Ok(HttpResponse::NoContent().finish())
}

/// Lifts an account's "this wasn't me" pause.
#[utoipa::path(
    delete,
    context_path = API_PREFIX,
    path = ACCOUNT_PAUSE,
    operation_id = "liftAccountPause",
    tag = "admin",
    security(("admin_key" = [])),
    params(("id" = i64, Path, minimum = 1, description = ACCOUNT_ID)),
    responses(
        (status = 200, description = "The pause is over: the owner may ask for reset and sign-in links again. Audit event `operator_pause_lifted`. Scope `write`.", body = Account),
        (status = 404, description = "`account_not_found`.", body = ErrorBody),
        (status = 409, description = "`unsupported_by_directory`: the mapped table has no column for it.", body = ErrorBody),
    )
)]
pub async fn lift_pause(
    key: ApiKey,
    state: web::Data<AppState>,
    id: AccountId,
) -> Result<HttpResponse, ApiError> {
    key.require(Scope::Write)?;
    let (accounts, actor, now) = (accounts(&state), actor(&key), state.now());
    let account = act("lifting the pause", move || {
        let user = accounts.lift_pause(id.0, &actor, now)?;
        Account::read(&accounts, &user, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(account))
}
