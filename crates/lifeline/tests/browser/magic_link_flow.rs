//! Signing in with a mailed link, as a person does it in a browser.

use std::time::Duration;

use crate::chrome::{Browser, Options};
use crate::helpers::link_in;
use crate::steps::{ask_for_sign_in_link, browser_and_app};

/// Asserts the address bar shows the clean `path`, with no token in it.
async fn assert_clean_address_bar(browser: &Browser, path: &str) {
    let url = browser.client.current_url().await.unwrap();
    assert_eq!(url.path(), path);
    assert_eq!(url.query(), None, "the token must leave the address bar");
}

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

    // Assert: opening the link alone signs nobody in; it asks first, at the
    // clean URL.
    assert_eq!(browser.heading().await, "Sign in");
    assert_clean_address_bar(&browser, "/magic-link/verify").await;
    assert!(
        browser
            .page_text()
            .await
            .contains("You are about to sign in as ada@example.com.")
    );

    // Act
    browser.press("Sign in").await;

    // Assert: signed in, and the sign-in is listed.
    assert_clean_address_bar(&browser, "/account").await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn this_wasnt_me_from_a_sign_in_mail_locks_the_account_down_without_the_token_in_the_history()
{
    // Arrange: a sign-in link the owner did not ask for, and its "this wasn't me" link.
    let Some((browser, app)) = browser_and_app(Options::default(), |f| f).await else {
        return;
    };
    let magic = ask_for_sign_in_link(&browser, &app, 1).await;
    let not_me = link_in(
        &app,
        &app.wait_for_mail(1).await[0],
        "/password/not-me?token=",
    );
    browser.open(&app.url("/login")).await;

    // Act
    browser.open(&not_me).await;

    // Assert: the page, at the clean URL; going back and forth never shows the token.
    assert_eq!(browser.heading().await, "Cancel links you did not ask for");
    assert!(browser.page_text().await.contains("ada@example.com"));
    assert_clean_address_bar(&browser, "/password/not-me").await;
    browser.client.back().await.unwrap();
    assert_clean_address_bar(&browser, "/login").await;
    browser.client.forward().await.unwrap();
    assert_clean_address_bar(&browser, "/password/not-me").await;

    // Act
    browser.press("Cancel the links and lock my account").await;

    // Assert: locked down, and the sign-in link no longer works.
    assert_clean_address_bar(&browser, "/password/not-me").await;
    assert_eq!(browser.heading().await, "Your account is locked down");
    browser.open(&magic).await;
    assert_eq!(browser.heading().await, "This link doesn't work");
    browser.close().await;
}
