//! Shared set-up: a fresh database per backend, a real SMTP sink, a steppable clock, and a
//! composer that renders the real templates from the job payload.

#![expect(
    clippy::expect_used,
    reason = "test set-up should fail loudly and say where"
)]

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDateTime;
use mail::sink::SmtpSink;
use mail::{
    Branding, Composer, Composition, EmailTemplates, MailError, OutboxWorker, OutgoingEmail,
    Sender, SenderSettings, SmtpTransport, Transport, WorkerHandle, WorkerSettings,
};
use storage::outbox::{self, OutboxJob, OutboxStats};
use storage::testing::TestDb;
use storage::{Backend, Database};

/// Says each message as its id followed by its values (`mail-magic-subject Acme`), so the
/// tests need no catalog: the translations are the application's, tested there.
pub struct IdMessages;

impl mail::Messages for IdMessages {
    fn message(
        &self,
        _language: usize,
        id: &str,
        args: &std::collections::HashMap<String, serde_json::Value>,
    ) -> Option<String> {
        let mut names: Vec<&String> = args.keys().collect();
        names.sort();
        let mut text = id.to_owned();
        for name in names {
            match &args[name] {
                serde_json::Value::String(value) => text.push_str(&format!(" {value}")),
                other => text.push_str(&format!(" {other}")),
            }
        }
        Some(text)
    }
}

/// English, as the tests render every email.
pub fn english() -> mail::Language {
    mail::Language {
        index: 0,
        tag: "en".into(),
        rtl: false,
    }
}

/// Builds emails from payloads like `{"to": "...", "context": {...}}` (template = job kind),
/// or skips the job for `{"skip": "reason"}`.
pub struct TemplateComposer {
    templates: EmailTemplates,
}

impl TemplateComposer {
    pub fn new() -> Self {
        let branding = Branding::new("Acme", "help@acme.test");
        Self {
            templates: EmailTemplates::new(branding, Arc::new(IdMessages))
                .expect("built-in templates"),
        }
    }
}

impl Composer for TemplateComposer {
    fn compose(&self, job: &OutboxJob) -> Result<Composition, MailError> {
        let payload: serde_json::Value =
            serde_json::from_str(&job.payload).map_err(|e| MailError::Compose(e.to_string()))?;
        if let Some(reason) = payload["skip"].as_str() {
            return Ok(Composition::Skip(reason.to_owned()));
        }
        let to = payload["to"]
            .as_str()
            .ok_or_else(|| MailError::Compose("payload has no `to`".into()))?;
        let content = self
            .templates
            .render(&english(), &job.kind, &payload["context"])?;
        Ok(Composition::Send(OutgoingEmail::new(
            to, &job.kind, content,
        )?))
    }
}

/// The template composer, remembering the size of every batch it was given.
pub struct BatchRecorder {
    inner: TemplateComposer,
    pub batches: Mutex<Vec<usize>>,
}

impl BatchRecorder {
    pub fn new() -> Self {
        Self {
            inner: TemplateComposer::new(),
            batches: Mutex::new(Vec::new()),
        }
    }
}

impl Composer for BatchRecorder {
    fn compose(&self, job: &OutboxJob) -> Result<Composition, MailError> {
        self.inner.compose(job)
    }

    fn compose_batch(&self, jobs: &[OutboxJob]) -> Vec<Result<Composition, MailError>> {
        self.batches.lock().expect("batches lock").push(jobs.len());
        jobs.iter().map(|job| self.compose(job)).collect()
    }
}

/// The template composer, measuring how many batches it composes at once. Until it has seen
/// two at once, a batch waits up to a second for another, so batches that can overlap do so
/// whatever the machine's timing, and batches that cannot (one lane) just cost the wait.
pub struct OverlapMeter {
    inner: TemplateComposer,
    now: AtomicUsize,
    most: AtomicUsize,
}

impl OverlapMeter {
    pub fn new() -> Self {
        Self {
            inner: TemplateComposer::new(),
            now: AtomicUsize::new(0),
            most: AtomicUsize::new(0),
        }
    }

    /// The most batches that were being composed at the same time.
    pub fn most_at_once(&self) -> usize {
        self.most.load(Ordering::SeqCst)
    }
}

impl Composer for OverlapMeter {
    fn compose(&self, job: &OutboxJob) -> Result<Composition, MailError> {
        self.inner.compose(job)
    }

