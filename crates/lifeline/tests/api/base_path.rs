//! A standalone server with `server.base_path = "/auth"`: every link and form on
//! its pages, every redirect, the session cookie, the error pages and the links
//! in mail carry the prefix, and nothing answers outside it.

use reqwest::StatusCode;
use reqwest::header::{LOCATION, SET_COOKIE};
use storage::Backend;

use crate::helpers::{PUBLIC_URL, TestApp, csrf_in, link_in, mail_parts, spawn_app_with};
use crate::on_every_backend;

on_every_backend!(
    every_page_link_form_and_redirect_carries_the_base_path,
    error_pages_and_mail_links_carry_the_base_path,
);

const PASSWORD: &str = "ada's long enough password";
const NEW_PASSWORD: &str = "a completely new passphrase";

async fn prefixed_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |f| f.merge(("server.base_path", "/auth"))).await
}

/// Every `href`/`action`/`src` value in `html` that is a path on this site.
fn local_urls(html: &str) -> Vec<String> {
    ["href=\"", "action=\"", "src=\""]
        .iter()
        .flat_map(|attr| html.split(attr).skip(1))
        .filter_map(|rest| rest.split('"').next())
        .filter(|url| url.starts_with('/'))
        .map(str::to_owned)
        .collect()
}

/// The page's local links and forms: there are some, and all are under `/auth/`.
fn assert_prefixed(what: &str, html: &str) {
    let urls = local_urls(html);
    assert!(!urls.is_empty(), "{what}: no local links in\n{html}");
    for url in urls {
        assert!(
            url.starts_with("/auth/"),
            "{what}: {url} lacks the base path"
        );
    }
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let response = app.get(client, path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let html = response.text().await.unwrap();
    assert_prefixed(path, &html);
    html
}

async fn every_page_link_form_and_redirect_carries_the_base_path(backend: Backend) {
    // Arrange
    let Some(app) = prefixed_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", PASSWORD);
    let browser = app.new_client();

    // Act / Assert: the forms, and nothing outside the prefix.
    let forgot = app.get(&browser, "/auth/password/forgot").await;
    let cookie = forgot.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.contains("Path=/auth"), "{cookie}");
    assert_prefixed("forgot", &forgot.text().await.unwrap());
    page(&app, &browser, "/auth/magic-link").await;
    let login = page(&app, &browser, "/auth/login").await;
    assert!(
        login.contains("href=\"/auth/static/lifeline.css\""),
        "{login}"
    );
    assert_eq!(
        app.get(&browser, "/auth/static/lifeline.css")
            .await
            .status(),
        StatusCode::OK
    );
    for path in ["/login", "/password/forgot", "/static/lifeline.css", "/"] {
        let outside = app.get(&browser, path).await;
        assert_eq!(
            outside.status(),
            StatusCode::NOT_FOUND,
            "{path} answered outside the base path"
        );
        assert_eq!(outside.headers()["cache-control"], "no-store", "{path}");
        let html = outside.text().await.unwrap();
        assert!(
            html.contains("<span class=\"product\">Lifeline</span>"),
            "{path}: {html}"
        );
        assert_prefixed(path, &html);
    }
    for root in ["/auth", "/auth/"] {
        let answer = app.get(&browser, root).await;
        assert_eq!(answer.status(), StatusCode::SEE_OTHER, "{root}");
        assert_eq!(answer.headers()[LOCATION], "/auth/login", "{root}");
    }
    let anonymous = app.get(&browser, "/auth/account").await;
    assert_eq!(anonymous.headers()[LOCATION], "/auth/login");

    // A whole reset: the link, the form, the redirects.
    let csrf = app.csrf(&browser, "/auth/password/forgot").await;
    let asked = app
        .post_form(
            &browser,
            "/auth/password/forgot",
            &[("email", "ada@example.com"), ("csrf_token", &csrf)],
        )
        .await;
    assert_prefixed("check inbox", &asked.text().await.unwrap());
    let mails = app.wait_for_mail(1).await;
    let link = link_in(&app, &mails[0], "/auth/password/reset?token=");
    let opened = browser.get(&link).send().await.unwrap();
    assert_eq!(opened.headers()[LOCATION], "/auth/password/reset");
    let form = page(&app, &browser, "/auth/password/reset").await;
    let changed = app
        .post_form(
            &browser,
            "/auth/password/reset",
            &[
                ("password", NEW_PASSWORD),
                ("password_confirm", NEW_PASSWORD),
                ("csrf_token", &csrf_in(&form).unwrap()),
            ],
        )
        .await;
    assert_eq!(changed.headers()[LOCATION], "/auth/login");
    let csrf = app.csrf(&browser, "/auth/login").await;
    let signed_in = app
        .post_form(
            &browser,
            "/auth/login",
            &[
                ("email", "ada@example.com"),
                ("password", NEW_PASSWORD),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(signed_in.headers()[LOCATION], "/auth/account");
    let account = page(&app, &browser, "/auth/account").await;
    let logged_out = app
        .post_form(
            &browser,
            "/auth/logout",
            &[("csrf_token", &csrf_in(&account).unwrap())],
        )
        .await;
    assert_eq!(logged_out.headers()[LOCATION], "/auth/login");

    // A magic link: its confirmation page, and the fallback after sign-in.
    let csrf = app.csrf(&browser, "/auth/magic-link").await;
    app.post_form(
        &browser,
        "/auth/magic-link",
        &[("email", "ada@example.com"), ("csrf_token", &csrf)],
    )
    .await;
    let mails = app.wait_for_mail(3).await;
    let magic = mails
        .iter()
        .find(|m| mail_parts(m).0.contains("/magic-link/verify?token="))
        .expect("a magic-link mail");
    let link = link_in(&app, magic, "/auth/magic-link/verify?token=");
    let confirm = app.open_link(&browser, &link).await.text().await.unwrap();
    assert_prefixed("magic-link confirmation", &confirm);
    let held = crate::sign_in_steps::hidden_field(&confirm, "link").expect("link field");
    let pressed = app
        .post_form(
            &browser,
            "/auth/magic-link/verify",
            &[("link", &held), ("csrf_token", &csrf_in(&confirm).unwrap())],
        )
        .await;
    assert_eq!(pressed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        pressed.headers()[LOCATION],
        "/auth/account",
        "without a next, sign-in lands on Lifeline's own account page"
    );
}

async fn error_pages_and_mail_links_carry_the_base_path(backend: Backend) {
    // Arrange
    let Some(app) = prefixed_app(backend).await else {
        return;
    };
    app.create_user("ada@example.com", PASSWORD);
    let browser = app.new_client();

    // Act / Assert: pages built without a template (404, refused form, bad query).
    let missing = app.get(&browser, "/auth/no-such-page").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_prefixed("404", &missing.text().await.unwrap());
    let forged = app
        .post_form(
            &browser,
            "/auth/login",
            &[
                ("email", "a@example.com"),
                ("password", "x"),
                ("csrf_token", "forged"),
            ],
        )
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_prefixed("csrf refusal", &forged.text().await.unwrap());
    let bad_query = app
        .get(&browser, "/auth/password/reset?token=x&extra=1")
        .await;
    assert_eq!(bad_query.status(), StatusCode::BAD_REQUEST);
    assert_prefixed("bad query", &bad_query.text().await.unwrap());
    let invalid = app
        .get(&browser, "/auth/password/reset?token=lr1_nonsense")
        .await;
    assert_eq!(invalid.status(), StatusCode::BAD_REQUEST);
    assert_prefixed("invalid link", &invalid.text().await.unwrap());

    // Every link in the mail is under the public URL and the base path.
    let csrf = app.csrf(&browser, "/auth/password/forgot").await;
    app.post_form(
        &browser,
        "/auth/password/forgot",
        &[("email", "ada@example.com"), ("csrf_token", &csrf)],
    )
    .await;
    let mails = app.wait_for_mail(1).await;
    let (text, html) = mail_parts(&mails[0]);
    let links: Vec<&str> = text
        .split_whitespace()
        .filter(|word| word.starts_with(PUBLIC_URL))
        .collect();
    assert!(links.len() >= 2, "reset and not-me links: {text}");
    for link in links {
        assert!(link.starts_with(&format!("{PUBLIC_URL}/auth/")), "{link}");
    }
    assert!(!html.contains(&format!("{PUBLIC_URL}/password")), "{html}");
}
