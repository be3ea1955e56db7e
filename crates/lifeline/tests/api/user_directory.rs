//! The SQL-mapped user directory against a users table Lifeline did not create: other
//! column names, ids Lifeline's own `users` table never saw, mixed-case addresses, argon2id
//! and legacy bcrypt hashes.

use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Nullable, Text};
use lifeline::Application;
use lifeline::{Password, Settings};
use mail::sink::SmtpSink;
use reqwest::StatusCode;
use storage::Backend;
use storage::testing::TestDb;

use crate::helpers::{TestApp, link_in, spawn_app_prepared, test_figment, test_settings};
use crate::on_both_backends;

on_both_backends!(
    a_password_is_reset_in_an_existing_users_table,
    a_legacy_bcrypt_hash_signs_in_and_is_replaced_by_argon2id,
    a_wrong_password_does_not_sign_in_against_a_bcrypt_hash,
    a_mapped_column_the_table_lacks_stops_the_start,
    a_mapped_table_that_does_not_exist_stops_the_start,
    not_me_after_a_password_change_voids_the_mapped_password,
);

const GRACE_ID: i64 = 501;

pub(crate) fn mapped(figment: figment::Figment) -> figment::Figment {
    figment.merge((
        "directory",
        serde_json::json!({
            "kind": "sql",
            "table": "members",
            "id_column": "member_id",
            "email_column": "mail",
            "password_hash_column": "pw",
            "auth_epoch_column": "session_gen",
            "updated_at_column": "modified",
            "resets_paused_until_column": "paused",
            "disabled_at_column": "banned",
            "legacy_bcrypt": true,
        }),
    ))
}

/// The application's own table, with a case-insensitive address column on MySQL.
pub(crate) fn create_members(db: &TestDb, backend: Backend) {
    let ddl = match backend {
        Backend::Mysql => {
            "CREATE TABLE members (member_id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, \
             mail VARCHAR(255) NOT NULL UNIQUE, pw VARCHAR(255) NULL, \
             session_gen INT NOT NULL DEFAULT 0, modified DATETIME NULL, paused DATETIME NULL, \
             banned DATETIME NULL) \
             ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"
        }
        Backend::Sqlite => {
            "CREATE TABLE members (member_id INTEGER PRIMARY KEY AUTOINCREMENT, \
             mail TEXT NOT NULL UNIQUE, pw TEXT NULL, session_gen INTEGER NOT NULL DEFAULT 0, \
             modified TIMESTAMP NULL, paused TIMESTAMP NULL, banned TIMESTAMP NULL)"
        }
    };
    db.conn().unwrap().batch_execute(ddl).unwrap();
}

pub(crate) fn insert_member(app: &TestApp, id: i64, mail: &str, hash: &str) {
    diesel::sql_query("INSERT INTO members (member_id, mail, pw) VALUES (?, ?, ?)")
        .bind::<BigInt, _>(id)
        .bind::<Text, _>(mail)
        .bind::<Text, _>(hash)
        .execute(&mut *app.db.conn().unwrap())
        .unwrap();
}

#[derive(diesel::QueryableByName)]
struct Member {
    #[diesel(sql_type = Nullable<Text>)]
    pw: Option<String>,
    #[diesel(sql_type = BigInt)]
    session_gen: i64,
    #[diesel(sql_type = BigInt)]
    touched: i64,
}

fn member(app: &TestApp, id: i64) -> Member {
    diesel::sql_query(
        "SELECT pw, CAST(session_gen AS SIGNED) AS session_gen, \
         CASE WHEN modified IS NULL THEN 0 ELSE 1 END AS touched \
         FROM members WHERE member_id = ?",
    )
    .bind::<BigInt, _>(id)
    .get_result(&mut *app.db.conn().unwrap())
    .unwrap()
}

pub(crate) fn argon2(app: &TestApp, password: &str) -> String {
    app.hasher.hash(&Password::new(password.into())).unwrap()
}

