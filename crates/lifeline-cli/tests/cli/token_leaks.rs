//! A reset token goes nowhere but the mail and the session: the served `lifeline` binary's
//! log holds no token, address or password, even at trace level.

use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use serde_json::json;
use storage::Backend;
use storage::testing::TestDb;

use crate::helpers::{PUBLIC_URL, csrf_in, mail_parts, token_of};
use crate::on_every_backend;
use crate::served_binary::{ServedBinary, create_account};

const EMAIL: &str = "ada@example.com";
const NEW_PASSWORD: &str = "a completely new passphrase";

on_every_backend!(the_served_binary_logs_no_token_address_or_password_even_at_trace_level);

async fn the_served_binary_logs_no_token_address_or_password_even_at_trace_level(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let sink = mail::sink::SmtpSink::start().await.unwrap();
    create_account(&db, EMAIL, "old password for ada");
    let mut served = ServedBinary::start(&db, &sink, "trace").await;
    let url = |path: &str| served.url(path);
    let browser = Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap();

    // Act: the whole reset through the binary, plus a refused reuse.
    let form = browser.get(url("/password/forgot")).send().await.unwrap();
    let csrf = csrf_in(&form.text().await.unwrap()).unwrap();
    let asked = browser
        .post(url("/password/forgot"))
        .form(&[("email", EMAIL), ("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::OK);
    let mail = sink
        .wait_for(1, std::time::Duration::from_secs(10))
        .await
        .unwrap()
        .remove(0);
    let (text, _) = mail_parts(&mail);
    let mailed_link = |prefix: &str| {
        let wanted = format!("{PUBLIC_URL}{prefix}");
        let found = text.split_whitespace().find(|w| w.starts_with(&wanted));
        found.unwrap().replace(PUBLIC_URL, &served.address)
    };
    let (link, not_me) = (
        mailed_link("/password/reset?token="),
        mailed_link("/password/not-me?token="),
    );
    let opened = browser.get(&link).send().await.unwrap();
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    // A browser that ignores Referrer-Policy still sends the link as Referer.
    let form = browser
        .get(url("/password/reset"))
        .header("referer", &link)
        .send()
        .await
        .unwrap();
    let csrf = csrf_in(&form.text().await.unwrap()).unwrap();
    let reset = browser
        .post(url("/password/reset"))
        .form(&[
            ("password", NEW_PASSWORD),
            ("password_confirm", NEW_PASSWORD),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), StatusCode::SEE_OTHER);
    let reused = browser.get(&link).send().await.unwrap();
    assert_eq!(reused.status(), StatusCode::BAD_REQUEST);
    let api = browser
        .post(url("/api/v1/password/reset"))
        .json(&json!({"token": token_of(&link), "password": NEW_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::BAD_REQUEST);
    sink.wait_for(2, std::time::Duration::from_secs(10))
        .await
        .unwrap();
    browser.get(url("/healthz")).send().await.unwrap();
    served.wait_for_output("\"path\":\"/healthz\"").await;
    let output = served.output();

    // Assert: the log is detailed, yet holds no secret.
    assert!(output.contains("\"path\":\"/password/reset\""), "{output}");
    assert!(output.contains("reset link rejected"), "{output}");
    assert!(output.contains("email sent"), "{output}");
    let token = token_of(&link);
    let secret_part = token.split_once('_').unwrap().1;
    for secret in [
        token.as_str(),
        secret_part,
        &token_of(&not_me),
        NEW_PASSWORD,
        EMAIL,
    ] {
        assert!(
            !output.contains(secret),
            "{secret:?} is in the log:\n{output}"
        );
    }
}
