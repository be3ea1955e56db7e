//! `lifeline demo`: the whole product locally with zero setup.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::redirect::Policy;

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
