//! Signed webhooks, end to end: events raised by real pages and operator actions reach a real
//! HTTP receiver on 127.0.0.1 through the outbox, each signed as the Standard Webhooks
//! specification says (checked with the `standardwebhooks` crate), filtered per endpoint,
//! retried after the host fails and given up after the attempts run out.

use std::time::Duration;

use lifeline::ops::{Accounts, Actor};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use storage::outbox::{self, OutboxJob};
use storage::{Backend, EmailAddress, sessions};

use crate::helpers::{PUBLIC_URL, TestApp, link_in, mail_parts, spawn_app_with};
use crate::on_every_backend;
use crate::webhook_receiver::{Received, Receiver};
use crate::webhook_verify::verify_webhook;

on_every_backend!(
    every_event_arrives_once_signed_and_verifiable,
    the_admin_api_s_actions_raise_their_events,
    an_endpoint_gets_only_the_events_it_asked_for,
    a_host_that_failed_gets_the_event_again_under_the_same_id,
    a_delivery_is_given_up_after_its_attempts_and_an_operator_retry_sends_it,
    a_json_sign_in_with_a_bearer_token_raises_signin_succeeded_once,
    signing_out_the_other_sessions_raises_one_session_revoked,
    an_operator_ending_sessions_raises_session_revoked_only_when_one_ended,
);

const ADA: &str = "ada@example.com";
const PASSWORD: &str = "correct horse battery staple";
const NEW_PASSWORD: &str = "a brand new long passphrase";
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER_SECRET: &str = "whsec_c2Vjb25kIHNlY3JldCBvZiAyNCBieXRlcw==";

/// An app whose endpoints are `(name, url, secret, events)`.
async fn app_with_endpoints(
    backend: Backend,
    endpoints: &[(&str, &str, &str, Option<&[&str]>)],
    max_attempts: u32,
) -> Option<TestApp> {
    let endpoints: Vec<Value> = endpoints
        .iter()
        .map(|(name, url, secret, events)| {
            let mut endpoint = json!({"name": name, "url": url, "secret": secret});
            if let Some(events) = events {
                endpoint["events"] = json!(events);
            }
            endpoint
        })
        .collect();
    spawn_app_with(backend, |f| {
        f.merge(("webhooks.endpoints", endpoints))
            .merge(("mail.worker.max_attempts", max_attempts))
    })
    .await
}

/// A browser signed in as Ada with `password`.
async fn signed_in(app: &TestApp, password: &str) -> Client {
    let browser = app.browser();
    let response = app.sign_in_with_password(&browser, ADA, password).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    browser
}

async fn accounts(app: &TestApp) -> Accounts {
    let db = lifeline::ops::connect_database(&app.settings)
        .await
        .unwrap();
    Accounts::new(&app.settings, db).unwrap()
}

fn ada() -> EmailAddress {
    EmailAddress::parse(ADA).unwrap()
}

