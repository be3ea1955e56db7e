//! Below `/api/v1` every answer is JSON, even for a path or method no endpoint
//! serves; the pages keep their HTML 404.

use reqwest::header::{ALLOW, CONTENT_LANGUAGE, CONTENT_TYPE};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use storage::Backend;

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::on_every_backend;

on_every_backend!(
    an_unknown_api_path_answers_a_json_404,
    a_wrong_method_on_an_api_path_answers_a_json_405_with_allow,
    an_unknown_page_still_answers_the_html_404,
    api_errors_are_json_under_a_base_path_too,
    an_api_post_over_the_ip_limit_gets_a_json_429_under_a_base_path,
);

async fn send(app: &TestApp, method: Method, path: &str) -> Response {
    app.new_client()
        .request(method, app.url(path))
        .send()
        .await
        .unwrap()
}

/// Checks the documented error shape (in the default language, English, for a client that
/// names none) and returns the response's `Allow` header.
async fn assert_json_error(response: Response, status: StatusCode, code: &str) -> Option<String> {
    assert_eq!(response.status(), status, "{}", response.url());
    assert_eq!(response.headers()[CONTENT_LANGUAGE], "en", "{code}");
    let content_type = response.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let allow = response
        .headers()
        .get(ALLOW)
        .map(|v| v.to_str().unwrap().to_owned());
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], code, "{body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    allow
}

async fn an_unknown_api_path_answers_a_json_404(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };

    for (method, path) in [
        (Method::GET, "/api/v1/nothing-here"),
        (Method::POST, "/api/v1/password/nothing-here"),
        (Method::GET, "/api/v1"),
    ] {
        // Act
        let response = send(&app, method, path).await;

        // Assert
        assert_json_error(response, StatusCode::NOT_FOUND, "not_found").await;
    }
}

async fn a_wrong_method_on_an_api_path_answers_a_json_405_with_allow(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };

    for (method, path, allowed) in [
        (Method::GET, "/api/v1/password/forgot", "POST"),
        (Method::PUT, "/api/v1/magic-link/verify", "POST"),
        (Method::DELETE, "/api/v1/openapi.json", "GET"),
    ] {
        // Act
        let response = send(&app, method, path).await;

        // Assert
        let allow = assert_json_error(
            response,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        )
        .await;
        assert_eq!(allow.as_deref(), Some(allowed), "{path}");
    }
}

async fn an_unknown_page_still_answers_the_html_404(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };

    for (method, path) in [(Method::GET, "/nothing-here"), (Method::GET, "/logout")] {
        // Act
        let response = send(&app, method, path).await;

        // Assert
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let content_type = response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(content_type.starts_with("text/html"), "{content_type}");
    }
}

async fn api_errors_are_json_under_a_base_path_too(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app_with(backend, |f| f.merge(("server.base_path", "/auth"))).await
    else {
        return;
    };

    // Act
    let unknown = send(&app, Method::GET, "/auth/api/v1/nothing-here").await;
    let wrong_method = send(&app, Method::GET, "/auth/api/v1/password/reset").await;

    // Assert
    assert_json_error(unknown, StatusCode::NOT_FOUND, "not_found").await;
    let allow = assert_json_error(
        wrong_method,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
    assert_eq!(allow.as_deref(), Some("POST"));
}

async fn an_api_post_over_the_ip_limit_gets_a_json_429_under_a_base_path(backend: Backend) {
    // Arrange: one POST, then the limit.
    let Some(app) = spawn_app_with(backend, |f| {
        f.merge(("server.base_path", "/auth"))
            .merge(("limits.per_ip_burst", 1))
            .merge(("limits.per_ip_per_minute", 1))
    })
    .await
    else {
        return;
    };
    let path = "/auth/api/v1/password/forgot";
    let body = json!({"email": "someone@example.com"});
    let first = app.post_json(&app.new_client(), path, &body).await;
    assert_eq!(first.status(), StatusCode::ACCEPTED);

    // Act
    let limited = app.post_json(&app.new_client(), path, &body).await;

    // Assert
    assert_json_error(limited, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
}
