//! Every page, in each state a person meets it in, passes axe-core's WCAG 2.1
//! A and AA rules: with the default accent colour, and with a light and a dark
//! one an operator may brand the pages with.

use figment::Figment;
use figment::providers::Serialized;
use serde_json::{Value, json};
use storage::Backend;

use crate::axe;
use crate::chrome::{Browser, Options};
use crate::helpers::{PUBLIC_URL, TestApp, link_in, mail_parts, spawn_app_with};
use crate::steps::{
    OLD_PASSWORD, Screenshots, assert_accessible, browser_and_app, choose_password, request_link,
    sign_in,
};

/// Checks the page on screen, which must be in the language the browser
/// asks for, and keeps a screenshot of it.
async fn check(browser: &Browser, shots: &Screenshots, name: &str) {
    let lang = browser.lang().await;
    assert_eq!(
        Some(lang.as_str()),
        browser.options.accept_language,
        "{name} is in the browser's language"
    );
    browser
        .screenshot(shots.dir(), &format!("axe-{lang}-{name}"))
        .await;
    assert_accessible(browser, &format!("{name} in {lang}")).await;
}

/// The link starting with `path_prefix` in the newest mail that has one,
/// once every mail asked for so far has been sent.
async fn newest_link(app: &TestApp, path_prefix: &str) -> String {
    app.drain_outbox().await;
    let wanted = format!("{PUBLIC_URL}{path_prefix}");
    let mail = app
        .sink
        .messages()
        .into_iter()
        .rev()
        .find(|mail| mail_parts(mail).0.contains(&wanted))
        .unwrap_or_else(|| panic!("no mail with a {wanted} link"));
    link_in(app, &mail, path_prefix)
}

/// Asks for a link on the form at `page` with `button`, checking the form
/// with a mistyped address first, and the "check your inbox" page after.
async fn ask_for_link(browser: &Browser, app: &TestApp, shots: &Screenshots, page: &str) {
    let (name, button) = match page {
        "/password/forgot" => ("forgot", "forgot-submit"),
        _ => ("magic-link", "magic-link-submit"),
    };
    browser.open(&app.url(page)).await;
    check(browser, shots, name).await;
    let label = browser.t("email-label").await;
    browser.type_into(label, "ada at example").await;
    browser.press(browser.t(button).await).await;
    check(browser, shots, &format!("{name}-422")).await;
    request_link(browser, button).await;
    check(browser, shots, &format!("{name}-check-inbox")).await;
}

/// Sign-in, the password reset, and the pages around them.
async fn password_pages(browser: &Browser, app: &TestApp, shots: &Screenshots) {
    browser.open(&app.url("/login")).await;
    check(browser, shots, "login").await;
    sign_in(browser, app, "not the password").await;
    check(browser, shots, "login-401").await;

    ask_for_link(browser, app, shots, "/password/forgot").await;
    browser
        .open(&newest_link(app, "/password/reset?token=").await)
        .await;
    check(browser, shots, "reset-form").await;
    choose_password(browser, "short", "short").await;
    check(browser, shots, "reset-form-422").await;
    choose_password(browser, "a good new passphrase", "a good new passphrase").await;
    assert_eq!(browser.path().await, "/login");
    check(browser, shots, "login-password-changed").await;
    browser
        .open(&app.url("/password/reset?token=lr1_nonsense"))
        .await;
    check(browser, shots, "link-invalid").await;
}

/// Sign-in by mail, the account page, and a link opened in another browser.
async fn magic_link_pages(browser: &Browser, app: &TestApp, shots: &Screenshots) {
    ask_for_link(browser, app, shots, "/magic-link").await;
    browser
        .open(&newest_link(app, "/magic-link/verify?token=").await)
        .await;
    check(browser, shots, "magic-link-verify").await;
    browser.press(browser.t("sign-in-title").await).await;
    assert_eq!(browser.heading().await, browser.t("account-title").await);
    check(browser, shots, "account").await;
    sessions_pages(browser, app, shots).await;
    account_pages(browser, app, shots).await;
    browser.press(browser.t("sign-out").await).await;

    browser.open(&app.url("/magic-link")).await;
    request_link(browser, "magic-link-submit").await;
    let link = newest_link(app, "/magic-link/verify?token=").await;
    browser.client.delete_all_cookies().await.unwrap();
    browser.open(&link).await;
    check(browser, shots, "magic-link-other-browser").await;
}

