//! JSON errors for `/api/v1`: `{"error": "<stable_code>", "message": "…"}`. The code is
//! English and stable; the message is said in the request's language, chosen as the pages
//! choose it, when the answer is built, and `Content-Language` names that language.

use actix_web::http::StatusCode;
use actix_web::http::header::{
    ALLOW, CONTENT_LANGUAGE, HeaderValue, RETRY_AFTER, WWW_AUTHENTICATE,
};
use actix_web::{HttpResponse, ResponseError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use super::message::ApiMessage;
use crate::error::AppError;

/// An API failure with a stable machine-readable code. Its `Display` (for the log) says the
/// code and the message in English.
#[derive(Debug, thiserror::Error)]
#[error("{}: {}", code.as_str(), message.english())]
pub struct ApiError {
    status: StatusCode,
    code: ErrorCode,
    message: ApiMessage,
    retry_after_secs: Option<u64>,
    www_authenticate: Option<&'static str>,
}

/// The stable code of an API error, for clients to branch on. Every code an error can
/// carry is a variant here, so the OpenAPI document lists exactly these; which codes each
/// answer of each endpoint carries is listed there too (`openapi::OPERATION_ERRORS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not a JSON object of the documented shape.
    InvalidBody,
    /// The address is not one Lifeline accepts.
    InvalidEmail,
    /// A query parameter is missing, unknown or malformed (the admin API's `limit`,
    /// `before`, `email`).
    InvalidRequest,
    /// The link is forged, expired, used or superseded: all alike.
    InvalidOrExpiredLink,
    /// Same-browser links are on and this client did not ask for the link.
    OtherBrowser,
    /// The new password breaks the policy; the message says why.
    WeakPassword,
    /// The address and password don't match an account.
    InvalidCredentials,
    /// A refused cross-site form (not answered by the current endpoints).
    Forbidden,
    /// The request carries no valid credentials: no session cookie or token that names a
    /// live session, or no API key, or one that is malformed, unknown, wrong or revoked (all
    /// alike); `WWW-Authenticate` names the scheme.
    Unauthenticated,
    /// The API key is valid but lacks the scope this endpoint needs.
    InsufficientScope,
    /// The body is over `server.max_body_bytes`.
    BodyTooLarge,
    /// The body is not `application/json`.
    UnsupportedMediaType,
    /// Over a rate limit; `Retry-After` says how long to wait.
    TooManyRequests,
    /// No endpoint has this path.
    NotFound,
    /// The endpoint does not answer this method; `Allow` lists those it does.
    MethodNotAllowed,
    /// The database, or the directory server that keeps the accounts, is briefly
    /// unreachable; `Retry-After` says when to try again.
    Unavailable,
    /// A fault on the server; nothing was changed.
    InternalError,
    /// Admin API: no account has this id (or address).
    AccountNotFound,
    /// Admin API: an account with the address exists already.
    AccountExists,
    /// Admin API: the account has no live session with this id.
    SessionNotFound,
    /// Admin API: the account is disabled, so no link of it would work.
    AccountDisabled,
    /// Admin API: the owner said "this wasn't me"; links are paused until the pause is
    /// lifted or ends.
    LinksPaused,
    /// Admin API: the configured directory cannot do this (an application's mapped table
    /// lacks the column, or its rows are the application's); the message names the setting.
    UnsupportedByDirectory,
}

impl ErrorCode {
    /// The code as sent, e.g. `invalid_body`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidBody => "invalid_body",
            Self::InvalidEmail => "invalid_email",
            Self::InvalidRequest => "invalid_request",
            Self::InvalidOrExpiredLink => "invalid_or_expired_link",
            Self::OtherBrowser => "other_browser",
            Self::WeakPassword => "weak_password",
            Self::InvalidCredentials => "invalid_credentials",
            Self::Forbidden => "forbidden",
            Self::Unauthenticated => "unauthenticated",
            Self::InsufficientScope => "insufficient_scope",
            Self::BodyTooLarge => "body_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::TooManyRequests => "too_many_requests",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Unavailable => "unavailable",
            Self::InternalError => "internal_error",
            Self::AccountNotFound => "account_not_found",
            Self::AccountExists => "account_exists",
            Self::SessionNotFound => "session_not_found",
            Self::AccountDisabled => "account_disabled",
            Self::LinksPaused => "links_paused",
            Self::UnsupportedByDirectory => "unsupported_by_directory",
        }
    }
}

