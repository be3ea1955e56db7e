//! Asking for a link never tells whether an account exists: not on the first
//! request, and not once the address or the account is over its limit.

use reqwest::StatusCode;
use serde_json::json;
use storage::Backend;

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::on_every_backend;
use crate::reset_steps::Observed;

const KNOWN: &str = "ada@example.com";
const UNKNOWN: &str = "nobody@example.com";

on_every_backend!(
    known_and_unknown_addresses_get_byte_identical_pages,
    known_and_unknown_addresses_get_byte_identical_pages_in_german_and_arabic,
    known_and_unknown_addresses_get_byte_identical_api_answers,
    known_and_unknown_addresses_get_byte_identical_api_answers_in_every_language,
    every_link_request_answers_alike_once_the_address_is_over_its_limit,
    every_link_request_answers_alike_once_the_account_is_over_its_quota,
);

/// The forgot-password form as a new visitor sends it: fresh browser, GET the
/// form, POST it. Both compared requests start from the same session state.
async fn forgot_page_answer(app: &TestApp, email: &str) -> Observed {
    Observed::of(app.request_reset(&app.new_client(), email).await).await
}

/// The same, from a browser that asks for `accept_language`.
async fn forgot_page_answer_in(app: &TestApp, accept_language: &str, email: &str) -> Observed {
    let client = app.client_speaking(accept_language);
    Observed::of(app.request_reset(&client, email).await).await
}

async fn known_and_unknown_addresses_get_byte_identical_pages_in_german_and_arabic(
    backend: Backend,
) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(KNOWN, "old password for ada");

    for (accept, heading) in [
        ("de-DE,de;q=0.9", "Sehen Sie in Ihr Postfach"),
        ("ar", "تفقّد بريدك الوارد"),
    ] {
        // Act
        let known = forgot_page_answer_in(&app, accept, KNOWN).await;
        let unknown = forgot_page_answer_in(&app, accept, UNKNOWN).await;

        // Assert
        assert_eq!(known.status, StatusCode::OK);
        assert_eq!(unknown.status, known.status);
        assert_eq!(unknown.stable_headers(), known.stable_headers());
        assert_eq!(unknown.body, known.body, "{accept}");
        assert!(known.text().contains(heading), "{accept}: {}", known.text());
    }
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
    app.drain_outbox().await;
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
    app.drain_outbox().await;
    assert_eq!(
        app.sink.messages().len(),
        1,
        "no mail for the unknown address"
    );
    assert_eq!(mails[0].rcpt_to, vec![KNOWN.to_owned()]);
    assert_eq!(app.pending_jobs(), 0, "both requests were processed");
}

async fn known_and_unknown_addresses_get_byte_identical_api_answers_in_every_language(
    backend: Backend,
) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(KNOWN, "old password for ada");
    let wrong = |email: &str| json!({"email": email, "password": "not the password"});

    for accept in ["en", "de-AT", "fr", "es", "ar"] {
        let client = app.client_speaking(accept);
        let answer = |path: &'static str, body: serde_json::Value| {
            let client = client.clone();
            let app = &app;
            async move { Observed::of(app.post_json(&client, path, &body).await).await }
        };

        // Act
        let forgot_known = answer("/api/v1/password/forgot", json!({ "email": KNOWN })).await;
        let forgot_unknown = answer("/api/v1/password/forgot", json!({ "email": UNKNOWN })).await;
        let magic_known = answer("/api/v1/magic-link", json!({ "email": KNOWN })).await;
        let magic_unknown = answer("/api/v1/magic-link", json!({ "email": UNKNOWN })).await;
        let sign_in_known = answer("/api/v1/session", wrong(KNOWN)).await;
        let sign_in_unknown = answer("/api/v1/session", wrong(UNKNOWN)).await;

        // Assert
        for (known, unknown, status) in [
            (&forgot_known, &forgot_unknown, StatusCode::ACCEPTED),
            (&magic_known, &magic_unknown, StatusCode::ACCEPTED),
            (&sign_in_known, &sign_in_unknown, StatusCode::UNAUTHORIZED),
        ] {
            assert_eq!(known.status, status, "{accept}: {}", known.text());
            assert_eq!(unknown.status, known.status, "{accept}");
            assert_eq!(unknown.stable_headers(), known.stable_headers(), "{accept}");
            assert_eq!(unknown.body, known.body, "{accept}");
        }
        let language = accept.split('-').next().unwrap();
        assert_eq!(sign_in_known.headers["content-language"], language);
    }
}