pub(crate) async fn sign_in(app: &TestApp, email: &str, password: &str) -> StatusCode {
    let client = app.new_client();
    let csrf = app.csrf(&client, "/login").await;
    app.post_form(
        &client,
        "/login",
        &[
            ("email", email),
            ("password", password),
            ("csrf_token", &csrf),
        ],
    )
    .await
    .status()
}

async fn a_password_is_reset_in_an_existing_users_table(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app_prepared(backend, |db| create_members(db, backend), mapped).await
    else {
        return;
    };
    let old = argon2(&app, "old password for grace");
    insert_member(&app, GRACE_ID, "Grace@Example.com", &old);
    let browser = app.new_client();

    // Act: the whole reset, looked up by the normalised address.
    app.request_reset(&browser, "grace@example.com").await;
    let mail = app.wait_for_mail(1).await.remove(0);
    let link = link_in(&app, &mail, "/password/reset?token=");
    browser.get(&link).send().await.unwrap();
    let csrf = app.csrf(&browser, "/password/reset").await;
    let new = "a brand new passphrase for grace";
    let response = app
        .post_form(
            &browser,
            "/password/reset",
            &[
                ("password", new),
                ("password_confirm", new),
                ("csrf_token", &csrf),
            ],
        )
        .await;

    // Assert: mailed to the stored address; the row holds a new argon2id hash, a bumped
    // epoch and a change time; only the new password signs in.
    assert_eq!(mail.rcpt_to, vec!["Grace@Example.com".to_owned()]);
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let row = member(&app, GRACE_ID);
    let hash = row.pw.unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert_ne!(hash, old);
    assert_eq!(row.session_gen, 1);
    assert_eq!(row.touched, 1);
    assert_eq!(
        sign_in(&app, "grace@example.com", new).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        sign_in(&app, "grace@example.com", "old password for grace").await,
        StatusCode::UNAUTHORIZED
    );
    let reused = browser.get(&link).send().await.unwrap();
    assert_ne!(
        reused.status(),
        StatusCode::SEE_OTHER,
        "the link works once"
    );
}

async fn not_me_after_a_password_change_voids_the_mapped_password(backend: Backend) {
    // Arrange: a reset through the mapped table, and its "password changed" mail.
    let Some(app) = spawn_app_prepared(backend, |db| create_members(db, backend), mapped).await
    else {
        return;
    };
    insert_member(&app, GRACE_ID, "grace@example.com", &argon2(&app, "old"));
    let link = app.mailed_reset_link("grace@example.com", 1).await;
    let set = "a passphrase someone else chose";
    app.reset_with(&link, set).await;
    let changed = app.wait_for_mail(2).await.remove(1);
    let not_me = link_in(&app, &changed, "/password/not-me?token=lc1_");
    let owner = app.new_client();

    // Act
    let page = app.open_link(&owner, &not_me).await.text().await.unwrap();
    let done = app.press_confirm(&owner, "/password/not-me", &page).await;

    // Assert: the mapped column is NULL, the epoch bumped, the password refused; the
    // confirmation carries a recovery link that sets a new password in the same row.
    assert_eq!(done.status(), StatusCode::OK);
    let row = member(&app, GRACE_ID);
    assert_eq!(row.pw, None);
    assert!(row.session_gen >= 2, "{}", row.session_gen);
    assert_eq!(
        sign_in(&app, "grace@example.com", set).await,
        StatusCode::UNAUTHORIZED
    );
    let confirmation = app.wait_for_mail(3).await.remove(2);
    let recovery = link_in(&app, &confirmation, "/password/reset?token=");
    app.reset_with(&recovery, "grace takes it back").await;
    assert_eq!(
        sign_in(&app, "grace@example.com", "grace takes it back").await,
        StatusCode::SEE_OTHER
    );
}

