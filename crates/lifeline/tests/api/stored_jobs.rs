//! Jobs queued by an earlier version outlive the upgrade: rows written with the literal kind
//! names and JSON payloads the version before the typed jobs wrote are still composed and sent,
//! and a kind this version does not know is given up once, never sent.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use storage::{Backend, outbox};

use crate::helpers::spawn_app_with;
use crate::on_every_backend;

const EMAIL: &str = "ada@example.com";

on_every_backend!(
    jobs_queued_in_the_stored_format_of_the_previous_version_are_still_sent,
    a_job_of_a_kind_this_version_does_not_know_is_given_up_without_a_mail,
);

async fn jobs_queued_in_the_stored_format_of_the_previous_version_are_still_sent(backend: Backend) {
    // Arrange: one row of every kind, kind and payload written as literals.
    let Some(app) = spawn_app_with(backend, |f| {
        f.merge(("limits.per_account_mails_per_hour", 10))
    })
    .await
    else {
        return;
    };
    let user = app.create_user(EMAIL, "old password for ada");
    let due = chrono::Utc::now().naive_utc() - chrono::TimeDelta::minutes(1);
    let (id, at) = (user.id, due.and_utc().timestamp());
    let rows = [
        (
            "password_reset_requested",
            format!(r#"{{"email":"{EMAIL}","ip":"203.0.113.7","requested_at":{at}}}"#),
        ),
        (
            "password_changed",
            format!(
                r#"{{"user_id":{id},"ip":"203.0.113.7","user_agent":"Firefox","changed_at":{at}}}"#
            ),
        ),
        (
            "not_me_confirmed",
            format!(r#"{{"user_id":{id},"ip":null,"confirmed_at":{at}}}"#),
        ),
        (
            "magic_link_requested",
            format!(r#"{{"email":"{EMAIL}","ip":null,"requested_at":{at}}}"#),
        ),
        (
            "magic_link_signed_in",
            format!(r#"{{"user_id":{id},"ip":null,"user_agent":null,"signed_in_at":{at}}}"#),
        ),
    ];
    let mut conn = app.db.conn().expect("connection");
    storage::write_transaction(&mut conn, |conn| {
        for (kind, payload) in &rows {
            outbox::enqueue(conn, kind, payload, due)?;
        }
        Ok(())
    })
    .expect("enqueued");
    drop(conn);

    // Act: the worker polls the outbox on its own.
    let mails = app.wait_for_mail(rows.len()).await;

    // Assert: five different mails, all to the account.
    let subjects: BTreeSet<String> = mails
        .iter()
        .map(|mail| {
            assert_eq!(mail.rcpt_to, vec![EMAIL.to_owned()]);
            let parsed = mailparse::parse_mail(&mail.data).expect("mail parses");
            parsed
                .headers
                .iter()
                .find(|header| header.get_key_ref().eq_ignore_ascii_case("subject"))
                .map(|header| header.get_value())
                .expect("subject")
        })
        .collect();
    assert_eq!(subjects.len(), rows.len(), "{subjects:?}");
    wait_until_no_job_is_pending(&app.db).await;
}

async fn a_job_of_a_kind_this_version_does_not_know_is_given_up_without_a_mail(backend: Backend) {
    // Arrange: a row a newer version might write.
    let Some(app) = spawn_app_with(backend, |f| f).await else {
        return;
    };
    let due = chrono::Utc::now().naive_utc() - chrono::TimeDelta::minutes(1);
    let id = outbox::enqueue(
        &mut app.db.conn().expect("connection"),
        "webhook_delivery",
        r#"{"url":"https://example.com/hook"}"#,
        due,
    )
    .expect("enqueued");

    // Act: the worker polls the outbox on its own.
    wait_until_no_job_is_pending(&app.db).await;

    // Assert: given up at its first attempt, with the reason recorded, and nothing sent.
    let job = outbox::find(&mut app.db.conn().expect("connection"), id)
        .expect("read")
        .expect("the row");
    assert!(job.failed_at.is_some() && job.sent_at.is_none());
    assert_eq!(job.attempts, 1);
    let reason = job.last_error.unwrap_or_default();
    assert!(reason.contains("job kind webhook_delivery"), "{reason}");
    assert!(app.sink.messages().is_empty());
}

/// Polls until every job is sent or given up, or panics after 10 s.
async fn wait_until_no_job_is_pending(db: &storage::Database) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = chrono::Utc::now().naive_utc();
        let stats = outbox::stats(&mut db.conn().expect("connection"), now).expect("stats");
        if stats.pending == 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{} jobs still pending",
            stats.pending
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
