//! The extractors for request bodies, and the error answers for bodies, query
//! strings and paths, so that every malformed input gets a clear 4xx — never a
//! 500 — and nothing is written. What a body must be is decided in
//! [`crate::http::request_body`]; here it is read and the refusal answered.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::{InternalError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{Error, FromRequest, HttpRequest, HttpResponse, web};
use serde::de::DeserializeOwned;

use crate::http::api::error::{ApiError, ErrorCode};
use crate::http::middleware::error_pages;
use crate::http::request_body::{
    BodyRefusal, FORM_MEDIA_TYPE, JSON_MEDIA_TYPE, check_media_type, decode_form, decode_json,
};

fn html_refusal(status: StatusCode, message: &str) -> HttpResponse {
    error_pages::page(status, message, None)
}

/// The raw `Content-Type` header, if any.
fn content_type(req: &HttpRequest) -> Option<Vec<u8>> {
    req.headers()
        .get(CONTENT_TYPE)
        .map(|value| value.as_bytes().to_vec())
}

/// A decoding function of [`crate::http::request_body`]: header and body to a value.
type Decode<T> = fn(Option<&[u8]>, &[u8]) -> Result<T, BodyRefusal>;

/// Reads the body of a request whose media type is `essence`, then decodes it
/// with `decode`. The media type is checked before a byte is read (415); the
/// body is read within `server.max_body_bytes` (the scope's
/// [`web::PayloadConfig`]; 413 beyond it), decompressed as actix-web does.
fn read_and_decode<T: 'static>(
    req: &HttpRequest,
    payload: &mut Payload,
    essence: &'static str,
    decode: Decode<T>,
) -> impl Future<Output = Result<T, BodyRefusal>> + 'static {
    let content_type = content_type(req);
    let checked = check_media_type(content_type.as_deref(), essence);
    let body = checked.map(|()| web::Bytes::from_request(req, payload));
    async move {
        let body = body?.await.map_err(|error| {
            tracing::info!(%error, "request body not read");
            if error.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
                BodyRefusal::TooLarge
            } else {
                BodyRefusal::Malformed
            }
        })?;
        decode(content_type.as_deref(), &body)
    }
}

/// Reads and decodes a page's form body into `T` ([`decode_form`]: UTF-8
/// only, unknown, repeated and missing fields refused). A refusal is the
/// matching error page: 415, 413 or 400. [`crate::http::csrf::CsrfForm`] is
/// the one caller, so every form takes this path.
pub fn form_body<T: DeserializeOwned + 'static>(
    req: &HttpRequest,
    payload: &mut Payload,
) -> impl Future<Output = Result<T, Error>> + 'static {
    let decoded = read_and_decode(req, payload, FORM_MEDIA_TYPE, decode_form::<T>);
    async move {
        decoded.await.map_err(|refusal| {
            let (status, message) = match refusal {
                BodyRefusal::UnsupportedMediaType => {
                    (StatusCode::UNSUPPORTED_MEDIA_TYPE, "error-form-type")
                }
                BodyRefusal::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "error-too-large"),
                BodyRefusal::Malformed => (StatusCode::BAD_REQUEST, "error-unreadable"),
            };
            InternalError::from_response(refusal, html_refusal(status, message)).into()
        })
    }
}

/// A JSON API body, decoded by [`decode_json`]: `application/json` (UTF-8)
/// only, a JSON object only, unknown, repeated and missing fields refused.
/// Every `/api/v1` handler takes its body this way. A refusal is the API's
/// JSON error: 415 `unsupported_media_type`, 413 `body_too_large` or 400
/// `invalid_body`.
pub struct ApiJson<T>(T);

impl<T> ApiJson<T> {
    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for ApiJson<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let decoded = read_and_decode(req, payload, JSON_MEDIA_TYPE, decode_json::<T>);
        Box::pin(async move { decoded.await.map(Self).map_err(ApiError::from) })
    }
}

impl From<BodyRefusal> for ApiError {
    fn from(refusal: BodyRefusal) -> Self {
        match refusal {
            BodyRefusal::UnsupportedMediaType => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "api-unsupported-media-type",
            ),
            BodyRefusal::TooLarge => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::BodyTooLarge,
                "api-body-too-large",
            ),
            BodyRefusal::Malformed => ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::InvalidBody,
                "api-invalid-body",
            ),
        }
    }
}

/// Query strings: unknown or malformed parameters get a 400 page.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error: QueryPayloadError, _req: &HttpRequest| {
        let response = html_refusal(StatusCode::BAD_REQUEST, "error-bad-address");
        InternalError::from_response(error, response).into()
    })
}

/// Path segments (e.g. a non-numeric id): 404.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|error, _req: &HttpRequest| {
        let status = StatusCode::NOT_FOUND;
        let response = html_refusal(status, error_pages::default_message(status));
        InternalError::from_response(error, response).into()
    })
}
