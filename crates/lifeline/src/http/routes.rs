//! Route registration: every page and the API, each at its [`Url`].

use actix_web::web;

use super::api;
use super::pages::{account, dev_mailbox, health, login, magic_link, metrics, password};
use super::urls::Url;

/// Registers every route. `dev_mailbox` adds `/dev/mailbox` (development only).
pub fn configure(cfg: &mut web::ServiceConfig, dev_mailbox: bool) {
    cfg.route(Url::Healthz.path(), web::get().to(health::healthz))
        .route(Url::Readyz.path(), web::get().to(health::readyz))
        .route(Url::Metrics.path(), web::get().to(metrics::get))
        .route(Url::Stylesheet.path(), web::get().to(health::stylesheet))
        .service(
            web::resource(Url::PasswordForgot.path())
                .route(web::get().to(password::forgot::get))
                .route(web::post().to(password::forgot::post)),
        )
        .service(
            web::resource(Url::PasswordReset.path())
                .route(web::get().to(password::reset_link::get))
                .route(web::head().to(password::reset_link::get))
                .route(web::post().to(password::reset_form::post)),
        )
        .service(
            web::resource(Url::PasswordNotMe.path())
                .route(web::get().to(password::not_me::get))
                .route(web::head().to(password::not_me::get))
                .route(web::post().to(password::not_me::post)),
        )
        .service(
            web::resource(Url::Login.path())
                .route(web::get().to(login::get))
                .route(web::post().to(login::post)),
        )
        .service(
            web::resource(Url::MagicLink.path())
                .route(web::get().to(magic_link::request::get))
                .route(web::post().to(magic_link::request::post)),
        )
        .service(
            web::resource(Url::MagicLinkVerify.path())
                .route(web::get().to(magic_link::verify::get))
                .route(web::head().to(magic_link::verify::get))
                .route(web::post().to(magic_link::verify::post)),
        )
        .route(Url::Logout.path(), web::post().to(login::logout))
        .route(Url::Account.path(), web::get().to(account::get))
        .configure(api::configure);
    if dev_mailbox {
        cfg.route(Url::DevMailbox.path(), web::get().to(dev_mailbox::list))
            .route(
                Url::DevMailboxMessage.path(),
                web::get().to(dev_mailbox::show),
            );
    }
}

/// Anything not routed: a plain 404 page.
pub async fn not_found() -> actix_web::HttpResponse {
    let status = actix_web::http::StatusCode::NOT_FOUND;
    actix_web::HttpResponse::build(status)
        .content_type(actix_web::http::header::ContentType::html())
        .body(crate::error::simple_page(status, "There is nothing here."))
}
