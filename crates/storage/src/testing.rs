//! Fresh databases for tests, on both backends (feature `testing`, and this crate's tests).
//!
//! Every [`TestDb`] is a new, empty database that is dropped with it: an SQLite file in a
//! temporary directory, or on MySQL a `lifeline_test_<random>` database created through the
//! admin URL in `LIFELINE_TEST_MYSQL_URL` (for example `mysql://root@127.0.0.1:3306/test`; its
//! database part is replaced).
//!
//! When the `mysql` feature is compiled but `LIFELINE_TEST_MYSQL_URL` is unset, MySQL cases are
//! skipped with a note — unless `LIFELINE_REQUIRE_MYSQL=1`, which turns the skip into a
//! failure (CI sets it, so a missing database cannot pass silently).
//!
//! The helpers panic instead of returning errors: they only run inside tests.

use std::ops::Deref;
use std::time::Duration;

use chrono::NaiveDateTime;

use crate::connection::DbConnection;
use crate::database::{Database, PoolSettings};
use crate::email::EmailAddress;
use crate::url::Backend;
use crate::users::{self, NewUser, User};

/// Environment variable holding the MySQL admin URL for tests.
pub const MYSQL_URL_ENV: &str = "LIFELINE_TEST_MYSQL_URL";
/// Environment variable that makes a missing MySQL a test failure instead of a skip.
pub const REQUIRE_MYSQL_ENV: &str = "LIFELINE_REQUIRE_MYSQL";

/// A database that exists for one test and is dropped afterwards. Dereferences to
/// [`Database`].
#[derive(Debug)]
pub struct TestDb {
    // Field order matters: the pool closes its connections before the database is dropped.
    db: Database,
    url: String,
    _cleanup: Cleanup,
}

impl Deref for TestDb {
    type Target = Database;

    fn deref(&self) -> &Database {
        &self.db
    }
}

impl TestDb {
    /// A fresh, migrated database on `backend`, or `None` when MySQL is not available (see
    /// the module documentation for when that panics instead).
    pub fn new(backend: Backend) -> Option<Self> {
        let test_db = Self::unmigrated(backend)?;
        if let Err(error) = test_db.migrate() {
            panic!("migrating the {backend} test database failed: {error}");
        }
        Some(test_db)
    }

    /// The connection URL (with credentials), for a component that opens its
    /// own pool on this database, such as a whole server under test.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A fresh database without any table.
    pub fn unmigrated(backend: Backend) -> Option<Self> {
        // Room for the 32-thread race tests; connections are opened only when needed.
        let settings = PoolSettings {
            max_size: 40,
            min_idle: 1,
            connection_timeout: Duration::from_secs(30),
            ..PoolSettings::default()
        };
        match backend {
            Backend::Sqlite => Some(Self::sqlite(&settings)),
            // `available_backends` panics when MySQL is required but missing, so a MySQL
            // case cannot pass as a silent skip.
            Backend::Mysql if available_backends().contains(&Backend::Mysql) => {
                Self::mysql(&settings)
            }
            Backend::Mysql => None,
        }
    }

    fn sqlite(settings: &PoolSettings) -> Self {
        let dir = tempfile::tempdir()
            .unwrap_or_else(|error| panic!("cannot create a temporary directory: {error}"));
        let url = format!("sqlite://{}", dir.path().join("lifeline-test.db").display());
        let db = Database::connect(&url, settings)
            .unwrap_or_else(|error| panic!("cannot open the SQLite test database: {error}"));
        Self {
            db,
            url,
            _cleanup: Cleanup::Sqlite { _dir: dir },
        }
    }

    #[cfg(feature = "mysql")]
    fn mysql(settings: &PoolSettings) -> Option<Self> {
        let admin_url = mysql_admin_url()?;
        let name = unique_database_name();
        let create = format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        if let Err(error) = mysql_admin::execute(&admin_url, &create) {
            panic!("{error}");
        }
        let url = with_database(&admin_url, &name);
        let db = Database::connect(&url, settings)
            .unwrap_or_else(|error| panic!("cannot open the MySQL test database: {error}"));
        Some(Self {
            db,
            url,
            _cleanup: Cleanup::Mysql { admin_url, name },
        })
    }

    #[cfg(not(feature = "mysql"))]
    fn mysql(_settings: &PoolSettings) -> Option<Self> {
        None
    }
}

/// Runs `test` once per available backend, each time on a fresh, migrated database, and prints
/// which backend ran.
pub fn for_each_backend(test: impl Fn(&Database)) {
    for backend in available_backends() {
        if let Some(db) = TestDb::new(backend) {
            eprintln!("running on {backend}");
            test(&db);
        }
    }
}

/// Like [`for_each_backend`], on databases without any table (for migration tests).
pub fn for_each_backend_unmigrated(test: impl Fn(&Database)) {
    for backend in available_backends() {
        if let Some(db) = TestDb::unmigrated(backend) {
            eprintln!("running on {backend} (unmigrated)");
            test(&db);
        }
    }
}

