//! The typed settings tree. Every section rejects unknown keys, so a typo in a
//! TOML file or an environment variable fails at start-up instead of being ignored.
//!
//! The tree serialises (as `lifeline config check` prints it) to TOML that loads again, with
//! every secret as [`SecretString::REDACTED`], which the settings refuse as a secret's value.

use std::net::{IpAddr, SocketAddr};

use serde::{Deserialize, Serialize};

use super::SecretString;
pub use crate::directory::DirectorySettings;
use crate::http::limits::ip_network::IpNetwork;
pub use crate::webhooks::{EndpointSettings, WebhookSettings};

/// The built-in settings that hold secrets: printed as [`SecretString::REDACTED`] (only the
/// password of `database.url`), never shown in an error. A directory plugin's secrets are
/// the keys of its table it marks [`PluginSetting::secret`](crate::PluginSetting::secret),
/// redacted the same way.
pub const SECRET_KEYS: [&str; 4] = [
    "database.url",
    "keys.token",
    "keys.session",
    "mail.transport.password",
];

/// All of Lifeline's settings.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Development or production behaviour.
    pub mode: Mode,
    /// The HTTP listener and public address.
    pub server: ServerSettings,
    /// The database.
    pub database: DatabaseSettings,
    /// Token and session keys.
    pub keys: KeySettings,
    /// Token lifetimes.
    pub tokens: TokenSettings,
    /// Outgoing mail.
    pub mail: MailSettings,
    /// Rate limits and quotas.
    pub limits: LimitSettings,
    /// Password policy and hashing cost.
    pub password: PasswordSettings,
    /// Names and colours shown on pages and in emails.
    pub branding: BrandingSettings,
    /// Logging.
    pub log: LogSettings,
    /// The pages' languages.
    pub i18n: I18nSettings,
    /// Where accounts live (default: Lifeline's own `users` table).
    #[serde(default)]
    pub directory: DirectorySettings,
    /// Housekeeping: purging rows that can no longer matter.
    pub maintenance: MaintenanceSettings,
    /// Signed webhooks: `[[webhooks.endpoints]]`.
    #[serde(default)]
    pub webhooks: WebhookSettings,
    /// The admin API's rate limits.
    pub admin_api: AdminApiSettings,
}

/// Development relaxes what production forbids (dev mail transports, generated
/// keys, plain-HTTP cookies); production refuses all of them at start-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Local development: zero setup.
    Development,
    /// A real deployment.
    Production,
}

/// The HTTP side.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    /// Address to listen on; port 0 picks a free port.
    pub bind: SocketAddr,
    /// The externally visible base URL. Links in mail are built from this value
    /// only, never from the request's `Host` header.
    pub public_url: String,
    /// The path Lifeline's pages live under, e.g. `/auth` when a host application
    /// mounts it there; empty (the default) for the site root. Every link,
    /// form, redirect, the session cookie's path and the links in mail carry it.
    pub base_path: String,
    /// Peers whose `X-Forwarded-For` is believed. Empty: the socket peer is the client.
    pub trusted_proxies: Vec<IpAddr>,
    /// Largest accepted request body, in bytes (bigger bodies get 413).
    pub max_body_bytes: usize,
    /// HTTP worker threads (0: one per core).
    pub workers: usize,
    /// Most threads per HTTP worker for blocking work (database calls, waiting for a
    /// password hash). Requests beyond it queue for a thread, as they would for one of the
    /// pool's connections anyway; every extra thread costs memory.
    pub blocking_threads_per_worker: usize,
    /// Seconds a graceful shutdown waits for in-flight requests.
    pub shutdown_timeout_secs: u64,
    /// The session cookie's `Domain`, e.g. `example.com` so that `app.example.com` and
    /// `id.example.com` share it. Unset (the default): a host-only cookie. Must be the host
    /// of `public_url` or a parent domain of it.
    pub cookie_domain: Option<String>,
    /// Seconds this process believes a session it checked without asking the database
    /// again (0: ask every time; at most 60). Sessions ended in this process are forgotten
    /// at once; ended elsewhere (another instance, the command line), they still work here
    /// until their entry is this old.
    pub session_cache_secs: u64,
    /// Allowed `next` targets after sign-in: local paths such as `/account`,
    /// matched exactly (no prefixes, no patterns), and origins such as
    /// `https://app.example.com`, which allow any absolute URL of exactly that
    /// scheme, host and port. Anything else sends the browser to `/account`.
    /// Entries that are neither a plain local path nor a bare origin are refused
    /// at start-up.
    pub redirect_allow_list: Vec<String>,
    /// Clients allowed to read `/metrics`: addresses or CIDR networks (default: loopback).
    /// The client address is resolved as for rate limits, so a scrape through a trusted
    /// proxy is judged by its origin, not by the proxy's address.
    pub metrics_allow: Vec<IpNetwork>,
}

/// The database connection.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://path/to/file.db` or `mysql://user:password@host:port/database`.
    /// Printed with its password as `***` and everything else shown.
    #[serde(serialize_with = "serialize_url_redacted")]
    pub url: SecretString,
    /// Largest number of pooled connections.
    pub pool_size: u32,
    /// How long a request waits for a connection before failing with 503, in ms.
    pub connect_timeout_ms: u64,
    /// How long SQLite waits on a locked database, in ms.
    pub sqlite_busy_timeout_ms: u64,
    /// SQLite: how often one thread checkpoints the write-ahead log, in ms; 0 (the default)
    /// leaves it to the commit that takes the log past 1,000 pages (SQLite's own way).
    pub sqlite_checkpoint_ms: u64,
    /// Apply pending migrations when `serve`, `users add` or `users import` starts. Turn it
    /// off when the service's database account may only read and write rows, and run
    /// `lifeline migrate` with a more privileged account as a release step.
    pub auto_migrate: bool,
}