    fn compose_batch(&self, jobs: &[OutboxJob]) -> Vec<Result<Composition, MailError>> {
        let at_once = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(at_once, Ordering::SeqCst);
        let deadline = std::time::Instant::now() + Duration::from_secs(1);
        while self.most_at_once() < 2 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        let composed = jobs.iter().map(|job| self.compose(job)).collect();
        self.now.fetch_sub(1, Ordering::SeqCst);
        composed
    }
}

/// Wall-clock time plus an offset the test can advance past retry delays.
#[derive(Clone, Default)]
pub struct TestClock(Arc<Mutex<chrono::Duration>>);

impl TestClock {
    pub fn now(&self) -> NaiveDateTime {
        chrono::Utc::now().naive_utc() + *self.0.lock().expect("clock lock")
    }

    pub fn advance(&self, by: chrono::Duration) {
        *self.0.lock().expect("clock lock") += by;
    }
}

pub struct Fixture {
    pub backend: Backend,
    pub db: TestDb,
    pub sink: SmtpSink,
    pub clock: TestClock,
}

/// One fixture per available backend (SQLite always, MySQL when configured).
pub async fn fixtures() -> Vec<Fixture> {
    let mut fixtures = Vec::new();
    for backend in storage::testing::available_backends() {
        if let Some(db) = TestDb::new(backend) {
            eprintln!("running on {backend}");
            let sink = SmtpSink::start().await.expect("sink starts");
            fixtures.push(Fixture {
                backend,
                db,
                sink,
                clock: TestClock::default(),
            });
        }
    }
    fixtures
}

pub fn fast_settings() -> WorkerSettings {
    WorkerSettings {
        poll_interval_ms: 50,
        batch_size: 10,
        lease_secs: 10,
        max_attempts: 3,
        send_timeout_secs: 5,
        concurrency: 4,
        lanes: 1,
    }
}

pub fn sender() -> Sender {
    Sender::new(&SenderSettings {
        from_address: "no-reply@acme.test".into(),
        from_name: "Acme".into(),
        message_id_domain: None,
    })
    .expect("valid sender")
}

impl Fixture {
    pub fn database(&self) -> Database {
        Database::clone(&self.db)
    }

    pub fn smtp(&self) -> Transport {
        Transport::Smtp(SmtpTransport::new(&self.sink.smtp_settings()).expect("smtp transport"))
    }

    pub fn start(&self, transport: Transport, settings: WorkerSettings) -> WorkerHandle {
        self.start_with(Arc::new(TemplateComposer::new()), transport, settings)
    }

    pub fn start_with(
        &self,
        composer: Arc<dyn Composer>,
        transport: Transport,
        settings: WorkerSettings,
    ) -> WorkerHandle {
        let clock = self.clock.clone();
        OutboxWorker::new(self.database(), transport, sender(), composer, settings)
            .expect("valid worker settings")
            .with_clock(move || clock.now())
            .spawn()
    }

    /// Enqueues a magic-link email for `to` whose link carries `token`.
    pub fn enqueue_magic_link(&self, to: &str, token: &str) -> i64 {
        let payload = serde_json::json!({
            "to": to,
            "context": {
                "link": format!("https://id.acme.test/magic-link/verify?token={token}"),
                "lifetime": "15 minutes",
                "not_me_link": "https://id.acme.test/password/not-me?token=ln1_notme",
            }
        });
        self.enqueue("magic_link", &payload)
    }

    pub fn enqueue(&self, kind: &str, payload: &serde_json::Value) -> i64 {
        let mut conn = self.db.conn().expect("connection");
        outbox::enqueue(&mut conn, kind, &payload.to_string(), self.clock.now()).expect("enqueue")
    }

    pub fn outbox_stats(&self) -> OutboxStats {
        let mut conn = self.db.conn().expect("connection");
        outbox::stats(&mut conn, self.clock.now()).expect("stats")
    }
}

/// Polls `condition` until it holds, failing the test after `timeout`.
pub async fn eventually(what: &str, timeout: Duration, mut condition: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + timeout;
    while !condition() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Everything logged on this thread while the guard lives (use a current-thread runtime).
#[derive(Clone, Default)]
pub struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl CapturedLogs {
    pub fn start() -> (Self, tracing::subscriber::DefaultGuard) {
        let logs = Self::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .finish();
        let guard = tracing::subscriber::set_default(subscriber);
        // Call sites another thread cached as uninteresting before this subscriber existed
        // are asked again, so no line of this test is lost.
        tracing::callsite::rebuild_interest_cache();
        (logs, guard)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("log lock")).into_owned()
    }
}

impl Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log lock").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
