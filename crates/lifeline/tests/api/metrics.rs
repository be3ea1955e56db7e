//! `GET /metrics`: scraped after real traffic, with the values of specific series.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use reqwest::StatusCode;
use serde_json::json;
use storage::Backend;

use crate::helpers::{TestApp, spawn_app, spawn_app_with, token_of};
use crate::on_every_backend;

const EMAIL: &str = "ada@example.com";
const NEW_PASSWORD: &str = "a completely new passphrase";

on_every_backend!(
    a_scrape_after_traffic_counts_requests_tokens_mail_and_the_outbox,
    every_kind_of_rate_limit_hit_is_counted,
    metrics_are_refused_outside_the_allow_list_judged_by_the_real_client,
    a_scrape_answers_without_outbox_gauges_when_the_outbox_cannot_be_read,
);

impl TestApp {
    /// The scraped text (panics unless 200 with the Prometheus content type).
    async fn scrape(&self) -> String {
        let response = self.get(&self.new_client(), "/metrics").await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-type"],
            "text/plain; version=0.0.4; charset=utf-8"
        );
        response.text().await.unwrap()
    }

    /// Scrapes until `series` has `value`, or panics after 10 s with the last scrape.
    async fn wait_for_series(&self, series: &str, value: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = self.scrape().await;
            if sample(&text, series).as_deref() == Some(value) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "{series} never became {value}:\n{text}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The value of the sample line for `series` (name and labels exactly as exposed).
fn sample(text: &str, series: &str) -> Option<String> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map(str::to_owned)
}

fn assert_sample(text: &str, series: &str, value: &str) {
    assert_eq!(
        sample(text, series).as_deref(),
        Some(value),
        "{series} in\n{text}"
    );
}

