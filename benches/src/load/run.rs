//! One harness run: every backend, every scenario, the checks.

use anyhow::Context as _;

use super::backend::Backend;
use super::database::BenchDb;
use super::e2e::e2e;
use super::fill;
use super::mail_delay;
use super::options::Options;
use super::report::{Figure, Report};
use super::scale::scale;
use super::scenarios::{self, Context};
use super::targets;

/// Runs the harness as `options` say and returns the report.
pub async fn run(options: Options) -> anyhow::Result<Report> {
    let bin_dir = match &options.bin_dir {
        Some(dir) => dir.clone(),
        None => std::env::current_exe()?
            .parent()
            .context("the harness has no directory")?
            .to_path_buf(),
    };
    let stamp = chrono::Utc::now();
    let work = match &options.work_dir {
        Some(dir) => dir.clone(),
        None => std::env::current_dir()?
            .join("target")
            .join("load-runs")
            .join(stamp.format("%Y%m%d-%H%M%S").to_string()),
    };
    let mut report = Report {
        started: stamp.format("%Y-%m-%d %H:%M UTC").to_string(),
        machine: machine(),
        load_before: std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
            .to_owned(),
        command: std::env::args().collect::<Vec<_>>().join(" "),
        ..Report::default()
    };
    let mut backends = Vec::new();
    if !options.no_sqlite {
        backends.push(Backend::sqlite(&work.join("sqlite"))?);
    }
    if options.mysql_enabled() {
        backends.push(Backend::mysql(&options.mysql_url)?);
    }
    if options.postgres_enabled() {
        backends.push(Backend::postgres(&options.postgres_url)?);
    }
    for backend in &backends {
        let dir = work.join(backend.name());
        std::fs::create_dir_all(&dir)?;
        let db = BenchDb::connect(&backend.url())?;
        fill::seed_accounts(&db, "user", 0, options.accounts)?;
        let mut ctx = Context {
            options: options.clone(),
            backend: backend.name().to_owned(),
            url: backend.url(),
            db,
            lifeline: bin_dir.join("lifeline"),
            sink: bin_dir.join("smtp-sink"),
            dir,
            checks: Vec::new(),
        };
        println!("{}: logs and scripts in {}", ctx.backend, ctx.dir.display());
        run_backend(&mut ctx, &mut report).await?;
        report.checks.append(&mut ctx.checks);
        let mut met = targets::check(&report, backend.name());
        report.checks.append(&mut met);
    }
    Ok(report)
}

async fn run_backend(ctx: &mut Context, report: &mut Report) -> anyhow::Result<()> {
    // The ceiling is needed by every ratio: without it the run stops.
    record(ctx, report, "ceiling", Ok(scenarios::ceiling(ctx).await?));
    // Any other scenario that fails is reported and the run goes on.
    if ctx.options.wants("accept") {
        let result = scenarios::accept(ctx, "accept").await;
        record(ctx, report, "accept", result);
    }
    if ctx.options.wants("reject_forged") {
        let result = scenarios::reject_forged(ctx, "reject_forged").await;
        record(ctx, report, "reject_forged", result);
    }
    if ctx.options.wants("reject_used") {
        let result = scenarios::reject_used(ctx, "reject_used").await;
        record(ctx, report, "reject_used", result);
    }
    if ctx.options.wants("session") {
        let result = scenarios::session(ctx, "session").await;
        record(ctx, report, "session", result);
    }
    if ctx.options.wants("api_session") {
        let result = scenarios::api_session(ctx, "api_session").await;
        record(ctx, report, "api_session", result);
    }
    if ctx.options.wants("admin_rejected") {
        let result = scenarios::admin_rejected(ctx, "admin_rejected").await;
        record(ctx, report, "admin_rejected", result);
    }
    if ctx.options.wants("drain") {
        let result = scenarios::drain(ctx).await;
        record(ctx, report, "drain", result);
    }
    if ctx.options.wants("mail_delay") {
        mail_delays(ctx, report).await;
    }
    if ctx.options.wants("history_drain") {
        let result = scenarios::history_drain(ctx).await;
        record(ctx, report, "history_drain", result);
    }
    if ctx.options.wants("e2e") {
        let result = e2e(ctx).await;
        record(ctx, report, "e2e", result);
    }
    if ctx.options.scale
        && let Err(error) = scale(ctx, |ctx, result| record(ctx, report, "scale", result)).await
    {
        record(ctx, report, "scale", Err(error));
    }
    Ok(())
}

/// The mail delay at each load of [`mail_delay::PERCENTS`], against the drain rate of this
/// run (the drain is measured first when it was not).
async fn mail_delays(ctx: &mut Context, report: &mut Report) {
    if mail_delay::drain_rate(&report.figures, &ctx.backend).is_none() {
        let result = scenarios::drain(ctx).await;
        record(ctx, report, "drain", result);
    }
    let Some(drain_rate) = mail_delay::drain_rate(&report.figures, &ctx.backend) else {
        ctx.check(
            "mail_delay ran",
            false,
            "no drain rate to load against".into(),
        );
        return;
    };
    for percent in mail_delay::PERCENTS {
        let result = mail_delay::mail_delay(ctx, percent, drain_rate).await;
        record(ctx, report, &format!("mail_delay_{percent}"), result);
    }
}

fn record(ctx: &mut Context, report: &mut Report, name: &str, result: anyhow::Result<Figure>) {
    match result {
        Ok(figure) => {
            println!("{}", one_line(&figure));
            report.figures.push(figure);
        }
        Err(error) => {
            eprintln!("{} {name} failed: {error:#}", ctx.backend);
            ctx.check(&format!("{name} ran"), false, format!("{error:#}"));
        }
    }
}

fn one_line(f: &Figure) -> String {
    format!(
        "{} {}: {:.0} {}, p50 {} ms, p99 {} ms, errors {}, peak RSS {:.1} MiB",
        f.backend,
        f.scenario,
        f.rate,
        f.unit,
        f.p50_ms.map_or("–".into(), |v| format!("{v:.2}")),
        f.p99_ms.map_or("–".into(), |v| format!("{v:.2}")),
        f.errors,
        f.peak_rss_mib
    )
}

/// CPU model and core count, from /proc/cpuinfo.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown CPU", |(_, m)| m.trim())
        .to_owned();
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    format!("{model}, {cores} cores")
}
