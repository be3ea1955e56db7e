//! Results: one figure per backend and scenario, printed as Markdown tables with ratios to
//! the ceiling, saved as JSON, and compared with a saved baseline.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

/// The scenario every ratio is taken against.
pub const CEILING: &str = "ceiling";

/// One measured scenario on one backend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// `sqlite`, `mariadb` or `postgres`.
    pub backend: String,
    /// Scenario name, e.g. `accept`.
    pub scenario: String,
    /// What `rate` counts, e.g. `req/s`.
    pub unit: String,
    /// Throughput.
    pub rate: f64,
    /// Median latency, when measured.
    pub p50_ms: Option<f64>,
    /// 99th percentile latency, when measured.
    pub p99_ms: Option<f64>,
    /// Responses or deliveries that were not the expected outcome, plus socket errors.
    pub errors: u64,
    /// Responses or deliveries counted.
    pub total: u64,
    /// The server's peak resident memory (VmHWM) by the end of the scenario.
    pub peak_rss_mib: f64,
    /// Anything else worth knowing.
    pub note: String,
}

/// A target or consistency check and whether it held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// `sqlite`, `mariadb` or `postgres`.
    pub backend: String,
    /// What was checked.
    pub name: String,
    /// Whether it held.
    pub ok: bool,
    /// The numbers behind it.
    pub detail: String,
}

/// A whole run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// When the run started (UTC).
    pub started: String,
    /// CPU model and core count.
    pub machine: String,
    /// `/proc/loadavg` just before the run.
    pub load_before: String,
    /// The harness's command line.
    pub command: String,
    /// Every figure.
    pub figures: Vec<Figure>,
    /// Every check.
    pub checks: Vec<Check>,
}

impl Report {
    /// The figure of `scenario` on `backend`.
    pub fn figure(&self, backend: &str, scenario: &str) -> Option<&Figure> {
        self.figures
            .iter()
            .find(|f| f.backend == backend && f.scenario == scenario)
    }

    /// The backends measured, in order.
    pub fn backends(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for figure in &self.figures {
            if !names.contains(&figure.backend) {
                names.push(figure.backend.clone());
            }
        }
        names
    }

    /// Writes the report as JSON.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        std::fs::write(path, serde_json::to_string_pretty(self)?)
            .with_context(|| format!("writing {}", path.display()))
    }

    /// Reads a report saved by [`Report::save`].
    pub fn load(path: &Path) -> anyhow::Result<Report> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Ok(serde_json::from_str(&text)?)
    }

    /// Markdown: run details, one table per backend, then the checks.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Run started {} on {}", self.started, self.machine);
        let _ = writeln!(out, "Load average before the run: {}", self.load_before);
        let _ = writeln!(out, "Command: `{}`\n", self.command);
        for backend in self.backends() {
            let _ = writeln!(out, "{}\n", self.table(&backend));
        }
        if !self.checks.is_empty() {
            let _ = writeln!(
                out,
                "| backend | check | result | detail |\n|---|---|---|---|"
            );
            for c in &self.checks {
                let result = if c.ok { "met" } else { "NOT met" };
                let _ = writeln!(
                    out,
                    "| {} | {} | {result} | {} |",
                    c.backend, c.name, c.detail
                );
            }
        }
        out
    }

    /// The Markdown table of one backend, every column also as a ratio to the ceiling.
    pub fn table(&self, backend: &str) -> String {
        let ceiling = self.figure(backend, CEILING);
        let mut out = format!(
            "**{backend}**\n\n| scenario | rate | × ceiling | p50 ms | × ceiling | p99 ms | \
             × ceiling | errors | peak RSS MiB | × ceiling |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n"
        );
        for f in self.figures.iter().filter(|f| f.backend == backend) {
            let ratio = |mine: Option<f64>, theirs: Option<f64>| match (mine, theirs) {
                (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
                _ => "–".to_owned(),
            };
            let _ = writeln!(
                out,
                "| {} | {:.0} {} | {} | {} | {} | {} | {} | {} / {} | {:.1} | {} |",
                f.scenario,
                f.rate,
                f.unit,
                ratio(Some(f.rate), ceiling.map(|c| c.rate)),
                ms(f.p50_ms),
                ratio(f.p50_ms, ceiling.and_then(|c| c.p50_ms)),
                ms(f.p99_ms),
                ratio(f.p99_ms, ceiling.and_then(|c| c.p99_ms)),
                f.errors,
                f.total,
                f.peak_rss_mib,
                ratio(Some(f.peak_rss_mib), ceiling.map(|c| c.peak_rss_mib)),
            );
        }
        for f in self
            .figures
            .iter()
            .filter(|f| f.backend == backend && !f.note.is_empty())
        {
            let _ = writeln!(out, "\n- {}: {}", f.scenario, f.note);
        }
        out
    }

    /// Markdown: every figure present in both runs, with its change.
    pub fn compare(&self, baseline: &Report) -> String {
        let mut out = format!(
            "Compared with the run of {} ({}):\n\n| backend | scenario | rate | Δ | p99 ms | Δ | \
             peak RSS MiB | Δ |\n|---|---|--:|--:|--:|--:|--:|--:|\n",
            baseline.started, baseline.machine
        );
        for f in &self.figures {
            let Some(old) = baseline.figure(&f.backend, &f.scenario) else {
                continue;
            };
            let _ = writeln!(
                out,
                "| {} | {} | {:.0} → {:.0} | {} | {} → {} | {} | {:.1} → {:.1} | {} |",
                f.backend,
                f.scenario,
                old.rate,
                f.rate,
                delta(old.rate, f.rate, true),
                ms(old.p99_ms),
                ms(f.p99_ms),
                match (old.p99_ms, f.p99_ms) {
                    (Some(a), Some(b)) => delta(a, b, false),
                    _ => "–".to_owned(),
                },
                old.peak_rss_mib,
                f.peak_rss_mib,
                delta(old.peak_rss_mib, f.peak_rss_mib, false),
            );
        }
        out
    }
}

