//! `Content-Type` is compared as HTTP says (type, subtype and charset in any
//! case, parameters after `;`), and every body the server reads gets the same
//! checks whatever the spelling: an upper-case form type does not skip the
//! UTF-8 check, a charset other than UTF-8 is refused, and the JSON API takes
//! `application/json` alone.

use reqwest::header::CONTENT_TYPE;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use storage::Backend;

use crate::helpers::{TestApp, spawn_app};
use crate::on_every_backend;

const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "old password for ada";

on_every_backend!(
    an_upper_case_form_type_does_not_let_a_bad_byte_into_the_new_password,
    an_upper_case_form_type_with_a_bad_byte_in_the_address_gets_400_not_422,
    form_types_with_parameters_and_whitespace_are_read_alike_or_refused_with_415,
    json_types_are_compared_without_regard_to_case_and_only_application_json_is_read,
);

/// Spellings of the form media type that must be read exactly like the
/// lowercase one.
const FORM_SPELLINGS: [&str; 6] = [
    "APPLICATION/x-www-form-urlencoded",
    "APPLICATION/X-WWW-FORM-URLENCODED",
    "Application/X-Www-Form-Urlencoded",
    "application/x-www-form-urlencoded; charset=UTF-8",
    "application/x-www-form-urlencoded;charset=\"utf-8\"",
    "Application/X-WWW-Form-Urlencoded; Charset=Utf-8; foo=bar",
];

/// Posts `body` to `path` with `content_type`.
async fn post(
    app: &TestApp,
    client: &Client,
    path: &str,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> (StatusCode, String) {
    let response = client
        .post(app.url(path))
        .header(CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .expect("request sent");
    let status = response.status();
    (status, response.text().await.expect("body"))
}

async fn an_upper_case_form_type_does_not_let_a_bad_byte_into_the_new_password(backend: Backend) {
    // Arrange: a session holding a live reset link.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let link = app.mailed_reset_link(EMAIL, 1).await;
    let browser = app.new_client();
    app.open_reset_link(&browser, &link).await;
    let csrf = app.csrf(&browser, "/password/reset").await;
    let sent = "correct%20horse%FF%20battery";
    let body = format!("csrf_token={csrf}&password={sent}&password_confirm={sent}");

    // Act / Assert: every spelling is refused as unreadable.
    for content_type in FORM_SPELLINGS {
        let (status, page) = post(
            &app,
            &browser,
            "/password/reset",
            content_type,
            body.clone(),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{content_type}: {page}");
        assert!(page.contains("could not be read"), "{content_type}: {page}");
    }

    // Assert: the old password still works, the mangled one never did, the
    // link is still usable.
    assert!(app.password_works(EMAIL, PASSWORD).await);
    assert!(
        !app.password_works(EMAIL, "correct horse\u{FFFD} battery")
            .await
    );
    app.reset_with(&link, "a completely new passphrase").await;
}

async fn an_upper_case_form_type_with_a_bad_byte_in_the_address_gets_400_not_422(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let browser = app.new_client();
    let csrf = app.csrf(&browser, "/password/forgot").await;
    let body = format!("csrf_token={csrf}&email=ada%FF@example.com");
    let rows = app.row_counts();

    // Act / Assert
    for content_type in FORM_SPELLINGS {
        let (status, page) = post(
            &app,
            &browser,
            "/password/forgot",
            content_type,
            body.clone(),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{content_type}: {page}");
        assert!(page.contains("could not be read"), "{content_type}: {page}");
    }
    app.drain_outbox().await;
    assert_eq!(app.row_counts(), rows, "nothing written");
    assert!(app.sink.messages().is_empty(), "no mail");
}

async fn form_types_with_parameters_and_whitespace_are_read_alike_or_refused_with_415(
    backend: Backend,
) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let browser = app.new_client();
    let csrf = app.csrf(&browser, "/password/forgot").await;
    let body = format!("csrf_token={csrf}&email=ada%40example.com");
    let refused = [
        "application/x-www-form-urlencoded; charset=iso-8859-1",
        "application/x-www-form-urlencoded; charset=windows-1252",
        "application/x-www-form-urlencoded ; charset=utf-8",
        "application/x-www-form-urlencoded, text/plain",
        "application/x-www-form-urlencoded-x",
        "text/x-www-form-urlencoded",
    ];

    // Act / Assert: the spellings are read (and ask for a link each) ...
    let accepted = FORM_SPELLINGS
        .iter()
        .chain(&["\tapplication/x-www-form-urlencoded  "]);
    let mut asked = 0;
    for content_type in accepted {
        let (status, page) = post(
            &app,
            &browser,
            "/password/forgot",
            content_type,
            body.clone(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{content_type}: {page}");
        assert!(page.contains("Check your inbox"), "{content_type}");
        asked += 1;
    }
    // ... and the others are refused before the body is read.
    for content_type in refused {
        let (status, page) = post(
            &app,
            &browser,
            "/password/forgot",
            content_type,
            body.clone(),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type}: {page}"
        );
        assert!(page.contains("UTF-8"), "{content_type}: {page}");
    }
    app.drain_outbox().await;
    // Each request replaces the account's live link; the per-account quota may
    // hold some back, but the refused requests add nothing.
    let mails = app.sink.messages().len();
    assert!(
        mails >= 1 && mails <= asked,
        "{mails} mails for {asked} requests"
    );
}

async fn json_types_are_compared_without_regard_to_case_and_only_application_json_is_read(
    backend: Backend,
) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let client = app.new_client();
    let body = json!({ "email": "nobody@example.com" }).to_string();
    let rows = app.row_counts();
    let accepted = [
        "application/json",
        "APPLICATION/JSON",
        "Application/Json; Charset=UTF-8",
        "application/json;charset=\"utf-8\"",
        " application/json\t",
    ];
    let refused = [
        "text/json",
        "application/ld+json",
        "application/problem+json",
        "application/json; charset=iso-8859-1",
        "application/json; charset=utf-16",
        "application/json ; charset=utf-8",
        "application/jsonx",
    ];

    // Act / Assert
    for content_type in refused {
        let (status, text) = post(
            &app,
            &client,
            "/api/v1/password/forgot",
            content_type,
            body.clone(),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type}: {text}"
        );
        let error: Value = serde_json::from_str(&text).expect("a JSON error");
        assert_eq!(error["error"], "unsupported_media_type", "{content_type}");
    }
    app.drain_outbox().await;
    assert_eq!(app.row_counts(), rows, "nothing written by a refused body");
    for content_type in accepted {
        let (status, text) = post(
            &app,
            &client,
            "/api/v1/password/forgot",
            content_type,
            body.clone(),
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{content_type}: {text}");
    }
}
