//! `lifeline api-keys create|list|revoke`: the admin API's keys. The work is the library's
//! ([`lifeline::ops::ApiKeys`]); here the key is printed once, and never again.

use lifeline::Settings;
use lifeline::ops::{ApiKeyRecord, ApiKeys, Scope, connect_database};
use serde::Serialize;

use super::accounts::now;
use crate::cli::{ApiKeysCommand, ScopeArg};
use crate::output::{Table, cell_time, print_json, rfc3339};

/// Runs `lifeline api-keys …`.
pub async fn run(settings: &Settings, command: ApiKeysCommand) -> anyhow::Result<()> {
    let keys = open(settings).await?;
    match command {
        ApiKeysCommand::Create { name, scopes, json } => {
            let scopes: Vec<Scope> = scopes.into_iter().map(scope).collect();
            let created =
                tokio::task::spawn_blocking(move || keys.create(&name, &scopes, now())).await??;
            let record = &created.record;
            if json {
                return print_json(&CreatedJson {
                    key: created.expose_key(),
                    api_key: KeyJson::from(record),
                });
            }
            println!(
                "Created API key {:?} (key id {}, scopes {}).",
                record.name,
                record.key_id,
                scopes_text(record)
            );
            println!("Copy it now: it is not stored and cannot be shown again.");
            println!();
            println!("{}", created.expose_key());
            Ok(())
        }
        ApiKeysCommand::List { json } => {
            let list = tokio::task::spawn_blocking(move || keys.list()).await??;
            if json {
                return print_json(&ListJson {
                    api_keys: list.iter().map(KeyJson::from).collect(),
                });
            }
            let header = [
                "NAME",
                "KEY ID",
                "SCOPES",
                "CREATED",
                "LAST USED",
                "REVOKED",
            ];
            let mut table = Table::new(&header);
            for key in &list {
                table.row(vec![
                    key.name.clone(),
                    key.key_id.clone(),
                    scopes_text(key),
                    rfc3339(key.created_at),
                    cell_time(key.last_used_at),
                    cell_time(key.revoked_at),
                ]);
            }
            table.print()?;
            Ok(())
        }
        ApiKeysCommand::Revoke { name_or_key_id } => {
            let revoked =
                tokio::task::spawn_blocking(move || keys.revoke(&name_or_key_id, now())).await??;
            println!(
                "Revoked API key {:?} (key id {}): requests with it now get 401.",
                revoked.name, revoked.key_id
            );
            Ok(())
        }
    }
}

/// The keys of the configured database (migrated first unless `database.auto_migrate` is off).
async fn open(settings: &Settings) -> anyhow::Result<ApiKeys> {
    let db = connect_database(settings).await?;
    if settings.database.auto_migrate {
        let migrating = db.clone();
        tokio::task::spawn_blocking(move || migrating.migrate()).await??;
    }
    ApiKeys::new(settings, db)
}

fn scope(arg: ScopeArg) -> Scope {
    match arg {
        ScopeArg::Read => Scope::Read,
        ScopeArg::Write => Scope::Write,
        ScopeArg::Recovery => Scope::Recovery,
    }
}

fn scopes_text(key: &ApiKeyRecord) -> String {
    let names: Vec<&str> = key.scopes.iter().map(|s| s.as_str()).collect();
    names.join(",")
}

/// `lifeline api-keys create --json`.
#[derive(Serialize)]
struct CreatedJson<'a> {
    /// The key, shown this once.
    key: &'a str,
    api_key: KeyJson<'a>,
}

/// `lifeline api-keys list --json`.
#[derive(Serialize)]
struct ListJson<'a> {
    api_keys: Vec<KeyJson<'a>>,
}

#[derive(Serialize)]
struct KeyJson<'a> {
    name: &'a str,
    key_id: &'a str,
    scopes: Vec<&'static str>,
    created_at: String,
    last_used_at: Option<String>,
    revoked_at: Option<String>,
}

impl<'a> From<&'a ApiKeyRecord> for KeyJson<'a> {
    fn from(key: &'a ApiKeyRecord) -> Self {
        Self {
            name: &key.name,
            key_id: &key.key_id,
            scopes: key.scopes.iter().map(|s| s.as_str()).collect(),
            created_at: rfc3339(key.created_at),
            last_used_at: key.last_used_at.map(rfc3339),
            revoked_at: key.revoked_at.map(rfc3339),
        }
    }
}
