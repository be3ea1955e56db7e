//! `database.auto_migrate = false`: the service and the account commands leave the schema
//! to `lifeline migrate`, so they can run with an account that may only read and write rows.

use mail::sink::SmtpSink;
use reqwest::StatusCode;
use storage::testing::TestDb;
use storage::{Backend, outbox};

use crate::cli::lifeline_in;
use crate::on_both_backends;
use crate::served_binary::ServedBinary;

on_both_backends!(without_auto_migrate_only_lifeline_migrate_changes_the_schema);

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
