//! `lifeline outbox status` and `lifeline outbox retry`, run as processes against the
//! database of a running service.

use std::time::{Duration, Instant};

use chrono::TimeDelta;
use mail::sink::SinkMode;
use reqwest::StatusCode;
use serde_json::json;
use storage::Backend;
use storage::outbox;
use storage::testing::TestDb;

use crate::cli::lifeline;
use crate::helpers::{TestApp, spawn_app};
use crate::on_every_backend;

const EMAIL: &str = "ada@example.com";

on_every_backend!(
    the_status_shows_pending_due_given_up_and_the_oldest_age,
    a_job_given_up_during_an_outage_is_delivered_after_retry_failed,
    retrying_by_id_requeues_only_a_given_up_job,
    retry_needs_an_id_or_failed,
    the_status_counts_webhook_deliveries_per_endpoint_and_retry_requeues_them,
);

/// Enqueues a job and gives it up, as the worker does after a permanent failure.
fn given_up_job(db: &TestDb, kind: &str, error: &str) -> i64 {
    let conn = &mut db.conn().unwrap();
    let now = chrono::Utc::now().naive_utc();
    let id = outbox::enqueue(conn, kind, "{}", now - TimeDelta::hours(2)).unwrap();
    let claimed = outbox::claim(conn, "cli-test", now, Duration::from_secs(60), 100).unwrap();
    assert!(claimed.iter().any(|job| job.id == id));
    assert!(outbox::give_up(conn, id, "cli-test", error, now).unwrap());
    id
}

async fn the_status_shows_pending_due_given_up_and_the_oldest_age(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let now = chrono::Utc::now().naive_utc();
    {
        let conn = &mut db.conn().unwrap();
        outbox::enqueue(
            conn,
            "password_reset_requested",
            "{}",
            now - TimeDelta::minutes(5),
        )
        .unwrap();
        outbox::enqueue(
            conn,
            "magic_link_requested",
            "{}",
            now + TimeDelta::hours(1),
        )
        .unwrap();
    }
    let failed = given_up_job(
        &db,
        "password_changed",
        "550 5.1.1 <ada@example.com>: no such user",
    );

    // Act
    let run = lifeline(&db, &["outbox", "status"]).await;

    // Assert
    assert_eq!(run.status, 0, "{run:?}");
    let out = &run.stdout;
    assert!(out.contains("pending:        2\n"), "{out}");
    assert!(out.contains("due now:        1\n"), "{out}");
    assert!(out.contains("given up:       1\n"), "{out}");
    assert!(out.contains("oldest pending: 5m "), "{out}");
    assert!(
        out.contains(&format!(
            "  id {failed}  password_changed  attempts 1  given up "
        )),
        "{out}"
    );
    assert!(
        out.contains("550 5.1.1 <a***@example.com>: no such user"),
        "{out}"
    );
    assert!(!out.contains(EMAIL), "{out}");
}

async fn a_job_given_up_during_an_outage_is_delivered_after_retry_failed(backend: Backend) {
    // Arrange: the relay refuses for good, so the reset mail is given up.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, "old password for ada");
    app.sink.set_mode(SinkMode::PermFail);
    let asked = app
        .post_json(
            &app.new_client(),
            "/api/v1/password/forgot",
            &json!({"email": EMAIL}),
        )
        .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    wait_until_given_up(&app, 1).await;
    app.sink.set_mode(SinkMode::Accept);

    // Act
    let run = lifeline(&app.db, &["outbox", "retry", "--failed"]).await;

    // Assert
    assert_eq!(run.status, 0, "{run:?}");
    assert_eq!(
        run.stdout.trim(),
        "requeued 1 given-up outbox job(s); they are due now"
    );
    let mail = app.wait_for_mail(1).await.remove(0);
    crate::helpers::link_in(&app, &mail, "/password/reset?token=");
    let status = lifeline(&app.db, &["outbox", "status"]).await;
    assert!(status.stdout.contains("given up:       0\n"), "{status:?}");
}

