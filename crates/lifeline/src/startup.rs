//! Building and running the service from a [`Settings`] value.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use actix_web::cookie::Key;
use actix_web::dev::Server;
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use storage::{Database, PoolSettings};
use token_core::{Clock, Lifetime, SystemClock};

use crate::api_keys::ApiKeyHasher;
use crate::config::{LogSettings, Mode, Settings};
use crate::directory::{AccountSource, Configured, DirectoryPlugin, UserDirectory};
use crate::embed::{Lifeline, Workers};
use crate::http::limits::admin_keys::AdminKeyLimits;
use crate::http::limits::rate_limit::RateLimits;
use crate::http::middleware::headers::security_headers;
use crate::http::routes;
use crate::http::session::SessionSecretKey;
use crate::http::session_cache::SessionCache;
use crate::metrics::Metrics;
use crate::outbox::{LifelineComposer, Outbox};
use crate::pages::Pages;
use crate::security::password_hash::PasswordHasherService;
use crate::security::password_policy::PasswordPolicy;
use crate::shutdown::StopSignals;
use crate::state::AppState;
use crate::{directory, keys};

/// A built service: listening, with its outbox worker running.
pub struct Application {
    port: u16,
    server: Server,
    workers: Workers,
    signals: StopSignals,
}

/// Installs the global tracing subscriber (once; later calls are ignored): logs to standard
/// output, coloured only when it is a terminal and `NO_COLOR` is not set.
pub fn init_tracing(log: &LogSettings) {
    let filter = tracing_subscriber::EnvFilter::try_new(&log.filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let colour = colour_logs(
        std::io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR"),
    );
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(colour);
    let _ = if log.json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Whether log lines get ANSI colours: only on a terminal, and never when `NO_COLOR` is set
/// to a non-empty value (<https://no-color.org>). A file or a log collector gets plain text.
fn colour_logs(stdout_is_terminal: bool, no_color: Option<OsString>) -> bool {
    stdout_is_terminal && no_color.is_none_or(|value| value.is_empty())
}

/// Opens the database pool from the settings (on the blocking pool: connecting is I/O).
pub async fn connect_database(settings: &Settings) -> anyhow::Result<Database> {
    let url = settings.database.url.clone();
    let pool = PoolSettings {
        max_size: settings.database.pool_size.max(1),
        min_idle: 1,
        connection_timeout: Duration::from_millis(settings.database.connect_timeout_ms.max(1)),
        sqlite_busy_timeout: Duration::from_millis(settings.database.sqlite_busy_timeout_ms),
        sqlite_checkpoint_interval: match settings.database.sqlite_checkpoint_ms {
            0 => None,
            ms => Some(Duration::from_millis(ms)),
        },
    };
    if let Some(path) = url
        .expose_secret()
        .strip_prefix("sqlite://")
        .and_then(|p| Path::new(p).parent())
        && !path.as_os_str().is_empty()
    {
        // A fresh checkout has no data directory yet; SQLite won't create one.
        std::fs::create_dir_all(path)
            .with_context(|| format!("Failed to create {}", path.display()))?;
    }
    let db = tokio::task::spawn_blocking(move || Database::connect(url.expose_secret(), &pool))
        .await??;
    Ok(db)
}

impl Application {
    /// Builds the service with the system clock.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    /// Builds the service with the system clock and the directory kinds `plugins` provide
    /// (see [`Lifeline::build_with_plugins`]).
    pub async fn build_with_plugins(
        mut settings: Settings,
        plugins: &[&'static dyn DirectoryPlugin],
    ) -> anyhow::Result<Self> {
        settings.register_plugins(plugins);
        Self::build(settings).await
    }

    /// Builds the service: database (migrated unless `database.auto_migrate` is off), keys,
    /// templates, worker, listener.
    pub async fn build_with_clock(
        settings: Settings,
        clock: Arc<dyn Clock + Send + Sync>,
    ) -> anyhow::Result<Self> {
        Self::build_with_directory(settings, clock, None).await
    }

    /// Like [`Self::build_with_clock`], with the accounts in `directory` (a host
    /// application's own [`UserDirectory`]) instead of the one `[directory]` configures.
    ///
    /// The standalone service is [`Lifeline`] mounted alone in its own `App` and
    /// `HttpServer`, with its workers started here and stopped after the server.
    pub async fn build_with_directory(
        settings: Settings,
        clock: Arc<dyn Clock + Send + Sync>,
        directory: Option<Arc<dyn UserDirectory>>,
    ) -> anyhow::Result<Self> {
        init_tracing(&settings.log);
        Self::serve(Lifeline::build_with_directory(settings, clock, directory).await?)
    }

    /// Like [`Self::build_with_clock`], with the accounts of `source`, a directory that
    /// checks and sets passwords itself (see [`Lifeline::build_with_account_source`]). The
    /// source's start-up check runs first: a source that fails it stops the start.
    pub async fn build_with_account_source(
        settings: Settings,
        clock: Arc<dyn Clock + Send + Sync>,
        source: Arc<dyn AccountSource>,
    ) -> anyhow::Result<Self> {
        init_tracing(&settings.log);
        Self::serve(Lifeline::build_with_account_source(settings, clock, source).await?)
    }

    /// Binds the listener and starts `lifeline`'s workers.
    fn serve(lifeline: Lifeline) -> anyhow::Result<Self> {
        let state = lifeline.state();
        let bind = state.settings.server.bind;
        let listener = TcpListener::bind(bind).with_context(|| format!("Failed to bind {bind}"))?;
        let port = listener.local_addr()?.port();
        let server = http_server(listener, lifeline.clone())?;
        let signals = StopSignals::install().context("Failed to listen for SIGINT and SIGTERM")?;
        let workers = lifeline.start()?;
        Ok(Self {
            port,
            server,
            workers,
            signals,
        })
    }

    /// The port the service listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle that stops the server from elsewhere, as SIGTERM does: `stop(true)` lets
    /// in-flight requests finish, `stop(false)` closes connections at once. Either way
    /// [`Self::run_until_stopped`] then stops the workers and returns.
    pub fn server_handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGTERM or SIGINT (Ctrl-C), both graceful: in-flight requests
    /// finish, then the outbox worker completes its sends and releases its leases.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let on_signal = tokio::spawn(self.signals.stop_gracefully_on_signal(self.server.handle()));
        let served = self.server.await;
        on_signal.abort();
        let released = self.workers.stop().await?;
        tracing::info!(released, "stopped");
        Ok(served?)
    }
}

/// Where the accounts of a [`Lifeline`] being built come from.
pub(crate) enum AccountsFrom {
    /// The directory `[directory]` configures.
    Settings,
    /// A host's own [`UserDirectory`].
    Directory(Arc<dyn UserDirectory>),
    /// A directory that checks and sets passwords itself; Lifeline keeps its per-account
    /// state in `external_accounts` (see `directory::external`).
    Source(Arc<dyn AccountSource>),
}

/// Everything [`Lifeline`] is built from: the shared state (database connected and
/// migrated unless `database.auto_migrate` is off, keys, templates, limiters), the
/// session cookie key, and the outbox worker, ready but not started.
pub(crate) async fn build_state(
    settings: Settings,
    clock: Arc<dyn Clock + Send + Sync>,
    accounts: AccountsFrom,
) -> anyhow::Result<(web::Data<AppState>, Key, mail::OutboxWorker)> {
    // The same rules as `lifeline config check`, also for settings a host built itself.
    settings.validate()?;
    let db = connect_database(&settings).await?;
    if settings.database.auto_migrate {
        let migrator = db.clone();
        tokio::task::spawn_blocking(move || migrator.migrate())
            .await?
            .context("Failed to migrate the database")?;
    }
    let keys = keys::load(&settings.keys, settings.mode)?;
    let ring = Arc::new(keys.ring);
    let metrics = Arc::new(Metrics::new());
    let p = &settings.password;
    let hasher = PasswordHasherService::new(
        p.argon2_memory_kib,
        p.argon2_iterations,
        p.argon2_parallelism,
    )?;
    let accounts = match accounts {
        AccountsFrom::Settings => directory::from_settings(&settings, &db)?,
        AccountsFrom::Directory(directory) => Configured::Directory(directory),
        AccountsFrom::Source(source) => Configured::Source(source),
    };
    let (directory, password_authority, account_source) = match accounts {
        Configured::Directory(directory) => (directory, None, None),
        Configured::Source(source) => {
            directory::external::check(&source).await?;
            let (directory, authority) =
                directory::external::build(Arc::clone(&source), db.clone());
            (directory, Some(authority), Some(source))
        }
    };
    directory::check(&directory, &db).await?;
    let webhooks = Arc::new(
        crate::webhooks::Webhooks::from_settings(&settings.webhooks)
            .map_err(|why| anyhow::anyhow!(why))?,
    );
    let catalogs = Arc::new(crate::i18n::Catalogs::load(&settings.i18n)?);
    let shared = Shared {
        directory: &directory,
        account_source: account_source.as_ref(),
        ring: &ring,
        clock: &clock,
        metrics: &metrics,
        webhooks: &webhooks,
        catalogs: &catalogs,
    };
    let worker = outbox_worker(&settings, &db, &shared)?;
    let state = web::Data::new(AppState {
        webhooks,
        pages: Pages::new(&settings.branding, &settings.server.base_path, catalogs)?,
        limits: RateLimits::new(&settings.limits),
        admin_limits: AdminKeyLimits::new(&settings.admin_api),
        hasher,
        directory,
        password_authority,
        policy: PasswordPolicy {
            min_length: p.min_length,
            max_length: p.max_length,
        },
        outbox: Outbox::start(
            &db,
            settings.database.pool_size,
            Arc::clone(&metrics),
            Arc::clone(&clock),
        )?,
        metrics,
        keys: ring,
        session_secrets: SessionSecretKey::from_cookie_key(&keys.session),
        session_cache: SessionCache::new(settings.server.session_cache_secs),
        api_keys: ApiKeyHasher::from_cookie_key(&keys.session),
        db,
        clock,
        settings,
    });
    Ok((state, keys.session, worker))
}

/// What the outbox worker's composer shares with the request side.
#[derive(Clone, Copy)]
struct Shared<'a> {
    directory: &'a Arc<dyn UserDirectory>,
    account_source: Option<&'a Arc<dyn AccountSource>>,
    ring: &'a Arc<token_core::KeyRing>,
    clock: &'a Arc<dyn Clock + Send + Sync>,
    metrics: &'a Arc<Metrics>,
    webhooks: &'a Arc<crate::webhooks::Webhooks>,
    catalogs: &'a Arc<crate::i18n::Catalogs>,
}

/// The outbox worker, not yet started. Mail links are the public URL, then the
/// base path, then Lifeline's path.
fn outbox_worker(
    settings: &Settings,
    db: &Database,
    shared: &Shared<'_>,
) -> anyhow::Result<mail::OutboxWorker> {
    let Shared {
        directory,
        account_source,
        ring,
        clock,
        metrics,
        webhooks,
        catalogs,
    } = *shared;
    let transport = mail::Transport::from_settings(&settings.mail.transport, db)?;
    if settings.mode == Mode::Production && transport.is_development() {
        anyhow::bail!(
            "production mode refuses the {} mail transport",
            transport.kind()
        );
    }
    let sender = mail::Sender::new(&mail::SenderSettings {
        from_address: settings.mail.from_address.clone(),
        from_name: settings.mail.from_name.clone(),
        message_id_domain: settings.mail.message_id_domain.clone(),
    })?;
    let branding = crate::config::mail_branding(settings);
    let messages: Arc<dyn mail::Messages> = Arc::clone(catalogs) as _;
    let templates = match &settings.mail.templates_dir {
        Some(dir) => mail::EmailTemplates::with_overrides(branding, Path::new(dir), messages)?,
        None => mail::EmailTemplates::new(branding, messages)?,
    };
    let composer = LifelineComposer {
        db: db.clone(),
        directory: Arc::clone(directory),
        account_source: account_source.cloned(),
        keys: Arc::clone(ring),
        templates,
        catalogs: Arc::clone(catalogs),
        public_url: format!(
            "{}{}",
            settings.server.public_url.trim_end_matches('/'),
            settings.server.base_path
        ),
        reset_lifetime: Lifetime::clamped(
            i64::try_from(settings.tokens.reset_lifetime_secs).unwrap_or(i64::MAX),
        ),
        magic_link_lifetime: Lifetime::clamped(
            i64::try_from(settings.tokens.magic_link_lifetime_secs).unwrap_or(i64::MAX),
        ),
        // The recovery link in a lock-down confirmation lives as long as the pause, at
        // most the 24 hours any link may live.
        recovery_lifetime: Lifetime::clamped(
            i64::try_from(settings.limits.not_me_pause_secs).unwrap_or(i64::MAX),
        ),
        mails_per_account_per_hour: settings.limits.per_account_mails_per_hour,
        links_per_address_per_hour: settings.limits.per_address_per_hour,
        notify_unknown_addresses: settings.mail.notify_unknown_addresses,
        clock: Arc::clone(clock),
        metrics: Arc::clone(metrics),
        webhooks: Arc::clone(webhooks),
    };
    let worker_clock = Arc::clone(clock);
    let worker = mail::OutboxWorker::new(
        db.clone(),
        transport,
        sender,
        Arc::new(composer),
        settings.mail.worker.clone(),
    )?
    .with_clock(move || {
        chrono::DateTime::from_timestamp(worker_clock.now_unix(), 0)
            .unwrap_or_default()
            .naive_utc()
    });
    Ok(worker)
}

fn http_server(listener: TcpListener, lifeline: Lifeline) -> anyhow::Result<Server> {
    let server_settings = lifeline.state().settings.server.clone();
    let https = lifeline
        .state()
        .settings
        .server
        .public_url
        .starts_with("https://");
    // Outside a non-empty base path nothing is Lifeline's: the branded 404 page,
    // with the security headers every Lifeline page has.
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(lifeline.state())
            .wrap(security_headers(https))
            .service(lifeline.scope())
            .default_service(web::to(routes::not_found))
    })
    .listen(listener)?
    // SIGINT and SIGTERM are handled by `shutdown::StopSignals`: both graceful.
    .disable_signals()
    .shutdown_timeout(server_settings.shutdown_timeout_secs)
    .worker_max_blocking_threads(server_settings.blocking_threads_per_worker.max(1));
    if server_settings.workers > 0 {
        server = server.workers(server_settings.workers);
    }
    Ok(server.run())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_are_coloured_only_on_a_terminal_without_no_color() {
        assert!(colour_logs(true, None));
        assert!(colour_logs(true, Some(OsString::new())));
        assert!(!colour_logs(false, None));
        assert!(!colour_logs(true, Some("1".into())));
        assert!(!colour_logs(false, Some("1".into())));
    }
}
