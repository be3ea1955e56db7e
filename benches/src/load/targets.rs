//! The targets of the performance issue, checked against a run's figures.

use super::report::{CEILING, Check, Figure, Report};

/// Largest accept p99 at the configured connections, in ms.
pub const ACCEPT_P99_MS: f64 = 20.0;
/// Largest accept p99 while the purge deletes a million aged rows, in ms.
pub const PURGE_ACCEPT_P99_MS: f64 = 25.0;
/// Smallest forged-token rejection rate, as a fraction of the ceiling.
pub const REJECT_FORGED_SHARE: f64 = 0.70;
/// Smallest `GET /api/v1/session` rate (bearer token), as a fraction of the ceiling.
pub const API_SESSION_SHARE: f64 = 0.60;
/// Smallest rate of admin API requests refused for an unknown key, as a fraction of the
/// ceiling.
pub const ADMIN_REJECTED_SHARE: f64 = 0.70;
/// Smallest drain rate, in mails per second.
pub const DRAIN_PER_SEC: f64 = 1_000.0;
/// Largest peak RSS of the server, in MiB.
pub const PEAK_RSS_MIB: f64 = 64.0;
/// Largest slowdown of a scale figure against the empty database (fraction).
pub const SCALE_SLOWDOWN: f64 = 0.20;

/// Smallest accept rate as a fraction of the ceiling, per backend.
pub fn accept_share(backend: &str) -> f64 {
    if backend == "sqlite" { 0.25 } else { 0.15 }
}

