//! Limits and error answers for request bodies and query strings, so that every
//! malformed input gets a clear 4xx — never a 500 — and nothing is written.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::{InternalError, JsonPayloadError, QueryPayloadError, UrlencodedError};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpRequest, HttpResponse, web};

use crate::http::api::error::{ApiError, ErrorCode};
use crate::http::middleware::error_pages;

const FORM_TOO_LARGE: &str = "The form is too large.";
const FORM_UNREADABLE: &str = "The form could not be read. Reload the page and try again.";

fn html_refusal(status: StatusCode, message: &str) -> HttpResponse {
    error_pages::page(status, message, None)
}

/// HTML forms: bounded size, `application/x-www-form-urlencoded` only.
pub fn form_config(limit: usize) -> web::FormConfig {
    web::FormConfig::default()
        .limit(limit)
        .error_handler(|error, _req: &HttpRequest| {
            let (status, message) = match &error {
                UrlencodedError::Overflow { .. } => (StatusCode::PAYLOAD_TOO_LARGE, FORM_TOO_LARGE),
                UrlencodedError::ContentType => (
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "Send the form as application/x-www-form-urlencoded.",
                ),
                _ => (StatusCode::BAD_REQUEST, FORM_UNREADABLE),
            };
            tracing::info!(error = %error, "form refused");
            InternalError::from_response(error, html_refusal(status, message)).into()
        })
}

/// Refuses a form body whose fields are not UTF-8 once percent-decoded.
///
/// actix's form decoder replaces such bytes with U+FFFD without a word, so a
/// crafted body could set a password other than the one sent. A clear 400 is
/// better than a silently changed value. The body is read here within the same
/// size limit (413 beyond it) and handed on to the form extractor unchanged.
pub async fn strict_form_encoding(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, Error> {
    if req.content_type() == "application/x-www-form-urlencoded" {
        let refusal = match req.extract::<web::Bytes>().await {
            Ok(body) if form_is_utf8(&body) => {
                req.set_payload(body.into());
                None
            }
            Err(error)
                if error.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Some((StatusCode::PAYLOAD_TOO_LARGE, FORM_TOO_LARGE))
            }
            Ok(_) | Err(_) => Some((StatusCode::BAD_REQUEST, FORM_UNREADABLE)),
        };
        if let Some((status, message)) = refusal {
            tracing::info!(%status, "form body refused");
            let response = html_refusal(status, message);
            return Ok(req.into_response(response).map_into_right_body());
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// Whether a urlencoded body decodes to UTF-8. Decoding the whole body at once
/// is the same as decoding field by field: `&` and `=` cannot be part of a
/// multi-byte sequence. A `%` not followed by two hex digits stays as it is,
/// as the form decoder leaves it.
fn form_is_utf8(body: &[u8]) -> bool {
    let hex = |b: Option<&u8>| b.and_then(|b| char::from(*b).to_digit(16));
    let mut decoded = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        match (body[i], hex(body.get(i + 1)), hex(body.get(i + 2))) {
            (b'%', Some(high), Some(low)) => {
                decoded.extend(u8::try_from(high * 16 + low).ok());
                i += 2;
            }
            (b'+', _, _) => decoded.push(b' '),
            (byte, _, _) => decoded.push(byte),
        }
        i += 1;
    }
    std::str::from_utf8(&decoded).is_ok()
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
                    ErrorCode::BodyTooLarge,
                    "The request body is too large.",
                ),
                JsonPayloadError::ContentType => ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    ErrorCode::UnsupportedMediaType,
                    "Send the body as application/json.",
                ),
                _ => ApiError::new(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::InvalidBody,
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
        let response = html_refusal(StatusCode::BAD_REQUEST, "This address is not valid.");
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

#[cfg(test)]
mod tests {
    use super::form_is_utf8;

    #[test]
    fn form_bodies_that_decode_to_utf8_are_accepted() {
        assert!(form_is_utf8(b"email=ada%40example.com&csrf_token=abc"));
        assert!(form_is_utf8(b"password=%C5%BC%C3%B3%C5%82w+x"));
        assert!(form_is_utf8("password=żółw".as_bytes()));
        assert!(form_is_utf8(b"odd=100%&x=%4"));
        assert!(form_is_utf8(b""));
    }

    #[test]
    fn form_bodies_that_decode_to_invalid_utf8_are_refused() {
        assert!(!form_is_utf8(b"password=correct%FFhorse"));
        assert!(!form_is_utf8(b"password=%C3"));
        assert!(!form_is_utf8(b"password=%c3&x=%a9"));
        assert!(!form_is_utf8(b"password=raw\xff"));
        assert!(!form_is_utf8(b"password=%ED%A0%80"));
    }
}
