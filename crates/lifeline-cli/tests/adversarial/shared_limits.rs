//! Limits that hold for a whole deployment, not per instance: sign-in attempts for one
//! account, or new-password submissions with one reset link, spread round-robin over three
//! instances meet the 429 after `limits.login_per_account` (or `limits.attempts_per_link`)
//! attempts in total; link requests for one address, spread the same way, send
//! `limits.per_address_per_hour` mails in total.

use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;
use serde_json::json;
use std::time::{Duration, Instant};

use storage::{Backend, outbox};

use crate::cluster::{Cluster, ONE_AT_A_TIME, token_in};
use crate::on_every_backend;
use crate::served_binary::create_account;

on_every_backend!(
    the_sign_in_budget_of_an_account_holds_across_three_instances,
    the_attempts_of_a_reset_link_are_counted_across_three_instances,
    the_link_requests_of_an_address_are_counted_across_three_instances,
);

const INSTANCES: usize = 3;
/// `limits.login_per_account` as the instances run with it (the default).
const BUDGET: usize = 10;

async fn the_sign_in_budget_of_an_account_holds_across_three_instances(backend: Backend) {
    // Arrange
    let _turn = ONE_AT_A_TIME.lock().await;
    let Some(mut cluster) = Cluster::new(backend).await else {
        return;
    };
    for _ in 0..INSTANCES {
        cluster.start_instance().await;
    }
    create_account(&cluster.db, "ada@example.com", "ada's real passphrase");

    // Act: wrong passwords, one after the other, round-robin over the instances.
    let mut answers = Vec::new();
    for n in 0..BUDGET + INSTANCES {
        let answer = cluster
            .client
            .post(cluster.url(n % INSTANCES, "/api/v1/session"))
            .json(&json!({ "email": "ada@example.com", "password": format!("guess {n}") }))
            .send()
            .await
            .unwrap();
        let wait = answer.headers().get(RETRY_AFTER).cloned();
        answers.push((answer.status(), wait));
    }
    // The right password is refused too, on every instance, until the window ends.
    let mut right = Vec::new();
    for on in 0..INSTANCES {
        let answer = cluster
            .client
            .post(cluster.url(on, "/api/v1/session"))
            .json(&json!({ "email": "ada@example.com", "password": "ada's real passphrase" }))
            .send()
            .await
            .unwrap();
        right.push(answer.status());
    }

    // Assert
    let statuses: Vec<StatusCode> = answers.iter().map(|(status, _)| *status).collect();
    let refused = statuses
        .iter()
        .position(|s| *s == StatusCode::TOO_MANY_REQUESTS)
        .unwrap_or_else(|| panic!("never refused: {statuses:?}\n{}", cluster.troubles()));
    assert_eq!(refused, BUDGET, "{statuses:?}");
    assert!(
        statuses[..BUDGET]
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
    assert!(
        statuses[BUDGET..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    for (_, wait) in &answers[BUDGET..] {
        let secs: u64 = wait
            .as_ref()
            .and_then(|w| w.to_str().ok()?.parse().ok())
            .expect("a Retry-After in seconds");
        assert!((1..=15 * 60).contains(&secs), "{secs}");
    }
    assert_eq!(right, vec![StatusCode::TOO_MANY_REQUESTS; INSTANCES]);
}

/// `limits.attempts_per_link` as the link test runs with it.
const LINK_ATTEMPTS: usize = 4;

async fn the_attempts_of_a_reset_link_are_counted_across_three_instances(backend: Backend) {
    // Arrange: three instances allowing four submissions per link, and a mailed link.
    let _turn = ONE_AT_A_TIME.lock().await;
    let Some(mut cluster) = Cluster::new(backend).await else {
        return;
    };
    let attempts = LINK_ATTEMPTS.to_string();
    for _ in 0..INSTANCES {
        cluster
            .start_instance_with(&[("LIFELINE_LIMITS__ATTEMPTS_PER_LINK", &attempts)])
            .await;
    }
    create_account(&cluster.db, "ada@example.com", "ada's real passphrase");
    let asked = cluster
        .client
        .post(cluster.url(0, "/api/v1/password/forgot"))
        .json(&json!({ "email": "ada@example.com" }))
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let mail = cluster
        .sink
        .wait_for(1, std::time::Duration::from_secs(20))
        .await
        .unwrap_or_else(|_| panic!("no mail\n{}", cluster.troubles()));
    let token = token_in(&mail[0], "/password/reset?token=");

    // Act: passwords the policy refuses (the link stays live), round-robin.
    let mut statuses = Vec::new();
    for n in 0..LINK_ATTEMPTS + INSTANCES {
        let answer = cluster
            .client
            .post(cluster.url(n % INSTANCES, "/api/v1/password/reset"))
            .json(&json!({ "token": token, "password": "short" }))
            .send()
            .await
            .unwrap();
        statuses.push(answer.status());
    }

    // Assert
    let expected: Vec<StatusCode> = (0..LINK_ATTEMPTS + INSTANCES)
        .map(|n| match n < LINK_ATTEMPTS {
            true => StatusCode::UNPROCESSABLE_ENTITY,
            false => StatusCode::TOO_MANY_REQUESTS,
        })
        .collect();
    assert_eq!(statuses, expected, "{}", cluster.troubles());
}

/// `limits.per_address_per_hour` as the link-request test runs with it.
const LINKS_PER_ADDRESS: usize = 4;

async fn the_link_requests_of_an_address_are_counted_across_three_instances(backend: Backend) {
    // Arrange: three instances allowing four link requests per address an hour (each
    // instance's own filter would allow four each), and an account.
    let _turn = ONE_AT_A_TIME.lock().await;
    let Some(mut cluster) = Cluster::new(backend).await else {
        return;
    };
    let limit = LINKS_PER_ADDRESS.to_string();
    for _ in 0..INSTANCES {
        cluster
            .start_instance_with(&[("LIFELINE_LIMITS__PER_ADDRESS_PER_HOUR", &limit)])
            .await;
    }
    create_account(&cluster.db, "ada@example.com", "ada's real passphrase");

    // Act: reset and magic-link requests in turn, round-robin over the instances.
    let requests = 3 * INSTANCES;
    let mut statuses = Vec::new();
    for n in 0..requests {
        let path = match n % 2 {
            0 => "/api/v1/password/forgot",
            _ => "/api/v1/magic-link",
        };
        let answer = cluster
            .client
            .post(cluster.url(n % INSTANCES, path))
            .json(&json!({ "email": "ada@example.com" }))
            .send()
            .await
            .unwrap();
        statuses.push(answer.status());
    }
    // Each instance's filter let its three requests through: all nine jobs are queued.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let stats = outbox::stats(
            &mut cluster.db.conn().unwrap(),
            chrono::Utc::now().naive_utc(),
        )
        .unwrap();
        if stats.pending == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "outbox not drained: {stats:?}\n{}",
            cluster.troubles()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Assert: every request got the usual answer; four mails went out in total.
    assert_eq!(statuses, vec![StatusCode::ACCEPTED; requests]);
    let mails = cluster.sink.messages();
    assert_eq!(mails.len(), LINKS_PER_ADDRESS, "{}", cluster.troubles());
    assert!(mails.iter().all(|m| m.rcpt_to == ["ada@example.com"]));
}
