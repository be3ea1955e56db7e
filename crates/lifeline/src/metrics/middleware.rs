//! Request metrics: one count and one latency observation per answered request.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, web};

use crate::state::AppState;

/// Counts the request under its matched route *pattern* (e.g. `/dev/mailbox/{id}`), never
/// the raw path or query: those are unbounded and may carry a token. A request that fails
/// inside a middleware, before any route answered, is counted as unmatched with the error's
/// status.
pub async fn record_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, Error> {
    let started = Instant::now();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let method = req.method().clone();
    // No clone of the request may be held across `next.call`: the router needs it unshared
    // to record the match. The pattern is read from the response's request afterwards.
    let result = next.call(req).await;
    if let Some(state) = state {
        let (route, status) = match &result {
            Ok(response) => (response.request().match_pattern(), response.status()),
            Err(error) => (None, error.as_response_error().status_code()),
        };
        state
            .metrics
            .record_request(route, &method, status.as_u16(), started.elapsed());
    }
    result
}