async fn wait_until_given_up(app: &TestApp, count: i64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let stats = outbox::stats(&mut app.db.conn().unwrap(), app.now()).unwrap();
        if stats.failed == count {
            return;
        }
        assert!(Instant::now() < deadline, "not given up: {stats:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn retrying_by_id_requeues_only_a_given_up_job(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let failed = given_up_job(&db, "password_changed", "timeout");
    let other = given_up_job(&db, "password_changed", "timeout");
    let id = failed.to_string();

    // Act
    let first = lifeline(&db, &["outbox", "retry", "--id", &id]).await;
    let again = lifeline(&db, &["outbox", "retry", "--id", &id]).await;
    let missing = lifeline(&db, &["outbox", "retry", "--id", "999999"]).await;

    // Assert
    assert_eq!(first.status, 0, "{first:?}");
    assert_eq!(
        first.stdout.trim(),
        format!("requeued outbox job {id}; it is due now")
    );
    let job = outbox::find(&mut db.conn().unwrap(), failed)
        .unwrap()
        .unwrap();
    assert_eq!((job.failed_at, job.attempts), (None, 0));
    let untouched = outbox::find(&mut db.conn().unwrap(), other)
        .unwrap()
        .unwrap();
    assert!(
        untouched.failed_at.is_some(),
        "only the named job is requeued"
    );
    assert_eq!(again.status, 1, "{again:?}");
    assert!(
        again
            .stderr
            .contains(&format!("outbox job {id} is still pending")),
        "{again:?}"
    );
    assert_eq!(missing.status, 1, "{missing:?}");
    assert!(
        missing.stderr.contains("there is no outbox job 999999"),
        "{missing:?}"
    );
}

async fn retry_needs_an_id_or_failed(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };

    // Act
    let neither = lifeline(&db, &["outbox", "retry"]).await;
    let both = lifeline(&db, &["outbox", "retry", "--id", "1", "--failed"]).await;

    // Assert
    assert_eq!(neither.status, 2, "{neither:?}");
    assert!(neither.stderr.contains("--id <ID>|--failed"), "{neither:?}");
    assert_eq!(both.status, 2, "{both:?}");
}

async fn the_status_counts_webhook_deliveries_per_endpoint_and_retry_requeues_them(
    backend: Backend,
) {
    // Arrange: two deliveries to one endpoint (one pending, one given up), one to another.
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let payload = |endpoint: &str| {
        json!({"endpoint": endpoint, "event": "password.changed", "occurred_at": 1,
               "data": {"user_id": 1, "email": EMAIL}})
        .to_string()
    };
    let now = chrono::Utc::now().naive_utc();
    let failed = {
        let conn = &mut db.conn().unwrap();
        outbox::enqueue(conn, "webhook", &payload("crm"), now + TimeDelta::hours(1)).unwrap();
        let id = outbox::enqueue(conn, "webhook", &payload("host-app"), now).unwrap();
        outbox::enqueue(
            conn,
            "webhook",
            &payload("host-app"),
            now + TimeDelta::hours(1),
        )
        .unwrap();
        outbox::claim(conn, "cli-test", now, Duration::from_secs(60), 100).unwrap();
        assert!(
            outbox::give_up(
                conn,
                id,
                "cli-test",
                "webhook host-app: answered HTTP 503",
                now
            )
            .unwrap()
        );
        id
    };

    // Act
    let status = lifeline(&db, &["outbox", "status"]).await;
    let retry = lifeline(&db, &["outbox", "retry", "--id", &failed.to_string()]).await;

    // Assert
    assert_eq!(status.status, 0, "{status:?}");
    let out = &status.stdout;
    assert!(out.contains("webhook deliveries per endpoint"), "{out}");
    assert!(
        out.contains("  crm  pending 1  delivered 0  given up 0\n"),
        "{out}"
    );
    assert!(
        out.contains("  host-app  pending 1  delivered 0  given up 1\n"),
        "{out}"
    );
    assert!(
        out.contains(&format!("  id {failed}  webhook  attempts 1  given up ")),
        "{out}"
    );
    assert!(!out.contains(EMAIL), "{out}");
    assert_eq!(retry.status, 0, "{retry:?}");
    let job = outbox::find(&mut db.conn().unwrap(), failed)
        .unwrap()
        .unwrap();
    assert!(job.failed_at.is_none() && job.sent_at.is_none(), "{job:?}");
}
