//! The other thing a composition can be: an HTTP `POST` (a signed webhook, say), delivered by
//! the same worker with the same leases, retries and backoff as an email.

use std::time::Duration;

use crate::MailError;

/// A request to deliver: the composer has already built and signed it.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpPost {
    /// The absolute `http` or `https` URL to post to.
    pub url: String,
    /// A short name for logs instead of the URL (which may carry credentials), e.g. the
    /// endpoint's name in the application's settings.
    pub target: String,
    /// Headers to send besides `content-type: application/json`.
    pub headers: Vec<(String, String)>,
    /// The JSON body.
    pub body: String,
}

impl std::fmt::Debug for HttpPost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpPost")
            .field("target", &self.target)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// The worker's HTTP client: rustls, no redirects followed (a redirect is a failed delivery),
/// no cookies, the worker's send timeout.
#[derive(Clone)]
pub(crate) struct HttpClient(reqwest::Client);

impl HttpClient {
    pub(crate) fn new(timeout: Duration) -> Result<Self, MailError> {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("Lifeline-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map(Self)
            .map_err(|e| MailError::Settings(format!("HTTP client: {}", e.without_url())))
    }

    /// Posts `post`; a 2xx answer is a delivery, anything else (another status, a refused
    /// connection, a timeout) a transient failure to retry. Returns the status code.
    pub(crate) async fn post(&self, post: &HttpPost) -> Result<u16, MailError> {
        let mut request = self
            .0
            .post(&post.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(post.body.clone());
        for (name, value) in &post.headers {
            request = request.header(name, value);
        }
        let response = request.send().await.map_err(|error| {
            MailError::Transient(format!("{}: {}", post.target, error.without_url()))
        })?;
        let status = response.status();
        match status.is_success() {
            true => Ok(status.as_u16()),
            false => Err(MailError::Transient(format!(
                "{}: answered HTTP {}",
                post.target,
                status.as_u16()
            ))),
        }
    }
}
