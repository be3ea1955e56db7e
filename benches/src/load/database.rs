//! The harness's own connection to the database under test: SQL that the server never runs
//! (bulk fills, counts, clean-ups), written once per dialect.

use std::time::Duration;

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::sql_types::BigInt;
use diesel::{QueryableByName, RunQueryDsl};
use storage::{Database, DbConnection, PoolSettings};

/// A connection to the database under test, outside the server.
pub struct BenchDb {
    db: Database,
    /// The SQL spelling of this backend.
    pub dialect: Dialect,
}

/// How each backend spells what the harness needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite.
    Sqlite,
    /// MariaDB.
    Mysql,
    /// PostgreSQL.
    Postgres,
}

#[derive(QueryableByName)]
struct Number {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

impl BenchDb {
    /// Connects to `url` and applies the migrations (the server would, on start).
    pub fn connect(url: &str) -> anyhow::Result<BenchDb> {
        let settings = PoolSettings {
            max_size: 2,
            min_idle: 1,
            connection_timeout: Duration::from_secs(30),
            sqlite_busy_timeout: Duration::from_secs(60),
            sqlite_checkpoint_interval: None,
        };
        let db = Database::connect(url, &settings).context("connecting to the bench database")?;
        db.migrate().context("migrating the bench database")?;
        let dialect = match storage::check_url(url)? {
            storage::Backend::Mysql => Dialect::Mysql,
            storage::Backend::Postgres => Dialect::Postgres,
            storage::Backend::Sqlite => Dialect::Sqlite,
        };
        Ok(BenchDb { db, dialect })
    }

    /// Runs one or more statements.
    pub fn execute(&self, sql: &str) -> anyhow::Result<()> {
        let mut conn = self.db.conn()?;
        let result = match &mut *conn {
            DbConnection::Sqlite(conn) => conn.batch_execute(sql),
            #[cfg(feature = "mysql")]
            DbConnection::Mysql(conn) => conn.batch_execute(sql),
            #[cfg(feature = "postgres")]
            DbConnection::Postgres(conn) => conn.batch_execute(sql),
        };
        result.with_context(|| format!("running {}", abbreviate(sql)))
    }

    /// The number a query like `SELECT COUNT(*) AS n FROM …` returns.
    pub fn number(&self, sql: &str) -> anyhow::Result<i64> {
        let mut conn = self.db.conn()?;
        let query = diesel::sql_query(sql);
        let result: diesel::QueryResult<Number> = match &mut *conn {
            DbConnection::Sqlite(conn) => query.get_result(conn),
            #[cfg(feature = "mysql")]
            DbConnection::Mysql(conn) => query.get_result(conn),
            #[cfg(feature = "postgres")]
            DbConnection::Postgres(conn) => query.get_result(conn),
        };
        Ok(result
            .with_context(|| format!("running {}", abbreviate(sql)))?
            .n)
    }

    /// Rows in `table`.
    pub fn count(&self, table: &str) -> anyhow::Result<i64> {
        self.number(&format!("SELECT COUNT(*) AS n FROM {table}"))
    }

    /// Removes the outbox jobs not sent yet, so that the next scenario does not start with a
    /// backlog left by the previous one.
    pub fn clear_pending_outbox(&self) -> anyhow::Result<()> {
        self.execute("DELETE FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL")
    }
}

impl Dialect {
    /// `INSERT INTO <into> SELECT <select> FROM <n = first .. first + count>`: generates rows
    /// in the database itself, without sending them.
    pub fn insert_series(&self, into: &str, select: &str, first: u64, count: u64) -> String {
        let last = first + count.max(1) - 1;
        match self {
            Dialect::Sqlite => format!(
                "WITH RECURSIVE seq(n) AS (SELECT {first} UNION ALL SELECT n + 1 FROM seq \
                 WHERE n < {last}) INSERT INTO {into} SELECT {select} FROM seq"
            ),
            Dialect::Mysql => format!(
                "INSERT INTO {into} SELECT {select} FROM \
                 (SELECT CAST(seq AS SIGNED) AS n FROM seq_{first}_to_{last}) AS s"
            ),
            Dialect::Postgres => format!(
                "INSERT INTO {into} SELECT {select} FROM \
                 generate_series(CAST({first} AS BIGINT), CAST({last} AS BIGINT)) AS s(n)"
            ),
        }
    }

