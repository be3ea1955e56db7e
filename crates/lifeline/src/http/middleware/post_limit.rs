//! The per-IP limit on every POST, applied before the body is read.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError, web};

use crate::error::AppError;
use crate::http::api::error::ApiError;
use crate::http::limits::client_ip::client_ip;
use crate::http::limits::rate_limit::Verdict;
use crate::http::urls::API_PREFIX;
use crate::state::AppState;

/// Answers 429 with `Retry-After` when the client's address is over its POST
/// budget; the handler (and the database) never see the request.
pub async fn limit_posts(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, Error> {
    if req.method() == Method::POST
        && let Some(state) = req.app_data::<web::Data<AppState>>()
        && let Some(ip) = client_ip(req.request(), &state.settings.server.trusted_proxies)
        && let Verdict::Limited { retry_after_secs } = state.limits.check_ip(ip)
    {
        tracing::info!(%ip, "POST over the per-IP limit");
        let error = AppError::TooManyRequests { retry_after_secs };
        // The API's clients get its JSON error, under any base path.
        let api = format!("{}{API_PREFIX}/", state.settings.server.base_path);
        let response = if req.path().starts_with(&api) {
            ApiError::from(error).error_response()
        } else {
            error.error_response()
        };
        return Ok(req.into_response(response).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}
