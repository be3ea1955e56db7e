//! A crash loses no accepted request: the service answers only after the
//! request's job is committed, so when an instance is killed with SIGKILL in
//! the middle of a load and started again on the same database, every request
//! it accepted gets its mail.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;
use storage::{Backend, outbox};

use crate::cluster::{Cluster, ONE_AT_A_TIME, WORKER_BATCH, message_id};
use crate::on_every_backend;

const REQUESTS: usize = 200;
const LANES: usize = 8;
/// Accepted answers before the kill.
const KILL_AFTER: usize = 30;
/// The most mails a kill can catch between the SMTP server's "250 OK" and the
/// database's "sent" mark: the worker records a claimed batch's outcomes
/// together, after its sends, so that is one batch. Those are sent again after
/// the restart, with the same `Message-ID`, so a receiving server can tell it
/// is the same message.
const MOST_REPEATS: usize = WORKER_BATCH;

on_every_backend!(an_instance_killed_mid_load_loses_no_accepted_request);

async fn an_instance_killed_mid_load_loses_no_accepted_request(backend: Backend) {
    // Arrange: one instance, many accounts, an SMTP server that takes its time.
    let _turn = ONE_AT_A_TIME.lock().await;
    let Some(mut cluster) = Cluster::new(backend).await else {
        return;
    };
    cluster.sink.set_reply_delay(Duration::from_millis(20));
    let emails: Vec<String> = (0..REQUESTS)
        .map(|n| format!("user{n:03}@example.com"))
        .collect();
    let mut conn = cluster.db.conn().unwrap();
    for email in &emails {
        storage::testing::create_user(&mut conn, email);
    }
    drop(conn);
    cluster.start_instance().await;

    // Act: eight lanes of requests; SIGKILL once 30 were accepted.
    let answered = Arc::new(AtomicUsize::new(0));
    let mut lanes = tokio::task::JoinSet::new();
    for lane in 0..LANES {
        let (client, url) = (
            cluster.client.clone(),
            cluster.url(0, "/api/v1/password/forgot"),
        );
        let mine: Vec<String> = emails.iter().skip(lane).step_by(LANES).cloned().collect();
        let answered = Arc::clone(&answered);
        lanes.spawn(async move {
            let mut accepted = Vec::new();
            for email in mine {
                let body = json!({ "email": email });
                match client.post(&url).json(&body).send().await {
                    Ok(response) if response.status() == StatusCode::ACCEPTED => {
                        accepted.push(email);
                        answered.fetch_add(1, Ordering::SeqCst);
                    }
                    Ok(response) => {
                        let status = response.status();
                        let body = response.text().await.unwrap_or_default();
                        panic!("{email}: {status} {body}")
                    }
                    Err(_) => break, // the instance is gone
                }
            }
            accepted
        });
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while answered.load(Ordering::SeqCst) < KILL_AFTER {
        assert!(Instant::now() < deadline, "the load did not get going");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    cluster.instances[0].kill();
    let accepted: BTreeSet<String> = lanes.join_all().await.into_iter().flatten().collect();
    let delivered_before = cluster.sink.messages().len();
    cluster.start_instance().await;

    // Assert: every accepted request's mail arrives, and the queue empties
    // (jobs of requests cut off mid-answer are sent too, once the dead
    // instance's leases run out).
    assert!(
        accepted.len() >= KILL_AFTER && accepted.len() < REQUESTS,
        "{}",
        accepted.len()
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let recipients: BTreeSet<String> = cluster
            .sink
            .messages()
            .iter()
            .map(|m| m.rcpt_to.join(","))
            .collect();
        let pending = outbox::stats(
            &mut cluster.db.conn().unwrap(),
            chrono::Utc::now().naive_utc(),
        )
        .unwrap()
        .pending;
        if recipients.is_superset(&accepted) && pending == 0 {
            break;
        }
        let missing: Vec<_> = accepted.difference(&recipients).collect();
        assert!(
            Instant::now() < deadline,
            "never mailed: {missing:?}; {pending} job(s) left\n{}",
            cluster.troubles()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mails = cluster.sink.messages();

    // Assert: mail only for requests that were sent; a mail sent twice is the
    // same message (same Message-ID), and only a send the kill interrupted is.
    let attempted: BTreeSet<String> = emails.iter().cloned().collect();
    let mut ids_per_recipient: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for mail in &mails {
        let recipient = mail.rcpt_to.join(",");
        assert!(attempted.contains(&recipient), "{recipient}");
        ids_per_recipient
            .entry(recipient)
            .or_default()
            .insert(message_id(mail));
    }
    for (recipient, ids) in &ids_per_recipient {
        assert_eq!(ids.len(), 1, "{recipient} got different mails: {ids:?}");
    }
    let repeats = mails.len() - ids_per_recipient.len();
    eprintln!(
        "accepted {}, delivered before the kill {delivered_before}, repeated after it {repeats}",
        accepted.len()
    );
    assert!(repeats <= MOST_REPEATS, "{repeats} mails sent twice");
}
