//! Accounts of an [`lifeline::AccountSource`] (a directory that checks and sets passwords
//! itself), end to end through the service: Lifeline never hashes for them, sets and voids
//! passwords at the source before its own transactions, answers the source's policy with a
//! 422 in the person's language, and keeps each account's state in `external_accounts`,
//! keyed by the source's stable id.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use reqwest::{Method, StatusCode};
use serde_json::json;
use storage::Backend;
use storage::external_accounts;

use crate::account_source::{MemorySource, spawn_app_with_source};
use crate::admin_support::{call, full_key, status_and_json};
use crate::helpers::{TestApp, link_in};
use crate::on_every_backend;

const ADA: &str = "ada@example.org";
const ADA_ID: &str = "6536939e-8485-1041-9208-a930f7a15e4b";
const OLD: &str = "ada's initial directory password";
const NEW: &str = "a brand new directory passphrase";

on_every_backend!(
    a_reset_sets_the_password_at_the_source_and_ends_old_sessions,
    the_sources_refusal_is_a_translated_422_and_the_link_keeps_working,
    sign_in_asks_the_source_and_unknown_addresses_answer_as_today,
    a_signed_in_change_goes_to_the_source,
    a_magic_link_signs_a_source_account_in,
    not_me_after_a_change_voids_the_password_at_the_source,
    a_source_that_is_down_answers_503_and_loses_nothing,
    a_renamed_entry_keeps_its_account_and_state,
    an_entry_gone_from_the_source_is_an_unknown_account,
    operators_set_passwords_at_the_source_and_cannot_create_accounts,
);

/// An app whose accounts are a source holding Ada.
async fn app_with_ada(backend: Backend) -> Option<(TestApp, Arc<MemorySource>)> {
    let source = Arc::new(MemorySource::default());
    source.add(ADA_ID, "Ada@Example.org", OLD);
    let app = spawn_app_with_source(backend, Arc::clone(&source)).await?;
    Some((app, source))
}

/// Ada's row in `external_accounts`.
fn ada_row(app: &TestApp) -> external_accounts::ExternalAccountRow {
    external_accounts::find_by_source(&mut app.db.conn().unwrap(), "memory", ADA_ID)
        .unwrap()
        .expect("Ada was seen")
}

async fn a_reset_sets_the_password_at_the_source_and_ends_old_sessions(backend: Backend) {
    // Arrange: Ada is signed in with her old password.
    let Some((app, source)) = app_with_ada(backend).await else {
        return;
    };
    let old_session = app.browser();
    assert_eq!(
        app.sign_in(&old_session, ADA, OLD).await,
        StatusCode::SEE_OTHER
    );
    assert!(app.account_page(&old_session).await.is_some());
    let epoch = ada_row(&app).auth_epoch;
    let hashed = app.password_verifications().await;

    // Act
    let link = app.mailed_reset_link(ADA, 1).await;
    app.reset_with(&link, NEW).await;

    // Assert: the source has the new password, the old one fails, the epoch moved and the
    // old session is over; Lifeline hashed nothing.
    assert_eq!(source.entry(ADA_ID).password, NEW);
    assert!(app.password_works(ADA, NEW).await);
    assert!(!app.password_works(ADA, OLD).await);
    assert_eq!(ada_row(&app).auth_epoch, epoch + 1);
    assert!(app.account_page(&old_session).await.is_none());
    assert_eq!(app.password_verifications().await, hashed);
    let changed = app.wait_for_mail(2).await.remove(1);
    assert_eq!(changed.rcpt_to, vec!["Ada@example.org".to_owned()]);
}

async fn the_sources_refusal_is_a_translated_422_and_the_link_keeps_working(backend: Backend) {
    // Arrange
    let Some((app, source)) = app_with_ada(backend).await else {
        return;
    };
    let link = app.mailed_reset_link(ADA, 1).await;
    let browser = app.client_speaking("de");
    app.open_reset_link(&browser, &link).await;
    let epoch = ada_row(&app).auth_epoch;

    // Act: long enough for Lifeline (8), too short for the source (20).
    let refused = app
        .submit_new_password(&browser, "short but fine", "short but fine")
        .await;
    let status = refused.status();
    let html = refused.text().await.unwrap();
    let api = app
        .post_json(
            &app.new_client(),
            "/api/v1/password/reset",
            &json!({"token": crate::helpers::token_of(&link), "password": "short but fine"}),
        )
        .await;
    let api_status = api.status();
    let api_body: serde_json::Value = api.json().await.unwrap();

    // Assert: 422 with the German sentence, nothing changed, and the link still works.
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Das Verzeichnis verlangt ein längeres Passwort"),
        "{html}"
    );
    assert_eq!(api_status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(api_body["error"], "weak_password");
    assert!(
        api_body["message"]
            .as_str()
            .unwrap()
            .contains("The directory requires a longer password"),
        "{api_body}"
    );
    assert_eq!(source.entry(ADA_ID).password, OLD);
    assert_eq!(ada_row(&app).auth_epoch, epoch);
    let done = app.submit_new_password(&browser, NEW, NEW).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(source.entry(ADA_ID).password, NEW);
}

