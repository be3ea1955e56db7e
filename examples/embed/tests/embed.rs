//! The example host, built and driven as a browser would: its own pages beside
//! Lifeline under `/auth`, a real SQLite file (and MariaDB when
//! `LIFELINE_TEST_MYSQL_URL` is set, with the `mysql` feature), a real SMTP sink
//! on 127.0.0.1 and a cookie-keeping HTTP client. Nothing is mocked.

// Tests fail by panicking: a failed step panics with its cause.
#![expect(
    clippy::unwrap_used,
    reason = "a failed step in a test panics with its cause"
)]

use std::time::Duration;

use lifeline::{Password, PasswordHasherService, Settings};
use lifeline_embed_example::{DEFAULT_PORT, Host, LIFELINE_PATH};
use mail::sink::{ReceivedMessage, SmtpSink};
use reqwest::header::{CONTENT_SECURITY_POLICY, LOCATION, REFERRER_POLICY, SET_COOKIE};
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use storage::testing::TestDb;
use storage::{Backend, EmailAddress, users};

/// Mail links must be built from this configured address, never from the request.
const PUBLIC_URL: &str = "http://host.test";
const OLD_PASSWORD: &str = "the old password, long enough";
const NEW_PASSWORD: &str = "a brand new passphrase here";

/// Runs `async fn name(backend)` as `name::sqlite` and `name::mysql`.
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(storage::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn mysql() {
                super::$name(storage::Backend::Mysql).await
            }
        }
    )*};
}

on_every_backend!(
    a_password_reset_works_under_the_prefix_beside_the_host_pages,
    stopping_the_workers_releases_their_leases_and_sends_no_more_mail,
);

/// The example host on port 0 over `db`, delivering to `sink`.
async fn build_host(db: &TestDb, sink: &SmtpSink, concurrency: u32) -> Host {
    let (token_key, session_key) = lifeline::generate_keys(1).unwrap();
    let smtp = sink.smtp_settings();
    let figment = Settings::figment(None)
        .merge(("server.base_path", LIFELINE_PATH))
        .merge(("server.bind", "127.0.0.1:0"))
        .merge(("server.public_url", PUBLIC_URL))
        .merge(("database.url", db.url()))
        .merge(("keys.token", token_key.as_str()))
        .merge(("keys.session", session_key.as_str()))
        .merge(("mail.transport", serde_json::json!({
            "kind": "smtp", "host": smtp.host, "port": smtp.port, "tls": "none", "timeout_secs": 5,
        })))
        .merge(("mail.worker.poll_interval_ms", 100))
        .merge(("mail.worker.send_timeout_secs", 5))
        .merge(("mail.worker.lease_secs", 30))
        .merge(("mail.worker.concurrency", concurrency))
        .merge(("password.argon2_memory_kib", 4096))
        .merge(("password.argon2_iterations", 1))
        .merge(("log.filter", "warn"));
    Host::build(Settings::from_figment(figment).unwrap())
        .await
        .unwrap()
}

fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

fn create_account(db: &TestDb, email: &str) {
    // The cost `build_host` configures; a hash carries its cost, so any cost verifies.
    let hash = PasswordHasherService::new(4096, 1, 1)
        .unwrap()
        .hash(&Password::new(OLD_PASSWORD.into()))
        .unwrap();
    users::create(
        &mut db.conn().unwrap(),
        &users::NewUser {
            email: &EmailAddress::parse(email).unwrap(),
            password_hash: Some(&hash),
            now: chrono::Utc::now().naive_utc(),
        },
    )
    .unwrap();
}

/// The `csrf_token` hidden field's value in a page.
fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no csrf_token: {html}"))
        + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// The text part's link starting with `PUBLIC_URL + path`, rewritten to the test server.
