//! Everything a request handler needs, built once at start-up and shared.

use std::sync::Arc;

use storage::Database;
use token_core::{Clock, KeyRing};

use crate::api_keys::ApiKeyHasher;
use crate::config::Settings;
use crate::directory::{PasswordAuthority, UserDirectory};
use crate::http::limits::admin_keys::AdminKeyLimits;
use crate::http::limits::rate_limit::RateLimits;
use crate::http::session::SessionSecretKey;
use crate::http::session_cache::SessionCache;
use crate::links::Links;
use crate::metrics::Metrics;
use crate::outbox::Outbox;
use crate::pages::Pages;
use crate::security::password_hash::PasswordHasherService;
use crate::security::password_policy::PasswordPolicy;

/// Shared application state (behind `web::Data`, so one allocation per process).
pub struct AppState {
    /// The settings the process started with.
    pub settings: Settings,
    /// The database pool.
    pub db: Database,
    /// Token keys.
    pub keys: Arc<KeyRing>,
    /// Hashes session secrets for the session table (derived from `keys.session`).
    pub session_secrets: SessionSecretKey,
    /// Sessions this process checked moments ago; anything here that ends sessions calls
    /// [`SessionCache::forget_all`] once its transaction commits.
    pub session_cache: SessionCache,
    /// Hashes admin API keys for the `api_keys` table (derived from `keys.session`).
    pub api_keys: ApiKeyHasher,
    /// Page templates and branding.
    pub pages: Pages,
    /// In-memory rate limiters.
    pub limits: RateLimits,
    /// The admin API's limiters (per key, failed checks per IP).
    pub admin_limits: AdminKeyLimits,
    /// argon2id hashing.
    pub hasher: PasswordHasherService,
    /// Where accounts live (Lifeline's `users` table, a mapped table, or the host's own).
    pub directory: Arc<dyn UserDirectory>,
    /// Checks and sets passwords when the directory is an account source (which keeps
    /// them itself); `None` when Lifeline hashes them.
    pub password_authority: Option<Arc<PasswordAuthority>>,
    /// The password policy.
    pub policy: PasswordPolicy,
    /// Queues mail jobs (group-committed), counts them, wakes the worker and reads its counters.
    pub outbox: Outbox,
    /// The webhook endpoints: [`crate::webhooks::Webhooks::raise`] writes an event's rows.
    pub webhooks: Arc<crate::webhooks::Webhooks>,
    /// The clock tokens are minted and checked against (injectable for tests).
    pub clock: Arc<dyn Clock + Send + Sync>,
    /// Request, token and mail counters (shared with the outbox composer).
    pub metrics: Arc<Metrics>,
}

impl AppState {
    /// The tag of the language of the request being served (`de`), which a mail job
    /// records; `None` outside a request (the account's last language is used then).
    pub fn request_lang(&self) -> Option<String> {
        crate::i18n::current_tag(self.pages.catalogs())
    }

    /// Seconds since the Unix epoch, from the injected clock.
    pub fn now_unix(&self) -> i64 {
        self.clock.now_unix()
    }

    /// The injected clock's time as a database timestamp (UTC).
    pub fn now(&self) -> chrono::NaiveDateTime {
        chrono::DateTime::from_timestamp(self.now_unix(), 0)
            .unwrap_or_default()
            .naive_utc()
    }

    /// The link service, on this state's keys, directory and metrics.
    pub fn links(&self) -> Links {
        Links::new(
            Arc::clone(&self.keys),
            Arc::clone(&self.directory),
            Arc::clone(&self.metrics),
        )
    }

    /// A Lifeline path as the browser must ask for it: `server.base_path`
    /// followed by `path` (which starts with `/`), e.g. `/auth` + `/login`.
    pub fn path(&self, path: &str) -> String {
        format!("{}{path}", self.settings.server.base_path)
    }
}
