//! The pages work for everyone: labelled fields, the autocomplete hints
//! password managers and phones rely on, errors announced with their field,
//! no JavaScript needed, and nothing cut off on a 320 px wide phone.

use serde_json::{Value, json};

use crate::chrome::{Browser, Options};
use crate::helpers::TestApp;
use crate::steps::{
    Screenshots, ask_for_reset_link, ask_for_sign_in_link, browser_and_app, choose_password,
    sign_in,
};

/// Every visible form control without a label (`<label for>` or wrapping).
const UNLABELLED: &str = "return [...document.querySelectorAll('input, select, textarea')]
    .filter(e => e.type !== 'hidden' && !e.hidden && e.labels.length === 0)
    .map(e => e.name);";

/// For each field marked invalid: its name and the texts its
/// `aria-describedby` points at; and every error message no field points at.
const ERRORS: &str = "const described = new Set();
    const fields = [...document.querySelectorAll('[aria-invalid=true]')].map(e => {
      const ids = (e.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
      ids.forEach(id => described.add(id));
      return [e.name, ids.map(id => document.getElementById(id)?.textContent.trim() ?? null)];
    });
    const orphans = [...document.querySelectorAll('.error')]
      .filter(e => !described.has(e.id)).map(e => e.textContent.trim());
    return {fields, orphans};";

/// `name → autocomplete` of every input that has the attribute.
const AUTOCOMPLETE: &str =
    "return Object.fromEntries([...document.querySelectorAll('input[autocomplete]')]
    .map(e => [e.name, e.getAttribute('autocomplete')]));";

async fn unlabelled(browser: &Browser) -> Value {
    browser.eval(UNLABELLED).await
}

