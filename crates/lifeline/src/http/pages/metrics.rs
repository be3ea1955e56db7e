//! `GET /metrics`: Prometheus text exposition, for allowed addresses only.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use storage::outbox::{self, OutboxStats};

use crate::http::blocking;
use crate::http::limits::client_ip::client_ip;
use crate::metrics::Scrape;
use crate::state::AppState;

/// The content type of the Prometheus text format.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// How long a scrape waits for the outbox query. A scrape must answer even when the database
/// is slow: the gauges are then left out and `lifeline_outbox_stats_up` is 0.
pub const OUTBOX_STATS_TIMEOUT: Duration = Duration::from_secs(2);

/// `GET /metrics`.
///
/// Only clients inside `server.metrics_allow` (default: loopback) get the metrics; others get
/// 403. The numbers are not secret in the way tokens are, but they tell an outsider how much
/// mail the service sends and how often links fail, which helps nobody but an attacker. The
/// client address is the one rate limits use: `X-Forwarded-For` counts only from trusted
/// proxies, so a request through the public load balancer is judged by its real origin.
pub async fn get(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let server = &state.settings.server;
    let allowed = client_ip(&req, &server.trusted_proxies)
        .is_some_and(|ip| server.metrics_allow.iter().any(|net| net.contains(ip)));
    if !allowed {
        return HttpResponse::build(StatusCode::FORBIDDEN)
            .content_type("text/plain; charset=utf-8")
            .body("metrics are not available to this address (see server.metrics_allow)\n");
    }
    let scrape = Scrape {
        mail: state.outbox.stats(),
        rate_limits: state.limits.hits(),
        outbox: outbox_stats(&state).await,
        now: state.now(),
        password_verifications: state.hasher.verifications(),
    };
    HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
        .body(state.metrics.render(&scrape))
}

/// The outbox queue on the blocking pool, or `None` after [`OUTBOX_STATS_TIMEOUT`] or on error.
async fn outbox_stats(state: &web::Data<AppState>) -> Option<OutboxStats> {
    let (db, now) = (state.db.clone(), state.now());
    let read = blocking::run("reading the outbox stats", move || {
        outbox::stats(&mut *db.conn()?, now)
    });
    match tokio::time::timeout(OUTBOX_STATS_TIMEOUT, read).await {
        Ok(Ok(stats)) => Some(stats),
        Ok(Err(error)) => {
            tracing::warn!(error = ?error, "metrics: outbox stats unavailable");
            None
        }
        Err(_) => {
            tracing::warn!("metrics: outbox stats timed out");
            None
        }
    }
}
