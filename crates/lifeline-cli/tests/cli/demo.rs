//! `lifeline demo`: the whole product locally with zero setup, and a demo account whose
//! printed password works at every start.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use lifeline::{Password, PasswordHasherService};
use lifeline_cli::commands::demo::{DEMO_EMAIL, DEMO_PASSWORD};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use storage::{Database, EmailAddress, PoolSettings, users};

use crate::helpers::csrf_in;

/// `lifeline demo` needs nothing but an empty directory: SQLite, generated keys,
/// the development mailbox and a demo account, all working end to end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_runs_with_zero_setup_and_shows_mail_in_the_development_mailbox() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lifeline"))
        .args(["demo", "--port", "0"])
        .current_dir(dir.path())
        .env_clear()
        .env("LIFELINE_LOG__FILTER", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let page = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("demo prints its address");
        if let Some(url) = line
            .split_whitespace()
            .find(|w| w.ends_with("/password/forgot"))
        {
            break url.to_owned();
        }
    };
    let base = page.trim_end_matches("/password/forgot").to_owned();
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap();
    let get = |path: String| {
        let browser = browser.clone();
        async move {
            browser
                .get(path)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };

    // Act: ask for a link for the demo account, read it in the mailbox, use it.
    let csrf = csrf_in(&get(page.clone()).await).unwrap();
    let asked = browser
        .post(&page)
        .form(&[
            ("email", lifeline_cli::commands::DEMO_EMAIL),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::OK);
    let mut message_path = None;
    for _ in 0..100 {
        let inbox = get(format!("{base}/dev/mailbox")).await;
        message_path = inbox
            .split('"')
            .find(|s| s.starts_with("/dev/mailbox/"))
            .map(str::to_owned);
        if message_path.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let message = get(format!(
        "{base}{}",
        message_path.expect("mail in the mailbox")
    ))
    .await;
    let link = message
        .split('"')
        .find(|s| s.starts_with(&format!("{base}/password/reset?token=")))
        .expect("reset link in the message")
        .to_owned();
    let opened = browser.get(&link).send().await.unwrap();
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    let csrf = csrf_in(&get(format!("{base}/password/reset")).await).unwrap();
    let reset = browser
        .post(format!("{base}/password/reset"))
        .form(&[
            ("password", "a brand new demo passphrase"),
            ("password_confirm", "a brand new demo passphrase"),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(reset.status(), StatusCode::SEE_OTHER);
    assert_eq!(reset.headers()["location"], "/login");
    assert!(dir.path().join("lifeline-data/demo.db").exists());
    let _ = child.kill();
    let _ = child.wait();
}

/// A running `lifeline demo --port 0` in a data directory, with what it printed.
struct DemoRun {
    child: std::process::Child,
    /// `http://127.0.0.1:<port>`
    base: String,
    /// Everything printed on standard output up to "Press Ctrl-C to stop.".
    banner: String,
    /// Every line printed on standard output so far.
    output: Arc<Mutex<String>>,
}

impl DemoRun {
    /// Starts the demo in `dir`, logging warnings, and waits for its banner.
    fn start(dir: &Path) -> Self {
        Self::start_logging(dir, "warn")
    }

    /// Starts the demo in `dir` with the log filter `log_filter`, its standard output a pipe,
    /// and waits for its banner.
    fn start_logging(dir: &Path, log_filter: &str) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lifeline"))
            .args(["demo", "--port", "0"])
            .current_dir(dir)
            .env_clear()
            .env("LIFELINE_LOG__FILTER", log_filter)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let output = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let collected = Arc::clone(&output);
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                collected.lock().unwrap().push_str(&format!("{line}\n"));
                let _ = tx.send(line);
            }
        });
        let mut banner = String::new();
        while !banner.contains("Press Ctrl-C to stop.") {
            let line = rx
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("no banner from the demo:\n{banner}"));
            banner.push_str(&line);
            banner.push('\n');
        }
        let base = banner
            .split_whitespace()
            .find_map(|word| word.strip_suffix("/password/forgot"))
            .expect("the demo prints its address")
            .to_owned();
        Self {
            child,
            base,
            banner,
            output,
        }
    }

    /// The password the banner gives for the demo account.
    fn printed_password(&self) -> String {
        let line = self
            .banner
            .lines()
            .find(|line| line.contains("Demo account:"))
            .expect("the demo prints its account");
        let (_, password) = line
            .split_once(&format!("{DEMO_EMAIL} / "))
            .expect("address / password");
        password.trim().to_owned()
    }

    /// Stops the demo with SIGINT, as Ctrl-C does, waits for it to exit, and returns
    /// whether it exited successfully and everything it printed.
    fn stop(mut self) -> (bool, String) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-INT", &pid]).status().unwrap();
        assert!(sent.success());
        let status = self.child.wait().unwrap();
        // The reader thread sees the end of the pipe once the process is gone.
        let deadline = Instant::now() + Duration::from_secs(10);
        while Arc::strong_count(&self.output) > 1 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        (status.success(), self.output.lock().unwrap().clone())
    }
}

