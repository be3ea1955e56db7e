//! "This wasn't me" after an intruder's password change, as the owner lives it in a browser:
//! the intruder (a script with its own cookies) used a leaked reset link; the owner answers
//! the "password changed" mail, gets a recovery link by mail and signs in again.

use reqwest::StatusCode;

use crate::axe;
use crate::chrome::{Browser, Options};
use crate::helpers::{TestApp, csrf_in, link_in};
use crate::steps::{
    Screenshots, ask_for_reset_link, assert_accessible, browser_and_app, choose_password, sign_in,
};

const OWNER: &str = "ada@example.com";
const INTRUDERS_PASSWORD: &str = "the intruder's chosen passphrase";
const OWNERS_NEW_PASSWORD: &str = "ada takes her account back";

/// Keeps a screenshot of the page on screen and, when axe-core is installed, checks it.
async fn check(browser: &Browser, shots: &Screenshots, name: &str) {
    browser
        .screenshot(shots.dir(), &format!("lock-down-{name}"))
        .await;
    if axe::installed().is_some() {
        assert_accessible(browser, name).await;
    }
}

/// The intruder's script: opens the leaked `link`, sets a password and signs in. Returns
/// its client, which holds the intruder's session.
async fn intruder_takes_over(app: &TestApp, link: &str) -> reqwest::Client {
    let intruder = app.new_client();
    let hop = intruder.get(link).send().await.unwrap();
    assert_eq!(hop.status(), StatusCode::SEE_OTHER);
    let form = app
        .get(&intruder, "/password/reset")
        .await
        .text()
        .await
        .unwrap();
    let link_field = form.split("name=\"link\" value=\"").nth(1).unwrap();
    let link_id = link_field.split('"').next().unwrap();
    let csrf = csrf_in(&form).unwrap();
    let fields = [
        ("password", INTRUDERS_PASSWORD),
        ("password_confirm", INTRUDERS_PASSWORD),
        ("link", link_id),
        ("csrf_token", csrf.as_str()),
    ];
    let set = app.post_form(&intruder, "/password/reset", &fields).await;
    assert_eq!(set.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        intruder_signs_in(app, &intruder).await,
        StatusCode::SEE_OTHER
    );
    intruder
}

async fn intruder_signs_in(app: &TestApp, client: &reqwest::Client) -> StatusCode {
    let csrf = app.csrf(client, "/login").await;
    let fields = [
        ("email", OWNER),
        ("password", INTRUDERS_PASSWORD),
        ("csrf_token", csrf.as_str()),
    ];
    app.post_form(client, "/login", &fields).await.status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_takes_the_account_back_in_a_real_browser() {
    // Arrange: the owner's reset link leaked; the intruder set a password and signed in.
    let Some((browser, app)) = browser_and_app(Options::default(), |f| f).await else {
        return;
    };
    let shots = Screenshots::new();
    let leaked = ask_for_reset_link(&browser, &app, 1).await;
    let intruder = intruder_takes_over(&app, &leaked).await;
    let changed = app.wait_for_mail(2).await.remove(1);
    let not_me = link_in(&app, &changed, "/password/not-me?token=lc1_");

    // Act: the owner answers the "password changed" mail.
    browser.open(&not_me).await;
    assert_eq!(
        browser.heading().await,
        "Undo a password change you did not make"
    );
    check(&browser, &shots, "not-me-password-changed").await;
    browser
        .press("Stop the new password and lock my account")
        .await;

    // Assert: locked down; the intruder's password and session are gone.
    assert_eq!(browser.heading().await, "Your account is locked down");
    assert!(browser.page_text().await.contains("Check your inbox"));
    check(&browser, &shots, "done-password-voided").await;
    assert_eq!(
        intruder_signs_in(&app, &app.new_client()).await,
        StatusCode::UNAUTHORIZED
    );
    let account = app.get(&intruder, "/account").await;
    assert_eq!(account.status(), StatusCode::SEE_OTHER, "session ended");

    // Act: during the pause a reset request sends nothing; the confirmation has the way back.
    ask_for_reset_link_sends_nothing(&browser, &app).await;
    let confirmation = app.wait_for_mail(3).await.remove(2);
    let recovery = link_in(&app, &confirmation, "/password/reset?token=");
    browser.open(&recovery).await;
    assert_eq!(browser.heading().await, "Choose a new password");
    choose_password(&browser, OWNERS_NEW_PASSWORD, OWNERS_NEW_PASSWORD).await;
    sign_in(&browser, &app, OWNERS_NEW_PASSWORD).await;

    // Assert: signed in with the new password, minutes later, without support.
    assert_eq!(browser.heading().await, "Your account");
    check(&browser, &shots, "account-after-recovery").await;

    // Act + Assert: the used not-me link says what happened and offers no new link.
    browser.open(&not_me).await;
    assert_eq!(browser.heading().await, "This link doesn't work");
    let text = browser.page_text().await;
    assert!(text.contains("already locked down"), "{text}");
    assert!(!text.contains("Ask for a new link"), "{text}");
    check(&browser, &shots, "not-me-link-used").await;
    browser.close().await;
}

/// Asks for a reset link on the forgot page while requests are paused: the usual answer,
/// and no mail (the outbox is drained, so a mail that is not there will not come).
async fn ask_for_reset_link_sends_nothing(browser: &Browser, app: &TestApp) {
    app.drain_outbox().await;
    let before = app.sink.messages().len();
    browser.open(&app.url("/password/forgot")).await;
    browser.type_into("Email address", OWNER).await;
    browser.press("Send me a link").await;
    assert_eq!(browser.heading().await, "Check your inbox");
    app.drain_outbox().await;
    assert_eq!(
        app.sink.messages().len(),
        before,
        "no mail during the pause"
    );
}