async fn sign_in_asks_the_source_and_unknown_addresses_answer_as_today(backend: Backend) {
    // Arrange
    let Some((app, source)) = app_with_ada(backend).await else {
        return;
    };
    source.add(
        "grace-id",
        "grace@example.org",
        "grace's directory password",
    );
    source.change("grace-id", |entry| entry.enabled = false);
    let before = source.verifications.load(Ordering::SeqCst);

    // Act
    let right = app.sign_in(&app.browser(), "ADA@example.org", OLD).await;
    let wrong = app.sign_in(&app.browser(), ADA, "not ada's password").await;
    let unknown = app.sign_in(&app.browser(), "nobody@example.org", OLD).await;
    let disabled = app
        .sign_in(
            &app.browser(),
            "grace@example.org",
            "grace's directory password",
        )
        .await;
    let forgot_known = app.request_reset(&app.new_client(), ADA).await;
    let known_page = forgot_known.text().await.unwrap();
    let forgot_unknown = app
        .request_reset(&app.new_client(), "nobody@example.org")
        .await;
    let unknown_page = forgot_unknown.text().await.unwrap();
    app.drain_outbox().await;

    // Assert: every password was checked by the source, unknown and disabled addresses too;
    // the forgot page is the same for both, and only Ada got mail.
    assert_eq!(right, StatusCode::SEE_OTHER);
    assert_eq!(wrong, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown, StatusCode::UNAUTHORIZED);
    assert_eq!(disabled, StatusCode::UNAUTHORIZED);
    assert_eq!(source.verifications.load(Ordering::SeqCst) - before, 4);
    assert_eq!(known_page, unknown_page);
    let mails = app.sink.messages();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].rcpt_to, vec!["Ada@example.org".to_owned()]);
}

async fn a_signed_in_change_goes_to_the_source(backend: Backend) {
    // Arrange
    let Some((app, source)) = app_with_ada(backend).await else {
        return;
    };
    let browser = app.browser();
    assert_eq!(app.sign_in(&browser, ADA, OLD).await, StatusCode::SEE_OTHER);

    // Act
    let wrong = app
        .change_password(&browser, "not the current one", NEW, NEW)
        .await
        .status();
    let refused = app
        .change_password(&browser, OLD, "too short here", "too short here")
        .await
        .status();
    let unchanged = source.entry(ADA_ID).password;
    let changed = app.change_password(&browser, OLD, NEW, NEW).await;

    // Assert
    assert_ne!(wrong, StatusCode::SEE_OTHER);
    assert_eq!(refused, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unchanged, OLD);
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    assert_eq!(source.entry(ADA_ID).password, NEW);
    assert!(
        app.account_page(&browser).await.is_some(),
        "still signed in"
    );
    assert!(app.password_works(ADA, NEW).await);
}

async fn a_magic_link_signs_a_source_account_in(backend: Backend) {
    // Arrange
    let Some((app, _source)) = app_with_ada(backend).await else {
        return;
    };
    let browser = app.browser();

    // Act
    let link = app.mailed_magic_link(&browser, ADA, 1).await;
    let response = app.confirm_magic_link(&browser, &link).await;

    // Assert
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let account = app.account_page(&browser).await.expect("signed in");
    assert!(account.contains("Ada@example.org"), "{account}");
}

async fn not_me_after_a_change_voids_the_password_at_the_source(backend: Backend) {
    // Arrange: someone changed Ada's password while signed in as her.
    let Some((app, source)) = app_with_ada(backend).await else {
        return;
    };
    let intruder = app.browser();
    assert_eq!(
        app.sign_in(&intruder, ADA, OLD).await,
        StatusCode::SEE_OTHER
    );
    let changed = app.change_password(&intruder, OLD, NEW, NEW).await;
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    let mail = app.wait_for_mail(1).await.remove(0);
    let not_me = link_in(&app, &mail, "/password/not-me?token=lc1_");

    // Act
    let owner = app.browser();
    let page = app.open_link(&owner, &not_me).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    let done = app.press_confirm(&owner, "/password/not-me", &html).await;

    // Assert: the intruder's password is gone at the source, the intruder signed out, the
    // account paused.
    assert_eq!(done.status(), StatusCode::OK);
    assert_ne!(source.entry(ADA_ID).password, NEW);
    assert!(!app.password_works(ADA, NEW).await);
    assert!(app.account_page(&intruder).await.is_none());
    assert!(ada_row(&app).resets_paused_until.is_some());
}

