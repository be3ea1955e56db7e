//! JSON errors for `/api/v1`: `{"error": "<stable_code>", "message": "…"}`.

use actix_web::http::StatusCode;
use actix_web::http::header::{ALLOW, HeaderValue, RETRY_AFTER};
use actix_web::{HttpResponse, ResponseError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;

/// An API failure with a stable machine-readable code.
#[derive(Debug, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    retry_after_secs: Option<u64>,
}

/// The body of every `/api/v1` error.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"error": "invalid_or_expired_link", "message": "This link is invalid, expired or already used. Ask for a new one."}))]
pub struct ErrorBody {
    /// A stable code to branch on: `invalid_body`, `invalid_email`, `invalid_request`,
    /// `invalid_or_expired_link`, `other_browser`, `weak_password`, `body_too_large`,
    /// `unsupported_media_type`, `too_many_requests`, `not_found`,
    /// `method_not_allowed`, `unavailable` or `internal_error`.
    pub error: String,
    /// A sentence fit to show to the person using the client.
    pub message: String,
}

impl ApiError {
    /// A new error.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after_secs: None,
        }
    }

    /// Parses the address of a link request; a malformed one is a 400
    /// `invalid_email` (whether or not an account exists never shows).
    pub fn parse_email(text: &str) -> Result<storage::EmailAddress, Self> {
        storage::EmailAddress::parse(text).map_err(|_| {
            Self::new(
                StatusCode::BAD_REQUEST,
                "invalid_email",
                "The email address is not valid.",
            )
        })
    }
}

/// `404 not_found`: no endpoint below the API prefix has this path. JSON like
/// every other API answer, so a client never has to parse the HTML 404 page.
pub async fn not_found() -> HttpResponse {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "There is no such endpoint.",
    )
    .error_response()
}

/// `405 method_not_allowed`, with `allow` (e.g. `POST`) as the `Allow` header.
pub fn method_not_allowed(allow: &str) -> HttpResponse {
    let mut response = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "This endpoint does not answer this method.",
    )
    .error_response();
    // Built from the endpoint list's method names, so always a valid header value.
    if let Ok(value) = HeaderValue::from_str(allow) {
        response.headers_mut().insert(ALLOW, value);
    }
    response
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        let code = match &error {
            AppError::BadRequest(_) => "invalid_request",
            AppError::Csrf => "forbidden",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal_error",
        };
        if matches!(error, AppError::Internal(_) | AppError::Unavailable(_)) {
            tracing::error!(error = ?error, "api request failed");
        }
        let retry_after_secs = match &error {
            AppError::TooManyRequests { retry_after_secs } => Some(*retry_after_secs),
            AppError::Unavailable(_) => Some(crate::error::UNAVAILABLE_RETRY_AFTER_SECS),
            _ => None,
        };
        Self {
            status: error.status_code(),
            code,
            message: error.public_message(),
            retry_after_secs,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if let Some(secs) = self.retry_after_secs {
            response.insert_header((RETRY_AFTER, secs.to_string()));
        }
        response.json(ErrorBody {
            error: self.code.to_owned(),
            message: self.message.clone(),
        })
    }
}
