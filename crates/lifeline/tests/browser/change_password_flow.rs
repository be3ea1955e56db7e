//! Changing the password while signed in, as a person does it in a browser.

use crate::axe;
use crate::chrome::{Browser, Options};
use crate::helpers::link_in;
use crate::steps::{OLD_PASSWORD, Screenshots, assert_accessible, browser_and_app, sign_in};

/// Fills in the change-password form and submits it.
async fn change_password(browser: &Browser, current: &str, new: &str, again: &str) {
    browser.type_into("Current password", current).await;
    browser.type_into("New password", new).await;
    browser.type_into("Repeat the new password", again).await;
    browser.press("Change password").await;
}

/// Keeps a screenshot of the page on screen and, with axe installed, checks it.
async fn look(browser: &Browser, shots: &Screenshots, name: &str) {
    browser
        .screenshot(shots.dir(), &format!("change-password-{name}"))
        .await;
    if axe::installed().is_some() {
        assert_accessible(browser, name).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_person_changes_their_password_and_other_browsers_are_signed_out() {
    // Arrange: Ada signed in here and in a second browser.
    let Some((browser, app)) = browser_and_app(Options::default(), |f| f).await else {
        return;
    };
    let Some(other) = Browser::start(Options::default()).await else {
        return;
    };
    let shots = Screenshots::new();
    sign_in(&other, &app, OLD_PASSWORD).await;
    assert_eq!(other.heading().await, "Your account");
    sign_in(&browser, &app, OLD_PASSWORD).await;

    // Act: from the account page to the form; a wrong current password first.
    browser.follow("Change password").await;
    assert_eq!(browser.heading().await, "Change your password");
    assert_eq!(browser.path().await, "/account/password");
    look(&browser, &shots, "form").await;
    change_password(
        &browser,
        "not my password",
        "a good new passphrase",
        "a good new passphrase",
    )
    .await;
    let wrong = browser.text_of("#current-error").await;
    look(&browser, &shots, "wrong-current").await;
    change_password(&browser, OLD_PASSWORD, "short", "short").await;
    let weak = browser.text_of("#password-error").await;
    look(&browser, &shots, "weak").await;
    change_password(
        &browser,
        OLD_PASSWORD,
        "a good new passphrase",
        "a good new passphrase",
    )
    .await;

    // Assert: each refusal said why; the change brought Ada back, still signed in.
    assert!(wrong.contains("not your current password"), "{wrong}");
    assert_eq!(weak, "Use at least 8 characters.");
    assert_eq!(browser.path().await, "/account");
    assert_eq!(
        browser.text_of(".notice").await,
        "Your password was changed; other sessions were signed out."
    );
    look(&browser, &shots, "changed").await;
    other.open(&app.url("/account")).await;
    assert_eq!(
        other.heading().await,
        "Sign in",
        "the other browser is signed out"
    );
    sign_in(&other, &app, OLD_PASSWORD).await;
    assert_eq!(other.heading().await, "Sign in", "the old password fails");
    sign_in(&other, &app, "a good new passphrase").await;
    assert_eq!(other.heading().await, "Your account");
    other.close().await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_without_a_password_is_offered_a_reset_link_instead_of_the_form() {
    // Arrange: Bea signs in by email link only.
    let Some((browser, app)) = browser_and_app(Options::default(), |f| f).await else {
        return;
    };
    let shots = Screenshots::new();
    let email = storage::EmailAddress::parse("bea@example.com").unwrap();
    let new = storage::users::NewUser {
        email: &email,
        password_hash: None,
        now: app.now(),
    };
    storage::users::create(&mut app.db.conn().unwrap(), &new).unwrap();
    browser.open(&app.url("/magic-link")).await;
    browser.type_into("Email address", "bea@example.com").await;
    browser.press("Email me a sign-in link").await;
    let mail = app.wait_for_mail(1).await.remove(0);
    browser
        .open(&link_in(&app, &mail, "/magic-link/verify?token="))
        .await;
    browser.press("Sign in").await;

    // Act
    browser.follow("Change password").await;

    // Assert
    assert_eq!(browser.heading().await, "Set a password");
    assert!(browser.page_text().await.contains("has no password yet"));
    look(&browser, &shots, "no-password").await;
    browser.follow("Email me a link to set a password").await;
    assert_eq!(browser.path().await, "/password/forgot");
    browser.close().await;
}
