//! The committed baselines (`benches/instructions/baselines.toml`) and the comparison that
//! fails the check.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

/// Instructions per call, by scenario name.
pub type Counts = BTreeMap<String, u64>;

/// The baselines file: the counts and the machine they were counted on.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
pub struct Baselines {
    /// Where the counts were taken: callgrind's CPU follows the host's (glibc and BLAKE3 pick
    /// their code by CPU features), so another CPU may shift every count a little.
    pub recorded_on: Machine,
    /// Instructions per call, by scenario name.
    pub counts: Counts,
}

/// A machine's CPU and valgrind.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
pub struct Machine {
    /// `model name` of `/proc/cpuinfo`.
    pub cpu: String,
    /// `valgrind --version`.
    pub valgrind: String,
}

impl Machine {
    /// This machine.
    pub fn this() -> Self {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|info| {
                info.lines()
                    .find_map(|line| line.strip_prefix("model name"))
                    .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
            })
            .unwrap_or_default();
        let valgrind = std::process::Command::new("valgrind")
            .arg("--version")
            .output()
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
            .unwrap_or_default();
        Self { cpu, valgrind }
    }
}

const HEADER: &str = "\
# Instructions per call of each hot path, counted by valgrind's callgrind
# (`benches/instructions/run`, see docs/performance.md). `.ci/run` fails when a count grows
# by more than 3 % over its figure here. Changing a figure is a deliberate commit whose
# message says why; `benches/instructions/run --save` writes the counts of the build.
";

/// Reads a baselines file.
pub fn load(path: &Path) -> anyhow::Result<Baselines> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the baselines {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("parsing the baselines {}", path.display()))
}

/// The baselines file that `--save` updates: empty when there is none yet, an error when it
/// cannot be read or parsed (never silently replaced, with the counts it held).
pub fn load_to_update(path: &Path) -> anyhow::Result<Baselines> {
    if path.try_exists()? {
        load(path)
    } else {
        Ok(Baselines::default())
    }
}

/// Writes the baselines file.
pub fn save(path: &Path, baselines: &Baselines) -> anyhow::Result<()> {
    let mut text = HEADER.to_owned();
    text.push('\n');
    text.push_str(&toml::to_string(baselines)?);
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// One scenario's count beside its baseline.
#[derive(Debug, PartialEq)]
pub struct Row {
    /// The scenario.
    pub name: String,
    /// Its baseline, if it has one.
    pub baseline: Option<u64>,
    /// This build's count.
    pub now: u64,
    /// Whether this row fails the check.
    pub fails: bool,
}

impl Row {
    /// The change from the baseline, in percent.
    pub fn change_percent(&self) -> Option<f64> {
        self.baseline
            .filter(|&base| base > 0)
            .map(|base| (self.now as f64 - base as f64) * 100.0 / base as f64)
    }
}

/// Compares every count with its baseline: a count more than `allowed_percent` above it, or
/// one with no baseline, fails.
pub fn compare(now: &[(String, u64)], baselines: &Counts, allowed_percent: f64) -> Vec<Row> {
    now.iter()
        .map(|(name, count)| {
            let baseline = baselines.get(name).copied();
            let fails = match baseline {
                None => true,
                Some(base) => *count as f64 > base as f64 * (1.0 + allowed_percent / 100.0),
            };
            Row {
                name: name.clone(),
                baseline,
                now: *count,
                fails,
            }
        })
        .collect()
}

/// The table the check prints.
pub fn table(rows: &[Row], allowed_percent: f64) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<34} {:>13} {:>13} {:>9}",
        "scenario (instructions per call)", "baseline", "this build", "change"
    );
    for row in rows {
        let baseline = row.baseline.map_or("none".to_owned(), thousands);
        let change = row
            .change_percent()
            .map_or("–".to_owned(), |change| format!("{change:+.2} %"));
        let verdict = match (row.fails, row.baseline) {
            (true, None) => "  FAIL: no baseline",
            (true, Some(_)) => "  FAIL",
            (false, _) => "",
        };
        let _ = writeln!(
            out,
            "{:<34} {:>13} {:>13} {:>9}{verdict}",
            row.name,
            baseline,
            thousands(row.now),
            change
        );
    }
    let _ = writeln!(out, "allowed growth over a baseline: {allowed_percent} %");
    out
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baselines() -> Counts {
        [("a".to_owned(), 1000), ("b".to_owned(), 1000)].into()
    }

    #[test]
    fn a_count_more_than_the_allowed_share_above_its_baseline_fails() {
        let rows = compare(
            &[("a".to_owned(), 1030), ("b".to_owned(), 1031)],
            &baselines(),
            3.0,
        );
        assert!(!rows[0].fails, "exactly 3 % more is allowed");
        assert!(rows[1].fails, "3.1 % more is not");
    }

    #[test]
    fn a_lower_count_passes_and_a_count_without_baseline_fails() {
        let rows = compare(
            &[("a".to_owned(), 500), ("new".to_owned(), 1)],
            &baselines(),
            3.0,
        );
        assert!(!rows[0].fails);
        assert!(rows[1].fails);
        assert!(table(&rows, 3.0).contains("FAIL: no baseline"));
    }

    #[test]
    fn the_table_prints_each_count_beside_its_baseline() {
        let rows = compare(
            &[("a".to_owned(), 1_234_567)],
            &[("a".to_owned(), 1_200_000)].into(),
            3.0,
        );
        let table = table(&rows, 3.0);
        assert!(table.contains("1,200,000"), "{table}");
        assert!(table.contains("1,234,567"), "{table}");
        assert!(table.contains("+2.88 %"), "{table}");
    }

    #[test]
    fn saved_baselines_load_back() {
        let dir = std::env::temp_dir().join(format!("baselines-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let path = dir.join("baselines.toml");
        let saved = Baselines {
            recorded_on: Machine::this(),
            counts: baselines(),
        };
        save(&path, &saved).unwrap_or_default();
        assert_eq!(load(&path).ok(), Some(saved));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn saving_refuses_to_replace_a_baselines_file_it_cannot_parse() {
        let dir = std::env::temp_dir().join(format!("baselines-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let path = dir.join("baselines.toml");
        assert_eq!(load_to_update(&path).ok(), Some(Baselines::default()));

        std::fs::write(&path, "[counts]\ntoken_mint = \"many\"\n").unwrap_or_default();
        let refused = load_to_update(&path);

        let _ = std::fs::remove_dir_all(&dir);
        let error = format!("{:#}", refused.expect_err("an unparsable file is refused"));
        assert!(error.contains("parsing the baselines"), "{error}");
    }
}
