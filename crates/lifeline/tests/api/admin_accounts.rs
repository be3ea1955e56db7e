//! The admin API's account endpoints: create, find, read, disable, enable, delete, set a
//! password, lift a pause; each action's audit event names the key.

use reqwest::{Method, StatusCode};
use serde_json::json;
use storage::{Backend, EmailAddress, users};

use crate::admin_support::{audit_of, call, full_key, status_and_json};
use crate::helpers::spawn_app;
use crate::on_every_backend;
use crate::user_directory::sign_in;

on_every_backend!(
    an_account_is_created_found_and_read_and_its_creation_names_the_key,
    a_second_account_with_the_address_or_a_weak_password_is_refused,
    an_account_is_disabled_enabled_and_deleted_each_by_the_key,
    a_password_is_set_and_a_pause_lifted_each_by_the_key,
);

const ADA: &str = "ada@example.com";
const PASSWORD: &str = "a long and unusual passphrase";

async fn an_account_is_created_found_and_read_and_its_creation_names_the_key(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let key = full_key(&app);

    // Act
    let body = json!({"email": "Ada@Example.com", "password": PASSWORD});
    let (status, created) =
        status_and_json(call(&app, Some(&key), Method::POST, "/accounts", Some(&body)).await).await;
    let id = created["id"].as_i64().unwrap();
    let (found_status, found) = status_and_json(
        call(
            &app,
            Some(&key),
            Method::GET,
            "/accounts?email=ada%40example.com",
            None,
        )
        .await,
    )
    .await;
    let (read_status, read) = status_and_json(
        call(
            &app,
            Some(&key),
            Method::GET,
            &format!("/accounts/{id}"),
            None,
        )
        .await,
    )
    .await;
    let without = json!({"email": "bob@example.com"});
    let (_, bob) =
        status_and_json(call(&app, Some(&key), Method::POST, "/accounts", Some(&without)).await)
            .await;

    // Assert
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(
        created["email"], "Ada@example.com",
        "the domain is lower-cased"
    );
    assert_eq!(created["has_password"], true);
    assert_eq!(created["disabled_at"], json!(null));
    assert_eq!(created["paused_until"], json!(null));
    assert!(
        created["created_at"].as_str().unwrap().ends_with('Z'),
        "{created}"
    );
    assert_eq!((found_status, &found), (StatusCode::OK, &created));
    assert_eq!((read_status, &read), (StatusCode::OK, &created));
    assert_eq!(bob["has_password"], false);
    assert_eq!(sign_in(&app, ADA, PASSWORD).await, StatusCode::SEE_OTHER);
    assert_eq!(
        audit_of(&app, id).last(),
        Some(&("operator_created".into(), Some(key.named()))),
        "the first event"
    );
}