/// Every target that the figures of `backend` in `report` can be checked against.
pub fn check(report: &Report, backend: &str) -> Vec<Check> {
    let mut checks = Vec::new();
    let mut add = |name: String, ok: bool, detail: String| {
        checks.push(Check {
            backend: backend.to_owned(),
            name,
            ok,
            detail,
        });
    };
    let Some(ceiling) = report.figure(backend, CEILING) else {
        return checks;
    };
    let share = |f: &Figure| f.rate / ceiling.rate.max(1e-9);
    for name in ["accept", "scale_accept"] {
        if let Some(f) = report.figure(backend, name) {
            let wanted = accept_share(backend);
            add(
                format!("{name} ≥ {:.0} % of the ceiling", wanted * 100.0),
                share(f) >= wanted,
                format!("{:.0} req/s = {:.1} %", f.rate, share(f) * 100.0),
            );
        }
    }
    for (name, wanted) in [
        ("accept", ACCEPT_P99_MS),
        ("scale_accept", ACCEPT_P99_MS),
        ("purge_accept", PURGE_ACCEPT_P99_MS),
    ] {
        if let Some(f) = report.figure(backend, name) {
            let p99 = f.p99_ms.unwrap_or(f64::INFINITY);
            add(
                format!("{name} p99 ≤ {wanted} ms"),
                p99 <= wanted,
                format!("p99 {p99:.2} ms"),
            );
        }
    }
    for name in ["reject_forged", "scale_reject_forged"] {
        if let Some(f) = report.figure(backend, name) {
            add(
                format!(
                    "{name} ≥ {:.0} % of the ceiling",
                    REJECT_FORGED_SHARE * 100.0
                ),
                share(f) >= REJECT_FORGED_SHARE,
                format!("{:.0} req/s = {:.1} %", f.rate, share(f) * 100.0),
            );
        }
    }
    if let Some(f) = report.figure(backend, "api_session") {
        add(
            format!(
                "api_session ≥ {:.0} % of the ceiling",
                API_SESSION_SHARE * 100.0
            ),
            share(f) >= API_SESSION_SHARE,
            format!("{:.0} req/s = {:.1} %", f.rate, share(f) * 100.0),
        );
    }
    if let Some(f) = report.figure(backend, "admin_rejected") {
        add(
            format!(
                "admin_rejected ≥ {:.0} % of the ceiling",
                ADMIN_REJECTED_SHARE * 100.0
            ),
            share(f) >= ADMIN_REJECTED_SHARE,
            format!("{:.0} req/s = {:.1} %", f.rate, share(f) * 100.0),
        );
    }
    if let Some(f) = report.figure(backend, "drain") {
        add(
            format!("drain ≥ {DRAIN_PER_SEC} mails/s"),
            f.rate >= DRAIN_PER_SEC,
            format!("{:.0} mails/s", f.rate),
        );
    }
    if let (Some(fresh), Some(history)) = (
        report.figure(backend, "drain"),
        report.figure(backend, "history_drain"),
    ) {
        let change = history.rate / fresh.rate.max(1e-9) - 1.0;
        add(
            format!(
                "history_drain within {:.0} % of drain (a link costs the same whatever the account's history)",
                SCALE_SLOWDOWN * 100.0
            ),
            change >= -SCALE_SLOWDOWN,
            format!(
                "{:.0} → {:.0} mails/s ({:+.1} %)",
                fresh.rate,
                history.rate,
                change * 100.0
            ),
        );
    }
    for name in ["accept", "reject_forged", "reject_used"] {
        let scaled = format!("scale_{name}");
        if let (Some(empty), Some(full)) = (
            report.figure(backend, name),
            report.figure(backend, &scaled),
        ) {
            let change = full.rate / empty.rate.max(1e-9) - 1.0;
            add(
                format!("{scaled} within {:.0} % of {name}", SCALE_SLOWDOWN * 100.0),
                change >= -SCALE_SLOWDOWN,
                format!(
                    "{:.0} → {:.0} req/s ({:+.1} %)",
                    empty.rate,
                    full.rate,
                    change * 100.0
                ),
            );
        }
    }
    let figures: Vec<&Figure> = report
        .figures
        .iter()
        .filter(|f| f.backend == backend)
        .collect();
    let peak = figures.iter().map(|f| f.peak_rss_mib).fold(0.0, f64::max);
    add(
        format!("peak RSS ≤ {PEAK_RSS_MIB} MiB in every scenario"),
        peak <= PEAK_RSS_MIB,
        format!("highest {peak:.1} MiB"),
    );
    let errors: u64 = figures.iter().map(|f| f.errors).sum();
    add(
        "no errors".to_owned(),
        errors == 0,
        format!("{errors} unexpected responses, socket errors or missing mails"),
    );
    checks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(scenario: &str, rate: f64, p99: f64, rss: f64) -> Figure {
        Figure {
            backend: "sqlite".into(),
            scenario: scenario.into(),
            unit: "req/s".into(),
            rate,
            p50_ms: Some(1.0),
            p99_ms: Some(p99),
            errors: 0,
            total: 1,
            peak_rss_mib: rss,
            note: String::new(),
        }
    }

    fn verdicts(figures: Vec<Figure>) -> Vec<(String, bool)> {
        let report = Report {
            figures,
            ..Report::default()
        };
        check(&report, "sqlite")
            .into_iter()
            .map(|c| (c.name, c.ok))
            .collect()
    }

    #[test]
    fn accept_needs_its_share_of_the_ceiling_and_a_short_p99() {
        // Act
        let found = verdicts(vec![
            figure(CEILING, 1000.0, 1.0, 30.0),
            figure("accept", 240.0, 25.0, 30.0),
            figure("reject_forged", 700.0, 1.0, 30.0),
        ]);

        // Assert
        assert!(found.contains(&("accept ≥ 25 % of the ceiling".into(), false)));
        assert!(found.contains(&("accept p99 ≤ 20 ms".into(), false)));
        assert!(found.contains(&("reject_forged ≥ 70 % of the ceiling".into(), true)));
        assert!(found.contains(&("peak RSS ≤ 64 MiB in every scenario".into(), true)));
    }

    #[test]
    fn scale_figures_may_lose_at_most_a_fifth() {
        // Act
        let found = verdicts(vec![
            figure(CEILING, 1000.0, 1.0, 30.0),
            figure("reject_used", 500.0, 1.0, 30.0),
            figure("scale_reject_used", 390.0, 1.0, 70.0),
        ]);

        // Assert
        assert!(found.contains(&("scale_reject_used within 20 % of reject_used".into(), false)));
        assert!(found.contains(&("peak RSS ≤ 64 MiB in every scenario".into(), false)));
    }
}
