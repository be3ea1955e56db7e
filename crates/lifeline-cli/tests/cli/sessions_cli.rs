//! `lifeline sessions list|revoke EMAIL`, run as a process against SQLite and MariaDB.

use chrono::{TimeDelta, Utc};
use storage::sessions::{self, Method, NewSession, SessionRecord};
use storage::testing::{TestDb, create_user};
use storage::{Backend, DbConnection, audit};

use crate::cli::lifeline;
use crate::on_every_backend;

on_every_backend!(
    sessions_list_prints_the_live_sessions_with_a_header_and_json,
    sessions_revoke_ends_one_session_or_all_and_is_audited,
);

const ADA: &str = "ada@example.com";

fn session(conn: &mut DbConnection, user_id: i64, n: u8, ip: &str) -> SessionRecord {
    let now = Utc::now().naive_utc();
    sessions::create(
        conn,
        &NewSession {
            user_id,
            secret_hash: &[n; sessions::SECRET_HASH_LEN],
            auth_epoch: 0,
            method: Method::Password,
            ip: Some(ip),
            user_agent: Some("Firefox"),
            now: now - TimeDelta::minutes(i64::from(n)),
            expires_at: now + TimeDelta::hours(1),
        },
    )
    .unwrap()
}

fn live(db: &TestDb, user_id: i64) -> Vec<i64> {
    let now = Utc::now().naive_utc();
    sessions::list_for_user(&mut db.conn().unwrap(), user_id, 0, now)
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect()
}

async fn sessions_list_prints_the_live_sessions_with_a_header_and_json(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let conn = &mut db.conn().unwrap();
    let ada = create_user(conn, ADA);
    let recent = session(conn, ada.id, 1, "203.0.113.1");
    let older = session(conn, ada.id, 2, "203.0.113.2");

    // Act
    let table = lifeline(&db, &["sessions", "list", ADA]).await;
    let listed = lifeline(&db, &["sessions", "list", "--json", ADA]).await;

    // Assert
    assert_eq!(table.status, 0, "{table:?}");
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["ID", "METHOD", "IP", "STARTED", "LAST", "SEEN", "BROWSER"]
    );
    assert!(lines[1].starts_with(&recent.id.to_string()), "{table:?}");
    assert!(lines[1].contains("203.0.113.1"), "{table:?}");
    assert!(lines[1].contains('Z'), "RFC 3339 UTC: {table:?}");
    assert_eq!(lines.len(), 3, "{table:?}");
    let json: serde_json::Value = serde_json::from_str(&listed.stdout).unwrap();
    assert_eq!(json["email"], ADA);
    assert_eq!(json["sessions"][1]["id"], older.id);
    assert_eq!(json["sessions"][1]["method"], "password");
    assert_eq!(json["sessions"][1]["user_agent"], "Firefox");
}

async fn sessions_revoke_ends_one_session_or_all_and_is_audited(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let (ada, first, second, third) = {
        let conn = &mut db.conn().unwrap();
        let ada = create_user(conn, ADA);
        let first = session(conn, ada.id, 1, "203.0.113.1");
        let second = session(conn, ada.id, 2, "203.0.113.2");
        let third = session(conn, ada.id, 3, "203.0.113.3");
        (ada, first, second, third)
    };

    // Act / Assert: one by id, then an id the account does not have, then all.
    let one = lifeline(
        &db,
        &["sessions", "revoke", ADA, "--id", &first.id.to_string()],
    )
    .await;
    assert_eq!(one.status, 0, "{one:?}");
    assert_eq!(live(&db, ada.id), [second.id, third.id]);

    let unknown = lifeline(&db, &["sessions", "revoke", ADA, "--id", "9999"]).await;
    assert_eq!(unknown.status, 1, "{unknown:?}");
    assert!(unknown.stderr.contains("no session 9999"), "{unknown:?}");

    let all = lifeline(&db, &["sessions", "revoke", ADA]).await;
    assert_eq!(all.status, 0, "{all:?}");
    assert!(all.stdout.contains("2 session(s) ended"), "{all:?}");
    assert!(live(&db, ada.id).is_empty());

    let events = audit::recent_for_user(&mut db.conn().unwrap(), ada.id, 10).unwrap();
    let details: Vec<_> = events.iter().map(|e| e.detail.clone().unwrap()).collect();
    assert_eq!(
        details,
        [
            "lifeline sessions revoke".to_owned(),
            format!("lifeline sessions revoke --id {}", first.id)
        ]
    );
    assert!(events.iter().all(|e| e.kind == "operator_sessions_revoked"));
}
