//! One SMTP conversation: the few verbs a client needs to hand over mail.

use std::sync::Arc;

use tokio::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader,
};
use tokio::net::TcpStream;

use super::{ReceivedMessage, Shared, SinkMode, lock};

/// Longest command or data line accepted; longer ones close the connection.
const MAX_LINE: usize = 64 * 1024;
/// Largest message accepted, advertised with `SIZE`.
const MAX_MESSAGE: usize = 10 * 1024 * 1024;

#[derive(Default)]
struct Envelope {
    from: Option<String>,
    to: Vec<String>,
}

/// Talks SMTP on `stream` until the client quits or disconnects.
pub(super) async fn serve(stream: TcpStream, shared: Arc<Shared>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    reply(&mut write, "220 lifeline-sink ESMTP ready").await?;
    let mut envelope = Envelope::default();
    let login = lock(&shared.login).clone();
    let mut authenticated = login.is_none();
    while let Some(line) = read_line(&mut read).await? {
        let line = String::from_utf8_lossy(&line).into_owned();
        let (verb, argument) = line.split_once(' ').unwrap_or((line.as_str(), ""));
        let answer = match verb.to_ascii_uppercase().as_str() {
            "EHLO" => {
                envelope = Envelope::default();
                let auth = if login.is_some() {
                    "250-AUTH PLAIN\r\n"
                } else {
                    ""
                };
                format!(
                    "250-lifeline-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n{auth}250 SIZE {MAX_MESSAGE}"
                )
            }
            "AUTH" if login.is_none() => "502 5.5.2 command not implemented".to_owned(),
            "AUTH" => {
                let Some(answer) = auth_plain(&mut read, &mut write, argument).await? else {
                    return Ok(());
                };
                authenticated = login.as_ref() == Some(&answer);
                if authenticated {
                    "235 2.7.0 authenticated".to_owned()
                } else {
                    "535 5.7.8 authentication failed".to_owned()
                }
            }
            "MAIL" if !authenticated => "530 5.7.0 authentication required".to_owned(),
            "HELO" => {
                envelope = Envelope::default();
                "250 lifeline-sink".to_owned()
            }
            "MAIL" => mail_from(&shared, &mut envelope, argument),
            "RCPT" => rcpt_to(&mut envelope, argument),
            "DATA" if envelope.to.is_empty() => "503 5.5.1 RCPT TO first".to_owned(),
            "DATA" => {
                reply(&mut write, "354 end data with <CR><LF>.<CR><LF>").await?;
                let Some(data) = read_data(&mut read).await? else {
                    reply(&mut write, "552 5.3.4 message too big").await?;
                    return Ok(());
                };
                let delay = *lock(&shared.reply_delay);
                tokio::time::sleep(delay).await;
                let taken = std::mem::take(&mut envelope);
                store(&shared, taken, data)
            }
            "RSET" => {
                envelope = Envelope::default();
                "250 2.0.0 OK".to_owned()
            }
            "NOOP" => "250 2.0.0 OK".to_owned(),
            "QUIT" => {
                reply(&mut write, "221 2.0.0 bye").await?;
                return Ok(());
            }
            _ => "502 5.5.2 command not implemented".to_owned(),
        };
        reply(&mut write, &answer).await?;
    }
    Ok(())
}

/// Reads the `AUTH PLAIN` response (given with the command or after a `334`) and returns the
/// user and password it carries; `None` when the client hung up.
async fn auth_plain(
    read: &mut (impl AsyncBufRead + Unpin),
    write: &mut (impl AsyncWrite + Unpin),
    argument: &str,
) -> std::io::Result<Option<(String, String)>> {
    use base64::Engine as _;
    let (mechanism, initial) = argument.split_once(' ').unwrap_or((argument, ""));
    if !mechanism.eq_ignore_ascii_case("PLAIN") {
        return Ok(Some((String::new(), String::new())));
    }
    let encoded = if initial.is_empty() {
        reply(write, "334 ").await?;
        match read_line(read).await? {
            Some(line) => String::from_utf8_lossy(&line).into_owned(),
            None => return Ok(None),
        }
    } else {
        initial.to_owned()
    };
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&decoded).into_owned();
    let mut parts = text.split('\0').skip(1);
    let user = parts.next().unwrap_or_default().to_owned();
    let password = parts.next().unwrap_or_default().to_owned();
    Ok(Some((user, password)))
}

