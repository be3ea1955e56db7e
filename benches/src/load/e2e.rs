//! End-to-end resets: ask for a link, take it from the mail, set a new password. Each
//! client resets its own account over and over; the rate is bound by argon2id.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use tokio::sync::mpsc;

use super::fill;
use super::report::Figure;
use super::scenarios::Context;
use super::sink::Control;

type Inboxes = Arc<Mutex<HashMap<String, mpsc::UnboundedSender<String>>>>;

/// Runs `--e2e-clients` clients for `--e2e-duration` seconds.
pub async fn e2e(ctx: &Context) -> anyhow::Result<Figure> {
    let running = ctx.start("e2e").await?;
    let inboxes: Inboxes = Arc::default();
    let poller = tokio::spawn(deliver_tokens(
        running.sink.control().await?,
        Arc::clone(&inboxes),
    ));
    let deadline = Instant::now() + Duration::from_secs(ctx.options.e2e_duration);
    let started = Instant::now();
    let mut clients = tokio::task::JoinSet::new();
    for client in 0..ctx.options.e2e_clients {
        // Accounts from the top of the seeded range, away from those other scenarios use.
        let email = fill::account(ctx.options.accounts - 1 - client);
        let (send, receive) = mpsc::unbounded_channel();
        inboxes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(email.clone(), send);
        clients.spawn(reset_loop(
            running.server.base_url.clone(),
            email,
            receive,
            deadline,
        ));
    }
    let (mut latencies, mut errors) = (Vec::new(), 0u64);
    while let Some(done) = clients.join_next().await {
        let (mine, failed) = done?;
        latencies.extend(mine);
        errors += failed;
    }
    let seconds = started.elapsed().as_secs_f64();
    poller.abort();
    let mut figure = ctx.figure("e2e", "resets/s", latencies.len() as f64 / seconds);
    figure.total = latencies.len() as u64;
    figure.errors = errors;
    latencies.sort_by(f64::total_cmp);
    figure.p50_ms = percentile(&latencies, 0.50);
    figure.p99_ms = percentile(&latencies, 0.99);
    figure.peak_rss_mib = running.server.peak_rss_mib()?;
    figure.note = format!(
        "{} clients; latency of a whole reset (request → mail → new password)",
        ctx.options.e2e_clients
    );
    running.server.stop().await?;
    ctx.db.clear_pending_outbox()?;
    Ok(figure)
}

/// Hands each reset token the sink receives to the client waiting for its recipient.
async fn deliver_tokens(mut control: Control, inboxes: Inboxes) -> anyhow::Result<()> {
    let mut next = 0;
    loop {
        for mail in control.tokens(next).await? {
            next = mail.index + 1;
            if let Some(token) = mail.token
                && let Some(inbox) = inboxes
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .get(&mail.recipient)
            {
                let _ = inbox.send(token);
            }
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// One client: full resets until `deadline`. Returns each reset's latency (ms) and the
/// number of failed attempts.
async fn reset_loop(
    base: String,
    email: String,
    mut inbox: mpsc::UnboundedReceiver<String>,
    deadline: Instant,
) -> (Vec<f64>, u64) {
    let client = reqwest::Client::new();
    let (mut latencies, mut errors) = (Vec::new(), 0);
    let mut round = 0u64;
    while Instant::now() < deadline {
        round += 1;
        let started = Instant::now();
        match reset_once(&client, &base, &email, &mut inbox, round).await {
            Ok(()) => latencies.push(started.elapsed().as_secs_f64() * 1e3),
            Err(error) => {
                errors += 1;
                eprintln!("e2e {email}: {error:#}");
            }
        }
    }
    (latencies, errors)
}

async fn reset_once(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    inbox: &mut mpsc::UnboundedReceiver<String>,
    round: u64,
) -> anyhow::Result<()> {
    let asked = client
        .post(format!("{base}/api/v1/password/forgot"))
        .json(&serde_json::json!({"email": email}))
        .send()
        .await?;
    if asked.status() != reqwest::StatusCode::ACCEPTED {
        bail!("forgot answered {}", asked.status());
    }
    let token = tokio::time::timeout(Duration::from_secs(30), inbox.recv())
        .await
        .context("no reset mail within 30 s")?
        .context("the token poller stopped")?;
    let reset = client
        .post(format!("{base}/api/v1/password/reset"))
        .json(&serde_json::json!({
            "token": token,
            "password": format!("zebra orbit {round} lantern {}", email.len()),
        }))
        .send()
        .await?;
    if reset.status() != reqwest::StatusCode::NO_CONTENT {
        bail!("reset answered {}", reset.status());
    }
    Ok(())
}

/// The `q` quantile of sorted values.
pub fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * (sorted.len() - 1) as f64).round() as usize;
    sorted.get(rank.min(sorted.len() - 1)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_the_nearest_rank() {
        // Arrange
        let values: Vec<f64> = (1..=101).map(f64::from).collect();

        // Act / Assert
        assert_eq!(percentile(&values, 0.5), Some(51.0));
        assert_eq!(percentile(&values, 0.99), Some(100.0));
        assert_eq!(percentile(&[], 0.5), None);
    }
}