/// The backends tests should run on: SQLite always, MySQL when configured.
///
/// # Panics
/// When `LIFELINE_REQUIRE_MYSQL=1` and MySQL is not compiled in or not configured.
pub fn available_backends() -> Vec<Backend> {
    let required = std::env::var(REQUIRE_MYSQL_ENV).is_ok_and(|value| value == "1");
    let configured = std::env::var(MYSQL_URL_ENV).is_ok_and(|value| !value.is_empty());
    let compiled = cfg!(feature = "mysql");
    match (compiled, configured) {
        (true, true) => vec![Backend::Sqlite, Backend::Mysql],
        _ if required => panic!(
            "{REQUIRE_MYSQL_ENV}=1 but MySQL is {}",
            if compiled {
                "not configured: set LIFELINE_TEST_MYSQL_URL"
            } else {
                "not compiled in: enable the `mysql` feature of the storage crate"
            }
        ),
        (true, false) => {
            eprintln!("note: MySQL cases skipped; set {MYSQL_URL_ENV} to run them");
            vec![Backend::Sqlite]
        }
        (false, _) => vec![Backend::Sqlite],
    }
}

/// A fixed instant for deterministic tests: 2030-01-02 03:04:05.123456 UTC.
pub fn fixed_now() -> NaiveDateTime {
    NaiveDateTime::parse_from_str("2030-01-02 03:04:05.123456", "%Y-%m-%d %H:%M:%S%.f")
        .unwrap_or_else(|error| panic!("bad fixed time: {error}"))
}

/// Creates an account for `email` with a password hash and returns it.
pub fn create_user(conn: &mut DbConnection, email: &str) -> User {
    let email = EmailAddress::parse(email)
        .unwrap_or_else(|error| panic!("bad test address {email:?}: {error}"));
    let new_user = NewUser {
        email: &email,
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"),
        now: fixed_now(),
    };
    users::create(conn, &new_user).unwrap_or_else(|error| panic!("cannot create user: {error}"))
}

#[derive(Debug)]
enum Cleanup {
    Sqlite {
        _dir: tempfile::TempDir,
    },
    #[cfg(feature = "mysql")]
    Mysql {
        admin_url: String,
        name: String,
    },
}

#[cfg(feature = "mysql")]
impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Self::Mysql { admin_url, name } = self {
            // No panic here: a panic while a failed test unwinds would abort the test binary.
            let drop = format!("DROP DATABASE IF EXISTS `{name}`");
            if let Err(error) = mysql_admin::execute(admin_url, &drop) {
                eprintln!("warning: {error}");
            }
        }
    }
}

#[cfg(feature = "mysql")]
fn mysql_admin_url() -> Option<String> {
    std::env::var(MYSQL_URL_ENV)
        .ok()
        .filter(|url| !url.is_empty())
}

/// `lifeline_test_<pid>_<counter>_<random>`: unique across threads, processes and machines
/// sharing one server.
#[cfg(feature = "mysql")]
fn unique_database_name() -> String {
    use std::hash::{BuildHasher, RandomState};
    use std::sync::atomic::{AtomicU64, Ordering};

    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let counter = COUNTER.fetch_add(1, Ordering::Relaxed);
    let random = RandomState::new().hash_one(counter) & 0xffff_ffff;
    format!(
        "lifeline_test_{}_{counter}_{random:08x}",
        std::process::id()
    )
}

/// Replaces the database part of a `mysql://…/db?params` URL.
#[cfg(feature = "mysql")]
fn with_database(url: &str, database: &str) -> String {
    let authority_start = url.find("://").map_or(0, |i| i + 3);
    let (base, query) = match url.find('?') {
        Some(q) => url.split_at(q),
        None => (url, ""),
    };
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    format!("{base}/{database}{query}")
}

#[cfg(feature = "mysql")]
mod mysql_admin {
    use diesel::connection::{Connection, SimpleConnection};

    pub(super) fn execute(admin_url: &str, sql: &str) -> Result<(), String> {
        let redacted = crate::url::redact_url(admin_url);
        let mut conn = diesel::MysqlConnection::establish(admin_url)
            .map_err(|error| format!("cannot connect to {redacted}: {error}"))?;
        conn.batch_execute(sql)
            .map_err(|error| format!("{sql} failed on {redacted}: {error}"))
    }
}

#[cfg(all(test, feature = "mysql"))]
mod tests {
    use super::*;

    #[test]
    fn the_database_part_of_the_admin_url_is_replaced() {
        assert_eq!(
            with_database("mysql://root@127.0.0.1:3306/test", "x"),
            "mysql://root@127.0.0.1:3306/x"
        );
        assert_eq!(with_database("mysql://root@db", "x"), "mysql://root@db/x");
        assert_eq!(
            with_database("mysql://u:p@db/test?ssl_mode=required", "x"),
            "mysql://u:p@db/x?ssl_mode=required"
        );
    }

    #[test]
    fn test_database_names_differ() {
        assert_ne!(unique_database_name(), unique_database_name());
    }
}