fn mail_from(shared: &Shared, envelope: &mut Envelope, argument: &str) -> String {
    let Some(path) = path_after(argument, "FROM:") else {
        return "501 5.5.4 syntax: MAIL FROM:<address>".to_owned();
    };
    match *lock(&shared.mode) {
        SinkMode::TempFail => "451 4.3.0 temporarily unavailable, try again later".to_owned(),
        SinkMode::PermFail => "550 5.7.1 message refused".to_owned(),
        SinkMode::Accept => {
            *envelope = Envelope {
                from: Some(path),
                to: Vec::new(),
            };
            "250 2.1.0 OK".to_owned()
        }
    }
}

fn rcpt_to(envelope: &mut Envelope, argument: &str) -> String {
    if envelope.from.is_none() {
        return "503 5.5.1 MAIL FROM first".to_owned();
    }
    match path_after(argument, "TO:") {
        Some(path) if !path.is_empty() => {
            envelope.to.push(path);
            "250 2.1.5 OK".to_owned()
        }
        _ => "501 5.5.4 syntax: RCPT TO:<address>".to_owned(),
    }
}

fn store(shared: &Shared, envelope: Envelope, data: Vec<u8>) -> String {
    let mut messages = lock(&shared.messages);
    messages.push(ReceivedMessage {
        mail_from: envelope.from.unwrap_or_default(),
        rcpt_to: envelope.to,
        data,
        received_at: std::time::SystemTime::now(),
    });
    let count = messages.len();
    drop(messages);
    shared.received.send_replace(count);
    format!("250 2.0.0 OK queued as {count}")
}

/// `FROM:<a@b> SIZE=1` → `a@b`; the prefix is matched without regard to case.
fn path_after(argument: &str, prefix: &str) -> Option<String> {
    let head = argument.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = argument[prefix.len()..].trim_start();
    let inner = rest.strip_prefix('<')?;
    let end = inner.find('>')?;
    Some(inner[..end].to_owned())
}

async fn reply(write: &mut (impl AsyncWrite + Unpin), line: &str) -> std::io::Result<()> {
    write.write_all(format!("{line}\r\n").as_bytes()).await?;
    write.flush().await
}

/// One line without its line ending; `None` at end of stream. Over-long lines are an error.
pub(super) async fn read_line(
    read: &mut (impl AsyncBufRead + Unpin),
) -> std::io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    let limit = u64::try_from(MAX_LINE).unwrap_or(u64::MAX);
    let n = (&mut *read)
        .take(limit)
        .read_until(b'\n', &mut line)
        .await?;
    if n == 0 {
        return Ok(None);
    }
    if line.last() != Some(&b'\n') {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "line too long or cut off",
        ));
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(Some(line))
}

/// The data section up to the lone `.` line, dot-unstuffed; `None` when it is too big.
async fn read_data(read: &mut (impl AsyncBufRead + Unpin)) -> std::io::Result<Option<Vec<u8>>> {
    let mut data = Vec::new();
    let mut too_big = false;
    loop {
        let Some(line) = read_line(read).await? else {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        };
        if line == b"." {
            return Ok((!too_big).then_some(data));
        }
        let line = line.strip_prefix(b".").unwrap_or(&line);
        if data.len() + line.len() + 2 > MAX_MESSAGE {
            too_big = true;
            continue;
        }
        data.extend_from_slice(line);
        data.extend_from_slice(b"\r\n");
    }
}
