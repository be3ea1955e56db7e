//! The account commands against an application's own table (`[directory] kind = "sql"`):
//! done through the mapped columns, or refused with a message naming the setting.

use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
use storage::Backend;
use storage::testing::TestDb;

use crate::cli::{CliRun, lifeline_in};
use crate::on_both_backends;

on_both_backends!(
    account_commands_work_through_the_mapped_columns,
    without_a_mapped_column_the_commands_refuse_naming_the_setting,
);

const GRACE: &str = "grace@example.com";

fn create_members(db: &TestDb, backend: Backend) {
    let ddl = match backend {
        Backend::Mysql => {
            "CREATE TABLE members (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, \
             email VARCHAR(255) NOT NULL UNIQUE, password_hash VARCHAR(255) NULL, \
             auth_epoch BIGINT NOT NULL DEFAULT 0, paused DATETIME NULL, banned DATETIME NULL)"
        }
        Backend::Sqlite => {
            "CREATE TABLE members (id INTEGER PRIMARY KEY AUTOINCREMENT, \
             email TEXT NOT NULL UNIQUE, password_hash TEXT NULL, \
             auth_epoch INTEGER NOT NULL DEFAULT 0, paused TIMESTAMP NULL, \
             banned TIMESTAMP NULL)"
        }
    };
    let conn = &mut *db.conn().unwrap();
    conn.batch_execute(ddl).unwrap();
    diesel::sql_query(
        "INSERT INTO members (email, paused) VALUES ('grace@example.com', '2999-01-01 00:00:00')",
    )
    .execute(conn)
    .unwrap();
}

async fn run(db: &TestDb, args: &[&str], columns: bool) -> CliRun {
    let dir = tempfile::tempdir().unwrap();
    let mut env = vec![
        ("LIFELINE_DIRECTORY__KIND", "sql"),
        ("LIFELINE_DIRECTORY__TABLE", "members"),
    ];
    if columns {
        env.push(("LIFELINE_DIRECTORY__DISABLED_AT_COLUMN", "banned"));
        env.push(("LIFELINE_DIRECTORY__RESETS_PAUSED_UNTIL_COLUMN", "paused"));
    }
    lifeline_in(dir.path(), db, args, &env).await
}

async fn account_commands_work_through_the_mapped_columns(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    create_members(&db, backend);

    // Act / Assert
    for args in [
        &["users", "disable", GRACE][..],
        &["users", "unpause", GRACE],
    ] {
        let done = run(&db, args, true).await;
        assert_eq!(done.status, 0, "{args:?}: {done:?}");
    }
    let shown = run(&db, &["users", "show", "--json", GRACE], true).await;
    let shown: serde_json::Value = serde_json::from_str(&shown.stdout).unwrap();
    assert!(shown["disabled_at"].is_string(), "{shown}");
    assert_eq!(shown["resets_paused_until"], serde_json::Value::Null);
    assert_eq!(shown["auth_epoch"], 1);
    let audit = run(&db, &["audit", GRACE], true).await;
    assert!(audit.stdout.contains("operator_disabled"), "{audit:?}");
    assert!(audit.stdout.contains("operator_pause_lifted"), "{audit:?}");
}

async fn without_a_mapped_column_the_commands_refuse_naming_the_setting(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    create_members(&db, backend);

    for (args, setting) in [
        (
            &["users", "disable", GRACE][..],
            "directory.disabled_at_column",
        ),
        (&["users", "enable", GRACE], "directory.disabled_at_column"),
        (
            &["users", "unpause", GRACE],
            "directory.resets_paused_until_column",
        ),
        (
            &["users", "delete", "--yes", GRACE],
            "delete the account there",
        ),
    ] {
        // Act
        let refused = run(&db, args, false).await;

        // Assert
        assert_eq!(refused.status, 1, "{args:?}: {refused:?}");
        assert!(refused.stderr.contains(setting), "{args:?}: {refused:?}");
    }
    let shown = run(&db, &["users", "show", "--json", GRACE], false).await;
    let shown: serde_json::Value = serde_json::from_str(&shown.stdout).unwrap();
    assert_eq!(shown["auth_epoch"], 0, "nothing changed");
}
