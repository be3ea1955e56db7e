//! A sign-in through the JSON API (`POST /api/v1/session`, which hands out a bearer session
//! token) raises `signin.succeeded` like the sign-in page does: the session record and its
//! webhook are written in one transaction (`session_records::create`).

use reqwest::StatusCode;
use serde_json::json;
use storage::Backend;

use crate::helpers::spawn_app_with;
use crate::on_both_backends;
use crate::webhook_receiver::Receiver;
use crate::webhook_verify::verify_webhook;

on_both_backends!(a_sign_in_through_the_json_api_raises_signin_succeeded_by_password);

const ADA: &str = "ada@example.com";
const PASSWORD: &str = "correct horse battery staple";
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

async fn a_sign_in_through_the_json_api_raises_signin_succeeded_by_password(backend: Backend) {
    // Arrange
    let receiver = Receiver::start(0).await;
    let endpoints = json!([{"name": "host-app", "url": receiver.url, "secret": SECRET}]);
    let Some(app) = spawn_app_with(backend, |f| f.merge(("webhooks.endpoints", endpoints))).await
    else {
        return;
    };
    let user_id = app.create_user(ADA, PASSWORD).id;

    // Act
    let response = app
        .post_json(
            &reqwest::Client::new(),
            "/api/v1/session",
            &json!({"email": ADA, "password": PASSWORD}),
        )
        .await;

    // Assert
    assert_eq!(response.status(), StatusCode::CREATED);
    let received = receiver.wait_for(1).await;
    assert_eq!(received.len(), 1, "one sign-in, one event");
    let event = verify_webhook(SECRET, &received[0].headers, &received[0].body).unwrap();
    assert_eq!(event["type"], "signin.succeeded");
    assert_eq!(event["data"]["user_id"], user_id);
    assert_eq!(event["data"]["email"], ADA);
    assert_eq!(event["data"]["method"], "password");
}
