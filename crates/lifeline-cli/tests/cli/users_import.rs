//! `lifeline users import FILE.csv`, run as a process against SQLite and MariaDB.

use std::fmt::Write;

use lifeline::{Password, PasswordHasherService};
use storage::testing::{TestDb, create_user};
use storage::{Backend, EmailAddress, users};

use crate::cli::lifeline_in;
use crate::on_every_backend;

on_every_backend!(
    an_import_creates_accounts_and_reports_each_bad_line_by_number,
    importing_again_reports_present_addresses_and_succeeds,
    a_large_file_is_imported_in_batches_with_duplicates_found_across_them,
    a_file_without_the_header_is_refused_and_changes_nothing,
);

fn hasher() -> PasswordHasherService {
    PasswordHasherService::new(4096, 1, 1).expect("hasher")
}

/// Writes `csv` to `users.csv` in a fresh directory and imports it.
async fn import(db: &TestDb, csv: &str) -> crate::cli::CliRun {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("users.csv"), csv).unwrap();
    lifeline_in(dir.path(), db, &["users", "import", "users.csv"], &[]).await
}

fn user(db: &TestDb, email: &str) -> Option<users::User> {
    let email = EmailAddress::parse(email).unwrap();
    users::find_by_email(&mut db.conn().unwrap(), &email).unwrap()
}

async fn an_import_creates_accounts_and_reports_each_bad_line_by_number(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let hash = hasher()
        .hash(&Password::new("an imported passphrase".into()))
        .unwrap();
    let csv = format!(
        "email,password_hash\r\n\
         Ada@Example.com,{hash}\r\n\
         bob@example.com,\r\n\
         not-an-address,\r\n\
         carol@example.com,$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW\r\n\
         ada@example.com,\r\n\
         \r\n\
         \"dan@example.com\",\"{hash}\"\r\n"
    );

    // Act
    let run = import(&db, &csv).await;

    // Assert
    assert_eq!(run.status, 1, "{run:?}");
    assert_eq!(
        run.stdout.trim(),
        "users import: 3 imported, 0 already present, 1 duplicate in the file, 2 invalid"
    );
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert!(
        lines.contains(&"line 4: invalid email address: the address has no @; skipped"),
        "{run:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("line 5: the password hash is not a PHC string")),
        "{run:?}"
    );
    assert!(
        lines.contains(&"line 6: duplicate of line 2 (a***@example.com); skipped"),
        "{run:?}"
    );
    assert!(run.stderr.contains("2 invalid line(s) skipped"), "{run:?}");
    assert!(
        !run.stderr.contains("R9h/cIPz0gi"),
        "a hash was echoed: {run:?}"
    );
    let ada = user(&db, "ada@example.com").expect("ada imported");
    assert_eq!(ada.display_email, "Ada@example.com");
    assert!(hasher().verify(
        &Password::new("an imported passphrase".into()),
        ada.password_hash.as_deref()
    ));
    assert_eq!(user(&db, "bob@example.com").unwrap().password_hash, None);
    assert_eq!(
        user(&db, "dan@example.com").unwrap().password_hash,
        Some(hash)
    );
    assert!(user(&db, "carol@example.com").is_none());
    assert_eq!(users::count(&mut db.conn().unwrap()).unwrap(), 3);
}

async fn importing_again_reports_present_addresses_and_succeeds(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    create_user(&mut db.conn().unwrap(), "bob@example.com");
    let csv = "email\nada@example.com\nbob@example.com\ncarol@example.com\n";

    // Act
    let first = import(&db, csv).await;
    let second = import(&db, csv).await;

    // Assert
    assert_eq!(first.status, 0, "{first:?}");
    assert_eq!(
        first.stdout.trim(),
        "users import: 2 imported, 1 already present, 0 duplicate in the file, 0 invalid"
    );
    assert_eq!(
        first.stderr.trim(),
        "line 3: an account with this address already exists (b***@example.com); skipped"
    );
    assert_eq!(second.status, 0, "{second:?}");
    assert!(
        second.stdout.contains("0 imported, 3 already present"),
        "{second:?}"
    );
    assert_eq!(users::count(&mut db.conn().unwrap()).unwrap(), 3);
}