impl Drop for DemoRun {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The demo's own database, as an operator (or the walk-through) changes it between runs.
fn demo_database(dir: &Path) -> Database {
    let url = format!("sqlite://{}", dir.join("lifeline-data/demo.db").display());
    Database::connect(&url, &PoolSettings::default()).unwrap()
}

fn demo_account(db: &Database) -> users::User {
    let email = EmailAddress::parse(DEMO_EMAIL).unwrap();
    users::find_by_email(&mut db.conn().unwrap(), &email)
        .unwrap()
        .unwrap()
}

/// A browser keeping cookies and not following redirects.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

async fn csrf_of(browser: &reqwest::Client, url: &str) -> String {
    let html = browser.get(url).send().await.unwrap().text().await.unwrap();
    csrf_in(&html).unwrap()
}

/// The README's walk-through changes the demo password; the next `lifeline demo` on the
/// same data sets it back, says so, and the printed password signs in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_printed_demo_password_signs_in_after_the_password_was_changed() {
    // Arrange: a first run creates the account; its password is then changed.
    let dir = tempfile::tempdir().unwrap();
    DemoRun::start(dir.path()).stop();
    let db = demo_database(dir.path());
    let user = demo_account(&db);
    let other = PasswordHasherService::new(4096, 1, 1)
        .unwrap()
        .hash(&Password::new("a brand new demo passphrase".into()))
        .unwrap();
    users::set_password_hash(
        &mut db.conn().unwrap(),
        user.id,
        &other,
        Utc::now().naive_utc(),
    )
    .unwrap();

    // Act
    let demo = DemoRun::start(dir.path());
    let browser = browser();
    let login = format!("{}/login", demo.base);
    let csrf = csrf_of(&browser, &login).await;
    let signed_in = browser
        .post(&login)
        .form(&[
            ("email", DEMO_EMAIL),
            ("password", &demo.printed_password()),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER, "{}", demo.banner);
    assert_eq!(signed_in.headers()["location"], "/account");
    assert_eq!(demo.printed_password(), DEMO_PASSWORD);
    assert!(
        demo.banner
            .contains("password was set back to the one above"),
        "{}",
        demo.banner
    );
}

/// A "this wasn't me" pause from an earlier run is lifted at the next start, announced, and
/// a link asked for the demo account arrives in the mailbox.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_this_was_not_me_pause_is_lifted_and_announced_at_the_next_demo_start() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();
    DemoRun::start(dir.path()).stop();
    let db = demo_database(dir.path());
    let user = demo_account(&db);
    let now = Utc::now().naive_utc();
    users::pause_resets(
        &mut db.conn().unwrap(),
        user.id,
        now + TimeDelta::hours(24),
        now,
    )
    .unwrap();

    // Act
    let demo = DemoRun::start(dir.path());
    let browser = browser();
    let forgot = format!("{}/password/forgot", demo.base);
    let csrf = csrf_of(&browser, &forgot).await;
    let asked = browser
        .post(&forgot)
        .form(&[("email", DEMO_EMAIL), ("csrf_token", &csrf)])
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(asked.status(), StatusCode::OK);
    assert!(
        demo.banner
            .contains("lifted the \"this wasn't me\" pause on the demo account"),
        "{}",
        demo.banner
    );
    assert_eq!(demo_account(&db).resets_paused_until, None);
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let inbox = browser
            .get(format!("{}/dev/mailbox", demo.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if inbox.contains("/dev/mailbox/") {
            break;
        }
        assert!(Instant::now() < deadline, "no mail for the demo account");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    demo.stop();
}

/// Logs written to a pipe (a file, a log collector) are plain text: no ANSI colour codes.
#[test]
fn log_lines_written_to_a_pipe_carry_no_colour_codes() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();
    let demo = DemoRun::start_logging(dir.path(), "info");

    // Act
    let (clean_exit, output) = demo.stop();

    // Assert
    assert!(clean_exit, "{output}");
    assert!(output.contains("INFO"), "no log lines in:\n{output}");
    assert!(!output.contains("\x1b["), "colour codes in:\n{output:?}");
}
