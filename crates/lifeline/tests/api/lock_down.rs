//! "This wasn't me" takes the account back: answering a *password changed* mail voids the
//! password that change set, ends every session and link, pauses requests, and mails the
//! owner a recovery link that works during the pause. Answering a *reset requested* or *new
//! sign-in* mail keeps the password.

use std::time::Duration;

use reqwest::{Client, StatusCode};
use storage::Backend;
use storage::audit;

use crate::helpers::{TestApp, link_in, mail_parts, spawn_app, spawn_app_with, token_of};
use crate::on_every_backend;
use crate::reset_steps::Observed;

on_every_backend!(
    the_owner_takes_the_account_back_from_an_intruder_who_reset_the_password,
    a_voided_password_fails_sign_in_exactly_like_a_wrong_one,
    a_not_me_from_a_reset_requested_mail_leaves_the_password_working,
    a_not_me_link_of_one_kind_never_works_as_the_other,
    replaying_a_used_not_me_link_does_nothing,
    the_recovery_link_lives_as_long_as_the_pause,
);

const OWNER: &str = "owner@example.com";
const OWNERS_PASSWORD: &str = "the owner's first passphrase";
const INTRUDERS_PASSWORD: &str = "the intruder's chosen passphrase";
const OWNERS_NEW_PASSWORD: &str = "the owner's passphrase, taken back";
const CHANGED_NOT_ME: &str = "/password/not-me?token=lc1_";
const REQUESTED_NOT_ME: &str = "/password/not-me?token=ln1_";

/// What the intruder did before the owner noticed: used a leaked reset link (mail 1), set
/// a password and signed in. Returns the intruder's browser and the `lc1_` not-me link of
/// the "password changed" mail (mail 2).
async fn intruder_resets_the_password(app: &TestApp) -> (Client, String) {
    app.create_user(OWNER, OWNERS_PASSWORD);
    let leaked = app.mailed_reset_link(OWNER, 1).await;
    app.reset_with(&leaked, INTRUDERS_PASSWORD).await;
    let intruder = app.browser();
    let signed_in = app
        .sign_in_with_password(&intruder, OWNER, INTRUDERS_PASSWORD)
        .await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert!(app.account_page(&intruder).await.is_some());
    let changed = app.wait_for_mail(2).await.remove(1);
    (intruder, link_in(app, &changed, CHANGED_NOT_ME))
}

/// Opens `link` in `client`, checks the page names what its button does, presses it and
/// returns the page the press ends on.
async fn press_not_me(app: &TestApp, client: &Client, link: &str, heading: &str) -> String {
    let page = app.open_link(client, link).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("<title>{heading}")), "{html}");
    assert!(html.contains(&format!("<h1>{heading}</h1>")), "{html}");
    let done = app.press_confirm(client, "/password/not-me", &html).await;
    assert_eq!(done.status(), StatusCode::OK);
    done.text().await.unwrap()
}

/// The owner's audit events' kinds, newest first.
fn audit_kinds(app: &TestApp) -> Vec<String> {
    let id = storage::users::find_by_email(
        &mut app.db.conn().unwrap(),
        &storage::EmailAddress::parse(OWNER).unwrap(),
    )
    .unwrap()
    .unwrap()
    .id;
    audit::recent_for_user(&mut app.db.conn().unwrap(), id, 50)
        .unwrap()
        .into_iter()
        .map(|event| event.kind)
        .collect()
}

