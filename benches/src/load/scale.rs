//! Scale mode: a million users and tokens, the same scenarios again, and the purge.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::database::BenchDb;
use super::fill::{self, Filled};
use super::report::Figure;
use super::scenarios::{self, Context};

/// Fills the database, reruns reject and accept (`scale_*`), then ages the fill past its
/// retention and measures accept while the purge deletes it (`purge_accept`). Each figure
/// goes to `record` as soon as it is measured.
pub async fn scale(
    ctx: &mut Context,
    mut record: impl FnMut(&mut Context, anyhow::Result<Figure>),
) -> anyhow::Result<()> {
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
    if ctx.options.wants("reject_forged") {
        let result = scenarios::reject_forged(ctx, "scale_reject_forged").await;
        record(ctx, result);
    }
    if ctx.options.wants("reject_used") {
        let result = scenarios::reject_used(ctx, "scale_reject_used").await;
        record(ctx, result);
    }
    if ctx.options.wants("accept") {
        let result = scenarios::accept(ctx, "scale_accept")
            .await
            .map(|mut figure| {
                figure.note = fill_note;
                figure
            });
        record(ctx, result);
    }
    let result = purge(ctx, filled, tokens, jobs).await;
    record(ctx, result);
    Ok(())
}

/// Accept load on a server whose start-up purge has a million rows to delete; the server
/// is stopped only once the purge is done (shutdown waits for it).
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
    let last_job = scenarios::last_job(ctx)?;
    let started = Instant::now();
    let running = ctx.start("purge_accept").await?;
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
    let (mut figure, accepted) = scenarios::accept_load(ctx, &running, "purge_accept").await?;
    let deadline = Instant::now() + Duration::from_secs(1800);
    while !watch.is_finished() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let purged_in = watch.await??;
    running.server.stop().await?;
    scenarios::check_accepted(ctx, "purge_accept", accepted, last_job)?;
    let tokens_after = ctx.db.count("tokens")?;
    let remaining = ctx.db.number(&left)?;
    figure.note = match purged_in {
        Some(took) => format!(
            "accept ({} s) while the start-up purge deleted {tokens} aged tokens and {jobs} aged \
             jobs, which took {:.1} s from the server's start; tokens {tokens_before} → {tokens_after}",
            ctx.options.duration,
            took.as_secs_f64()
        ),
        None => format!("the purge had not finished after 30 min; {remaining} aged rows left"),
    };
    ctx.check(
        "purge keeps tokens and outbox bounded",
        remaining == 0,
        format!("{remaining} aged rows left; tokens {tokens_before} → {tokens_after}"),
    );
    Ok(figure)
}