async fn a_scrape_after_traffic_counts_requests_tokens_mail_and_the_outbox(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app_with(backend, |f| f.merge(("limits.per_address_per_hour", 2))).await
    else {
        return;
    };
    app.create_user(EMAIL, "old password for ada");
    let client = app.new_client();
    let forgot = json!({ "email": EMAIL });

    // Act: three link requests (the third over the per-address limit), a garbage link, a
    // reset with the newest link, its reuse, and a page that does not exist.
    // Each mail arrives before the next request, so the second link is the newest: two
    // worker lanes could otherwise issue them in either order, the later revoking the other.
    for mailed in [1, 2, 2] {
        let response = app
            .post_json(&client, "/api/v1/password/forgot", &forgot)
            .await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        app.wait_for_mail(mailed).await;
    }
    let mails = app.wait_for_mail(2).await;
    let token = token_of(&crate::helpers::link_in(
        &app,
        &mails[1],
        "/password/reset?token=",
    ));
    let garbage = app.get(&client, "/password/reset?token=lr1_garbage").await;
    let reset = json!({ "token": token, "password": NEW_PASSWORD });
    let used = app
        .post_json(&client, "/api/v1/password/reset", &reset)
        .await;
    let reused = app
        .post_json(&client, "/api/v1/password/reset", &reset)
        .await;
    let missing = app.get(&client, "/no/such/page?token=secret-looking").await;
    app.wait_for_mail(3).await;
    let text = app.wait_for_series("lifeline_outbox_pending", "0").await;

    // Assert
    assert_eq!(garbage.status(), StatusCode::BAD_REQUEST);
    assert_eq!(used.status(), StatusCode::NO_CONTENT);
    assert_eq!(reused.status(), StatusCode::BAD_REQUEST);
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    for (series, value) in [
        (
            r#"lifeline_http_requests_total{route="/api/v1/password/forgot",method="POST",status="202"}"#,
            "3",
        ),
        (
            r#"lifeline_http_requests_total{route="/api/v1/password/reset",method="POST",status="204"}"#,
            "1",
        ),
        (
            r#"lifeline_http_requests_total{route="/api/v1/password/reset",method="POST",status="400"}"#,
            "1",
        ),
        (
            r#"lifeline_http_requests_total{route="/password/reset",method="GET",status="400"}"#,
            "1",
        ),
        (
            r#"lifeline_http_requests_total{route="unmatched",method="GET",status="404"}"#,
            "1",
        ),
        (
            r#"lifeline_http_request_duration_seconds_count{route="/api/v1/password/forgot",method="POST"}"#,
            "3",
        ),
        (
            r#"lifeline_http_request_duration_seconds_bucket{route="/api/v1/password/forgot",method="POST",le="+Inf"}"#,
            "3",
        ),
        (
            r#"lifeline_tokens_issued_total{purpose="password_reset"}"#,
            "2",
        ),
        // Two reset mails carry a plain not-me link; the "password changed" mail its own kind.
        (r#"lifeline_tokens_issued_total{purpose="not_me"}"#, "2"),
        (
            r#"lifeline_tokens_issued_total{purpose="not_me_change"}"#,
            "1",
        ),
        (
            r#"lifeline_tokens_consumed_total{purpose="password_reset"}"#,
            "1",
        ),
        (
            r#"lifeline_tokens_rejected_total{purpose="password_reset",reason="wrong_length"}"#,
            "1",
        ),
        (
            r#"lifeline_tokens_rejected_total{purpose="password_reset",reason="not_live"}"#,
            "1",
        ),
        (
            r#"lifeline_mails_queued_total{kind="password_reset_requested"}"#,
            "2",
        ),
        (
            r#"lifeline_mails_queued_total{kind="password_changed"}"#,
            "1",
        ),
        ("lifeline_mails_sent_total", "3"),
        ("lifeline_mails_failed_total", "0"),
        (r#"lifeline_rate_limit_hits_total{kind="address"}"#, "1"),
        ("lifeline_outbox_stats_up", "1"),
        ("lifeline_outbox_pending", "0"),
        ("lifeline_outbox_failed", "0"),
        ("lifeline_outbox_oldest_pending_age_seconds", "0.0"),
    ] {
        assert_sample(&text, series, value);
    }
    assert!(!text.contains(&token), "a token in the metrics");
    assert!(
        !text.contains("secret-looking") && !text.contains("/no/such/page"),
        "{text}"
    );
    assert!(!text.contains(EMAIL), "{text}");
}

async fn every_kind_of_rate_limit_hit_is_counted(backend: Backend) {
    // Arrange: one link request per second overall, one sign-in attempt per account, and
    // (in a second app) one POST per client.
    let Some(app) = spawn_app_with(backend, |f| {
        f.merge(("limits.global_per_second", 1))
            .merge(("limits.login_per_account", 1))
    })
    .await
    else {
        return;
    };
    let Some(strict) = spawn_app_with(backend, |f| {
        f.merge(("limits.per_ip_per_minute", 1))
            .merge(("limits.per_ip_burst", 1))
    })
    .await
    else {
        return;
    };
    let client = app.new_client();

    // Act
    let mut global_refusals = 0;
    for n in 0..3 {
        let body = json!({ "email": format!("person{n}@example.com") });
        let response = app
            .post_json(&client, "/api/v1/password/forgot", &body)
            .await;
        global_refusals += usize::from(response.status() == StatusCode::TOO_MANY_REQUESTS);
    }
    let first = app
        .sign_in(&app.new_client(), EMAIL, "wrong password one")
        .await;
    let second = app
        .sign_in(&app.new_client(), EMAIL, "wrong password two")
        .await;
    let body = json!({ "email": EMAIL });
    let allowed = strict
        .post_json(&strict.new_client(), "/api/v1/magic-link", &body)
        .await;
    let refused = strict
        .post_json(&strict.new_client(), "/api/v1/magic-link", &body)
        .await;

    // Assert
    assert!(global_refusals >= 1);
    assert_eq!(
        (first, second),
        (StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS)
    );
    assert_eq!(
        (allowed.status(), refused.status()),
        (StatusCode::ACCEPTED, StatusCode::TOO_MANY_REQUESTS)
    );
    let text = app.scrape().await;
    assert_sample(
        &text,
        r#"lifeline_rate_limit_hits_total{kind="global"}"#,
        &global_refusals.to_string(),
    );
    assert_sample(
        &text,
        r#"lifeline_rate_limit_hits_total{kind="login"}"#,
        "1",
    );
    assert_sample(&text, r#"lifeline_rate_limit_hits_total{kind="ip"}"#, "0");
    let strict_text = strict.scrape().await;
    assert_sample(
        &strict_text,
        r#"lifeline_rate_limit_hits_total{kind="ip"}"#,
        "1",
    );
    assert_sample(
        &strict_text,
        r#"lifeline_http_requests_total{route="/api/v1/magic-link",method="POST",status="429"}"#,
        "1",
    );
}

async fn metrics_are_refused_outside_the_allow_list_judged_by_the_real_client(backend: Backend) {
    // Arrange: only 10.0.0.0/8 may scrape; the test client is the trusted proxy.
    let Some(app) = spawn_app_with(backend, |f| {
        f.merge(("server.metrics_allow", ["10.0.0.0/8"]))
            .merge(("server.trusted_proxies", ["127.0.0.1"]))
    })
    .await
    else {
        return;
    };
    let scrape = |forwarded_for: Option<&'static str>| {
        let mut request = app.new_client().get(app.url("/metrics"));
        if let Some(ip) = forwarded_for {
            request = request.header("x-forwarded-for", ip);
        }
        request.send()
    };

    // Act
    let direct = scrape(None).await.unwrap();
    let from_inside = scrape(Some("10.1.2.3")).await.unwrap();
    let from_outside = scrape(Some("203.0.113.5")).await.unwrap();
    let forged = scrape(Some("10.1.2.3, 203.0.113.5")).await.unwrap();

    // Assert
    assert_eq!(direct.status(), StatusCode::FORBIDDEN);
    assert_eq!(from_inside.status(), StatusCode::OK);
    assert!(
        from_inside
            .text()
            .await
            .unwrap()
            .contains("lifeline_build_info")
    );
    assert_eq!(from_outside.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        forged.status(),
        StatusCode::FORBIDDEN,
        "the rightmost untrusted hop counts"
    );
    assert!(!direct.text().await.unwrap().contains("lifeline_"));
}

async fn a_scrape_answers_without_outbox_gauges_when_the_outbox_cannot_be_read(backend: Backend) {
    // Arrange: the outbox table disappears from under the service.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.db
        .conn()
        .unwrap()
        .batch_execute("DROP TABLE outbox")
        .unwrap();

    // Act
    let text = app.scrape().await;

    // Assert
    assert_sample(&text, "lifeline_outbox_stats_up", "0");
    assert!(!text.contains("lifeline_outbox_pending"), "{text}");
    assert!(text.contains("lifeline_mails_sent_total 0\n"), "{text}");
}
