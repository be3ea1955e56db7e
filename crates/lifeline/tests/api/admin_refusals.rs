//! What every admin endpoint refuses: a request without a key (401), a key without the
//! endpoint's scope (403), an id that names no account (404), a malformed body (400);
//! each as JSON with its stable code, and none of them changes anything.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use storage::Backend;

use crate::admin_support::{Key, call, full_key, key, status_and_json};
use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::on_every_backend;

on_every_backend!(
    every_endpoint_refuses_a_request_without_a_key_and_changes_nothing,
    every_endpoint_refuses_a_key_without_its_scope_and_changes_nothing,
    every_endpoint_answers_a_malformed_or_unknown_id_with_a_json_404,
    every_endpoint_with_a_body_refuses_a_malformed_one,
);

const ADA: &str = "ada@example.com";

/// One endpoint: method, path (`{id}` for the account, `{sid}` for a session), the scope
/// it needs, a valid body.
struct Endpoint {
    method: Method,
    path: &'static str,
    scope: &'static str,
    body: Option<Value>,
}

fn endpoints() -> Vec<Endpoint> {
    let e = |method, path, scope, body| Endpoint {
        method,
        path,
        scope,
        body,
    };
    vec![
        e(
            Method::POST,
            "/accounts",
            "write",
            Some(json!({"email": "new@example.com"})),
        ),
        e(
            Method::GET,
            "/accounts?email=ada%40example.com",
            "read",
            None,
        ),
        e(Method::GET, "/accounts/{id}", "read", None),
        e(Method::DELETE, "/accounts/{id}", "write", None),
        e(Method::POST, "/accounts/{id}/disable", "write", None),
        e(Method::POST, "/accounts/{id}/enable", "write", None),
        e(
            Method::PUT,
            "/accounts/{id}/password",
            "write",
            Some(json!({"password": "a new and unusual passphrase"})),
        ),
        e(Method::DELETE, "/accounts/{id}/pause", "write", None),
        e(
            Method::POST,
            "/accounts/{id}/recovery-link",
            "recovery",
            Some(json!({"delivery": "response"})),
        ),
        e(Method::GET, "/accounts/{id}/sessions", "read", None),
        e(Method::DELETE, "/accounts/{id}/sessions", "write", None),
        e(
            Method::DELETE,
            "/accounts/{id}/sessions/{sid}",
            "write",
            None,
        ),
        e(Method::GET, "/accounts/{id}/audit", "read", None),
    ]
}

fn path_of(endpoint: &Endpoint, id: &str, sid: &str) -> String {
    endpoint.path.replace("{id}", id).replace("{sid}", sid)
}

/// Sends every endpoint with `key` and checks each answer is `status` with `code`, and
/// that nothing was written.
async fn assert_refused_by_all(
    app: &TestApp,
    key: Option<&Key>,
    pick: impl Fn(&Endpoint) -> bool,
    path: impl Fn(&Endpoint) -> String,
    status: StatusCode,
    code: &str,
) {
    let rows = app.row_counts();
    let mut wrong = Vec::new();
    for endpoint in endpoints().iter().filter(|e| pick(e)) {
        let path = path(endpoint);
        let response = call(
            app,
            key,
            endpoint.method.clone(),
            &path,
            endpoint.body.as_ref(),
        )
        .await;
        let (got, body) = status_and_json(response).await;
        if got != status || body["error"] != code {
            wrong.push(format!("{} {path}: {got} {body}", endpoint.method));
        }
    }
    assert!(
        wrong.is_empty(),
        "not refused with {status} {code}:\n{}",
        wrong.join("\n")
    );
    assert_eq!(app.row_counts(), rows, "a refused request changed nothing");
    assert_eq!(app.pending_jobs(), 0);
}

