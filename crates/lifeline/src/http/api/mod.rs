//! `/api/v1/…`: the JSON API.
//!
//! [`ENDPOINTS`] is the one list of the API's routes: [`configure`] registers exactly these
//! under [`PREFIX`], and the OpenAPI test checks the list against [`openapi::ApiDoc`] in both
//! directions, so a route cannot be added without being documented.

pub mod error;
pub mod magic_link;
pub mod openapi;
pub mod password;

use actix_web::http::Method;
use actix_web::{Route, web};

/// Where the API is mounted.
pub const PREFIX: &str = "/api/v1";

/// One endpoint: its method, its path under [`PREFIX`], and its handler.
pub struct Endpoint {
    /// The HTTP method.
    pub method: Method,
    /// The path below [`PREFIX`], e.g. `/password/forgot`.
    pub path: &'static str,
    /// Attaches the handler to a route already restricted to `method`.
    handler: fn(Route) -> Route,
}

/// Every `/api/v1` endpoint.
pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: Method::POST,
        path: "/password/forgot",
        handler: |route| route.to(password::forgot),
    },
    Endpoint {
        method: Method::POST,
        path: "/password/reset",
        handler: |route| route.to(password::reset),
    },
    Endpoint {
        method: Method::POST,
        path: "/magic-link",
        handler: |route| route.to(magic_link::request),
    },
    Endpoint {
        method: Method::POST,
        path: "/magic-link/verify",
        handler: |route| route.to(magic_link::verify),
    },
    Endpoint {
        method: Method::GET,
        path: "/openapi.json",
        handler: |route| route.to(openapi::get),
    },
];

/// Registers the `/api/v1` scope with every endpoint of [`ENDPOINTS`].
pub fn configure(cfg: &mut web::ServiceConfig) {
    let scope = ENDPOINTS
        .iter()
        .fold(web::scope(PREFIX), |scope, endpoint| {
            let route = web::route().method(endpoint.method.clone());
            scope.route(endpoint.path, (endpoint.handler)(route))
        });
    cfg.service(scope);
}
