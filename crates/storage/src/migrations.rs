//! Embedded migrations, one history per backend (`migrations/mysql`, `migrations/postgres`,
//! `migrations/sqlite`).

#[cfg(feature = "mysql")]
use diesel::MysqlConnection;
#[cfg(feature = "postgres")]
use diesel::PgConnection;
use diesel::backend::Backend as DieselBackend;
use diesel::migration::{MigrationConnection, MigrationSource};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::connection::DbConnection;
use crate::error::StorageError;

#[cfg(feature = "mysql")]
const MYSQL: EmbeddedMigrations = embed_migrations!("../../migrations/mysql");
#[cfg(feature = "postgres")]
const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

/// Runs every embedded migration that has not run yet and returns the versions applied.
///
/// Idempotent, and safe when several instances start at once: on SQLite the whole run holds
/// the write lock (`BEGIN IMMEDIATE`); on MySQL, where DDL cannot be rolled back, a named
/// server lock (`GET_LOCK`) lets one instance migrate while the others wait and then find
/// nothing left to do; on PostgreSQL the whole run is one transaction holding an advisory
/// lock (`pg_advisory_xact_lock`), so it is all or nothing and one instance at a time.
pub(crate) fn run_pending(conn: &mut DbConnection) -> Result<Vec<String>, StorageError> {
    let applied = match conn {
        #[cfg(feature = "mysql")]
        DbConnection::Mysql(inner) => run_mysql(inner)?,
        #[cfg(feature = "postgres")]
        DbConnection::Postgres(inner) => run_postgres(inner)?,
        DbConnection::Sqlite(inner) => inner
            .immediate_transaction(|inner| run(inner, SQLITE))
            .map_err(|error| StorageError::Migration(error.to_string()))?,
    };
    for version in &applied {
        tracing::info!(%version, "migration applied");
    }
    Ok(applied)
}

fn run<C, DB>(conn: &mut C, source: EmbeddedMigrations) -> diesel::migration::Result<Vec<String>>
where
    DB: DieselBackend,
    C: MigrationHarness<DB> + MigrationConnection<Backend = DB>,
    EmbeddedMigrations: MigrationSource<DB>,
{
    let versions = conn.run_pending_migrations(source)?;
    Ok(versions.iter().map(ToString::to_string).collect())
}

#[cfg(feature = "mysql")]
fn run_mysql(conn: &mut MysqlConnection) -> Result<Vec<String>, StorageError> {
    use diesel::RunQueryDsl;
    use diesel::sql_types::{BigInt, Nullable};

    #[derive(diesel::QueryableByName)]
    struct Lock {
        #[diesel(sql_type = Nullable<BigInt>)]
        acquired: Option<i64>,
    }

    // One lock per database: deployments sharing a server do not wait for each other.
    const LOCK_NAME: &str = "LEFT(CONCAT('lifeline_migrations.', DATABASE()), 64)";
    const LOCK_TIMEOUT_SECONDS: u32 = 120;
    let lock: Lock = diesel::sql_query(format!(
        "SELECT CAST(GET_LOCK({LOCK_NAME}, {LOCK_TIMEOUT_SECONDS}) AS SIGNED) AS acquired"
    ))
    .get_result(conn)?;
    if lock.acquired != Some(1) {
        return Err(StorageError::Migration(
            "another instance held the migration lock for too long".into(),
        ));
    }
    let result = run(conn, MYSQL).map_err(|error| StorageError::Migration(error.to_string()));
    diesel::sql_query(format!("DO RELEASE_LOCK({LOCK_NAME})")).execute(conn)?;
    result
}

