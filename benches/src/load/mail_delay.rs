//! What a person waits for: the time from the 202 of `POST /api/v1/password/forgot` to the
//! reset mail at the SMTP sink, with requests arriving at a steady rate below the drain rate
//! measured in the same run (50 % and 90 % of it).
//!
//! The requests are sent open-loop, one every `1 / rate` seconds whatever the answers take,
//! each for a different seeded account, so that every accepted request is one mail to one
//! recipient; the sink stamps each mail when it arrives.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

use tokio::task::JoinSet;

use super::e2e::percentile;
use super::fill;
use super::report::Figure;
use super::scenarios::Context;

/// The loads measured, in percent of the drain rate.
pub const PERCENTS: [u32; 2] = [50, 90];

/// Sends reset requests at `percent` % of `drain_rate` (mails/s) for `--duration` seconds
/// and reports the delay from each 202 to its mail (p50, p99) and the rate achieved.
pub async fn mail_delay(ctx: &Context, percent: u32, drain_rate: f64) -> anyhow::Result<Figure> {
    let name = format!("mail_delay_{percent}");
    let rate = drain_rate * f64::from(percent) / 100.0;
    anyhow::ensure!(
        rate >= 1.0,
        "a drain rate of {drain_rate:.1} mails/s is too low to load"
    );
    let wanted = (rate * ctx.options.duration as f64) as u64;
    let n = wanted.min(ctx.options.accounts);
    let running = ctx.start(&name).await?;
    let mut control = running.sink.control().await?;
    let first_mail = control.count().await?;

    let client = reqwest::Client::new();
    let url = format!("{}/api/v1/password/forgot", running.server.base_url);
    let started = Instant::now();
    let mut requests = JoinSet::new();
    for i in 0..n {
        tokio::time::sleep_until((started + Duration::from_secs_f64(i as f64 / rate)).into()).await;
        let (client, url, email) = (client.clone(), url.clone(), fill::account(i));
        requests.spawn(async move {
            let answer = client
                .post(&url)
                .json(&serde_json::json!({ "email": email }))
                .send()
                .await;
            let accepted = answer.is_ok_and(|a| a.status() == reqwest::StatusCode::ACCEPTED);
            accepted.then(|| (email, SystemTime::now()))
        });
    }
    let mut answered_at = HashMap::new();
    let mut refused = 0u64;
    while let Some(done) = requests.join_next().await {
        match done? {
            Some((email, at)) => {
                answered_at.insert(email, at);
            }
            None => refused += 1,
        }
    }
    let offered_for = started.elapsed().as_secs_f64();

    let expected = first_mail + answered_at.len();
    let arrived = control.wait(expected, Duration::from_secs(600)).await?;
    let mut delays: Vec<f64> = control
        .tokens(first_mail)
        .await?
        .into_iter()
        .filter_map(|mail| {
            let answered = answered_at.get(&mail.recipient)?;
            let delay = mail
                .received_at
                .duration_since(*answered)
                .unwrap_or_default();
            Some(delay.as_secs_f64() * 1e3)
        })
        .collect();
    delays.sort_by(f64::total_cmp);

    let mut figure = ctx.figure(&name, "req/s", answered_at.len() as f64 / offered_for);
    figure.total = delays.len() as u64;
    figure.errors = refused + (answered_at.len() as u64).saturating_sub(figure.total);
    figure.p50_ms = percentile(&delays, 0.50);
    figure.p99_ms = percentile(&delays, 0.99);
    figure.peak_rss_mib = running.server.peak_rss_mib()?;
    figure.note = format!(
        "{n} requests at {rate:.0}/s ({percent} % of the drain rate, {drain_rate:.0} mails/s); \
         latency is the 202 → mail at the sink{}",
        if arrived.is_some() {
            ""
        } else {
            "; some mails did not arrive within 600 s"
        }
    );
    running.server.stop().await?;
    ctx.db.clear_pending_outbox()?;
    Ok(figure)
}

/// The drain rate of `backend` in figures already measured, if any.
pub fn drain_rate(figures: &[Figure], backend: &str) -> Option<f64> {
    figures
        .iter()
        .find(|f| f.backend == backend && f.scenario == "drain" && f.rate > 0.0)
        .map(|f| f.rate)
}
