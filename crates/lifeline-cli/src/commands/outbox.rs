//! `lifeline outbox status` and `lifeline outbox retry`: the mail queue for operators.

use std::fmt::Write;

use anyhow::bail;
use chrono::NaiveDateTime;
use storage::outbox::{self, OutboxJob, OutboxStats};
use storage::{DbConnection, mask};

use lifeline::Settings;
use lifeline::ops::connect_database;

use crate::cli::OutboxCommand;

/// Given-up jobs listed by `outbox status`.
pub const FAILED_LISTED: u32 = 20;
/// Webhook deliveries counted per endpoint by `outbox status` (the newest).
pub const WEBHOOKS_COUNTED: u32 = 10_000;
/// The outbox kind of a webhook delivery.
const WEBHOOK_KIND: &str = "webhook";
/// Longest error text shown per job, in characters.
const ERROR_SHOWN: usize = 160;

/// Runs `lifeline outbox …` against the configured database and prints the outcome.
pub async fn run(settings: &Settings, command: OutboxCommand) -> anyhow::Result<()> {
    let db = connect_database(settings).await?;
    let now = chrono::Utc::now().naive_utc();
    let text = tokio::task::spawn_blocking(move || {
        let mut conn = db.conn()?;
        match command {
            OutboxCommand::Status => status(&mut conn, now),
            OutboxCommand::Retry { id: Some(id), .. } => retry_one(&mut conn, id, now),
            OutboxCommand::Retry { id: None, .. } => retry_failed(&mut conn, now),
        }
    })
    .await??;
    print!("{text}");
    if !text.ends_with('\n') {
        println!();
    }
    Ok(())
}

/// The text `outbox status` prints: the counts, the oldest pending job's age, and the most
/// recently given-up jobs with their ids (for `outbox retry --id`).
pub fn status(conn: &mut DbConnection, now: NaiveDateTime) -> anyhow::Result<String> {
    let stats = outbox::stats(conn, now)?;
    let failed = outbox::list_failed(conn, FAILED_LISTED)?;
    let webhooks = outbox::list_of_kind(conn, WEBHOOK_KIND, WEBHOOKS_COUNTED)?;
    let mut text = render_status(&stats, &failed, now);
    text.push_str(&render_webhooks(&webhooks));
    Ok(text)
}

/// Webhook deliveries per endpoint and state: pending, delivered, given up. Empty when
/// there are none.
fn render_webhooks(jobs: &[OutboxJob]) -> String {
    let mut counts = std::collections::BTreeMap::<String, [u64; 3]>::new();
    for job in jobs {
        let endpoint = serde_json::from_str::<serde_json::Value>(&job.payload)
            .ok()
            .and_then(|payload| payload["endpoint"].as_str().map(str::to_owned))
            .unwrap_or_else(|| "?".to_owned());
        let state = match (job.sent_at, job.failed_at) {
            (Some(_), _) => 1,
            (None, Some(_)) => 2,
            (None, None) => 0,
        };
        counts.entry(endpoint).or_default()[state] += 1;
    }
    if counts.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\nwebhook deliveries per endpoint (delivered rows are purged like sent mail):\n",
    );
    for (endpoint, [pending, delivered, failed]) in counts {
        let _ = writeln!(
            out,
            "  {endpoint}  pending {pending}  delivered {delivered}  given up {failed}"
        );
    }
    out
}

fn render_status(stats: &OutboxStats, failed: &[OutboxJob], now: NaiveDateTime) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "pending:        {}", stats.pending);
    let _ = writeln!(out, "due now:        {}", stats.due);
    let _ = writeln!(out, "given up:       {}", stats.failed);
    match stats.oldest_pending_created_at {
        Some(oldest) => {
            let age = (now - oldest).num_seconds().max(0);
            let _ = writeln!(
                out,
                "oldest pending: {} (queued {} UTC)",
                human_age(age),
                oldest.format("%Y-%m-%d %H:%M:%S")
            );
        }
        None => out.push_str("oldest pending: none\n"),
    }
    if !failed.is_empty() {
        let _ = writeln!(
            out,
            "\ngiven-up jobs, most recent first (retry with `lifeline outbox retry --id ID` or `--failed`):"
        );
        for job in failed {
            let when = job
                .failed_at
                .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_default();
            let error = job
                .last_error
                .as_deref()
                .map(shown_error)
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  id {}  {}  attempts {}  given up {} UTC  {}",
                job.id, job.kind, job.attempts, when, error
            );
        }
    }
    out
}

