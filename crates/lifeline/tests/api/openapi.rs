//! The OpenAPI document against the real handlers: every documented operation exists and
//! answers a valid and an invalid request with statuses the document lists, and every route
//! registered under `/api/v1` is documented (the registered list against the document is a unit
//! test beside the document, in `routes::api::openapi`).

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{Value, json};
use storage::Backend;

use crate::helpers::{TestApp, spawn_app_with};
use crate::on_every_backend;

on_every_backend!(
    every_documented_operation_answers_valid_and_invalid_requests_as_documented,
    an_api_post_over_its_rate_answers_the_documented_429,
);

/// Every (method, path) of the document, method in upper case.
fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut operations = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            operations.insert((method.to_ascii_uppercase(), path.clone()));
        }
    }
    operations
}

/// The example of an operation's JSON request body, from its schema.
fn example_body(doc: &Value, operation: &Value) -> Option<Value> {
    let schema = &operation["requestBody"]["content"]["application/json"]["schema"];
    let name = schema["$ref"].as_str()?.rsplit('/').next()?;
    let example = doc["components"]["schemas"][name]["example"].clone();
    assert!(example.is_object(), "schema {name} has no example");
    Some(example)
}

async fn call(app: &TestApp, method: &str, path: &str, body: Option<&Value>) -> reqwest::Response {
    call_with(app, None, method, path, body).await
}

/// `method path` with `key` as the bearer token when given.
async fn call_with(
    app: &TestApp,
    key: Option<&str>,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> reqwest::Response {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = app.new_client().request(method, app.url(path));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let request = match body {
        Some(body) => request.json(body),
        None => request,
    };
    request.send().await.unwrap()
}

/// Checks that `response` is one the operation documents: its status, and for an error its
/// JSON body with one of the codes the document lists for that status and every header the
/// document marks as required. Returns the status.
async fn assert_documented(
    operation: &Value,
    response: reqwest::Response,
    what: &str,
) -> StatusCode {
    let status = response.status();
    let documented = &operation["responses"][status.as_str()];
    assert!(
        documented.is_object(),
        "{what} answered {status}, which the document does not list: {}",
        operation["responses"]
    );
    for (name, header) in documented["headers"].as_object().into_iter().flatten() {
        if header["required"] == true {
            let value = response.headers().get(name.as_str());
            let value = value.unwrap_or_else(|| panic!("{what}: {status} without {name}"));
            let value = value.to_str().unwrap();
            match header["schema"]["enum"].as_array() {
                Some(allowed) => assert!(
                    allowed.iter().any(|v| v == value),
                    "{what}: {name} {value:?}, documented {allowed:?}"
                ),
                None => assert!(value.parse::<u64>().is_ok(), "{what}: {name} {value:?}"),
            }
        }
    }
    if status.is_client_error() || status.is_server_error() {
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "{what}"
        );
        let body: Value = response.json().await.unwrap();
        let codes = documented_codes(documented);
        let code = body["error"].as_str().unwrap_or_default();
        assert!(
            codes.contains(&code),
            "{what}: {status} `{code}`, documented {codes:?}"
        );
        assert!(body["message"].is_string(), "{what}: {body}");
    }
    status
}

/// The error codes a documented error answer may carry: `ErrorBody` narrowed by an `allOf`.
fn documented_codes(response: &Value) -> Vec<&str> {
    let schema = &response["content"]["application/json"]["schema"];
    let narrowed = &schema["allOf"][1]["properties"]["error"]["enum"];
    let codes = narrowed.as_array();
    let codes = codes.unwrap_or_else(|| panic!("no error codes documented in {response}"));
    codes.iter().map(|code| code.as_str().unwrap()).collect()
}

