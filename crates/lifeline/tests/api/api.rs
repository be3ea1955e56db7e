//! The JSON API under `/api/v1`: the same flow and rules as the pages.

use reqwest::StatusCode;
use serde_json::{Value, json};
use storage::Backend;

use crate::helpers::{TestApp, link_in, spawn_app, token_of};
use crate::on_every_backend;

const EMAIL: &str = "ada@example.com";
const OLD_PASSWORD: &str = "old password for ada";
const NEW_PASSWORD: &str = "a completely new passphrase";

on_every_backend!(
    a_password_can_be_reset_through_the_api,
    a_weak_password_through_the_api_gets_422_and_the_token_keeps_working,
);

/// Asks for a link through the API and returns the mailed token.
async fn mailed_token(app: &TestApp) -> String {
    let response = app
        .post_json(
            &app.new_client(),
            "/api/v1/password/forgot",
            &json!({ "email": EMAIL }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let body: Value = response.json().await.unwrap();
    assert!(body["message"].is_string(), "{body}");
    let mail = app.wait_for_mail(1).await.remove(0);
    token_of(&link_in(app, &mail, "/password/reset?token="))
}

async fn reset(app: &TestApp, token: &str, password: &str) -> (StatusCode, Option<Value>) {
    let body = json!({ "token": token, "password": password });
    let response = app
        .post_json(&app.new_client(), "/api/v1/password/reset", &body)
        .await;
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).ok())
}

async fn a_password_can_be_reset_through_the_api(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, OLD_PASSWORD);
    let token = mailed_token(&app).await;

    // Act
    let (status, body) = reset(&app, &token, NEW_PASSWORD).await;
    let (reused, reused_body) = reset(&app, &token, "yet another passphrase").await;

    // Assert
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(body, None, "204 has no body");
    assert_eq!(reused, StatusCode::BAD_REQUEST);
    let reused_body = reused_body.expect("a JSON error");
    assert_eq!(reused_body["error"], "invalid_or_expired_link");
    assert!(reused_body["message"].is_string());
    assert!(app.password_works(EMAIL, NEW_PASSWORD).await);
    assert!(!app.password_works(EMAIL, OLD_PASSWORD).await);
    let changed = app.wait_for_mail(2).await.remove(1);
    assert!(
        changed
            .header("subject")
            .unwrap_or_default()
            .contains("changed")
    );
}

async fn a_weak_password_through_the_api_gets_422_and_the_token_keeps_working(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, OLD_PASSWORD);
    let token = mailed_token(&app).await;

    // Act
    let (weak, weak_body) = reset(&app, &token, "password1").await;
    let (short, short_body) = reset(&app, &token, "short").await;
    let (good, _) = reset(&app, &token, NEW_PASSWORD).await;

    // Assert
    assert_eq!(weak, StatusCode::UNPROCESSABLE_ENTITY);
    let weak_body = weak_body.expect("a JSON error");
    assert_eq!(weak_body["error"], "weak_password");
    assert!(
        weak_body["message"]
            .as_str()
            .unwrap()
            .contains("commonly used")
    );
    assert_eq!(short, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(short_body.expect("a JSON error")["error"], "weak_password");
    assert_eq!(good, StatusCode::NO_CONTENT);
    assert!(app.password_works(EMAIL, NEW_PASSWORD).await);
}
