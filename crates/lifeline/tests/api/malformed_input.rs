//! Bad input gets a clear 4xx — never a 500 — and changes nothing.

use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::json;
use storage::Backend;

use crate::helpers::{TestApp, spawn_app};
use crate::on_every_backend;

const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "old password for ada";
const FORM: &str = "application/x-www-form-urlencoded";

on_every_backend!(
    malformed_forgot_password_forms_are_refused_and_change_nothing,
    malformed_api_requests_are_refused_and_change_nothing,
    malformed_reset_links_get_the_400_page,
    a_new_password_that_is_not_utf8_is_refused_and_changes_nothing,
    malformed_new_password_forms_are_refused_and_change_nothing,
);

/// Sends each case and checks its status; then checks nothing was written.
async fn assert_each_refused(app: &TestApp, cases: Vec<(&str, RequestBuilder, StatusCode)>) {
    let rows = app.row_counts();
    let credentials = app.credentials_of(EMAIL);
    for (what, request, expected) in cases {
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        assert_eq!(status, expected, "{what}: {body}");
    }
    app.drain_outbox().await;
    assert_eq!(app.row_counts(), rows, "nothing written");
    assert_eq!(app.credentials_of(EMAIL), credentials, "account unchanged");
    assert!(app.sink.messages().is_empty(), "no mail");
}

/// A well-formed address one octet too long: 64 + 1 + 190.
pub fn address_of_255_octets() -> String {
    let domain = format!(
        "{}.{}.{}.com",
        "b".repeat(63),
        "c".repeat(63),
        "d".repeat(58)
    );
    format!("{}@{domain}", "a".repeat(64))
}

/// A form body sent as-is from `client`.
fn raw_form(app: &TestApp, client: &Client, path: &str, body: String) -> RequestBuilder {
    client
        .post(app.url(path))
        .header("content-type", FORM)
        .body(body)
}

async fn malformed_forgot_password_forms_are_refused_and_change_nothing(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let browser = app.new_client();
    let csrf = app.csrf(&browser, "/password/forgot").await;
    let form = |body: String| raw_form(&app, &browser, "/password/forgot", body);
    let with_email = |email: &str| form(format!("csrf_token={csrf}&email={email}"));
    let long_address = address_of_255_octets();
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;

    // Act / Assert
    let cases = vec![
        (
            "body over the limit",
            with_email(&"a".repeat(20_000)),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "not a form",
            browser
                .post(app.url("/password/forgot"))
                .header("content-type", "text/plain")
                .body(format!("csrf_token={csrf}&email={EMAIL}")),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "duplicate field",
            form(format!(
                "csrf_token={csrf}&email={EMAIL}&email=eve%40example.com"
            )),
            StatusCode::BAD_REQUEST,
        ),
        (
            "unknown field",
            form(format!("csrf_token={csrf}&email={EMAIL}&admin=1")),
            StatusCode::BAD_REQUEST,
        ),
        (
            "missing field",
            form(format!("csrf_token={csrf}")),
            StatusCode::BAD_REQUEST,
        ),
        (
            "invalid UTF-8",
            with_email("ada%FF@example.com"),
            StatusCode::BAD_REQUEST,
        ),
        ("CR/LF", with_email("a@b.c%0d%0aBcc:x@y.z"), unprocessable),
        ("NUL", with_email("ada%00@example.com"), unprocessable),
        ("over 254 octets", with_email(&long_address), unprocessable),
        ("no address", with_email("not-an-address"), unprocessable),
    ];
    assert_eq!(long_address.len(), 255);
    assert_each_refused(&app, cases).await;
}

async fn malformed_api_requests_are_refused_and_change_nothing(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let client = app.new_client();
    let forgot = app.url("/api/v1/password/forgot");
    let reset = app.url("/api/v1/password/reset");
    let json_body = |url: &str, body: &str| {
        client
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_owned())
    };
    let long_address = address_of_255_octets();
    let big = json!({ "email": "a".repeat(20_000) }).to_string();

    // Act / Assert
    let cases = vec![
        (
            "wrong content type",
            client.post(&forgot).form(&[("email", EMAIL)]),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "invalid JSON",
            json_body(&forgot, "{\"email\": "),
            StatusCode::BAD_REQUEST,
        ),
        (
            "unknown field",
            json_body(&forgot, &json!({"email": EMAIL, "admin": true}).to_string()),
            StatusCode::BAD_REQUEST,
        ),
        (
            "missing field",
            json_body(&forgot, "{}"),
            StatusCode::BAD_REQUEST,
        ),
        (
            "wrong type",
            json_body(&forgot, "{\"email\": 42}"),
            StatusCode::BAD_REQUEST,
        ),
        (
            "lone surrogate",
            json_body(&forgot, "{\"email\": \"ada\\udcff@example.com\"}"),
            StatusCode::BAD_REQUEST,
        ),
        (
            "invalid UTF-8",
            client
                .post(&forgot)
                .header("content-type", "application/json")
                .body(b"{\"email\": \"ada\xff@example.com\"}".to_vec()),
            StatusCode::BAD_REQUEST,
        ),
        (
            "body over the limit",
            json_body(&forgot, &big),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "CR/LF",
            json_body(&forgot, &json!({"email": "a@b.c\r\nBcc:x@y.z"}).to_string()),
            StatusCode::BAD_REQUEST,
        ),
        (
            "NUL",
            json_body(&forgot, &json!({"email": "ada\0@example.com"}).to_string()),
            StatusCode::BAD_REQUEST,
        ),
        (
            "over 254 octets",
            json_body(&forgot, &json!({ "email": long_address }).to_string()),
            StatusCode::BAD_REQUEST,
        ),
        (
            "token of the wrong shape",
            json_body(
                &reset,
                &json!({"token": "lr1_x", "password": "a new passphrase"}).to_string(),
            ),
            StatusCode::BAD_REQUEST,
        ),
        (
            "reset with an unknown field",
            json_body(
                &reset,
                &json!({"token": "lr1_x", "password": "p", "x": 1}).to_string(),
            ),
            StatusCode::BAD_REQUEST,
        ),
    ];
    assert_each_refused(&app, cases).await;
}

