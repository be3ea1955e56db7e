//! Structured logs from the real binary: one JSON object per line, request ids that match
//! the `X-Request-Id` header, masked addresses, and no secret even at trace level.

use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use storage::testing::TestDb;
use storage::{Backend, mask};

use crate::helpers::csrf_in;
use crate::on_every_backend;
use crate::served_binary::{ServedBinary, create_account};

const EMAIL: &str = "grace.hopper@example.com";
const PASSWORD: &str = "the old password of grace";

on_every_backend!(
    json_log_lines_carry_the_request_id_and_mask_addresses,
    passwords_csrf_tokens_and_session_cookies_never_reach_the_log,
);

/// The output's lines that are JSON objects.
fn json_lines(output: &str) -> Vec<Value> {
    output
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .collect()
}

async fn json_log_lines_carry_the_request_id_and_mask_addresses(backend: Backend) {
    // Arrange: one link request per address per hour, so the second is dropped and logged.
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let sink = mail::sink::SmtpSink::start().await.unwrap();
    let mut served = ServedBinary::start_with_env(
        &db,
        &sink,
        "info",
        &[("LIFELINE_LIMITS__PER_ADDRESS_PER_HOUR", "1")],
    )
    .await;
    let client = Client::new();
    let ask = || {
        client
            .post(served.url("/api/v1/password/forgot"))
            .json(&json!({ "email": EMAIL }))
            .send()
    };

    // Act
    let first = ask().await.unwrap();
    let second = ask().await.unwrap();
    served.wait_for_output("over the per-address limit").await;
    let output = served.output();

    // Assert
    assert_eq!(
        (first.status(), second.status()),
        (StatusCode::ACCEPTED, StatusCode::ACCEPTED)
    );
    let request_id = second.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(request_id.len(), 16);
    assert_ne!(
        first.headers()["x-request-id"],
        second.headers()["x-request-id"]
    );
    let lines = json_lines(&output);
    let limited = lines
        .iter()
        .find(|line| {
            line["fields"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("over the per-address limit"))
        })
        .unwrap_or_else(|| panic!("no limit line in:\n{output}"));
    assert_eq!(limited["level"], "INFO");
    assert_eq!(limited["span"]["name"], "request");
    assert_eq!(limited["span"]["id"], request_id.as_str());
    assert_eq!(limited["span"]["path"], "/api/v1/password/forgot");
    assert_eq!(limited["fields"]["email"], mask(EMAIL).as_str());
    let handled = lines
        .iter()
        .find(|line| {
            line["fields"]["message"] == "handled" && line["span"]["id"] == request_id.as_str()
        })
        .unwrap_or_else(|| panic!("no `handled` line for {request_id} in:\n{output}"));
    assert_eq!(handled["fields"]["status"], 202);
    assert!(handled["timestamp"].is_string());
    assert!(
        !output.contains(EMAIL),
        "the address is in the log:\n{output}"
    );
    assert!(
        !output.contains("grace.hopper"),
        "part of the address is in the log:\n{output}"
    );
}

async fn passwords_csrf_tokens_and_session_cookies_never_reach_the_log(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let sink = mail::sink::SmtpSink::start().await.unwrap();
    create_account(&db, EMAIL, PASSWORD);
    let mut served = ServedBinary::start(&db, &sink, "trace").await;
    let browser = Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap();

    // Act: sign in (password, CSRF token, new session cookie), then use the session.
    let form = browser.get(served.url("/login")).send().await.unwrap();
    let csrf = csrf_in(&form.text().await.unwrap()).unwrap();
    let signed_in = browser
        .post(served.url("/login"))
        .form(&[
            ("email", EMAIL),
            ("password", PASSWORD),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    let cookie = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| value.strip_prefix("lifeline_session="))
        .map(|value| value.split(';').next().unwrap_or_default().to_owned())
        .expect("a session cookie");
    let account = browser.get(served.url("/account")).send().await.unwrap();
    let form = browser.get(served.url("/login")).send().await.unwrap();
    let renewed_csrf = csrf_in(&form.text().await.unwrap()).unwrap();
    let wrong = browser
        .post(served.url("/login"))
        .form(&[
            ("email", EMAIL),
            ("password", "not the password"),
            ("csrf_token", &renewed_csrf),
        ])
        .send()
        .await
        .unwrap();
    browser.get(served.url("/healthz")).send().await.unwrap();
    served.wait_for_output("\"path\":\"/healthz\"").await;
    let output = served.output();

    // Assert
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(account.status(), StatusCode::OK);
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(output.contains("\"path\":\"/login\""), "{output}");
    assert!(cookie.len() > 20);
    for secret in [
        PASSWORD,
        "not the password",
        csrf.as_str(),
        renewed_csrf.as_str(),
        cookie.as_str(),
        EMAIL,
    ] {
        assert!(
            !output.contains(secret),
            "{secret:?} is in the log:\n{output}"
        );
    }
}
