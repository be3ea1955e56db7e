//! Prometheus metrics, served at `/metrics` (see [`crate::http::pages::metrics`]).
//!
//! Counters that only this layer sees (requests, tokens, enqueued mail) live in one
//! [`Metrics`] value in the application state; counters kept elsewhere (the outbox worker's,
//! the rate limiters') and the outbox depth are read when the scrape is taken.

#[cfg(test)]
mod documented;
mod family;
mod middleware;
pub mod reasons;
mod registry;

pub use middleware::record_requests;
pub use registry::{Metrics, Scrape};
