//! Counts the instructions of Lifeline's hot paths under valgrind's callgrind and compares
//! them with the committed baselines (`benches/instructions/run`; see
//! `lifeline_benches::instructions`).
//!
//! ```text
//! instruction-counts check [--only a,b] [--save] [--baselines FILE] [--allowed-percent 3] [--runs 3]
//! instruction-counts measure <scenario> …   (what `check` runs under callgrind)
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use lifeline_benches::instructions::{self, Options, Scenario, runner};

#[derive(Parser)]
#[command(about = "Instruction counts of Lifeline's hot paths, against committed baselines")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs every scenario under callgrind and compares each count with its baseline.
    Check(runner::Check),
    /// Runs one scenario in this process (under callgrind, started by `check`).
    #[command(hide = true)]
    Measure {
        scenario: Scenario,
        #[arg(long)]
        times: u32,
        #[arg(long)]
        work_dir: PathBuf,
        #[arg(long)]
        smtp_port: u16,
        #[arg(long)]
        control_port: u16,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("instruction counts: a count grew past its baseline (see above)");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("instruction-counts: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<bool> {
    match cli.command {
        Command::Check(check) => runner::check(&check),
        Command::Measure {
            scenario,
            times,
            work_dir,
            smtp_port,
            control_port,
        } => {
            instructions::measure(
                scenario,
                &Options {
                    times,
                    work_dir,
                    smtp_port,
                    control_port,
                },
            )?;
            Ok(true)
        }
    }
}
