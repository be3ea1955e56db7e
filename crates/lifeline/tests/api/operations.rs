//! What an operator relies on: health and readiness and the global ceiling (the demo and
//! the graceful stop on SIGTERM are tests of the `lifeline` binary, in `lifeline-cli`).

use reqwest::StatusCode;
use serde_json::json;
use storage::Backend;

use crate::helpers::{spawn_app, spawn_app_with};
use crate::on_every_backend;

on_every_backend!(
    health_and_readiness_answer_when_the_database_is_up,
    the_global_ceiling_answers_429_with_retry_after,
);

async fn health_and_readiness_answer_when_the_database_is_up(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let client = app.new_client();

    let health = app.get(&client, "/healthz").await;
    let ready = app.get(&client, "/readyz").await;

    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.text().await.unwrap(), "ok");
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(ready.text().await.unwrap(), "ready");
}

async fn the_global_ceiling_answers_429_with_retry_after(backend: Backend) {
    // Arrange: one link request per second for everybody.
    let Some(app) = spawn_app_with(backend, |f| f.merge(("limits.global_per_second", 1))).await
    else {
        return;
    };
    let client = app.new_client();
    let body = |n: usize| json!({ "email": format!("person{n}@example.com") });

    // Act: a burst from different addresses.
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for n in 0..5 {
        let response = app
            .post_json(&client, "/api/v1/password/forgot", &body(n))
            .await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            retry_after = response.headers().get("retry-after").cloned();
        }
        statuses.push(response.status());
    }

    // Assert
    assert_eq!(statuses[0], StatusCode::ACCEPTED);
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    assert!(retry_after.is_some(), "429 without Retry-After");
    let accepted = statuses
        .iter()
        .filter(|s| **s == StatusCode::ACCEPTED)
        .count() as i64;
    assert_eq!(
        app.row_counts().outbox,
        accepted,
        "refused requests must write nothing"
    );
}
