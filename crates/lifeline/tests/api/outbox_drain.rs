//! The harness's `drain_outbox`, which the "no mail was sent" assertions rely on: it must
//! return only once every committed job is done, however slow the relay, so that a mail that
//! is not in the sink after it was never going to be sent.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;
use storage::Backend;

use crate::helpers::spawn_app;
use crate::on_every_backend;

const EMAIL: &str = "ada@example.com";
/// Longer than the fixed 600 ms pause the drain replaced, so that pause would miss the mail.
const RELAY_DELAY: Duration = Duration::from_millis(1500);

on_every_backend!(
    draining_the_outbox_waits_for_a_mail_a_slow_relay_is_still_accepting,
    draining_the_outbox_returns_at_once_when_no_mail_is_due,
);

async fn draining_the_outbox_waits_for_a_mail_a_slow_relay_is_still_accepting(backend: Backend) {
    // Arrange: a relay that takes its time to accept a mail.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, "old password for ada");
    app.sink.set_reply_delay(RELAY_DELAY);
    let started = Instant::now();
    let answer = app
        .post_json(
            &app.client,
            "/api/v1/password/forgot",
            &json!({ "email": EMAIL }),
        )
        .await;
    assert_eq!(answer.status(), StatusCode::ACCEPTED);

    // Act
    app.drain_outbox().await;

    // Assert: the mail is there the moment the drain returns, and nothing is left.
    assert_eq!(app.sink.messages().len(), 1, "the drain returned too early");
    assert_eq!(app.pending_jobs(), 0);
    assert!(started.elapsed() >= RELAY_DELAY);
}

async fn draining_the_outbox_returns_at_once_when_no_mail_is_due(backend: Backend) {
    // Arrange: a request for an unknown address, which sends nothing.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let answer = app
        .post_json(
            &app.client,
            "/api/v1/password/forgot",
            &json!({ "email": EMAIL }),
        )
        .await;
    assert_eq!(answer.status(), StatusCode::ACCEPTED);

    // Act
    let started = Instant::now();
    app.drain_outbox().await;

    // Assert: the job was done (as nothing to send) without waiting out a fixed pause.
    assert_eq!(app.pending_jobs(), 0);
    assert!(app.sink.messages().is_empty());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}
