//! What each `lifeline` subcommand does.

pub mod accounts;
pub mod api_keys;
pub mod demo;
pub mod import_progress;
pub mod outbox;
pub mod sessions;
pub mod users_csv;
pub mod users_import;

use std::io::Write;

use anyhow::{Context, bail};
use chrono::Utc;
use storage::EmailAddress;

use lifeline::ops::{self, Actor, connect_database};
use lifeline::{Application, Settings};

use crate::cli::{Cli, Command, ConfigCommand, KeysCommand, UsersCommand, WebhooksCommand};
use crate::plugins::directory_plugins;

pub use demo::DEMO_EMAIL;

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config.as_deref();
    match cli.command {
        Command::Serve => serve(load(config)?).await,
        Command::Migrate => migrate(&load(config)?).await,
        Command::Demo { port } => demo::run(config, port).await,
        Command::Users { command } => {
            let settings = load(config)?;
            match command {
                UsersCommand::Add { email } => {
                    own_users_table(&settings)?;
                    add_user(&settings, &email).await
                }
                UsersCommand::List { limit, json } => {
                    own_users_table(&settings)?;
                    accounts::list(&settings, limit, json).await
                }
                UsersCommand::Import { file } => {
                    own_users_table(&settings)?;
                    users_import::run(&settings, &file).await
                }
                other => accounts::run(&settings, other).await,
            }
        }
        Command::Sessions { command } => sessions::run(&load(config)?, command).await,
        Command::Audit { email, limit, json } => {
            accounts::audit(&load(config)?, &email, limit, json).await
        }
        Command::ApiKeys { command } => api_keys::run(&load(config)?, command).await,
        Command::Outbox { command } => outbox::run(&load(config)?, command).await,
        Command::Keys {
            command: KeysCommand::Generate { id },
        } => {
            let (token, session) = lifeline::generate_keys(id)?;
            println!(
                "# Put these in the configuration (or LIFELINE_KEYS__TOKEN / LIFELINE_KEYS__SESSION)."
            );
            println!(
                "# To rotate: put the new token key first and keep the old one after it until its links expire."
            );
            println!(
                "[keys]\ntoken = \"{}\"\nsession = \"{}\"",
                token.as_str(),
                session.as_str()
            );
            Ok(())
        }
        Command::Webhooks {
            command: WebhooksCommand::Secret,
        } => {
            println!("{}", lifeline::generate_webhook_secret()?);
            Ok(())
        }
        Command::Config {
            command: ConfigCommand::Check,
        } => config_check(&load(config)?),
    }
}

/// The settings: defaults, the file, the `LIFELINE_` variables, with the directory plugins
/// this binary was built with.
fn load(config: Option<&std::path::Path>) -> Result<Settings, lifeline::ConfigError> {
    Settings::load_with_plugins(config, directory_plugins())
}

/// `lifeline config check`: the effective settings as TOML that loads again, secrets as
/// `***` (which the settings refuse, so pasted output needs its secrets supplied again).
fn config_check(settings: &Settings) -> anyhow::Result<()> {
    let toml = toml::to_string(settings).context("Failed to print the settings as TOML")?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "# The configuration is valid. Effective settings, as TOML; each secret is shown as\n\
         # \"***\" (database.url: its password only) and must be supplied again to load this."
    )?;
    writeln!(out, "{toml}")?;
    Ok(())
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let app = Application::build(settings).await?;
    tracing::info!(port = app.port(), "lifeline is listening");
    app.run_until_stopped().await
}

async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let db = connect_database(settings).await?;
    let applied = tokio::task::spawn_blocking(move || db.migrate()).await??;
    println!("{} migration(s) applied", applied.len());
    Ok(())
}

/// `lifeline users …` manages Lifeline's own `users` table. With a SQL-mapped directory or a
/// plugin's, the accounts live elsewhere and are managed there: adding rows to a table nobody
/// reads would only mislead the operator.
fn own_users_table(settings: &Settings) -> anyhow::Result<()> {
    if let Err(elsewhere) = ops::accounts_in_own_table(settings) {
        bail!(
            "`lifeline users` manages Lifeline's own users table, but {elsewhere}; manage them there"
        );
    }
    Ok(())
}

/// `lifeline users add EMAIL`: the password is typed twice without echo on a terminal, or
/// read from standard input, so it never appears in the process list or shell history.
async fn add_user(settings: &Settings, email: &str) -> anyhow::Result<()> {
    let email =
        EmailAddress::parse(email).map_err(|e| anyhow::anyhow!("invalid email address: {e}"))?;
    let password = crate::password_prompt::read_new_password(email.display())?;
    if let Err(reason) = ops::check_new_password(settings, &password, &email) {
        bail!("password refused: {reason}");
    }
    let hasher = ops::password_hasher(settings)?;
    let accounts = accounts::open(settings).await?;
    let user = tokio::task::spawn_blocking(move || {
        let now = Utc::now().naive_utc();
        accounts.create(&email, Some(&password), &hasher, &Actor::Operator, now)
    })
    .await??;
    println!("created user {} ({})", user.id, user.display_email);
    Ok(())
}
