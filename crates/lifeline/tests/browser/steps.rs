//! Steps the browser tests share: an app plus a browser, and the things a
//! person does on the pages.

use std::path::{Path, PathBuf};

use storage::Backend;

use crate::axe;
use crate::chrome::{Browser, Options};
use crate::helpers::{TestApp, link_in, spawn_app_with};

/// The password every test account starts with.
pub const OLD_PASSWORD: &str = "old password for ada";

/// A browser and an app on SQLite with one account, `ada@example.com`; `None`
/// when the browser is not installed. `tweak` changes the app's settings.
pub async fn browser_and_app(
    options: Options,
    tweak: impl FnOnce(figment::Figment) -> figment::Figment,
) -> Option<(Browser, TestApp)> {
    let browser = Browser::start(options).await?;
    let app = spawn_app_with(Backend::Sqlite, tweak)
        .await
        .expect("SQLite is always available");
    app.create_user("ada@example.com", OLD_PASSWORD);
    Some((browser, app))
}

/// Asks for a reset link on the forgot page and returns the link from mail
/// number `nth` (1-based) that the sink received.
pub async fn ask_for_reset_link(browser: &Browser, app: &TestApp, nth: usize) -> String {
    browser.open(&app.url("/password/forgot")).await;
    request_link(browser, "forgot-submit").await;
    let mail = app.wait_for_mail(nth).await.remove(nth - 1);
    link_in(app, &mail, "/password/reset?token=")
}

/// Asks for a sign-in link on the magic-link page and returns the link from
/// mail number `nth` (1-based).
pub async fn ask_for_sign_in_link(browser: &Browser, app: &TestApp, nth: usize) -> String {
    browser.open(&app.url("/magic-link")).await;
    request_link(browser, "magic-link-submit").await;
    let mail = app.wait_for_mail(nth).await.remove(nth - 1);
    link_in(app, &mail, "/magic-link/verify?token=")
}

/// Types ada's address into the link form on screen, presses its button
/// (message `submit`) and checks that the "check your inbox" page follows;
/// in the page's language, whichever it is.
pub async fn request_link(browser: &Browser, submit: &str) {
    let label = browser.t("email-label").await;
    browser.type_into(label, "ada@example.com").await;
    browser.press(browser.t(submit).await).await;
    assert_eq!(
        browser.heading().await,
        browser.t("check-inbox-title").await
    );
}

/// Fills in both fields of the reset form and submits it, in the page's language.
pub async fn choose_password(browser: &Browser, password: &str, again: &str) {
    let label = browser.t("new-password-label").await;
    browser.type_into(label, password).await;
    let label = browser.t("repeat-password-label").await;
    browser.type_into(label, again).await;
    browser.press(browser.t("reset-submit").await).await;
}

/// Signs in on the login page, in the page's language.
pub async fn sign_in(browser: &Browser, app: &TestApp, password: &str) {
    browser.open(&app.url("/login")).await;
    let label = browser.t("email-label").await;
    browser.type_into(label, "ada@example.com").await;
    let label = browser.t("password-label").await;
    browser.type_into(label, password).await;
    browser.press(browser.t("sign-in-title").await).await;
}

/// Runs axe-core in the page `browser` shows and fails, listing every
/// violation with the elements that cause it, unless the page meets WCAG 2.1
/// A and AA. Call [`axe::installed`] first: without the checker this panics.
pub async fn assert_accessible(browser: &Browser, page: &str) {
    let violations = axe::violations(browser).await;
    assert!(
        violations.is_empty(),
        "{page} ({}) breaks WCAG 2.1 AA:{}",
        browser.path().await,
        axe::describe(&violations)
    );
}

/// Where screenshots go: a temporary directory, or `LIFELINE_SCREENSHOT_DIR`
/// to keep them for a look.
pub struct Screenshots {
    dir: PathBuf,
    _temporary: Option<tempfile::TempDir>,
}

impl Screenshots {
    /// A fresh place for this test's screenshots.
    pub fn new() -> Self {
        match std::env::var_os("LIFELINE_SCREENSHOT_DIR") {
            Some(dir) => {
                let dir = PathBuf::from(dir);
                std::fs::create_dir_all(&dir).expect("screenshot dir");
                Self {
                    dir,
                    _temporary: None,
                }
            }
            None => {
                let temporary = tempfile::tempdir().expect("temp dir");
                Self {
                    dir: temporary.path().to_owned(),
                    _temporary: Some(temporary),
                }
            }
        }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}
