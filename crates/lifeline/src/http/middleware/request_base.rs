//! The base path of the request being served, for the answers built where no
//! state is at hand: `ResponseError::error_response` and extractor error handlers
//! render [`crate::error::simple_page`], whose stylesheet and "start again" links
//! must carry `server.base_path` like every other page.
//!
//! [`remember_base_path`] is the outermost middleware of Lifeline's scope: it
//! sets a task-local value for exactly the time the request is handled, so it
//! holds no global state and two Lifeline scopes in one process do not mix.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, web};

use crate::state::AppState;

tokio::task_local! {
    static BASE_PATH: String;
}

/// The base path of the request being served (empty outside one, or when
/// Lifeline serves the site root).
pub fn current() -> String {
    BASE_PATH.try_with(String::clone).unwrap_or_default()
}

/// Serves the request with its base path remembered. An error that leaves the
/// scope as `Err` is rendered here, while the base path is still known (the
/// server would otherwise render it later, outside the scope), and passed on
/// as the same status with that response.
pub async fn remember_base_path(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, Error> {
    let base = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.settings.server.base_path.clone())
        .unwrap_or_default();
    BASE_PATH
        .scope(base, async move {
            next.call(req).await.map_err(|error| {
                let response = HttpResponse::from_error(error);
                let reason = response.status().to_string();
                InternalError::from_response(reason, response).into()
            })
        })
        .await
}
