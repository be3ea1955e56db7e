//! Middleware on Lifeline's scope: security headers, the per-IP POST limit,
//! error pages, the request log.

pub mod error_pages;
pub mod headers;
pub mod post_limit;
pub mod request_log;
