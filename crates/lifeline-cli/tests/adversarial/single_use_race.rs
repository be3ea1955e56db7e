//! A reset link is single-use across processes: 200 concurrent attempts to
//! use one token, spread over three instances of one deployment, and exactly
//! one succeeds. Single use is enforced by the database (one conditional
//! `UPDATE`), not by any instance's memory.

use std::sync::Arc;
use std::time::Duration;

use diesel::RunQueryDsl;
use diesel::sql_types::BigInt;
use lifeline::{Password, PasswordHasherService};
use reqwest::StatusCode;
use serde_json::json;
use storage::testing::TestDb;
use storage::{Backend, EmailAddress, users};
use tokio::sync::Barrier;

use crate::cluster::{Cluster, ONE_AT_A_TIME, token_in};
use crate::on_every_backend;
use crate::served_binary::create_account;

const EMAIL: &str = "ada@example.com";
const OLD_PASSWORD: &str = "old password for ada";
const ATTEMPTS: usize = 200;
const INSTANCES: usize = 3;

on_every_backend!(one_reset_link_raced_through_three_instances_works_exactly_once);

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(db: &TestDb, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .get_result::<Count>(&mut *db.conn().unwrap())
        .unwrap()
        .n
}

/// The password of attempt `n`, so the winner can be told from the others.
fn password_of(n: usize) -> String {
    format!("the new passphrase of attempt {n}")
}

async fn one_reset_link_raced_through_three_instances_works_exactly_once(backend: Backend) {
    // Arrange: three instances on one database, and a mailed reset link.
    let _turn = ONE_AT_A_TIME.lock().await;
    let Some(mut cluster) = Cluster::new(backend).await else {
        return;
    };
    for _ in 0..INSTANCES {
        cluster.start_instance().await;
    }
    create_account(&cluster.db, EMAIL, OLD_PASSWORD);
    let asked = cluster
        .client
        .post(cluster.url(0, "/api/v1/password/forgot"))
        .json(&json!({ "email": EMAIL }))
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let mail = cluster
        .sink
        .wait_for(1, Duration::from_secs(10))
        .await
        .unwrap();
    let token = token_in(&mail[0], "/password/reset?token=");

    // Act: 200 attempts released together, round-robin over the instances.
    let start = Arc::new(Barrier::new(ATTEMPTS));
    let mut attempts = tokio::task::JoinSet::new();
    for n in 0..ATTEMPTS {
        let request = cluster
            .client
            .post(cluster.url(n % INSTANCES, "/api/v1/password/reset"))
            .json(&json!({ "token": token, "password": password_of(n) }));
        let start = Arc::clone(&start);
        attempts.spawn(async move {
            start.wait().await;
            let response = request.send().await.expect("answered");
            let status = response.status();
            (n, status, response.text().await.unwrap_or_default())
        });
    }
    let answers = attempts.join_all().await;

    // Assert: one 204; every other attempt the usual 400, none a 5xx.
    let winners: Vec<usize> = answers
        .iter()
        .filter(|(_, status, _)| *status == StatusCode::NO_CONTENT)
        .map(|(n, _, _)| *n)
        .collect();
    assert_eq!(winners.len(), 1, "winners: {winners:?}");
    for (n, status, body) in &answers {
        if *n != winners[0] {
            assert_eq!(*status, StatusCode::BAD_REQUEST, "attempt {n}: {body}");
            assert!(
                body.contains("invalid_or_expired_link"),
                "attempt {n}: {body}"
            );
        }
    }
    let hasher = PasswordHasherService::new(4096, 1, 1).unwrap();
    let stored = users::find_by_email(
        &mut cluster.db.conn().unwrap(),
        &EmailAddress::parse(EMAIL).unwrap(),
    )
    .unwrap()
    .unwrap()
    .password_hash;
    let winning = Password::new(password_of(winners[0]));
    assert!(
        hasher.verify(&winning, stored.as_deref()),
        "the winner's password is set"
    );
    assert_eq!(
        count(
            &cluster.db,
            "SELECT COUNT(*) AS n FROM audit_events WHERE kind = 'password_reset'"
        ),
        1,
        "one reset recorded"
    );
    cluster
        .sink
        .wait_for(2, Duration::from_secs(10))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        cluster.sink.messages().len(),
        2,
        "one password-changed notice"
    );
}
