//! A webhook survives a crash: the event's outbox row commits with the sign-in, so when the
//! instance is killed with SIGKILL while the delivery hangs on a host that does not answer,
//! and another instance starts on the same database with the host back, the event arrives,
//! once accepted, under the same `webhook-id`.

use std::time::Duration;

use reqwest::StatusCode;
use storage::{Backend, outbox};

use crate::cluster::{Cluster, INSTANCE_SETTINGS, ONE_AT_A_TIME};
use crate::helpers::csrf_in;
use crate::on_every_backend;
use crate::served_binary::create_account;
use crate::webhook_receiver::Receiver;
use crate::webhook_verify::verify_webhook;

on_every_backend!(a_webhook_in_flight_when_the_instance_is_killed_arrives_once_after_a_restart);

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ADA: &str = "ada@example.com";
const PASSWORD: &str = "correct horse battery staple";

async fn a_webhook_in_flight_when_the_instance_is_killed_arrives_once_after_a_restart(
    backend: Backend,
) {
    // Arrange: a host that takes requests and never answers.
    let _turn = ONE_AT_A_TIME.lock().await;
    let Some(mut cluster) = Cluster::new(backend).await else {
        return;
    };
    let receiver = Receiver::start(0).await;
    receiver.hold();
    // The endpoint in an environment variable, as an inline TOML array of tables.
    let endpoints = format!(
        r#"[{{name="host-app", url="{}", secret="{SECRET}"}}]"#,
        receiver.url
    );
    let mut settings = INSTANCE_SETTINGS.to_vec();
    settings.push(("LIFELINE_WEBHOOKS__ENDPOINTS", &endpoints));
    create_account(&cluster.db, ADA, PASSWORD);
    let first = crate::served_binary::ServedBinary::start_with_env(
        &cluster.db,
        &cluster.sink,
        "info",
        &settings,
    )
    .await;
    cluster.instances.push(first);
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = browser.get(cluster.url(0, "/login")).send().await.unwrap();
    let csrf = csrf_in(&login.text().await.unwrap()).unwrap();
    let signed_in = browser
        .post(cluster.url(0, "/login"))
        .form(&[
            ("email", ADA),
            ("password", PASSWORD),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);

    // Act: SIGKILL while the delivery is in flight, then the host comes back and another
    // instance starts on the same database.
    let in_flight = receiver.wait_for(1).await.remove(0);
    cluster.instances[0].kill();
    receiver.answer();
    let second = crate::served_binary::ServedBinary::start_with_env(
        &cluster.db,
        &cluster.sink,
        "info",
        &settings,
    )
    .await;
    cluster.instances.push(second);
    let received = wait_for_an_accepted(&receiver).await;
    let rows = wait_until_delivered(&cluster).await;

    // Assert: one event, one accepted delivery, the same id as the interrupted one.
    let accepted: Vec<_> = received.iter().filter(|r| r.accepted).collect();
    assert_eq!(accepted.len(), 1, "{received:?}");
    let id = in_flight.header("webhook-id");
    assert!(received.iter().all(|r| r.header("webhook-id") == id));
    let event = verify_webhook(SECRET, &accepted[0].headers, &accepted[0].body).unwrap();
    assert_eq!(event["type"], "signin.succeeded");
    assert_eq!(event["data"]["email"], ADA);
    assert_eq!(rows.len(), 1);
    assert_eq!(format!("msg_{}", rows[0].job_key), id);
}

/// Every request once one was accepted, or a panic after 60 s (the killed instance's lease
/// must run out first).
async fn wait_for_an_accepted(receiver: &Receiver) -> Vec<crate::webhook_receiver::Received> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let received = receiver.received();
        if received.iter().any(|r| r.accepted) {
            return received;
        }
        assert!(tokio::time::Instant::now() < deadline, "{received:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The webhook rows once every one is marked sent, or a panic after 30 s.
async fn wait_until_delivered(cluster: &Cluster) -> Vec<outbox::OutboxJob> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let rows = outbox::list_of_kind(&mut cluster.db.conn().unwrap(), "webhook", 10).unwrap();
        if !rows.is_empty() && rows.iter().all(|r| r.sent_at.is_some()) {
            return rows;
        }
        assert!(tokio::time::Instant::now() < deadline, "{rows:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
