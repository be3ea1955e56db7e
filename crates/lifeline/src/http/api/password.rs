//! `POST /api/v1/password/forgot` and `POST /api/v1/password/reset`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::{ApiError, ApiMessage, ErrorBody, ErrorCode};
use super::field_schemas;
use crate::flows::password_reset::{self, ResetError};
use crate::http::client::ClientInfo;
use crate::http::extractors::ApiJson;
use crate::http::urls::{API_PREFIX, Url};
use crate::security::password_hash::Password;
use crate::state::AppState;

/// Ask for a password-reset link.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ada@example.com"}))]
pub struct ForgotRequest {
    /// The account's address.
    #[schema(schema_with = field_schemas::email)]
    email: String,
}

/// Set a new password with a reset link's token.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"token": "lr1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "password": "correct horse battery staple"}))]
pub struct ResetRequest {
    /// The `token` query parameter of the mailed link.
    #[schema(schema_with = field_schemas::reset_token)]
    token: String,
    /// The new password: 8 to 128 characters (configurable), not a common password, not the
    /// address.
    password: String,
}

/// The request was accepted; mail follows if the account exists.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Accepted {
    /// A sentence that says so without telling whether the account exists, in the language
    /// of `Accept-Language` (named by `Content-Language`).
    pub message: String,
}

/// Asks for a password-reset link.
///
/// 202 for every well-formed address, known or not (see the page handler).
#[utoipa::path(
    post,
    context_path = API_PREFIX,
    path = Url::PasswordForgot.path(),
    operation_id = "requestPasswordReset",
    tag = "password",
    request_body(content = ForgotRequest, content_type = "application/json"),
    responses(
        (status = 202, description = "Accepted. The same answer whether or not the account exists; a reset link is mailed if it does.", body = Accepted),
        (status = 400, description = "`invalid_email` (not an address Lifeline accepts) or `invalid_body` (not a JSON object of the documented shape).", body = ErrorBody),
    )
)]
pub async fn forgot(
    state: web::Data<AppState>,
    client: ClientInfo,
    body: ApiJson<ForgotRequest>,
) -> Result<HttpResponse, ApiError> {
    let address = ApiError::parse_email(&body.email)?;
    password_reset::request(&state, address, &client).await?;
    Ok(crate::http::api::message::accepted("api-accepted-reset"))
}

/// Sets a new password with a reset link's token.
///
/// 204 on success; 400 `invalid_or_expired_link`; 422 `weak_password` (the token stays usable).
#[utoipa::path(
    post,
    context_path = API_PREFIX,
    path = Url::PasswordReset.path(),
    operation_id = "resetPassword",
    tag = "password",
    request_body(content = ResetRequest, content_type = "application/json"),
    responses(
        (status = 204, description = "The password is changed; every other link and session of the account is void, and a \"password changed\" email is queued."),
        (status = 400, description = "`invalid_or_expired_link` (malformed, forged, expired, used or superseded: all alike) or `invalid_body` (not a JSON object of the documented shape).", body = ErrorBody),
        (status = 422, description = "`weak_password`: the message says why (Lifeline's policy, or the directory's own when it keeps the passwords). The link stays usable.", body = ErrorBody),
    )
)]
pub async fn reset(
    state: web::Data<AppState>,
    client: ClientInfo,
    body: ApiJson<ResetRequest>,
) -> Result<HttpResponse, ApiError> {
    let ResetRequest { token, password } = body.into_inner();
    let confirmation = password.clone();
    match password_reset::complete(
        &state,
        &token,
        Password::new(password),
        &confirmation,
        &client,
    )
    .await
    {
        Ok(_) => Ok(HttpResponse::NoContent().finish()),
        Err(ResetError::InvalidLink) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidOrExpiredLink,
            "api-invalid-link",
        )),
        Err(ResetError::WeakPassword(reason)) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::WeakPassword,
            ApiMessage::weak_password(&reason),
        )),
        Err(ResetError::App(error)) => Err(error.into()),
    }
}
