//! The token-key rotation procedure of `docs/deployment.md`, step by step, with the real
//! binary: links keep working while the key changes, and the old key's links stop only when
//! it is removed.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use mail::sink::SmtpSink;
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use serde_json::json;
use storage::Backend;
use storage::testing::TestDb;

use crate::helpers::{PUBLIC_URL, mail_parts, token_of};
use crate::on_every_backend;
use crate::served_binary::{ServedBinary, create_account};

on_every_backend!(a_token_key_rotation_in_steps_never_breaks_a_live_link);

/// Starts an instance whose `keys.token` is `ring`.
async fn instance(db: &TestDb, sink: &SmtpSink, ring: &str) -> ServedBinary {
    ServedBinary::start_with_env(db, sink, "info", &[("LIFELINE_KEYS__TOKEN", ring)]).await
}

/// Asks `served` for a reset link for `email` and returns the token of the `nth` mail.
async fn mailed_token(served: &ServedBinary, sink: &SmtpSink, email: &str, nth: usize) -> String {
    let asked = Client::new()
        .post(served.url("/api/v1/password/forgot"))
        .json(&json!({ "email": email }))
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let mail = sink
        .wait_for(nth, Duration::from_secs(10))
        .await
        .unwrap()
        .remove(nth - 1);
    let (text, _) = mail_parts(&mail);
    let prefix = format!("{PUBLIC_URL}/password/reset?token=");
    token_of(
        text.split_whitespace()
            .find(|w| w.starts_with(&prefix))
            .unwrap(),
    )
}

/// The id of the key that signed `token` (the second byte of its body).
fn key_id(token: &str) -> u8 {
    URL_SAFE_NO_PAD.decode(&token[4..]).unwrap()[1]
}

/// Whether `served` accepts the reset link (checked without using it up).
async fn accepts(served: &ServedBinary, token: &str) -> bool {
    let client = Client::builder().redirect(Policy::none()).build().unwrap();
    let status = client
        .get(served.url(&format!("/password/reset?token={token}")))
        .send()
        .await
        .unwrap()
        .status();
    match status {
        StatusCode::SEE_OTHER => true,
        StatusCode::BAD_REQUEST => false,
        other => panic!("unexpected {other}"),
    }
}

async fn a_token_key_rotation_in_steps_never_breaks_a_live_link(backend: Backend) {
    // Arrange: a deployment on key 1 that has mailed a link to Ada.
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let sink = SmtpSink::start().await.unwrap();
    for email in ["ada@example.com", "bob@example.com", "cy@example.com"] {
        create_account(&db, email, "an old password here");
    }
    let (old, _) = lifeline::generate_keys(1).unwrap();
    let (new, _) = lifeline::generate_keys(2).unwrap();
    let (old, new) = (old.as_str(), new.as_str());
    let (step2_ring, step3_ring) = (format!("{old},{new}"), format!("{new},{old}"));
    let before = instance(&db, &sink, old).await;
    let ada = mailed_token(&before, &sink, "ada@example.com", 1).await;
    drop(before);

    // Act / Assert. Step 2, "1:OLD,2:NEW": key 1 still signs.
    let step2 = instance(&db, &sink, &step2_ring).await;
    assert!(accepts(&step2, &ada).await);
    let bob = mailed_token(&step2, &sink, "bob@example.com", 2).await;
    assert_eq!(key_id(&bob), 1);
    drop(step2);
    // Step 3, "2:NEW,1:OLD": key 2 signs, key 1's live links still work.
    let step3 = instance(&db, &sink, &step3_ring).await;
    assert!(accepts(&step3, &ada).await && accepts(&step3, &bob).await);
    let cy = mailed_token(&step3, &sink, "cy@example.com", 3).await;
    assert_eq!(key_id(&cy), 2);
    // An instance still on step 2 accepts what step 3 mails: why step 2 comes first.
    let lagging = instance(&db, &sink, &step2_ring).await;
    assert!(accepts(&lagging, &cy).await);
    drop((step3, lagging));
    // Step 5, "2:NEW": key 1's links are refused, for the key, not for being used.
    let after = instance(&db, &sink, new).await;
    assert!(accepts(&after, &cy).await);
    assert!(!accepts(&after, &ada).await && !accepts(&after, &bob).await);
    let metrics = Client::new()
        .get(after.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let series =
        r#"lifeline_tokens_rejected_total{purpose="password_reset",reason="unknown_key"} 2"#;
    assert!(metrics.contains(series), "{metrics}");
}
