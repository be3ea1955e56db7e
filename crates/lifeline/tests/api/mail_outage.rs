//! An SMTP outage delays mail; it never loses it, sends it twice, or costs
//! the person their mail quota.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use storage::Backend;
use storage::outbox::{self, OutboxStats};

use serde_json::json;

use crate::helpers::{TestApp, link_in, spawn_app, spawn_app_with};
use crate::on_every_backend;

const EMAIL: &str = "ada@example.com";

on_every_backend!(
    a_link_asked_for_while_smtp_is_down_arrives_exactly_once_after_it_is_back,
    a_mail_retried_after_an_outage_counts_once_against_the_account_quota,
    links_asked_for_under_load_during_a_long_outage_each_arrive_exactly_once,
);

impl TestApp {
    /// The outbox as of the app's clock.
    fn outbox_stats(&self) -> OutboxStats {
        let mut conn = self.db.conn().expect("conn");
        outbox::stats(&mut conn, self.now()).expect("stats")
    }

    /// Waits until every pending job has failed an attempt and waits for its retry.
    async fn wait_for_scheduled_retry(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let stats = self.outbox_stats();
            if stats.pending > 0 && stats.due == 0 {
                return;
            }
            assert!(Instant::now() < deadline, "no retry scheduled: {stats:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Steps the app's clock past the longest first retry delay.
    fn skip_first_backoff(&self) {
        self.skip_backoff_after(1);
    }

    /// Steps the app's clock past the longest retry delay after `attempts` failures. The
    /// worker claims the job at its next poll (`mail.worker.poll_interval_ms`, 100 ms here).
    fn skip_backoff_after(&self, attempts: u32) {
        let longest = outbox::with_jitter(outbox::backoff(attempts), 1.0);
        self.clock.advance(longest + Duration::from_secs(1));
    }

    /// An SMTP outage around one reset request; returns once the mail was
    /// retried against the restarted sink (whether or not it was sent).
    async fn request_reset_during_outage(&self) {
        self.sink.stop().await;
        let response = self.request_reset(&self.new_client(), EMAIL).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "the outage is not visible"
        );
        self.wait_for_scheduled_retry().await;
        assert!(self.sink.messages().is_empty());
        self.sink.restart().await.expect("sink restarts");
        self.skip_first_backoff();
    }
}

async fn a_link_asked_for_while_smtp_is_down_arrives_exactly_once_after_it_is_back(
    backend: Backend,
) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(EMAIL, "old password for ada");

    // Act
    app.request_reset_during_outage().await;

    // Assert
    let mail = app.wait_for_mail(1).await.remove(0);
    app.drain_outbox().await;
    assert_eq!(app.sink.messages().len(), 1, "delivered exactly once");
    assert_eq!(app.outbox_stats().pending, 0);
    let link = link_in(&app, &mail, "/password/reset?token=");
    app.reset_with(&link, "a completely new passphrase").await;
}

async fn a_mail_retried_after_an_outage_counts_once_against_the_account_quota(backend: Backend) {
    // Arrange: one mail per account per hour.
    let Some(app) = spawn_app_with(backend, |f| {
        f.merge(("limits.per_account_mails_per_hour", 1))
    })
    .await
    else {
        return;
    };
    app.create_user(EMAIL, "old password for ada");

    // Act
    app.request_reset_during_outage().await;

    // Assert: the one mail the quota allows is the one that was delayed.
    let mail = app.wait_for_mail(1).await.remove(0);
    app.drain_outbox().await;
    assert_eq!(app.sink.messages().len(), 1);
    let link = link_in(&app, &mail, "/password/reset?token=");
    app.reset_with(&link, "a completely new passphrase").await;
}

async fn links_asked_for_under_load_during_a_long_outage_each_arrive_exactly_once(
    backend: Backend,
) {
    // Arrange: fifty accounts, and no SMTP server.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let emails: Vec<String> = (0..50).map(|n| format!("user{n}@example.com")).collect();
    for email in &emails {
        app.create_user(email, "a long enough password");
    }
    app.sink.stop().await;

    // Act: fifty requests at once, then two failed rounds of delivery.
    let mut requests = tokio::task::JoinSet::new();
    for email in &emails {
        let (client, url) = (app.client.clone(), app.url("/api/v1/password/forgot"));
        let body = json!({ "email": email });
        requests.spawn(async move { client.post(url).json(&body).send().await.unwrap().status() });
    }
    let statuses = requests.join_all().await;
    assert_eq!(statuses, vec![StatusCode::ACCEPTED; emails.len()]);
    app.wait_for_scheduled_retry().await;
    assert_eq!(app.outbox_stats().pending, emails.len() as i64);
    app.skip_first_backoff();
    app.wait_for_scheduled_retry().await;
    assert!(app.sink.messages().is_empty());
    app.sink.restart().await.expect("sink restarts");
    app.skip_backoff_after(2);

    // Assert: one mail per request, each with its own Message-ID.
    let mails = app.wait_for_mail(emails.len()).await;
    app.drain_outbox().await;
    assert_eq!(
        app.sink.messages().len(),
        emails.len(),
        "delivered exactly once"
    );
    let mut recipients: Vec<String> = mails.iter().map(|m| m.rcpt_to.join(",")).collect();
    recipients.sort();
    let mut expected = emails.clone();
    expected.sort();
    assert_eq!(recipients, expected);
    let mut ids: Vec<String> = mails
        .iter()
        .map(|m| m.header("message-id").expect("a Message-ID"))
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), emails.len());
    assert_eq!(app.outbox_stats().pending, 0);
}
