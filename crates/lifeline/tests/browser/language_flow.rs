//! The password reset walked in German and in Arabic, the language chosen
//! once by the browser's `Accept-Language` and once with the switch at the
//! bottom of the page: every step in that language, Arabic right to left
//! with the layout mirrored, and a screenshot of each step kept.

use crate::chrome::{Browser, Options};
use crate::helpers::{TestApp, link_in};
use crate::steps::{Screenshots, browser_and_app, choose_password, request_link, sign_in};
use crate::words;

/// How the test picks the pages' language.
#[derive(Clone, Copy)]
enum Choice {
    /// The browser asks for a regional variant first (`de-AT`), so the
    /// pages must fall back to the language.
    AcceptLanguage,
    /// The browser asks for English; the person then picks the language
    /// with the switch on the sign-in page.
    Switch,
}

impl Choice {
    fn name(self) -> &'static str {
        match self {
            Self::AcceptLanguage => "accept-language",
            Self::Switch => "switch",
        }
    }
}

/// One step's page: its language and direction, its heading, and its
/// screenshot.
async fn step(browser: &Browser, shots: &Screenshots, lang: &str, how: Choice, heading: &str) {
    let dir = if lang == "ar" { "rtl" } else { "ltr" };
    let root = browser
        .eval("return [document.documentElement.lang, document.documentElement.dir];")
        .await;
    assert_eq!(root, serde_json::json!([lang, dir]), "on {heading}");
    assert_eq!(browser.heading().await, words::text(lang, heading));
    browser
        .screenshot(shots.dir(), &format!("{lang}-{}-{heading}", how.name()))
        .await;
}

/// The label of the field `#id` starts at the side a reader of `lang`
/// starts at: the left in German, the right in Arabic.
async fn label_starts_on_the_reading_side(browser: &Browser, lang: &str, id: &str) {
    let ([left, right], [card_left, card_right]) =
        browser.text_box(&format!("label[for={id}]")).await;
    let (from_left, from_right) = (left - card_left, card_right - right);
    if lang == "ar" {
        assert!(
            from_right < from_left,
            "the label of #{id} sits {from_right}px from the right, {from_left}px from the left"
        );
    } else {
        assert!(
            from_left < from_right,
            "the label of #{id} sits {from_left}px from the left, {from_right}px from the right"
        );
    }
}

/// Opens the sign-in page in `lang`, chosen as `how` says.
async fn open_sign_in(browser: &Browser, app: &TestApp, lang: &str, how: Choice) {
    browser.open(&app.url("/login")).await;
    if let Choice::Switch = how {
        assert_eq!(browser.lang().await, "en");
        browser.follow(words::text(lang, "language-name")).await;
        assert_eq!(browser.path().await, "/login", "the switch comes back");
    }
}

/// The whole reset in `lang`: sign-in page, forgot page, "check your inbox",
/// the mailed link's form, the new password, and signing in with it.
async fn reset_in(lang: &'static str, how: Choice) {
    // Arrange
    let accept_language = match (how, lang) {
        (Choice::Switch, _) => "en-US,en",
        (Choice::AcceptLanguage, "de") => "de-AT,en;q=0.5",
        (Choice::AcceptLanguage, _) => "ar-EG,en;q=0.5",
    };
    let options = Options {
        accept_language: Some(accept_language),
        ..Options::default()
    };
    let Some((browser, app)) = browser_and_app(options, |f| f).await else {
        return;
    };
    let shots = Screenshots::new();

    // Act + Assert: from the sign-in page to the forgot page and the mail.
    open_sign_in(&browser, &app, lang, how).await;
    step(&browser, &shots, lang, how, "sign-in-title").await;
    label_starts_on_the_reading_side(&browser, lang, "email").await;
    browser.follow(words::text(lang, "forgot-link")).await;
    step(&browser, &shots, lang, how, "forgot-title").await;
    request_link(&browser, "forgot-submit").await;
    step(&browser, &shots, lang, how, "check-inbox-title").await;
    let mail = app.wait_for_mail(1).await.remove(0);
    browser
        .open(&link_in(&app, &mail, "/password/reset?token="))
        .await;

    // Act + Assert: the form, a refusal in the language, then the new password.
    step(&browser, &shots, lang, how, "reset-title").await;
    label_starts_on_the_reading_side(&browser, lang, "password").await;
    choose_password(&browser, "a good new passphrase", "a different one").await;
    let mismatch = browser.text_of("#password-error").await;
    assert_eq!(mismatch, words::text(lang, "password-mismatch"));
    choose_password(&browser, "a good new passphrase", "a good new passphrase").await;
    step(&browser, &shots, lang, how, "sign-in-title").await;
    assert_eq!(
        browser.text_of(".notice").await,
        words::text(lang, "notice-sign-in-after-reset")
    );
    sign_in(&browser, &app, "a good new passphrase").await;
    step(&browser, &shots, lang, how, "account-title").await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_resets_a_password_in_german_chosen_by_the_browser() {
    reset_in("de", Choice::AcceptLanguage).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_resets_a_password_in_german_chosen_with_the_switch() {
    reset_in("de", Choice::Switch).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_resets_a_password_in_arabic_chosen_by_the_browser() {
    reset_in("ar", Choice::AcceptLanguage).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_resets_a_password_in_arabic_chosen_with_the_switch() {
    reset_in("ar", Choice::Switch).await;
}