async fn malformed_reset_links_get_the_400_page(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let client = app.new_client();
    let link = |query: &str| client.get(app.url(&format!("/password/reset?{query}")));
    let not_me = |query: &str| client.get(app.url(&format!("/password/not-me?{query}")));
    let long = format!("token=lr1_{}", "A".repeat(5_000));
    let bad = StatusCode::BAD_REQUEST;

    // Act / Assert
    let cases = vec![
        ("garbage", link("token=xyz"), bad),
        ("empty", link("token="), bad),
        ("right prefix, wrong length", link("token=lr1_AAAA"), bad),
        ("very long", link(&long), bad),
        ("invalid UTF-8", link("token=lr1_%FF%FE"), bad),
        ("CR/LF and NUL", link("token=lr1_%0d%0a%00"), bad),
        (
            "another purpose",
            link("token=lm1_AAAAAAAAAAAAAAAAAAAAAA"),
            bad,
        ),
        ("twice", link("token=a&token=b"), bad),
        ("unknown parameter", link("tok=x"), bad),
        (
            "head of garbage",
            client.head(app.url("/password/reset?token=xyz")),
            bad,
        ),
        ("not-me garbage", not_me("token=xyz"), bad),
        (
            "not-me without token",
            client.get(app.url("/password/not-me")),
            bad,
        ),
    ];
    assert_each_refused(&app, cases).await;
}

async fn a_new_password_that_is_not_utf8_is_refused_and_changes_nothing(backend: Backend) {
    // Arrange: a session holding a live link.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let link = app.mailed_reset_link(EMAIL, 1).await;
    let browser = app.new_client();
    app.open_reset_link(&browser, &link).await;
    let csrf = app.csrf(&browser, "/password/reset").await;
    let password = "correct%20horse%FF%20battery";
    let body = format!("csrf_token={csrf}&password={password}&password_confirm={password}");

    // Act
    let response = raw_form(&app, &browser, "/password/reset", body)
        .send()
        .await
        .unwrap();

    // Assert: refused, the old password still works, the link too.
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(app.password_works(EMAIL, PASSWORD).await);
    assert!(
        !app.password_works(EMAIL, "correct horse\u{FFFD} battery")
            .await
    );
    app.reset_with(&link, "a completely new passphrase").await;
}

async fn malformed_new_password_forms_are_refused_and_change_nothing(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let link = app.mailed_reset_link(EMAIL, 1).await;
    let browser = app.new_client();
    app.open_reset_link(&browser, &link).await;
    let csrf = app.csrf(&browser, "/password/reset").await;
    app.drain_outbox().await;
    let mail_before = app.sink.messages().len();
    let form = |body: String| raw_form(&app, &browser, "/password/reset", body);
    let good = "a%20completely%20new%20passphrase";
    let rows = app.row_counts();

    // Act
    let cases = [
        (
            "unknown field",
            form(format!(
                "csrf_token={csrf}&password={good}&password_confirm={good}&x=1"
            )),
        ),
        (
            "duplicate field",
            form(format!(
                "csrf_token={csrf}&password={good}&password_confirm={good}&password=x"
            )),
        ),
        (
            "missing confirmation",
            form(format!("csrf_token={csrf}&password={good}")),
        ),
        (
            "body over the limit",
            form(format!(
                "csrf_token={csrf}&password={}&password_confirm={good}",
                "a".repeat(20_000)
            )),
        ),
    ];
    let mut statuses = Vec::new();
    for (what, request) in cases {
        statuses.push((what, request.send().await.unwrap().status()));
    }

    // Assert
    for (what, status) in statuses {
        assert!(status.is_client_error(), "{what}: {status}");
    }
    app.drain_outbox().await;
    assert_eq!(app.row_counts(), rows, "nothing written");
    assert_eq!(app.sink.messages().len(), mail_before);
    assert!(app.password_works(EMAIL, PASSWORD).await);
    app.reset_with(&link, "a completely new passphrase").await;
}
