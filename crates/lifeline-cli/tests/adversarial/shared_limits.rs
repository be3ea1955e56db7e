//! Limits that hold for a whole deployment, not per instance: sign-in attempts for one
//! account spread round-robin over three instances meet the 429 after
//! `limits.login_per_account` attempts in total.

use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;
use serde_json::json;
use storage::Backend;

use crate::cluster::{Cluster, ONE_AT_A_TIME};
use crate::on_both_backends;
use crate::served_binary::create_account;

on_both_backends!(the_sign_in_budget_of_an_account_holds_across_three_instances);

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
