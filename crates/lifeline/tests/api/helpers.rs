//! The test harness: a whole Lifeline service per test on a fresh database
//! (SQLite file or MariaDB), a real SMTP sink on 127.0.0.1, and a
//! cookie-keeping HTTP client. Nothing is mocked.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use lifeline::{Application, PasswordHasherService, Settings};
use mail::sink::{ReceivedMessage, SmtpSink};
use reqwest::redirect::Policy;
use reqwest::{Client, Response};
use storage::testing::TestDb;
use storage::{Backend, EmailAddress, users};
use token_core::Clock;

/// The public URL every test app is configured with. It is not where the app
/// listens, so a link that works must have been built from the configuration
/// and rewritten by the test — never from the request's `Host` header.
pub const PUBLIC_URL: &str = "http://lifeline.test";

/// Runs each named `async fn name(backend: Backend)` once on SQLite, once on MySQL and once
/// on PostgreSQL, as the tests `name::sqlite`, `name::mysql` and `name::postgres`.
///
/// A MySQL or PostgreSQL case that cannot run is reported as ignored, with the reason, never
/// as passed: the build script sets `mysql_tests_not_compiled` or
/// `mysql_tests_not_configured` (and the `postgres_…` pair; neither when
/// `LIFELINE_REQUIRE_MYSQL=1` or `LIFELINE_REQUIRE_POSTGRES=1`, which makes such a case fail
/// instead). A case that is not ignored insists on its backend.
#[macro_export]
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(storage::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(
                mysql_tests_not_compiled,
                ignore = "MySQL is not compiled in: build with --features mysql"
            )]
            #[cfg_attr(
                mysql_tests_not_configured,
                ignore = "LIFELINE_TEST_MYSQL_URL was unset when the tests were built"
            )]
            async fn mysql() {
                $crate::helpers::assert_available(storage::Backend::Mysql);
                super::$name(storage::Backend::Mysql).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(
                postgres_tests_not_compiled,
                ignore = "PostgreSQL is not compiled in: build with --features postgres"
            )]
            #[cfg_attr(
                postgres_tests_not_configured,
                ignore = "LIFELINE_TEST_POSTGRES_URL was unset when the tests were built"
            )]
            async fn postgres() {
                $crate::helpers::assert_available(storage::Backend::Postgres);
                super::$name(storage::Backend::Postgres).await
            }
        }
    )*};
}

/// Panics unless the tests can use `backend`: a case that is not ignored must not pass
/// without running (e.g. when `LIFELINE_TEST_MYSQL_URL` was set when the tests were built but
/// is unset now).
pub fn assert_available(backend: Backend) {
    let (env, feature) = match backend {
        Backend::Mysql => (storage::testing::MYSQL_URL_ENV, "mysql"),
        Backend::Postgres => (storage::testing::POSTGRES_URL_ENV, "postgres"),
        Backend::Sqlite => return,
    };
    assert!(
        storage::testing::available_backends().contains(&backend),
        "this {backend} case cannot run: set {env} (with the `{feature}` feature)"
    );
}

/// System time plus an adjustable offset, so a test can step past an expiry.
#[derive(Clone, Default)]
pub struct TestClock(Arc<AtomicI64>);

