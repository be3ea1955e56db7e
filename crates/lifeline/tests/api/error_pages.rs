//! Every HTML error page (400, 403, 404, 405, 413, 429) is rendered from the
//! operator's `error.html.tera` with the branding, whether it was raised by a
//! handler, an extractor, a middleware refusal or the router; a 429 says how
//! long to wait; HEAD gets the status without a body; the API stays JSON; and
//! `GET /` leads to the sign-in page. (503 is triggered for real in the
//! service's database-outage test, `lifeline-cli/tests/adversarial`; 500
//! cannot be caused from outside and is unit-tested through the renderer.)

use reqwest::header::{ALLOW, CACHE_CONTROL, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use storage::Backend;
use tempfile::TempDir;

use crate::helpers::{TestApp, spawn_app_with};
use crate::on_every_backend;
use crate::reset_steps::Observed;

on_every_backend!(
    every_error_page_is_rendered_from_the_branded_override_template,
    the_site_root_leads_to_the_sign_in_page,
);

const PRODUCT: &str = "Acme Accounts";
const SUPPORT: &str = "help@acme.example";
const ACCENT: &str = "#0f766e";
const MAX_BODY: usize = 2048;

/// An operator's error page: marks itself and shows every variable it gets.
const OVERRIDE: &str = r#"{% extends "layout.html.tera" %}
{% block title %}{{ heading }}{% endblock title %}
{% block content %}<h1 class="acme-error">Acme error {{ status }}: {{ heading }}</h1>
<p>{{ message }}</p>{% if wait %}<p>acme-wait {{ wait }} ({{ retry_after_secs }} s)</p>{% endif %}
{% endblock content %}"#;

/// An app with branding, a template override directory holding only
/// `error.html.tera`, a small body limit and a per-IP POST budget of `posts`.
async fn branded_app(backend: Backend, posts: u32) -> Option<(TempDir, TestApp)> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("error.html.tera"), OVERRIDE).unwrap();
    let templates = dir.path().to_string_lossy().into_owned();
    let app = spawn_app_with(backend, |f| {
        f.merge(("branding.product_name", PRODUCT))
            .merge(("branding.support_email", SUPPORT))
            .merge(("branding.accent_color", ACCENT))
            .merge(("branding.templates_dir", templates))
            .merge(("server.max_body_bytes", MAX_BODY))
            .merge(("limits.per_ip_burst", posts))
            .merge(("limits.per_ip_per_minute", 1))
    })
    .await?;
    Some((dir, app))
}

/// `observed` is the operator's error page for `status`, branded, with the
/// headers every page has.
fn assert_branded_error_page(what: &str, observed: &Observed, status: StatusCode) {
    assert_eq!(observed.status, status, "{what}: {}", observed.text());
    let html = observed.text();
    let heading = status.canonical_reason().unwrap();
    let marker = format!("Acme error {}: {heading}", status.as_u16());
    assert!(html.contains(&marker), "{what}: not the override:\n{html}");
    assert!(html.contains(PRODUCT), "{what}: no product name:\n{html}");
    assert!(
        html.contains(SUPPORT),
        "{what}: no support address:\n{html}"
    );
    assert!(
        html.contains("href=\"/static/lifeline.css\""),
        "{what}: the branded stylesheet is not linked:\n{html}"
    );
    assert_eq!(
        observed.headers[CONTENT_TYPE], "text/html; charset=utf-8",
        "{what}"
    );
    assert_eq!(observed.headers[CACHE_CONTROL], "no-store", "{what}");
    for header in [
        "content-security-policy",
        "x-frame-options",
        "referrer-policy",
    ] {
        assert!(observed.headers.contains_key(header), "{what}: no {header}");
    }
}

async fn request(app: &TestApp, method: Method, path: &str, body: Option<String>) -> Observed {
    let mut request = app.client.request(method, app.url(path));
    if let Some(body) = body {
        request = request
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body);
    }
    Observed::of(request.send().await.unwrap()).await
}