/// `outbox retry --id ID`: requeues one given-up job, or says why it cannot.
pub fn retry_one(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> anyhow::Result<String> {
    if outbox::requeue(conn, id, now)? {
        return Ok(format!("requeued outbox job {id}; it is due now"));
    }
    match outbox::find(conn, id)? {
        None => bail!("there is no outbox job {id}"),
        Some(job) if job.sent_at.is_some() => {
            bail!("outbox job {id} was already sent; nothing to retry")
        }
        Some(job) => bail!(
            "outbox job {id} is still pending (attempt {}); the worker will retry it by itself",
            job.attempts
        ),
    }
}

/// `outbox retry --failed`: requeues every given-up job.
pub fn retry_failed(conn: &mut DbConnection, now: NaiveDateTime) -> anyhow::Result<String> {
    let requeued = outbox::requeue_failed(conn, now)?;
    Ok(format!(
        "requeued {requeued} given-up outbox job(s); they are due now"
    ))
}

/// `3d 04h`, `2h 05m`, `4m 09s`, `12s`.
fn human_age(secs: i64) -> String {
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) => format!("{m}m {s:02}s"),
        (0, _, _) => format!("{h}h {m:02}m"),
        _ => format!("{d}d {h:02}h"),
    }
}

/// One line of an error text, shortened, with any email address masked: a relay's refusal
/// often quotes the recipient.
fn shown_error(error: &str) -> String {
    let mut shown = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, shown: &mut String| {
        if word.contains('@') {
            shown.push_str(&mask(word));
        } else {
            shown.push_str(word);
        }
        word.clear();
    };
    for c in error.chars().take(ERROR_SHOWN) {
        if c.is_whitespace() || c.is_control() || "<>()[],;:\"'".contains(c) {
            flush(&mut word, &mut shown);
            shown.push(if c.is_control() { ' ' } else { c });
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut shown);
    shown
}

#[cfg(test)]
mod tests {
    use storage::testing::fixed_now;

    use super::*;

    #[test]
    fn ages_are_shown_in_their_two_largest_units() {
        assert_eq!(human_age(12), "12s");
        assert_eq!(human_age(249), "4m 09s");
        assert_eq!(human_age(7500), "2h 05m");
        assert_eq!(human_age(273_600), "3d 04h");
    }

    #[test]
    fn addresses_in_errors_are_masked() {
        let shown = shown_error("550 5.1.1 <ada@example.com>: Recipient address rejected");
        assert!(!shown.contains("ada@example.com"), "{shown}");
        assert!(shown.starts_with("550 5.1.1 <"), "{shown}");
        assert!(shown.ends_with(">: Recipient address rejected"), "{shown}");
        assert_eq!(shown_error("line\nbreak"), "line break");
        assert_eq!(shown_error(&"x".repeat(500)).len(), ERROR_SHOWN);
    }

    #[test]
    fn webhook_deliveries_are_counted_per_endpoint_and_state() {
        // Arrange
        let now = fixed_now();
        let job = |endpoint: &str, sent: bool, failed: bool| OutboxJob {
            id: 1,
            job_key: "k".into(),
            kind: WEBHOOK_KIND.into(),
            payload: format!("{{\"endpoint\":\"{endpoint}\",\"event\":\"password.changed\"}}"),
            attempts: 1,
            next_attempt_at: now,
            lease_owner: None,
            lease_expires_at: None,
            sent_at: sent.then_some(now),
            failed_at: failed.then_some(now),
            last_error: None,
            created_at: now,
        };
        let jobs = [
            job("host-app", true, false),
            job("host-app", false, false),
            job("crm", false, true),
            job("host-app", true, false),
        ];

        // Act
        let text = render_webhooks(&jobs);

        // Assert
        assert!(
            text.contains("  crm  pending 0  delivered 0  given up 1\n"),
            "{text}"
        );
        assert!(
            text.contains("  host-app  pending 1  delivered 2  given up 0\n"),
            "{text}"
        );
        assert_eq!(render_webhooks(&[]), "");
    }

    #[test]
    fn the_status_shows_counts_age_and_given_up_jobs() {
        // Arrange
        let now = fixed_now();
        let stats = OutboxStats {
            pending: 3,
            due: 2,
            oldest_pending_created_at: Some(now - chrono::TimeDelta::seconds(249)),
            failed: 1,
        };
        let job = OutboxJob {
            id: 42,
            job_key: "k".into(),
            kind: "password_reset_requested".into(),
            payload: "{\"email\":\"ada@example.com\"}".into(),
            attempts: 8,
            next_attempt_at: now,
            lease_owner: None,
            lease_expires_at: None,
            sent_at: None,
            failed_at: Some(now),
            last_error: Some("550 <ada@example.com> unknown".into()),
            created_at: now,
        };

        // Act
        let text = render_status(&stats, &[job], now);

        // Assert
        assert!(text.contains("pending:        3\n"), "{text}");
        assert!(text.contains("due now:        2\n"), "{text}");
        assert!(text.contains("given up:       1\n"), "{text}");
        assert!(text.contains("oldest pending: 4m 09s"), "{text}");
        assert!(
            text.contains("id 42  password_reset_requested  attempts 8"),
            "{text}"
        );
        assert!(!text.contains("ada@example.com"), "{text}");
    }
}
