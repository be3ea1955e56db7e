//! `lifeline sessions list|revoke EMAIL`: an account's signed-in sessions, and signing it
//! out. The work is the library's ([`lifeline::ops::Accounts`]) over `storage::sessions`.

use serde::Serialize;
use storage::sessions::SessionRecord;

use lifeline::Settings;
use lifeline::ops::Actor;

use super::accounts::{blocking, dash, now, open};
use crate::cli::SessionsCommand;
use crate::output::{Table, print_json, rfc3339};

/// Runs `lifeline sessions …`.
pub async fn run(settings: &Settings, command: SessionsCommand) -> anyhow::Result<()> {
    let accounts = open(settings).await?;
    match command {
        SessionsCommand::List { email, json } => {
            let (user, list) = blocking(&accounts, &email, |a, e| a.sessions(e, now())).await?;
            if json {
                return print_json(&ListJson {
                    email: &user.display_email,
                    sessions: list.iter().map(SessionJson::from).collect(),
                });
            }
            let mut table = Table::new(&["ID", "METHOD", "IP", "STARTED", "LAST SEEN", "BROWSER"]);
            for session in &list {
                table.row(vec![
                    session.id.to_string(),
                    session.method.as_str().to_owned(),
                    dash(session.ip.as_deref()),
                    rfc3339(session.created_at),
                    rfc3339(session.last_seen_at),
                    dash(session.user_agent.as_deref()),
                ]);
            }
            table.print()?;
            Ok(())
        }
        SessionsCommand::Revoke { email, id } => {
            let ended = blocking(&accounts, &email, move |a, e| {
                a.revoke_sessions(e, id, &Actor::Operator, now())
            })
            .await?;
            println!("{ended} session(s) ended");
            Ok(())
        }
    }
}

/// `lifeline sessions list --json`.
#[derive(Serialize)]
struct ListJson<'a> {
    email: &'a str,
    sessions: Vec<SessionJson<'a>>,
}

#[derive(Serialize)]
struct SessionJson<'a> {
    id: i64,
    method: &'static str,
    ip: Option<&'a str>,
    user_agent: Option<&'a str>,
    created_at: String,
    last_seen_at: String,
    expires_at: String,
}

impl<'a> From<&'a SessionRecord> for SessionJson<'a> {
    fn from(session: &'a SessionRecord) -> Self {
        Self {
            id: session.id,
            method: session.method.as_str(),
            ip: session.ip.as_deref(),
            user_agent: session.user_agent.as_deref(),
            created_at: rfc3339(session.created_at),
            last_seen_at: rfc3339(session.last_seen_at),
            expires_at: rfc3339(session.expires_at),
        }
    }
}
