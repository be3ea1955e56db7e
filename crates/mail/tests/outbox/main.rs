//! The outbox worker against a real database (every available backend) and a real SMTP server.

mod helpers;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use helpers::{BatchRecorder, CapturedLogs, eventually, fast_settings, fixtures, sender};
use mail::sink::SinkMode;
use mail::{Transport, WorkerSettings};

const WAIT: Duration = Duration::from_secs(15);

fn is_job_message_id(value: &str) -> bool {
    value
        .strip_prefix("<outbox-")
        .and_then(|rest| rest.strip_suffix("@acme.test>"))
        .is_some_and(|key| key.len() == 32 && key.chars().all(|c| c.is_ascii_hexdigit()))
}

#[tokio::test]
async fn enqueued_job_is_delivered_once_as_text_and_html_with_a_job_message_id() {
    for fx in fixtures().await {
        // Arrange
        let worker = fx.start(fx.smtp(), fast_settings());
        fx.enqueue_magic_link("bob@example.test", "lm1_delivered");

        // Act
        worker.nudge().nudge();
        let received = fx.sink.wait_for(1, WAIT).await.expect("delivered");
        // Once the row is marked sent, nothing can send it again.
        eventually("the delivery is recorded", WAIT, || {
            fx.outbox_stats().pending == 0
        })
        .await;

        // Assert
        let backend = fx.backend;
        assert_eq!(
            fx.sink.messages().len(),
            1,
            "{backend}: delivered exactly once"
        );
        let message = &received[0];
        assert_eq!(message.rcpt_to, ["bob@example.test"], "{backend}");
        assert_eq!(message.mail_from, "no-reply@acme.test", "{backend}");
        let message_id = message.header("Message-ID").expect("Message-ID");
        assert!(is_job_message_id(&message_id), "{backend}: {message_id}");
        assert_eq!(
            message.header("Subject").as_deref(),
            Some("mail-magic-subject Acme")
        );
        let raw = message.text();
        assert!(raw.contains("multipart/alternative"), "{backend}");
        assert!(raw.contains("Content-Type: text/plain"), "{backend}");
        assert!(raw.contains("Content-Type: text/html"), "{backend}");
        assert!(
            raw.contains("lm1_delivered"),
            "{backend}: the link is in the mail"
        );
        assert_eq!(worker.stats().sent, 1, "{backend}");
        assert_eq!(fx.outbox_stats().pending, 0, "{backend}: the job is closed");
        worker.shutdown().await.expect("clean shutdown");
    }
}

#[tokio::test]
async fn nudge_sends_a_fresh_job_without_waiting_for_the_poll_interval() {
    for fx in fixtures().await {
        // Arrange
        let settings = WorkerSettings {
            poll_interval_ms: 600_000,
            ..fast_settings()
        };
        let worker = fx.start(fx.smtp(), settings);
        tokio::time::sleep(Duration::from_millis(200)).await;
        fx.enqueue_magic_link("bob@example.test", "lm1_nudged");

        // Act
        worker.nudge().nudge();

        // Assert
        let received = fx.sink.wait_for(1, Duration::from_secs(5)).await;
        assert!(received.is_ok(), "{}: nudge woke the worker", fx.backend);
        worker.shutdown().await.expect("clean shutdown");
    }
}

#[tokio::test]
async fn smtp_outage_delays_the_mail_and_it_is_delivered_once_when_the_relay_returns() {
    for fx in fixtures().await {
        // Arrange
        let backend = fx.backend;
        fx.sink.stop().await;
        let worker = fx.start(fx.smtp(), fast_settings());
        fx.enqueue_magic_link("bob@example.test", "lm1_outage");

        // Act: the first attempt fails while the relay is down
        worker.nudge().nudge();
        // The attempt is counted before its retry is written: wait for the row itself.
        eventually("the failed attempt is recorded", WAIT, || {
            let stats = fx.outbox_stats();
            worker.stats().retried >= 1 && stats.pending == 1 && stats.due == 0
        })
        .await;
        let during_outage = fx.outbox_stats();
        fx.sink.restart().await.expect("relay is back");
        fx.clock.advance(chrono::Duration::hours(2));
        worker.nudge().nudge();
        fx.sink
            .wait_for(1, WAIT)
            .await
            .expect("delivered after the outage");
        // Once the row is marked sent, nothing can send it again.
        eventually("the delivery is recorded", WAIT, || {
            fx.outbox_stats().pending == 0
        })
        .await;

        // Assert
        assert_eq!(
            during_outage.pending, 1,
            "{backend}: kept while the relay was down"
        );
        assert_eq!(during_outage.due, 0, "{backend}: retry scheduled for later");
        assert_eq!(fx.sink.messages().len(), 1, "{backend}: never twice");
        assert_eq!(worker.stats().sent, 1, "{backend}");
        assert_eq!(fx.outbox_stats().pending, 0, "{backend}");
        worker.shutdown().await.expect("clean shutdown");
    }
}