/// The link starting with `prefix` in the first mail after the first `after` that has one,
/// waiting for it.
async fn link_after(app: &TestApp, after: usize, prefix: &str) -> String {
    let wanted = format!("{PUBLIC_URL}{prefix}");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let mails = app.sink.messages();
        if let Some(mail) = mails
            .iter()
            .skip(after)
            .find(|m| mail_parts(m).0.contains(&wanted))
        {
            return link_in(app, mail, prefix);
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no mail with {prefix}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The webhook rows once `done` holds for all of them, or a panic after 30 s.
async fn wait_for_rows(app: &TestApp, done: impl Fn(&[OutboxJob]) -> bool) -> Vec<OutboxJob> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let rows = outbox::list_of_kind(&mut app.db.conn().unwrap(), "webhook", 100).unwrap();
        if done(&rows) {
            return rows;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "webhook rows: {rows:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Every row has had a failed attempt recorded and waits for its retry (no lease held).
fn waiting_for_a_retry(rows: &[OutboxJob], attempts: i32) -> bool {
    !rows.is_empty()
        && rows.iter().all(|row| {
            row.attempts == attempts && row.last_error.is_some() && row.lease_owner.is_none()
        })
}

/// Checks `received` with the independent verifier and returns its event.
fn verified(received: &Received, secret: &str) -> Value {
    verify_webhook(secret, &received.headers, &received.body)
        .unwrap_or_else(|e| panic!("{e}: {received:?}"))
}

async fn every_event_arrives_once_signed_and_verifiable(backend: Backend) {
    // Arrange
    let receiver = Receiver::start(0).await;
    let Some(app) =
        app_with_endpoints(backend, &[("host-app", &receiver.url, SECRET, None)], 8).await
    else {
        return;
    };
    let user_id = app.create_user(ADA, PASSWORD).id;
    let mut expected = Vec::new();
    let mut step = |event: &str| {
        expected.push(event.to_owned());
        expected.len()
    };

    // Act: each step waits for its event, so the order is known.
    let by_password = signed_in(&app, PASSWORD).await;
    receiver.wait_for(step("signin.succeeded")).await;
    let csrf = app.csrf(&by_password, "/account/password").await;
    let changed = app
        .post_form(
            &by_password,
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", NEW_PASSWORD),
                ("password_confirm", NEW_PASSWORD),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    receiver.wait_for(step("password.changed")).await;
    let by_link = app.browser();
    let mails = app.sink.messages().len();
    let response = app.request_magic_link(&by_link, ADA).await;
    assert_eq!(response.status(), StatusCode::OK);
    let link = link_after(&app, mails, "/magic-link/verify?token=").await;
    assert_eq!(
        app.confirm_magic_link(&by_link, &link).await.status(),
        StatusCode::SEE_OTHER
    );
    receiver.wait_for(step("signin.succeeded")).await;
    let epoch = storage::users::find_by_email(&mut app.db.conn().unwrap(), &ada())
        .unwrap()
        .unwrap()
        .auth_epoch;
    let oldest = sessions::list_for_user(&mut app.db.conn().unwrap(), user_id, epoch, app.now())
        .unwrap()
        .into_iter()
        .find(|session| session.method == sessions::Method::Password)
        .unwrap()
        .id;
    let csrf = app.csrf(&by_link, "/account").await;
    let revoked = app
        .post_form(
            &by_link,
            "/account/sessions/revoke",
            &[
                ("session", oldest.to_string().as_str()),
                ("csrf_token", &csrf),
            ],
        )
        .await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    receiver.wait_for(step("session.revoked")).await;
    let operator = accounts(&app).await;
    operator
        .disable(ada(), &Actor::Operator, app.now())
        .unwrap();
    receiver.wait_for(step("account.disabled")).await;
    operator.enable(ada(), &Actor::Operator, app.now()).unwrap();
    receiver.wait_for(step("account.enabled")).await;
    let hasher = lifeline::ops::password_hasher(&app.settings).unwrap();
    let password = lifeline::Password::new("an operator's new passphrase".into());
    operator
        .set_password(ada(), &password, &hasher, &Actor::Operator, app.now())
        .unwrap();
    receiver.wait_for(step("password.changed")).await;
    // Setting the password ended every session: one more, for the operator to end.
    signed_in(&app, "an operator's new passphrase").await;
    receiver.wait_for(step("signin.succeeded")).await;
    operator
        .revoke_sessions(ada(), None, &Actor::Operator, app.now())
        .unwrap();
    receiver.wait_for(step("session.revoked")).await;
    let mails = app.sink.messages().len();
    app.request_reset(&app.new_client(), ADA).await;
    let not_me = link_after(&app, mails, "/password/not-me?token=ln1_").await;
    let browser = app.browser();
    let page = app.open_link(&browser, &not_me).await.text().await.unwrap();
    assert_eq!(
        app.press_confirm(&browser, "/password/not-me", &page)
            .await
            .status(),
        StatusCode::OK
    );
    receiver.wait_for(step("account.locked_down")).await;
    operator.delete(ada(), &Actor::Operator, app.now()).unwrap();
    let received = receiver.wait_for(step("account.deleted")).await;
    app.drain_outbox().await;

    // Assert
    assert_eq!(receiver.received().len(), expected.len(), "each event once");
    assert_eq!(receiver.accepted_types(), expected);
    let mut ids = std::collections::HashSet::new();
    for request in &received {
        let event = verified(request, SECRET);
        assert!(ids.insert(request.header("webhook-id")), "ids are unique");
        assert!(request.header("webhook-id").starts_with("msg_"));
        assert_eq!(request.header("content-type"), "application/json");
        assert_eq!(event["data"]["user_id"], json!(user_id));
        assert_eq!(event["data"]["email"], json!(ADA));
        let timestamp = event["timestamp"].as_str().unwrap();
        assert!(
            chrono::DateTime::parse_from_rfc3339(timestamp).is_ok(),
            "{event}"
        );
        let text = String::from_utf8_lossy(&request.body);
        for secret in [
            PASSWORD,
            NEW_PASSWORD,
            "token",
            "lr1_",
            "lm1_",
            "ln1_",
            "lc1_",
        ] {
            assert!(!text.contains(secret), "{text}");
        }
    }
    let data = |n: usize| received[n].json()["data"].clone();
    assert_eq!(data(0)["method"], "password");
    assert_eq!(data(2)["method"], "link");
    assert!(data(3)["session_id"].is_i64(), "{}", data(3));
    assert_eq!(data(7)["method"], "password");
    assert_eq!(data(8)["session_id"], Value::Null);
    assert!(data(8).as_object().unwrap().contains_key("session_id"));
    assert!(data(1).get("method").is_none());
}

async fn an_endpoint_gets_only_the_events_it_asked_for(backend: Backend) {
    // Arrange
    let (picky, all) = (Receiver::start(0).await, Receiver::start(0).await);
    let endpoints = [
        (
            "picky",
            picky.url.as_str(),
            OTHER_SECRET,
            Some(&["password.changed", "account.deleted"][..]),
        ),
        ("all", all.url.as_str(), SECRET, None),
    ];
    let Some(app) = app_with_endpoints(backend, &endpoints, 8).await else {
        return;
    };
    app.create_user(ADA, PASSWORD);

    // Act
    signed_in(&app, PASSWORD).await;
    let operator = accounts(&app).await;
    let hasher = lifeline::ops::password_hasher(&app.settings).unwrap();
    let password = lifeline::Password::new(NEW_PASSWORD.into());
    operator
        .set_password(ada(), &password, &hasher, &Actor::Operator, app.now())
        .unwrap();
    all.wait_for(2).await;
    app.drain_outbox().await;

    // Assert
    assert_eq!(
        all.accepted_types(),
        ["signin.succeeded", "password.changed"]
    );
    assert_eq!(picky.accepted_types(), ["password.changed"]);
    let (to_picky, to_all) = (&picky.received()[0], &all.received()[1]);
    assert_eq!(verified(to_picky, OTHER_SECRET), verified(to_all, SECRET));
    assert!(verify_webhook(SECRET, &to_picky.headers, &to_picky.body).is_err());
    assert_ne!(to_picky.header("webhook-id"), to_all.header("webhook-id"));
}

async fn a_host_that_failed_gets_the_event_again_under_the_same_id(backend: Backend) {
    // Arrange: the host answers 503 once.
    let receiver = Receiver::start(1).await;
    let Some(app) =
        app_with_endpoints(backend, &[("host-app", &receiver.url, SECRET, None)], 8).await
    else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    signed_in(&app, PASSWORD).await;
    receiver.wait_for(1).await;
    let rows = wait_for_rows(&app, |rows| waiting_for_a_retry(rows, 1)).await;
    assert!(
        rows[0].last_error.as_deref().unwrap().contains("503"),
        "{rows:?}"
    );

    // Act: the backoff (30 s, up to a quarter more) passes.
    app.clock.advance(Duration::from_secs(40));
    let received = receiver.wait_for(2).await;
    app.drain_outbox().await;

    // Assert
    assert!(!received[0].accepted && received[1].accepted);
    assert_eq!(
        received[0].header("webhook-id"),
        received[1].header("webhook-id")
    );
    assert_eq!(received[0].body, received[1].body);
    assert_ne!(
        received[0].header("webhook-timestamp"),
        received[1].header("webhook-timestamp"),
        "each attempt is signed afresh"
    );
    assert_eq!(verified(&received[1], SECRET)["type"], "signin.succeeded");
    assert_eq!(receiver.received().len(), 2);
    let metrics = app
        .get(&app.new_client(), "/metrics")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("lifeline_webhooks_delivered_total 1\n"),
        "{metrics}"
    );
}

async fn a_delivery_is_given_up_after_its_attempts_and_an_operator_retry_sends_it(
    backend: Backend,
) {
    // Arrange: two attempts allowed, and the host fails both.
    let receiver = Receiver::start(2).await;
    let Some(app) =
        app_with_endpoints(backend, &[("host-app", &receiver.url, SECRET, None)], 2).await
    else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    signed_in(&app, PASSWORD).await;
    receiver.wait_for(1).await;
    wait_for_rows(&app, |rows| waiting_for_a_retry(rows, 1)).await;
    app.clock.advance(Duration::from_secs(40));
    receiver.wait_for(2).await;

    // Act
    let given_up = wait_for_rows(&app, |rows| rows.iter().all(|r| r.failed_at.is_some())).await;
    let requeued = outbox::requeue_failed(&mut app.db.conn().unwrap(), app.now()).unwrap();
    let received = receiver.wait_for(3).await;
    app.drain_outbox().await;

    // Assert
    assert_eq!((given_up.len(), given_up[0].attempts, requeued), (1, 2, 1));
    assert_eq!(
        received.iter().map(|r| r.accepted).collect::<Vec<_>>(),
        [false, false, true]
    );
    let id = received[0].header("webhook-id");
    assert!(received.iter().all(|r| r.header("webhook-id") == id));
    verified(&received[2], SECRET);
}

async fn a_json_sign_in_with_a_bearer_token_raises_signin_succeeded_once(backend: Backend) {
    // Arrange
    let receiver = Receiver::start(0).await;
    let Some(app) =
        app_with_endpoints(backend, &[("host-app", &receiver.url, SECRET, None)], 8).await
    else {
        return;
    };
    let user_id = app.create_user(ADA, PASSWORD).id;

    // Act
    let wrong = app
        .post_json(
            &app.new_client(),
            "/api/v1/session",
            &json!({"email": ADA, "password": "not the password"}),
        )
        .await;
    let signed_in = app
        .post_json(
            &app.new_client(),
            "/api/v1/session",
            &json!({"email": ADA, "password": PASSWORD}),
        )
        .await;
    let received = receiver.wait_for(1).await;
    app.drain_outbox().await;

    // Assert
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(signed_in.status(), StatusCode::CREATED);
    assert_eq!(receiver.received().len(), 1);
    let event = verified(&received[0], SECRET);
    assert_eq!(event["type"], "signin.succeeded");
    assert_eq!(event["data"]["method"], "password");
    assert_eq!(event["data"]["user_id"], json!(user_id));
}

async fn signing_out_the_other_sessions_raises_one_session_revoked(backend: Backend) {
    // Arrange: two other sessions, and an endpoint that wants only this event.
    let receiver = Receiver::start(0).await;
    let only = Some(&["session.revoked"][..]);
    let Some(app) =
        app_with_endpoints(backend, &[("host-app", &receiver.url, SECRET, only)], 8).await
    else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    let this = signed_in(&app, PASSWORD).await;
    signed_in(&app, PASSWORD).await;
    signed_in(&app, PASSWORD).await;

    // Act
    let csrf = app.csrf(&this, "/account").await;
    let ended = app
        .post_form(
            &this,
            "/account/sessions/revoke-others",
            &[("csrf_token", csrf.as_str())],
        )
        .await;
    let received = receiver.wait_for(1).await;
    let csrf = app.csrf(&this, "/account").await;
    let none_left = app
        .post_form(
            &this,
            "/account/sessions/revoke-others",
            &[("csrf_token", csrf.as_str())],
        )
        .await;
    app.drain_outbox().await;

    // Assert: one event for both sessions, none when nothing ended.
    assert_eq!(ended.status(), StatusCode::SEE_OTHER);
    assert_eq!(none_left.status(), StatusCode::SEE_OTHER);
    assert_eq!(receiver.received().len(), 1);
    let event = verified(&received[0], SECRET);
    assert_eq!(event["type"], "session.revoked");
    assert_eq!(event["data"]["session_id"], Value::Null);
}

async fn an_operator_ending_sessions_raises_session_revoked_only_when_one_ended(backend: Backend) {
    // Arrange: an account without sessions, and an endpoint that wants only this event.
    let receiver = Receiver::start(0).await;
    let only = Some(&["session.revoked"][..]);
    let Some(app) =
        app_with_endpoints(backend, &[("host-app", &receiver.url, SECRET, only)], 8).await
    else {
        return;
    };
    app.create_user(ADA, PASSWORD);
    let operator = accounts(&app).await;

    // Act: every session ended twice, the second time with one to end.
    let none = operator
        .revoke_sessions(ada(), None, &Actor::Operator, app.now())
        .unwrap();
    signed_in(&app, PASSWORD).await;
    let one = operator
        .revoke_sessions(ada(), None, &Actor::Operator, app.now())
        .unwrap();
    let received = receiver.wait_for(1).await;
    app.drain_outbox().await;

    // Assert
    assert_eq!((none, one), (0, 1));
    assert_eq!(receiver.received().len(), 1);
    let event = verified(&received[0], SECRET);
    assert_eq!(event["type"], "session.revoked");
    assert_eq!(event["data"]["session_id"], Value::Null);
}

/// The Rust verifier docs/integrating.md shows is the one these tests run: its block in the
/// "### Webhooks" section is `webhook_verify.rs`'s code, verbatim.
#[test]
fn the_rust_verifier_in_the_integration_guide_is_the_tested_one() {
    let guide = include_str!("../../../../docs/integrating.md");
    let source = include_str!("webhook_verify.rs");
    let section = guide
        .split("\n### Webhooks\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap();
    let block = section
        .split("```rust\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .unwrap();
    assert!(block.contains("verify_webhook"), "{block}");
    assert!(source.contains(block), "not in webhook_verify.rs:\n{block}");
}

async fn the_admin_api_s_actions_raise_their_events(backend: Backend) {
    // Arrange
    let receiver = Receiver::start(0).await;
    let Some(app) =
        app_with_endpoints(backend, &[("host-app", &receiver.url, SECRET, None)], 8).await
    else {
        return;
    };
    let key = crate::admin_support::full_key(&app);
    let admin = |method, path: String| {
        let (app, key) = (&app, &key);
        async move {
            crate::admin_support::call(app, Some(key), method, &path, None)
                .await
                .status()
        }
    };

    // Act
    let created = crate::admin_support::call(
        &app,
        Some(&key),
        reqwest::Method::POST,
        "/accounts",
        Some(&json!({"email": ADA, "password": PASSWORD})),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    receiver.wait_for(1).await;
    let disable = format!("/accounts/{id}/disable");
    assert_eq!(admin(reqwest::Method::POST, disable).await, StatusCode::OK);
    receiver.wait_for(2).await;
    assert_eq!(
        admin(reqwest::Method::DELETE, format!("/accounts/{id}")).await,
        StatusCode::NO_CONTENT
    );
    let received = receiver.wait_for(3).await;

    // Assert
    assert_eq!(
        receiver.accepted_types(),
        ["account.created", "account.disabled", "account.deleted"]
    );
    for request in &received {
        let event = verified(request, SECRET);
        assert_eq!(event["data"]["user_id"], json!(id));
        assert_eq!(event["data"]["email"], json!(ADA));
    }
}