async fn check_fields(browser: &Browser, page: &str, autocomplete: Value) {
    assert_eq!(
        unlabelled(browser).await,
        json!([]),
        "unlabelled fields on {page}"
    );
    assert_eq!(
        browser.eval(AUTOCOMPLETE).await,
        autocomplete,
        "autocomplete on {page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_field_is_labelled_and_has_the_autocomplete_hint_it_needs() {
    // Arrange
    let Some((browser, app)) = browser_and_app(Options::default(), |f| f).await else {
        return;
    };

    // Act + Assert: the forms that ask for an address.
    browser.open(&app.url("/password/forgot")).await;
    check_fields(&browser, "forgot", json!({"email": "email"})).await;
    browser.open(&app.url("/magic-link")).await;
    check_fields(&browser, "magic link", json!({"email": "email"})).await;
    browser.open(&app.url("/login")).await;
    check_fields(
        &browser,
        "login",
        json!({"email": "username", "password": "current-password"}),
    )
    .await;

    // Act + Assert: the reset form, with the hidden username a password
    // manager files the new password under.
    let link = ask_for_reset_link(&browser, &app, 1).await;
    browser.open(&link).await;
    check_fields(
        &browser,
        "reset",
        json!({"username": "username", "password": "new-password", "password_confirm": "new-password"}),
    )
    .await;
    let username = browser
        .eval(
            "const u = document.querySelector('input[name=username]');
             return [u.value, u.hidden, u.offsetParent === null];",
        )
        .await;
    assert_eq!(username, json!(["ada@example.com", true, true]));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_error_is_tied_to_its_field() {
    // Arrange
    let Some((browser, app)) = browser_and_app(Options::default(), |f| f).await else {
        return;
    };
    let address_error = "Enter your email address, like name@example.com.";

    // Act + Assert: a mistyped address on both link forms.
    for (page, button) in [
        ("/password/forgot", "Send me a link"),
        ("/magic-link", "Email me a sign-in link"),
    ] {
        browser.open(&app.url(page)).await;
        browser.type_into("Email address", "ada at example").await;
        browser.press(button).await;
        assert_eq!(
            browser.eval(ERRORS).await,
            json!({"fields": [["email", [address_error]]], "orphans": []}),
            "on {page}"
        );
    }

    // Act + Assert: a wrong password.
    sign_in(&browser, &app, "not the password").await;
    let login = browser.eval(ERRORS).await;
    assert_eq!(login["orphans"], json!([]), "{login}");
    assert_eq!(login["fields"][0][0], "password", "{login}");

    // Act + Assert: a weak and a mismatched new password.
    let link = ask_for_reset_link(&browser, &app, 1).await;
    browser.open(&link).await;
    choose_password(&browser, "short", "short").await;
    assert_eq!(
        browser.eval(ERRORS).await,
        json!({
            "fields": [
                ["password", ["Use at least 8 characters."]],
                ["password_confirm", ["Use at least 8 characters."]],
            ],
            "orphans": [],
        })
    );
    choose_password(&browser, "a good new passphrase", "another passphrase").await;
    let mismatch = browser.eval(ERRORS).await;
    assert_eq!(mismatch["orphans"], json!([]), "{mismatch}");
    assert!(
        mismatch["fields"].as_array().unwrap().contains(&json!([
            "password_confirm",
            ["The two passwords don't match."]
        ])),
        "{mismatch}"
    );
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_flows_complete_with_javascript_off() {
    // Arrange
    let options = Options {
        javascript: false,
        ..Options::default()
    };
    let Some((browser, app)) = browser_and_app(options, |f| f).await else {
        return;
    };
    // Proof that scripts are off: `<noscript>` content is shown only then.
    browser
        .open("data:text/html,<noscript><p id=off>scripts are off</p></noscript>")
        .await;
    assert_eq!(browser.text_of("#off").await, "scripts are off");

    // Act + Assert: the whole reset.
    let link = ask_for_reset_link(&browser, &app, 1).await;
    browser.open(&link).await;
    choose_password(&browser, "password1", "password1").await;
    assert!(
        browser
            .text_of("#password-error")
            .await
            .contains("commonly used")
    );
    choose_password(&browser, "a good new passphrase", "a good new passphrase").await;
    assert_eq!(browser.path().await, "/login");
    sign_in(&browser, &app, "a good new passphrase").await;
    assert_eq!(browser.heading().await, "Your account");
    browser.press("Sign out").await;

    // Act + Assert: the whole magic-link sign-in (mail 2 said the password changed).
    let link = ask_for_sign_in_link(&browser, &app, 3).await;
    browser.open(&link).await;
    browser.press("Sign in").await;
    assert_eq!(browser.path().await, "/account");
    assert_eq!(browser.heading().await, "Your account");
    browser.close().await;
}

/// The page's width beyond the viewport, in CSS pixels (0 when nothing sticks out).
async fn overflow(browser: &Browser) -> i64 {
    let width = browser
        .eval("return document.documentElement.scrollWidth;")
        .await;
    width.as_i64().unwrap() - 320
}

async fn fits(browser: &Browser, shots: &Screenshots, name: &str) {
    browser
        .screenshot(shots.dir(), &format!("320-{name}"))
        .await;
    assert!(
        overflow(browser).await <= 0,
        "{name} scrolls sideways at 320 px"
    );
}

async fn visit_every_page_at_320(browser: &Browser, app: &TestApp, shots: &Screenshots) {
    for (path, name) in [
        ("/login", "login"),
        ("/password/forgot", "forgot"),
        ("/magic-link", "magic-link"),
        ("/password/reset?token=lr1_nonsense", "link-invalid"),
    ] {
        browser.open(&app.url(path)).await;
        fits(browser, shots, name).await;
    }
    let link = ask_for_reset_link(browser, app, 1).await;
    fits(browser, shots, "check-inbox").await;
    browser.open(&link).await;
    choose_password(browser, "short", "short").await;
    fits(browser, shots, "reset-error").await;
    choose_password(browser, "a good new passphrase", "a good new passphrase").await;
    fits(browser, shots, "login-notice").await;
    let link = ask_for_sign_in_link(browser, app, 3).await;
    browser.open(&link).await;
    fits(browser, shots, "magic-link-verify").await;
    browser.press("Sign in").await;
    fits(browser, shots, "account").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_page_scrolls_sideways_at_320_pixels() {
    // Arrange: a long product name and address, the worst case for a header.
    let options = Options {
        width: 320,
        ..Options::default()
    };
    let Some((browser, app)) = browser_and_app(options, |f| {
        f.merge((
            "branding.product_name",
            "Acme Corporation Identity Services",
        ))
        .merge((
            "branding.support_email",
            "customer-support-team@acme-corporation.example",
        ))
    })
    .await
    else {
        return;
    };
    let shots = Screenshots::new();
    browser.open(&app.url("/login")).await;
    let viewport = browser.eval("return window.innerWidth;").await;
    assert_eq!(viewport, json!(320), "the viewport is really 320 px");

    // Act + Assert
    visit_every_page_at_320(&browser, &app, &shots).await;
    browser.close().await;
}
