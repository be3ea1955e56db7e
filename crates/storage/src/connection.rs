//! The connection enum over both backends, the pool's connection manager and write
//! transactions.

use std::sync::Arc;
use std::time::Duration;

#[cfg(feature = "mysql")]
use diesel::MysqlConnection;
#[cfg(feature = "postgres")]
use diesel::PgConnection;
use diesel::SqliteConnection;
use diesel::connection::{
    AnsiTransactionManager, Connection, SimpleConnection, TransactionManager,
};
use diesel::r2d2::R2D2Connection;

use crate::error::StorageError;
use crate::sqlite_writers::{SqliteWriters, Turn, WritersSlot, writers_of};
use crate::url::DatabaseUrl;

/// A connection to any backend. Every repository function takes `&mut DbConnection`, so
/// one query, written once with diesel's DSL, runs on MySQL, PostgreSQL and SQLite.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// A MySQL (or MariaDB) connection.
    #[cfg(feature = "mysql")]
    Mysql(MysqlConnection),
    /// A PostgreSQL connection.
    #[cfg(feature = "postgres")]
    Postgres(PgConnection),
    /// An SQLite connection.
    Sqlite(SqliteConnection),
}

/// How often a transaction aborted by a deadlock is run again before the error is returned.
const DEADLOCK_RETRIES: u32 = 8;

/// Runs `body` in a transaction that writes. Every repository write goes through here, and
/// callers use it to make several repository calls atomic (consume a token, set the password,
/// queue the notice: all or nothing).
///
/// On SQLite the transaction starts with `BEGIN IMMEDIATE`, which takes the write lock at once
/// (waiting up to `busy_timeout`); a plain deferred transaction that reads first and writes
/// later fails with `SQLITE_BUSY` instead of waiting when another connection wrote in between.
///
/// On SQLite the writers of one pool also queue for their turn first (`sqlite_writers.rs`),
/// so they follow each other at once instead of sleeping in SQLite's busy handler.
///
/// On MySQL, InnoDB may abort a transaction to break a deadlock even when every statement
/// touches one row, because rows are locked through secondary indexes in an order the
/// optimizer chooses; PostgreSQL aborts one of two transactions that wait for each other
/// (`deadlock detected`). Such a transaction had no effect, so it is run again after a short,
/// growing pause; `body` must therefore be safe to run again (all repository bodies are).
///
/// Inside a transaction the caller already opened, `body` runs in a savepoint instead, and
/// a deadlock is returned rather than retried: the database rolled back the caller's whole
/// transaction, which only the caller can run again.
pub fn write_transaction<T, F>(conn: &mut DbConnection, mut body: F) -> Result<T, StorageError>
where
    F: FnMut(&mut DbConnection) -> Result<T, StorageError>,
{
    let nested = DbConnection::transaction_manager_status_mut(conn)
        .transaction_depth()?
        .is_some();
    if nested {
        return run_once(conn, &mut body, DbConnection::begin_transaction);
    }
    let _turn = sqlite_turn(conn);
    let mut attempt = 0;
    loop {
        attempt += 1;
        match run_once(conn, &mut body, begin_write) {
            Err(error) if error.is_retryable() && attempt < DEADLOCK_RETRIES => {
                tracing::debug!(attempt, "transaction aborted by the database, retrying");
                std::thread::sleep(Duration::from_millis(u64::from(attempt) * 3));
            }
            result => return result,
        }
    }
}

/// Runs `body` atomically: inside the caller's transaction as part of it (no savepoint: if
/// `body` fails, the caller's transaction fails), else in a write transaction of its own.
/// For short bodies on hot paths, where a savepoint's two round trips would cost more than
/// the statements themselves.
pub(crate) fn atomic<T, F>(conn: &mut DbConnection, mut body: F) -> Result<T, StorageError>
where
    F: FnMut(&mut DbConnection) -> Result<T, StorageError>,
{
    let nested = DbConnection::transaction_manager_status_mut(conn)
        .transaction_depth()?
        .is_some();
    match nested {
        true => body(conn),
        false => write_transaction(conn, body),
    }
}

/// Runs `statement`, one write that may be refused (a unique key taken by another caller),
/// so that a refusal leaves the caller's transaction usable. SQLite and MySQL undo only the
/// refused statement; PostgreSQL aborts the whole transaction, so there the statement runs in
/// a savepoint of its own (two more round trips, which the other backends are spared).
pub(crate) fn refusable<T, F>(conn: &mut DbConnection, mut statement: F) -> Result<T, StorageError>
where
    F: FnMut(&mut DbConnection) -> Result<T, StorageError>,
{
    match conn {
        #[cfg(feature = "postgres")]
        DbConnection::Postgres(_) => write_transaction(conn, statement),
        _ => statement(conn),
    }
}

/// This process's turn to write, on an SQLite connection of a [`crate::Database`].
fn sqlite_turn(conn: &mut DbConnection) -> Option<Turn> {
    match conn {
        #[cfg(feature = "mysql")]
        DbConnection::Mysql(_) => None,
        #[cfg(feature = "postgres")]
        DbConnection::Postgres(_) => None,
        DbConnection::Sqlite(inner) => writers_of(inner)?.wait_turn(),
    }
}