#[tokio::test]
async fn retried_send_after_a_lost_reply_carries_the_same_message_id() {
    for fx in fixtures().await {
        // Arrange: the relay keeps the message but answers after the worker gave up waiting
        let settings = WorkerSettings {
            send_timeout_secs: 1,
            lease_secs: 4,
            ..fast_settings()
        };
        fx.sink.set_reply_delay(Duration::from_millis(1_500));
        let worker = fx.start(fx.smtp(), settings);
        fx.enqueue_magic_link("bob@example.test", "lm1_lostreply");

        // Act
        worker.nudge().nudge();
        eventually("the timed-out attempt is recorded", WAIT, || {
            worker.stats().retried >= 1
        })
        .await;
        fx.sink.set_reply_delay(Duration::ZERO);
        fx.clock.advance(chrono::Duration::hours(2));
        worker.nudge().nudge();
        let received = fx.sink.wait_for(2, WAIT).await.expect("both copies arrive");

        // Assert
        let first = received[0].header("Message-ID");
        let second = received[1].header("Message-ID");
        assert!(first.is_some(), "{}", fx.backend);
        assert_eq!(
            first, second,
            "{}: recognisable as the same message",
            fx.backend
        );
        worker.shutdown().await.expect("clean shutdown");
    }
}

#[tokio::test]
async fn permanent_rejection_is_given_up_at_once_with_the_reason_logged() {
    let (logs, _guard) = CapturedLogs::start();
    for fx in fixtures().await {
        // Arrange
        let backend = fx.backend;
        fx.sink.set_mode(SinkMode::PermFail);
        let worker = fx.start(fx.smtp(), fast_settings());
        fx.enqueue_magic_link("bob@example.test", "lm1_refused");

        // Act
        worker.nudge().nudge();
        eventually("the job is given up", WAIT, || worker.stats().failed == 1).await;

        // Assert
        let stats = fx.outbox_stats();
        assert_eq!(
            stats.failed, 1,
            "{backend}: recorded as failed in the outbox"
        );
        assert_eq!(stats.pending, 0, "{backend}");
        assert_eq!(worker.stats().retried, 0, "{backend}: a 5xx is not retried");
        assert!(fx.sink.messages().is_empty(), "{backend}");
        assert!(
            logs.text().contains("550"),
            "{backend}: the relay's reply is logged"
        );
        worker.shutdown().await.expect("clean shutdown");
    }
}

#[tokio::test]
async fn temporary_rejections_are_given_up_after_the_configured_attempts() {
    for fx in fixtures().await {
        // Arrange
        let backend = fx.backend;
        fx.sink.set_mode(SinkMode::TempFail);
        let worker = fx.start(fx.smtp(), fast_settings());
        fx.enqueue_magic_link("bob@example.test", "lm1_tempfail");

        // Act: step the clock past every backoff until the worker gives up
        let deadline = tokio::time::Instant::now() + WAIT;
        while worker.stats().failed == 0 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{backend}: never given up"
            );
            fx.clock.advance(chrono::Duration::hours(2));
            worker.nudge().nudge();
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        // Assert
        assert_eq!(
            worker.stats().retried,
            2,
            "{backend}: attempts 1 and 2 retried"
        );
        assert_eq!(worker.stats().failed, 1, "{backend}: attempt 3 is the last");
        assert_eq!(fx.outbox_stats().failed, 1, "{backend}");
        assert!(fx.sink.messages().is_empty(), "{backend}");
        worker.shutdown().await.expect("clean shutdown");
    }
}

