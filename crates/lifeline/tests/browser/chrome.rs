//! A real headless Chromium per test, driven over WebDriver by `chromedriver`
//! started on a free port. Each browser has its own fresh profile directory.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use serde_json::Value;
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::launch::{binaries, connect, free_port, shutdown_driver};
use crate::words;

/// Two cores run at most two browsers at once; more only makes each one time out.
static BROWSERS: Semaphore = Semaphore::const_new(2);

/// How a browser is set up.
#[derive(Clone, Copy)]
pub struct Options {
    /// Page scripts on or off.
    pub javascript: bool,
    /// Window width in CSS pixels.
    pub width: u32,
    /// The browser's `Accept-Language`, e.g. `de-DE,de;q=0.9`; `None` keeps
    /// Chromium's own.
    pub accept_language: Option<&'static str>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            javascript: true,
            width: 1024,
            accept_language: None,
        }
    }
}

/// A running browser session. Call [`Browser::close`] at the end of a test;
/// if the test panics first, dropping it stops chromedriver and its browser.
pub struct Browser {
    /// The WebDriver session.
    pub client: Client,
    /// How it was set up.
    pub options: Options,
    driver: Child,
    port: u16,
    _profile: tempfile::TempDir,
    _permit: SemaphorePermit<'static>,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium with `options`; `None` when
    /// the browser is not installed (see [`binaries`]).
    pub async fn start(options: Options) -> Option<Self> {
        let (chromium, driver_path) = binaries()?;
        let permit = BROWSERS.acquire().await.expect("semaphore open");
        let port = free_port();
        let driver = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().expect("profile dir");
        let mut browser = Self {
            client: connect(port, &chromium, profile.path(), options).await,
            options,
            driver,
            port,
            _profile: profile,
            _permit: permit,
        };
        browser.resize(options.width).await;
        Some(browser)
    }

    /// Sets the viewport (not the window) to `width` CSS pixels.
    pub async fn resize(&mut self, width: u32) {
        self.client
            .set_window_size(width, 900)
            .await
            .expect("window resized");
    }

    /// Opens `url` and returns once the page has loaded.
    pub async fn open(&self, url: &str) {
        self.client.goto(url).await.expect("page opens");
    }

    /// The path of the current page's URL.
    pub async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .expect("url")
            .path()
            .to_owned()
    }

    /// The text of the page's `<h1>`: what a person reads first.
    pub async fn heading(&self) -> String {
        self.text_of("h1").await
    }

    /// The page's language: its root's `lang`.
    pub async fn lang(&self) -> String {
        let lang = self.eval("return document.documentElement.lang;").await;
        lang.as_str().expect("lang is a string").to_owned()
    }

    /// The text of page message `id` in the language of the page on screen,
    /// as the shipped catalog has it (see [`crate::words`]).
    pub async fn t(&self, id: &str) -> &'static str {
        words::text(&self.lang().await, id)
    }

    /// Where the element matching `css` is on screen: the box of its text
    /// (`[left, right]` in CSS pixels), and of the `<main>` card around it.
    pub async fn text_box(&self, css: &str) -> ([f64; 2], [f64; 2]) {
        let script = format!(
            "const e = document.querySelector({css:?});
             const range = document.createRange();
             range.selectNodeContents(e);
             const text = range.getBoundingClientRect();
             const card = document.querySelector('main').getBoundingClientRect();
             return [[text.left, text.right], [card.left, card.right]];"
        );
        let boxes: ([f64; 2], [f64; 2]) = serde_json::from_value(self.eval(&script).await)
            .unwrap_or_else(|e| panic!("no box for {css}: {e}"));
        boxes
    }

    /// The visible text of the first element matching `css`.
    pub async fn text_of(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
            .text()
            .await
            .expect("element text")
    }

    /// The visible text of the whole page.
    pub async fn page_text(&self) -> String {
        self.text_of("body").await
    }

    /// Types `text` into the field labelled `label`, as a person would: found
    /// by its label's text, clicked, cleared, then typed into.
    pub async fn type_into(&self, label: &str, text: &str) {
        let field = self.field_labelled(label).await;
        field.click().await.expect("field focused");
        field.clear().await.expect("field cleared");
        field.send_keys(text).await.expect("typed");
    }

    /// The input that the `<label>` with exactly this text is for.
    pub async fn field_labelled(&self, label: &str) -> Element {
        let xpath = format!("//label[normalize-space()='{label}']");
        let label_element = self
            .client
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no label {label:?}: {e}"));
        let id = label_element
            .attr("for")
            .await
            .expect("label attribute")
            .unwrap_or_else(|| panic!("label {label:?} has no `for`"));
        self.client
            .find(Locator::Id(&id))
            .await
            .unwrap_or_else(|e| panic!("label {label:?} points at no element #{id}: {e}"))
    }

    /// Clicks the button with exactly this text and waits for the next page.
    pub async fn press(&self, button: &str) {
        let xpath = format!("//button[normalize-space()='{button}']");
        let page = self.current_page().await;
        self.client
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no button {button:?}: {e}"))
            .click()
            .await
            .expect("button clicked");
        self.wait_for_next_page(page).await;
    }

    /// Clicks the link with exactly this text and waits for the next page.
    pub async fn follow(&self, link: &str) {
        let page = self.current_page().await;
        self.client
            .find(Locator::LinkText(link))
            .await
            .unwrap_or_else(|e| panic!("no link {link:?}: {e}"))
            .click()
            .await
            .expect("link clicked");
        self.wait_for_next_page(page).await;
    }

    /// The current document's root element.
    async fn current_page(&self) -> Element {
        self.client
            .find(Locator::Css("html"))
            .await
            .expect("a page is open")
    }

    /// Waits until `page` has been replaced by the next document and that one
    /// has loaded. A click returns once it is dispatched; the form submission
    /// or navigation it starts may not even have begun.
    async fn wait_for_next_page(&self, page: Element) {
        for _ in 0..200 {
            // The old root goes stale once the browser has left its document.
            if page.tag_name().await.is_err() {
                // chromedriver finishes pending navigations before a command.
                self.current_page().await;
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the click did not lead to another page within 10 s");
    }

    /// Runs `script` in the page and returns its value.
    pub async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Saves a PNG of the viewport as `dir/name.png`.
    pub async fn screenshot(&self, dir: &Path, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("screenshot saved");
    }

    /// Ends the session (closing Chromium) and stops chromedriver.
    pub async fn close(self) {
        // Drop runs next and stops chromedriver.
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // chromedriver's shutdown command quits the browsers it started, so a
        // failed test leaves no Chromium behind; then make sure it is gone.
        let _ = shutdown_driver(self.port);
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
