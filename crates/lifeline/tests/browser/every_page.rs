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
    OLD_PASSWORD, Screenshots, assert_accessible, browser_and_app, choose_password, sign_in,
};

/// Checks the page on screen and keeps a screenshot of it.
async fn check(browser: &Browser, shots: &Screenshots, name: &str) {
    browser
        .screenshot(shots.dir(), &format!("axe-{name}"))
        .await;
    assert_accessible(browser, name).await;
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
        "/password/forgot" => ("forgot", "Send me a link"),
        _ => ("magic-link", "Email me a sign-in link"),
    };
    browser.open(&app.url(page)).await;
    check(browser, shots, name).await;
    browser.type_into("Email address", "ada at example").await;
    browser.press(button).await;
    check(browser, shots, &format!("{name}-422")).await;
    browser.type_into("Email address", "ada@example.com").await;
    browser.press(button).await;
    assert_eq!(browser.heading().await, "Check your inbox");
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
    browser.press("Sign in").await;
    assert_eq!(browser.heading().await, "Your account");
    check(browser, shots, "account").await;
    sessions_pages(browser, app, shots).await;
    account_pages(browser, app, shots).await;
    browser.press("Sign out").await;

    browser.open(&app.url("/magic-link")).await;
    browser.type_into("Email address", "ada@example.com").await;
    browser.press("Email me a sign-in link").await;
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
    assert_eq!(browser.heading().await, "Your sessions");
    check(browser, shots, "sessions").await;
    browser.press("Sign out everywhere else").await;
    assert_eq!(browser.heading().await, "Your sessions");
    check(browser, shots, "sessions-signed-out").await;
    browser.open(&app.url("/account")).await;
}

/// Change password (the form, a refusal, the account page after it) and the account page
/// with a pause, signed in.
async fn account_pages(browser: &Browser, app: &TestApp, shots: &Screenshots) {
    browser.follow("Change password").await;
    check(browser, shots, "change-password").await;
    browser
        .type_into("Current password", "not the password")
        .await;
    browser
        .type_into("New password", "another good passphrase")
        .await;
    browser
        .type_into("Repeat the new password", "another good passphrase")
        .await;
    browser.press("Change password").await;
    check(browser, shots, "change-password-422").await;
    browser
        .type_into("Current password", "a good new passphrase")
        .await;
    browser
        .type_into("New password", "another good passphrase")
        .await;
    browser
        .type_into("Repeat the new password", "another good passphrase")
        .await;
    browser.press("Change password").await;
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

/// "This wasn't me": the page for the password-changed mail's link (from the reset in
/// `password_pages`), then from a fresh reset mail to the locked-down account, and the
/// used link's page.
async fn not_me_pages(browser: &Browser, app: &TestApp, shots: &Screenshots) {
    browser
        .open(&newest_link(app, "/password/not-me?token=lc1_").await)
        .await;
    assert_eq!(
        browser.heading().await,
        "Undo a password change you did not make"
    );
    check(browser, shots, "not-me-password-changed").await;
    browser.open(&app.url("/password/forgot")).await;
    browser.type_into("Email address", "ada@example.com").await;
    browser.press("Send me a link").await;
    let not_me = newest_link(app, "/password/not-me?token=ln1_").await;
    browser.open(&not_me).await;
    check(browser, shots, "not-me").await;
    browser.press("Cancel the links and lock my account").await;
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
    browser.type_into("Email address", "ada@example.com").await;
    browser.press("Send me a link").await;
    app.drain_outbox().await;
    browser.open(&app.url("/dev/mailbox")).await;
    check(browser, shots, "mailbox").await;
    let message = browser
        .eval("return document.querySelector('ul.mailbox a').href;")
        .await;
    browser.open(message.as_str().unwrap()).await;
    check(browser, shots, "mailbox-message").await;
}

/// Every page, with the pages branded in `accent`.
async fn every_page_meets_wcag_2_1_aa(accent: &'static str) {
    // Arrange
    if axe::installed().is_none() {
        return;
    }
    let same_browser = |f: Figment| {
        f.merge(("tokens.magic_link_same_browser", true))
            .merge(("branding.accent_color", accent))
    };
    let Some((browser, app)) = browser_and_app(Options::default(), same_browser).await else {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_meets_wcag_2_1_aa_in_the_default_colours() {
    every_page_meets_wcag_2_1_aa("#2563eb").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_meets_wcag_2_1_aa_in_a_light_accent() {
    every_page_meets_wcag_2_1_aa("#fbbf24").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_meets_wcag_2_1_aa_in_a_dark_accent() {
    every_page_meets_wcag_2_1_aa("#1e1b4b").await;
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
