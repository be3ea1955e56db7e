//! `lifeline users show|disable|enable|delete|set-password|unpause|list` and `lifeline
//! audit`, run as a process against SQLite and MariaDB, as support runs them.

use chrono::TimeDelta;
use lifeline::{Password, PasswordHasherService};
use storage::testing::{TestDb, create_user, fixed_now};
use storage::{Backend, EmailAddress, audit, outbox, users};

use crate::cli::{CliRun, lifeline, lifeline_fed};
use crate::on_every_backend;

on_every_backend!(
    users_list_prints_a_header_rfc3339_times_and_json,
    users_show_prints_the_account_and_json,
    disable_and_enable_change_the_account_and_are_audited,
    every_account_command_exits_1_for_an_unknown_address,
    set_password_from_a_pipe_applies_the_policy_and_ends_every_session,
    delete_from_a_script_needs_yes_and_is_audited,
    unpause_lifts_a_pause,
    audit_lists_the_account_s_events_newest_first_within_the_limit,
);

const ADA: &str = "ada@example.com";

fn user(db: &TestDb, email: &str) -> Option<users::User> {
    let email = EmailAddress::parse(email).unwrap();
    users::find_by_email(&mut db.conn().unwrap(), &email).unwrap()
}

fn json(run: &CliRun) -> serde_json::Value {
    assert_eq!(run.status, 0, "{run:?}");
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"))
}

/// The account's audit event kinds and details, newest first.
fn audited(db: &TestDb, id: i64) -> Vec<(String, Option<String>)> {
    audit::recent_for_user(&mut db.conn().unwrap(), id, 50)
        .unwrap()
        .into_iter()
        .map(|event| (event.kind, event.detail))
        .collect()
}

async fn users_list_prints_a_header_rfc3339_times_and_json(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let ada = create_user(&mut db.conn().unwrap(), ADA);
    create_user(&mut db.conn().unwrap(), "grace@example.com");
    users::disable(&mut db.conn().unwrap(), ada.id, fixed_now()).unwrap();

    // Act
    let table = lifeline(&db, &["users", "list"]).await;
    let listed = json(&lifeline(&db, &["users", "list", "--json"]).await);

    // Assert
    assert_eq!(table.status, 0, "{table:?}");
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["ID", "EMAIL", "CREATED", "DISABLED"]
    );
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        [
            &ada.id.to_string(),
            ADA,
            "2030-01-02T03:04:05Z",
            "2030-01-02T03:04:05Z"
        ],
        "{table:?}"
    );
    assert!(lines[2].ends_with("2030-01-02T03:04:05Z  -"), "{table:?}");
    assert_eq!(lines[1].find(ADA), lines[2].find("grace"), "aligned");
    assert_eq!(listed["users"][0]["email"], ADA);
    assert_eq!(listed["users"][0]["created_at"], "2030-01-02T03:04:05Z");
    assert_eq!(listed["users"][0]["disabled_at"], "2030-01-02T03:04:05Z");
    assert_eq!(listed["users"][1]["disabled_at"], serde_json::Value::Null);
}

async fn users_show_prints_the_account_and_json(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let ada = create_user(&mut db.conn().unwrap(), ADA);
    let until = fixed_now() + TimeDelta::days(1);
    users::pause_resets(&mut db.conn().unwrap(), ada.id, until, fixed_now()).unwrap();

    // Act
    let table = lifeline(&db, &["users", "show", ADA]).await;
    let shown = json(&lifeline(&db, &["users", "show", "--json", "ADA@example.com"]).await);

    // Assert
    assert_eq!(table.status, 0, "{table:?}");
    assert!(table.stdout.starts_with("FIELD"), "{table:?}");
    assert!(table.stdout.contains("2030-01-03T03:04:05Z"), "{table:?}");
    assert_eq!(shown["id"], ada.id);
    assert_eq!(shown["email"], ADA);
    assert_eq!(shown["has_password"], true);
    assert_eq!(shown["disabled_at"], serde_json::Value::Null);
    assert_eq!(shown["resets_paused_until"], "2030-01-03T03:04:05Z");
    assert_eq!(shown["auth_epoch"], 0);
}

async fn disable_and_enable_change_the_account_and_are_audited(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let ada = create_user(&mut db.conn().unwrap(), ADA);
    let now = chrono::Utc::now().naive_utc();
    storage::sessions::create(
        &mut db.conn().unwrap(),
        &storage::sessions::NewSession {
            user_id: ada.id,
            secret_hash: &[1; storage::sessions::SECRET_HASH_LEN],
            auth_epoch: 0,
            method: storage::sessions::Method::Password,
            ip: None,
            user_agent: None,
            now,
            expires_at: now + TimeDelta::hours(1),
        },
    )
    .unwrap();

    // Act / Assert
    let disabled = lifeline(&db, &["users", "disable", ADA]).await;
    assert_eq!(disabled.status, 0, "{disabled:?}");
    assert!(disabled.stdout.contains("disabled ada@example.com"));
    let stored = user(&db, ADA).unwrap();
    assert!(stored.disabled_at.is_some());
    assert_eq!(
        stored.auth_epoch,
        ada.auth_epoch + 1,
        "links and sessions end"
    );
    let left = storage::sessions::list_for_user(&mut db.conn().unwrap(), ada.id, 0, now).unwrap();
    assert!(left.is_empty(), "the session records are gone");

    let enabled = lifeline(&db, &["users", "enable", ADA]).await;
    assert_eq!(enabled.status, 0, "{enabled:?}");
    assert_eq!(user(&db, ADA).unwrap().disabled_at, None);
    assert_eq!(
        audited(&db, ada.id),
        [
            (
                "operator_enabled".into(),
                Some("lifeline users enable".into())
            ),
            (
                "operator_disabled".into(),
                Some("lifeline users disable".into())
            ),
        ]
    );
}

