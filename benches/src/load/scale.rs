//! Scale mode: a million users and tokens, the same scenarios again, and the purge.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::database::BenchDb;
use super::fill::{self, Filled};
use super::report::Figure;
use super::scenarios::{self, Context};

/// Fills the database, reruns reject and accept (`scale_*`), then ages the fill past its
/// retention and measures accept while the purge deletes it (`purge_accept`).
pub async fn scale(ctx: &mut Context) -> anyhow::Result<Vec<Figure>> {
    let o = &ctx.options;
    let (users, tokens, jobs) = (o.scale_users, o.scale_tokens, o.scale_outbox);
    let started = Instant::now();
    let filled = fill::fill_scale(&ctx.db, users, tokens, jobs)?;
    let fill_note = format!(
        "filled {users} users, {tokens} tokens (95 % expired, 35 % used) and {jobs} sent jobs \
         in {:.0} s with INSERT … SELECT",
        started.elapsed().as_secs_f64()
    );
    println!("{}: {fill_note}", ctx.backend);
    let mut figures = Vec::new();
    if ctx.options.wants("reject_forged") {
        figures.push(scenarios::reject_forged(ctx, "scale_reject_forged").await?);
    }
    if ctx.options.wants("reject_used") {
        figures.push(scenarios::reject_used(ctx, "scale_reject_used").await?);
    }
    if ctx.options.wants("accept") {
        let mut figure = scenarios::accept(ctx, "scale_accept").await?;
        figure.note = fill_note;
        figures.push(figure);
    }
    figures.push(purge(ctx, filled, tokens, jobs).await?);
    Ok(figures)
}

/// Accept load on a server whose start-up purge has a million rows to delete.
async fn purge(
    ctx: &mut Context,
    filled: Filled,
    tokens: u64,
    jobs: u64,
) -> anyhow::Result<Figure> {
    fill::age_for_purge(&ctx.db, filled)?;
    let tokens_before = ctx.db.count("tokens")?;
    let left = Arc::new(format!(
        "SELECT (SELECT COUNT(*) FROM tokens WHERE id >= {} AND id < {}) + \
         (SELECT COUNT(*) FROM outbox WHERE id >= {} AND id < {}) AS n",
        filled.first_token,
        filled.first_token + i64::try_from(tokens)?,
        filled.first_job,
        filled.first_job + i64::try_from(jobs)?,
    ));
    let watcher_db = BenchDb::connect(&ctx.url)?;
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let watch = {
        let (left, stop) = (Arc::clone(&left), Arc::clone(&stop));
        tokio::task::spawn_blocking(move || -> anyhow::Result<Option<Duration>> {
            while !stop.load(Ordering::Relaxed) {
                if watcher_db.number(&left)? == 0 {
                    return Ok(Some(started.elapsed()));
                }
                std::thread::sleep(Duration::from_millis(250));
            }
            Ok(None)
        })
    };
    let mut figure = scenarios::accept(ctx, "purge_accept").await?;
    let deadline = Instant::now() + Duration::from_secs(900);
    while !watch.is_finished() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let purged_in = watch.await??;
    let tokens_after = ctx.db.count("tokens")?;
    let remaining = ctx.db.number(&left)?;
    figure.note = match purged_in {
        Some(took) => format!(
            "accept while the start-up purge deleted {tokens} aged tokens and {jobs} aged jobs \
             in {:.1} s; tokens {tokens_before} → {tokens_after}",
            took.as_secs_f64()
        ),
        None => format!("the purge had not finished after 15 min; {remaining} aged rows left"),
    };
    ctx.check(
        "purge keeps tokens and outbox bounded",
        remaining == 0,
        format!("{remaining} aged rows left; tokens {tokens_before} → {tokens_after}"),
    );
    Ok(figure)
}
