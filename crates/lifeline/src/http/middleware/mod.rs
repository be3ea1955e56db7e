//! Middleware on Lifeline's scope: security headers, the per-IP POST limit,
//! the request's base path, the request log.

pub mod headers;
pub mod post_limit;
pub mod request_base;
pub mod request_log;
