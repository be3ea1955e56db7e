//! The worker composes a claimed batch in one database transaction; every job in it must still
//! count against the account's mail quota and revoke the links issued before it.

use reqwest::StatusCode;
use storage::{Backend, outbox};

use crate::helpers::{link_in, spawn_app_with};
use crate::on_every_backend;

const EMAIL: &str = "ada@example.com";

on_every_backend!(
    jobs_composed_in_one_batch_each_count_against_the_quota_and_only_the_newest_link_works,
);

async fn jobs_composed_in_one_batch_each_count_against_the_quota_and_only_the_newest_link_works(
    backend: Backend,
) {
    // Arrange: two mails per account per hour; three requests become due together, so the
    // worker claims and composes them as one batch.
    let Some(app) = spawn_app_with(backend, |f| {
        f.merge(("limits.per_account_mails_per_hour", 2))
    })
    .await
    else {
        return;
    };
    app.create_user(EMAIL, "old password for ada");
    let due = chrono::Utc::now().naive_utc() - chrono::TimeDelta::minutes(1);
    let payload =
        serde_json::json!({"email": EMAIL, "ip": null, "requested_at": due.and_utc().timestamp()});
    let mut conn = app.db.conn().expect("connection");
    storage::write_transaction(&mut conn, |conn| {
        for _ in 0..3 {
            outbox::enqueue(conn, "password_reset_requested", &payload.to_string(), due)?;
        }
        Ok(())
    })
    .expect("enqueued together");

    // Act
    let mails = app.wait_for_mail(2).await;
    app.drain_outbox().await;

    // Assert
    assert_eq!(app.pending_jobs(), 0, "every job was processed");
    assert_eq!(app.sink.messages().len(), 2, "the third is over the quota");
    let mut working = 0;
    for mail in &mails {
        let link = link_in(&app, mail, "/password/reset?token=");
        let opened = app
            .new_client()
            .get(&link)
            .send()
            .await
            .expect("link opens");
        working += usize::from(opened.status() == StatusCode::SEE_OTHER);
    }
    assert_eq!(working, 1, "only the newest link works");
}
