//! Limits and error answers for request bodies and query strings, so that every
//! malformed input gets a clear 4xx — never a 500 — and nothing is written.

use actix_web::error::{InternalError, JsonPayloadError, QueryPayloadError, UrlencodedError};
use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::simple_page;
use crate::routes::api::error::ApiError;

/// HTML forms: bounded size, `application/x-www-form-urlencoded` only.
pub fn form_config(limit: usize) -> web::FormConfig {
    web::FormConfig::default()
        .limit(limit)
        .error_handler(|error, _req: &HttpRequest| {
            let (status, message) = match &error {
                UrlencodedError::Overflow { .. } => {
                    (StatusCode::PAYLOAD_TOO_LARGE, "The form is too large.")
                }
                UrlencodedError::ContentType => (
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "Send the form as application/x-www-form-urlencoded.",
                ),
                _ => (
                    StatusCode::BAD_REQUEST,
                    "The form could not be read. Reload the page and try again.",
                ),
            };
            tracing::info!(error = %error, "form refused");
            let response = HttpResponse::build(status)
                .content_type(ContentType::html())
                .body(simple_page(status, message));
            InternalError::from_response(error, response).into()
        })
}

/// JSON bodies: bounded size, `application/json` only, unknown fields refused.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(|error, _req: &HttpRequest| {
            let api = match &error {
                JsonPayloadError::Overflow { .. }
                | JsonPayloadError::OverflowKnownLength { .. } => ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body_too_large",
                    "The request body is too large.",
                ),
                JsonPayloadError::ContentType => ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "Send the body as application/json.",
                ),
                _ => ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_body",
                    "The request body is not valid for this endpoint.",
                ),
            };
            tracing::info!(error = %error, "json body refused");
            api.into()
        })
}

/// Query strings: unknown or malformed parameters get a 400 page.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error: QueryPayloadError, _req: &HttpRequest| {
        let status = StatusCode::BAD_REQUEST;
        let response = HttpResponse::build(status)
            .content_type(ContentType::html())
            .body(simple_page(status, "This address is not valid."));
        InternalError::from_response(error, response).into()
    })
}

/// Path segments (e.g. a non-numeric id): 404.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|error, _req: &HttpRequest| {
        let status = StatusCode::NOT_FOUND;
        let response = HttpResponse::build(status)
            .content_type(ContentType::html())
            .body(simple_page(status, "There is nothing here."));
        InternalError::from_response(error, response).into()
    })
}