async fn the_owner_takes_the_account_back_from_an_intruder_who_reset_the_password(
    backend: Backend,
) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (intruder, not_me) = intruder_resets_the_password(&app).await;
    let owner = app.browser();

    // Act 1: the owner answers the "password changed" mail.
    let done = press_not_me(
        &app,
        &owner,
        &not_me,
        "Undo a password change you did not make",
    )
    .await;

    // Assert 1: the intruder's password and session are gone; the done page says what next.
    assert!(done.contains("The new password no longer works"), "{done}");
    assert!(done.contains("Check your inbox"), "{done}");
    assert!(!done.contains("/password/forgot"), "{done}");
    assert_eq!(
        app.sign_in_with_password(&app.new_client(), OWNER, INTRUDERS_PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert!(app.account_page(&intruder).await.is_none(), "session ended");
    assert_eq!(app.credentials_of(OWNER).0, None, "no usable password");
    assert_eq!(audit_kinds(&app)[0], "not_me_password_voided");

    // Act 2: the confirmation arrives; a forgot request during the pause sends nothing.
    let confirmation = app.wait_for_mail(3).await.remove(2);
    let (text, html) = mail_parts(&confirmation);
    app.request_reset(&app.new_client(), OWNER).await;
    app.drain_outbox().await;

    // Assert 2
    assert_eq!(
        app.sink.messages().len(),
        3,
        "nothing sent during the pause"
    );
    assert!(text.contains("no longer works"), "{text}");
    assert!(text.contains("for 24 hours"), "{text}");
    assert!(!html.contains("/password/not-me"), "{html}");
    let recovery = link_in(&app, &confirmation, "/password/reset?token=lr1_");

    // Act 3: the owner sets a new password with the recovery link and signs in.
    app.reset_with(&recovery, OWNERS_NEW_PASSWORD).await;
    let signed_in = app
        .sign_in_with_password(&owner, OWNER, OWNERS_NEW_PASSWORD)
        .await;

    // Assert 3: signed in; the pause is over, so a reset request is mailed again.
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert!(app.account_page(&owner).await.is_some());
    assert!(!app.password_works(OWNER, INTRUDERS_PASSWORD).await);
    app.drain_outbox().await;
    let before = app.sink.messages().len();
    app.mailed_reset_link(OWNER, before + 1).await;
}

async fn a_voided_password_fails_sign_in_exactly_like_a_wrong_one(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (_, not_me) = intruder_resets_the_password(&app).await;
    press_not_me(
        &app,
        &app.browser(),
        &not_me,
        "Undo a password change you did not make",
    )
    .await;
    let client = app.new_client();

    // Act: the same browser (so the same form token) tries both.
    let voided = app
        .sign_in_with_password(&client, OWNER, INTRUDERS_PASSWORD)
        .await;
    let voided = Observed::of(voided).await;
    let wrong = app
        .sign_in_with_password(&client, OWNER, "not the password at all")
        .await;
    let wrong = Observed::of(wrong).await;

    // Assert
    assert_eq!(voided.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(voided.body, wrong.body);
    assert_eq!(voided.stable_headers(), wrong.stable_headers());
}

async fn a_not_me_from_a_reset_requested_mail_leaves_the_password_working(backend: Backend) {
    // Arrange
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    app.create_user(OWNER, OWNERS_PASSWORD);
    app.request_reset(&app.new_client(), OWNER).await;
    let mail = app.wait_for_mail(1).await.remove(0);
    let reset = link_in(&app, &mail, "/password/reset?token=");
    let not_me = link_in(&app, &mail, REQUESTED_NOT_ME);

    // Act
    let done = press_not_me(
        &app,
        &app.browser(),
        &not_me,
        "Cancel links you did not ask for",
    )
    .await;

    // Assert: links die, the password stays, and nobody is sent a recovery link.
    assert!(done.contains("Your password was not changed"), "{done}");
    assert!(app.password_works(OWNER, OWNERS_PASSWORD).await);
    assert_eq!(
        app.open_link(&app.new_client(), &reset).await.status(),
        StatusCode::BAD_REQUEST
    );
    let confirmation = app.wait_for_mail(2).await.remove(1);
    let (text, _) = mail_parts(&confirmation);
    assert!(text.contains("was not changed"), "{text}");
    assert!(text.contains("cannot be requested until"), "{text}");
    assert!(!text.contains("token="), "no recovery link: {text}");
    let kinds = audit_kinds(&app);
    assert!(kinds.iter().any(|kind| kind == "not_me"), "{kinds:?}");
    assert!(!kinds.iter().any(|kind| kind == "not_me_password_voided"));
}

async fn a_not_me_link_of_one_kind_never_works_as_the_other(backend: Backend) {
    // Arrange: one link of each kind, for the same account and epoch.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (_, changed) = intruder_resets_the_password(&app).await;
    app.request_reset(&app.new_client(), OWNER).await;
    let requested = app.wait_for_mail(3).await.remove(2);
    let requested = link_in(&app, &requested, REQUESTED_NOT_ME);
    let credentials = app.credentials_of(OWNER);

    // Act: each token under the other kind's prefix.
    let relabel = |link: &str, prefix: &str| {
        let token = token_of(link);
        app.url(&format!("/password/not-me?token={prefix}{}", &token[4..]))
    };
    let as_requested = app
        .open_link(&app.new_client(), &relabel(&changed, "ln1_"))
        .await;
    let as_changed = app
        .open_link(&app.new_client(), &relabel(&requested, "lc1_"))
        .await;

    // Assert: both refused, nothing changed, and both genuine links still work.
    assert_eq!(as_requested.status(), StatusCode::BAD_REQUEST);
    assert_eq!(as_changed.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.credentials_of(OWNER), credentials);
    for link in [&changed, &requested] {
        assert_eq!(
            app.open_link(&app.new_client(), link).await.status(),
            StatusCode::OK
        );
    }
}

async fn replaying_a_used_not_me_link_does_nothing(backend: Backend) {
    // Arrange: the owner locked down and took the account back.
    let Some(app) = spawn_app(backend).await else {
        return;
    };
    let (_, not_me) = intruder_resets_the_password(&app).await;
    let owner = app.browser();
    let page = app.open_link(&owner, &not_me).await.text().await.unwrap();
    app.press_confirm(&owner, "/password/not-me", &page).await;
    let confirmation = app.wait_for_mail(3).await.remove(2);
    let recovery = link_in(&app, &confirmation, "/password/reset?token=");
    app.reset_with(&recovery, OWNERS_NEW_PASSWORD).await;
    app.drain_outbox().await;
    let credentials = app.credentials_of(OWNER);
    let events = audit_kinds(&app).len();
    let mails = app.sink.messages().len();

    // Act: the same link again, and a stale form posted with it.
    let replayed = Observed::of(app.open_link(&app.new_client(), &not_me).await).await;
    let posted = app.press_confirm(&owner, "/password/not-me", &page).await;
    app.drain_outbox().await;

    // Assert: refused with what to do instead; the new password and the epoch stand.
    assert_eq!(replayed.status, StatusCode::BAD_REQUEST);
    let html = replayed.text();
    assert!(html.contains("already locked down"), "{html}");
    assert!(!html.contains("/password/forgot"), "{html}");
    assert!(!html.contains("Ask for a new link"), "{html}");
    assert_ne!(posted.status(), StatusCode::OK);
    assert_eq!(app.credentials_of(OWNER), credentials);
    assert_eq!(audit_kinds(&app).len(), events);
    assert_eq!(app.sink.messages().len(), mails, "no second confirmation");
    assert!(app.password_works(OWNER, OWNERS_NEW_PASSWORD).await);
}

async fn the_recovery_link_lives_as_long_as_the_pause(backend: Backend) {
    // Arrange: a one-hour pause.
    let Some(app) = spawn_app_with(backend, |f| f.merge(("limits.not_me_pause_secs", 3600))).await
    else {
        return;
    };
    let (_, not_me) = intruder_resets_the_password(&app).await;
    let owner = app.browser();
    let done = press_not_me(
        &app,
        &owner,
        &not_me,
        "Undo a password change you did not make",
    )
    .await;
    let confirmation = app.wait_for_mail(3).await.remove(2);
    let (text, _) = mail_parts(&confirmation);
    let recovery = link_in(&app, &confirmation, "/password/reset?token=");

    // Act: the pause (and the link) ends.
    app.clock.advance(Duration::from_secs(3600));
    let opened = app.open_link(&app.new_client(), &recovery).await;

    // Assert
    assert!(done.contains("the link works for 1 hour"), "{done}");
    assert!(text.contains("for 1 hour,"), "{text}");
    assert_eq!(opened.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.credentials_of(OWNER).0, None);
}
