//! An unreachable database makes the service answer 503 within the
//! configured `database.connect_timeout_ms` — readiness and requests alike,
//! never a hang — and the service recovers by itself when the database is
//! back. Pages answer with the branded error page, which says how long to
//! wait. MySQL only: an SQLite file cannot become unreachable over a network.

use std::net::ToSocketAddrs;
use std::time::{Duration, Instant};

use reqwest::{StatusCode, Url};
use serde_json::json;
use storage::Backend;

use crate::cluster::ONE_AT_A_TIME;
use crate::helpers::{TestApp, spawn_app_with};
use crate::tcp_proxy::{Link, TcpProxy};

const EMAIL: &str = "ada@example.com";
const PRODUCT: &str = "Acme Accounts";
const SUPPORT: &str = "help@acme.example";
const TIMEOUT_MS: u64 = 1000;
/// Time allowed on top of the configured timeout for everything else a
/// request does (the answer is well within it on any machine).
const SLACK: Duration = Duration::from_millis(1500);

/// The MySQL server the tests use (the tests are ignored when there is none).
fn mysql_server() -> Option<std::net::SocketAddr> {
    crate::helpers::assert_available(storage::Backend::Mysql);
    let url = Url::parse(&std::env::var(storage::testing::MYSQL_URL_ENV).ok()?).ok()?;
    let host = url.host_str()?.to_owned();
    (host, url.port().unwrap_or(3306))
        .to_socket_addrs()
        .ok()?
        .next()
}

/// A request that needs the database, and how long it took to be answered.
async fn timed(app: &TestApp, path: &str) -> (StatusCode, Option<String>, Duration) {
    let started = Instant::now();
    let client = app.new_client();
    let request = if path == "/readyz" {
        client.get(app.url(path))
    } else {
        client.post(app.url(path)).json(&json!({ "email": EMAIL }))
    };
    // A hang fails the test instead of stalling the suite.
    let response = request
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .unwrap_or_else(|error| panic!("{path} not answered: {error}"));
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (response.status(), retry_after, started.elapsed())
}

/// Every request that needs the database gets a quick 503 with `Retry-After`.
async fn assert_fast_503s(app: &TestApp, outage: Link) {
    for path in ["/readyz", "/api/v1/password/forgot", "/api/v1/magic-link"] {
        let (status, retry_after, took) = timed(app, path).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{outage:?} {path}");
        assert!(
            took < Duration::from_millis(TIMEOUT_MS) + SLACK,
            "{outage:?} {path} took {took:?}"
        );
        if path != "/readyz" {
            assert!(retry_after.is_some(), "{outage:?} {path}: no Retry-After");
        }
    }
    let browser = app.new_client();
    let page = app.get(&browser, "/password/forgot").await;
    assert_eq!(
        page.status(),
        StatusCode::OK,
        "pages without data still work"
    );
    let csrf = crate::helpers::csrf_in(&page.text().await.unwrap()).expect("a form");
    let form = app
        .post_form(
            &browser,
            "/password/forgot",
            &[("email", EMAIL), ("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(form.status(), StatusCode::SERVICE_UNAVAILABLE, "{outage:?}");
    assert_eq!(form.headers()["retry-after"], "5", "{outage:?}");
    let html = form.text().await.unwrap();
    for text in [PRODUCT, SUPPORT, "Try again in 5 seconds."] {
        assert!(html.contains(text), "{outage:?}: no {text:?} in\n{html}");
    }
}

/// Waits until `/readyz` answers 200 again, or panics after 15 s.
async fn wait_until_ready(app: &TestApp) -> Duration {
    let started = Instant::now();
    loop {
        if timed(app, "/readyz").await.0 == StatusCode::OK {
            return started.elapsed();
        }
        assert!(started.elapsed() < Duration::from_secs(15), "no recovery");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The app, reaching MariaDB only through a proxy the test controls;
/// `None` when the tests do not use MySQL.
async fn app_behind_a_proxy() -> Option<(TcpProxy, TestApp)> {
    let proxy = TcpProxy::start(mysql_server()?).await;
    let through_proxy = proxy.addr();
    let app = spawn_app_with(Backend::Mysql, |f| {
        let direct: String = f.extract_inner("database.url").expect("database url");
        let mut url = Url::parse(&direct).expect("database url");
        url.set_port(Some(through_proxy.port())).expect("port");
        url.set_host(Some("127.0.0.1")).expect("host");
        f.merge(("database.url", url.to_string()))
            .merge(("database.connect_timeout_ms", TIMEOUT_MS))
            .merge(("branding.product_name", PRODUCT))
            .merge(("branding.support_email", SUPPORT))
    })
    .await
    .expect("MySQL is available");
    app.create_user(EMAIL, "old password for ada");
    assert_eq!(timed(&app, "/readyz").await.0, StatusCode::OK);
    Some((proxy, app))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    mysql_tests_not_compiled,
    ignore = "MySQL is not compiled in: build with --features mysql"
)]
#[cfg_attr(
    mysql_tests_not_configured,
    ignore = "LIFELINE_TEST_MYSQL_URL was unset when the tests were built"
)]
async fn an_unreachable_database_gets_fast_503s_and_recovery_is_automatic() {
    // Arrange
    let _turn = ONE_AT_A_TIME.lock().await;
    let Some((proxy, app)) = app_behind_a_proxy().await else {
        return;
    };

    for outage in [Link::Silent, Link::Refused] {
        // Act: cut the database off.
        proxy.set(outage);
        let rows = app.row_counts();

        // Assert: quick 503s, nothing written.
        assert_fast_503s(&app, outage).await;
        assert_eq!(app.row_counts(), rows, "{outage:?}: nothing written");

        // Act: the database comes back.
        proxy.set(Link::Up);

        // Assert: ready again without a restart, and requests work.
        let recovered = wait_until_ready(&app).await;
        eprintln!("{outage:?}: ready again {recovered:?} after the database came back");
        let (status, _, _) = timed(&app, "/api/v1/password/forgot").await;
        assert_eq!(status, StatusCode::ACCEPTED, "{outage:?}");
    }
    let mails = app.wait_for_mail(2).await;
    assert!(mails.iter().all(|m| m.rcpt_to == vec![EMAIL.to_owned()]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    mysql_tests_not_compiled,
    ignore = "MySQL is not compiled in: build with --features mysql"
)]
#[cfg_attr(
    mysql_tests_not_configured,
    ignore = "LIFELINE_TEST_MYSQL_URL was unset when the tests were built"
)]
async fn readiness_answers_in_time_when_open_database_connections_go_silent() {
    // Arrange
    let _turn = ONE_AT_A_TIME.lock().await;
    let Some((proxy, app)) = app_behind_a_proxy().await else {
        return;
    };

    // Act: a partition; the pool's connections stay open and carry nothing.
    proxy.set(Link::Frozen);
    let (status, _, took) = timed(&app, "/readyz").await;

    // Assert: out of rotation within the timeout, back once the network heals.
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        took < Duration::from_millis(TIMEOUT_MS) + SLACK,
        "took {took:?}"
    );
    proxy.set(Link::Up);
    wait_until_ready(&app).await;
}
