//! What an operator relies on: the zero-setup demo, health and readiness, the
//! global ceiling, and a graceful stop on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use diesel::RunQueryDsl;
use diesel::sql_types::BigInt;
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::json;
use storage::Backend;
use storage::testing::TestDb;

use crate::helpers::{csrf_in, spawn_app, spawn_app_with};
use crate::on_both_backends;
use crate::served_binary::{ServedBinary, create_account};

on_both_backends!(
    health_and_readiness_answer_when_the_database_is_up,
    the_global_ceiling_answers_429_with_retry_after,
    sigterm_lets_in_flight_work_finish_and_releases_outbox_leases,
);

async fn health_and_readiness_answer_when_the_database_is_up(backend: Backend) {
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let client = app.new_client();

    let health = app.get(&client, "/healthz").await;
    let ready = app.get(&client, "/readyz").await;

    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.text().await.unwrap(), "ok");
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(ready.text().await.unwrap(), "ready");
}

async fn the_global_ceiling_answers_429_with_retry_after(backend: Backend) {
    // Arrange: one link request per second for everybody.
    let Some(app) = spawn_app_with(backend, |f| f.merge(("limits.global_per_second", 1))).await
    else {
        return;
    };
    let client = app.new_client();
    let body = |n: usize| json!({ "email": format!("person{n}@example.com") });

    // Act: a burst from different addresses.
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for n in 0..5 {
        let response = app
            .post_json(&client, "/api/v1/password/forgot", &body(n))
            .await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            retry_after = response.headers().get("retry-after").cloned();
        }
        statuses.push(response.status());
    }

    // Assert
    assert_eq!(statuses[0], StatusCode::ACCEPTED);
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    assert!(retry_after.is_some(), "429 without Retry-After");
    let accepted = statuses
        .iter()
        .filter(|s| **s == StatusCode::ACCEPTED)
        .count() as i64;
    assert_eq!(
        app.row_counts().outbox,
        accepted,
        "refused requests must write nothing"
    );
}

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

/// `lifeline demo` needs nothing but an empty directory: SQLite, generated keys,
/// the development mailbox and a demo account, all working end to end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_runs_with_zero_setup_and_shows_mail_in_the_development_mailbox() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lifeline"))
        .args(["demo", "--port", "0"])
        .current_dir(dir.path())
        .env_clear()
        .env("LIFELINE_LOG__FILTER", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let page = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("demo prints its address");
        if let Some(url) = line
            .split_whitespace()
            .find(|w| w.ends_with("/password/forgot"))
        {
            break url.to_owned();
        }
    };
    let base = page.trim_end_matches("/password/forgot").to_owned();
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap();
    let get = |path: String| {
        let browser = browser.clone();
        async move {
            browser
                .get(path)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };

    // Act: ask for a link for the demo account, read it in the mailbox, use it.
    let csrf = csrf_in(&get(page.clone()).await).unwrap();
    let asked = browser
        .post(&page)
        .form(&[
            ("email", lifeline::commands::DEMO_EMAIL),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::OK);
    let mut message_path = None;
    for _ in 0..100 {
        let inbox = get(format!("{base}/dev/mailbox")).await;
        message_path = inbox
            .split('"')
            .find(|s| s.starts_with("/dev/mailbox/"))
            .map(str::to_owned);
        if message_path.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let message = get(format!(
        "{base}{}",
        message_path.expect("mail in the mailbox")
    ))
    .await;
    let link = message
        .split('"')
        .find(|s| s.starts_with(&format!("{base}/password/reset?token=")))
        .expect("reset link in the message")
        .to_owned();
    let opened = browser.get(&link).send().await.unwrap();
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    let csrf = csrf_in(&get(format!("{base}/password/reset")).await).unwrap();
    let reset = browser
        .post(format!("{base}/password/reset"))
        .form(&[
            ("password", "a brand new demo passphrase"),
            ("password_confirm", "a brand new demo passphrase"),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(reset.status(), StatusCode::SEE_OTHER);
    assert_eq!(reset.headers()["location"], "/login");
    assert!(dir.path().join("lifeline-data/demo.db").exists());
    let _ = child.kill();
    let _ = child.wait();
}
