//! Every HTML error page of Lifeline's scope, from wherever it is raised: a
//! handler's [`crate::error::AppError`], an extractor's error handler, a
//! middleware refusal (body limits, the per-IP POST limit), the 404 default
//! service, or a bare status that actix-web answers by itself (a 405 for a
//! method a page does not take). Each is rendered from the overridable
//! `error.html.tera` through [`crate::pages::Pages::error_page`], with the
//! branding and the base path. Below the API prefix nothing is rendered here:
//! those answers stay JSON.
//!
//! [`render_error_pages`] is the outermost middleware of Lifeline's scope: it
//! keeps the request's [`AppState`] (and its language, from `Accept-Language`)
//! in task-local values for exactly the time the request is handled, so the
//! answers built where no state is passed in (`ResponseError::error_response`,
//! extractor error handlers) still reach the renderer, and the API's JSON errors
//! (the API's 404 and 405 included) its catalogs. It holds no global state, so
//! two Lifeline scopes in one process do not mix.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, web};

use crate::http::urls::API_PREFIX;
use crate::state::AppState;

tokio::task_local! {
    static REQUEST_STATE: web::Data<AppState>;
}

/// The state of the request being served, when it is served by Lifeline's scope (for the
/// answers built where no state is passed in: error pages and the API's errors).
pub fn current_state() -> Option<web::Data<AppState>> {
    REQUEST_STATE.try_with(web::Data::clone).ok()
}

/// The error page for `status` with `message`, rendered through the state of the
/// request being served. `retry_after_secs` is sent as `Retry-After` and said on
/// the page in words ("Try again in 2 minutes").
pub fn page(status: StatusCode, message: &str, retry_after_secs: Option<u64>) -> HttpResponse {
    let state = current_state();
    page_with(
        state.as_ref().map(web::Data::get_ref),
        status,
        message,
        retry_after_secs,
    )
}

/// [`page`] through `state`'s renderer, or the fallback page without one.
pub fn page_with(
    state: Option<&AppState>,
    status: StatusCode,
    message: &str,
    retry_after_secs: Option<u64>,
) -> HttpResponse {
    let mut response = match state {
        Some(state) => state.pages.error_page(status, message, retry_after_secs),
        None => fallback_page(status, message),
    };
    if let Some(secs) = retry_after_secs {
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

/// The page when no renderer can be reached: outside Lifeline's scope (a host
/// that calls an extractor error handler from its own routes).
fn fallback_page(status: StatusCode, _message: &str) -> HttpResponse {
    // No catalogs without the state: the reason phrase is the message.
    let reason = status.canonical_reason().unwrap_or("Error");
    crate::pages::fallback_error_page(status, reason, "")
}

/// The message id of what a page says for a status answered without a message of its own.
pub fn default_message(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "error-not-found",
        StatusCode::METHOD_NOT_ALLOWED => "error-method",
        StatusCode::PAYLOAD_TOO_LARGE => "error-too-large",
        _ if status.is_server_error() => "error-internal",
        _ => "error-other",
    }
}

/// Serves the request with its state remembered. An error that leaves the
/// scope as `Err` is rendered here, while the state is still known (the server
/// would otherwise render it later, outside the scope), and passed on as the
/// same status with that response. An error status answered with an empty body
/// (actix-web's own 405) gets the error page, its headers (`Allow`) kept.
pub async fn render_error_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let api = format!("{}{API_PREFIX}", state.settings.server.base_path);
    let below_api = req.path() == api || req.path().starts_with(&format!("{api}/"));
    let header = req
        .headers()
        .get(actix_web::http::header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok());
    let locale = state.pages.catalogs().negotiate(header);
    let request = crate::i18n::RequestLocale::new(locale, req.path());
    let served = REQUEST_STATE.scope(state, async move {
        let response = next.call(req).await.map_err(|error| {
            let response = HttpResponse::from_error(error);
            let reason = response.status().to_string();
            Error::from(InternalError::from_response(reason, response))
        })?;
        let failed = response.status().is_client_error() || response.status().is_server_error();
        let empty = response.response().body().size().is_eof();
        if below_api || !failed || !empty {
            return Ok(response.map_into_boxed_body());
        }
        let (request, bare) = response.into_parts();
        let mut page = page(bare.status(), default_message(bare.status()), None);
        for (name, value) in bare.headers() {
            if name != CONTENT_TYPE && name != CONTENT_LENGTH {
                page.headers_mut().insert(name.clone(), value.clone());
            }
        }
        Ok(ServiceResponse::new(request, page))
    });
    crate::i18n::scope(request, served).await
}
