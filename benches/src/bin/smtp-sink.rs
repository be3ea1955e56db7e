//! A real SMTP server on 127.0.0.1 for the load harness: `mail::sink::SmtpSink` in its own
//! process, so that its work is not counted as the server's.
//!
//! It prints `smtp <port>` and `control <port>` on standard output, then answers one-line
//! commands on the control port (one reply line each, `tokens` ends with `end`):
//!
//! ```text
//! count                     → <messages received>
//! wait <n> <timeout_ms>     → ok <received> <elapsed_ms>  |  timeout <received>
//! tokens <from>             → <index> <recipient> <token or -> <received_us> …, then end
//! ```
//!
//! `wait` returns as soon as `n` messages have arrived; `tokens` lists the reset or magic
//! link tokens of the messages from index `from` on, with when each arrived (microseconds
//! since the Unix epoch). With `--report-every <secs>` it also
//! prints the count on standard error periodically. It runs until killed.

use std::time::{Duration, Instant};

use anyhow::Context;
use lifeline_benches::sink_text::link_token;
use mail::sink::SmtpSink;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let report_every = report_every_from_args()?;
    let sink = std::sync::Arc::new(SmtpSink::start().await?);
    let control = TcpListener::bind(("127.0.0.1", 0)).await?;
    println!("smtp {}", sink.addr().port());
    println!("control {}", control.local_addr()?.port());
    if let Some(every) = report_every {
        let sink = std::sync::Arc::clone(&sink);
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(every);
            loop {
                ticker.tick().await;
                eprintln!("smtp-sink: {} messages", sink.messages().len());
            }
        });
    }
    loop {
        let (stream, _) = control.accept().await?;
        let sink = std::sync::Arc::clone(&sink);
        tokio::spawn(async move {
            if let Err(error) = serve(stream, &sink).await {
                eprintln!("smtp-sink: control connection failed: {error:#}");
            }
        });
    }
}

fn report_every_from_args() -> anyhow::Result<Option<Duration>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(None),
        [flag, secs] if flag == "--report-every" => Ok(Some(Duration::from_secs(
            secs.parse().context("--report-every takes whole seconds")?,
        ))),
        _ => anyhow::bail!("usage: smtp-sink [--report-every SECS]"),
    }
}

async fn serve(stream: TcpStream, sink: &SmtpSink) -> anyhow::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    while let Some(line) = lines.next_line().await? {
        let reply = answer(sink, &line).await;
        write.write_all(reply.as_bytes()).await?;
        write.flush().await?;
    }
    Ok(())
}

async fn answer(sink: &SmtpSink, command: &str) -> String {
    let words: Vec<&str> = command.split_whitespace().collect();
    match words.as_slice() {
        ["count"] => format!("{}\n", sink.messages().len()),
        ["wait", n, timeout_ms] => match (n.parse::<usize>(), timeout_ms.parse::<u64>()) {
            (Ok(n), Ok(timeout_ms)) => {
                let started = Instant::now();
                match sink.wait_for(n, Duration::from_millis(timeout_ms)).await {
                    Ok(messages) => {
                        format!("ok {} {}\n", messages.len(), started.elapsed().as_millis())
                    }
                    Err(_) => format!("timeout {}\n", sink.messages().len()),
                }
            }
            _ => "error usage: wait <n> <timeout_ms>\n".to_owned(),
        },
        ["tokens", from] => match from.parse::<usize>() {
            Ok(from) => {
                let mut reply = String::new();
                for (index, message) in sink.messages().iter().enumerate().skip(from) {
                    let recipient = message.rcpt_to.first().map_or("-", String::as_str);
                    let token = link_token(&message.data, "lr1_").unwrap_or_else(|| "-".to_owned());
                    let received_us = message
                        .received_at
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |since| since.as_micros());
                    reply.push_str(&format!("{index} {recipient} {token} {received_us}\n"));
                }
                reply.push_str("end\n");
                reply
            }
            Err(_) => "error usage: tokens <from>\n".to_owned(),
        },
        _ => "error unknown command\n".to_owned(),
    }
}
