//! The HTTP layer: pages, the JSON API, and the plumbing they share.

pub mod api;
pub mod bearer;
pub mod blocking;
pub mod browser_binding;
pub mod client;
pub mod csrf;
pub mod extractors;
pub mod limits;
pub mod middleware;
pub mod pages;
pub mod redirect;
pub mod request_body;
pub mod routes;
pub mod session;
pub mod session_cache;
pub mod session_records;
pub mod urls;
pub mod user_agent;
