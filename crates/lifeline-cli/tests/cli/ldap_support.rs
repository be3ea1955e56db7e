//! What the LDAP end-to-end tests share: the served `lifeline` binary with
//! `directory.kind = "ldap"` against a fresh throw-away OpenLDAP server
//! (`directory_ldap::testing::Slapd`), its own state on a fresh database, and the calls they
//! make through its HTTP API.

use std::time::Duration;

use directory_ldap::testing::Slapd;
use mail::sink::SmtpSink;
use reqwest::redirect::Policy;
use reqwest::{Client, Response};
use serde_json::json;
use storage::Backend;
use storage::testing::TestDb;

use crate::helpers::{PUBLIC_URL, mail_parts};
use crate::served_binary::ServedBinary;

/// Runs each named `async fn(Backend)` with Lifeline's state on SQLite and on MySQL/MariaDB.
/// A case is reported as ignored, with the reason, when the binary was built without the
/// `ldap` feature, when `slapd` is not installed (unless `LIFELINE_REQUIRE_LDAP=1`), or, for
/// MySQL, as `on_every_backend!` decides.
#[macro_export]
macro_rules! on_ldap_and_backend {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(
                not(feature = "ldap"),
                ignore = "the LDAP plugin is not built in: test with --features ldap"
            )]
            #[cfg_attr(
                all(feature = "ldap", ldap_tests_not_installed),
                ignore = "slapd is not installed (apt-get install slapd ldap-utils) and \
                          LIFELINE_REQUIRE_LDAP=1 is unset"
            )]
            async fn sqlite() {
                super::$name(storage::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(
                not(feature = "ldap"),
                ignore = "the LDAP plugin is not built in: test with --features ldap"
            )]
            #[cfg_attr(
                all(feature = "ldap", ldap_tests_not_installed),
                ignore = "slapd is not installed (apt-get install slapd ldap-utils) and \
                          LIFELINE_REQUIRE_LDAP=1 is unset"
            )]
            #[cfg_attr(
                all(feature = "ldap", not(ldap_tests_not_installed), mysql_tests_not_compiled),
                ignore = "MySQL is not compiled in: build with --features mysql"
            )]
            #[cfg_attr(
                all(feature = "ldap", not(ldap_tests_not_installed), mysql_tests_not_configured),
                ignore = "LIFELINE_TEST_MYSQL_URL was unset when the tests were built"
            )]
            async fn mysql() {
                $crate::helpers::assert_available(storage::Backend::Mysql);
                super::$name(storage::Backend::Mysql).await
            }
        }
    )*};
}

/// How long a test waits for a mail or for the outbox to empty.
const DEADLINE: Duration = Duration::from_secs(30);

/// Per-IP limits the tests' dozens of POSTs from 127.0.0.1 stay under.
pub const ROOMY_LIMITS: &[(&str, &str)] = &[
    ("LIFELINE_LIMITS__PER_IP_BURST", "200"),
    ("LIFELINE_LIMITS__PER_IP_PER_MINUTE", "600"),
];

/// The `[directory]` tables that make the binary use `slapd`.
pub fn directory_toml(slapd: &Slapd) -> String {
    format!(
        "\n[directory]\nkind = \"ldap\"\n\n[directory.ldap]\n{}",
        slapd.settings_toml()
    )
}

/// A served binary whose accounts are in a real OpenLDAP server.
pub struct LdapLifeline {
    /// The directory server (stopped when dropped).
    pub slapd: Slapd,
    /// Lifeline's own state.
    pub db: TestDb,
    /// Where Lifeline delivers its mail.
    pub sink: SmtpSink,
    /// The running binary.
    pub served: ServedBinary,
    /// A browser: keeps cookies, follows no redirect.
    pub browser: Client,
}

impl LdapLifeline {
    /// A fresh slapd, a fresh database on `backend` and the binary serving both; `None` when
    /// the backend is not available (as `TestDb::new`).
    pub async fn start(backend: Backend) -> Option<Self> {
        let db = TestDb::new(backend)?;
        let slapd = tokio::task::spawn_blocking(Slapd::start)
            .await
            .unwrap()
            .unwrap_or_else(|e| panic!("slapd: {e}"));
        let sink = SmtpSink::start().await.unwrap();
        let served = ServedBinary::start_with_toml(
            &db,
            &sink,
            "info",
            ROOMY_LIMITS,
            &directory_toml(&slapd),
        )
        .await;
        let browser = Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap();
        Some(Self {
            slapd,
            db,
            sink,
            served,
            browser,
        })
    }

    /// POSTs `body` as JSON to `path` with the browser.
    pub async fn post_json(&self, path: &str, body: serde_json::Value) -> Response {
        self.browser
            .post(self.served.url(path))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// `POST /api/v1/session` with an address and a password.
    pub async fn sign_in(&self, email: &str, password: &str) -> Response {
        self.post_json(
            "/api/v1/session",
            json!({ "email": email, "password": password }),
        )
        .await
    }

    /// Waits until every outbox job is sent or given up: every mail the requests so far
    /// caused is then in the sink.
    pub async fn drain_outbox(&self) {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        loop {
            let now = chrono::Utc::now().naive_utc();
            let pending = storage::outbox::stats(&mut self.db.conn().unwrap(), now)
                .unwrap()
                .pending;
            if pending == 0 {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{pending} outbox job(s) still pending after {DEADLINE:?}:\n{}",
                self.served.output()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The `path_prefix` link in the `count`th mail (waiting for it), pointed at the binary.
    pub async fn mailed_link(&self, count: usize, path_prefix: &str) -> String {
        let mut mails = self
            .sink
            .wait_for(count, DEADLINE)
            .await
            .unwrap_or_else(|_| panic!("no mail {count}:\n{}", self.served.output()));
        let (text, _) = mail_parts(&mails.remove(count - 1));
        let wanted = format!("{PUBLIC_URL}{path_prefix}");
        text.split_whitespace()
            .find(|word| word.starts_with(&wanted))
            .unwrap_or_else(|| panic!("no {wanted} link in:\n{text}"))
            .replace(PUBLIC_URL, &self.served.address)
    }

    /// Whether `ldapwhoami` binds as `dn` with `password`.
    pub fn binds(&self, dn: &str, password: &str) -> bool {
        self.slapd.can_bind(dn, password).unwrap()
    }

    /// The live sessions of every LDAP account Lifeline keeps state for.
    pub fn live_sessions(&self) -> usize {
        let mut conn = self.db.conn().unwrap();
        let now = chrono::Utc::now().naive_utc();
        storage::external_accounts::list(&mut conn, "ldap", None, 100)
            .unwrap()
            .iter()
            .map(|row| {
                storage::sessions::list_for_user(&mut conn, row.id, row.auth_epoch, now)
                    .unwrap()
                    .len()
            })
            .sum()
    }
}
