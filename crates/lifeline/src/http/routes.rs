//! Route registration: every page and the API, each at its [`Url`].

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};

use super::api;
use super::middleware::error_pages;
use super::pages::{
    account, dev_mailbox, health, language, login, magic_link, metrics, password, sessions,
};
use super::urls::Url;
use crate::state::AppState;

/// Registers every route. `dev_mailbox` adds `/dev/mailbox` and its messages
/// (development only).
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
        .route(Url::Language.path(), web::get().to(language::get))
        .route(Url::Account.path(), web::get().to(account::get))
        .route(Url::AccountSessions.path(), web::get().to(sessions::get))
        .route(
            Url::AccountSessionsRevoke.path(),
            web::post().to(sessions::revoke),
        )
        .route(
            Url::AccountSessionsRevokeOthers.path(),
            web::post().to(sessions::revoke_others),
        )
        .service(
            web::resource(Url::AccountPassword.path())
                .route(web::get().to(account::password::get))
                .route(web::post().to(account::password::post)),
        )
        .service(
            web::resource(ROOT)
                .route(web::get().to(root))
                .route(web::head().to(root)),
        )
        .configure(api::configure);
    if dev_mailbox {
        cfg.route(Url::DevMailbox.path(), web::get().to(dev_mailbox::list))
            .route(
                Url::DevMailboxMessage.path(),
                web::get().to(dev_mailbox::show),
            )
            .route(
                Url::DevMailboxMessageHtml.path(),
                web::get().to(dev_mailbox::show_html),
            );
    }
}

/// The paths of Lifeline's root below the base path: `/` (and, under a
/// non-empty base path like `/auth`, the bare `/auth` too).
const ROOT: [&str; 2] = ["", "/"];

/// `GET /` (`GET {base}/`): a 303 to the sign-in page, the one page that leads
/// everywhere else (a forgotten password, a sign-in link).
pub async fn root(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, state.path(Url::Login.path())))
        .finish()
}

/// Anything not routed: the 404 error page. The state comes from the request's
/// app data, so it is branded at the application level too (outside a
/// non-empty base path, where Lifeline's scope does not answer).
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    let status = StatusCode::NOT_FOUND;
    let state = req
        .app_data::<web::Data<AppState>>()
        .map(web::Data::get_ref);
    error_pages::page_with(state, status, error_pages::default_message(status), None)
}
