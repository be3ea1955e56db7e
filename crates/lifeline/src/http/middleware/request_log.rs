//! One log line per request, with a request id. The query string is never
//! logged: a reset link's token must not reach a log file.

use std::time::Instant;

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use tracing::Instrument;

/// Logs method, path, status and latency inside a span carrying a request id,
/// which is also returned as `X-Request-Id`.
pub async fn log_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, Error> {
    let mut id_bytes = [0u8; 8];
    let _ = getrandom::fill(&mut id_bytes);
    let request_id = id_bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    let span = tracing::info_span!("request", id = %request_id, method = %req.method(), path = %req.path());
    let started = Instant::now();
    let mut response = next.call(req).instrument(span.clone()).await?;
    let status = response.status().as_u16();
    span.in_scope(|| {
        tracing::info!(
            status,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "handled"
        )
    });
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    Ok(response)
}
