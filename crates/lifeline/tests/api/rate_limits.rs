//! Rate limits: per client IP (429 with `Retry-After`), per address and per
//! account (the same 200 page and no mail, so the limit reveals nothing).

use reqwest::StatusCode;
use serde_json::json;
use storage::Backend;

use crate::helpers::{TestApp, spawn_app_with};
use crate::on_every_backend;
use crate::reset_steps::Observed;

const EMAIL: &str = "ada@example.com";

on_every_backend!(
    a_client_ip_over_its_post_limit_gets_429_with_retry_after,
    an_address_over_its_limit_gets_the_same_page_and_no_more_mail,
    an_account_over_its_mail_quota_gets_the_same_page_and_no_more_mail,
    a_reset_link_over_its_attempt_limit_gets_429_and_changes_nothing,
);

fn retry_after_secs(observed: &Observed) -> u64 {
    observed.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After is a number of seconds")
}

async fn forgot_page_answer(app: &TestApp, email: &str) -> Observed {
    Observed::of(app.request_reset(&app.new_client(), email).await).await
}

async fn a_client_ip_over_its_post_limit_gets_429_with_retry_after(backend: Backend) {
    // Arrange: three POSTs a minute, no more.
    let Some(app) = spawn_app_with(backend, |f| {
        f.merge(("limits.per_ip_burst", 3))
            .merge(("limits.per_ip_per_minute", 1))
    })
    .await
    else {
        return;
    };
    for n in 0..3 {
        let email = format!("someone{n}@example.com");
        assert_eq!(
            forgot_page_answer(&app, &email).await.status,
            StatusCode::OK
        );
    }
    let rows = app.row_counts();

    // Act
    let page = forgot_page_answer(&app, "someone-else@example.com").await;
    let api = app
        .post_json(
            &app.new_client(),
            "/api/v1/password/forgot",
            &json!({"email": "someone-else@example.com"}),
        )
        .await;
    let api = Observed::of(api).await;
    let form_still_shown = app.get(&app.new_client(), "/password/forgot").await;

    // Assert
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!((1..=60).contains(&retry_after_secs(&page)));
    assert_eq!(api.status, StatusCode::TOO_MANY_REQUESTS);
    assert!((1..=60).contains(&retry_after_secs(&api)));
    let body: serde_json::Value = serde_json::from_slice(&api.body).unwrap();
    assert_eq!(body["error"], "too_many_requests");
    assert_eq!(
        form_still_shown.status(),
        StatusCode::OK,
        "GETs are not limited"
    );
    app.drain_outbox().await;
    assert_eq!(app.row_counts().outbox, rows.outbox, "nothing queued");
}

async fn an_address_over_its_limit_gets_the_same_page_and_no_more_mail(backend: Backend) {
    // Arrange: one request per address per hour.
    let Some(app) = spawn_app_with(backend, |f| f.merge(("limits.per_address_per_hour", 1))).await
    else {
        return;
    };
    app.create_user(EMAIL, "old password for ada");
    let allowed = forgot_page_answer(&app, EMAIL).await;
    app.wait_for_mail(1).await;

    // Act: again, also spelt differently (the limit is per normalised address).
    let again = forgot_page_answer(&app, EMAIL).await;
    let shouted = forgot_page_answer(&app, "ADA@Example.com").await;

    // Assert
    assert_eq!(allowed.status, StatusCode::OK);
    for limited in [&again, &shouted] {
        assert_eq!(limited.status, allowed.status);
        assert_eq!(limited.stable_headers(), allowed.stable_headers());
        assert_eq!(limited.body, allowed.body);
    }
    app.drain_outbox().await;
    assert_eq!(app.sink.messages().len(), 1, "no mail over the limit");
    assert_eq!(app.row_counts().outbox, 1, "nothing queued over the limit");
}

async fn an_account_over_its_mail_quota_gets_the_same_page_and_no_more_mail(backend: Backend) {
    // Arrange: one mail per account per hour, counted in the database.
    let Some(app) = spawn_app_with(backend, |f| {
        f.merge(("limits.per_account_mails_per_hour", 1))
    })
    .await
    else {
        return;
    };
    app.create_user(EMAIL, "old password for ada");
    let first = forgot_page_answer(&app, EMAIL).await;
    let first_mail = app.wait_for_mail(1).await.remove(0);

    // Act
    let second = forgot_page_answer(&app, EMAIL).await;
    let third = forgot_page_answer(&app, EMAIL).await;

    // Assert
    for over_quota in [&second, &third] {
        assert_eq!(over_quota.status, first.status);
        assert_eq!(over_quota.stable_headers(), first.stable_headers());
        assert_eq!(over_quota.body, first.body);
    }
    app.drain_outbox().await;
    assert_eq!(app.pending_jobs(), 0, "the requests were processed");
    assert_eq!(
        app.sink.messages(),
        vec![first_mail],
        "no mail over the quota"
    );
}

async fn a_reset_link_over_its_attempt_limit_gets_429_and_changes_nothing(backend: Backend) {
    // Arrange: three submissions per link; two used up with weak passwords in
    // the browser, one through the API.
    let Some(app) = spawn_app_with(backend, |f| f.merge(("limits.attempts_per_link", 3))).await
    else {
        return;
    };
    app.create_user(EMAIL, "old password for ada");
    let link = app.mailed_reset_link(EMAIL, 1).await;
    let token = crate::helpers::token_of(&link);
    let browser = app.new_client();
    app.open_reset_link(&browser, &link).await;
    for _ in 0..2 {
        let weak = app
            .submit_new_password(&browser, "password", "password")
            .await;
        assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let api = |password: &'static str| {
        let (app, token) = (&app, token.clone());
        async move {
            let body = json!({ "token": token, "password": password });
            Observed::of(
                app.post_json(&app.new_client(), "/api/v1/password/reset", &body)
                    .await,
            )
            .await
        }
    };
    assert_eq!(
        api("12345678").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let before = app.credentials_of(EMAIL);

    // Act: a good password, on the page and through the API, once over the limit.
    let page = Observed::of(
        app.submit_new_password(
            &browser,
            "a completely new passphrase",
            "a completely new passphrase",
        )
        .await,
    )
    .await;
    let json = api("a completely new passphrase").await;

    // Assert: 429 with Retry-After on both; the password and the link are untouched.
    assert_eq!(
        page.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        page.text()
    );
    assert!(retry_after_secs(&page) >= 1);
    assert_eq!(
        json.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        json.text()
    );
    assert!(
        json.text().contains("\"too_many_requests\""),
        "{}",
        json.text()
    );
    assert!(retry_after_secs(&json) >= 1);
    assert_eq!(app.credentials_of(EMAIL), before);
    assert!(
        !app.password_works(EMAIL, "a completely new passphrase")
            .await
    );
    assert!(app.password_works(EMAIL, "old password for ada").await);
    let metrics = app
        .get(&app.new_client(), "/metrics")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("lifeline_rate_limit_hits_total{kind=\"token\"} 2"),
        "{metrics}"
    );
}
