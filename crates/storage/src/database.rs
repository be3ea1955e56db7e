//! The connection pool and the handle the rest of Lifeline holds.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use r2d2::{ManageConnection, Pool, PooledConnection};

use crate::connection::{ConnectionManager, TracingErrorHandler};
use crate::error::StorageError;
use crate::sqlite_checkpoints::Checkpointer;
use crate::url::{Backend, DatabaseUrl};

/// A connection borrowed from the pool; dereferences to [`DbConnection`](crate::DbConnection).
pub type PooledDb = PooledConnection<ConnectionManager>;

/// Pool sizing and timeouts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolSettings {
    /// Most connections the pool opens.
    pub max_size: u32,
    /// Idle connections kept open (at most `max_size`; SQLite only: on MySQL and PostgreSQL
    /// connections are opened when asked for, see [`Database::connect`]).
    pub min_idle: u32,
    /// How long a caller waits for a connection before getting [`StorageError::Pool`]. Keep
    /// it short so that requests fail fast while the database is down.
    pub connection_timeout: Duration,
    /// How long an SQLite connection waits for another connection's write lock.
    pub sqlite_busy_timeout: Duration,
    /// SQLite only: how often one thread checkpoints the write-ahead log (a passive
    /// checkpoint, which waits for no lock). `None` (the default) leaves it to SQLite, which
    /// checkpoints inside the commit that takes the log past 1,000 pages.
    pub sqlite_checkpoint_interval: Option<Duration>,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_size: 10,
            min_idle: 1,
            connection_timeout: Duration::from_secs(5),
            sqlite_busy_timeout: Duration::from_secs(5),
            sqlite_checkpoint_interval: None,
        }
    }
}

/// The database: a pool of connections to one backend. Cheap to clone; clones share the pool.
///
/// Everything here is blocking; async callers run it on a blocking thread pool.
#[derive(Clone)]
pub struct Database {
    pool: Pool<ConnectionManager>,
    backend: Backend,
    redacted_url: String,
    /// SQLite only: the thread that checkpoints the write-ahead log, stopped with the last clone.
    _checkpointer: Option<Arc<Checkpointer>>,
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Database")
            .field("backend", &self.backend)
            .field("url", &self.redacted_url)
            .finish_non_exhaustive()
    }
}

impl Database {
    /// Connects to `url` (`mysql://…`, `postgres://…`, `sqlite://path` or `sqlite:path`).
    ///
    /// One connection is opened right away, outside the pool, so that a wrong password or an
    /// unreachable server is reported with the database's own message (password redacted)
    /// instead of a pool timeout.
    pub fn connect(url: &str, settings: &PoolSettings) -> Result<Self, StorageError> {
        crate::url::check_url(url)?;
        let url = DatabaseUrl::parse(url)?;
        let backend = url.backend();
        let redacted_url = url.redacted();
        let checkpoint_interval = settings
            .sqlite_checkpoint_interval
            .filter(|_| backend == Backend::Sqlite);
        let manager = ConnectionManager::new(
            url,
            settings.sqlite_busy_timeout,
            checkpoint_interval.is_some(),
        );
        let first = manager.connect()?;
        // On SQLite the connection that proved the file opens becomes the checkpoint thread's.
        let checkpointer = match checkpoint_interval {
            Some(interval) => Some(Arc::new(Checkpointer::start(first, interval).map_err(
                |error| StorageError::Connection {
                    backend,
                    url: redacted_url.clone(),
                    message: format!("cannot start the checkpoint thread: {error}"),
                },
            )?)),
            None => {
                drop(first);
                None
            }
        };
        let max_size = settings.max_size.max(1);
        // On a database server the pool opens connections only when asked for one, never in
        // the background to keep idle ones: the client libraries' TLS and crypto state is torn
        // down by exit handlers, and a connection still being opened by the pool's thread when
        // the process exits crashes it (a `lifeline migrate` that printed its result then died
        // of SIGSEGV; a test binary that passed every test then did the same).
        let min_idle = match backend {
            Backend::Postgres | Backend::Mysql => 0,
            Backend::Sqlite => settings.min_idle.min(max_size),
        };
        let pool = Pool::builder()
            .max_size(max_size)
            .min_idle(Some(min_idle))
            .connection_timeout(settings.connection_timeout)
            .error_handler(Box::new(TracingErrorHandler))
            .build(manager)?;
        tracing::info!(%backend, url = %redacted_url, "database connected");
        Ok(Self {
            pool,
            backend,
            redacted_url,
            _checkpointer: checkpointer,
        })
    }

    /// Which engine this database runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL with any password replaced by `***`, for logs.
    pub fn redacted_url(&self) -> &str {
        &self.redacted_url
    }

    /// Borrows a connection, waiting at most the configured connection timeout.
    pub fn conn(&self) -> Result<PooledDb, StorageError> {
        Ok(self.pool.get()?)
    }

    /// Checks that the database answers a query (for `/readyz`).
    pub fn ping(&self) -> Result<(), StorageError> {
        use diesel::r2d2::R2D2Connection;
        let mut conn = self.conn()?;
        conn.ping()?;
        Ok(())
    }

    /// Applies the embedded migrations that have not run yet and returns their versions.
    ///
    /// Idempotent, and safe when several instances start at once: on SQLite the whole run
    /// holds the write lock; on MySQL, where DDL cannot be rolled back, a named server lock
    /// (`GET_LOCK`) lets one instance migrate while the others wait and then find nothing
    /// left to do; on PostgreSQL the run is one transaction under an advisory lock.
    pub fn migrate(&self) -> Result<Vec<String>, StorageError> {
        let mut conn = self.conn()?;
        crate::migrations::run_pending(&mut conn)
    }
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;

