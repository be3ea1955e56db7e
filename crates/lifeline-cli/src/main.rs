//! The `lifeline` binary.

use clap::Parser;
use lifeline_cli::cli::Cli;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match lifeline_cli::commands::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("lifeline: {}", lifeline_cli::report::report(&error));
            std::process::ExitCode::FAILURE
        }
    }
}