async fn every_account_command_exits_1_for_an_unknown_address(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let nobody = "nobody@example.com";

    for args in [
        &["users", "show", nobody][..],
        &["users", "disable", nobody],
        &["users", "enable", nobody],
        &["users", "delete", "--yes", nobody],
        &["users", "unpause", nobody],
        &["audit", nobody],
    ] {
        // Act
        let run = lifeline(&db, args).await;

        // Assert
        assert_eq!(run.status, 1, "{args:?}: {run:?}");
        assert_eq!(
            run.stderr.trim(),
            "lifeline: no account with the address nobody@example.com",
            "{args:?}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let args = ["users", "set-password", nobody];
    let run = lifeline_fed(dir.path(), &db, &args, &[], Some("a long new passphrase\n")).await;
    assert_eq!(run.status, 1, "{run:?}");
    assert!(
        run.stderr.contains("no account with the address"),
        "{run:?}"
    );
}

async fn set_password_from_a_pipe_applies_the_policy_and_ends_every_session(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let ada = create_user(&mut db.conn().unwrap(), ADA);
    let dir = tempfile::tempdir().unwrap();
    let args = ["users", "set-password", ADA];

    // Act
    let weak = lifeline_fed(dir.path(), &db, &args, &[], Some("short\n")).await;
    let strong = lifeline_fed(
        dir.path(),
        &db,
        &args,
        &[],
        Some("a long new passphrase for ada\n"),
    )
    .await;

    // Assert
    assert_eq!(weak.status, 1, "{weak:?}");
    assert!(weak.stderr.contains("password refused"), "{weak:?}");
    assert_eq!(strong.status, 0, "{strong:?}");
    let stored = user(&db, ADA).unwrap();
    assert_eq!(
        stored.auth_epoch,
        ada.auth_epoch + 1,
        "links and sessions end"
    );
    let hasher = PasswordHasherService::new(4096, 1, 1).unwrap();
    let password = Password::new("a long new passphrase for ada".into());
    assert!(hasher.verify(&password, stored.password_hash.as_deref()));
    assert_eq!(
        audited(&db, ada.id),
        [(
            "operator_password_set".into(),
            Some("lifeline users set-password".into())
        )]
    );
    let queued = outbox::stats(&mut db.conn().unwrap(), chrono::Utc::now().naive_utc())
        .unwrap()
        .pending;
    assert_eq!(queued, 1, "the \"password changed\" mail is queued");
}

async fn delete_from_a_script_needs_yes_and_is_audited(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let ada = create_user(&mut db.conn().unwrap(), ADA);

    // Act
    let unconfirmed = lifeline(&db, &["users", "delete", ADA]).await;
    let still_there = user(&db, ADA).is_some();
    let confirmed = lifeline(&db, &["users", "delete", "--yes", ADA]).await;

    // Assert
    assert_eq!(unconfirmed.status, 1, "{unconfirmed:?}");
    assert!(unconfirmed.stderr.contains("--yes"), "{unconfirmed:?}");
    assert!(still_there);
    assert_eq!(confirmed.status, 0, "{confirmed:?}");
    assert!(user(&db, ADA).is_none());
    assert_eq!(
        audited(&db, ada.id),
        [(
            "operator_deleted".into(),
            Some("lifeline users delete".into())
        )]
    );
}

async fn unpause_lifts_a_pause(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let ada = create_user(&mut db.conn().unwrap(), ADA);
    let until = chrono::Utc::now().naive_utc() + TimeDelta::days(1);
    users::pause_resets(&mut db.conn().unwrap(), ada.id, until, fixed_now()).unwrap();

    // Act
    let run = lifeline(&db, &["users", "unpause", ADA]).await;

    // Assert
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(user(&db, ADA).unwrap().resets_paused_until, None);
    assert_eq!(audited(&db, ada.id)[0].0, "operator_pause_lifted");
}

async fn audit_lists_the_account_s_events_newest_first_within_the_limit(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let ada = create_user(&mut db.conn().unwrap(), ADA);
    for (minutes, kind) in [(1, "password_reset"), (3, "not_me"), (2, "sign_in")] {
        let event = audit::NewAuditEvent {
            user_id: Some(ada.id),
            kind,
            ip: Some("203.0.113.9"),
            user_agent: None,
            detail: None,
            created_at: fixed_now() + TimeDelta::minutes(minutes),
        };
        audit::record(&mut db.conn().unwrap(), &event).unwrap();
    }

    // Act
    let table = lifeline(&db, &["audit", ADA, "--limit", "2"]).await;
    let listed = json(&lifeline(&db, &["audit", "--json", ADA]).await);

    // Assert
    assert_eq!(table.status, 0, "{table:?}");
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "header and two events: {table:?}");
    assert!(lines[0].starts_with("TIME"), "{table:?}");
    assert!(
        lines[1].starts_with("2030-01-02T03:07:05Z  not_me"),
        "{table:?}"
    );
    assert!(lines[2].contains("sign_in"), "{table:?}");
    assert_eq!(listed["account"]["email"], ADA);
    let kinds: Vec<&str> = listed["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["not_me", "sign_in", "password_reset"]);
    assert_eq!(listed["events"][0]["ip"], "203.0.113.9");
}
