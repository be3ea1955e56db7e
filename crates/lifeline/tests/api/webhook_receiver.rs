//! A real HTTP receiver on 127.0.0.1 for the webhook tests: it records every request it is
//! sent, answers 503 to as many as it is told to fail, 200 to the rest, and lets a test wait
//! for the requests (never for time). While told to hold, it reads requests and never
//! answers them: a host that hangs, with a delivery in flight.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One request the receiver was sent.
#[derive(Clone, Debug)]
pub struct Received {
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
    /// Whether it was answered 200 (not 503, nor held unanswered).
    pub accepted: bool,
}

impl Received {
    pub fn header(&self, name: &str) -> String {
        self.headers[name].to_str().unwrap().to_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    failures_left: AtomicUsize,
    holding: AtomicBool,
}

/// A running receiver.
pub struct Receiver {
    /// `http://127.0.0.1:<port>/hooks`
    pub url: String,
    shared: Arc<Shared>,
}

impl Receiver {
    /// Starts a receiver that answers the first `fail_first` requests with 503.
    pub async fn start(fail_first: usize) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let shared = Arc::new(Shared::default());
        shared.failures_left.store(fail_first, Ordering::SeqCst);
        let serving = Arc::clone(&shared);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, Arc::clone(&serving)));
            }
        });
        Receiver { url, shared }
    }

    /// From now on, requests are read and recorded but never answered, until [`Self::answer`].
    #[allow(
        dead_code,
        reason = "used by the adversarial crash test, which shares this file"
    )]
    pub fn hold(&self) {
        self.shared.holding.store(true, Ordering::SeqCst);
    }

    /// Answers requests again (held ones stay unanswered).
    #[allow(
        dead_code,
        reason = "used by the adversarial crash test, which shares this file"
    )]
    pub fn answer(&self) {
        self.shared.holding.store(false, Ordering::SeqCst);
    }

    /// Every request so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// Waits until `count` requests arrived (accepted or not), or panics after 30 s.
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "expected {count} webhook request(s), got {}",
                received.len()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The accepted requests' bodies' `type`s, in arrival order.
    pub fn accepted_types(&self) -> Vec<String> {
        self.received()
            .iter()
            .filter(|r| r.accepted)
            .map(|r| r.json()["type"].as_str().unwrap().to_owned())
            .collect()
    }
}

/// Serves one keep-alive connection: HTTP/1.1 requests with a `content-length` body.
async fn serve(stream: TcpStream, shared: Arc<Shared>) {
    let mut stream = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if stream.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let mut headers = http::HeaderMap::new();
        loop {
            let mut line = String::new();
            if stream.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').unwrap();
            headers.append(
                http::HeaderName::from_bytes(name.trim().as_bytes()).unwrap(),
                http::HeaderValue::from_str(value.trim()).unwrap(),
            );
        }
        let length: usize = headers
            .get("content-length")
            .map_or(0, |v| v.to_str().unwrap().parse().unwrap());
        let mut body = vec![0; length];
        if stream.read_exact(&mut body).await.is_err() {
            return;
        }
        if shared.holding.load(Ordering::SeqCst) {
            shared.received.lock().unwrap().push(Received {
                headers,
                body,
                accepted: false,
            });
            // Never answered: wait until the client goes away.
            let mut rest = Vec::new();
            let _ = stream.read_to_end(&mut rest).await;
            return;
        }
        let fail = shared
            .failures_left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        shared.received.lock().unwrap().push(Received {
            headers,
            body,
            accepted: !fail,
        });
        let status = if fail {
            "503 Service Unavailable"
        } else {
            "200 OK"
        };
        let answer = format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\n\r\n");
        if stream.get_mut().write_all(answer.as_bytes()).await.is_err() {
            return;
        }
    }
}
