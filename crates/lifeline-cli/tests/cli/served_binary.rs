//! The real `lifeline serve` binary as an operator runs it: configured by a
//! file named in `LIFELINE_CONFIG` and `LIFELINE_…` variables, with everything
//! it prints captured.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lifeline::{Password, PasswordHasherService};
use mail::sink::SmtpSink;
use storage::testing::TestDb;
use storage::{EmailAddress, users};

use crate::helpers::PUBLIC_URL;

/// The token and session keys an instance runs with. Instances that share
/// them accept each other's links and session cookies, like the instances of
/// one deployment.
#[derive(Clone)]
pub struct InstanceKeys {
    token: String,
    session: String,
}

impl InstanceKeys {
    /// Fresh random keys.
    pub fn generate() -> Self {
        let (token, session) = lifeline::generate_keys(1).expect("keys");
        Self {
            token: token.as_str().to_owned(),
            session: session.as_str().to_owned(),
        }
    }

    /// The `keys.token` value: `<id>:<key>`.
    #[allow(
        dead_code,
        reason = "the adversarial suite, which shares this file, rotates the key"
    )]
    pub fn token(&self) -> &str {
        &self.token
    }
}

/// A running `lifeline serve` process; killed when dropped.
pub struct ServedBinary {
    /// `http://127.0.0.1:<port>`
    pub address: String,
    child: Child,
    output: Arc<Mutex<Vec<u8>>>,
    _config_dir: tempfile::TempDir,
}

impl ServedBinary {
    /// Starts the binary on `db`, delivering to `sink`, logging at `log_filter`
    /// as JSON lines, and waits until it listens.
    pub async fn start(db: &TestDb, sink: &SmtpSink, log_filter: &str) -> Self {
        Self::start_with_env(db, sink, log_filter, &[]).await
    }

    /// Like [`ServedBinary::start`], with extra `LIFELINE_…` variables.
    pub async fn start_with_env(
        db: &TestDb,
        sink: &SmtpSink,
        log_filter: &str,
        env: &[(&str, &str)],
    ) -> Self {
        Self::start_with_keys(db, sink, log_filter, &InstanceKeys::generate(), env).await
    }

    /// Like [`ServedBinary::start_with_env`], with the given keys: instances
    /// started with the same keys form one deployment.
    pub async fn start_with_keys(
        db: &TestDb,
        sink: &SmtpSink,
        log_filter: &str,
        keys: &InstanceKeys,
        env: &[(&str, &str)],
    ) -> Self {
        Self::start_configured(db, sink, log_filter, keys, env, "").await
    }

