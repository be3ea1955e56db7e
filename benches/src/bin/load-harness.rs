//! The load harness; run it through `benches/load/run`, which builds everything first.
//! See `docs/performance.md`.

use clap::Parser;
use lifeline_benches::load::options::Options;
use lifeline_benches::load::report::Report;
use lifeline_benches::load::run::run;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = Options::parse();
    let baseline = options.baseline.as_deref().map(Report::load).transpose()?;
    let save = options.save.clone();
    let report = run(options).await?;
    println!("\n{}", report.to_markdown());
    if let Some(baseline) = baseline {
        println!("{}", report.compare(&baseline));
    }
    if let Some(path) = save {
        report.save(&path)?;
        println!("results saved to {}", path.display());
    }
    Ok(())
}
