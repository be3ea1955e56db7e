//! `cargo run -p lifeline-embed-example`: the example host on
//! `http://127.0.0.1:8081`, Lifeline under `/auth` (development defaults:
//! SQLite in `lifeline-data/`, mail in the mailbox at `/auth/dev/mailbox`).

use lifeline_embed_example::{Host, LIFELINE_PATH, settings};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = std::env::var_os("LIFELINE_CONFIG").map(std::path::PathBuf::from);
    let settings = settings(config.as_deref())?;
    lifeline::init_tracing(&settings.log);
    let public_url = settings.server.public_url.clone();
    let host = Host::build(settings).await?;
    println!(
        "example host on port {}: open {public_url}/ (Lifeline at {public_url}{LIFELINE_PATH}/login)",
        host.port
    );
    host.run_until_stopped().await
}
