//! Headers a client controls: forwarded addresses from a peer that is not a
//! trusted proxy change nothing (rate limits stay keyed by the socket peer,
//! records and mails show the peer), `Host` and `X-Forwarded-Host` never
//! reach a link or a redirect, odd request lines get a clear answer, and the
//! API grants no cross-origin access.

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::json;
use storage::Backend;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{
    PUBLIC_URL, TestApp, link_in, mail_parts, spawn_app, spawn_app_with, token_of,
};
use crate::on_every_backend;

const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "old password for ada";
const NEW_PASSWORD: &str = "a completely new passphrase";
const FORGED_IP: &str = "203.0.113.9";

on_every_backend!(
    forwarded_addresses_from_an_untrusted_peer_do_not_change_the_rate_limit_key,
    forwarded_for_from_a_trusted_proxy_names_the_client_for_rate_limits,
    forged_client_addresses_are_neither_recorded_nor_mailed,
    sign_in_links_and_notices_ignore_the_host_and_forwarded_host_headers,
    redirects_never_point_at_the_host_header,
    the_api_grants_no_cross_origin_access,
    odd_request_targets_and_host_headers_get_a_clear_answer,
);

/// Every header a proxy might use to name the client, all naming `ip`.
fn forwarded_for(ip: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for name in [
        "x-forwarded-for",
        "x-real-ip",
        "true-client-ip",
        "cf-connecting-ip",
    ] {
        headers.insert(name, HeaderValue::from_str(ip).unwrap());
    }
    let forwarded = format!("for={ip};proto=https;host=evil.example");
    headers.insert("forwarded", HeaderValue::from_str(&forwarded).unwrap());
    headers
}

/// Every header that names a host, all naming `evil.example`.
fn forged_host() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("host", HeaderValue::from_static("evil.example"));
    headers.insert("x-forwarded-host", HeaderValue::from_static("evil.example"));
    headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
    headers.insert(
        "x-original-url",
        HeaderValue::from_static("//evil.example/"),
    );
    headers.insert("forwarded", HeaderValue::from_static("host=evil.example"));
    headers
}

async fn forgot_via_api(app: &TestApp, email: &str, headers: HeaderMap) -> StatusCode {
    app.new_client()
        .post(app.url("/api/v1/password/forgot"))
        .headers(headers)
        .json(&json!({ "email": email }))
        .send()
        .await
        .unwrap()
        .status()
}

async fn three_posts_a_minute(backend: Backend, trusted: &[&str]) -> Option<TestApp> {
    let trusted: Vec<String> = trusted.iter().map(|ip| (*ip).to_owned()).collect();
    spawn_app_with(backend, |f| {
        f.merge(("limits.per_ip_burst", 3))
            .merge(("limits.per_ip_per_minute", 1))
            .merge(("server.trusted_proxies", trusted))
    })
    .await
}

