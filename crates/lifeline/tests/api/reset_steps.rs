//! Steps of the reset flow that many tests repeat: get a link by mail, open
//! it, choose a password, sign in.

use reqwest::header::HeaderMap;
use reqwest::{Client, Response, StatusCode};

use crate::helpers::{TestApp, link_in};

/// A response reduced to what a client can compare: status, headers and body.
pub struct Observed {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Observed {
    /// Reads the whole response.
    pub async fn of(response: Response) -> Self {
        Self {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.bytes().await.expect("body").to_vec(),
        }
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Headers that must not differ between two answers: all but `Date` and
    /// `X-Request-Id`, which differ between any two responses.
    pub fn stable_headers(&self) -> Vec<(String, Vec<u8>)> {
        let mut headers: Vec<(String, Vec<u8>)> = self
            .headers
            .iter()
            .filter(|(name, _)| !matches!(name.as_str(), "date" | "x-request-id"))
            .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
            .collect();
        headers.sort();
        headers
    }
}

impl TestApp {
    /// Asks for a reset link for `email` in a fresh browser and returns the
    /// link from the `nth` mail the sink receives (1-based).
    pub async fn mailed_reset_link(&self, email: &str, nth: usize) -> String {
        let response = self.request_reset(&self.new_client(), email).await;
        assert_eq!(response.status(), StatusCode::OK);
        let mail = self.wait_for_mail(nth).await.remove(nth - 1);
        link_in(self, &mail, "/password/reset?token=")
    }

    /// Opens a reset link in `client` and checks that it was accepted.
    pub async fn open_reset_link(&self, client: &Client, link: &str) {
        let response = client.get(link).send().await.expect("request sent");
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "link refused");
        assert_eq!(response.headers()["location"], "/password/reset");
    }

    /// Submits the reset form shown in `client`'s session.
    pub async fn submit_new_password(
        &self,
        client: &Client,
        password: &str,
        confirmation: &str,
    ) -> Response {
        let csrf = self.csrf(client, "/password/reset").await;
        self.post_form(
            client,
            "/password/reset",
            &[
                ("password", password),
                ("password_confirm", confirmation),
                ("csrf_token", &csrf),
            ],
        )
        .await
    }

    /// Opens `link` in a fresh browser and sets `password` with it; panics
    /// unless the reset succeeds.
    pub async fn reset_with(&self, link: &str, password: &str) {
        let browser = self.new_client();
        self.open_reset_link(&browser, link).await;
        let response = self.submit_new_password(&browser, password, password).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "reset failed");
        assert_eq!(response.headers()["location"], "/login");
    }

    /// Signs in with `client` and returns the status of the sign-in POST.
    pub async fn sign_in(&self, client: &Client, email: &str, password: &str) -> StatusCode {
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
        .status()
    }

    /// Whether `password` signs `email` in (tried in a fresh browser).
    pub async fn password_works(&self, email: &str, password: &str) -> bool {
        self.sign_in(&self.new_client(), email, password).await == StatusCode::SEE_OTHER
    }
}

/// The 400 "this link doesn't work" page, with its way to ask again.
pub fn assert_link_refused_page(observed: &Observed) {
    assert_eq!(observed.status, StatusCode::BAD_REQUEST);
    let html = observed.text();
    assert!(html.contains("This link doesn't work"), "{html}");
    assert!(html.contains("href=\"/password/forgot\""), "{html}");
}
