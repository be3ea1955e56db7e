//! `/healthz` (the process is up) and `/readyz` (the database answers).

use std::time::Duration;

use actix_web::{HttpResponse, web};

use crate::http::blocking;
use crate::state::AppState;

/// `GET /healthz`.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// `GET /readyz`: 503 when the database does not answer within
/// `database.connect_timeout_ms`, so a load balancer takes the instance out
/// of rotation.
///
/// The whole check is bounded, not only the wait for a pooled connection: on
/// a connection whose packets are silently dropped (a network partition) the
/// ping would otherwise wait until the kernel gives up on the connection,
/// minutes later, and a readiness check that hangs tells nobody anything.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let db = state.db.clone();
    let limit = Duration::from_millis(state.settings.database.connect_timeout_ms.max(1));
    let unavailable = |body: &'static str| {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body(body)
    };
    // The ping's own result is kept apart from the blocking pool's, which means "busy".
    let ping = blocking::run("pinging the database", move || {
        Ok::<_, crate::error::AppError>(db.ping())
    });
    match tokio::time::timeout(limit, ping).await {
        Ok(Ok(Ok(()))) => HttpResponse::Ok().content_type("text/plain").body("ready"),
        Ok(Ok(Err(error))) => {
            tracing::warn!(error = %error, "readiness check failed");
            unavailable("database unavailable")
        }
        Ok(Err(_)) => unavailable("busy"),
        Err(_) => {
            tracing::warn!(?limit, "readiness check timed out");
            unavailable("database unavailable")
        }
    }
}

/// `GET /static/lifeline.css`: the stylesheet (cacheable, unlike the pages).
pub async fn stylesheet(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(state.pages.stylesheet().to_owned())
}
