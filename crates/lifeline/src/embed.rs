//! Lifeline as a library: mount its pages into an existing actix-web `App`
//! under `server.base_path`, and run its background workers on the host's terms.
//!
//! ```no_run
//! use actix_web::{App, HttpServer, web};
//! use lifeline::Lifeline;
//!
//! # async fn run(settings: lifeline::Settings) -> anyhow::Result<()> {
//! let lifeline = Lifeline::build(settings).await?; // base_path = "/auth"
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

use std::sync::{Arc, Mutex};

use actix_session::SessionMiddleware;
use actix_session::storage::CookieSessionStore;
use actix_web::body::MessageBody;
use actix_web::cookie::Key;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{Scope, web};
use anyhow::Context;
use token_core::{Clock, SystemClock};

use crate::config::{Mode, Settings};
use crate::directory::{AccountSource, DirectoryPlugin, UserDirectory};
use crate::http::middleware::error_pages::render_error_pages;
use crate::http::middleware::headers::security_headers;
use crate::http::middleware::post_limit::limit_posts;
use crate::http::middleware::request_log;
use crate::http::{extractors, routes, session};
use crate::metrics::record_requests;
use crate::state::AppState;
use crate::{maintenance, startup};

/// A built Lifeline: database connected (and migrated unless `database.auto_migrate`
/// is off), keys and templates loaded, its outbox worker prepared but not running.
///
/// Cheap to clone: every clone shares one state, so the host can move a clone into
/// each of its `HttpServer` workers. Mount it with [`Lifeline::scope`] (or
/// [`Lifeline::configure`]) and run its workers with [`Lifeline::start`].
#[derive(Clone)]
pub struct Lifeline {
    state: web::Data<AppState>,
    session_key: Key,
    worker: Arc<Mutex<Option<mail::OutboxWorker>>>,
}

