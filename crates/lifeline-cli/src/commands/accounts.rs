//! `lifeline users show|disable|enable|delete|set-password|unpause EMAIL`, `lifeline users
//! list` and `lifeline audit EMAIL`: what support runs when a person writes in. The work is
//! the library's ([`lifeline::ops::Accounts`]), through the configured directory; this
//! module parses, asks, and prints.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, bail};
use chrono::{NaiveDateTime, Utc};
use serde::Serialize;
use storage::audit::AuditEvent;
use storage::{Database, EmailAddress, users};

use lifeline::ops::{self, Accounts, Actor, OperatorError, connect_database};
use lifeline::{DirectoryUser, Settings};

use crate::cli::UsersCommand;
use crate::output::{Table, cell_time, print_json, rfc3339};
use crate::password_prompt::read_new_password;

/// Runs one of the account commands that work through the directory.
pub async fn run(settings: &Settings, command: UsersCommand) -> anyhow::Result<()> {
    let accounts = open(settings).await?;
    match command {
        UsersCommand::Show { email, json } => {
            let user = blocking(&accounts, &email, |a, e| a.find(e)).await?;
            show(&user, json)
        }
        UsersCommand::Disable { email } => {
            let user = blocking(&accounts, &email, |a, e| {
                a.disable(e, &Actor::Operator, now())
            })
            .await?;
            println!(
                "disabled {} (its sessions and links have ended)",
                user.display_email
            );
            Ok(())
        }
        UsersCommand::Enable { email } => {
            let user = blocking(&accounts, &email, |a, e| {
                a.enable(e, &Actor::Operator, now())
            })
            .await?;
            println!("enabled {}", user.display_email);
            Ok(())
        }
        UsersCommand::Delete { email, yes } => {
            let address = parse(&email)?;
            confirm_delete(&address, yes)?;
            let id = blocking(&accounts, &email, |a, e| {
                a.delete(e, &Actor::Operator, now())
            })
            .await?;
            println!("deleted user {id} ({})", address.display());
            Ok(())
        }
        UsersCommand::SetPassword { email } => set_password(settings, &accounts, &email).await,
        UsersCommand::Unpause { email } => {
            let user = blocking(&accounts, &email, |a, e| {
                a.lift_pause(e, &Actor::Operator, now())
            })
            .await?;
            println!(
                "{} may ask for reset and sign-in links again",
                user.display_email
            );
            Ok(())
        }
        UsersCommand::Add { .. } | UsersCommand::Import { .. } | UsersCommand::List { .. } => {
            bail!("not an account command of the directory")
        }
    }
}

/// `lifeline audit EMAIL`: the account's latest events, newest first.
pub async fn audit(settings: &Settings, email: &str, limit: u32, json: bool) -> anyhow::Result<()> {
    let accounts = open(settings).await?;
    let (user, events) = blocking(&accounts, email, move |a, e| a.audit(e, limit)).await?;
    if json {
        return print_json(&AuditJson {
            account: AccountRef {
                id: user.id,
                email: &user.display_email,
            },
            events: events.iter().map(EventJson::from).collect(),
        });
    }
    let mut table = Table::new(&["TIME", "KIND", "IP", "USER AGENT", "DETAIL"]);
    for event in &events {
        table.row(vec![
            rfc3339(event.created_at),
            event.kind.clone(),
            dash(event.ip.as_deref()),
            dash(event.user_agent.as_deref()),
            dash(event.detail.as_deref()),
        ]);
    }
    table.print()?;
    Ok(())
}

/// `lifeline users list`: Lifeline's own table, by id.
pub async fn list(settings: &Settings, limit: u32, json: bool) -> anyhow::Result<()> {
    let db: Database = connect_database(settings).await?;
    let list =
        tokio::task::spawn_blocking(move || users::list(&mut *db.conn()?, None, limit)).await??;
    if json {
        let users = list
            .iter()
            .map(|user| ListedJson {
                id: user.id,
                email: &user.display_email,
                created_at: rfc3339(user.created_at),
                disabled_at: user.disabled_at.map(rfc3339),
            })
            .collect();
        return print_json(&ListJson { users });
    }
    let mut table = Table::new(&["ID", "EMAIL", "CREATED", "DISABLED"]);
    for user in &list {
        table.row(vec![
            user.id.to_string(),
            user.display_email.clone(),
            rfc3339(user.created_at),
            cell_time(user.disabled_at),
        ]);
    }
    table.print()?;
    Ok(())
}