/// The signed-in account's sessions, with another browser signed in and after
/// signing it out; ends back on the account page.
async fn sessions_pages(browser: &Browser, app: &TestApp, shots: &Screenshots) {
    let other = app.new_client();
    let csrf = app.csrf(&other, "/login").await;
    let fields = [
        ("email", "ada@example.com"),
        ("password", "a good new passphrase"),
        ("csrf_token", csrf.as_str()),
    ];
    let signed_in = app.post_form(&other, "/login", &fields).await;
    assert_eq!(signed_in.status(), reqwest::StatusCode::SEE_OTHER);
    browser.open(&app.url("/account/sessions")).await;
    assert_eq!(browser.heading().await, browser.t("sessions-title").await);
    check(browser, shots, "sessions").await;
    browser
        .press(browser.t("sign-out-everywhere-else").await)
        .await;
    assert_eq!(browser.heading().await, browser.t("sessions-title").await);
    check(browser, shots, "sessions-signed-out").await;
    browser.open(&app.url("/account")).await;
}

/// Change password (the form, a refusal, the account page after it) and the account page
/// with a pause, signed in.
async fn account_pages(browser: &Browser, app: &TestApp, shots: &Screenshots) {
    browser
        .follow(browser.t("change-password-link").await)
        .await;
    check(browser, shots, "change-password").await;
    change_password(browser, "not the password").await;
    check(browser, shots, "change-password-422").await;
    change_password(browser, "a good new passphrase").await;
    assert_eq!(browser.path().await, "/account");
    let email = storage::EmailAddress::parse("ada@example.com").unwrap();
    let ada = storage::users::find_by_email(&mut app.db.conn().unwrap(), &email)
        .unwrap()
        .unwrap();
    let until = app.now() + chrono::Duration::hours(20);
    storage::users::pause_resets(&mut app.db.conn().unwrap(), ada.id, until, app.now()).unwrap();
    browser.open(&app.url("/account")).await;
    check(browser, shots, "account-paused").await;
    storage::users::lift_reset_pause(&mut app.db.conn().unwrap(), ada.id, app.now()).unwrap();
}

/// Fills in the change-password form with `current` and a new password, and submits it.
async fn change_password(browser: &Browser, current: &str) {
    for (label, text) in [
        ("current-password-label", current),
        ("new-password-label", "another good passphrase"),
        ("repeat-password-label", "another good passphrase"),
    ] {
        browser.type_into(browser.t(label).await, text).await;
    }
    browser
        .press(browser.t("change-password-submit").await)
        .await;
}

/// "This wasn't me": the page for the password-changed mail's link (from the reset in
/// `password_pages`), then from a fresh reset mail to the locked-down account, and the
/// used link's page.
async fn not_me_pages(browser: &Browser, app: &TestApp, shots: &Screenshots) {
    browser
        .open(&newest_link(app, "/password/not-me?token=lc1_").await)
        .await;
    assert_eq!(
        browser.heading().await,
        browser.t("not-me-changed-title").await
    );
    check(browser, shots, "not-me-password-changed").await;
    browser.open(&app.url("/password/forgot")).await;
    request_link(browser, "forgot-submit").await;
    let not_me = newest_link(app, "/password/not-me?token=ln1_").await;
    browser.open(&not_me).await;
    check(browser, shots, "not-me").await;
    browser.press(browser.t("not-me-links-submit").await).await;
    check(browser, shots, "not-me-done").await;
    browser.open(&not_me).await;
    check(browser, shots, "not-me-link-invalid").await;
}

/// The test settings with the development mailbox in place of SMTP.
fn with_dev_mailbox(accent: &str, figment: Figment) -> Figment {
    let mut settings: Value = figment.extract().expect("settings");
    settings["mail"]["transport"] = json!({ "kind": "mailbox" });
    settings["mode"] = json!("development");
    settings["branding"]["accent_color"] = json!(accent);
    Figment::from(Serialized::defaults(settings))
}