async fn a_second_account_with_the_address_or_a_weak_password_is_refused(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let key = full_key(&app);
    app.create_user(ADA, PASSWORD);

    // Act
    let again = json!({"email": "ADA@example.com"});
    let (exists, exists_body) =
        status_and_json(call(&app, Some(&key), Method::POST, "/accounts", Some(&again)).await)
            .await;
    let weak = json!({"email": "bob@example.com", "password": "short"});
    let (weak, weak_body) =
        status_and_json(call(&app, Some(&key), Method::POST, "/accounts", Some(&weak)).await).await;
    let bad = json!({"email": "not an address"});
    let (bad, bad_body) =
        status_and_json(call(&app, Some(&key), Method::POST, "/accounts", Some(&bad)).await).await;

    // Assert
    assert_eq!(exists, StatusCode::CONFLICT);
    assert_eq!(exists_body["error"], "account_exists");
    assert_eq!(weak, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(weak_body["error"], "weak_password");
    assert_eq!(bad, StatusCode::BAD_REQUEST);
    assert_eq!(bad_body["error"], "invalid_email");
    let bob = EmailAddress::parse("bob@example.com").unwrap();
    let conn = &mut app.db.conn().unwrap();
    assert!(users::find_by_email(conn, &bob).unwrap().is_none());
    assert_eq!(users::count(conn).unwrap(), 1);
}

async fn an_account_is_disabled_enabled_and_deleted_each_by_the_key(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let key = full_key(&app);
    let ada = app.create_user(ADA, PASSWORD);
    let path = format!("/accounts/{}", ada.id);

    // Act / Assert: disabled, then signing in fails.
    let (status, disabled) = status_and_json(
        call(
            &app,
            Some(&key),
            Method::POST,
            &format!("{path}/disable"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{disabled}");
    assert!(disabled["disabled_at"].is_string(), "{disabled}");
    assert_eq!(sign_in(&app, ADA, PASSWORD).await, StatusCode::UNAUTHORIZED);

    // Enabled again.
    let (status, enabled) = status_and_json(
        call(
            &app,
            Some(&key),
            Method::POST,
            &format!("{path}/enable"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{enabled}");
    assert_eq!(enabled["disabled_at"], json!(null));
    assert_eq!(sign_in(&app, ADA, PASSWORD).await, StatusCode::SEE_OTHER);

    // Deleted: gone, its events stay.
    let deleted = call(&app, Some(&key), Method::DELETE, &path, None).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let (status, gone) =
        status_and_json(call(&app, Some(&key), Method::GET, &path, None).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(gone["error"], "account_not_found");
    let kinds: Vec<(String, Option<String>)> = audit_of(&app, ada.id)
        .into_iter()
        .filter(|(kind, _)| kind.starts_with("operator_"))
        .collect();
    let by_key = Some(key.named());
    assert_eq!(
        kinds,
        vec![
            ("operator_deleted".into(), by_key.clone()),
            ("operator_enabled".into(), by_key.clone()),
            ("operator_disabled".into(), by_key),
        ]
    );
}

async fn a_password_is_set_and_a_pause_lifted_each_by_the_key(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let key = full_key(&app);
    let ada = app.create_user(ADA, "the old password of ada");
    let path = format!("/accounts/{}", ada.id);
    users::pause_resets(
        &mut app.db.conn().unwrap(),
        ada.id,
        app.now() + chrono::TimeDelta::hours(1),
        app.now(),
    )
    .unwrap();

    // Act
    let weak = json!({"password": "short"});
    let (weak_status, weak_body) = status_and_json(
        call(
            &app,
            Some(&key),
            Method::PUT,
            &format!("{path}/password"),
            Some(&weak),
        )
        .await,
    )
    .await;
    let body = json!({"password": PASSWORD});
    let set = call(
        &app,
        Some(&key),
        Method::PUT,
        &format!("{path}/password"),
        Some(&body),
    )
    .await;
    let (read_status, paused) =
        status_and_json(call(&app, Some(&key), Method::GET, &path, None).await).await;
    let (lift_status, lifted) = status_and_json(
        call(
            &app,
            Some(&key),
            Method::DELETE,
            &format!("{path}/pause"),
            None,
        )
        .await,
    )
    .await;

    // Assert
    assert_eq!(weak_status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(weak_body["error"], "weak_password");
    assert_eq!(set.status(), StatusCode::NO_CONTENT);
    assert_eq!(sign_in(&app, ADA, PASSWORD).await, StatusCode::SEE_OTHER);
    app.drain_outbox().await;
    app.wait_for_mail(1).await;
    assert_eq!(read_status, StatusCode::OK);
    assert!(paused["paused_until"].is_string(), "{paused}");
    assert_eq!(lift_status, StatusCode::OK, "{lifted}");
    assert_eq!(lifted["paused_until"], json!(null));
    let events = audit_of(&app, ada.id);
    let by_key = Some(key.named());
    assert!(
        events.contains(&("operator_password_set".into(), by_key.clone())),
        "{events:?}"
    );
    assert!(
        events.contains(&("operator_pause_lifted".into(), by_key)),
        "{events:?}"
    );
}