impl TestClock {
    /// Moves time forward.
    pub fn advance(&self, by: Duration) {
        self.0.fetch_add(by.as_secs() as i64, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now_unix(&self) -> i64 {
        token_core::SystemClock.now_unix() + self.0.load(Ordering::SeqCst)
    }
}

/// A running service and everything around it.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`
    pub address: String,
    /// The database (dropped after the test).
    pub db: TestDb,
    /// The SMTP server the app delivers to.
    pub sink: SmtpSink,
    /// The app's clock.
    pub clock: TestClock,
    /// A client that keeps cookies and does not follow redirects.
    pub client: Client,
    /// A password hasher with the app's configured cost.
    pub hasher: PasswordHasherService,
    /// The settings the app runs with.
    pub settings: Settings,
    /// The running server, stopped when the test app is dropped.
    running: Option<Running>,
}

/// A server started by [`spawn_app_prepared`], with what stops it.
struct Running {
    server: actix_web::dev::ServerHandle,
    served: tokio::task::JoinHandle<()>,
}

/// Longest wait for a stopping server and its outbox worker (a send in flight finishes first).
const STOP_PATIENCE: Duration = Duration::from_secs(30);

impl Drop for TestApp {
    /// Stops the server and its workers, in the test's own thread, before the database is
    /// dropped: nothing is left using the database or its client library when the test is
    /// reported (see `storage::testing`).
    fn drop(&mut self) {
        let Some(Running { server, served }) = self.running.take() else {
            return;
        };
        let runtime = tokio::runtime::Handle::current();
        // Tests that start a server run on the multi-threaded runtime (`on_every_backend!`):
        // blocking in place is impossible on the other one, where the server stops with it.
        if runtime.runtime_flavor() != tokio::runtime::RuntimeFlavor::MultiThread {
            return;
        }
        tokio::task::block_in_place(|| {
            runtime.block_on(async move {
                server.stop(false).await;
                if tokio::time::timeout(STOP_PATIENCE, served).await.is_err() {
                    eprintln!("warning: the test server did not stop within {STOP_PATIENCE:?}");
                }
            });
        });
    }
}

/// Settings for a test app; `tweak` can change anything before start.
pub fn test_settings(
    db: &TestDb,
    sink: &SmtpSink,
    tweak: impl FnOnce(figment::Figment) -> figment::Figment,
) -> Settings {
    Settings::from_figment(test_figment(db, sink, tweak)).expect("test settings are valid")
}

/// The layers behind [`test_settings`], not yet loaded (nor validated).
pub fn test_figment(
    db: &TestDb,
    sink: &SmtpSink,
    tweak: impl FnOnce(figment::Figment) -> figment::Figment,
) -> figment::Figment {
    let (token_key, session_key) = lifeline::generate_keys(1).expect("keys");
    let smtp = sink.smtp_settings();
    let figment = Settings::figment(None)
        .merge(("database.url", db.url()))
        .merge(("database.pool_size", 8))
        .merge(("server.bind", "127.0.0.1:0"))
        .merge(("server.public_url", PUBLIC_URL))
        .merge(("server.workers", 1))
        .merge(("server.shutdown_timeout_secs", 1))
        .merge(("keys.token", token_key.as_str()))
        .merge(("keys.session", session_key.as_str()))
        .merge(("mail.transport", serde_json::json!({
            "kind": "smtp", "host": smtp.host, "port": smtp.port, "tls": "none", "timeout_secs": 5,
        })))
        .merge(("mail.worker.poll_interval_ms", 100))
        .merge(("mail.worker.send_timeout_secs", 5))
        .merge(("mail.worker.lease_secs", 10))
        .merge(("password.argon2_memory_kib", 4096))
        .merge(("password.argon2_iterations", 1))
        .merge(("limits.per_ip_per_minute", 6000))
        .merge(("limits.per_ip_burst", 1000))
        .merge(("limits.per_address_per_hour", 100))
        .merge(("limits.per_account_mails_per_hour", 100))
        .merge(("log.filter", "warn"));
    tweak(figment)
}

/// The same test settings with the development mailbox instead of SMTP.
pub fn with_dev_mailbox(figment: figment::Figment) -> figment::Figment {
    let mut settings: serde_json::Value = figment.extract().expect("settings");
    settings["mail"]["transport"] = serde_json::json!({ "kind": "mailbox" });
    settings["mode"] = serde_json::json!("development");
    figment::Figment::from(figment::providers::Serialized::defaults(settings))
}

/// A fresh app on `backend` with the default test settings; `None` when MySQL
/// is not configured and not required (the storage test helpers decide).
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |f| f).await
}

/// A fresh app with changed settings.
pub async fn spawn_app_with(
    backend: Backend,
    tweak: impl FnOnce(figment::Figment) -> figment::Figment,
) -> Option<TestApp> {
    spawn_app_prepared(backend, |_| {}, tweak).await
}