/// The sink got `jobs` mails, one per recipient, each with its own Message-ID.
fn assert_every_job_sent_once(fx: &helpers::Fixture, jobs: usize) {
    let backend = fx.backend;
    let received = fx.sink.messages();
    let recipients: HashSet<String> = received.iter().map(|m| m.rcpt_to.join(",")).collect();
    let ids: HashSet<String> = received
        .iter()
        .filter_map(|m| m.header("Message-ID"))
        .collect();
    assert_eq!(received.len(), jobs, "{backend}: no job sent twice");
    assert_eq!(recipients.len(), jobs, "{backend}: every job sent");
    assert_eq!(ids.len(), jobs, "{backend}: one Message-ID per job");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_on_one_database_deliver_every_job_exactly_once() {
    for fx in fixtures().await {
        // Arrange
        let backend = fx.backend;
        let jobs = 200;
        for n in 0..jobs {
            fx.enqueue_magic_link(&format!("user{n}@example.test"), &format!("lm1_bulk{n}"));
        }

        // Act
        let first = fx.start(fx.smtp(), fast_settings());
        let second = fx.start(fx.smtp(), fast_settings());
        first.nudge().nudge();
        second.nudge().nudge();
        fx.sink
            .wait_for(jobs, Duration::from_secs(90))
            .await
            .expect("all delivered");
        eventually("every delivery is recorded", WAIT, || {
            fx.outbox_stats().pending == 0
        })
        .await;
        let (first_stats, second_stats) = (first.stats(), second.stats());
        first.shutdown().await.expect("clean shutdown");
        second.shutdown().await.expect("clean shutdown");

        // Assert
        assert_every_job_sent_once(&fx, jobs);
        assert_eq!(
            first_stats.sent + second_stats.sent,
            jobs as u64,
            "{backend}"
        );
        assert_eq!(fx.outbox_stats().pending, 0, "{backend}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_with_several_lanes_sends_a_backlog_exactly_once_with_batches_overlapping() {
    for fx in fixtures().await {
        // Arrange: 60 jobs, batches of 5 sent one at a time, to a relay that takes its time.
        let backend = fx.backend;
        let jobs = 60;
        for n in 0..jobs {
            fx.enqueue_magic_link(&format!("user{n}@example.test"), &format!("lm1_lane{n}"));
        }
        fx.sink.set_reply_delay(Duration::from_millis(5));
        let meter = Arc::new(helpers::OverlapMeter::new());
        let settings = WorkerSettings {
            batch_size: 5,
            concurrency: 1,
            lanes: 4,
            // Room for the meter's wait before the first sends (see `OverlapMeter`).
            lease_secs: 30,
            ..fast_settings()
        };

        // Act
        let worker = fx.start_with(meter.clone(), fx.smtp(), settings);
        worker.nudge().nudge();
        fx.sink
            .wait_for(jobs, Duration::from_secs(60))
            .await
            .expect("all delivered");
        eventually("every delivery is recorded", WAIT, || {
            fx.outbox_stats().pending == 0
        })
        .await;
        let stats = worker.stats();
        worker.shutdown().await.expect("clean shutdown");

        // Assert: every job once, one Message-ID each, and batches were in progress at once.
        assert_every_job_sent_once(&fx, jobs);
        assert_eq!(stats.sent, jobs as u64, "{backend}");
        assert_eq!(fx.outbox_stats().pending, 0, "{backend}");
        assert!(meter.most_at_once() >= 2, "{backend}: lanes overlapped");
    }
}

#[tokio::test]
async fn shutdown_waits_for_the_send_in_flight_and_releases_the_other_leases() {
    for fx in fixtures().await {
        // Arrange: a slow relay and one send at a time, so most of the batch is still waiting
        let backend = fx.backend;
        fx.sink.set_reply_delay(Duration::from_millis(400));
        let settings = WorkerSettings {
            concurrency: 1,
            lease_secs: 60,
            ..fast_settings()
        };
        for n in 0..5 {
            fx.enqueue_magic_link(&format!("user{n}@example.test"), &format!("lm1_shut{n}"));
        }
        let worker = fx.start(fx.smtp(), settings.clone());
        worker.nudge().nudge();
        fx.sink
            .wait_for(1, WAIT)
            .await
            .expect("first send under way");

        // Act
        let released = worker.shutdown().await.expect("clean shutdown");
        let delivered_before = fx.sink.messages().len();
        fx.sink.set_reply_delay(Duration::ZERO);
        let successor = fx.start(fx.smtp(), settings);
        successor.nudge().nudge();
        let all = fx.sink.wait_for(5, Duration::from_secs(5)).await;

        // Assert
        assert!(
            released >= 1,
            "{backend}: unstarted jobs released, got {released}"
        );
        assert_eq!(
            delivered_before + released,
            5,
            "{backend}: in-flight sends finished first"
        );
        assert!(
            all.is_ok(),
            "{backend}: released jobs are taken at once, not after the lease"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(fx.sink.messages().len(), 5, "{backend}: none sent twice");
        successor.shutdown().await.expect("clean shutdown");
    }
}

#[tokio::test]
async fn a_claimed_batch_is_composed_at_once_and_every_outcome_is_recorded() {
    for fx in fixtures().await {
        // Arrange: a mail, a skip and a job whose template does not exist, all due together
        let sent = fx.enqueue_magic_link("ann@example.test", "lm1_batch");
        let skipped = fx.enqueue("magic_link", &serde_json::json!({"skip": "over quota"}));
        let broken = fx.enqueue(
            "no_such_template",
            &serde_json::json!({"to": "bob@example.test", "context": {}}),
        );
        let composer = Arc::new(BatchRecorder::new());
        let worker = fx.start_with(composer.clone(), fx.smtp(), fast_settings());

        // Act
        worker.nudge().nudge();
        eventually("every job is done", WAIT, || {
            let stats = worker.stats();
            stats.sent + stats.skipped + stats.failed == 3
        })
        .await;
        worker.shutdown().await.expect("clean shutdown");

        // Assert
        assert_eq!(
            *composer.batches.lock().expect("batches"),
            [3],
            "{}",
            fx.backend
        );
        let mut conn = fx.db.conn().expect("connection");
        let find = |conn: &mut _, id| storage::outbox::find(conn, id).expect("find").expect("job");
        assert!(find(&mut conn, sent).sent_at.is_some(), "{}", fx.backend);
        assert!(find(&mut conn, skipped).sent_at.is_some(), "{}", fx.backend);
        let given_up = find(&mut conn, broken);
        assert!(
            given_up.failed_at.is_some() && given_up.sent_at.is_none(),
            "{}",
            fx.backend
        );
        assert_eq!(fx.outbox_stats().pending, 0, "{}", fx.backend);
        assert_eq!(fx.sink.messages().len(), 1, "{}", fx.backend);
    }
}

#[tokio::test]
async fn skipped_job_is_closed_without_mail() {
    for fx in fixtures().await {
        // Arrange
        let worker = fx.start(fx.smtp(), fast_settings());
        fx.enqueue(
            "password_reset",
            &serde_json::json!({"skip": "no account, notice off"}),
        );

        // Act
        worker.nudge().nudge();
        eventually("the job is skipped", WAIT, || worker.stats().skipped == 1).await;

        // Assert: the skip is counted before it is written.
        eventually("the skip is recorded", WAIT, || {
            fx.outbox_stats().pending == 0
        })
        .await;
        assert!(fx.sink.messages().is_empty(), "{}", fx.backend);
        worker.shutdown().await.expect("clean shutdown");
    }
}

#[tokio::test]
async fn log_transport_logs_the_masked_recipient_and_subject_but_never_the_body() {
    let (logs, _guard) = CapturedLogs::start();
    for fx in fixtures().await {
        // Arrange
        let worker = fx.start(Transport::Log, fast_settings());
        fx.enqueue_magic_link("bob@example.test", "lm1_secrettoken");

        // Act
        worker.nudge().nudge();
        eventually("the job is logged", WAIT, || worker.stats().sent == 1).await;
        worker.shutdown().await.expect("clean shutdown");

        // Assert
        let text = logs.text();
        assert!(text.contains("b***@example.test"), "{text}");
        assert!(text.contains("mail-magic-subject Acme"), "{text}");
        assert!(
            !text.contains("lm1_secrettoken"),
            "the token leaked into the log: {text}"
        );
        assert!(
            !text.contains("bob@example.test"),
            "the address leaked into the log: {text}"
        );
        assert!(fx.sink.messages().is_empty());
    }
}

#[tokio::test]
async fn mailbox_transport_keeps_the_whole_message_in_the_database() {
    for fx in fixtures().await {
        // Arrange
        let backend = fx.backend;
        let worker = fx.start(Transport::Mailbox(fx.database()), fast_settings());
        fx.enqueue_magic_link("bob@example.test", "lm1_mailbox");

        // Act
        worker.nudge().nudge();
        eventually("the job is kept", WAIT, || worker.stats().sent == 1).await;
        worker.shutdown().await.expect("clean shutdown");

        // Assert
        let mut conn = fx.db.conn().expect("connection");
        let kept = storage::mailbox::list_recent(&mut conn, 10).expect("list");
        assert_eq!(kept.len(), 1, "{backend}");
        assert_eq!(kept[0].recipient, "bob@example.test", "{backend}");
        assert_eq!(kept[0].subject, "mail-magic-subject Acme", "{backend}");
        assert!(kept[0].body_text.contains("lm1_mailbox"), "{backend}");
        assert!(
            kept[0]
                .body_html
                .as_deref()
                .is_some_and(|h| h.contains("lm1_mailbox"))
        );
        assert!(is_job_message_id(&kept[0].message_id), "{backend}");
        assert!(fx.sink.messages().is_empty(), "{backend}");
    }
}

#[tokio::test]
async fn message_id_domain_follows_the_sender_address() {
    // Arrange
    let sender = sender();

    // Act
    let id = sender.message_id("0123456789abcdef0123456789abcdef");

    // Assert
    assert!(is_job_message_id(&id), "{id}");
}
