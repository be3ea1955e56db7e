//! The HTTP surface, one module per URL.

use actix_web::web;

use super::api;
use super::pages::{account, dev_mailbox, health, login, magic_link, metrics, password};

/// Registers every route. `dev_mailbox` adds `/dev/mailbox` (development only).
pub fn configure(cfg: &mut web::ServiceConfig, dev_mailbox: bool) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/metrics", web::get().to(metrics::get))
        .route("/static/lifeline.css", web::get().to(health::stylesheet))
        .service(
            web::resource("/password/forgot")
                .route(web::get().to(password::forgot::get))
                .route(web::post().to(password::forgot::post)),
        )
        .service(
            web::resource("/password/reset")
                .route(web::get().to(password::reset_link::get))
                .route(web::head().to(password::reset_link::get))
                .route(web::post().to(password::reset_form::post)),
        )
        .service(
            web::resource("/password/not-me")
                .route(web::get().to(password::not_me::get))
                .route(web::head().to(password::not_me::get))
                .route(web::post().to(password::not_me::post)),
        )
        .service(
            web::resource("/login")
                .route(web::get().to(login::get))
                .route(web::post().to(login::post)),
        )
        .service(
            web::resource("/magic-link")
                .route(web::get().to(magic_link::request::get))
                .route(web::post().to(magic_link::request::post)),
        )
        .service(
            web::resource("/magic-link/verify")
                .route(web::get().to(magic_link::verify::get))
                .route(web::head().to(magic_link::verify::get))
                .route(web::post().to(magic_link::verify::post)),
        )
        .route("/logout", web::post().to(login::logout))
        .route("/account", web::get().to(account::get))
        .configure(api::configure);
    if dev_mailbox {
        cfg.route("/dev/mailbox", web::get().to(dev_mailbox::list))
            .route("/dev/mailbox/{id}", web::get().to(dev_mailbox::show));
    }
}

/// Anything not routed: a plain 404 page.
pub async fn not_found() -> actix_web::HttpResponse {
    let status = actix_web::http::StatusCode::NOT_FOUND;
    actix_web::HttpResponse::build(status)
        .content_type(actix_web::http::header::ContentType::html())
        .body(crate::error::simple_page(status, "There is nothing here."))
}
