//! The harness's command line.

use std::path::PathBuf;

use clap::Parser;

/// Measures Lifeline under load: throughput, latency and memory per scenario, each also as
/// a ratio to the `GET /healthz` ceiling of the same run.
#[derive(Debug, Clone, Parser)]
#[command(name = "load-harness")]
pub struct Options {
    /// Also measure on MariaDB (as with LIFELINE_BENCH_MYSQL_URL).
    #[arg(long)]
    pub mysql: bool,

    /// MariaDB server and account that may create `lifeline_test_bench_*` databases.
    #[arg(
        long,
        env = "LIFELINE_BENCH_MYSQL_URL",
        default_value = "mysql://lifeline:lifeline@127.0.0.1:3306"
    )]
    pub mysql_url: String,

    /// Also measure on PostgreSQL (as with LIFELINE_BENCH_POSTGRES_URL).
    #[arg(long)]
    pub postgres: bool,

    /// PostgreSQL server and an account with `CREATEDB` (it creates
    /// `lifeline_test_bench_*` databases).
    #[arg(
        long,
        env = "LIFELINE_BENCH_POSTGRES_URL",
        default_value = "postgres://lifeline:lifeline@127.0.0.1:5432"
    )]
    pub postgres_url: String,

    /// Skip SQLite (measure the server databases only).
    #[arg(long)]
    pub no_sqlite: bool,

    /// Fill 1,000,000 users and tokens, rerun reject and accept, and measure the purge.
    #[arg(long)]
    pub scale: bool,

    /// Compare with the results saved earlier in this JSON file.
    #[arg(long)]
    pub baseline: Option<PathBuf>,

    /// Save the results as JSON here.
    #[arg(long)]
    pub save: Option<PathBuf>,

    /// Seconds of load per wrk scenario.
    #[arg(long, default_value_t = 10)]
    pub duration: u64,

    /// Open connections (wrk -c).
    #[arg(long, default_value_t = 64)]
    pub connections: u32,

    /// Load generator threads (wrk -t).
    #[arg(long, default_value_t = 2)]
    pub threads: u32,

    /// Accounts seeded before the scenarios (`user<N>@bench.example`).
    #[arg(long, default_value_t = 10_000)]
    pub accounts: u64,

    /// Reset requests queued for the drain scenario.
    #[arg(long, default_value_t = 5_000)]
    pub drain: u64,

    /// Used reset links each account of the `history_drain` scenario was sent before.
    #[arg(long, default_value_t = 2_000)]
    pub history: u64,

    /// Seconds of end-to-end resets.
    #[arg(long, default_value_t = 15)]
    pub e2e_duration: u64,

    /// Concurrent end-to-end clients (each resets its own account over and over).
    #[arg(long, default_value_t = 8)]
    pub e2e_clients: u64,

    /// Users added by --scale.
    #[arg(long, default_value_t = 1_000_000)]
    pub scale_users: u64,

    /// Tokens added by --scale (most expired or used).
    #[arg(long, default_value_t = 1_000_000)]
    pub scale_tokens: u64,

    /// Sent outbox jobs added by --scale.
    #[arg(long, default_value_t = 100_000)]
    pub scale_outbox: u64,

    /// Only these scenarios (comma separated: ceiling, accept, reject_forged, reject_used,
    /// session, api_session, admin_rejected, drain, mail_delay, history_drain, e2e). The
    /// ceiling always runs: every ratio needs it; mail_delay runs the drain first if it is
    /// not asked for.
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,

    /// Extra environment variable for the server, e.g. `LIFELINE_DATABASE__POOL_SIZE=16` or
    /// `MALLOC_ARENA_MAX=2` (repeatable): to measure a tuning before and after.
    #[arg(long = "server-env", value_parser = parse_env)]
    pub server_env: Vec<(String, String)>,

    /// The server's log filter. `info` logs a line per request.
    #[arg(long, default_value = "warn")]
    pub log_filter: String,

    /// Record each scenario's server with `perf record` (DWARF call stacks), from ready to
    /// stop, into `DIR/<backend>-<scenario>.perf.data` (see `benches/load/flamegraph`).
    #[arg(long)]
    pub perf_dir: Option<PathBuf>,

    /// Where `lifeline` and `smtp-sink` are (default: next to this program).
    #[arg(long)]
    pub bin_dir: Option<PathBuf>,

    /// Where databases, logs and wrk scripts go (default: target/load-runs/TIME under the
    /// current directory).
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
}

impl Options {
    /// Whether `scenario` should run.
    pub fn wants(&self, scenario: &str) -> bool {
        scenario == "ceiling" || self.only.is_empty() || self.only.iter().any(|s| s == scenario)
    }

    /// Whether MariaDB is measured: `--mysql`, or LIFELINE_BENCH_MYSQL_URL in the environment.
    pub fn mysql_enabled(&self) -> bool {
        self.mysql || std::env::var_os("LIFELINE_BENCH_MYSQL_URL").is_some()
    }

    /// Whether PostgreSQL is measured: `--postgres`, or LIFELINE_BENCH_POSTGRES_URL in the
    /// environment.
    pub fn postgres_enabled(&self) -> bool {
        self.postgres || std::env::var_os("LIFELINE_BENCH_POSTGRES_URL").is_some()
    }
}

fn parse_env(text: &str) -> Result<(String, String), String> {
    let (key, value) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?} is not KEY=VALUE"))?;
    if key.is_empty() || key.contains(char::is_whitespace) {
        return Err(format!("{key:?} is not a variable name"));
    }
    Ok((key.to_owned(), value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ceiling_always_runs_and_only_limits_the_others() {
        // Arrange
        let all = Options::parse_from(["load-harness"]);
        let some = Options::parse_from(["load-harness", "--only", "accept,drain"]);

        // Act / Assert
        assert!(all.wants("e2e"));
        assert!(some.wants("ceiling"));
        assert!(some.wants("drain"));
        assert!(!some.wants("e2e"));
    }

    #[test]
    fn server_variables_must_be_key_value_pairs() {
        // Act
        let good = Options::try_parse_from([
            "load-harness",
            "--server-env",
            "LIFELINE_DATABASE__POOL_SIZE=16",
        ]);
        let bad = Options::try_parse_from(["load-harness", "--server-env", "POOL_SIZE"]);

        // Assert
        assert_eq!(
            good.unwrap().server_env,
            [("LIFELINE_DATABASE__POOL_SIZE".to_owned(), "16".to_owned())]
        );
        assert!(bad.is_err());
    }
}
