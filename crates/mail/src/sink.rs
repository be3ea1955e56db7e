//! A real SMTP server on 127.0.0.1 that keeps what it receives, for tests of this and other crates.
//!
//! It speaks the verbs a client needs to hand over mail (EHLO/HELO, MAIL FROM, RCPT TO, DATA
//! with dot-unstuffing, RSET, NOOP, QUIT, and AUTH PLAIN when asked to), without TLS. It can
//! be stopped and started again on the same port to simulate an outage, made to answer 451 or
//! 550, and made slow, and it counts the connections it accepted.

mod session;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use crate::{MailError, SmtpSettings};

/// How the sink answers `MAIL FROM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SinkMode {
    /// Accept every message.
    #[default]
    Accept,
    /// Answer `451` (try again later) to every `MAIL FROM`.
    TempFail,
    /// Answer `550` (refused for good) to every `MAIL FROM`.
    PermFail,
}

/// One message as the sink received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMessage {
    /// The envelope sender (`MAIL FROM`).
    pub mail_from: String,
    /// The envelope recipients (`RCPT TO`).
    pub rcpt_to: Vec<String>,
    /// The message after dot-unstuffing, lines ending in CRLF, without the final `.` line.
    pub data: Vec<u8>,
    /// When its final `.` line arrived (for measuring how long a mail takes to arrive).
    pub received_at: std::time::SystemTime,
}

impl ReceivedMessage {
    /// The message as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }

    /// The first header called `name` (any case), with folded lines joined.
    pub fn header(&self, name: &str) -> Option<String> {
        let text = self.text();
        let head = text.split("\r\n\r\n").next().unwrap_or_default();
        let mut found: Option<String> = None;
        for line in head.split("\r\n") {
            if let Some(value) = found.as_mut() {
                if line.starts_with([' ', '\t']) {
                    value.push(' ');
                    value.push_str(line.trim());
                    continue;
                }
                break;
            }
            if let Some((key, value)) = line.split_once(':')
                && key.eq_ignore_ascii_case(name)
            {
                found = Some(value.trim().to_owned());
            }
        }
        found
    }
}

/// State shared by the sink handle and every connection.
struct Shared {
    messages: Mutex<Vec<ReceivedMessage>>,
    received: watch::Sender<usize>,
    mode: Mutex<SinkMode>,
    reply_delay: Mutex<Duration>,
    /// Connections accepted so far.
    connections: AtomicUsize,
    /// `AUTH PLAIN` user and password, when mail needs them.
    login: Mutex<Option<(String, String)>>,
}

struct Running {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

/// The SMTP sink. Dropping it stops the server and closes every connection.
pub struct SmtpSink {
    addr: SocketAddr,
    shared: Arc<Shared>,
    running: Mutex<Option<Running>>,
}

impl SmtpSink {
    /// Starts a sink on `127.0.0.1` and a port chosen by the system.
    pub async fn start() -> Result<Self, MailError> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let shared = Arc::new(Shared {
            messages: Mutex::new(Vec::new()),
            received: watch::channel(0).0,
            mode: Mutex::new(SinkMode::Accept),
            reply_delay: Mutex::new(Duration::ZERO),
            connections: AtomicUsize::new(0),
            login: Mutex::new(None),
        });
        let sink = Self {
            addr: listener.local_addr()?,
            shared,
            running: Mutex::new(None),
        };
        sink.run(listener);
        Ok(sink)
    }

