//! `database.auto_migrate = false`: the service and the account commands leave the schema
//! to `lifeline migrate`, so they can run with an account that may only read and write rows.

use mail::sink::SmtpSink;
use reqwest::StatusCode;
use storage::testing::TestDb;
use storage::{Backend, outbox};

use crate::cli::lifeline_in;
use crate::on_every_backend;
use crate::served_binary::ServedBinary;

on_every_backend!(
    without_auto_migrate_only_lifeline_migrate_changes_the_schema,
    a_command_exits_cleanly_every_time,
);

const OFF: (&str, &str) = ("LIFELINE_DATABASE__AUTO_MIGRATE", "false");

async fn without_auto_migrate_only_lifeline_migrate_changes_the_schema(backend: Backend) {
    // Arrange: an empty database.
    let Some(db) = TestDb::unmigrated(backend) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("users.csv"), "email\nada@example.com\n").unwrap();
    let sink = SmtpSink::start().await.unwrap();
    let import = ["users", "import", "users.csv"];

    // Act
    let served = ServedBinary::start_with_env(&db, &sink, "info", &[OFF]).await;
    let health = reqwest::get(served.url("/healthz")).await.unwrap().status();
    drop(served);
    let schema_after_serve = outbox::stats(&mut db.conn().unwrap(), chrono::Utc::now().naive_utc());
    let refused = lifeline_in(dir.path(), &db, &import, &[OFF]).await;
    let migrated = lifeline_in(dir.path(), &db, &["migrate"], &[]).await;
    let imported = lifeline_in(dir.path(), &db, &import, &[OFF]).await;

    // Assert
    assert_eq!(health, StatusCode::OK);
    assert!(schema_after_serve.is_err(), "serve created the tables");
    assert_eq!(refused.status, 1, "{refused:?}");
    assert_eq!(migrated.status, 0, "{migrated:?}");
    assert!(!migrated.stdout.starts_with("0 "), "{migrated:?}");
    assert!(
        migrated.stdout.contains("migration(s) applied"),
        "{migrated:?}"
    );
    assert_eq!(imported.status, 0, "{imported:?}");
    assert!(imported.stdout.contains("1 imported"), "{imported:?}");
}

/// How often the command is run: an exit that crashed one run in three (a PostgreSQL
/// connection still being opened in the background while the process exited) is seen in
/// twenty runs all but certainly.
const RUNS: usize = 20;

async fn a_command_exits_cleanly_every_time(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();

    // Act: the environment is cleared (no HOME), as a service manager may start it.
    let mut statuses = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let migrated = lifeline_in(dir.path(), &db, &["migrate"], &[]).await;
        statuses.push((migrated.status, migrated.stdout));
    }

    // Assert
    let expected = (0, "0 migration(s) applied\n".to_owned());
    assert!(statuses.iter().all(|s| *s == expected), "{statuses:?}");
}
