//! `next` on the password sign-in page: carried by `/login` exactly as by
//! `/magic-link`, followed after a password sign-in only when allow-listed.

use reqwest::{Client, StatusCode, Url};
use storage::Backend;

use crate::helpers::{TestApp, spawn_app_with};
use crate::on_every_backend;
use crate::sign_in_steps;

on_every_backend!(
    only_an_allow_listed_next_is_followed_after_a_password_sign_in,
    without_next_a_password_sign_in_goes_to_the_account_page,
    a_failed_sign_in_keeps_only_an_allowed_next,
    the_two_sign_in_pages_pass_an_allowed_next_to_each_other,
    a_malformed_next_is_refused_or_ignored_never_an_error,
);

const ADA: &str = "ada@example.com";
const PASSWORD: &str = "ada's long password";
const DASHBOARD: &str = "https://app.example.com/dashboard?tab=1&view=all";

async fn app_with_allow_list(backend: Backend) -> Option<TestApp> {
    let app = spawn_app_with(backend, |f| {
        f.merge((
            "server.redirect_allow_list",
            ["/account", "/welcome", "https://app.example.com"],
        ))
        // Every case below signs in to the same account from the same address.
        .merge(("limits.login_per_account", 1_000))
        .merge(("limits.per_ip_burst", 1_000))
    })
    .await?;
    app.create_user(ADA, PASSWORD);
    Some(app)
}

/// The value of the hidden field `name`, as the browser reads it (the page
/// escapes it for HTML: `&` is `&amp;` in the source).
fn hidden_field(html: &str, name: &str) -> Option<String> {
    sign_in_steps::hidden_field(html, name).map(|value| {
        value
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#x27;", "'")
            .replace("&amp;", "&")
    })
}

/// `page` (`/login` or `/magic-link`) with `next` in its query string.
async fn page_with_next(app: &TestApp, browser: &Client, page: &str, next: &str) -> String {
    let response = browser
        .get(app.url(page))
        .query(&[("next", next)])
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status(), StatusCode::OK, "{page}?next={next}");
    response.text().await.expect("body")
}

/// Posts the sign-in form with `next` as the page's hidden field would.
async fn sign_in_with_next(
    app: &TestApp,
    browser: &Client,
    password: &str,
    next: Option<&str>,
) -> reqwest::Response {
    let csrf = app.csrf(browser, "/login").await;
    let mut fields = vec![
        ("email", ADA),
        ("password", password),
        ("csrf_token", &csrf),
    ];
    fields.extend(next.map(|next| ("next", next)));
    app.post_form(browser, "/login", &fields).await
}

/// The `next` of the first link to `target` on `html`, decoded; `None` when the
/// link carries no query string.
fn next_in_link(html: &str, target: &str) -> Option<String> {
    let marker = format!("href=\"{target}");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no link to {target}: {html}"));
    let href = html[start + "href=\"".len()..].split('"').next()?;
    let url = Url::parse(&format!("http://lifeline.test{href}")).expect("a valid link");
    assert_eq!(url.path(), target, "{href}");
    url.query()?;
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert_eq!(pairs.len(), 1, "only `next` is passed on: {href}");
    assert_eq!(pairs[0].0, "next", "{href}");
    Some(pairs[0].1.clone())
}

async fn only_an_allow_listed_next_is_followed_after_a_password_sign_in(backend: Backend) {
    // Arrange
    let Some(app) = app_with_allow_list(backend).await else {
        return;
    };
    let cases = [
        (DASHBOARD, DASHBOARD),
        ("https://app.example.com", "https://app.example.com"),
        ("/welcome", "/welcome"),
        ("/account", "/account"),
        ("https://evil.example/", "/account"),
        ("//evil.com", "/account"),
        ("//evil.com/dashboard", "/account"),
        ("/\\evil.com", "/account"),
        ("https://app.example.com@evil.com", "/account"),
        ("https://app.example.com@evil.com/", "/account"),
        ("https://app.example.com%2F@evil.com/", "/account"),
        ("https://app.example.com.evil.com/", "/account"),
        ("http://app.example.com/dashboard", "/account"),
        ("javascript:alert(1)", "/account"),
        ("%2F%2Fevil.com", "/account"),
        ("/welcome/../account", "/account"),
        ("", "/account"),
    ];

    for (next, expected) in cases {
        // Act
        let browser = app.browser();
        let form = page_with_next(&app, &browser, "/login", next).await;
        let signed_in = sign_in_with_next(&app, &browser, PASSWORD, Some(next)).await;

        // Assert
        assert_eq!(signed_in.status(), StatusCode::SEE_OTHER, "{next}");
        assert_eq!(signed_in.headers()["location"], expected, "{next}");
        let allowed = next == expected;
        assert_eq!(
            hidden_field(&form, "next").as_deref(),
            allowed.then_some(next),
            "the form carries only allow-listed targets: {next}"
        );
        assert_eq!(
            next_in_link(&form, "/magic-link").as_deref(),
            allowed.then_some(next),
            "the link to /magic-link passes on only allow-listed targets: {next}"
        );
        assert!(
            app.account_page(&browser).await.is_some(),
            "signed in: {next}"
        );
    }
}

