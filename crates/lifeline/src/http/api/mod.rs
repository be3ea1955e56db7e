//! `/api/v1/…`: the JSON API.
//!
//! [`ENDPOINTS`] is the one list of the API's routes: [`configure`] registers exactly these
//! under [`PREFIX`], and the OpenAPI test checks the list against [`openapi::ApiDoc`] in both
//! directions, so a route cannot be added without being documented. Below the prefix, every
//! answer is JSON: an unknown path is a 404 `not_found`, a known path with another method a
//! 405 `method_not_allowed` with an `Allow` header, never the HTML 404 page. An error's
//! `message` is in the request's language (`message.rs`, `templates/locales/<lang>/api.ftl`).

pub mod admin;
pub mod error;
pub mod field_schemas;
pub mod magic_link;
mod message;
pub mod openapi;
pub mod password;
pub mod session;

use actix_web::http::Method;
use actix_web::{Route, web};

use super::urls::{API_PREFIX, Url};

/// Where the API is mounted.
pub const PREFIX: &str = API_PREFIX;

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
        path: Url::PasswordForgot.path(),
        handler: |route| route.to(password::forgot),
    },
    Endpoint {
        method: Method::POST,
        path: Url::PasswordReset.path(),
        handler: |route| route.to(password::reset),
    },
    Endpoint {
        method: Method::POST,
        path: Url::MagicLink.path(),
        handler: |route| route.to(magic_link::request),
    },
    Endpoint {
        method: Method::POST,
        path: Url::MagicLinkVerify.path(),
        handler: |route| route.to(magic_link::verify),
    },
    Endpoint {
        method: Method::POST,
        path: admin::ACCOUNTS,
        handler: |route| route.to(admin::accounts::create),
    },
    Endpoint {
        method: Method::GET,
        path: admin::ACCOUNTS,
        handler: |route| route.to(admin::accounts::find),
    },
    Endpoint {
        method: Method::GET,
        path: admin::ACCOUNT,
        handler: |route| route.to(admin::accounts::get),
    },
    Endpoint {
        method: Method::DELETE,
        path: admin::ACCOUNT,
        handler: |route| route.to(admin::accounts::delete),
    },
    Endpoint {
        method: Method::POST,
        path: admin::ACCOUNT_DISABLE,
        handler: |route| route.to(admin::accounts::disable),
    },
    Endpoint {
        method: Method::POST,
        path: admin::ACCOUNT_ENABLE,
        handler: |route| route.to(admin::accounts::enable),
    },
    Endpoint {
        method: Method::PUT,
        path: admin::ACCOUNT_PASSWORD,
        handler: |route| route.to(admin::accounts::set_password),
    },
    Endpoint {
        method: Method::DELETE,
        path: admin::ACCOUNT_PAUSE,
        handler: |route| route.to(admin::accounts::lift_pause),
    },
    Endpoint {
        method: Method::POST,
        path: admin::ACCOUNT_RECOVERY_LINK,
        handler: |route| route.to(admin::recovery_link::create),
    },
    Endpoint {
        method: Method::GET,
        path: admin::ACCOUNT_SESSIONS,
        handler: |route| route.to(admin::sessions::list),
    },
    Endpoint {
        method: Method::DELETE,
        path: admin::ACCOUNT_SESSIONS,
        handler: |route| route.to(admin::sessions::revoke_all),
    },
    Endpoint {
        method: Method::DELETE,
        path: admin::ACCOUNT_SESSION,
        handler: |route| route.to(admin::sessions::revoke),
    },
    Endpoint {
        method: Method::GET,
        path: admin::ACCOUNT_AUDIT,
        handler: |route| route.to(admin::audit::list),
    },
    Endpoint {
        method: Method::GET,
        path: Url::Session.path(),
        handler: |route| route.to(session::get),
    },
    Endpoint {
        method: Method::POST,
        path: Url::Session.path(),
        handler: |route| route.to(session::create),
    },
    Endpoint {
        method: Method::DELETE,
        path: Url::Session.path(),
        handler: |route| route.to(session::delete),
    },
    Endpoint {
        method: Method::GET,
        path: Url::OpenApi.path(),
        handler: |route| route.to(openapi::get),
    },
    Endpoint {
        method: Method::GET,
        path: Url::AdminKey.path(),
        handler: |route| route.to(admin::key::get),
    },
];

/// Registers the `/api/v1` scope with every endpoint of [`ENDPOINTS`]: one
/// resource per path, its methods as routes, so a known path asked with another
/// method reaches the resource's JSON 405 instead of falling through to a 404.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let mut scope = web::scope(PREFIX).default_service(web::to(error::not_found));
    let mut paths: Vec<&'static str> = Vec::new();
    for endpoint in ENDPOINTS {
        if !paths.contains(&endpoint.path) {
            paths.push(endpoint.path);
        }
    }
    for path in paths {
        let endpoints = || ENDPOINTS.iter().filter(move |e| e.path == path);
        let allow: Vec<&str> = endpoints().map(|e| e.method.as_str()).collect();
        let allow = allow.join(", ");
        let resource = endpoints().fold(web::resource(path), |resource, endpoint| {
            let route = web::route().method(endpoint.method.clone());
            resource.route((endpoint.handler)(route))
        });
        scope = scope.service(resource.default_service(web::to(move || {
            let response = error::method_not_allowed(&allow);
            async move { response }
        })));
    }
    cfg.service(scope);
}
