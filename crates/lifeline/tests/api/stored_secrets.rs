//! What a stolen database backup would give away: after a reset and a
//! magic-link sign-in, no table holds a link token (whole, its secret part or
//! its decoded bytes), a password in clear, or a key — only keyed hashes and
//! argon2id hashes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use diesel::RunQueryDsl;
use diesel::sql_types::Text;
use reqwest::StatusCode;
use serde_json::json;
use storage::Backend;

use crate::helpers::{TestApp, link_in, spawn_app, token_of};
use crate::on_every_backend;

const EMAIL: &str = "ada@example.com";
const OLD_PASSWORD: &str = "old password for ada";
const NEW_PASSWORD: &str = "a completely new passphrase";

/// Every column of every table.
const COLUMNS: &[(&str, &[&str])] = &[
    (
        "users",
        &["email", "display_email", "password_hash", "auth_epoch"],
    ),
    ("tokens", &["purpose", "hash", "created_ip"]),
    (
        "outbox",
        &["job_key", "kind", "payload", "lease_owner", "last_error"],
    ),
    ("audit_events", &["kind", "ip", "user_agent", "detail"]),
    ("throttles", &["key_hash"]),
    ("sessions", &["secret_hash", "method", "ip", "user_agent"]),
    (
        "mailbox",
        &[
            "recipient",
            "subject",
            "body_text",
            "body_html",
            "message_id",
        ],
    ),
];

on_every_backend!(the_database_keeps_no_link_token_password_or_key_in_clear);

#[derive(diesel::QueryableByName)]
struct Hex {
    #[diesel(sql_type = Text)]
    v: String,
}

/// The columns of `COLUMNS` that hold bytes (`bytea` on PostgreSQL).
const BINARY: &[&str] = &["hash", "key_hash", "secret_hash"];

/// `column`'s stored bytes in upper-case hex, as `backend` spells it.
fn hex_of(backend: Backend, column: &str) -> String {
    match backend {
        Backend::Postgres if BINARY.contains(&column) => {
            format!("UPPER(ENCODE({column}, 'hex'))")
        }
        Backend::Postgres => {
            format!("UPPER(ENCODE(CONVERT_TO(CAST({column} AS TEXT), 'UTF8'), 'hex'))")
        }
        Backend::Mysql | Backend::Sqlite => format!("HEX({column})"),
    }
}

/// Every stored value, hex-encoded the same way on every backend.
fn every_value_as_hex(app: &TestApp) -> Vec<(String, String)> {
    let mut conn = app.db.conn().expect("conn");
    let mut values = Vec::new();
    for (table, columns) in COLUMNS {
        for column in *columns {
            let hex = hex_of(app.db.backend(), column);
            let sql = format!("SELECT COALESCE({hex}, '') AS v FROM {table}");
            let rows = diesel::sql_query(&sql)
                .load::<Hex>(&mut *conn)
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            values.extend(
                rows.into_iter()
                    .map(|row| (format!("{table}.{column}"), row.v)),
            );
        }
    }
    values
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// The forms of a token a leak could show: the text, its part after the
/// prefix, and the bytes that part decodes to.
fn token_forms(token: &str) -> Vec<Vec<u8>> {
    let body = token.split_once('_').expect("prefixed").1;
    vec![
        token.as_bytes().to_vec(),
        body.as_bytes().to_vec(),
        URL_SAFE_NO_PAD.decode(body).expect("base64url"),
    ]
}

async fn the_database_keeps_no_link_token_password_or_key_in_clear(backend: Backend) {
    // Arrange: a reset through the API, then a magic-link sign-in.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, OLD_PASSWORD);
    let client = app.browser();
    let asked = app
        .post_json(
            &client,
            "/api/v1/password/forgot",
            &json!({ "email": EMAIL }),
        )
        .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let reset_mail = app.wait_for_mail(1).await.remove(0);
    let reset = token_of(&link_in(&app, &reset_mail, "/password/reset?token="));
    let not_me = token_of(&link_in(&app, &reset_mail, "/password/not-me?token="));
    let body = json!({ "token": reset, "password": NEW_PASSWORD });
    let done = app
        .post_json(&client, "/api/v1/password/reset", &body)
        .await;
    assert_eq!(done.status(), StatusCode::NO_CONTENT);
    let magic = token_of(&app.mailed_magic_link(&client, EMAIL, 1).await);
    let signed_in = app
        .post_json(
            &client,
            "/api/v1/magic-link/verify",
            &json!({ "token": magic }),
        )
        .await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    app.wait_until_outbox_is_empty().await;

    // Act
    let stored = every_value_as_hex(&app);

    // Assert
    let keys = [&app.settings.keys.token, &app.settings.keys.session];
    let mut secrets: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, token) in [("reset", &reset), ("not-me", &not_me), ("magic", &magic)] {
        for form in token_forms(token) {
            secrets.push((format!("{name} token"), form));
        }
    }
    for password in [OLD_PASSWORD, NEW_PASSWORD] {
        secrets.push(("a password".into(), password.as_bytes().to_vec()));
    }
    for key in keys.into_iter().flatten() {
        secrets.push(("a key".into(), key.expose_secret().as_bytes().to_vec()));
    }
    let address = hex(EMAIL.as_bytes());
    assert!(
        stored
            .iter()
            .any(|(column, value)| column == "users.email" && value.contains(&address)),
        "the scan sees stored text"
    );
    for (what, secret) in &secrets {
        let needle = hex(secret);
        for (column, value) in &stored {
            assert!(!value.contains(&needle), "{what} is stored in {column}");
        }
    }
}
