//! The `smtp-sink` process and its control connection.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::process::{Child, Command};

/// A running sink. Killed when dropped.
pub struct Sink {
    _child: Child,
    /// Its SMTP port.
    pub smtp_port: u16,
    control_port: u16,
}

/// The end of a successful `wait`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waited {
    /// Messages received by then (at least the number waited for).
    pub received: usize,
    /// How long the wait took.
    pub elapsed: Duration,
}

/// One line of `tokens`: message index, first recipient, reset token if any, arrival time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailToken {
    /// Position of the message in arrival order.
    pub index: usize,
    /// Its first envelope recipient.
    pub recipient: String,
    /// The `lr1_` token of its reset link.
    pub token: Option<String>,
    /// When the sink received it.
    pub received_at: SystemTime,
}

impl Sink {
    /// Starts `binary` and reads the ports it prints.
    pub async fn start(binary: &Path) -> anyhow::Result<Sink> {
        let mut child = Command::new(binary)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let mut port = async |name: &str| -> anyhow::Result<u16> {
            let line = lines.next_line().await?.context("smtp-sink said nothing")?;
            let value = line
                .strip_prefix(name)
                .with_context(|| format!("smtp-sink said {line:?}"))?;
            Ok(value.trim().parse()?)
        };
        let smtp_port = port("smtp").await?;
        let control_port = port("control").await?;
        Ok(Sink {
            _child: child,
            smtp_port,
            control_port,
        })
    }

    /// A new control connection.
    pub async fn control(&self) -> anyhow::Result<Control> {
        let stream = TcpStream::connect(("127.0.0.1", self.control_port)).await?;
        let (read, write) = stream.into_split();
        Ok(Control {
            lines: BufReader::new(read).lines(),
            write,
        })
    }
}

/// A control connection: one command at a time.
pub struct Control {
    lines: Lines<BufReader<OwnedReadHalf>>,
    write: OwnedWriteHalf,
}

impl Control {
    async fn ask(&mut self, command: &str) -> anyhow::Result<String> {
        self.write
            .write_all(format!("{command}\n").as_bytes())
            .await?;
        let line = self.lines.next_line().await?.context("smtp-sink hung up")?;
        if let Some(error) = line.strip_prefix("error ") {
            bail!("smtp-sink: {error}");
        }
        Ok(line)
    }

    /// Messages received so far.
    pub async fn count(&mut self) -> anyhow::Result<usize> {
        Ok(self.ask("count").await?.parse()?)
    }

    /// Waits until `n` messages have arrived, or `None` on timeout.
    pub async fn wait(&mut self, n: usize, timeout: Duration) -> anyhow::Result<Option<Waited>> {
        let reply = self
            .ask(&format!("wait {n} {}", timeout.as_millis()))
            .await?;
        let words: Vec<&str> = reply.split_whitespace().collect();
        match words.as_slice() {
            ["ok", received, ms] => Ok(Some(Waited {
                received: received.parse()?,
                elapsed: Duration::from_millis(ms.parse()?),
            })),
            ["timeout", _] => Ok(None),
            _ => bail!("smtp-sink said {reply:?}"),
        }
    }

    /// The reset tokens of the messages from index `from` on.
    pub async fn tokens(&mut self, from: usize) -> anyhow::Result<Vec<MailToken>> {
        let mut line = self.ask(&format!("tokens {from}")).await?;
        let mut found = Vec::new();
        while line != "end" {
            found.push(parse_token_line(&line)?);
            line = self.lines.next_line().await?.context("smtp-sink hung up")?;
        }
        Ok(found)
    }
}

fn parse_token_line(line: &str) -> anyhow::Result<MailToken> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let [index, recipient, token, received_us] = words.as_slice() else {
        bail!("smtp-sink said {line:?}");
    };
    Ok(MailToken {
        index: index.parse()?,
        recipient: (*recipient).to_owned(),
        token: (*token != "-").then(|| (*token).to_owned()),
        received_at: UNIX_EPOCH + Duration::from_micros(received_us.parse()?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_lines_are_index_recipient_and_token() {
        // Act / Assert
        assert_eq!(
            parse_token_line("3 a@b.example lr1_x 1700000000000001").unwrap(),
            MailToken {
                index: 3,
                recipient: "a@b.example".into(),
                token: Some("lr1_x".into()),
                received_at: UNIX_EPOCH + Duration::from_micros(1_700_000_000_000_001),
            }
        );
        assert_eq!(parse_token_line("4 a@b.example - 1").unwrap().token, None);
        assert!(parse_token_line("5 a@b.example -").is_err());
        assert!(parse_token_line("garbage").is_err());
    }
}
