//! Several real `lifeline serve` processes as one deployment: one database,
//! one SMTP sink, shared keys, each instance on its own port.

use mail::sink::{ReceivedMessage, SmtpSink};
use reqwest::Client;
use storage::Backend;
use storage::testing::TestDb;
use tokio::sync::Mutex;

use crate::helpers::{PUBLIC_URL, mail_parts, token_of};
use crate::served_binary::{InstanceKeys, ServedBinary};

/// The tests of this binary take turns: each runs several processes, and
/// two of them at once on a small machine would measure the machine.
pub static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// What every instance runs with, on top of the served-binary test
/// configuration: per-IP, per-address and per-link limits far above what the tests send
/// (they test races and faults, not limits), a pool wait long enough for a
/// burst of requests, and a short outbox lease, so that work a killed instance
/// held is taken over within seconds, and batches of eight jobs with at most
/// four deliveries in flight per instance. A worker starts a send only while
/// the lease still covers 1.5 send timeouts, so a 10 s lease with a 2 s send
/// timeout leaves 7 s for claiming and composing a batch, which on a busy
/// machine (SQLite writers of two processes waiting for each other's lock on a
/// disk still flushing a build) can take seconds.
pub const INSTANCE_SETTINGS: &[(&str, &str)] = &[
    ("LIFELINE_LIMITS__PER_IP_PER_MINUTE", "1000000"),
    ("LIFELINE_LIMITS__PER_IP_BURST", "100000"),
    ("LIFELINE_LIMITS__PER_ADDRESS_PER_HOUR", "1000"),
    ("LIFELINE_LIMITS__PER_ACCOUNT_MAILS_PER_HOUR", "1000"),
    ("LIFELINE_LIMITS__GLOBAL_PER_SECOND", "100000"),
    ("LIFELINE_LIMITS__ATTEMPTS_PER_LINK", "100000"),
    ("LIFELINE_DATABASE__POOL_SIZE", "8"),
    ("LIFELINE_DATABASE__CONNECT_TIMEOUT_MS", "10000"),
    ("LIFELINE_MAIL__WORKER__SEND_TIMEOUT_SECS", "2"),
    ("LIFELINE_MAIL__WORKER__LEASE_SECS", "10"),
    ("LIFELINE_MAIL__WORKER__CONCURRENCY", "4"),
    ("LIFELINE_MAIL__WORKER__BATCH_SIZE", "8"),
];

/// [`INSTANCE_SETTINGS`], then `env` (a later variable wins).
fn settings_with<'a>(env: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    INSTANCE_SETTINGS
        .iter()
        .copied()
        .chain(env.iter().copied())
        .collect()
}

/// The jobs one instance's worker claims at a time (`INSTANCE_SETTINGS`).
pub const WORKER_BATCH: usize = 8;

/// One deployment under test.
pub struct Cluster {
    /// The database every instance uses.
    pub db: TestDb,
    /// The SMTP server every instance delivers to.
    pub sink: SmtpSink,
    /// A client without cookies that follows no redirects.
    pub client: Client,
    /// The running instances, in start order.
    pub instances: Vec<ServedBinary>,
    keys: InstanceKeys,
}

impl Cluster {
    /// A fresh database and sink without instances; `None` when `backend`
    /// is not available (the storage test helpers decide).
    pub async fn new(backend: Backend) -> Option<Self> {
        let db = TestDb::new(backend)?;
        eprintln!("running on {backend}");
        Some(Self {
            db,
            sink: SmtpSink::start().await.expect("smtp sink"),
            client: Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            instances: Vec::new(),
            keys: InstanceKeys::generate(),
        })
    }

    /// Starts one more instance and waits until it listens; returns its index.
    pub async fn start_instance(&mut self) -> usize {
        self.start_instance_with(&[]).await
    }

    /// [`Cluster::start_instance`] with `env` on top of the deployment's settings.
    pub async fn start_instance_with(&mut self, env: &[(&str, &str)]) -> usize {
        let instance = ServedBinary::start_with_keys(
            &self.db,
            &self.sink,
            "info",
            &self.keys,
            &settings_with(env),
        )
        .await;
        self.instances.push(instance);
        self.instances.len() - 1
    }

    /// Stops instance `n` and starts it again with `env` on top of the deployment's
    /// settings (a new configuration rolled out to it), at the same index.
    pub async fn restart_instance(&mut self, n: usize, env: &[(&str, &str)]) {
        let settings = settings_with(env);
        let old = std::mem::replace(
            &mut self.instances[n],
            ServedBinary::start_with_keys(&self.db, &self.sink, "info", &self.keys, &settings)
                .await,
        );
        drop(old);
    }

    /// The keys every instance started with.
    pub fn keys(&self) -> &InstanceKeys {
        &self.keys
    }

    /// The warnings and errors every instance logged, for a failure message.
    pub fn troubles(&self) -> String {
        let mut report = String::new();
        for (n, instance) in self.instances.iter().enumerate() {
            let output = instance.output();
            let lines: Vec<&str> = output
                .lines()
                .filter(|line| line.contains("\"WARN\"") || line.contains("\"ERROR\""))
                .collect();
            let shown = &lines[lines.len().saturating_sub(40)..];
            report.push_str(&format!(
                "instance {n}: {} warning(s) and error(s), the last {}:\n{}\n",
                lines.len(),
                shown.len(),
                shown.join("\n")
            ));
        }
        report
    }

    /// `path` on instance `n`.
    pub fn url(&self, n: usize, path: &str) -> String {
        self.instances[n].url(path)
    }
}

/// The token of the `PUBLIC_URL + path_prefix` link in a mail's text part.
pub fn token_in(mail: &ReceivedMessage, path_prefix: &str) -> String {
    let (text, _) = mail_parts(mail);
    let wanted = format!("{PUBLIC_URL}{path_prefix}");
    let link = text
        .split_whitespace()
        .find(|word| word.starts_with(&wanted))
        .unwrap_or_else(|| panic!("no {wanted} link in mail:\n{text}"));
    token_of(link)
}

/// The `Message-ID` of a mail.
pub fn message_id(mail: &ReceivedMessage) -> String {
    mail.header("message-id").expect("a Message-ID")
}