    /// `time` minus `seconds` (an SQL expression) seconds, as a timestamp.
    pub fn minus_seconds(&self, time: NaiveDateTime, seconds: &str) -> String {
        let time = literal(time);
        match self {
            Dialect::Sqlite => {
                format!("strftime('%Y-%m-%d %H:%M:%f', {time}, (-({seconds})) || ' seconds')")
            }
            Dialect::Mysql => format!("(TIMESTAMP({time}) - INTERVAL ({seconds}) SECOND)"),
            Dialect::Postgres => {
                format!("(CAST({time} AS TIMESTAMP) - ({seconds}) * INTERVAL '1 second')")
            }
        }
    }

    /// A timestamp column moved `seconds` seconds into the past.
    pub fn shift_back(&self, column: &str, seconds: i64) -> String {
        match self {
            Dialect::Sqlite => {
                format!("strftime('%Y-%m-%d %H:%M:%f', {column}, '-{seconds} seconds')")
            }
            Dialect::Mysql => format!("({column} - INTERVAL {seconds} SECOND)"),
            Dialect::Postgres => format!("({column} - INTERVAL '{seconds} seconds')"),
        }
    }

    /// String concatenation of SQL expressions.
    pub fn concat(&self, parts: &[&str]) -> String {
        match self {
            Dialect::Sqlite => parts.join(" || "),
            Dialect::Mysql | Dialect::Postgres => format!("CONCAT({})", parts.join(", ")),
        }
    }

    /// 32 bytes that differ for every `n` (and every run, through `nonce`).
    pub fn hash32(&self, n: &str, nonce: &str) -> String {
        match self {
            Dialect::Sqlite => "randomblob(32)".to_owned(),
            Dialect::Mysql => format!("UNHEX(SHA2(CONCAT('{nonce}-', {n}), 256))"),
            Dialect::Postgres => format!("sha256(convert_to(CONCAT('{nonce}-', {n}), 'UTF8'))"),
        }
    }

    /// 32 lowercase hex digits that differ for every `n` (and every run).
    pub fn hex_key(&self, n: &str, nonce: &str) -> String {
        match self {
            Dialect::Sqlite => "lower(hex(randomblob(16)))".to_owned(),
            Dialect::Mysql | Dialect::Postgres => format!("MD5(CONCAT('{nonce}-', {n}))"),
        }
    }
}

/// A timestamp as an SQL literal both backends read.
pub fn literal(time: NaiveDateTime) -> String {
    format!("'{}'", time.format("%Y-%m-%d %H:%M:%S%.6f"))
}

fn abbreviate(sql: &str) -> String {
    sql.chars().take(120).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_inserts_generate_their_rows_in_the_database() {
        // Act
        let sqlite = Dialect::Sqlite.insert_series("t (a)", "n * 2", 5, 3);
        let mysql = Dialect::Mysql.insert_series("t (a)", "n * 2", 5, 3);

        // Assert
        assert_eq!(
            sqlite,
            "WITH RECURSIVE seq(n) AS (SELECT 5 UNION ALL SELECT n + 1 FROM seq WHERE n < 7) \
             INSERT INTO t (a) SELECT n * 2 FROM seq"
        );
        assert_eq!(
            mysql,
            "INSERT INTO t (a) SELECT n * 2 FROM (SELECT CAST(seq AS SIGNED) AS n FROM seq_5_to_7) AS s"
        );
    }

    #[test]
    fn timestamps_are_written_with_microseconds() {
        // Arrange
        let time = chrono::DateTime::from_timestamp(1_800_000_000, 5_000)
            .unwrap()
            .naive_utc();

        // Act / Assert
        assert_eq!(literal(time), "'2027-01-15 08:00:00.000005'");
    }

    #[test]
    fn a_sqlite_series_really_inserts_its_rows() {
        // Arrange
        let dir = std::env::temp_dir().join(format!("lifeline-benchdb-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}", dir.join("t.db").display());
        let db = BenchDb::connect(&url).unwrap();
        db.execute("CREATE TABLE t (a BIGINT NOT NULL)").unwrap();

        // Act
        db.execute(&db.dialect.insert_series("t (a)", "n", 1, 1000))
            .unwrap();

        // Assert
        assert_eq!(db.count("t").unwrap(), 1000);
        assert_eq!(db.number("SELECT SUM(a) AS n FROM t").unwrap(), 500_500);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