    /// Where the sink listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Settings for the `smtp` transport that deliver to this sink.
    pub fn smtp_settings(&self) -> SmtpSettings {
        let mut settings = SmtpSettings::unencrypted(self.addr.ip().to_string(), self.addr.port());
        settings.timeout_secs = 5;
        settings
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<ReceivedMessage> {
        lock(&self.shared.messages).clone()
    }

    /// Waits until at least `count` messages have arrived and returns them all.
    pub async fn wait_for(
        &self,
        count: usize,
        timeout: Duration,
    ) -> Result<Vec<ReceivedMessage>, MailError> {
        let mut received = self.shared.received.subscribe();
        let arrived = received.wait_for(|n| *n >= count);
        match tokio::time::timeout(timeout, arrived).await {
            Ok(Ok(_)) => Ok(self.messages()),
            Ok(Err(_)) | Err(_) => Err(MailError::Timeout(timeout)),
        }
    }

    /// Changes how `MAIL FROM` is answered from now on.
    pub fn set_mode(&self, mode: SinkMode) {
        *lock(&self.shared.mode) = mode;
    }

    /// Waits this long before confirming each message (a slow server).
    pub fn set_reply_delay(&self, delay: Duration) {
        *lock(&self.shared.reply_delay) = delay;
    }

    /// From now on, new connections must `AUTH PLAIN` as `user` with `password` before
    /// `MAIL FROM` (answered `530` otherwise); `EHLO` offers it.
    pub fn require_login(&self, user: &str, password: &str) {
        *lock(&self.shared.login) = Some((user.to_owned(), password.to_owned()));
    }

    /// How many connections the sink has accepted since it started (restarts included).
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::Relaxed)
    }

    /// Stops listening and closes every open connection; received messages are kept.
    pub async fn stop(&self) {
        let running = lock(&self.running).take();
        if let Some(running) = running {
            running.stop.send_replace(true);
            // The accept task ends by shutting down every connection task, so once it is done
            // no client can still talk to the old server.
            let _ = running.task.await;
        }
    }

    /// Listens again on the same address after [`SmtpSink::stop`].
    pub async fn restart(&self) -> Result<(), MailError> {
        self.stop().await;
        let listener = TcpListener::bind(self.addr).await?;
        self.run(listener);
        Ok(())
    }

    fn run(&self, listener: TcpListener) {
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(accept(listener, stopped, Arc::clone(&self.shared)));
        *lock(&self.running) = Some(Running { stop, task });
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn accept(listener: TcpListener, mut stopped: watch::Receiver<bool>, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = stopped.wait_for(|stop| *stop) => break,
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    shared.connections.fetch_add(1, Ordering::Relaxed);
                    connections.spawn(session::serve(stream, Arc::clone(&shared)));
                }
            }
        }
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    connections.shutdown().await;
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};
    use tokio::net::TcpStream;

    use super::session::read_line;
    use super::*;

    struct Client {
        read: BufReader<tokio::net::tcp::OwnedReadHalf>,
        write: tokio::net::tcp::OwnedWriteHalf,
    }

    impl Client {
        async fn connect(sink: &SmtpSink) -> Self {
            let stream = TcpStream::connect(sink.addr()).await.expect("sink accepts");
            let (read, write) = stream.into_split();
            let mut client = Self {
                read: BufReader::new(read),
                write,
            };
            assert!(client.response().await.starts_with("220"));
            client
        }

        /// Reads one (possibly multi-line) reply and returns its last line.
        async fn response(&mut self) -> String {
            loop {
                let line = read_line(&mut self.read)
                    .await
                    .expect("reads")
                    .expect("a reply");
                let line = String::from_utf8(line).expect("ASCII reply");
                if line.as_bytes().get(3) != Some(&b'-') {
                    return line;
                }
            }
        }

        async fn send(&mut self, line: &str) -> String {
            self.write
                .write_all(format!("{line}\r\n").as_bytes())
                .await
                .expect("writes");
            self.response().await
        }
    }

    async fn deliver(client: &mut Client, data_lines: &[&str]) -> String {
        assert!(
            client
                .send("MAIL FROM:<from@acme.test>")
                .await
                .starts_with("250")
        );
        assert!(
            client
                .send("RCPT TO:<to@example.test>")
                .await
                .starts_with("250")
        );
        assert!(client.send("DATA").await.starts_with("354"));
        let mut data = data_lines.join("\r\n");
        data.push_str("\r\n.");
        client.send(&data).await
    }

    #[tokio::test]
    async fn sink_keeps_envelope_and_dot_unstuffed_data() {
        // Arrange
        let sink = SmtpSink::start().await.expect("starts");
        let mut client = Client::connect(&sink).await;
        assert!(client.send("EHLO test.local").await.starts_with("250 SIZE"));

        // Act
        let before = std::time::SystemTime::now();
        let answer = deliver(&mut client, &["Subject: hi", "", "..leading dot", "end"]).await;
        let after = std::time::SystemTime::now();

        // Assert
        assert!(answer.starts_with("250"), "{answer}");
        let messages = sink
            .wait_for(1, Duration::from_secs(5))
            .await
            .expect("arrives");
        assert_eq!(messages[0].mail_from, "from@acme.test");
        assert_eq!(messages[0].rcpt_to, vec!["to@example.test".to_owned()]);
        assert_eq!(
            messages[0].text(),
            "Subject: hi\r\n\r\n.leading dot\r\nend\r\n"
        );
        assert_eq!(messages[0].header("subject").as_deref(), Some("hi"));
        assert!((before..=after).contains(&messages[0].received_at));
    }

    #[tokio::test]
    async fn commands_out_of_order_are_refused_and_rset_clears_the_envelope() {
        // Arrange
        let sink = SmtpSink::start().await.expect("starts");
        let mut client = Client::connect(&sink).await;
        client.send("HELO test.local").await;

        // Act
        let rcpt_first = client.send("RCPT TO:<to@example.test>").await;
        let data_first = client.send("DATA").await;
        client.send("MAIL FROM:<from@acme.test>").await;
        client.send("RCPT TO:<to@example.test>").await;
        let reset = client.send("RSET").await;
        let data_after_reset = client.send("DATA").await;
        let noop = client.send("NOOP").await;
        let unknown = client.send("VRFY someone").await;
        let quit = client.send("QUIT").await;

        // Assert
        assert!(rcpt_first.starts_with("503"));
        assert!(data_first.starts_with("503"));
        assert!(reset.starts_with("250"));
        assert!(data_after_reset.starts_with("503"));
        assert!(noop.starts_with("250"));
        assert!(unknown.starts_with("502"));
        assert!(quit.starts_with("221"));
        assert!(sink.messages().is_empty());
    }

    #[tokio::test]
    async fn temporary_and_permanent_failure_modes_refuse_mail_from() {
        // Arrange
        let sink = SmtpSink::start().await.expect("starts");
        let mut client = Client::connect(&sink).await;
        client.send("EHLO test.local").await;

        // Act
        sink.set_mode(SinkMode::TempFail);
        let temporary = client.send("MAIL FROM:<from@acme.test>").await;
        sink.set_mode(SinkMode::PermFail);
        let permanent = client.send("MAIL FROM:<from@acme.test>").await;
        sink.set_mode(SinkMode::Accept);
        let accepted = client.send("MAIL FROM:<from@acme.test>").await;

        // Assert
        assert!(temporary.starts_with("451"), "{temporary}");
        assert!(permanent.starts_with("550"), "{permanent}");
        assert!(accepted.starts_with("250"), "{accepted}");
    }

    #[tokio::test]
    async fn stopped_sink_refuses_connections_and_restarts_on_the_same_port() {
        // Arrange
        let sink = SmtpSink::start().await.expect("starts");
        let mut open = Client::connect(&sink).await;
        open.send("EHLO test.local").await;

        // Act
        sink.stop().await;
        let while_down = TcpStream::connect(sink.addr()).await;
        let mut buffer = [0_u8; 1];
        let old_connection = open.read.read(&mut buffer).await;
        sink.restart().await.expect("restarts");
        let mut client = Client::connect(&sink).await;
        client.send("EHLO test.local").await;
        let answer = deliver(&mut client, &["Subject: back", "", "hello"]).await;

        // Assert
        assert!(while_down.is_err(), "nothing listens while stopped");
        assert!(
            matches!(old_connection, Ok(0) | Err(_)),
            "open connections are closed"
        );
        assert!(answer.starts_with("250"));
        assert_eq!(
            sink.wait_for(1, Duration::from_secs(5))
                .await
                .expect("arrives")
                .len(),
            1
        );
    }

    #[tokio::test]
    async fn waiting_for_more_messages_than_arrive_times_out() {
        // Arrange
        let sink = SmtpSink::start().await.expect("starts");

        // Act
        let result = sink.wait_for(1, Duration::from_millis(50)).await;

        // Assert
        assert!(matches!(result, Err(MailError::Timeout(_))));
    }

    #[tokio::test]
    async fn lettre_delivers_a_message_to_the_sink() {
        // Arrange
        use lettre::AsyncTransport;
        let sink = SmtpSink::start().await.expect("starts");
        let transport =
            lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::builder_dangerous("127.0.0.1")
                .port(sink.addr().port())
                .build();
        let message = lettre::Message::builder()
            .from("from@acme.test".parse().expect("address"))
            .to("to@example.test".parse().expect("address"))
            .subject("Hello")
            .body(".dot first\r\nsecond".to_owned())
            .expect("message");

        // Act
        transport.send(message).await.expect("sink accepts");

        // Assert
        let messages = sink
            .wait_for(1, Duration::from_secs(5))
            .await
            .expect("arrives");
        assert_eq!(messages[0].header("Subject").as_deref(), Some("Hello"));
        assert!(messages[0].text().contains("\r\n\r\n.dot first\r\nsecond"));
    }

    #[tokio::test]
    async fn slow_sink_confirms_only_after_the_delay() {
        // Arrange
        let sink = SmtpSink::start().await.expect("starts");
        sink.set_reply_delay(Duration::from_millis(300));
        let mut client = Client::connect(&sink).await;
        client.send("EHLO test.local").await;
        let started = std::time::Instant::now();

        // Act
        let answer = deliver(&mut client, &["Subject: slow", "", "x"]).await;

        // Assert
        assert!(answer.starts_with("250"));
        assert!(started.elapsed() >= Duration::from_millis(300));
    }

    #[tokio::test]
    async fn over_long_line_closes_the_connection() {
        // Arrange
        let sink = SmtpSink::start().await.expect("starts");
        let mut client = Client::connect(&sink).await;
        let line = "x".repeat(70 * 1024);

        // Act
        client
            .write
            .write_all(line.as_bytes())
            .await
            .expect("writes");
        client.write.write_all(b"\r\n").await.ok();
        let mut buffer = Vec::new();
        let closed = client.read.read_to_end(&mut buffer).await;

        // Assert
        assert!(
            matches!(closed, Ok(0) | Err(_)),
            "no reply, connection closed"
        );
    }

    #[tokio::test]
    async fn message_over_the_size_limit_is_refused_and_not_kept() {
        // Arrange
        let sink = SmtpSink::start().await.expect("starts");
        let mut client = Client::connect(&sink).await;
        client.send("EHLO test.local").await;
        let line = "y".repeat(1_000);
        let lines = vec![line.as_str(); 10_600];

        // Act
        let answer = deliver(&mut client, &lines).await;

        // Assert
        assert!(answer.starts_with("552"), "{answer}");
        assert!(sink.messages().is_empty());
    }

    #[test]
    fn header_lookup_unfolds_continuation_lines_and_ignores_the_body() {
        // Arrange
        let message = ReceivedMessage {
            mail_from: String::new(),
            rcpt_to: Vec::new(),
            data: b"Subject: one\r\n two\r\nX-A: b\r\n\r\nFake: header\r\n".to_vec(),
            received_at: std::time::SystemTime::UNIX_EPOCH,
        };

        // Act / Assert
        assert_eq!(message.header("SUBJECT").as_deref(), Some("one two"));
        assert_eq!(message.header("fake"), None);
    }
}