async fn every_documented_operation_answers_valid_and_invalid_requests_as_documented(
    backend: Backend,
) {
    // Arrange: every admin operation is asked without a key too, more often than one client
    // may fail a key check by default.
    let Some(app) = spawn_app_with(backend, |figment| {
        figment.merge(("admin_api.failed_per_ip_per_minute", 1000))
    })
    .await
    else {
        return;
    };
    let ada = app.create_user("ada@example.com", "old password for ada");
    let admin_key = crate::admin_support::full_key(&app).secret;
    let response = app.get(&app.new_client(), "/api/v1/openapi.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    let doc: Value = response.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let operations = documented(&doc);
    assert!(operations.len() >= 5, "{operations:?}");

    for (method, template) in &operations {
        let operation = &doc["paths"][template][method.to_ascii_lowercase()];
        let what = format!("{method} {template}");
        // Path parameters name ada (or her first session); admin operations carry a key
        // with every scope.
        let path = template
            .replace("{id}", &ada.id.to_string())
            .replace("{session_id}", "1");
        let key = template
            .starts_with("/api/v1/admin/")
            .then_some(admin_key.as_str());

        // Act / Assert: the documented example, then a body no endpoint accepts.
        match example_body(&doc, operation) {
            Some(example) => {
                let valid = call_with(&app, key, method, &path, Some(&example)).await;
                let valid = assert_documented(operation, valid, &format!("{what} example")).await;
                assert_ne!(
                    valid,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{what} does not exist"
                );
                let body = json!({"unexpected": 1});
                let invalid = call_with(&app, key, method, &path, Some(&body)).await;
                let invalid = assert_documented(operation, invalid, &format!("{what} bad")).await;
                assert_eq!(invalid, StatusCode::BAD_REQUEST, "{what}");
                let mut not_json = app
                    .new_client()
                    .request(
                        reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                        app.url(&path),
                    )
                    .header("content-type", "text/plain")
                    .body("hello");
                if let Some(key) = key {
                    not_json = not_json.bearer_auth(key);
                }
                let not_json = not_json.send().await.unwrap();
                let not_json =
                    assert_documented(operation, not_json, &format!("{what} text")).await;
                assert_eq!(not_json, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{what}");
            }
            // No body: asked without its query parameters and without credentials, then
            // (an admin operation) with its key, the answer must still be a documented one.
            None => {
                let valid = call(&app, method, &path, None).await;
                assert_documented(operation, valid, &what).await;
                if key.is_some() {
                    let keyed = call_with(&app, key, method, &path, None).await;
                    assert_documented(operation, keyed, &format!("{what} with a key")).await;
                }
            }
        }
    }
}

async fn an_api_post_over_its_rate_answers_the_documented_429(backend: Backend) {
    // Arrange: one POST, then the per-IP limit.
    let Some(app) = spawn_app_with(backend, |f| {
        f.merge(("limits.per_ip_burst", 1))
            .merge(("limits.per_ip_per_minute", 1))
    })
    .await
    else {
        return;
    };
    let doc: Value = app
        .get(&app.new_client(), "/api/v1/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    let path = "/api/v1/password/forgot";
    let operation = &doc["paths"][path]["post"];
    let body = json!({"email": "someone@example.com"});
    let first = call(&app, "POST", path, Some(&body)).await;
    assert_eq!(first.status(), StatusCode::ACCEPTED);

    // Act
    let limited = call(&app, "POST", path, Some(&body)).await;

    // Assert: the status, the required Retry-After and the code are the documented ones.
    let status = assert_documented(operation, limited, "POST over the limit").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        operation["responses"]["429"]["headers"]["Retry-After"]["required"],
        true
    );
}

/// The endpoint list (`routes::api::ENDPOINTS`) is the only way routes get under `/api/v1`: nothing in the route table or
/// anywhere else in the routes registers a path there by hand.
#[test]
fn no_api_route_is_registered_outside_the_endpoint_list() {
    let routes = concat!(env!("CARGO_MANIFEST_DIR"), "/src/http");
    let mut files = vec![std::path::PathBuf::from(routes)];
    let mut offenders = Vec::new();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let registers = text.contains(".route(\"/api")
            || text.contains("resource(\"/api")
            || text.contains("scope(\"/api");
        if registers {
            offenders.push(path.display().to_string());
        }
    }
    assert!(
        offenders.is_empty(),
        "routes under /api registered by hand in {offenders:?}"
    );
}
