//! Fresh databases for tests, on every backend (feature `testing`, and this crate's tests).
//!
//! Every [`TestDb`] is a new, empty database that is dropped with it: an SQLite file in a
//! temporary directory, or on MySQL a `lifeline_test_<random>` database created through the
//! admin URL in `LIFELINE_TEST_MYSQL_URL` (for example `mysql://root@127.0.0.1:3306/test`; its
//! database part is replaced), or the same on PostgreSQL through `LIFELINE_TEST_POSTGRES_URL`
//! (for example `postgres://lifeline:lifeline@127.0.0.1:5432/postgres`; a role allowed to
//! create databases).
//!
//! When the `mysql` feature is compiled but `LIFELINE_TEST_MYSQL_URL` is unset, MySQL cases are
//! skipped with a note — unless `LIFELINE_REQUIRE_MYSQL=1`, which turns the skip into a
//! failure (CI sets it, so a missing database cannot pass silently). PostgreSQL is the same
//! with the `postgres` feature, `LIFELINE_TEST_POSTGRES_URL` and `LIFELINE_REQUIRE_POSTGRES`.
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
/// Environment variable holding the PostgreSQL admin URL for tests.
pub const POSTGRES_URL_ENV: &str = "LIFELINE_TEST_POSTGRES_URL";
/// Environment variable that makes a missing PostgreSQL a test failure instead of a skip.
pub const REQUIRE_POSTGRES_ENV: &str = "LIFELINE_REQUIRE_POSTGRES";

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
            Backend::Postgres if available_backends().contains(&Backend::Postgres) => {
                Self::postgres(&settings)
            }
            Backend::Postgres => None,
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
        let admin_url = admin_url(MYSQL_URL_ENV)?;
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

    #[cfg(feature = "postgres")]
    fn postgres(settings: &PoolSettings) -> Option<Self> {
        let admin_url = admin_url(POSTGRES_URL_ENV)?;
        postgres_admin::sweep_once(&admin_url);
        let name = unique_database_name();
        let create = format!("CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0");
        if let Err(error) = postgres_admin::execute(&admin_url, &create) {
            panic!("{error}");
        }
        let url = with_database(&admin_url, &name);
        let db = Database::connect(&url, settings)
            .unwrap_or_else(|error| panic!("cannot open the PostgreSQL test database: {error}"));
        Some(Self {
            db,
            url,
            _cleanup: Cleanup::Postgres { admin_url, name },
        })
    }

    #[cfg(not(feature = "postgres"))]
    fn postgres(_settings: &PoolSettings) -> Option<Self> {
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

/// The backends tests should run on: SQLite always, MySQL and PostgreSQL when configured.
///
/// # Panics
/// When `LIFELINE_REQUIRE_MYSQL=1` (or `LIFELINE_REQUIRE_POSTGRES=1`) and that backend is not
/// compiled in or not configured.
pub fn available_backends() -> Vec<Backend> {
    let mut backends = vec![Backend::Sqlite];
    let servers = [
        (
            Backend::Mysql,
            cfg!(feature = "mysql"),
            MYSQL_URL_ENV,
            REQUIRE_MYSQL_ENV,
            "mysql",
        ),
        (
            Backend::Postgres,
            cfg!(feature = "postgres"),
            POSTGRES_URL_ENV,
            REQUIRE_POSTGRES_ENV,
            "postgres",
        ),
    ];
    for (backend, compiled, url_env, require_env, feature) in servers {
        let required = std::env::var(require_env).is_ok_and(|value| value == "1");
        let configured = std::env::var(url_env).is_ok_and(|value| !value.is_empty());
        match (compiled, configured) {
            (true, true) => backends.push(backend),
            _ if required => panic!(
                "{require_env}=1 but {backend} is {}",
                if compiled {
                    format!("not configured: set {url_env}")
                } else {
                    format!("not compiled in: enable the `{feature}` feature of the storage crate")
                }
            ),
            (true, false) => {
                eprintln!("note: {backend} cases skipped; set {url_env} to run them");
            }
            (false, _) => {}
        }
    }
    backends
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
    #[cfg(feature = "postgres")]
    Postgres {
        admin_url: String,
        name: String,
    },
}

#[cfg(any(feature = "mysql", feature = "postgres"))]
impl Drop for Cleanup {
    fn drop(&mut self) {
        // No panic here: a panic while a failed test unwinds would abort the test binary.
        let dropped: Result<(), String> = match self {
            Self::Sqlite { .. } => Ok(()),
            #[cfg(feature = "mysql")]
            Self::Mysql { admin_url, name } => {
                mysql_admin::execute(admin_url, &format!("DROP DATABASE IF EXISTS `{name}`"))
            }
            #[cfg(feature = "postgres")]
            Self::Postgres { admin_url, name } => postgres_admin::drop_database(admin_url, name),
        };
        if let Err(error) = dropped {
            eprintln!("warning: {error}");
        }
    }
}

#[cfg(any(feature = "mysql", feature = "postgres"))]
fn admin_url(env: &str) -> Option<String> {
    std::env::var(env).ok().filter(|url| !url.is_empty())
}

/// `lifeline_test_<pid>_<counter>_<random>`: unique across threads, processes and machines
/// sharing one server.
#[cfg(any(feature = "mysql", feature = "postgres"))]
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

/// Replaces the database part of a `mysql://…/db?params` (or `postgres://…`) URL.
#[cfg(any(feature = "mysql", feature = "postgres"))]
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

/// Creating and dropping PostgreSQL test databases.
///
/// PostgreSQL refuses to drop a database while anyone is connected. The drop happens in the
/// test's own thread, before the test is reported, so that no thread of the test binary is
/// still inside libpq when it exits (its TLS library is torn down by an exit handler, and a
/// connection being opened at that moment crashes the binary after every test passed). Whoever
/// ran on the database stops first: the helpers that start a server stop it before dropping
/// their [`TestDb`](super::TestDb). A connection still open then is waited for as long as
/// `DROP DATABASE` itself waits (five seconds), then closed by force with a warning.
#[cfg(feature = "postgres")]
mod postgres_admin {
    use std::sync::Once;

    use diesel::connection::{Connection, SimpleConnection};
    use diesel::sql_types::Text;
    use diesel::{QueryableByName, RunQueryDsl};

    pub(super) fn execute(admin_url: &str, sql: &str) -> Result<(), String> {
        let redacted = crate::url::redact_url(admin_url);
        let mut conn = diesel::PgConnection::establish(admin_url)
            .map_err(|error| format!("cannot connect to {redacted}: {error}"))?;
        conn.batch_execute(sql)
            .map_err(|error| format!("{sql} failed on {redacted}: {error}"))
    }

    /// Drops database `name`, closing by force the connections still open on it after
    /// `DROP DATABASE`'s own wait.
    pub(super) fn drop_database(admin_url: &str, name: &str) -> Result<(), String> {
        let polite = format!("DROP DATABASE IF EXISTS \"{name}\"");
        let Err(error) = execute(admin_url, &polite) else {
            return Ok(());
        };
        eprintln!("warning: {error}; closing its connections by force");
        execute(admin_url, &format!("{polite} WITH (FORCE)"))
    }

    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = Text)]
        datname: String,
    }

    /// Once per process: drops the test databases of processes of this machine that are gone
    /// (a test binary that crashed or was killed before its drops), unless someone is
    /// connected.
    pub(super) fn sweep_once(admin_url: &str) {
        static SWEEP: Once = Once::new();
        SWEEP.call_once(|| {
            let Ok(mut conn) = diesel::PgConnection::establish(admin_url) else {
                return;
            };
            let names: Vec<Name> = diesel::sql_query(
                "SELECT datname FROM pg_database WHERE datname LIKE 'lifeline\\_test\\_%'",
            )
            .load(&mut conn)
            .unwrap_or_default();
            for Name { datname } in names {
                let pid = datname
                    .split('_')
                    .nth(2)
                    .and_then(|pid| pid.parse::<u32>().ok());
                let gone = pid.is_some_and(|pid| {
                    pid != std::process::id()
                        && !std::path::Path::new(&format!("/proc/{pid}")).exists()
                });
                // Not forced: a database someone still uses (a test on another machine
                // with the same server) stays.
                if gone {
                    let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS \"{datname}\""));
                }
            }
        });
    }
}

#[cfg(all(test, any(feature = "mysql", feature = "postgres")))]
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
