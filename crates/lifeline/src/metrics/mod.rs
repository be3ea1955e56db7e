//! Prometheus metrics, served at `/metrics` (see [`crate::http::pages::metrics`]), kept and
//! written by the Prometheus project's client, `prometheus_client`.
//!
//! Counters that only this layer sees (requests, tokens, enqueued mail) live in one
//! [`Metrics`] value in the application state; counters kept elsewhere (the outbox worker's,
//! the rate limiters') and the outbox depth are read when the scrape is taken ([`Scrape`]).

#[cfg(test)]
mod documented;
mod labels;
mod middleware;
pub mod reasons;
mod registry;
mod scrape;

pub use middleware::record_requests;
pub use registry::Metrics;
pub use scrape::Scrape;
