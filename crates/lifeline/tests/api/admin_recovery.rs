//! `POST /api/v1/admin/accounts/{id}/recovery-link`: a mailed link arrives and works, a
//! returned link works, and each is recorded naming the key and the delivery.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use storage::{Backend, users};

use crate::admin_support::{Key, audit_of, call, full_key, status_and_json};
use crate::helpers::{PUBLIC_URL, TestApp, link_in, spawn_app, token_of};
use crate::on_every_backend;
use crate::user_directory::sign_in;

on_every_backend!(
    a_mailed_recovery_link_arrives_and_sets_the_password,
    a_returned_recovery_link_sets_the_password_once,
    no_recovery_link_for_a_disabled_or_paused_account,
);

const ADA: &str = "ada@example.com";
const NEW_PASSWORD: &str = "a brand new passphrase for ada";

async fn ask(app: &TestApp, key: &Key, id: i64, delivery: &str) -> (StatusCode, Value) {
    let body = json!({"delivery": delivery});
    let path = format!("/accounts/{id}/recovery-link");
    status_and_json(call(app, Some(key), Method::POST, &path, Some(&body)).await).await
}

/// Sets the password with a reset link's token through the JSON API.
async fn reset_with(app: &TestApp, token: &str) -> StatusCode {
    let body = json!({"token": token, "password": NEW_PASSWORD});
    app.post_json(&app.client, "/api/v1/password/reset", &body)
        .await
        .status()
}

async fn a_mailed_recovery_link_arrives_and_sets_the_password(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let key = full_key(&app);
    let ada = app.create_user(ADA, "the old password of ada");

    // Act
    let (status, body) = ask(&app, &key, ada.id, "mail").await;
    let mails = app.wait_for_mail(1).await;
    let link = link_in(&app, &mails[0], "/password/reset");

    // Assert
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert!(
        body.get("url").is_none(),
        "a mailed link is not in the answer"
    );
    assert_eq!(mails[0].rcpt_to, vec![ADA.to_owned()]);
    assert_eq!(
        reset_with(&app, &token_of(&link)).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        sign_in(&app, ADA, NEW_PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    let created = (
        "recovery_link_created".to_owned(),
        Some(format!("{}; delivery: mail", key.named())),
    );
    assert!(audit_of(&app, ada.id).contains(&created));
}

async fn a_returned_recovery_link_sets_the_password_once(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let key = full_key(&app);
    let ada = app.create_user(ADA, "the old password of ada");

    // Act
    let (status, body) = ask(&app, &key, ada.id, "response").await;
    let url = body["url"].as_str().unwrap();
    let token = token_of(url);

    // Assert
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(
        url.starts_with(&format!("{PUBLIC_URL}/password/reset?token=lr1_")),
        "{url}"
    );
    let expires_at = chrono::DateTime::parse_from_rfc3339(body["expires_at"].as_str().unwrap())
        .unwrap()
        .naive_utc();
    let lifetime = app.settings.tokens.reset_lifetime_secs;
    assert_eq!(
        expires_at,
        app.now() + chrono::TimeDelta::seconds(i64::try_from(lifetime).unwrap())
    );
    assert_eq!(reset_with(&app, &token).await, StatusCode::NO_CONTENT);
    assert_eq!(
        reset_with(&app, &token).await,
        StatusCode::BAD_REQUEST,
        "used once"
    );
    assert_eq!(
        sign_in(&app, ADA, NEW_PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    let created = (
        "recovery_link_created".to_owned(),
        Some(format!("{}; delivery: response", key.named())),
    );
    assert!(audit_of(&app, ada.id).contains(&created));
    let mails = app.wait_for_mail(1).await;
    app.drain_outbox().await;
    assert_eq!(
        app.sink.messages().len(),
        1,
        "only the \"password changed\" mail"
    );
    assert_eq!(mails[0].rcpt_to, vec![ADA.to_owned()], "the owner is told");
    let text = String::from_utf8_lossy(&mails[0].data).into_owned();
    assert!(
        !text.contains("/password/reset?token="),
        "a returned link is not also mailed"
    );
    assert!(text.contains("/password/not-me?token="), "{text}");
}

async fn no_recovery_link_for_a_disabled_or_paused_account(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let key = full_key(&app);
    let ada = app.create_user(ADA, "the old password of ada");
    let bob = app.create_user("bob@example.com", "the old password of bob");
    let conn = &mut app.db.conn().unwrap();
    users::disable(conn, ada.id, app.now()).unwrap();
    let until = app.now() + chrono::TimeDelta::hours(1);
    users::pause_resets(conn, bob.id, until, app.now()).unwrap();

    // Act
    let (disabled, disabled_body) = ask(&app, &key, ada.id, "response").await;
    let (paused, paused_body) = ask(&app, &key, bob.id, "mail").await;
    let (unknown, unknown_body) = ask(&app, &key, bob.id + 100, "mail").await;

    // Assert
    assert_eq!(disabled, StatusCode::CONFLICT);
    assert_eq!(disabled_body["error"], "account_disabled");
    assert_eq!(paused, StatusCode::CONFLICT);
    assert_eq!(paused_body["error"], "links_paused");
    assert_eq!(unknown, StatusCode::NOT_FOUND);
    assert_eq!(unknown_body["error"], "account_not_found");
    assert_eq!(app.pending_jobs(), 0);
    let recorded = |id| {
        audit_of(&app, id)
            .iter()
            .any(|(kind, _)| kind == "recovery_link_created")
    };
    assert!(!recorded(ada.id) && !recorded(bob.id));
}