async fn forwarded_addresses_from_an_untrusted_peer_do_not_change_the_rate_limit_key(
    backend: Backend,
) {
    // Arrange: three POSTs a minute; no proxy is trusted.
    let Some(app) = three_posts_a_minute(backend, &[]).await else {
        return;
    };

    // Act: every request claims to come from somewhere else.
    let mut statuses = Vec::new();
    for n in 0..4 {
        let ip = format!("198.51.100.{n}");
        statuses.push(forgot_via_api(&app, &format!("p{n}@example.com"), forwarded_for(&ip)).await);
    }

    // Assert: all four counted against the one socket peer.
    let mut expected = vec![StatusCode::ACCEPTED; 3];
    expected.push(StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(statuses, expected);
}

async fn forwarded_for_from_a_trusted_proxy_names_the_client_for_rate_limits(backend: Backend) {
    // Arrange: the test client is the trusted proxy in front of the service.
    let Some(app) = three_posts_a_minute(backend, &["127.0.0.1"]).await else {
        return;
    };
    let from = |ip: &str| {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_str(ip).unwrap());
        headers
    };
    for n in 0..3 {
        let email = format!("p{n}@example.com");
        assert_eq!(
            forgot_via_api(&app, &email, from("198.51.100.1")).await,
            StatusCode::ACCEPTED
        );
    }

    // Act
    let same_client = forgot_via_api(&app, EMAIL, from("198.51.100.1")).await;
    let forged_first_hop = forgot_via_api(&app, EMAIL, from("192.0.2.7, 198.51.100.1")).await;
    let another_client = forgot_via_api(&app, EMAIL, from("198.51.100.2")).await;

    // Assert: the proxy's word decides, but only its own (rightmost) entry.
    assert_eq!(same_client, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(forged_first_hop, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(another_client, StatusCode::ACCEPTED);
}

async fn forged_client_addresses_are_neither_recorded_nor_mailed(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);

    // Act: ask for a link and reset the password with forged client addresses.
    assert_eq!(
        forgot_via_api(&app, EMAIL, forwarded_for(FORGED_IP)).await,
        StatusCode::ACCEPTED
    );
    let reset_mail = app.wait_for_mail(1).await.remove(0);
    let token = token_of(&link_in(&app, &reset_mail, "/password/reset?token="));
    let reset = app
        .new_client()
        .post(app.url("/api/v1/password/reset"))
        .headers(forwarded_for(FORGED_IP))
        .json(&json!({ "token": token, "password": NEW_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    let changed_mail = app.wait_for_mail(2).await.remove(1);
    let browser = app.new_client();
    assert_eq!(
        app.sign_in(&browser, EMAIL, NEW_PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    let account = app.get(&browser, "/account").await.text().await.unwrap();

    // Assert: the mails and the account's history name the real peer.
    for mail in [&reset_mail, &changed_mail] {
        let (text, _) = mail_parts(mail);
        assert!(text.contains("127.0.0.1"), "{text}");
        assert!(!text.contains(FORGED_IP), "{text}");
    }
    assert!(account.contains("127.0.0.1"), "{account}");
    assert!(!account.contains(FORGED_IP), "{account}");
}

/// Every mail so far links to the configured public URL and names no other host.
fn assert_mails_link_only_to_the_public_url(app: &TestApp) {
    for mail in app.sink.messages() {
        let (text, html) = mail_parts(&mail);
        assert!(!text.contains("evil.example"), "{text}");
        assert!(!html.contains("evil.example"), "{html}");
        for word in text.split_whitespace().filter(|w| w.starts_with("http")) {
            assert!(word.starts_with(PUBLIC_URL), "{word} in\n{text}");
        }
    }
}

async fn sign_in_links_and_notices_ignore_the_host_and_forwarded_host_headers(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let browser = app.browser();
    let csrf = app.csrf(&browser, "/magic-link").await;

    // Act: every request that leads to a mail carries a forged host.
    let page = browser
        .post(app.url("/magic-link"))
        .headers(forged_host())
        .form(&[("email", EMAIL), ("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    // The first link is mailed before the second is asked for: the second then revokes it,
    // never the other way round (two worker lanes could otherwise issue them in either order).
    app.wait_for_mail(1).await;
    let api = browser
        .post(app.url("/api/v1/magic-link"))
        .headers(forged_host())
        .json(&json!({ "email": EMAIL }))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::ACCEPTED);
    let link = app.nth_magic_link(2).await;
    let signed_in = browser
        .post(app.url("/api/v1/magic-link/verify"))
        .headers(forged_host())
        .json(&json!({ "token": token_of(&link) }))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::OK);
    forgot_via_api(&app, EMAIL, forged_host()).await;
    let reset_mail = app
        .wait_for_mail(4)
        .await
        .into_iter()
        .find(|mail| mail_parts(mail).0.contains("/password/reset?token="))
        .expect("the reset mail");
    let token = token_of(&link_in(&app, &reset_mail, "/password/reset?token="));
    let reset = app
        .new_client()
        .post(app.url("/api/v1/password/reset"))
        .headers(forged_host())
        .json(&json!({ "token": token, "password": NEW_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);

    // Assert: two sign-in links, a sign-in notice, a reset link and a
    // password-changed notice, all pointing at the public URL only.
    app.wait_for_mail(5).await;
    app.wait_until_outbox_is_empty().await;
    assert_eq!(app.sink.messages().len(), 5);
    assert_mails_link_only_to_the_public_url(&app);
}

async fn redirects_never_point_at_the_host_header(backend: Backend) {
    // Arrange: a live reset link, a magic-link page, and a sign-in form.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let reset_link = app.mailed_reset_link(EMAIL, 1).await;
    let browser = app.browser();
    let magic_link = app.mailed_magic_link(&browser, EMAIL, 1).await;
    let magic_page = app
        .open_link(&browser, &magic_link)
        .await
        .text()
        .await
        .unwrap();
    let signing_in = app.new_client();
    let login_csrf = app.csrf(&signing_in, "/login").await;

    // Act: each redirecting request with a forged host.
    let forged = |request: reqwest::RequestBuilder| async {
        request.headers(forged_host()).send().await.unwrap()
    };
    let mut redirects = vec![
        forged(app.new_client().get(&reset_link)).await,
        forged(app.new_client().get(&magic_link)).await,
        forged(app.new_client().get(app.url("/account"))).await,
        forged(signing_in.post(app.url("/login")).form(&[
            ("email", EMAIL),
            ("password", PASSWORD),
            ("csrf_token", &login_csrf),
        ]))
        .await,
    ];
    let magic_csrf = crate::helpers::csrf_in(&magic_page).unwrap();
    let held = crate::sign_in_steps::hidden_field(&magic_page, "link").unwrap();
    redirects.push(
        forged(
            browser
                .post(app.url("/magic-link/verify"))
                .form(&[("link", held.as_str()), ("csrf_token", &magic_csrf)]),
        )
        .await,
    );
    let csrf = app.csrf(&browser, "/account").await;
    redirects.push(
        forged(
            browser
                .post(app.url("/logout"))
                .form(&[("csrf_token", &csrf)]),
        )
        .await,
    );

    // Assert: local paths only.
    for response in redirects {
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "{}",
            response.url()
        );
        let location = response.headers()["location"].to_str().unwrap();
        assert!(
            location.starts_with('/') && !location.starts_with("//"),
            "{location}"
        );
    }
}

async fn the_api_grants_no_cross_origin_access(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let client = app.new_client();
    let origin = "https://evil.example";
    let paths = [
        "/api/v1/password/forgot",
        "/api/v1/password/reset",
        "/api/v1/magic-link",
        "/api/v1/magic-link/verify",
    ];

    for path in paths {
        // Act: a browser's preflight, then the request a cross-site page would send.
        let preflight = client
            .request(reqwest::Method::OPTIONS, app.url(path))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
            .await
            .unwrap();
        let request = client
            .post(app.url(path))
            .header("origin", origin)
            .json(&json!({}))
            .send()
            .await
            .unwrap();

        // Assert
        assert!(
            !preflight.status().is_success(),
            "{path}: {}",
            preflight.status()
        );
        for response in [&preflight, &request] {
            let granted = response
                .headers()
                .keys()
                .any(|name| name.as_str().starts_with("access-control-"));
            assert!(!granted, "{path}: {:?}", response.headers());
        }
    }
}

/// Sends `request` as raw bytes and returns the status of the answer.
async fn raw_status(app: &TestApp, request: &[u8]) -> Option<u16> {
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        stream.read_to_end(&mut answer),
    )
    .await;
    let answer = String::from_utf8_lossy(&answer);
    answer.split_whitespace().nth(1)?.parse().ok()
}

async fn odd_request_targets_and_host_headers_get_a_clear_answer(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, PASSWORD);
    let body = json!({ "email": EMAIL }).to_string();
    let request = |line: &str, headers: &str| {
        format!(
            "{line}\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    };
    let long_host = format!("Host: {}.example\r\n", "a".repeat(8_000));
    let forgot = "POST /api/v1/password/forgot HTTP/1.1";
    let cases = [
        (
            "absolute-form target naming another host",
            request(
                "POST http://evil.example/api/v1/password/forgot HTTP/1.1",
                "Host: evil.example\r\n",
            ),
        ),
        (
            "two Host headers",
            request(forgot, "Host: lifeline.test\r\nHost: evil.example\r\n"),
        ),
        ("no Host header", request(forgot, "")),
        (
            "HTTP/1.0 without Host",
            request("POST /api/v1/password/forgot HTTP/1.0", ""),
        ),
        (
            "a Host with a space",
            request(forgot, "Host: evil example\r\n"),
        ),
        ("an empty Host", request(forgot, "Host: \r\n")),
        (
            "a Host with user info",
            request(forgot, "Host: lifeline.test@evil.example\r\n"),
        ),
        (
            "a Host with a bad port",
            request(forgot, "Host: evil.example:99999\r\n"),
        ),
        ("an 8 KB Host", request(forgot, &long_host)),
        (
            "a bare LF line end",
            request(forgot, "Host: a\nX-Forwarded-Host: evil.example\r\n"),
        ),
    ];

    // Act / Assert: a status below 500 for each, and links only to the public URL.
    for (what, bytes) in cases {
        let status = raw_status(&app, &bytes).await;
        assert!(
            status.is_some_and(|status| (200..500).contains(&status)),
            "{what}: {status:?}"
        );
    }
    app.drain_outbox().await;
    assert_mails_link_only_to_the_public_url(&app);
}
