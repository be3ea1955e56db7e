//! Steps of the sign-in flows that many tests repeat: ask for a magic link,
//! open it, press the button, sign in with a password.

use reqwest::{Client, Response, StatusCode};

use crate::helpers::{PUBLIC_URL, TestApp, csrf_in, link_in, mail_parts};

/// The `User-Agent` of [`TestApp::browser`], so notices can be checked for it.
pub const BROWSER_AGENT: &str = "LifelineTestBrowser/1.0";

/// The value of the hidden field `name` in a page.
pub fn hidden_field(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    Some(html[start..].split('"').next()?.to_owned())
}

impl TestApp {
    /// A browser: keeps cookies, follows no redirects, sends a `User-Agent`.
    pub fn browser(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(BROWSER_AGENT)
            .build()
            .expect("client")
    }

    /// Fills in and submits the magic-link form (opened at `form_path`, which
    /// may carry `?next=`), sending `next` if given.
    pub async fn request_magic_link_with(
        &self,
        client: &Client,
        form_path: &str,
        email: &str,
        next: Option<&str>,
    ) -> Response {
        let csrf = self.csrf(client, form_path).await;
        let mut fields = vec![("email", email), ("csrf_token", csrf.as_str())];
        if let Some(next) = next {
            fields.push(("next", next));
        }
        self.post_form(client, "/magic-link", &fields).await
    }

    /// Fills in and submits the magic-link form.
    pub async fn request_magic_link(&self, client: &Client, email: &str) -> Response {
        self.request_magic_link_with(client, "/magic-link", email, None)
            .await
    }

    /// The link from the `nth` sign-in-link mail (1-based; other mails, such
    /// as the "new sign-in" notices, are not counted). Panics after 10 s.
    pub async fn nth_magic_link(&self, nth: usize) -> String {
        let wanted = format!("{PUBLIC_URL}/magic-link/verify?token=");
        for _ in 0..200 {
            let links: Vec<_> = self
                .sink
                .messages()
                .into_iter()
                .filter(|mail| mail_parts(mail).0.contains(&wanted))
                .collect();
            if let Some(mail) = links.get(nth - 1) {
                return link_in(self, mail, "/magic-link/verify?token=");
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("no sign-in-link mail number {nth}");
    }

    /// Asks for a magic link for `email` in `client` and returns the link from
    /// the `nth` sign-in-link mail.
    pub async fn mailed_magic_link(&self, client: &Client, email: &str, nth: usize) -> String {
        let response = self.request_magic_link(client, email).await;
        assert_eq!(response.status(), StatusCode::OK);
        self.nth_magic_link(nth).await
    }

    /// Opens `link` in `client` and presses the page's "Sign in" button.
    pub async fn confirm_magic_link(&self, client: &Client, link: &str) -> Response {
        let page = self.open_link(client, link).await;
        assert_eq!(page.status(), StatusCode::OK, "confirmation page refused");
        let html = page.text().await.expect("body");
        self.press_sign_in(client, &html).await
    }

    /// Submits the confirmation form of a magic-link page (`html`) from `client`.
    pub async fn press_sign_in(&self, client: &Client, html: &str) -> Response {
        self.press_confirm(client, "/magic-link/verify", html).await
    }

    /// Submits the confirmation form of a link's page (`html`) to `path` from
    /// `client`, as the page does: its CSRF token and the name of its link, never
    /// the token itself.
    pub async fn press_confirm(&self, client: &Client, path: &str, html: &str) -> Response {
        let csrf = csrf_in(html).expect("csrf field");
        let link = hidden_field(html, "link").expect("link field");
        assert!(
            hidden_field(html, "token").is_none(),
            "no token in the form"
        );
        self.post_form(client, path, &[("link", &link), ("csrf_token", &csrf)])
            .await
    }

    /// Signs in with a password in `client`.
    pub async fn sign_in_with_password(
        &self,
        client: &Client,
        email: &str,
        password: &str,
    ) -> Response {
        let csrf = self.csrf(client, "/login").await;
        self.post_form(
            client,
            "/login",
            &[
                ("email", email),
                ("password", password),
                ("csrf_token", &csrf),
            ],
        )
        .await
    }

    /// Waits until the outbox worker has sent or skipped every job, or panics after 10 s.
    pub async fn wait_until_outbox_is_empty(&self) {
        for _ in 0..100 {
            if self.pending_jobs() == 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("{} outbox job(s) still pending", self.pending_jobs());
    }

    /// The account page as `client` sees it, or `None` when sent to sign in.
    pub async fn account_page(&self, client: &Client) -> Option<String> {
        let response = self.get(client, "/account").await;
        match response.status() {
            StatusCode::OK => Some(response.text().await.expect("body")),
            StatusCode::SEE_OTHER => {
                assert_eq!(response.headers()["location"], "/login");
                None
            }
            other => panic!("unexpected /account status {other}"),
        }
    }
}
