//! A burst of sign-ins must not starve the database pool: password hashing is slow on
//! purpose, and a request that held a pooled connection while it waited for the hashing
//! threads would keep every other request (reset and magic-link requests included) waiting
//! for `database.connect_timeout_ms` and then answered 503.
//!
//! This test failed on the code before sign-in returned its connection before hashing
//! (then `UserDirectory::verify_password` hashed with the connection checked out): there
//! the reset requests sent during the burst were answered 503.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use storage::{Backend, EmailAddress, users};

use crate::helpers::spawn_app_with;
use crate::on_every_backend;

on_every_backend!(reset_requests_are_answered_while_a_burst_of_sign_ins_is_hashing);

/// Concurrent sign-ins, every other one for an address without an account.
const SIGN_INS: usize = 32;
/// Most reset requests sent while the sign-ins are under way.
const MAX_RESETS: usize = 48;
const PASSWORD: &str = "the burst's shared password";

async fn reset_requests_are_answered_while_a_burst_of_sign_ins_is_hashing(backend: Backend) {
    // Arrange: two pooled connections and a one-second wait for one. The 32 hashes (8
    // iterations each) take several seconds on the two hashing threads, so a request holding
    // a connection while it waits to hash makes a reset request wait behind most of the
    // burst, far past the second; the second is long enough that a loaded machine's pauses
    // (a CI run sharing its cores with builds) do not reach it.
    let Some(app) = spawn_app_with(backend, |f| {
        f.merge(("database.pool_size", 2))
            .merge(("database.connect_timeout_ms", 1000))
            .merge(("password.argon2_memory_kib", 19456))
            .merge(("password.argon2_iterations", 8))
    })
    .await
    else {
        return;
    };
    let hash = app
        .hasher
        .hash(&lifeline::Password::new(PASSWORD.into()))
        .unwrap();
    let now = chrono::Utc::now().naive_utc();
    for n in (0..SIGN_INS).step_by(2) {
        let email = EmailAddress::parse(&format!("burst{n}@example.com")).unwrap();
        let new = users::NewUser {
            email: &email,
            password_hash: Some(&hash),
            now,
        };
        users::create(&mut app.db.conn().unwrap(), &new).unwrap();
    }
    let app = Arc::new(app);
    let answered = Arc::new(AtomicUsize::new(0));

    // Act: every sign-in at once; reset requests one after another until all have answered.
    let sign_ins: Vec<_> = (0..SIGN_INS)
        .map(|n| {
            let (app, answered) = (Arc::clone(&app), Arc::clone(&answered));
            tokio::spawn(async move {
                let email = format!("burst{n}@example.com");
                let status = app.sign_in(&app.new_client(), &email, PASSWORD).await;
                answered.fetch_add(1, Ordering::SeqCst);
                status
            })
        })
        .collect();
    let resets = tokio::time::timeout(Duration::from_secs(120), async {
        let mut statuses = Vec::new();
        while answered.load(Ordering::SeqCst) < SIGN_INS && statuses.len() < MAX_RESETS {
            let body =
                serde_json::json!({ "email": format!("reset{}@example.com", statuses.len()) });
            let response = app
                .post_json(&app.new_client(), "/api/v1/password/forgot", &body)
                .await;
            statuses.push(response.status());
        }
        statuses
    })
    .await
    .expect("the reset requests were answered");
    let mut signed_in = Vec::new();
    for sign_in in sign_ins {
        let status = tokio::time::timeout(Duration::from_secs(120), sign_in)
            .await
            .expect("the sign-ins were answered")
            .unwrap();
        signed_in.push(status);
    }

    // Assert: every reset request was accepted; every sign-in got its normal answer.
    assert!(!resets.is_empty());
    assert!(
        resets.iter().all(|status| *status == StatusCode::ACCEPTED),
        "reset requests during the burst: {resets:?}"
    );
    for (n, status) in signed_in.into_iter().enumerate() {
        let expected = match n % 2 {
            0 => StatusCode::SEE_OTHER,
            _ => StatusCode::UNAUTHORIZED,
        };
        assert_eq!(status, expected, "sign-in {n}");
    }
}
