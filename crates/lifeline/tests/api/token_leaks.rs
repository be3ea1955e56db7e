//! A reset token goes from the mail to the session and nowhere else: not into
//! a redirect, a later URL, a `Referer`, a cookie in clear, a log line, or a
//! link pointing at a host an attacker named. (That the served binary's log holds none of
//! them is a test of the `lifeline` binary, in `lifeline-cli`.)

use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use serde_json::json;
use storage::Backend;

use crate::helpers::{csrf_in, link_in, mail_parts, spawn_app, token_of};
use crate::on_every_backend;

const EMAIL: &str = "ada@example.com";
const NEW_PASSWORD: &str = "a completely new passphrase";

on_every_backend!(
    the_token_leaves_the_url_after_the_first_hop_and_pages_forbid_referers,
    links_in_mail_ignore_the_host_and_forwarded_host_headers,
);

async fn the_token_leaves_the_url_after_the_first_hop_and_pages_forbid_referers(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, "old password for ada");
    let link = app.mailed_reset_link(EMAIL, 1).await;
    let token = token_of(&link);
    let browser = Client::builder()
        .cookie_store(true)
        .redirect(Policy::limited(5))
        .build()
        .unwrap();

    // Act: a browser that follows redirects, like a person's.
    let first_hop = app.new_client().get(&link).send().await.unwrap();
    let form = browser.get(&link).send().await.unwrap();
    let form_url = form.url().clone();
    let form_referrer_policy = form.headers()["referrer-policy"].clone();
    let form_html = form.text().await.unwrap();
    let csrf = csrf_in(&form_html).expect("form");
    let done = app
        .new_client()
        .get(&link)
        .send()
        .await
        .map(|r| r.status())
        .unwrap();
    let submitted = browser
        .post(app.url("/password/reset"))
        .form(&[
            ("password", NEW_PASSWORD),
            ("password_confirm", NEW_PASSWORD),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(first_hop.status(), StatusCode::SEE_OTHER);
    assert_eq!(first_hop.headers()["location"], "/password/reset");
    assert_eq!(first_hop.headers()["referrer-policy"], "no-referrer");
    for cookie in first_hop.headers().get_all("set-cookie") {
        assert!(
            !cookie.to_str().unwrap().contains(&token),
            "token in a cookie in clear"
        );
    }
    assert_eq!(form_url.path(), "/password/reset");
    assert_eq!(form_url.query(), None, "no token in the form's URL");
    assert_eq!(form_referrer_policy, "no-referrer");
    assert!(form_html.contains("<meta name=\"referrer\" content=\"no-referrer\">"));
    assert!(
        !form_html.contains(&token),
        "the page does not repeat the token"
    );
    assert_eq!(done, StatusCode::SEE_OTHER, "fetching did not use the link");
    assert_eq!(
        submitted.url().path(),
        "/login",
        "the reset redirected to sign in"
    );
    assert_eq!(submitted.url().query(), None);
    assert_eq!(submitted.status(), StatusCode::OK);
    assert!(!submitted.text().await.unwrap().contains(&token));
}

async fn links_in_mail_ignore_the_host_and_forwarded_host_headers(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, "old password for ada");
    let browser = app.new_client();
    let csrf = app.csrf(&browser, "/password/forgot").await;

    // Act: a poisoned Host header on the page and on the API.
    let page = browser
        .post(app.url("/password/forgot"))
        .header("host", "evil.example")
        .header("x-forwarded-host", "evil.example")
        .header("forwarded", "host=evil.example;proto=https")
        .form(&[("email", EMAIL), ("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    let api = app
        .new_client()
        .post(app.url("/api/v1/password/forgot"))
        .header("host", "evil.example:443")
        .header("x-forwarded-host", "evil.example")
        .json(&json!({ "email": EMAIL }))
        .send()
        .await
        .unwrap();

    // Assert: both mails link to the configured public URL only.
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(api.status(), StatusCode::ACCEPTED);
    for mail in app.wait_for_mail(2).await {
        let (text, html) = mail_parts(&mail);
        assert!(!text.contains("evil.example"), "{text}");
        assert!(!html.contains("evil.example"), "{html}");
        link_in(&app, &mail, "/password/reset?token=");
        link_in(&app, &mail, "/password/not-me?token=");
    }
}
