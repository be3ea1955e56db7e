//! A graceful stop: on SIGTERM, and on SIGINT (Ctrl-C) alike, the `lifeline` process lets
//! in-flight work finish, releases its outbox leases, and says so in its log.

use std::time::Duration;

use diesel::RunQueryDsl;
use diesel::sql_types::BigInt;
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::json;
use storage::Backend;
use storage::testing::TestDb;

use crate::helpers::csrf_in;
use crate::on_every_backend;
use crate::served_binary::{ServedBinary, create_account};

on_every_backend!(sigterm_lets_in_flight_work_finish_and_releases_outbox_leases);

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

async fn sigterm_lets_in_flight_work_finish_and_releases_outbox_leases(backend: Backend) {
    // Arrange: a slow SMTP server, one delivery at a time, a slow sign-in.
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let sink = mail::sink::SmtpSink::start().await.unwrap();
    sink.set_reply_delay(Duration::from_millis(1500));
    for n in 0..3 {
        create_account(
            &db,
            &format!("user{n}@example.com"),
            "a long enough password",
        );
    }
    let mut served = ServedBinary::start_with_env(
        &db,
        &sink,
        "info",
        &[
            ("LIFELINE_MAIL__WORKER__CONCURRENCY", "1"),
            ("LIFELINE_SERVER__SHUTDOWN_TIMEOUT_SECS", "10"),
            ("LIFELINE_PASSWORD__ARGON2_MEMORY_KIB", "65536"),
            ("LIFELINE_PASSWORD__ARGON2_ITERATIONS", "6"),
        ],
    )
    .await;
    let client = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    for n in 0..3 {
        let response = client
            .post(served.url("/api/v1/password/forgot"))
            .json(&json!({ "email": format!("user{n}@example.com") }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
    tokio::time::sleep(Duration::from_millis(400)).await; // the first delivery is under way
    let csrf_client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap();
    let html = csrf_client
        .get(served.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_in(&html).unwrap();
    let login_url = served.url("/login");
    let in_flight = tokio::spawn(async move {
        csrf_client
            .post(login_url)
            .form(&[
                ("email", "nobody@example.com"),
                ("password", "some guess"),
                ("csrf_token", &csrf),
            ])
            .send()
            .await
            .map(|r| r.status())
    });
    tokio::time::sleep(Duration::from_millis(100)).await;

    // Act
    let clean_exit = served.terminate().await;

    // Assert: the request in flight was answered, the process stopped cleanly,
    // the delivery in flight completed, and no job is left leased to the dead process.
    assert_eq!(in_flight.await.unwrap().unwrap(), StatusCode::UNAUTHORIZED);
    assert!(
        clean_exit,
        "lifeline did not exit cleanly:\n{}",
        served.output()
    );
    assert!(
        !sink.messages().is_empty(),
        "the delivery in flight must complete"
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM outbox WHERE lease_owner IS NOT NULL AND sent_at IS NULL"
        ),
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL"
        ) + sink.messages().len() as i64,
        3,
        "every job is either delivered or still queued for the next instance"
    );
}

/// Ctrl-C (SIGINT) stops as gracefully as SIGTERM, and the log says so: the sign-in in
/// flight is answered, the process exits 0, and nothing speaks of a forced shutdown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_shuts_down_gracefully_and_the_log_says_so() {
    // Arrange: a slow sign-in in flight (its password verification has begun).
    let db = TestDb::new(Backend::Sqlite).unwrap();
    let sink = mail::sink::SmtpSink::start().await.unwrap();
    let mut served = ServedBinary::start_with_env(
        &db,
        &sink,
        "info",
        &[
            ("LIFELINE_SERVER__SHUTDOWN_TIMEOUT_SECS", "10"),
            ("LIFELINE_PASSWORD__ARGON2_MEMORY_KIB", "65536"),
            ("LIFELINE_PASSWORD__ARGON2_ITERATIONS", "6"),
        ],
    )
    .await;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap();
    let html = client
        .get(served.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_in(&html).unwrap();
    let (login_url, signing_in) = (served.url("/login"), client.clone());
    let in_flight = tokio::spawn(async move {
        signing_in
            .post(login_url)
            .form(&[
                ("email", "nobody@example.com"),
                ("password", "some guess"),
                ("csrf_token", &csrf),
            ])
            .send()
            .await
            .map(|r| r.status())
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let metrics = client
            .get(served.url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if metrics.contains("lifeline_password_verifications_total 1") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the sign-in never started"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // Act
    let clean_exit = served.interrupt().await;

    // Assert
    let output = served.output();
    assert_eq!(in_flight.await.unwrap().unwrap(), StatusCode::UNAUTHORIZED);
    assert!(clean_exit, "lifeline did not exit cleanly:\n{output}");
    assert!(
        output.contains("SIGINT received; shutting down gracefully"),
        "{output}"
    );
    assert!(!output.to_lowercase().contains("forced"), "{output}");
}
