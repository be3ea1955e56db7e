//! Lifeline storage: accounts, tokens, signed-in sessions, admin API keys, the mail outbox,
//! audit events, throttles, the languages accounts last used and the development mailbox, on
//! MySQL (production) or SQLite (embedded default).
//!
//! - One hand-written diesel schema serves both backends through [`DbConnection`], a
//!   `MultiConnection` enum; the backend is chosen by the URL scheme ([`Database::connect`]).
//! - Migrations are embedded, one history per backend, and applied by [`Database::migrate`].
//! - Repositories are modules named after their table. They are synchronous, take
//!   `&mut DbConnection`, and take the current time as an argument, so tests are deterministic.
//! - Races are settled by the database, so they hold across instances: a token is consumed by
//!   one conditional `UPDATE`, outbox jobs are claimed with per-row conditional leases, and
//!   throttle counters are incremented inside a write transaction.
//! - [`write_transaction`] makes several repository calls atomic.
//! - Feature `mysql` adds the MySQL backend (needs the MySQL client library); feature `testing`
//!   exposes `storage::testing`: a fresh database per test on every available backend.
//!
//! ```no_run
//! use storage::{Database, EmailAddress, PoolSettings, users};
//!
//! # fn main() -> Result<(), storage::StorageError> {
//! let db = Database::connect("sqlite://lifeline.db", &PoolSettings::default())?;
//! db.migrate()?;
//! let email = EmailAddress::parse("Alice@Example.com")?;
//! let mut conn = db.conn()?;
//! let user = users::find_by_email(&mut conn, &email)?;
//! # Ok(()) }
//! ```

pub mod account_languages;
pub mod api_keys;
pub mod audit;
mod backoff;
mod connection;
mod database;
mod email;
mod error;
pub mod external_accounts;
pub mod mailbox;
mod migrations;
pub mod outbox;
mod purge;
mod random;
mod schema;
pub mod sessions;
mod sqlite_checkpoints;
mod sqlite_writers;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod text;
pub mod throttles;
mod time;
pub mod tokens;
mod url;
pub mod users;

pub use connection::{ConnectionManager, DbConnection, write_transaction};
pub use database::{Database, PoolSettings, PooledDb};
pub use email::{EmailAddress, EmailRejection, MAX_EMAIL_LEN, MAX_LOCAL_PART_LEN, mask};
pub use error::StorageError;
pub use url::{Backend, check_url, redact_url};
