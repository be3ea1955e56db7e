//! Real-browser tests: a headless Chromium, driven over WebDriver, uses the
//! real pages the way a person does — typing, clicking, following the link
//! from the mail the SMTP sink received — and checks what is on screen, and
//! that the pages are accessible.
//!
//! They run on SQLite only: the flows themselves are tested on SQLite and
//! MySQL over HTTP in `tests/api`; what is tested here is the pages.
//!
//! Without `chromium` and `chromedriver` on `PATH` every test is skipped with a
//! note, unless `LIFELINE_REQUIRE_BROWSER=1` (as in CI), which makes it fail;
//! so are the accessibility checks without axe-core
//! (`npm ci --prefix crates/lifeline/tests/browser`, see `axe.rs`).
//! `LIFELINE_SCREENSHOT_DIR=dir` keeps the screenshots the tests take.
// Tests fail by panicking. Clippy's `allow-unwrap-in-tests` covers only
// `#[test]` functions, not the helpers and async test bodies they call.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed step in a test panics with its cause"
)]

mod accessibility;
mod axe;
mod branding;
mod change_password_flow;
mod chrome;
mod contrast;
mod dev_mailbox;
mod every_page;
#[path = "../api/helpers.rs"]
#[allow(
    dead_code,
    reason = "the shared harness has helpers only the HTTP tests use"
)]
mod helpers;
mod language_flow;
mod launch;
mod lock_down_flow;
mod magic_link_flow;
mod mail_accessibility;
mod reset_flow;
mod steps;
mod words;