fn link_in(message: &ReceivedMessage, path: &str, base: &str) -> String {
    let mail = mailparse::parse_mail(&message.data).unwrap();
    let text = mail
        .subparts
        .iter()
        .chain(std::iter::once(&mail))
        .find(|part| part.ctype.mimetype == "text/plain")
        .unwrap()
        .get_body()
        .unwrap();
    let wanted = format!("{PUBLIC_URL}{path}");
    let link = text
        .split_whitespace()
        .find(|word| word.starts_with(&wanted))
        .unwrap_or_else(|| panic!("no {wanted} link in:\n{text}"));
    link.replacen(PUBLIC_URL, base, 1)
}

async fn a_password_reset_works_under_the_prefix_beside_the_host_pages(backend: Backend) {
    // Arrange
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let sink = SmtpSink::start().await.unwrap();
    let host = build_host(&db, &sink, 4).await;
    create_account(&db, "ada@example.com");
    let base = format!("http://127.0.0.1:{}", host.port);
    let url = |path: &str| format!("{base}{path}");
    tokio::spawn(host.server);
    let browser = client();

    // The host's own pages: served, and untouched by Lifeline's middleware.
    for path in ["/", "/hello"] {
        let response = browser.get(url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        for header in [SET_COOKIE, CONTENT_SECURITY_POLICY, REFERRER_POLICY] {
            assert!(
                response.headers().get(&header).is_none(),
                "{path}: {header}"
            );
        }
    }
    let home = browser
        .get(url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("href=\"/auth/password/forgot\""), "{home}");

    // Act 1: ask for a link under the prefix.
    let forgot = browser
        .get(url("/auth/password/forgot"))
        .send()
        .await
        .unwrap();
    assert!(forgot.headers().get(CONTENT_SECURITY_POLICY).is_some());
    let cookie = forgot
        .headers()
        .get(SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("lifeline_session="), "{cookie}");
    assert!(
        cookie.contains("Path=/auth"),
        "the session stays on Lifeline's pages: {cookie}"
    );
    let html = forgot.text().await.unwrap();
    assert!(html.contains("action=\"/auth/password/forgot\""), "{html}");
    assert!(
        html.contains("href=\"/auth/static/lifeline.css\""),
        "{html}"
    );
    let response = browser
        .post(url("/auth/password/forgot"))
        .form(&[
            ("email", "ada@example.com"),
            ("csrf_token", &csrf_in(&html)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    // Assert 1: the mail came over SMTP with a link under the prefix.
    let mails = sink.wait_for(1, Duration::from_secs(10)).await.unwrap();
    let link = link_in(&mails[0], "/auth/password/reset?token=", &base);

    // Act 2: follow the link, set a new password.
    let opened = browser.get(&link).send().await.unwrap();
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    assert_eq!(opened.headers()[LOCATION], "/auth/password/reset");
    let form = browser
        .get(url("/auth/password/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    let html = form.text().await.unwrap();
    assert!(html.contains("action=\"/auth/password/reset\""), "{html}");
    let changed = browser
        .post(url("/auth/password/reset"))
        .form(&[
            ("password", NEW_PASSWORD),
            ("password_confirm", NEW_PASSWORD),
            ("csrf_token", &csrf_in(&html)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    assert_eq!(changed.headers()[LOCATION], "/auth/login");

    // Assert 2: the new password signs in, and the account page is under the prefix.
    let html = browser
        .get(url("/auth/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let signed_in = browser
        .post(url("/auth/login"))
        .form(&[
            ("email", "ada@example.com"),
            ("password", NEW_PASSWORD),
            ("csrf_token", &csrf_in(&html)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_in.headers()[LOCATION], "/auth/account");
    let account = browser.get(url("/auth/account")).send().await.unwrap();
    assert_eq!(account.status(), StatusCode::OK);
    assert!(account.text().await.unwrap().contains("ada@example.com"));
    host.workers.stop().await.unwrap();
}

async fn stopping_the_workers_releases_their_leases_and_sends_no_more_mail(backend: Backend) {
    // Arrange: a slow SMTP server and one delivery at a time, so jobs are in
    // flight and claimed when the host stops Lifeline's workers.
    let Some(db) = TestDb::new(backend) else {
        return;
    };
    let sink = SmtpSink::start().await.unwrap();
    sink.set_reply_delay(Duration::from_millis(1000));
    let host = build_host(&db, &sink, 1).await;
    let emails = [
        "a@example.com",
        "b@example.com",
        "c@example.com",
        "d@example.com",
    ];
    for email in emails {
        create_account(&db, email);
    }
    let api = format!("http://127.0.0.1:{}/auth/api/v1/password/forgot", host.port);
    let Host {
        server, workers, ..
    } = host;
    tokio::spawn(server);
    let ask = |email: &'static str| {
        let api = api.clone();
        async move {
            let response = client()
                .post(api)
                .json(&serde_json::json!({ "email": email }))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::ACCEPTED);
        }
    };
    for email in &emails[..3] {
        ask(email).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await; // the first delivery is under way
    let owner = workers.owner().to_owned();

    // Act
    workers.stop().await.unwrap();
    let delivered = sink.messages().len();
    ask(emails[3]).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;

    // Assert: the delivery in flight finished, nothing is left leased to the stopped
    // worker, every job is delivered or still queued, and nothing more is sent.
    assert!(delivered >= 1, "the delivery in flight must complete");
    let mut conn = db.conn().unwrap();
    assert_eq!(
        storage::outbox::release_leases(&mut conn, &owner).unwrap(),
        0
    );
    let now = chrono::Utc::now().naive_utc();
    let pending = storage::outbox::stats(&mut conn, now).unwrap().pending;
    assert_eq!(
        pending as usize + delivered,
        4,
        "every job is sent or queued"
    );
    assert_eq!(
        sink.messages().len(),
        delivered,
        "no mail after the workers stopped"
    );
}

#[test]
fn the_host_mounts_lifeline_under_auth_unless_configured_otherwise() {
    let settings = lifeline_embed_example::settings(None).unwrap();
    assert_eq!(settings.server.base_path, LIFELINE_PATH);
}

/// The example listens where the guide says, and not on the port `lifeline serve` (and
/// `lifeline demo`) take by default, so both run side by side.
#[test]
fn the_example_listens_on_its_own_port_as_the_guide_says() {
    let guide = include_str!("../../../docs/integrating.md");
    let settings = lifeline_embed_example::settings(None).unwrap();
    let standalone = Settings::from_figment(Settings::figment(None)).unwrap();

    assert_eq!(settings.server.bind.port(), DEFAULT_PORT);
    assert_eq!(
        settings.server.public_url,
        format!("http://127.0.0.1:{DEFAULT_PORT}")
    );
    assert!(guide.contains(&format!(
        "It serves the host's own pages at `http://127.0.0.1:{DEFAULT_PORT}/`"
    )));
    assert_ne!(DEFAULT_PORT, standalone.server.bind.port());
}

/// docs/integrating.md shows the host's code: each Rust block of its embedding section
/// ("## Rust: embed it …") must be a verbatim piece of this example, so the page cannot
/// drift from code that runs. (Other sections' blocks are checked by their own tests.)
#[test]
fn the_code_shown_in_the_embedding_guide_is_the_example_s_own() {
    let guide = include_str!("../../../docs/integrating.md");
    let source = include_str!("../src/lib.rs");
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    let mut embedding = false;
    for line in guide.lines() {
        if current.is_none() && line.starts_with("## ") {
            embedding = line.starts_with("## Rust: embed it");
        }
        if !embedding {
            continue;
        }
        match (&mut current, line.trim()) {
            (None, "```rust") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    assert!(blocks.len() >= 2, "the guide shows the host's code");
    for block in blocks {
        assert!(
            source.contains(&block),
            "not in examples/embed/src/lib.rs:\n{block}"
        );
    }
}