async fn a_legacy_bcrypt_hash_signs_in_and_is_replaced_by_argon2id(backend: Backend) {
    // Arrange: one `$2b$` and one `$2y$` hash (PHP's prefix for the same algorithm).
    let Some(app) = spawn_app_prepared(backend, |db| create_members(db, backend), mapped).await
    else {
        return;
    };
    let b = bcrypt::hash("legacy password one", 4).unwrap();
    let y = bcrypt::hash("legacy password two", 4)
        .unwrap()
        .replacen("$2b$", "$2y$", 1);
    insert_member(&app, 7, "old@example.com", &b);
    insert_member(&app, 8, "php@example.com", &y);

    // Act
    let first = sign_in(&app, "old@example.com", "legacy password one").await;
    let php = sign_in(&app, "php@example.com", "legacy password two").await;

    // Assert: signed in; the hashes are argon2id now, the epochs untouched, and the
    // password still works against the new hash.
    assert_eq!(first, StatusCode::SEE_OTHER);
    assert_eq!(php, StatusCode::SEE_OTHER);
    for id in [7, 8] {
        let row = member(&app, id);
        let hash = row.pw.unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert_eq!(row.session_gen, 0);
    }
    assert_eq!(
        sign_in(&app, "old@example.com", "legacy password one").await,
        StatusCode::SEE_OTHER
    );
}

async fn a_wrong_password_does_not_sign_in_against_a_bcrypt_hash(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app_prepared(backend, |db| create_members(db, backend), mapped).await
    else {
        return;
    };
    let hash = bcrypt::hash("the right password", 4).unwrap();
    insert_member(&app, 9, "guess@example.com", &hash);

    // Act
    let status = sign_in(&app, "guess@example.com", "the wrong password").await;

    // Assert: refused, and the legacy hash is left alone.
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(member(&app, 9).pw.unwrap(), hash);
}

#[tokio::test]
async fn table_and_column_names_that_are_not_identifiers_stop_the_start() {
    for (setting, value) in [
        ("table", "members; DROP TABLE tokens"),
        ("id_column", "member_id` = 1 OR `1"),
        ("email_column", "mail\" OR \"1\"=\"1"),
        ("auth_epoch_column", "session_gen -- "),
    ] {
        // Arrange
        let db = TestDb::new(Backend::Sqlite).unwrap();
        let sink = SmtpSink::start().await.unwrap();
        let figment = test_figment(&db, &sink, |f| {
            mapped(f).merge((format!("directory.{setting}"), value))
        });

        // Act: the settings are refused as they load, before anything starts
        let Err(error) = Settings::from_figment(figment) else {
            panic!("{setting} = {value:?} was accepted");
        };

        // Assert
        let text = error.to_string();
        assert!(
            text.contains(&format!(
                "directory.{setting} is not a plain SQL identifier"
            )),
            "{text}"
        );
    }
}

async fn a_mapped_column_the_table_lacks_stops_the_start(backend: Backend) {
    // Arrange: the mapping names `paused`, which this table does not have.
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    create_members(&db, backend);
    db.conn()
        .unwrap()
        .batch_execute("ALTER TABLE members DROP COLUMN paused")
        .unwrap();
    let sink = SmtpSink::start().await.unwrap();
    let settings = test_settings(&db, &sink, mapped);

    // Act
    let Err(error) = Application::build(settings).await else {
        panic!("a mapping with a missing column was accepted");
    };

    // Assert: the operator is told what does not match, by name.
    let text = format!("{error:#}");
    assert!(text.contains("user directory does not match"), "{text}");
    assert!(text.contains("paused"), "{text}");
}

async fn a_mapped_table_that_does_not_exist_stops_the_start(backend: Backend) {
    // Arrange: no `members` table at all.
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let sink = SmtpSink::start().await.unwrap();
    let settings = test_settings(&db, &sink, mapped);

    // Act
    let Err(error) = Application::build(settings).await else {
        panic!("a mapping of a missing table was accepted");
    };

    // Assert
    let text = format!("{error:#}");
    assert!(text.contains("members"), "{text}");
}
