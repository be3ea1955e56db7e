//! Lifeline's HTTP service: password reset and magic-link sign-in over actix-web.
//!
//! [`Lifeline`] is the service as a library: built from a [`Settings`] value, mounted into a
//! host's actix-web `App` under `server.base_path`, its [`Workers`] started and stopped by the
//! host. [`Application`] is the standalone service on top of it: it binds its own listener
//! (port 0 works), so tests run exactly what production runs.
//!
//! ```no_run
//! use actix_web::{App, HttpServer, web};
//! use lifeline::{Lifeline, Settings};
//!
//! # async fn run() -> anyhow::Result<()> {
//! let settings = Settings::load(None)?; // defaults → file → LIFELINE_SECTION__KEY
//! let lifeline = Lifeline::build(settings).await?;
//! let workers = lifeline.start()?;
//! let mounted = lifeline.clone();
//! HttpServer::new(move || {
//!     App::new()
//!         .route("/", web::get().to(|| async { "the host's own page" }))
//!         .service(mounted.scope())
//! })
//! .bind(("127.0.0.1", 8080))?
//! .run()
//! .await?;
//! workers.stop().await?;
//! # Ok(())
//! # }
//! ```
//!
//! Accounts come from a [`UserDirectory`]: Lifeline's own `users` table, an application's
//! table mapped in `[directory]`, the host's implementation passed to
//! [`Lifeline::build_with_directory`], or a plugin crate's [`AccountSource`] selected by its
//! kind in `[directory]` once its [`DirectoryPlugin`] is registered
//! ([`Settings::load_with_plugins`], [`Lifeline::build_with_plugins`]). [`ops`] holds what the `lifeline` command line does
//! outside the request path. Everything else is private to this crate.
#![forbid(unsafe_code)]

mod api_keys;
mod config;
mod directory;
mod embed;
mod error;
mod flows;
mod http;
mod i18n;
mod keys;
mod links;
mod maintenance;
mod metrics;
mod operator;
pub mod ops;
mod outbox;
mod pages;
mod security;
mod shutdown;
mod startup;
mod state;
mod webhooks;

pub use config::{
    ConfigError, DEFAULTS_TOML, EndpointSettings, Mode, NOT_SETTINGS, Problem, SECRET_KEYS,
    SecretString, Settings, WebhookSettings,
};
pub use directory::{
    AccountSource, BoxError, DirectoryConnection, DirectoryError, DirectoryKind, DirectoryPlugin,
    DirectoryUser, ExternalAccount, PasswordChange, PasswordRefusal, PluginSetting, PluginSettings,
    SetPasswordError, StoredHash, UserDirectory,
};
pub use embed::{Lifeline, Workers};
pub use keys::generate as generate_keys;
pub use security::password_hash::{HashError, Password, PasswordHasherService};
pub use startup::{Application, init_tracing};
/// A normalised email address, as a [`UserDirectory`] is asked for it.
pub use storage::EmailAddress;
/// The clock [`Lifeline::build_with_directory`] takes: [`SystemClock`] outside tests.
pub use token_core::{Clock, SystemClock};
pub use webhooks::generate_secret as generate_webhook_secret;

/// The request bodies of every form and JSON endpoint and the functions that decide and
/// decode them, for the `form_bodies` and `json_bodies` fuzz targets only: they feed
/// arbitrary headers and bytes to the same code the extractors call. Behind the
/// non-default `fuzzing` feature so these items never become part of the public API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::http::api::admin::accounts::{CreateAccountRequest, SetPasswordRequest};
    pub use crate::http::api::admin::recovery_link::RecoveryLinkRequest;
    pub use crate::http::api::magic_link::{MagicLinkRequest, VerifyRequest};
    pub use crate::http::api::password::{ForgotRequest, ResetRequest};
    pub use crate::http::api::session::SignInRequest;
    pub use crate::http::pages::account::password::ChangePasswordForm;
    pub use crate::http::pages::login::{LoginForm, LoginQuery, LogoutForm};
    pub use crate::http::pages::magic_link::request::{RequestForm, RequestQuery};
    pub use crate::http::pages::magic_link::verify::{VerifyForm, VerifyQuery};
    pub use crate::http::pages::password::forgot::ForgotForm;
    pub use crate::http::pages::password::not_me::{NotMeForm, NotMeQuery};
    pub use crate::http::pages::password::reset_form::ResetForm;
    pub use crate::http::pages::password::reset_link::LinkQuery;
    pub use crate::http::pages::sessions::{RevokeOtherSessionsForm, RevokeSessionForm};
    pub use crate::http::request_body::{BodyRefusal, check_media_type, decode_form, decode_json};
}