    /// Like [`ServedBinary::start_with_env`], with `extra_toml` appended to the settings
    /// file (tables the default file does not have, e.g. `[directory]`).
    #[allow(
        dead_code,
        reason = "the adversarial suite, which shares this file, needs no extra tables"
    )]
    pub async fn start_with_toml(
        db: &TestDb,
        sink: &SmtpSink,
        log_filter: &str,
        env: &[(&str, &str)],
        extra_toml: &str,
    ) -> Self {
        let keys = InstanceKeys::generate();
        Self::start_configured(db, sink, log_filter, &keys, env, extra_toml).await
    }

    async fn start_configured(
        db: &TestDb,
        sink: &SmtpSink,
        log_filter: &str,
        keys: &InstanceKeys,
        env: &[(&str, &str)],
        extra_toml: &str,
    ) -> Self {
        let config_dir = tempfile::tempdir().expect("tempdir");
        let config = config_dir.path().join("lifeline.toml");
        let toml = format!(
            r#"
[server]
bind = "127.0.0.1:0"
public_url = "{PUBLIC_URL}"
workers = 1
shutdown_timeout_secs = 1

[database]
url = "{db_url}"

[keys]
token = "{token}"
session = "{session}"

[mail.transport]
kind = "smtp"
host = "{host}"
port = {port}
tls = "none"
timeout_secs = 5

[mail.worker]
poll_interval_ms = 100

[password]
argon2_memory_kib = 4096
argon2_iterations = 1
"#,
            db_url = db.url(),
            token = keys.token,
            session = keys.session,
            host = sink.addr().ip(),
            port = sink.addr().port(),
        ) + extra_toml;
        std::fs::write(&config, toml).expect("config written");
        let mut child = Command::new(env!("CARGO_BIN_EXE_lifeline"))
            .arg("serve")
            .env_clear()
            .env("LIFELINE_CONFIG", &config)
            .env("LIFELINE_LOG__FILTER", log_filter)
            .env("LIFELINE_LOG__JSON", "true")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("lifeline starts");
        let output = Arc::new(Mutex::new(Vec::new()));
        for stream in [
            Box::new(child.stdout.take().expect("stdout")) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().expect("stderr")),
        ] {
            let output = Arc::clone(&output);
            std::thread::spawn(move || copy_into(stream, &output));
        }
        let mut served = Self {
            address: String::new(),
            child,
            output,
            _config_dir: config_dir,
        };
        let port = served.wait_for_port().await;
        served.address = format!("http://127.0.0.1:{port}");
        served
    }

    /// Everything the process printed so far, on stdout and stderr.
    pub fn output(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().expect("lock")).into_owned()
    }

    /// Waits until the output contains `needle`, or panics after 10 s.
    pub async fn wait_for_output(&mut self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.output().contains(needle) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("lifeline exited ({status}):\n{}", self.output());
            }
            assert!(
                Instant::now() < deadline,
                "no {needle:?} in:\n{}",
                self.output()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Sends SIGTERM (as a service manager does) and waits up to 15 s for the
    /// process to exit; returns whether it exited successfully.
    pub async fn terminate(&mut self) -> bool {
        self.stop_with("TERM").await
    }

    /// Sends SIGINT (as Ctrl-C does) and waits up to 15 s for the process to exit;
    /// returns whether it exited successfully.
    pub async fn interrupt(&mut self) -> bool {
        self.stop_with("INT").await
    }

    async fn stop_with(&mut self, signal: &str) -> bool {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "kill -{signal} {pid} failed");
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.success();
            }
            assert!(
                Instant::now() < deadline,
                "no exit after SIG{signal}:\n{}",
                self.output()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// `address + path`
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    async fn wait_for_port(&mut self) -> u16 {
        self.wait_for_output("lifeline is listening").await;
        self.output()
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .find(|line| line["fields"]["message"] == "lifeline is listening")
            .and_then(|line| line["fields"]["port"].as_u64())
            .and_then(|port| u16::try_from(port).ok())
            .unwrap_or_else(|| panic!("no port in:\n{}", self.output()))
    }
}

/// Creates an account directly in the database the binary serves.
pub fn create_account(db: &TestDb, email: &str, password: &str) {
    let hasher = PasswordHasherService::new(4096, 1, 1).expect("hasher");
    let hash = hasher.hash(&Password::new(password.into())).expect("hash");
    users::create(
        &mut db.conn().expect("conn"),
        &users::NewUser {
            email: &EmailAddress::parse(email).expect("valid address"),
            password_hash: Some(&hash),
            now: chrono::Utc::now().naive_utc(),
        },
    )
    .expect("account created");
}

impl ServedBinary {
    /// Kills the process with SIGKILL — no graceful shutdown, no released
    /// leases, like a crash or an OOM kill — and waits until it is gone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServedBinary {
    fn drop(&mut self) {
        self.kill();
    }
}

fn copy_into(mut stream: Box<dyn Read + Send>, output: &Mutex<Vec<u8>>) {
    let mut buffer = [0u8; 4096];
    while let Ok(n) = stream.read(&mut buffer) {
        if n == 0 {
            break;
        }
        output.lock().expect("lock").extend_from_slice(&buffer[..n]);
    }
}