async fn a_large_file_is_imported_in_batches_with_duplicates_found_across_them(backend: Backend) {
    // Arrange: more than two batches, and a duplicate far from its first line.
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let rows = 2 * lifeline_cli::commands::users_import::BATCH_SIZE + 7;
    let mut csv = String::from("email\n");
    for n in 0..rows {
        let _ = writeln!(csv, "user{n}@example.com");
    }
    csv.push_str("user3@example.com\n");

    // Act
    let run = import(&db, &csv).await;

    // Assert
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(
        run.stdout.trim(),
        format!(
            "users import: {rows} imported, 0 already present, 1 duplicate in the file, 0 invalid"
        )
    );
    let last_line = rows + 2;
    assert_eq!(
        run.stderr.trim(),
        format!("line {last_line}: duplicate of line 5 (u***@example.com); skipped"),
        "only the report, no progress bar on a pipe"
    );
    assert_eq!(
        users::count(&mut db.conn().unwrap()).unwrap(),
        i64::try_from(rows).unwrap()
    );
}

async fn a_file_without_the_header_is_refused_and_changes_nothing(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };

    // Act
    let headless = import(&db, "ada@example.com\nbob@example.com\n").await;
    let empty = import(&db, "").await;
    let missing = lifeline_in(
        tempfile::tempdir().unwrap().path(),
        &db,
        &["users", "import", "no-such-file.csv"],
        &[],
    )
    .await;

    // Assert
    assert_eq!(headless.status, 1);
    assert!(
        headless
            .stderr
            .contains("the first line must be the header `email` or `email,password_hash`"),
        "{headless:?}"
    );
    assert_eq!(empty.status, 1);
    assert!(empty.stderr.contains("is empty"), "{empty:?}");
    assert_eq!(missing.status, 1);
    assert!(
        missing.stderr.contains("Failed to open no-such-file.csv"),
        "{missing:?}"
    );
    assert_eq!(users::count(&mut db.conn().unwrap()).unwrap(), 0);
}

#[tokio::test]
async fn users_commands_refuse_to_write_lifeline_s_table_when_the_directory_is_mapped() {
    // Accounts live in the application's `members` table.
    let mapped = [
        ("LIFELINE_DIRECTORY__KIND", "sql"),
        ("LIFELINE_DIRECTORY__TABLE", "members"),
    ];
    the_table_commands_refuse(
        &mapped,
        "the accounts live in the application's table `members`",
    )
    .await;
}

#[tokio::test]
#[cfg_attr(
    not(feature = "ldap"),
    ignore = "the LDAP plugin is not built in: test with --features ldap"
)]
async fn users_commands_refuse_to_write_lifeline_s_table_when_a_plugin_holds_the_accounts() {
    // Accounts live in an LDAP directory (never reached: the refusal comes first).
    let ldap = [
        ("LIFELINE_DIRECTORY__KIND", "ldap"),
        ("LIFELINE_DIRECTORY__LDAP__URL", "ldaps://127.0.0.1:1"),
        (
            "LIFELINE_DIRECTORY__LDAP__BIND_DN",
            "cn=lifeline,dc=example,dc=org",
        ),
        (
            "LIFELINE_DIRECTORY__LDAP__BIND_PASSWORD",
            "ldap-service-secret-43",
        ),
        (
            "LIFELINE_DIRECTORY__LDAP__BASE_DN",
            "ou=people,dc=example,dc=org",
        ),
    ];
    the_table_commands_refuse(&ldap, "the accounts live in the `ldap` directory").await;
}

/// `users import`, `list` and `add`, run with `directory`, each exit 1 saying `reason`, and
/// Lifeline's own table stays untouched.
async fn the_table_commands_refuse(directory: &[(&str, &str)], reason: &str) {
    let db = TestDb::new(Backend::Sqlite).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("users.csv"), "email\r\nada@example.com\r\n").unwrap();

    for args in [
        &["users", "import", "users.csv"][..],
        &["users", "list"][..],
        &["users", "add", "ada@example.com"][..],
    ] {
        let run = lifeline_in(dir.path(), &db, args, directory).await;

        assert_eq!(run.status, 1, "{args:?}: {run:?}");
        assert!(run.stderr.contains(reason), "{args:?}: {run:?}");
        assert!(user(&db, "ada@example.com").is_none(), "{args:?}");
    }
}
