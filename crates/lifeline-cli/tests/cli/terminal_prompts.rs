//! What a person at a terminal sees: `lifeline users add|set-password` ask for the password
//! twice without echoing it (and again when the two differ), `lifeline users delete` asks for
//! the address again. Run in a real pseudo-terminal, on both backends.

use std::process::Command;

use lifeline::PasswordHasherService;
use rexpect::session::{PtySession, spawn_command};
use storage::testing::{TestDb, create_user};
use storage::{Backend, EmailAddress, users};

use crate::on_every_backend;

on_every_backend!(
    set_password_on_a_terminal_asks_twice_without_echo_and_again_on_a_mismatch,
    users_add_on_a_terminal_asks_twice_without_echo,
    delete_on_a_terminal_needs_the_address_typed_again,
);

const ADA: &str = "ada@example.com";

/// `lifeline ARGS…` on `db` in a pseudo-terminal.
fn terminal(db: &TestDb, args: &[&str]) -> PtySession {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lifeline"));
    command
        .args(args)
        .env_clear()
        .env("LIFELINE_DATABASE__URL", db.url())
        .env("LIFELINE_LOG__FILTER", "warn");
    spawn_command(command, Some(30_000)).unwrap()
}

fn user(db: &TestDb, email: &str) -> Option<users::User> {
    let email = EmailAddress::parse(email).unwrap();
    users::find_by_email(&mut db.conn().unwrap(), &email).unwrap()
}

fn verifies(db: &TestDb, password: &str) -> bool {
    let hasher = PasswordHasherService::new(4096, 1, 1).unwrap();
    let stored = user(db, ADA).unwrap().password_hash;
    hasher.verify(&lifeline::Password::new(password.into()), stored.as_deref())
}

async fn set_password_on_a_terminal_asks_twice_without_echo_and_again_on_a_mismatch(
    backend: Backend,
) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    create_user(&mut db.conn().unwrap(), ADA);
    let db = std::sync::Arc::new(db);
    let shown = {
        let db = std::sync::Arc::clone(&db);
        tokio::task::spawn_blocking(move || {
            // Act
            let mut p = terminal(&db, &["users", "set-password", ADA]);
            let mut shown = p.exp_string("New password for ada@example.com: ").unwrap();
            p.send_line("a first long passphrase").unwrap();
            shown += &p.exp_string("Again, to confirm: ").unwrap();
            p.send_line("a typo in the passphrase").unwrap();
            shown += &p
                .exp_string("The two passwords differ; try again.")
                .unwrap();
            shown += &p.exp_string("New password for ada@example.com: ").unwrap();
            p.send_line("the passphrase at last").unwrap();
            shown += &p.exp_string("Again, to confirm: ").unwrap();
            p.send_line("the passphrase at last").unwrap();
            shown += &p.exp_eof().unwrap();
            shown
        })
        .await
        .unwrap()
    };

    // Assert
    assert!(
        shown.contains("password set for ada@example.com"),
        "{shown}"
    );
    for typed in [
        "a first long passphrase",
        "a typo",
        "the passphrase at last",
    ] {
        assert!(!shown.contains(typed), "echoed {typed:?}: {shown}");
    }
    assert!(verifies(&db, "the passphrase at last"));
}

async fn users_add_on_a_terminal_asks_twice_without_echo(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let db = std::sync::Arc::new(db);
    let shown = {
        let db = std::sync::Arc::clone(&db);
        tokio::task::spawn_blocking(move || {
            // Act
            let mut p = terminal(&db, &["users", "add", ADA]);
            let mut shown = p.exp_string("New password for ada@example.com: ").unwrap();
            p.send_line("ada's terminal passphrase").unwrap();
            shown += &p.exp_string("Again, to confirm: ").unwrap();
            p.send_line("ada's terminal passphrase").unwrap();
            shown += &p.exp_eof().unwrap();
            shown
        })
        .await
        .unwrap()
    };

    // Assert
    assert!(shown.contains("created user"), "{shown}");
    assert!(!shown.contains("terminal passphrase"), "echoed: {shown}");
    assert!(verifies(&db, "ada's terminal passphrase"));
    let conn = &mut db.conn().unwrap();
    let ada = users::find_by_email(conn, &EmailAddress::parse(ADA).unwrap())
        .unwrap()
        .unwrap();
    let events = storage::audit::recent_for_user(conn, ada.id, 10).unwrap();
    let recorded: Vec<_> = events
        .iter()
        .map(|e| (e.kind.as_str(), e.detail.as_deref()))
        .collect();
    assert_eq!(
        recorded,
        [("operator_created", Some("lifeline users add"))],
        "the creation is audited"
    );
}

async fn delete_on_a_terminal_needs_the_address_typed_again(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    create_user(&mut db.conn().unwrap(), ADA);
    let db = std::sync::Arc::new(db);
    let (refused, confirmed) = {
        let db = std::sync::Arc::clone(&db);
        tokio::task::spawn_blocking(move || {
            // Act: a wrong answer, then the address.
            let mut p = terminal(&db, &["users", "delete", ADA]);
            p.exp_string("Type the address again to confirm: ").unwrap();
            p.send_line("y").unwrap();
            let refused = p.exp_eof().unwrap();
            let still_there = user(&db, ADA).is_some();
            let mut p = terminal(&db, &["users", "delete", ADA]);
            p.exp_string("Type the address again to confirm: ").unwrap();
            p.send_line("ADA@example.com").unwrap();
            (refused + &still_there.to_string(), p.exp_eof().unwrap())
        })
        .await
        .unwrap()
    };

    // Assert
    assert!(
        refused.contains("not confirmed; nothing was deleted"),
        "{refused}"
    );
    assert!(
        refused.ends_with("true"),
        "kept after a wrong answer: {refused}"
    );
    assert!(confirmed.contains("deleted user"), "{confirmed}");
    assert!(user(&db, ADA).is_none());
}