impl Lifeline {
    /// Builds Lifeline from `settings` with the system clock and the accounts
    /// `[directory]` configures.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_directory(settings, Arc::new(SystemClock), None).await
    }

    /// Builds Lifeline from `settings` with the system clock and the accounts `[directory]`
    /// configures, whose `kind` may be one of `plugins`' (see
    /// [`Settings::register_plugins`]; settings from [`Settings::load_with_plugins`] are
    /// registered already).
    pub async fn build_with_plugins(
        mut settings: Settings,
        plugins: &[&'static dyn DirectoryPlugin],
    ) -> anyhow::Result<Self> {
        settings.register_plugins(plugins);
        Self::build(settings).await
    }

    /// Builds Lifeline with the accounts in `directory` (the host's own
    /// [`UserDirectory`]) when given, else the ones `[directory]` configures,
    /// and with `clock` for tokens and mail (tests step it past expiries).
    pub async fn build_with_directory(
        settings: Settings,
        clock: Arc<dyn Clock + Send + Sync>,
        directory: Option<Arc<dyn UserDirectory>>,
    ) -> anyhow::Result<Self> {
        let accounts = match directory {
            Some(directory) => startup::AccountsFrom::Directory(directory),
            None => startup::AccountsFrom::Settings,
        };
        Self::build_from(settings, clock, accounts).await
    }

    /// Builds Lifeline with the accounts of `source`: a directory that keeps its accounts
    /// and checks and sets their passwords itself (an LDAP server, say). Lifeline never
    /// hashes a password for it; it keeps its own state of each account (epoch, pause,
    /// disable) in its `external_accounts` table, keyed by the source's stable id for the
    /// entry. [`AccountSource::check`] runs first, on the blocking pool: a source that
    /// fails it stops the build with its error.
    pub async fn build_with_account_source(
        settings: Settings,
        clock: Arc<dyn Clock + Send + Sync>,
        source: Arc<dyn AccountSource>,
    ) -> anyhow::Result<Self> {
        Self::build_from(settings, clock, startup::AccountsFrom::Source(source)).await
    }

    /// Builds Lifeline with the accounts `accounts` names.
    pub(crate) async fn build_from(
        settings: Settings,
        clock: Arc<dyn Clock + Send + Sync>,
        accounts: startup::AccountsFrom,
    ) -> anyhow::Result<Self> {
        let (state, session_key, worker) = startup::build_state(settings, clock, accounts).await?;
        Ok(Self {
            state,
            session_key,
            worker: Arc::new(Mutex::new(Some(worker))),
        })
    }

    /// The shared state every Lifeline handler reads.
    pub(crate) fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// The path Lifeline is mounted under (`server.base_path`; empty for the site root).
    pub fn base_path(&self) -> &str {
        &self.state.settings.server.base_path
    }

    /// Starts the outbox worker (which sends the mail requests queue) and the
    /// housekeeping task. Call it once; stop them with [`Workers::stop`] when the
    /// host shuts down. Requests served before the start are kept in the
    /// outbox and sent once the worker runs.
    pub fn start(&self) -> anyhow::Result<Workers> {
        let worker = self
            .worker
            .lock()
            .map_err(|_| anyhow::anyhow!("the outbox worker's slot was poisoned"))?
            .take()
            .context("Lifeline's workers were already started")?;
        let worker = worker.spawn();
        self.state.outbox.connect(&worker);
        let maintenance = tokio::spawn(maintenance::run(self.state.clone()));
        Ok(Workers {
            worker: Some(worker),
            maintenance,
        })
    }

    /// Registers [`Lifeline::scope`] on a host's service config
    /// (`App::new().configure(|cfg| lifeline.configure(cfg))`).
    pub fn configure(&self, cfg: &mut web::ServiceConfig) {
        cfg.service(self.scope());
    }

    /// Every Lifeline route under `server.base_path`, with Lifeline's middleware
    /// on this scope only: its session cookie (path = the base path), security
    /// headers and CSP, body limits, per-IP POST limit, request log and metrics.
    /// The host's other routes get none of them. Unmatched paths under the base
    /// path get Lifeline's 404 page; with an empty base path the scope answers
    /// every path, so register the host's own routes before it.
    pub fn scope(
        &self,
    ) -> Scope<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<impl MessageBody + 'static>,
            Error = actix_web::Error,
            InitError = (),
        > + 'static,
    > {
        let settings = &self.state.settings;
        let https = settings.server.public_url.starts_with("https://");
        let dev_mailbox = settings.mode == Mode::Development
            && matches!(
                settings.mail.transport,
                mail::TransportSettings::Mailbox { .. }
            );
        let limit = settings.server.max_body_bytes;
        web::scope(self.base_path())
            .app_data(self.state.clone())
            .app_data(extractors::query_config())
            .app_data(extractors::path_config())
            .app_data(web::PayloadConfig::new(limit))
            .wrap(from_fn(limit_posts))
            .wrap(from_fn(crate::i18n::choose_session_language))
            .wrap(self.session_middleware(https))
            .wrap(security_headers(https))
            .wrap(from_fn(request_log::log_requests))
            .wrap(from_fn(record_requests))
            .wrap(from_fn(render_error_pages))
            .configure(|cfg| routes::configure(cfg, dev_mailbox))
            .default_service(web::to(routes::not_found))
    }

    /// The private (encrypted and signed) cookie session. Its path is the base
    /// path, so the browser sends it to Lifeline's pages only, never to the host's.
    fn session_middleware(&self, https: bool) -> SessionMiddleware<CookieSessionStore> {
        let domain = self.state.settings.server.cookie_domain.as_deref();
        session::middleware(self.session_key.clone(), self.base_path(), https, domain)
    }
}

/// Lifeline's running background work: the outbox worker and housekeeping.
/// Dropping it stops both without waiting; call [`Workers::stop`] on shutdown.
pub struct Workers {
    worker: Option<mail::WorkerHandle>,
    maintenance: tokio::task::JoinHandle<()>,
}

impl Workers {
    /// The outbox worker's lease owner id (as stored on the jobs it claims).
    pub fn owner(&self) -> &str {
        self.worker.as_ref().map_or("", |worker| worker.owner())
    }

    /// Stops housekeeping, lets the outbox worker finish the sends in flight and
    /// release the leases of jobs it claimed but did not start, so another
    /// instance can send them at once. Returns how many leases were released.
    pub async fn stop(mut self) -> anyhow::Result<usize> {
        self.maintenance.abort();
        match self.worker.take() {
            Some(worker) => Ok(worker.shutdown().await?),
            None => Ok(0),
        }
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        self.maintenance.abort();
    }
}
