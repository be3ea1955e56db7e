//! The outbox worker composes a claimed batch inside one write transaction; with an account
//! source (a remote directory) it must ask the source about the batch's addresses before that
//! transaction, never inside it: on SQLite the transaction holds the one write lock that
//! accepting requests needs, so a lookup inside it would hold up every request for a network
//! round trip per job, or for a timeout while the directory is down. The code under test is
//! the same on every backend; the probe (`BEGIN IMMEDIATE` from a connection of its own)
//! reads SQLite's lock, so the case runs on SQLite.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use storage::{Backend, outbox};

use crate::account_source::{MemorySource, spawn_app_with_source};

#[tokio::test]
async fn a_batchs_addresses_are_asked_of_the_source_before_its_transaction() {
    // Arrange: Ada and Bob in the source; a reset for Ada, a sign-in link for Bob and a reset
    // for an address the source does not know become due together, so the worker claims
    // them as one batch.
    let source = Arc::new(MemorySource::default());
    source.add("ada-1", "ada@example.org", "ada's directory password");
    source.add("bob-2", "bob@example.org", "bob's directory password");
    let app = spawn_app_with_source(Backend::Sqlite, Arc::clone(&source))
        .await
        .expect("SQLite is always there");
    source.probe_write_lock(app.db.url());
    let due = chrono::Utc::now().naive_utc() - chrono::TimeDelta::minutes(1);
    let job = |email: &str| {
        serde_json::json!({"email": email, "ip": null, "requested_at": due.and_utc().timestamp()})
            .to_string()
    };
    let mut conn = app.db.conn().expect("connection");
    storage::write_transaction(&mut conn, |conn| {
        outbox::enqueue(
            conn,
            "password_reset_requested",
            &job("ada@example.org"),
            due,
        )?;
        outbox::enqueue(conn, "magic_link_requested", &job("bob@example.org"), due)?;
        outbox::enqueue(
            conn,
            "password_reset_requested",
            &job("eve@example.org"),
            due,
        )?;
        Ok(())
    })
    .expect("enqueued together");
    drop(conn);

    // Act
    let mails = app.wait_for_mail(2).await;
    app.drain_outbox().await;

    // Assert: both mails went out, the three addresses were asked, none inside a write.
    let mut to: Vec<String> = mails.iter().flat_map(|m| m.rcpt_to.clone()).collect();
    to.sort();
    assert_eq!(to, ["ada@example.org", "bob@example.org"]);
    assert_eq!(app.pending_jobs(), 0, "every job was processed");
    assert_eq!(source.probed_lookups.load(Ordering::SeqCst), 3);
    assert_eq!(
        source.lookups_inside_a_write.load(Ordering::SeqCst),
        0,
        "the source was asked while the batch's transaction held the write lock"
    );
}
