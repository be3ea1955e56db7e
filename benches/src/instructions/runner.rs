//! `instruction-counts check`: each scenario in a process of its own under callgrind, with
//! one SMTP sink for all of them, then the comparison with the baselines.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{Context, bail};

use super::baseline::{self, Counts, Machine};
use super::{Scenario, callgrind};

/// What `check` is asked to do (its command-line options).
#[derive(Clone, Debug, clap::Args)]
pub struct Check {
    /// Only these scenarios (comma-separated; all when none).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<Scenario>,
    /// The baselines file.
    #[arg(long, default_value = "benches/instructions/baselines.toml")]
    pub baselines: PathBuf,
    /// Write this build's counts as the baselines instead of comparing.
    #[arg(long)]
    pub save: bool,
    /// A count more than this many percent above its baseline fails.
    #[arg(long, default_value_t = 3.0)]
    pub allowed_percent: f64,
    /// Where the callgrind profiles (`<scenario>.callgrind.out`) and the scenarios'
    /// databases go.
    #[arg(long, default_value = "target/instruction-counts")]
    pub out_dir: PathBuf,
    /// Runs of each scenario; the lowest count is kept.
    #[arg(long, default_value_t = 3)]
    pub runs: u32,
}

/// Runs the check; `Ok(false)` when a count failed it.
pub fn check(check: &Check) -> anyhow::Result<bool> {
    let exe = std::env::current_exe()?;
    let mut sink = Sink::start(&exe.with_file_name("smtp-sink"))?;
    std::fs::create_dir_all(&check.out_dir)?;
    let wanted: Vec<Scenario> = if check.only.is_empty() {
        Scenario::all().to_vec()
    } else {
        check.only.clone()
    };
    let mut per_call = Counts::new();
    for &scenario in Scenario::all() {
        let needed =
            wanted.contains(&scenario) || wanted.iter().any(|w| w.less() == Some(scenario));
        if !needed {
            continue;
        }
        // Work only ever adds noise (a connection opened once more, a timer that fired
        // during the measured calls), so the lowest of a few runs is the count.
        let mut count = u64::MAX;
        for _ in 0..check.runs.max(1) {
            count = count.min(run_one(&exe, scenario, check, &sink)?);
        }
        eprintln!("counted {:<34} {count:>13} per call", scenario.name());
        per_call.insert(scenario.name(), count);
    }
    sink.stop();
    let mut reported = Vec::new();
    for &scenario in &wanted {
        let raw = per_call[&scenario.name()];
        let less = scenario.less().map_or(0, |less| per_call[&less.name()]);
        reported.push((scenario.name(), raw.saturating_sub(less)));
    }
    let machine = Machine::this();
    if check.save {
        let mut baselines = baseline::load_to_update(&check.baselines)?;
        baselines.counts.extend(reported.iter().cloned());
        baselines.recorded_on = machine;
        baseline::save(&check.baselines, &baselines)?;
        println!(
            "saved {} counts to {}",
            reported.len(),
            check.baselines.display()
        );
        return Ok(true);
    }
    let baselines = baseline::load(&check.baselines)?;
    let rows = baseline::compare(&reported, &baselines.counts, check.allowed_percent);
    print!("{}", baseline::table(&rows, check.allowed_percent));
    if baselines.recorded_on != machine {
        println!(
            "note: the baselines were counted on {} with {}; this machine is {} with {}. \
             A shift of every count alike is the machine's, not the code's.",
            baselines.recorded_on.cpu,
            baselines.recorded_on.valgrind,
            machine.cpu,
            machine.valgrind
        );
    }
    Ok(rows.iter().all(|row| !row.fails))
}

fn run_one(exe: &Path, scenario: Scenario, check: &Check, sink: &Sink) -> anyhow::Result<u64> {
    let name = scenario.name();
    let work_dir = check.out_dir.join(&name);
    let _ = std::fs::remove_dir_all(&work_dir);
    let times = scenario.times();
    let args = [
        "measure".to_owned(),
        name.clone(),
        "--times".to_owned(),
        times.to_string(),
        "--work-dir".to_owned(),
        work_dir.display().to_string(),
        "--smtp-port".to_owned(),
        sink.smtp_port.to_string(),
        "--control-port".to_owned(),
        sink.control_port.to_string(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let profile = check.out_dir.join(format!("{name}.callgrind.out"));
    let total = callgrind::count(exe, &args, &profile)?;
    let _ = std::fs::remove_dir_all(&work_dir);
    Ok((total + u64::from(times) / 2) / u64::from(times))
}

/// The `smtp-sink` binary, not under valgrind: its work is not the measured process's.
struct Sink {
    child: Child,
    smtp_port: u16,
    control_port: u16,
}

impl Sink {
    fn start(program: &Path) -> anyhow::Result<Self> {
        let mut child = Command::new(program)
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {}", program.display()))?;
        let stdout = child.stdout.take().context("the sink's standard output")?;
        let mut lines = BufReader::new(stdout).lines();
        let mut port = |label: &str| -> anyhow::Result<u16> {
            let line = lines.next().context("the sink exited")??;
            match line.strip_prefix(label) {
                Some(port) => Ok(port.trim().parse()?),
                None => bail!("the sink printed {line:?}, not its {label} port"),
            }
        };
        let smtp_port = port("smtp ")?;
        let control_port = port("control ")?;
        Ok(Self {
            child,
            smtp_port,
            control_port,
        })
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.stop();
    }
}