/// A fresh app with changed settings, after `prepare` ran on its fresh, migrated database
/// (e.g. to create an application's own tables before the service checks them at start-up).
pub async fn spawn_app_prepared(
    backend: Backend,
    prepare: impl FnOnce(&TestDb),
    tweak: impl FnOnce(figment::Figment) -> figment::Figment,
) -> Option<TestApp> {
    let db = TestDb::new(backend)?;
    prepare(&db);
    eprintln!("running on {backend}");
    let sink = SmtpSink::start().await.expect("smtp sink");
    let settings = test_settings(&db, &sink, tweak);
    let clock = TestClock::default();
    let app = Application::build_with_clock(settings.clone(), Arc::new(clock.clone()))
        .await
        .expect("app builds");
    Some(TestApp::serve(app, db, sink, clock, settings))
}

impl TestApp {
    /// Starts `app` (built with `settings` on `db`, delivering to `sink`, reading `clock`) and
    /// wraps it for a test; it stops when the test app is dropped.
    pub fn serve(
        app: Application,
        db: TestDb,
        sink: SmtpSink,
        clock: TestClock,
        settings: Settings,
    ) -> TestApp {
        let address = format!("http://127.0.0.1:{}", app.port());
        let hasher = lifeline::ops::password_hasher(&settings).expect("hasher");
        let server = app.server_handle();
        let served = tokio::spawn(async move {
            if let Err(error) = app.run_until_stopped().await {
                eprintln!("warning: the test server stopped with an error: {error:#}");
            }
        });
        let client = Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("client");
        TestApp {
            address,
            db,
            sink,
            clock,
            client,
            hasher,
            settings,
            running: Some(Running { server, served }),
        }
    }
}

impl TestApp {
    /// A second client with its own cookie jar (another browser).
    pub fn new_client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("client")
    }

    /// Another browser whose every request says `Accept-Language: accept_language`.
    pub fn client_speaking(&self, accept_language: &str) -> Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::ACCEPT_LANGUAGE,
            accept_language.parse().expect("header value"),
        );
        Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .default_headers(headers)
            .build()
            .expect("client")
    }

    /// The app's clock as a database timestamp (UTC).
    pub fn now(&self) -> chrono::NaiveDateTime {
        chrono::DateTime::from_timestamp(self.clock.now_unix(), 0)
            .expect("a time in range")
            .naive_utc()
    }

    /// `address + path`
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Creates an account with a password.
    pub fn create_user(&self, email: &str, password: &str) -> users::User {
        let hash = self
            .hasher
            .hash(&lifeline::Password::new(password.into()))
            .expect("hash");
        let email = EmailAddress::parse(email).expect("valid address");
        users::create(
            &mut self.db.conn().expect("conn"),
            &users::NewUser {
                email: &email,
                password_hash: Some(&hash),
                now: chrono::Utc::now().naive_utc(),
            },
        )
        .expect("user created")
    }

    /// GET with `client`.
    pub async fn get(&self, client: &Client, path: &str) -> Response {
        client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    /// Opens a mailed `link` in `client` as a browser does, and returns the page
    /// it ends on. The first hop of a usable link must redirect (303) to the
    /// link's clean URL, with the token neither in `Location` nor in a cookie in
    /// clear; a refused link's answer is returned as it is.
    pub async fn open_link(&self, client: &Client, link: &str) -> Response {
        let first = client.get(link).send().await.expect("request sent");
        if first.status() != reqwest::StatusCode::SEE_OTHER {
            return first;
        }
        let token = token_of(link);
        let location = first.headers()["location"].to_str().expect("ASCII");
        let clean = reqwest::Url::parse(link).expect("URL");
        assert_eq!(
            location,
            clean.path(),
            "the first hop leads to the clean URL"
        );
        for cookie in first.headers().get_all("set-cookie") {
            let cookie = cookie.to_str().expect("ASCII");
            assert!(!cookie.contains(&token), "token in a cookie in clear");
        }
        self.get(client, location).await
    }

    /// The CSRF token of the form at `path`, fetched with `client` (which also
    /// gets its session cookie this way).
    pub async fn csrf(&self, client: &Client, path: &str) -> String {
        let html = self.get(client, path).await.text().await.expect("body");
        csrf_in(&html).unwrap_or_else(|| panic!("no csrf_token on {path}: {html}"))
    }

    /// POST a form with `client`.
    pub async fn post_form(
        &self,
        client: &Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("request sent")
    }

    /// POST JSON with `client`.
    pub async fn post_json(
        &self,
        client: &Client,
        path: &str,
        body: &serde_json::Value,
    ) -> Response {
        client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Fills in and submits the forgot-password form.
    pub async fn request_reset(&self, client: &Client, email: &str) -> Response {
        let csrf = self.csrf(client, "/password/forgot").await;
        self.post_form(
            client,
            "/password/forgot",
            &[("email", email), ("csrf_token", &csrf)],
        )
        .await
    }

    /// Waits until the sink holds `count` messages, or panics after 30 s.
    pub async fn wait_for_mail(&self, count: usize) -> Vec<ReceivedMessage> {
        self.sink
            .wait_for(count, Duration::from_secs(30))
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "expected {count} mail(s), got {}",
                    self.sink.messages().len()
                )
            })
    }

    /// Waits until every outbox job is sent or given up, or panics after 30 s.
    ///
    /// Every request commits its jobs before it is answered, and the worker marks a job
    /// sent only after the relay accepted its mail; so once nothing is pending, every mail
    /// the requests so far caused is in the sink, and a mail that is not there will never
    /// come. The test worker polls the outbox every 100 ms, so this takes as long as the work
    /// (plus one poll), never a fixed time.
    pub async fn drain_outbox(&self) {
        const DEADLINE: Duration = Duration::from_secs(30);
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            let pending = self.pending_jobs();
            if pending == 0 {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{pending} outbox job(s) still pending after {DEADLINE:?}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// `lifeline_password_verifications_total` from `GET /metrics`: the password
    /// verifications the app ran so far.
    pub async fn password_verifications(&self) -> u64 {
        let text = self
            .get(&self.new_client(), "/metrics")
            .await
            .text()
            .await
            .expect("metrics text");
        text.lines()
            .find_map(|line| line.strip_prefix("lifeline_password_verifications_total "))
            .and_then(|value| value.parse().ok())
            .unwrap_or_else(|| panic!("no password verification count in\n{text}"))
    }

    /// The number of outbox jobs not yet sent or given up.
    pub fn pending_jobs(&self) -> i64 {
        let now = chrono::Utc::now().naive_utc();
        storage::outbox::stats(&mut self.db.conn().expect("conn"), now)
            .expect("stats")
            .pending
    }
}

/// The `csrf_token` hidden field's value in a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let start = html.find("name=\"csrf_token\" value=\"")? + "name=\"csrf_token\" value=\"".len();
    Some(html[start..].split('"').next()?.to_owned())
}