/// The four ways to ask for a link by address.
#[derive(Clone, Copy, Debug)]
pub(crate) enum LinkRequest {
    ResetPage,
    ResetApi,
    MagicLinkPage,
    MagicLinkApi,
}

pub(crate) const EVERY_LINK_REQUEST: [LinkRequest; 4] = [
    LinkRequest::ResetPage,
    LinkRequest::ResetApi,
    LinkRequest::MagicLinkPage,
    LinkRequest::MagicLinkApi,
];

impl LinkRequest {
    /// The answer to a request for `email` from a fresh browser.
    pub(crate) async fn answer(self, app: &TestApp, email: &str) -> Observed {
        let body = json!({ "email": email });
        let response = match self {
            Self::ResetPage => return forgot_page_answer(app, email).await,
            Self::ResetApi => return forgot_api_answer(app, email).await,
            Self::MagicLinkPage => app.request_magic_link(&app.new_client(), email).await,
            Self::MagicLinkApi => {
                app.post_json(&app.new_client(), "/api/v1/magic-link", &body)
                    .await
            }
        };
        Observed::of(response).await
    }
}

/// Asks for a link for both addresses on every endpoint and checks that the
/// two answers are identical (but for `Date` and `X-Request-Id`) and accepting.
async fn assert_alike_everywhere(app: &TestApp) {
    for request in EVERY_LINK_REQUEST {
        let known = request.answer(app, KNOWN).await;
        let unknown = request.answer(app, UNKNOWN).await;
        assert!(
            matches!(known.status, StatusCode::OK | StatusCode::ACCEPTED),
            "{request:?}: {}",
            known.status
        );
        assert_eq!(unknown.status, known.status, "{request:?}");
        assert_eq!(
            unknown.stable_headers(),
            known.stable_headers(),
            "{request:?}"
        );
        assert_eq!(unknown.body, known.body, "{request:?}");
    }
}

async fn every_link_request_answers_alike_once_the_address_is_over_its_limit(backend: Backend) {
    // Arrange: one link request per address per hour, used up for both addresses.
    let Some(app) = spawn_app_with(backend, |f| f.merge(("limits.per_address_per_hour", 1))).await
    else {
        return;
    };
    app.create_user(KNOWN, "old password for ada");
    forgot_page_answer(&app, KNOWN).await;
    forgot_page_answer(&app, UNKNOWN).await;
    app.wait_for_mail(1).await;

    // Act / Assert
    assert_alike_everywhere(&app).await;
    app.drain_outbox().await;
    assert_eq!(app.row_counts().outbox, 2, "nothing queued over the limit");
    assert_eq!(app.sink.messages().len(), 1, "no mail over the limit");
}

async fn every_link_request_answers_alike_once_the_account_is_over_its_quota(backend: Backend) {
    // Arrange: one mail per account per hour, used up by the known address.
    let Some(app) = spawn_app_with(backend, |f| {
        f.merge(("limits.per_account_mails_per_hour", 1))
    })
    .await
    else {
        return;
    };
    app.create_user(KNOWN, "old password for ada");
    forgot_page_answer(&app, KNOWN).await;
    app.wait_for_mail(1).await;

    // Act / Assert
    assert_alike_everywhere(&app).await;
    app.drain_outbox().await;
    assert_eq!(app.sink.messages().len(), 1, "no mail over the quota");
}