#[cfg(feature = "postgres")]
fn run_postgres(conn: &mut PgConnection) -> Result<Vec<String>, StorageError> {
    use diesel::{Connection, RunQueryDsl};

    conn.transaction(|conn| {
        // A lock of this database (advisory locks are per database), released at commit.
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('lifeline_migrations'))")
            .execute(conn)
            .map_err(|error| StorageError::Migration(error.to_string()))?;
        run(conn, POSTGRES).map_err(|error| StorageError::Migration(error.to_string()))
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use crate::testing::{for_each_backend, for_each_backend_unmigrated};

    fn names(folder: &str) -> BTreeSet<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../migrations")
            .join(folder);
        std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn every_backend_has_the_same_migration_names() {
        let mysql = names("mysql");
        assert!(!mysql.is_empty());
        assert_eq!(mysql, names("sqlite"));
        assert_eq!(mysql, names("postgres"));
    }

    #[test]
    fn every_migration_has_up_and_down_scripts() {
        for folder in ["mysql", "postgres", "sqlite"] {
            for name in names(folder) {
                let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../migrations")
                    .join(folder)
                    .join(&name);
                assert!(dir.join("up.sql").is_file(), "{folder}/{name}/up.sql");
                assert!(dir.join("down.sql").is_file(), "{folder}/{name}/down.sql");
            }
        }
    }

    fn up_sql(folder: &str) -> Vec<(String, String)> {
        names(folder)
            .into_iter()
            .map(|name| {
                let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../migrations")
                    .join(folder)
                    .join(&name)
                    .join("up.sql");
                (name, std::fs::read_to_string(path).unwrap())
            })
            .collect()
    }

    fn without_comments(sql: &str) -> String {
        sql.lines()
            .filter(|line| !line.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn every_mysql_migration_holds_one_statement() {
        for (name, sql) in up_sql("mysql") {
            let statements = without_comments(&sql)
                .split(';')
                .filter(|part| !part.trim().is_empty())
                .count();
            assert_eq!(statements, 1, "{name}: MySQL commits DDL implicitly");
        }
    }

    #[test]
    fn mysql_times_keep_microseconds_and_tables_use_innodb_utf8mb4() {
        for (name, sql) in up_sql("mysql") {
            let sql = without_comments(&sql).to_uppercase();
            assert!(!sql.contains("TIMESTAMP"), "{name}: use DATETIME(6)");
            assert_eq!(
                sql.matches("DATETIME").count(),
                sql.matches("DATETIME(6)").count(),
                "{name}: plain DATETIME drops fractions"
            );
            if sql.contains("CREATE TABLE") {
                assert!(sql.contains("ENGINE=INNODB"), "{name}");
                assert!(sql.contains("CHARSET=UTF8MB4"), "{name}");
            }
        }
    }

    #[test]
    fn postgres_times_keep_microseconds_and_hashes_are_32_bytes() {
        for (name, sql) in up_sql("postgres") {
            let sql = without_comments(&sql).to_uppercase();
            assert!(!sql.contains("DATETIME"), "{name}: use TIMESTAMP(6)");
            assert!(
                !sql.contains("TIMESTAMPTZ"),
                "{name}: times are UTC, without a zone"
            );
            assert_eq!(
                sql.matches("BYTEA").count(),
                sql.matches("OCTET_LENGTH(").count(),
                "{name}: every hash column checks its length"
            );
        }
    }

    #[test]
    fn a_fresh_database_gets_every_migration_once() {
        for_each_backend_unmigrated(|db| {
            // Act
            let first = db.migrate().unwrap();
            let second = db.migrate().unwrap();

            // Assert
            assert_eq!(first.len(), names("sqlite").len());
            assert!(second.is_empty());
        });
    }

    #[test]
    fn migrating_a_migrated_database_changes_nothing() {
        for_each_backend(|db| {
            assert!(db.migrate().unwrap().is_empty());
            db.ping().unwrap();
        });
    }

    #[test]
    fn instances_migrating_at_the_same_time_do_not_collide() {
        for_each_backend_unmigrated(|db| {
            // Act
            let applied: Vec<usize> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..4)
                    .map(|_| scope.spawn(|| db.migrate().unwrap().len()))
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });

            // Assert: exactly one of them applied the whole history.
            assert_eq!(applied.iter().sum::<usize>(), names("sqlite").len());
            assert_eq!(applied.iter().filter(|&&n| n > 0).count(), 1);
        });
    }
}