fn ms(value: Option<f64>) -> String {
    value.map_or("–".to_owned(), |v| format!("{v:.2}"))
}

/// The change from `old` to `new` in percent, flagged when it is worse by more than 10 %
/// (`higher_is_better` says which way is worse).
fn delta(old: f64, new: f64, higher_is_better: bool) -> String {
    if old <= 0.0 {
        return "–".to_owned();
    }
    let change = (new - old) / old * 100.0;
    let worse = if higher_is_better {
        change < -10.0
    } else {
        change > 10.0
    };
    format!("{change:+.1} %{}", if worse { " worse" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(scenario: &str, rate: f64, p99: f64) -> Figure {
        Figure {
            backend: "sqlite".into(),
            scenario: scenario.into(),
            unit: "req/s".into(),
            rate,
            p50_ms: Some(p99 / 2.0),
            p99_ms: Some(p99),
            errors: 0,
            total: 100,
            peak_rss_mib: 20.0,
            note: String::new(),
        }
    }

    #[test]
    fn tables_give_every_figure_as_a_ratio_to_the_ceiling() {
        // Arrange
        let report = Report {
            figures: vec![figure(CEILING, 1000.0, 2.0), figure("accept", 250.0, 8.0)],
            ..Report::default()
        };

        // Act
        let table = report.table("sqlite");

        // Assert
        assert!(
            table.contains(
                "| accept | 250 req/s | 0.25 | 4.00 | 4.00 | 8.00 | 4.00 | 0 / 100 | 20.0 | 1.00 |"
            ),
            "{table}"
        );
    }

    #[test]
    fn a_comparison_flags_what_got_worse() {
        // Arrange
        let old = Report {
            figures: vec![figure("accept", 1000.0, 10.0)],
            ..Report::default()
        };
        let new = Report {
            figures: vec![figure("accept", 800.0, 10.5)],
            ..Report::default()
        };

        // Act
        let text = new.compare(&old);

        // Assert
        assert!(text.contains("| -20.0 % worse |"), "{text}");
        assert!(text.contains("| +5.0 % |"), "{text}");
    }

    #[test]
    fn a_saved_report_loads_back_unchanged() {
        // Arrange
        let path =
            std::env::temp_dir().join(format!("lifeline-report-{}.json", std::process::id()));
        let report = Report {
            started: "now".into(),
            figures: vec![figure("accept", 1.0, 1.0)],
            ..Report::default()
        };

        // Act
        report.save(&path).unwrap();
        let loaded = Report::load(&path).unwrap();

        // Assert
        assert_eq!(loaded, report);
        std::fs::remove_file(path).unwrap();
    }
}
