//! Signing in with a mailed link, as a person does it in a browser.

use std::time::Duration;

use crate::chrome::Options;
use crate::steps::{ask_for_sign_in_link, browser_and_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_in_with_a_mailed_link_that_then_stops_working() {
    // Arrange
    let Some((browser, app)) = browser_and_app(Options::default(), |f| f).await else {
        return;
    };

    // Act: from the sign-in page to the link form, then the mailed link.
    browser.open(&app.url("/login")).await;
    browser.follow("Sign in with a link instead").await;
    assert_eq!(browser.heading().await, "Sign in with a link");
    let link = ask_for_sign_in_link(&browser, &app, 1).await;
    browser.open(&link).await;

    // Assert: opening the link alone signs nobody in; it asks first.
    assert_eq!(browser.heading().await, "Sign in");
    assert!(
        browser
            .page_text()
            .await
            .contains("You are about to sign in as ada@example.com.")
    );

    // Act
    browser.press("Sign in").await;

    // Assert: signed in, and the sign-in is listed.
    assert_eq!(browser.path().await, "/account");
    assert_eq!(browser.heading().await, "Your account");
    let account = browser.page_text().await;
    assert!(
        account.contains("You are signed in as ada@example.com."),
        "{account}"
    );
    assert!(
        account.contains("Signed in with an email link"),
        "{account}"
    );

    // Act + Assert: the used link shows the "doesn't work" page, leading back
    // to the link form.
    browser.open(&link).await;
    assert_eq!(browser.heading().await, "This link doesn't work");
    browser.follow("Ask for a new link").await;
    assert_eq!(browser.path().await, "/magic-link");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_sign_in_link_shows_the_link_does_not_work_page() {
    // Arrange
    let Some((browser, app)) = browser_and_app(Options::default(), |f| f).await else {
        return;
    };
    let link = ask_for_sign_in_link(&browser, &app, 1).await;

    // Act
    app.clock.advance(Duration::from_secs(16 * 60));
    browser.open(&link).await;

    // Assert
    assert_eq!(browser.heading().await, "This link doesn't work");
    assert!(browser.page_text().await.contains("It may have expired"));
    browser.open(&app.url("/account")).await;
    assert_ne!(browser.path().await, "/account", "nobody is signed in");
    browser.close().await;
}