fn show(user: &DirectoryUser, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(&ShowJson {
            id: user.id,
            email: &user.display_email,
            has_password: user.password_hash.is_some(),
            disabled_at: user.disabled_at.map(rfc3339),
            resets_paused_until: user.resets_paused_until.map(rfc3339),
            auth_epoch: user.auth_epoch,
        });
    }
    let yes_no = |yes: bool| if yes { "yes" } else { "no" }.to_owned();
    let mut table = Table::new(&["FIELD", "VALUE"]);
    table.row(vec!["id".into(), user.id.to_string()]);
    table.row(vec!["email".into(), user.display_email.clone()]);
    table.row(vec![
        "password".into(),
        yes_no(user.password_hash.is_some()),
    ]);
    table.row(vec!["disabled".into(), cell_time(user.disabled_at)]);
    table.row(vec![
        "links paused until".into(),
        cell_time(user.resets_paused_until),
    ]);
    table.row(vec!["auth epoch".into(), user.auth_epoch.to_string()]);
    table.print()?;
    Ok(())
}

async fn set_password(settings: &Settings, accounts: &Accounts, email: &str) -> anyhow::Result<()> {
    let address = parse(email)?;
    let password = read_new_password(address.display())?;
    if let Err(reason) = ops::check_new_password(settings, &password, &address) {
        bail!("password refused: {reason}");
    }
    let hasher = ops::password_hasher(settings)?;
    let user = blocking(accounts, email, move |a, e| {
        a.set_password(e, &password, &hasher, &Actor::Operator, now())
    })
    .await?;
    println!(
        "password set for {} (its sessions and links have ended; \"password changed\" is mailed)",
        user.display_email
    );
    Ok(())
}

/// On a terminal, the address must be typed again; a script must say `--yes`.
fn confirm_delete(address: &EmailAddress, yes: bool) -> anyhow::Result<()> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        bail!(
            "`lifeline users delete` asks for confirmation on a terminal; from a script, pass \
             --yes; nothing was deleted"
        );
    }
    eprint!(
        "Delete the account {} for good? Its links stop working; its audit events stay.\n\
         Type the address again to confirm: ",
        address.display()
    );
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("Failed to read the confirmation")?;
    match EmailAddress::parse(line.trim()) {
        Ok(typed) if typed.as_str() == address.as_str() => Ok(()),
        _ => bail!("not confirmed; nothing was deleted"),
    }
}

/// The configured directory, on a schema brought up to date first when
/// `database.auto_migrate` is on (as `lifeline users add` does).
pub(crate) async fn open(settings: &Settings) -> anyhow::Result<Accounts> {
    let db = connect_database(settings).await?;
    if settings.database.auto_migrate {
        let migrating = db.clone();
        tokio::task::spawn_blocking(move || migrating.migrate()).await??;
    }
    Accounts::new(settings, db)
}

fn parse(email: &str) -> anyhow::Result<EmailAddress> {
    EmailAddress::parse(email).map_err(|e| anyhow::anyhow!("invalid email address: {e}"))
}

/// Runs `act` for the parsed `email` on a blocking thread.
pub(crate) async fn blocking<T: Send + 'static>(
    accounts: &Accounts,
    email: &str,
    act: impl FnOnce(&Accounts, &EmailAddress) -> Result<T, OperatorError> + Send + 'static,
) -> anyhow::Result<T> {
    let (accounts, address) = (accounts.clone(), parse(email)?);
    Ok(tokio::task::spawn_blocking(move || act(&accounts, &address)).await??)
}

pub(crate) fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

pub(crate) fn dash(text: Option<&str>) -> String {
    text.filter(|text| !text.is_empty())
        .unwrap_or("-")
        .to_owned()
}

/// `lifeline users show --json`.
#[derive(Serialize)]
struct ShowJson<'a> {
    id: i64,
    email: &'a str,
    has_password: bool,
    disabled_at: Option<String>,
    resets_paused_until: Option<String>,
    auth_epoch: i64,
}

/// `lifeline users list --json`.
#[derive(Serialize)]
struct ListJson<'a> {
    users: Vec<ListedJson<'a>>,
}

#[derive(Serialize)]
struct ListedJson<'a> {
    id: i64,
    email: &'a str,
    created_at: String,
    disabled_at: Option<String>,
}

/// `lifeline audit --json`.
#[derive(Serialize)]
struct AuditJson<'a> {
    account: AccountRef<'a>,
    events: Vec<EventJson<'a>>,
}

#[derive(Serialize)]
struct AccountRef<'a> {
    id: i64,
    email: &'a str,
}

#[derive(Serialize)]
struct EventJson<'a> {
    id: i64,
    created_at: String,
    kind: &'a str,
    ip: Option<&'a str>,
    user_agent: Option<&'a str>,
    detail: Option<&'a str>,
}

impl<'a> From<&'a AuditEvent> for EventJson<'a> {
    fn from(event: &'a AuditEvent) -> Self {
        Self {
            id: event.id,
            created_at: rfc3339(event.created_at),
            kind: &event.kind,
            ip: event.ip.as_deref(),
            user_agent: event.user_agent.as_deref(),
            detail: event.detail.as_deref(),
        }
    }
}
