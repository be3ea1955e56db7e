//! The password reset, as a person does it in a browser.

use std::time::Duration;

use crate::chrome::Options;
use crate::steps::{OLD_PASSWORD, ask_for_reset_link, browser_and_app, choose_password, sign_in};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_resets_a_forgotten_password_and_signs_in_with_it() {
    // Arrange
    let Some((browser, app)) = browser_and_app(Options::default(), |f| f).await else {
        return;
    };

    // Act: from the sign-in page to the forgot page, then the mailed link.
    browser.open(&app.url("/login")).await;
    browser.follow("Forgot your password?").await;
    assert_eq!(browser.heading().await, "Forgot your password?");
    let link = ask_for_reset_link(&browser, &app, 1).await;
    browser.open(&link).await;

    // Assert: the form, with the token gone from the address bar.
    assert_eq!(browser.heading().await, "Choose a new password");
    assert_eq!(browser.path().await, "/password/reset");
    let url = browser.client.current_url().await.unwrap();
    assert_eq!(url.query(), None, "the token must leave the address bar");

    // Act: a common password, then two that differ, then a good one.
    choose_password(&browser, "password1", "password1").await;
    let common = browser.text_of("#password-error").await;
    choose_password(&browser, "a good new passphrase", "a different one").await;
    let mismatch = browser.text_of("#password-error").await;
    choose_password(&browser, "a good new passphrase", "a good new passphrase").await;

    // Assert: each refusal said why and kept the form; the last one worked.
    assert!(common.contains("commonly used"), "{common}");
    assert_eq!(mismatch, "The two passwords don't match.");
    assert_eq!(browser.path().await, "/login");
    assert_eq!(
        browser.text_of(".notice").await,
        "Your password was changed. Sign in with your new password."
    );
    sign_in(&browser, &app, "a good new passphrase").await;
    assert_eq!(browser.heading().await, "Your account");
    assert!(
        browser
            .page_text()
            .await
            .contains("You are signed in as ada@example.com.")
    );

    // Act + Assert: the used link now shows the "doesn't work" page.
    browser.open(&link).await;
    assert_eq!(browser.heading().await, "This link doesn't work");
    assert!(browser.page_text().await.contains("been used already"));
    browser.follow("Ask for a new link").await;
    assert_eq!(browser.path().await, "/password/forgot");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_reset_link_shows_the_link_does_not_work_page() {
    // Arrange
    let Some((browser, app)) = browser_and_app(Options::default(), |f| f).await else {
        return;
    };
    let link = ask_for_reset_link(&browser, &app, 1).await;

    // Act
    app.clock.advance(Duration::from_secs(31 * 60));
    browser.open(&link).await;

    // Assert
    assert_eq!(browser.heading().await, "This link doesn't work");
    assert!(browser.page_text().await.contains("It may have expired"));
    sign_in(&browser, &app, OLD_PASSWORD).await;
    assert_eq!(browser.heading().await, "Your account", "nothing changed");
    browser.close().await;
}