    use super::*;
    use crate::testing::for_each_backend;

    #[test]
    fn a_fresh_database_answers_pings() {
        for_each_backend(|db| {
            db.ping().unwrap();
        });
    }

    #[test]
    fn a_mysql_url_without_the_feature_is_reported_as_such() {
        // Act
        let result = Database::connect("mysql://root@127.0.0.1:1/x", &PoolSettings::default());

        // Assert
        #[cfg(not(feature = "mysql"))]
        assert!(matches!(result, Err(StorageError::MysqlNotCompiled)));
        #[cfg(feature = "mysql")]
        assert!(matches!(result, Err(StorageError::Connection { .. })));
    }

    #[test]
    fn a_postgres_url_without_the_feature_is_reported_as_such() {
        // Act
        let result = Database::connect(
            "postgres://lifeline@127.0.0.1:1/x",
            &PoolSettings::default(),
        );

        // Assert
        #[cfg(not(feature = "postgres"))]
        assert!(matches!(result, Err(StorageError::PostgresNotCompiled)));
        #[cfg(feature = "postgres")]
        assert!(matches!(result, Err(StorageError::Connection { .. })));
    }

    #[test]
    fn an_unknown_scheme_is_refused_before_connecting() {
        let result = Database::connect("oracle://db/x", &PoolSettings::default());
        assert!(matches!(result, Err(StorageError::UnsupportedUrl { .. })));
    }

    #[test]
    fn an_unopenable_sqlite_file_reports_the_sqlite_error() {
        // Arrange
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/missing-dir/x.db", dir.path().display());

        // Act
        let error = Database::connect(&url, &PoolSettings::default()).unwrap_err();

        // Assert
        let text = error.to_string();
        assert!(matches!(
            error,
            StorageError::Connection {
                backend: Backend::Sqlite,
                ..
            }
        ));
        assert!(text.contains("unable to open database file"), "{text}");
    }

    #[cfg(feature = "mysql")]
    #[test]
    fn a_refused_mysql_connection_reports_the_real_error_without_the_password() {
        // Arrange: nothing listens on port 1.
        let url = "mysql://lifeline:hunter2@127.0.0.1:1/lifeline";

        // Act
        let error = Database::connect(url, &PoolSettings::default()).unwrap_err();

        // Assert
        let text = error.to_string();
        assert!(matches!(
            error,
            StorageError::Connection {
                backend: Backend::Mysql,
                ..
            }
        ));
        assert!(text.contains("Can't connect"), "{text}");
        assert!(text.contains("lifeline:***@127.0.0.1:1"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(!format!("{error:?}").contains("hunter2"));
    }

    /// The test server's admin URL with a password that is certainly wrong.
    #[cfg(feature = "mysql")]
    fn mysql_url_with_wrong_password() -> Option<String> {
        let url = std::env::var(crate::testing::MYSQL_URL_ENV).ok()?;
        let (scheme, rest) = url.split_once("://")?;
        let (userinfo, host) = rest.split_once('@')?;
        let user = userinfo.split(':').next()?;
        Some(format!("{scheme}://{user}:wrong-hunter2@{host}"))
    }

    #[cfg(feature = "mysql")]
    #[test]
    fn a_wrong_mysql_password_is_reported_by_the_server_and_redacted() {
        // Arrange
        if !crate::testing::available_backends().contains(&Backend::Mysql) {
            return;
        }
        let url = mysql_url_with_wrong_password().unwrap();

        // Act
        let error = Database::connect(&url, &PoolSettings::default()).unwrap_err();

        // Assert
        let text = error.to_string();
        assert!(text.contains("Access denied"), "{text}");
        assert!(text.contains(":***@"), "{text}");
        assert!(!text.contains("wrong-hunter2"), "{text}");
    }

    #[test]
    fn sqlite_connections_enforce_foreign_keys() {
        for_each_backend(|db| {
            // Arrange
            let mut conn = db.conn().unwrap();

            conn.batch_execute(
                "CREATE TABLE fk_parent (id BIGINT NOT NULL PRIMARY KEY); \
                 CREATE TABLE fk_child (parent_id BIGINT NOT NULL REFERENCES fk_parent (id))",
            )
            .unwrap();

            // Act: a row pointing at a parent that does not exist.
            let result = conn.batch_execute("INSERT INTO fk_child (parent_id) VALUES (999)");

            // Assert: both backends refuse it.
            assert!(result.is_err());
        });
    }

    #[test]
    fn on_a_database_server_no_connection_is_opened_in_the_background() {
        // A connection the pool's own thread is still opening when the process exits crashes
        // the client library's exit handlers, so on MySQL and PostgreSQL the pool opens one
        // only for a caller, in the caller's thread.
        crate::testing::for_each_backend_unmigrated(|db| {
            let backend = db.backend();
            let opened_up_front = u32::from(backend == Backend::Sqlite);
            assert_eq!(db.pool.state().connections, opened_up_front, "{backend}");

            let held = db.conn().unwrap();
            assert_eq!(db.pool.state().connections, 1, "{backend}");
            drop(held);

            assert_eq!(db.pool.state().idle_connections, 1, "{backend}");
        });
    }

    #[test]
    fn a_pool_gives_up_after_the_connection_timeout() {
        // Arrange
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/pool.db", dir.path().display());
        let settings = PoolSettings {
            max_size: 1,
            connection_timeout: Duration::from_millis(200),
            ..PoolSettings::default()
        };
        let db = Database::connect(&url, &settings).unwrap();
        let _held = db.conn().unwrap();

        // Act
        let result = db.conn();

        // Assert
        assert!(matches!(result, Err(StorageError::Pool(_))));
    }
}