fn begin_write(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    match conn {
        #[cfg(feature = "mysql")]
        DbConnection::Mysql(inner) => AnsiTransactionManager::begin_transaction(inner),
        #[cfg(feature = "postgres")]
        DbConnection::Postgres(inner) => AnsiTransactionManager::begin_transaction(inner),
        DbConnection::Sqlite(inner) => {
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")
        }
    }
}

fn run_once<T, F>(
    conn: &mut DbConnection,
    body: &mut F,
    begin: fn(&mut DbConnection) -> diesel::QueryResult<()>,
) -> Result<T, StorageError>
where
    F: FnMut(&mut DbConnection) -> Result<T, StorageError>,
{
    begin(conn)?;
    match body(conn) {
        Ok(value) => match DbConnection::commit_transaction(conn) {
            Ok(()) => Ok(value),
            Err(error) => {
                // A failed COMMIT may leave the transaction open; close it before reporting.
                let _ = DbConnection::rollback_transaction(conn);
                Err(error.into())
            }
        },
        Err(error) => {
            DbConnection::rollback_transaction(conn)?;
            Err(error)
        }
    }
}

/// Opens connections for the r2d2 pool (created by [`crate::Database::connect`]).
///
/// Diesel's derived `establish` tries each backend in turn and replaces the real error with a
/// generic one; this manager dispatches on the URL scheme and keeps the client library's own
/// message, so an operator sees "Access denied" or "Can't connect to server on …".
#[derive(Debug)]
pub struct ConnectionManager {
    url: DatabaseUrl,
    sqlite_busy_timeout: Duration,
    /// The queue of this pool's SQLite writers (unused on MySQL).
    sqlite_writers: Arc<SqliteWriters>,
    /// SQLite: a thread checkpoints the log, so connections never do it in a commit.
    sqlite_checkpoint_thread: bool,
}

impl ConnectionManager {
    pub(crate) fn new(
        url: DatabaseUrl,
        sqlite_busy_timeout: Duration,
        sqlite_checkpoint_thread: bool,
    ) -> Self {
        Self {
            url,
            sqlite_busy_timeout,
            sqlite_writers: SqliteWriters::new(sqlite_busy_timeout),
            sqlite_checkpoint_thread,
        }
    }

    fn connection_error(&self, message: String) -> StorageError {
        StorageError::Connection {
            backend: self.url.backend(),
            url: self.url.redacted(),
            message,
        }
    }

    fn connect_sqlite(&self, path: &std::path::Path) -> Result<DbConnection, StorageError> {
        let path = path
            .to_str()
            .ok_or_else(|| self.connection_error("the SQLite path is not valid UTF-8".into()))?;
        let mut conn = SqliteConnection::establish(path)
            .map_err(|error| self.connection_error(error.to_string()))?;
        conn.batch_execute(&sqlite_pragmas(
            self.sqlite_busy_timeout,
            self.sqlite_checkpoint_thread,
        ))
        .map_err(|error| self.connection_error(error.to_string()))?;
        conn.set_instrumentation(WritersSlot(Arc::clone(&self.sqlite_writers)));
        Ok(DbConnection::Sqlite(conn))
    }

    #[cfg(feature = "mysql")]
    fn connect_mysql(&self, url: &str) -> Result<DbConnection, StorageError> {
        let mut conn = MysqlConnection::establish(url)
            .map_err(|error| self.connection_error(error.to_string()))?;
        conn.batch_execute(MYSQL_SESSION)
            .map_err(|error| self.connection_error(error.to_string()))?;
        Ok(DbConnection::Mysql(conn))
    }

    #[cfg(feature = "postgres")]
    fn connect_postgres(&self, url: &str) -> Result<DbConnection, StorageError> {
        let mut conn = PgConnection::establish(url)
            .map_err(|error| self.connection_error(error.to_string()))?;
        conn.batch_execute(POSTGRES_SESSION)
            .map_err(|error| self.connection_error(error.to_string()))?;
        Ok(DbConnection::Postgres(conn))
    }
}

/// Per-connection SQLite settings.
///
/// - `busy_timeout` first, so that the statements below wait for locks instead of failing.
/// - `foreign_keys = ON`: SQLite ignores foreign keys unless asked, per connection.
/// - `journal_mode = WAL`: readers never block the writer (persistent, set on the file).
/// - `synchronous = FULL`: every commit is fsynced before it returns, so a request answered
///   after its outbox job or token was committed cannot lose that row on power loss. `NORMAL`
///   is faster in WAL mode but may roll back the last commits after a crash.
/// - `wal_autocheckpoint = 0` when a thread checkpoints for the whole pool
///   ([`crate::sqlite_checkpoints`]): no commit copies the log into the database file.
fn sqlite_pragmas(busy_timeout: Duration, checkpoint_thread: bool) -> String {
    format!(
        "PRAGMA busy_timeout = {}; PRAGMA foreign_keys = ON; \
         PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;{}",
        busy_timeout.as_millis().min(i32::MAX as u128),
        if checkpoint_thread {
            " PRAGMA wal_autocheckpoint = 0;"
        } else {
            ""
        }
    )
}

