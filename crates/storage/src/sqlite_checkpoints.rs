//! SQLite's WAL checkpoints, run by one background thread instead of inside commits, when
//! [`crate::PoolSettings::sqlite_checkpoint_interval`] asks for it (off by default).
//!
//! By default SQLite checkpoints in the commit that takes its write-ahead log past 1,000
//! pages: that commit copies the log into the database file and syncs it (`synchronous =
//! FULL`) before it returns, so now and then one request's group commit, or one purge batch,
//! pays for everybody's writes. With an interval, the pool's connections set
//! `wal_autocheckpoint = 0` instead ([`crate::connection`]), and this thread runs a `PASSIVE`
//! checkpoint on a connection of its own that often: a passive checkpoint takes no lock a
//! reader or the writer waits for, and copies what it can. It is a trade, measured in the load
//! harness (docs/performance.md, "Known limits"): while a million aged rows are purged it
//! accepts 15–20 % more requests, but each checkpoint syncs the database file, and on a large
//! database the more frequent syncs raise the p99 of accepted requests, which is why SQLite's
//! own checkpoints stay the default. The interval is `database.sqlite_checkpoint_ms`.
//!
//! The thread ends when the last clone of the [`crate::Database`] is dropped; closing its
//! connection, the last one, checkpoints what is left and removes the log file.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use diesel::connection::SimpleConnection;

use crate::DbConnection;

/// The running checkpoint thread; dropping it stops the thread and waits for it.
pub(crate) struct Checkpointer {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Checkpoints through `conn` every `interval` until dropped.
    pub(crate) fn start(mut conn: DbConnection, interval: Duration) -> std::io::Result<Self> {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(interval) {
                    if let Err(error) = conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE);") {
                        tracing::warn!(%error, "SQLite checkpoint failed");
                    }
                }
            })?;
        Ok(Self {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use diesel::RunQueryDsl;
    use diesel::sql_types::BigInt;

    use crate::{Database, PoolSettings};

    /// The interval the tests run the thread with.
    const INTERVAL: std::time::Duration = std::time::Duration::from_millis(50);

    #[derive(diesel::QueryableByName)]
    struct Pages {
        #[diesel(sql_type = BigInt)]
        wal_autocheckpoint: i64,
    }

    fn open(dir: &tempfile::TempDir) -> (Database, std::path::PathBuf) {
        let path = dir.path().join("checkpoints.db");
        let settings = PoolSettings {
            sqlite_checkpoint_interval: Some(INTERVAL),
            ..PoolSettings::default()
        };
        let db = Database::connect(&format!("sqlite://{}", path.display()), &settings).unwrap();
        (db, path)
    }

    #[test]
    fn with_the_thread_the_pools_connections_never_checkpoint_in_a_commit() {
        let dir = tempfile::tempdir().unwrap();
        let (db, _) = open(&dir);

        let pages: Pages = diesel::sql_query("PRAGMA wal_autocheckpoint")
            .get_result(&mut *db.conn().unwrap())
            .unwrap();

        assert_eq!(pages.wal_autocheckpoint, 0);
    }

    #[test]
    fn without_an_interval_sqlite_checkpoints_in_commits_as_it_does_by_default() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("checkpoints.db");
        let db = Database::connect(
            &format!("sqlite://{}", path.display()),
            &PoolSettings::default(),
        )
        .unwrap();

        let pages: Pages = diesel::sql_query("PRAGMA wal_autocheckpoint")
            .get_result(&mut *db.conn().unwrap())
            .unwrap();

        assert_eq!(pages.wal_autocheckpoint, 1000);
    }

    #[test]
    fn committed_pages_reach_the_database_file_through_the_thread() {
        let dir = tempfile::tempdir().unwrap();
        let (db, path) = open(&dir);
        let mut conn = db.conn().unwrap();
        diesel::sql_query("CREATE TABLE filler (body BLOB NOT NULL)")
            .execute(&mut *conn)
            .unwrap();
        let before = std::fs::metadata(&path).unwrap().len();

        // About 2 MiB in pages that only a checkpoint copies into the database file.
        diesel::sql_query(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) \
             INSERT INTO filler SELECT randomblob(1000) FROM n",
        )
        .execute(&mut *conn)
        .unwrap();

        let deadline = Instant::now() + std::time::Duration::from_secs(30);
        while std::fs::metadata(&path).unwrap().len() < before + 1_000_000 {
            assert!(
                Instant::now() < deadline,
                "no checkpoint copied the log into the file"
            );
            std::thread::sleep(INTERVAL);
        }
    }

    #[test]
    fn the_thread_ends_with_the_last_handle_and_its_connection_closes() {
        let dir = tempfile::tempdir().unwrap();
        let (db, path) = open(&dir);
        diesel::sql_query("CREATE TABLE t (x INTEGER)")
            .execute(&mut *db.conn().unwrap())
            .unwrap();
        let log = path.with_extension("db-wal");
        assert!(log.exists());

        let clone = db.clone();
        drop(db);
        assert!(log.exists(), "a clone still holds the database");
        drop(clone);

        // The last connection to close (the thread's) removes the log.
        assert!(!log.exists());
    }
}
