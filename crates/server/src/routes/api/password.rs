//! `POST /api/v1/password/forgot` and `POST /api/v1/password/reset`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use storage::EmailAddress;

use super::error::ApiError;
use crate::client::ClientInfo;
use crate::flows::password_reset::{self, ResetError};
use crate::security::password_hash::Password;
use crate::state::AppState;

/// `{"email": "…"}`
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForgotRequest {
    email: String,
}

/// `{"token": "…", "password": "…"}`
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    token: String,
    password: String,
}

#[derive(Serialize)]
struct Accepted {
    message: &'static str,
}

/// 202 for every well-formed address, known or not (see the page handler).
pub async fn forgot(
    state: web::Data<AppState>,
    client: ClientInfo,
    body: web::Json<ForgotRequest>,
) -> Result<HttpResponse, ApiError> {
    let address = EmailAddress::parse(&body.email).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_email",
            "The email address is not valid.",
        )
    })?;
    password_reset::request(&state, address, &client).await?;
    Ok(HttpResponse::Accepted().json(Accepted {
        message: "If an account exists for this address, a reset link is on its way.",
    }))
}

/// 204 on success; 400 `invalid_or_expired_link`; 422 `weak_password` (the token stays usable).
pub async fn reset(
    state: web::Data<AppState>,
    client: ClientInfo,
    body: web::Json<ResetRequest>,
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
            "invalid_or_expired_link",
            "This link is invalid, expired or already used. Ask for a new one.",
        )),
        Err(ResetError::WeakPassword(reason)) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "weak_password",
            reason.to_string(),
        )),
        Err(ResetError::App(error)) => Err(error.into()),
    }
}