async fn every_endpoint_refuses_a_request_without_a_key_and_changes_nothing(backend: Backend) {
    // Arrange: more failed checks than one client may make by default (then 429).
    let Some(app) = spawn_app_with(backend, |figment| {
        figment.merge(("admin_api.failed_per_ip_per_minute", 1000))
    })
    .await
    else {
        return;
    };
    let ada = app.create_user(ADA, "the password of ada");
    let id = ada.id.to_string();
    let forged = Key {
        id: 1,
        name: "forged".into(),
        secret: "not-a-key".into(),
    };

    // Act / Assert
    for key in [None, Some(&forged)] {
        assert_refused_by_all(
            &app,
            key,
            |_| true,
            |e| path_of(e, &id, "1"),
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        )
        .await;
    }
}

async fn every_endpoint_refuses_a_key_without_its_scope_and_changes_nothing(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let ada = app.create_user(ADA, "the password of ada");
    let id = ada.id.to_string();

    // Act / Assert: each scope alone reaches only its own endpoints.
    for scope in ["read", "write", "recovery"] {
        let others: Vec<&str> = ["read", "write", "recovery"]
            .into_iter()
            .filter(|other| *other != scope)
            .collect();
        let key = key(&app, &format!("without-{scope}"), &others);
        assert_refused_by_all(
            &app,
            Some(&key),
            |e| e.scope == scope,
            |e| path_of(e, &id, "1"),
            StatusCode::FORBIDDEN,
            "insufficient_scope",
        )
        .await;
    }
}

async fn every_endpoint_answers_a_malformed_or_unknown_id_with_a_json_404(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let key = full_key(&app);
    let ada = app.create_user(ADA, "the password of ada");
    let unknown = (ada.id + 1000).to_string();

    // Act / Assert
    for id in [
        "abc",
        "0",
        "-1",
        "1.5",
        "99999999999999999999",
        "%20",
        unknown.as_str(),
    ] {
        assert_refused_by_all(
            &app,
            Some(&key),
            |e| e.path.contains("{id}"),
            |e| path_of(e, id, "1"),
            StatusCode::NOT_FOUND,
            "account_not_found",
        )
        .await;
    }
    for sid in ["abc", "0", "-1", "99999999999999999999", "12345"] {
        let path = format!("/accounts/{}/sessions/{sid}", ada.id);
        let (status, body) =
            status_and_json(call(&app, Some(&key), Method::DELETE, &path, None).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{sid}: {body}");
        assert_eq!(body["error"], "session_not_found", "{sid}");
    }
    let (status, body) = status_and_json(
        call(
            &app,
            Some(&key),
            Method::GET,
            "/accounts?email=nobody%40example.com",
            None,
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::NOT_FOUND, &json!("account_not_found"))
    );
    for query in ["", "?email=", "?email=nope", "?mail=ada%40example.com"] {
        let (status, body) = status_and_json(
            call(
                &app,
                Some(&key),
                Method::GET,
                &format!("/accounts{query}"),
                None,
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
    }
}

async fn every_endpoint_with_a_body_refuses_a_malformed_one(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let key = full_key(&app);
    let ada = app.create_user(ADA, "the password of ada");
    let id = ada.id.to_string();
    let rows = app.row_counts();

    // Act / Assert
    for endpoint in endpoints().iter().filter(|e| e.body.is_some()) {
        let path = path_of(endpoint, &id, "1");
        for body in [
            json!([]),
            json!("text"),
            json!({}),
            json!({"email": "x@example.com", "password": "a long passphrase", "extra": 1}),
            json!({"password": 12345678}),
            json!({"delivery": "carrier pigeon"}),
        ] {
            let response = call(
                &app,
                Some(&key),
                endpoint.method.clone(),
                &path,
                Some(&body),
            )
            .await;
            let (status, answer) = status_and_json(response).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path} {body}: {answer}");
            assert_eq!(answer["error"], "invalid_body", "{path} {body}");
        }
        let text = app
            .client
            .request(
                endpoint.method.clone(),
                app.url(&format!("/api/v1/admin{path}")),
            )
            .bearer_auth(&key.secret)
            .header("content-type", "text/plain")
            .body("email=x")
            .send()
            .await
            .unwrap();
        assert_eq!(text.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{path}");
    }
    assert_eq!(app.row_counts(), rows);
}