/// The decoded text and HTML parts of a received mail.
pub fn mail_parts(message: &ReceivedMessage) -> (String, String) {
    let parsed = mailparse::parse_mail(&message.data).expect("mail parses");
    let mut text = String::new();
    let mut html = String::new();
    for part in parsed.subparts.iter().chain(std::iter::once(&parsed)) {
        match part.ctype.mimetype.as_str() {
            "text/plain" => text = part.get_body().expect("text body"),
            "text/html" => html = part.get_body().expect("html body"),
            _ => {}
        }
    }
    (text, html)
}

/// The link starting with `PUBLIC_URL + path_prefix` in a mail's text part,
/// checked to use the configured public URL, and rewritten to the test server.
pub fn link_in(app: &TestApp, message: &ReceivedMessage, path_prefix: &str) -> String {
    let (text, _) = mail_parts(message);
    let wanted = format!("{PUBLIC_URL}{path_prefix}");
    let link = text
        .split_whitespace()
        .find(|word| word.starts_with(&wanted))
        .unwrap_or_else(|| panic!("no {wanted} link in mail:\n{text}"));
    let url = reqwest::Url::parse(link).expect("link is a URL");
    assert_eq!(
        url.host_str(),
        Some("lifeline.test"),
        "links must use the configured public URL"
    );
    format!(
        "{}{}?{}",
        app.address,
        url.path(),
        url.query().unwrap_or_default()
    )
}

/// The token query parameter of a link.
pub fn token_of(link: &str) -> String {
    let url = reqwest::Url::parse(link).expect("URL");
    url.query_pairs()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
        .expect("token in link")
}