/// The development mailbox, empty and with a mail in it, on an app of its own.
async fn mailbox_pages(browser: &Browser, accent: &'static str, shots: &Screenshots) {
    let app = spawn_app_with(Backend::Sqlite, |f| with_dev_mailbox(accent, f))
        .await
        .expect("SQLite is always available");
    app.create_user("ada@example.com", OLD_PASSWORD);
    browser.open(&app.url("/dev/mailbox")).await;
    check(browser, shots, "mailbox-empty").await;
    browser.open(&app.url("/password/forgot")).await;
    request_link(browser, "forgot-submit").await;
    app.drain_outbox().await;
    browser.open(&app.url("/dev/mailbox")).await;
    check(browser, shots, "mailbox").await;
    let message = browser
        .eval("return document.querySelector('ul.mailbox a').href;")
        .await;
    browser.open(message.as_str().unwrap()).await;
    check(browser, shots, "mailbox-message").await;
}

/// Every page in `lang` (the browser's `Accept-Language`), with the pages
/// branded in `accent`.
async fn every_page_meets_wcag_2_1_aa(lang: &'static str, accent: &'static str) {
    // Arrange
    if axe::installed().is_none() {
        return;
    }
    let same_browser = |f: Figment| {
        f.merge(("tokens.magic_link_same_browser", true))
            .merge(("branding.accent_color", accent))
    };
    let options = Options {
        accept_language: Some(lang),
        ..Options::default()
    };
    let Some((browser, app)) = browser_and_app(options, same_browser).await else {
        return;
    };
    let shots = Screenshots::new();

    // Act + Assert
    password_pages(&browser, &app, &shots).await;
    magic_link_pages(&browser, &app, &shots).await;
    not_me_pages(&browser, &app, &shots).await;
    browser.open(&app.url("/no/such/page")).await;
    check(&browser, &shots, "404").await;
    mailbox_pages(&browser, accent, &shots).await;
    browser.close().await;
}

/// The accent colour the pages have when the operator sets none.
const DEFAULT_ACCENT: &str = "#2563eb";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_meets_wcag_2_1_aa_in_the_default_colours() {
    every_page_meets_wcag_2_1_aa("en", DEFAULT_ACCENT).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_meets_wcag_2_1_aa_in_a_light_accent() {
    every_page_meets_wcag_2_1_aa("en", "#fbbf24").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_meets_wcag_2_1_aa_in_a_dark_accent() {
    every_page_meets_wcag_2_1_aa("en", "#1e1b4b").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_meets_wcag_2_1_aa_in_german() {
    every_page_meets_wcag_2_1_aa("de", DEFAULT_ACCENT).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_meets_wcag_2_1_aa_in_french() {
    every_page_meets_wcag_2_1_aa("fr", DEFAULT_ACCENT).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_meets_wcag_2_1_aa_in_spanish() {
    every_page_meets_wcag_2_1_aa("es", DEFAULT_ACCENT).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_meets_wcag_2_1_aa_in_arabic_right_to_left() {
    every_page_meets_wcag_2_1_aa("ar", DEFAULT_ACCENT).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_check_fails_a_page_that_breaks_the_rules_and_says_where() {
    // Arrange: a sign-in page replaced by one without a language, with an
    // image without a text, an unlabelled field and an empty link; served
    // with the product's Content-Security-Policy, which forbids every script.
    if axe::installed().is_none() {
        return;
    }
    let pages = tempfile::tempdir().unwrap();
    std::fs::write(
        pages.path().join("login.html.tera"),
        r#"<!doctype html><html><head><title>Sign in</title></head><body><main>
<h1>Sign in</h1><img src="data:,"><input name="email"><a href="/x"></a></main></body></html>"#,
    )
    .unwrap();
    let dir = pages.path().to_str().unwrap().to_owned();
    let Some((browser, app)) = browser_and_app(Options::default(), move |f| {
        f.merge(("branding.templates_dir", dir))
    })
    .await
    else {
        return;
    };
    browser.open(&app.url("/login")).await;

    // Act
    let violations = axe::violations(&browser).await;
    let report = axe::describe(&violations);

    // Assert
    for (rule, element) in [
        ("html-has-lang (serious)", "* html"),
        ("image-alt (critical)", "* img"),
        ("label (critical)", "* input"),
        ("link-name (serious)", "* a"),
    ] {
        assert!(
            report.contains(&format!("- {rule}: ")),
            "{rule} in {report}"
        );
        assert!(report.contains(element), "{element} in {report}");
    }
    browser.close().await;
}