async fn without_next_a_password_sign_in_goes_to_the_account_page(backend: Backend) {
    // Arrange
    let Some(app) = app_with_allow_list(backend).await else {
        return;
    };
    let browser = app.browser();

    // Act
    let form = app.get(&browser, "/login").await.text().await.unwrap();
    let signed_in = sign_in_with_next(&app, &browser, PASSWORD, None).await;

    // Assert
    assert_eq!(hidden_field(&form, "next"), None);
    assert_eq!(next_in_link(&form, "/magic-link"), None);
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_in.headers()["location"], "/account");
}

async fn a_failed_sign_in_keeps_only_an_allowed_next(backend: Backend) {
    // Arrange
    let Some(app) = app_with_allow_list(backend).await else {
        return;
    };
    let browser = app.browser();

    // Act: a wrong password, then the right one from the form it gave back.
    let failed = sign_in_with_next(&app, &browser, "not the password", Some(DASHBOARD)).await;
    assert_eq!(failed.status(), StatusCode::UNAUTHORIZED);
    let again = failed.text().await.unwrap();
    let kept = hidden_field(&again, "next");
    let signed_in = sign_in_with_next(&app, &browser, PASSWORD, kept.as_deref()).await;

    // Assert
    assert_eq!(kept.as_deref(), Some(DASHBOARD), "{again}");
    assert_eq!(
        next_in_link(&again, "/magic-link").as_deref(),
        Some(DASHBOARD)
    );
    assert_eq!(signed_in.headers()["location"], DASHBOARD);

    // Act / Assert: a target that is not allowed is not put into the form again.
    let refused = sign_in_with_next(&app, &app.browser(), "wrong", Some("//evil.com")).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let again = refused.text().await.unwrap();
    assert_eq!(hidden_field(&again, "next"), None, "{again}");
    assert_eq!(next_in_link(&again, "/magic-link"), None);
}

async fn the_two_sign_in_pages_pass_an_allowed_next_to_each_other(backend: Backend) {
    // Arrange
    let Some(app) = app_with_allow_list(backend).await else {
        return;
    };
    let browser = app.browser();

    // Act
    let link_page = page_with_next(&app, &browser, "/magic-link", DASHBOARD).await;
    let to_login = next_in_link(&link_page, "/login").expect("next passed on");
    let login_page = page_with_next(&app, &browser, "/login", &to_login).await;
    let to_link = next_in_link(&login_page, "/magic-link").expect("next passed back");
    let refused = page_with_next(&app, &browser, "/magic-link", "//evil.com").await;

    // Assert: the value survives the round trip unchanged.
    assert_eq!(to_login, DASHBOARD);
    assert_eq!(to_link, DASHBOARD);
    assert_eq!(
        hidden_field(&login_page, "next").as_deref(),
        Some(DASHBOARD)
    );
    assert_eq!(next_in_link(&refused, "/login"), None);
}

async fn a_malformed_next_is_refused_or_ignored_never_an_error(backend: Backend) {
    // Arrange
    let Some(app) = app_with_allow_list(backend).await else {
        return;
    };
    let browser = app.browser();
    let csrf = app.csrf(&browser, "/login").await;
    let long = format!("/{}", "a".repeat(4_000));

    // Act / Assert: odd query strings get a page or a 4xx, never a 5xx.
    for query in [
        "next=%FF",
        "next=%00",
        "next=%0d%0aLocation:%20https://evil.com",
        "next=/welcome&next=/account",
        "next=/welcome&other=1",
        "next",
        &format!("next={long}"),
    ] {
        let answer = app.get(&browser, &format!("/login?{query}")).await;
        let status = answer.status();
        assert!(
            status.is_success() || status.is_client_error(),
            "{query}: {status}"
        );
        let html = answer.text().await.unwrap();
        assert_eq!(hidden_field(&html, "next"), None, "{query}: {html}");
    }

    // Act / Assert: a form with a bad `next` signs in to /account or is refused.
    for body in [
        format!(
            "email=ada%40example.com&password=ada%27s+long+password&csrf_token={csrf}&next=%0d%0aLocation:%20https://evil.com"
        ),
        format!(
            "email=ada%40example.com&password=ada%27s+long+password&csrf_token={csrf}&next={long}"
        ),
        format!(
            "email=ada%40example.com&password=ada%27s+long+password&csrf_token={csrf}&next=%FF"
        ),
        format!(
            "email=ada%40example.com&password=ada%27s+long+password&csrf_token={csrf}&next=/welcome&next=/account"
        ),
    ] {
        let answer = browser
            .post(app.url("/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let status = answer.status();
        if status == StatusCode::SEE_OTHER {
            assert_eq!(answer.headers()["location"], "/account", "{body}");
        } else {
            assert!(status.is_client_error(), "{body}: {status}");
        }
    }
}
