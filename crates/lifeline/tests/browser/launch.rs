//! Starting chromedriver and a Chromium session, and stopping them.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

use crate::chrome::Options;

/// Paths of the browser and its driver, or `None` (with a note) when they are
/// missing and `LIFELINE_REQUIRE_BROWSER` is not `1`.
pub fn binaries() -> Option<(PathBuf, PathBuf)> {
    let found = (find_in_path("chromium"), find_in_path("chromedriver"));
    match found {
        (Some(chromium), Some(driver)) => Some((chromium, driver)),
        _ if std::env::var("LIFELINE_REQUIRE_BROWSER").as_deref() == Ok("1") => {
            panic!("LIFELINE_REQUIRE_BROWSER=1 but chromium or chromedriver is not on PATH")
        }
        _ => {
            eprintln!(
                "skipped: chromium and chromedriver are not installed \
                 (apt-get install chromium chromium-driver; LIFELINE_REQUIRE_BROWSER=1 makes this fail)"
            );
            None
        }
    }
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

pub fn shutdown_driver(port: u16) -> std::io::Result<()> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.write_all(b"GET /shutdown HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")?;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    Ok(())
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("free port")
        .port()
}

pub async fn connect(port: u16, chromium: &Path, profile: &Path, options: Options) -> Client {
    let mut args = vec![
        "--headless".to_owned(),
        "--no-sandbox".to_owned(),
        "--disable-gpu".to_owned(),
        "--disable-dev-shm-usage".to_owned(),
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-sync".to_owned(),
        "--no-first-run".to_owned(),
        "--hide-scrollbars".to_owned(),
        format!("--user-data-dir={}", profile.display()),
    ];
    if let Some(languages) = options.accept_language {
        args.push(format!("--accept-lang={languages}"));
    }
    if !options.javascript {
        args.push("--blink-settings=scriptEnabled=false".to_owned());
    }
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium,
            "args": args,
            "prefs": {
                "intl.accept_languages": options.accept_language.unwrap_or("en-US,en"),
                "profile.managed_default_content_settings.javascript":
                    if options.javascript { 1 } else { 2 },
            },
        },
    });
    let Value::Object(capabilities) = capabilities else {
        unreachable!("a JSON object literal")
    };
    let url = format!("http://127.0.0.1:{port}");
    let mut last_error = String::new();
    for _ in 0..100 {
        match ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return client,
            Err(error) => last_error = error.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no WebDriver session on port {port}: {last_error}")
}