async fn a_source_that_is_down_answers_503_and_loses_nothing(backend: Backend) {
    // Arrange
    let Some((app, source)) = app_with_ada(backend).await else {
        return;
    };
    let link = app.mailed_reset_link(ADA, 1).await;
    let browser = app.browser();
    app.open_reset_link(&browser, &link).await;
    let epoch = ada_row(&app).auth_epoch;

    // Act
    source.set_down(true);
    let reset = app.submit_new_password(&browser, NEW, NEW).await.status();
    let sign_in = app.sign_in(&app.browser(), ADA, OLD).await;
    source.set_down(false);
    let retried = app.submit_new_password(&browser, NEW, NEW).await;

    // Assert: 503 while down, nothing changed; the same link works once it is back.
    assert_eq!(reset, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(sign_in, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(retried.status(), StatusCode::SEE_OTHER);
    assert_eq!(source.entry(ADA_ID).password, NEW);
    assert_eq!(ada_row(&app).auth_epoch, epoch + 1);
}

async fn a_renamed_entry_keeps_its_account_and_state(backend: Backend) {
    // Arrange: Ada was seen under her old address, with some state.
    let Some((app, source)) = app_with_ada(backend).await else {
        return;
    };
    let browser = app.browser();
    assert_eq!(app.sign_in(&browser, ADA, OLD).await, StatusCode::SEE_OTHER);
    let before = ada_row(&app);

    // Act: the directory changes her address.
    source.change(ADA_ID, |entry| {
        entry.email = "Ada.Lovelace@example.org".into()
    });
    let new_address = app
        .sign_in(&app.browser(), "ada.lovelace@example.org", OLD)
        .await;
    let old_address = app.sign_in(&app.browser(), ADA, OLD).await;

    // Assert: the same local account (id, epoch), its address refreshed; the session
    // made under the old address still belongs to it.
    assert_eq!(new_address, StatusCode::SEE_OTHER);
    assert_eq!(old_address, StatusCode::UNAUTHORIZED);
    let after = ada_row(&app);
    assert_eq!(after.id, before.id);
    assert_eq!(after.auth_epoch, before.auth_epoch);
    assert_eq!(after.email, "ada.lovelace@example.org");
    assert_eq!(after.display_email, "Ada.Lovelace@example.org");
    assert!(app.account_page(&browser).await.is_some());
}

async fn an_entry_gone_from_the_source_is_an_unknown_account(backend: Backend) {
    // Arrange: Ada has a reset link open when the directory removes her.
    let Some((app, source)) = app_with_ada(backend).await else {
        return;
    };
    let link = app.mailed_reset_link(ADA, 1).await;
    let browser = app.browser();
    app.open_reset_link(&browser, &link).await;

    // Act
    source.remove(ADA_ID);
    let reset = app.submit_new_password(&browser, NEW, NEW).await.status();
    let sign_in = app.sign_in(&app.browser(), ADA, OLD).await;

    // Assert: the link is refused like one for a deleted account; sign-in fails.
    assert_eq!(reset, StatusCode::BAD_REQUEST);
    assert_eq!(sign_in, StatusCode::UNAUTHORIZED);
}

async fn operators_set_passwords_at_the_source_and_cannot_create_accounts(backend: Backend) {
    // Arrange
    let Some((app, source)) = app_with_ada(backend).await else {
        return;
    };
    assert_eq!(
        app.sign_in(&app.browser(), ADA, OLD).await,
        StatusCode::SEE_OTHER
    );
    let key = full_key(&app);
    let path = format!("/accounts/{}", ada_row(&app).id);

    // Act
    let create = json!({"email": "new@example.org"});
    let (created, refusal) =
        status_and_json(call(&app, Some(&key), Method::POST, "/accounts", Some(&create)).await)
            .await;
    let short = json!({"password": "only sixteen chr"});
    let (weak, weak_body) = status_and_json(
        call(
            &app,
            Some(&key),
            Method::PUT,
            &format!("{path}/password"),
            Some(&short),
        )
        .await,
    )
    .await;
    let good = json!({"password": NEW});
    let set = call(
        &app,
        Some(&key),
        Method::PUT,
        &format!("{path}/password"),
        Some(&good),
    )
    .await;

    // Assert
    assert_eq!(created, StatusCode::CONFLICT);
    assert_eq!(refusal["error"], "unsupported_by_directory");
    assert!(
        refusal["message"].as_str().unwrap().contains("memory"),
        "{refusal}"
    );
    assert_eq!(weak, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(weak_body["error"], "weak_password");
    assert_eq!(set.status(), StatusCode::NO_CONTENT);
    assert_eq!(source.entry(ADA_ID).password, NEW);
    assert!(app.password_works(ADA, NEW).await);
}
