//! Asking for a link never tells whether an account exists.

use reqwest::StatusCode;
use serde_json::json;
use storage::Backend;

use crate::helpers::{TestApp, spawn_app};
use crate::on_both_backends;
use crate::reset_steps::Observed;

const KNOWN: &str = "ada@example.com";
const UNKNOWN: &str = "nobody@example.com";

on_both_backends!(
    known_and_unknown_addresses_get_byte_identical_pages,
    known_and_unknown_addresses_get_byte_identical_api_answers,
);

/// The forgot-password form as a new visitor sends it: fresh browser, GET the
/// form, POST it. Both compared requests start from the same session state.
async fn forgot_page_answer(app: &TestApp, email: &str) -> Observed {
    Observed::of(app.request_reset(&app.new_client(), email).await).await
}

async fn forgot_api_answer(app: &TestApp, email: &str) -> Observed {
    let body = json!({ "email": email });
    Observed::of(
        app.post_json(&app.new_client(), "/api/v1/password/forgot", &body)
            .await,
    )
    .await
}

async fn known_and_unknown_addresses_get_byte_identical_pages(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(KNOWN, "old password for ada");

    // Act
    let known = forgot_page_answer(&app, KNOWN).await;
    let unknown = forgot_page_answer(&app, UNKNOWN).await;

    // Assert
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(unknown.status, known.status);
    assert_eq!(unknown.stable_headers(), known.stable_headers());
    assert_eq!(unknown.body, known.body);
    assert!(known.text().contains("Check your inbox"));
    let mails = app.wait_for_mail(1).await;
    app.settle().await;
    assert_eq!(
        app.sink.messages().len(),
        1,
        "no mail for the unknown address"
    );
    assert_eq!(mails[0].rcpt_to, vec![KNOWN.to_owned()]);
    assert_eq!(app.pending_jobs(), 0, "both requests were processed");
}

async fn known_and_unknown_addresses_get_byte_identical_api_answers(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(KNOWN, "old password for ada");

    // Act
    let known = forgot_api_answer(&app, KNOWN).await;
    let unknown = forgot_api_answer(&app, UNKNOWN).await;

    // Assert
    assert_eq!(known.status, StatusCode::ACCEPTED);
    assert_eq!(unknown.status, known.status);
    assert_eq!(unknown.stable_headers(), known.stable_headers());
    assert_eq!(unknown.body, known.body);
    let mails = app.wait_for_mail(1).await;
    app.settle().await;
    assert_eq!(
        app.sink.messages().len(),
        1,
        "no mail for the unknown address"
    );
    assert_eq!(mails[0].rcpt_to, vec![KNOWN.to_owned()]);
    assert_eq!(app.pending_jobs(), 0, "both requests were processed");
}