/// Key material. Missing keys are generated (development only) and kept next to
/// the SQLite database with mode 0600.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KeySettings {
    /// Token MAC keys as `id:base64url` pairs separated by commas, newest first.
    /// The first key signs; the others still verify until removed (rotation).
    #[serde(
        serialize_with = "token_core::serialize_redacted",
        skip_serializing_if = "Option::is_none"
    )]
    pub token: Option<SecretString>,
    /// 64-byte session cookie key, base64url.
    #[serde(
        serialize_with = "token_core::serialize_redacted",
        skip_serializing_if = "Option::is_none"
    )]
    pub session: Option<SecretString>,
    /// Where development keys are generated and kept.
    pub dev_keys_file: String,
}

/// Token lifetimes in seconds, clamped to token-core's bounds.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TokenSettings {
    /// Password-reset link lifetime.
    pub reset_lifetime_secs: u64,
    /// Magic sign-in link lifetime (shorter than a reset link's: it grants a
    /// session directly).
    pub magic_link_lifetime_secs: u64,
    /// Accept a magic link only in the browser that asked for it. Stops a link
    /// that leaks (forwarded mail, a shared inbox) from signing anyone else in,
    /// at the price of failing when the mail is opened on another device.
    pub magic_link_same_browser: bool,
}

/// Outgoing mail.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    /// Sender address, e.g. `no-reply@example.com`.
    pub from_address: String,
    /// Sender display name, e.g. `Acme`.
    pub from_name: String,
    /// Domain used in `Message-ID` headers (default: the sender's domain).
    pub message_id_domain: Option<String>,
    /// Mail an "there is no account with this address" notice to unknown addresses.
    pub notify_unknown_addresses: bool,
    /// Transport: `smtp`, `mailbox` (development) or `log` (development).
    pub transport: mail::TransportSettings,
    /// Outbox worker tuning.
    pub worker: mail::WorkerSettings,
    /// Directory whose files override the built-in email templates.
    pub templates_dir: Option<String>,
}

/// Rate limits. In-memory limits are per instance; the per-account mail quota
/// lives in the database so it holds across instances.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LimitSettings {
    /// POSTs per client IP per minute (sustained rate).
    pub per_ip_per_minute: u32,
    /// Burst allowance per client IP.
    pub per_ip_burst: u32,
    /// Link requests (reset and magic link together) per normalised address per hour.
    pub per_address_per_hour: u32,
    /// Mails per account per hour, counted in the database.
    pub per_account_mails_per_hour: u32,
    /// Link requests per second across all clients (global ceiling).
    pub global_per_second: u32,
    /// Sign-in attempts per account per 15 minutes.
    pub login_per_account: u32,
    /// New-password submissions per reset link per 15 minutes.
    pub attempts_per_link: u32,
    /// How long password resets and magic links stay paused after "this
    /// wasn't me", in seconds.
    pub not_me_pause_secs: u64,
}

/// Password policy (NIST 800-63B: length, blocklist, no composition rules).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordSettings {
    /// Shortest accepted password, in characters.
    pub min_length: usize,
    /// Longest accepted password, in characters.
    pub max_length: usize,
    /// argon2id memory cost in KiB.
    pub argon2_memory_kib: u32,
    /// argon2id iterations.
    pub argon2_iterations: u32,
    /// argon2id parallelism.
    pub argon2_parallelism: u32,
    /// `true`: a new password set on the reset page signs that browser in (a fresh session,
    /// as Devise does); `false`: the browser goes to the sign-in page with the address filled in.
    pub sign_in_after_reset: bool,
}

/// Look and feel.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BrandingSettings {
    /// Product name shown on pages and in emails.
    pub product_name: String,
    /// Optional logo URL.
    pub logo_url: Option<String>,
    /// Accent colour (CSS hex).
    pub accent_color: String,
    /// Support contact shown in emails and on pages.
    pub support_email: String,
    /// Directory whose files override the built-in page templates.
    pub templates_dir: Option<String>,
}

/// The languages pages are offered in.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct I18nSettings {
    /// The language when neither the switch nor `Accept-Language` picks one; one of `locales`.
    pub default_locale: String,
    /// The offered languages, each with a catalog (built in or in `dir`).
    pub locales: Vec<String>,
    /// Directory of `<lang>/*.ftl` files that replace messages or add languages.
    pub dir: Option<String>,
}

/// Housekeeping.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceSettings {
    /// Pause between two purge batches, in milliseconds, so requests' writes get the
    /// database in between.
    pub purge_pause_ms: u64,
}

/// The admin API (`/api/v1/admin/…`, authenticated by API keys). Its limits are kept in
/// memory, per instance.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AdminApiSettings {
    /// Requests per API key per minute (also the burst a key may make at once).
    pub per_key_per_minute: u32,
    /// Failed key checks (missing, malformed, unknown, wrong or revoked key) per client IP per
    /// minute (also the burst); over it, the client's keys are not checked until it waits.
    pub failed_per_ip_per_minute: u32,
}

/// Logging.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    /// `tracing` filter, e.g. `info,lifeline=debug`.
    pub filter: String,
    /// One JSON object per line instead of human-readable text.
    pub json: bool,
}

/// The database URL with its password replaced by `***`: scheme, user, host, port, database
/// and parameters stay readable.
fn serialize_url_redacted<S: serde::Serializer>(
    url: &SecretString,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&storage::redact_url(url.expose_secret()))
}
