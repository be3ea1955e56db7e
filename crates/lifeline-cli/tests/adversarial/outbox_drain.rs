//! Two instances draining one outbox send every mail exactly once: workers
//! claim jobs with a lease in the database, so a job belongs to one of them
//! at a time, and a sent job is never sent again.

use std::collections::BTreeSet;
use std::time::Duration;

use storage::{Backend, outbox};

use crate::cluster::{Cluster, ONE_AT_A_TIME, message_id};
use crate::on_every_backend;

const JOBS: usize = 200;

on_every_backend!(two_instances_draining_one_outbox_send_every_mail_exactly_once);

/// How many mails an instance's log says it sent.
fn sent_by(output: &str) -> usize {
    output.matches("\"email sent\"").count()
}

async fn two_instances_draining_one_outbox_send_every_mail_exactly_once(backend: Backend) {
    // Arrange: two running instances, a slowish SMTP server, 200 accounts.
    let _turn = ONE_AT_A_TIME.lock().await;
    let Some(mut cluster) = Cluster::new(backend).await else {
        return;
    };
    cluster.sink.set_reply_delay(Duration::from_millis(30));
    let emails: Vec<String> = (0..JOBS)
        .map(|n| format!("user{n:03}@example.com"))
        .collect();
    let mut conn = cluster.db.conn().unwrap();
    for email in &emails {
        storage::testing::create_user(&mut conn, email);
    }
    cluster.start_instance().await;
    cluster.start_instance().await;

    // Act: a backlog of 200 reset requests appears at once.
    let now = chrono::Utc::now().naive_utc();
    storage::write_transaction(&mut conn, |conn| {
        for email in &emails {
            // A reset request's job as the service stores it.
            let payload = serde_json::json!({
                "email": email,
                "ip": null,
                "requested_at": now.and_utc().timestamp(),
            });
            outbox::enqueue(conn, "password_reset_requested", &payload.to_string(), now)?;
        }
        Ok(())
    })
    .unwrap();
    drop(conn);

    // Assert: 200 mails, one per account, each with its own Message-ID, and
    // both instances did part of the work.
    let mails = match cluster.sink.wait_for(JOBS, Duration::from_secs(60)).await {
        Ok(mails) => mails,
        Err(error) => panic!(
            "{error}: {} of {JOBS} mails arrived\n{}",
            cluster.sink.messages().len(),
            cluster.troubles()
        ),
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mails_now = cluster.sink.messages();
    assert_eq!(mails_now.len(), JOBS, "no mail sent twice");
    let recipients: BTreeSet<String> = mails.iter().map(|m| m.rcpt_to.join(",")).collect();
    assert_eq!(recipients, emails.iter().cloned().collect());
    let ids: BTreeSet<String> = mails.iter().map(message_id).collect();
    assert_eq!(ids.len(), JOBS, "each job its own Message-ID");
    let pending = outbox::stats(
        &mut cluster.db.conn().unwrap(),
        chrono::Utc::now().naive_utc(),
    )
    .unwrap()
    .pending;
    assert_eq!(pending, 0);
    let shares: Vec<usize> = cluster
        .instances
        .iter()
        .map(|instance| sent_by(&instance.output()))
        .collect();
    eprintln!("mails sent per instance: {shares:?}");
    assert_eq!(shares.iter().sum::<usize>(), JOBS, "{shares:?}");
    assert!(
        shares.iter().all(|&n| n > 0),
        "both instances sent: {shares:?}"
    );
}