/// The body of every `/api/v1` error.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"error": "invalid_or_expired_link", "message": "This link is invalid, expired or already used. Ask for a new one."}))]
pub struct ErrorBody {
    /// A stable code to branch on.
    pub error: ErrorCode,
    /// A sentence fit to show to the person using the client, in the language of
    /// `Accept-Language` (`Content-Language` names it).
    pub message: String,
}

impl ApiError {
    /// A new error saying `message` (a message id of the catalogs, e.g. `api-invalid-email`,
    /// or an [`ApiMessage`] with its arguments).
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<ApiMessage>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after_secs: None,
            www_authenticate: None,
        }
    }

    /// This error with a `WWW-Authenticate` header (e.g. `Bearer`), for a 401.
    pub fn with_www_authenticate(mut self, challenge: &'static str) -> Self {
        self.www_authenticate = Some(challenge);
        self
    }

    /// This error with a `Retry-After` header, for a 429.
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }

    /// The message in the language of the request being served, with that language's tag,
    /// through the catalogs of the request's state (the operator's overrides included).
    /// Outside a Lifeline request, which no answer should be built in, English from the
    /// built-in catalog.
    fn said(&self) -> (String, HeaderValue) {
        self.message.said()
    }

    /// Parses the address of a link request; a malformed one is a 400
    /// `invalid_email` (whether or not an account exists never shows).
    pub fn parse_email(text: &str) -> Result<storage::EmailAddress, Self> {
        storage::EmailAddress::parse(text).map_err(|_| {
            Self::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::InvalidEmail,
                "api-invalid-email",
            )
        })
    }
}

/// `404 not_found`: no endpoint below the API prefix has this path. JSON like
/// every other API answer, so a client never has to parse the HTML 404 page.
pub async fn not_found() -> HttpResponse {
    ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "api-not-found").error_response()
}

/// `405 method_not_allowed`, with `allow` (e.g. `POST`) as the `Allow` header.
pub fn method_not_allowed(allow: &str) -> HttpResponse {
    let mut response = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        "api-method-not-allowed",
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
            AppError::BadRequest(_) => ErrorCode::InvalidRequest,
            AppError::Csrf => ErrorCode::Forbidden,
            AppError::TooManyRequests { .. } => ErrorCode::TooManyRequests,
            AppError::Unavailable(_) => ErrorCode::Unavailable,
            AppError::Internal(_) => ErrorCode::InternalError,
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
            message: error.api_message(),
            retry_after_secs,
            www_authenticate: None,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let (message, language) = self.said();
        let mut response = HttpResponse::build(self.status);
        response.insert_header((CONTENT_LANGUAGE, language));
        if let Some(secs) = self.retry_after_secs {
            response.insert_header((RETRY_AFTER, secs.to_string()));
        }
        if let Some(challenge) = self.www_authenticate {
            response.insert_header((WWW_AUTHENTICATE, challenge));
        }
        response.json(ErrorBody {
            error: self.code,
            message,
        })
    }
}

#[cfg(test)]
mod tests {
    use actix_web::body::MessageBody;

    use super::*;

    #[test]
    fn outside_a_lifeline_request_the_message_is_english_from_the_built_in_catalog() {
        let error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::TooManyRequests,
            ApiMessage::new("api-too-many").with_wait("wait", 61),
        )
        .with_retry_after(61);

        let response = error.error_response();

        let header = |name| response.headers().get(name).and_then(|v| v.to_str().ok());
        assert_eq!(header(CONTENT_LANGUAGE), Some("en"));
        assert_eq!(header(RETRY_AFTER), Some("61"));
        let body = response.into_body().try_into_bytes().unwrap();
        let body: ErrorBody = serde_json::from_slice(&body).unwrap();
        assert_eq!(body.error, ErrorCode::TooManyRequests);
        assert!(
            body.message.ends_with("Try again in 2 minutes."),
            "{}",
            body.message
        );
        assert!(
            error
                .to_string()
                .starts_with("too_many_requests: There were")
        );
    }
}