/// Per-connection MySQL settings: strict mode turns silent truncation of too-long values into
/// errors, on every table. (Diesel itself sets the session time zone to UTC and utf8mb4.)
#[cfg(feature = "mysql")]
const MYSQL_SESSION: &str = "SET SESSION sql_mode = \
    'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'";

/// Per-connection PostgreSQL settings: UTC for anything the server itself formats, and the
/// name the server's activity views show.
#[cfg(feature = "postgres")]
const POSTGRES_SESSION: &str = "SET TIME ZONE 'UTC'; SET application_name = 'lifeline'";

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = StorageError;

    fn connect(&self) -> Result<DbConnection, StorageError> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => self.connect_sqlite(path),
            #[cfg(feature = "mysql")]
            DatabaseUrl::Mysql(url) => self.connect_mysql(url),
            #[cfg(not(feature = "mysql"))]
            DatabaseUrl::Mysql(_) => Err(StorageError::MysqlNotCompiled),
            #[cfg(feature = "postgres")]
            DatabaseUrl::Postgres(url) => self.connect_postgres(url),
            #[cfg(not(feature = "postgres"))]
            DatabaseUrl::Postgres(_) => Err(StorageError::PostgresNotCompiled),
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), StorageError> {
        conn.ping().map_err(StorageError::from)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

/// Sends r2d2's connection errors to `tracing` rather than the `log` crate.
#[derive(Debug)]
pub(crate) struct TracingErrorHandler;

impl r2d2::HandleError<StorageError> for TracingErrorHandler {
    fn handle_error(&self, error: StorageError) {
        tracing::warn!(%error, "database connection failed");
    }
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sql_types::Text;

    use super::*;
    use crate::database::{Database, PoolSettings};
    use crate::email::EmailAddress;
    use crate::schema::users;
    use crate::testing::{create_user, fixed_now, for_each_backend};

    #[derive(QueryableByName)]
    struct Setting {
        #[diesel(sql_type = Text)]
        value: String,
    }

    fn pragma(conn: &mut SqliteConnection, name: &str, column: &str) -> String {
        diesel::sql_query(format!(
            "SELECT CAST({column} AS TEXT) AS value FROM pragma_{name}()"
        ))
        .get_result::<Setting>(conn)
        .unwrap()
        .value
    }

    #[test]
    fn every_sqlite_connection_gets_the_durability_and_locking_pragmas() {
        // Arrange
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/pragmas.db", dir.path().display());
        let settings = PoolSettings {
            sqlite_busy_timeout: Duration::from_millis(2500),
            ..PoolSettings::default()
        };
        let db = Database::connect(&url, &settings).unwrap();

        // Act
        let mut conn = db.conn().unwrap();
        // Without the `mysql` feature the enum has one variant and the `else` cannot happen.
        #[cfg_attr(
            not(any(feature = "mysql", feature = "postgres")),
            expect(irrefutable_let_patterns)
        )]
        let DbConnection::Sqlite(inner) = &mut *conn else {
            panic!("not SQLite");
        };

        // Assert
        assert_eq!(pragma(inner, "foreign_keys", "foreign_keys"), "1");
        assert_eq!(pragma(inner, "journal_mode", "journal_mode"), "wal");
        assert_eq!(
            pragma(inner, "synchronous", "synchronous"),
            "2",
            "2 is FULL"
        );
        assert_eq!(pragma(inner, "busy_timeout", "timeout"), "2500");
    }

    fn user_count(conn: &mut DbConnection) -> i64 {
        users::table.count().get_result(conn).unwrap()
    }

    #[test]
    fn a_failing_write_transaction_leaves_nothing_behind() {
        for_each_backend(|db| {
            // Arrange
            let conn: &mut DbConnection = &mut db.conn().unwrap();

            // Act
            let result: Result<(), StorageError> = write_transaction(conn, |conn| {
                create_user(conn, "a@example.com");
                Err(StorageError::NotFound("anything"))
            });

            // Assert
            assert!(matches!(result, Err(StorageError::NotFound("anything"))));
            assert_eq!(user_count(conn), 0);
        });
    }

    #[test]
    fn repository_writes_join_a_transaction_the_caller_opened() {
        for_each_backend(|db| {
            // Arrange
            let conn: &mut DbConnection = &mut db.conn().unwrap();
            let email = EmailAddress::parse("a@example.com").unwrap();

            // Act: create inside the caller's transaction, then roll the whole thing back.
            let result: Result<(), StorageError> = conn.transaction(|conn| {
                crate::users::create(
                    conn,
                    &crate::users::NewUser {
                        email: &email,
                        password_hash: None,
                        now: fixed_now(),
                    },
                )?;
                assert_eq!(user_count(conn), 1);
                Err(StorageError::NotFound("rolled back on purpose"))
            });

            // Assert
            assert!(result.is_err());
            assert_eq!(user_count(conn), 0);
        });
    }
}