async fn every_error_page_is_rendered_from_the_branded_override_template(backend: Backend) {
    // Arrange: four POSTs before the per-IP limit (413, 400, 403, and one that passes).
    let Some((_dir, app)) = branded_app(backend, 4).await else {
        return;
    };
    let csrf = app.csrf(&app.client, "/password/forgot").await;
    let stylesheet = app.get(&app.client, "/static/lifeline.css").await;
    assert!(stylesheet.text().await.unwrap().contains(ACCENT));

    // Act / Assert: the router's 404, and the same status without a body for HEAD.
    let missing = request(&app, Method::GET, "/no-such-page", None).await;
    assert_branded_error_page("unknown path", &missing, StatusCode::NOT_FOUND);
    assert!(missing.text().contains("There is nothing here."));
    let head = request(&app, Method::HEAD, "/no-such-page", None).await;
    assert_eq!(head.status, StatusCode::NOT_FOUND);
    assert!(head.body.is_empty(), "HEAD got a body");
    let bad_id = request(&app, Method::GET, "/password/reset?token=x&extra=1", None).await;
    assert_branded_error_page("unknown query parameter", &bad_id, StatusCode::BAD_REQUEST);

    // actix-web's own 405 gets the page and keeps its `Allow` header.
    let wrong_method = request(&app, Method::DELETE, "/login", None).await;
    assert_branded_error_page(
        "wrong method",
        &wrong_method,
        StatusCode::METHOD_NOT_ALLOWED,
    );
    let allow = wrong_method.headers[ALLOW].to_str().unwrap().to_owned();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");

    // Middleware and extractor refusals: body limit, malformed form, CSRF.
    let oversized = format!("email={}&csrf_token={csrf}", "a".repeat(MAX_BODY));
    let too_large = request(&app, Method::POST, "/password/forgot", Some(oversized)).await;
    assert_branded_error_page("oversized body", &too_large, StatusCode::PAYLOAD_TOO_LARGE);
    let malformed = format!("email=ada%FF@example.com&csrf_token={csrf}");
    let unreadable = request(&app, Method::POST, "/password/forgot", Some(malformed)).await;
    assert_branded_error_page("malformed form", &unreadable, StatusCode::BAD_REQUEST);
    let forged = "email=ada@example.com&csrf_token=forged".to_owned();
    let forbidden = request(&app, Method::POST, "/password/forgot", Some(forged)).await;
    assert_branded_error_page("CSRF", &forbidden, StatusCode::FORBIDDEN);
    assert!(forbidden.text().contains("This form has expired"));

    // The per-IP POST limit: the page says how long to wait, as `Retry-After` does.
    let mut limited = None;
    for _ in 0..4 {
        let body = format!("email=ada@example.com&csrf_token={csrf}");
        let answer = request(&app, Method::POST, "/password/forgot", Some(body)).await;
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(answer);
            break;
        }
    }
    let limited = limited.expect("the per-IP limit answers 429");
    assert_branded_error_page("per-IP limit", &limited, StatusCode::TOO_MANY_REQUESTS);
    let secs: u64 = limited.headers[RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let words = in_words(secs);
    let html = limited.text();
    assert!(html.contains(&format!("Try again in {words}.")), "{html}");
    assert!(
        html.contains(&format!("acme-wait {words} ({secs} s)")),
        "{html}"
    );

    // Below the API prefix every answer stays JSON.
    let api = request(&app, Method::GET, "/api/v1/no-such-endpoint", None).await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.headers[CONTENT_TYPE], "application/json");
    let api = request(&app, Method::DELETE, "/api/v1/password/forgot", None).await;
    assert_eq!(api.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(api.headers[CONTENT_TYPE], "application/json");
}

/// What the page is expected to say for a wait of `secs` (at most a minute
/// with a budget refilled once a minute).
fn in_words(secs: u64) -> String {
    match secs {
        1 => "1 second".into(),
        2..=59 => format!("{secs} seconds"),
        60 => "1 minute".into(),
        _ => panic!("a wait of {secs} s for a budget refilled every minute"),
    }
}

async fn the_site_root_leads_to_the_sign_in_page(backend: Backend) {
    // Arrange
    let Some((_dir, app)) = branded_app(backend, 100).await else {
        return;
    };

    // Act
    let get = request(&app, Method::GET, "/", None).await;
    let head = request(&app, Method::HEAD, "/", None).await;

    // Assert
    for answer in [get, head] {
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
        assert_eq!(answer.headers[LOCATION], "/login");
        assert_eq!(answer.headers[CACHE_CONTROL], "no-store");
    }
}
