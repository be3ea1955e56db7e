//! The `lifeline` command line.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Lifeline: password reset and magic-link sign-in for web applications.
#[derive(Debug, Parser)]
#[command(name = "lifeline", version, about)]
pub struct Cli {
    /// TOML configuration file (defaults → this file → LIFELINE_SECTION__KEY variables).
    #[arg(long, global = true, env = "LIFELINE_CONFIG")]
    pub config: Option<PathBuf>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP service and the mail outbox worker.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Run everything locally with zero setup: SQLite, the development mailbox and a demo user
    /// (reset at every start: its printed password works and no "this wasn't me" pause holds).
    Demo {
        /// Port to listen on.
        #[arg(long, default_value_t = 8080)]
        port: u16,
    },
    /// Manage accounts.
    Users {
        /// What to do with accounts.
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// An account's audit events (sign-ins, resets, "this wasn't me", operator actions),
    /// newest first.
    Audit {
        /// The account's email address.
        email: String,
        /// How many events to show.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Print one JSON document instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// An account's signed-in sessions.
    Sessions {
        /// What to do with the sessions.
        #[command(subcommand)]
        command: SessionsCommand,
    },
    /// Manage keys.
    Keys {
        /// What to do with keys.
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Webhook helpers.
    Webhooks {
        /// What to do.
        #[command(subcommand)]
        command: WebhooksCommand,
    },
    /// Inspect and repair the mail outbox.
    Outbox {
        /// What to do with the outbox.
        #[command(subcommand)]
        command: OutboxCommand,
    },
    /// Inspect the configuration.
    Config {
        /// What to do with the configuration.
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

/// `lifeline users …`
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create an account; the password is typed twice without echo on a terminal, or read
    /// from standard input (one line).
    Add {
        /// The account's email address.
        email: String,
    },
    /// Show an account: its state (disabled, paused) and whether it has a password.
    Show {
        /// The account's email address.
        email: String,
        /// Print one JSON document instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Disable an account: it gets no mail, cannot sign in, and every answer is an unknown
    /// address's; its sessions and links end at once.
    Disable {
        /// The account's email address.
        email: String,
    },
    /// Enable a disabled account again (its old sessions and links stay ended).
    Enable {
        /// The account's email address.
        email: String,
    },
    /// Delete an account for good (Lifeline's own table only); asks for confirmation on a
    /// terminal.
    Delete {
        /// The account's email address.
        email: String,
        /// Do not ask (for scripts; required when standard input is not a terminal).
        #[arg(long)]
        yes: bool,
    },
    /// Set an account's password (typed twice without echo on a terminal, or one line of
    /// standard input); its sessions and links end, and the owner is mailed "password
    /// changed" with a "this wasn't me" link.
    SetPassword {
        /// The account's email address.
        email: String,
    },
    /// Lift a "this wasn't me" pause now, so the owner can ask for links again.
    Unpause {
        /// The account's email address.
        email: String,
    },
    /// Create accounts from a CSV file whose header is `email` or `email,password_hash`
    /// (argon2id PHC strings). Bad lines and duplicates are reported by line number and
    /// skipped; the exit status is 1 when any line was invalid.
    Import {
        /// The CSV file.
        file: PathBuf,
    },
    /// List accounts (Lifeline's own table).
    List {
        /// How many to show.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Print one JSON document instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// `lifeline sessions …`
#[derive(Debug, Subcommand)]
pub enum SessionsCommand {
    /// The account's live sessions, most recently seen first.
    List {
        /// The account's email address.
        email: String,
        /// Print one JSON document instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Sign the account out: every session, or the one `--id` names (ids are shown by
    /// `lifeline sessions list`). Its links keep working.
    Revoke {
        /// The account's email address.
        email: String,
        /// The session to end.
        #[arg(long)]
        id: Option<i64>,
    },
}

/// `lifeline outbox …`
#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Show pending, due and given-up jobs, the oldest pending job's age, and the most recent
    /// given-up jobs.
    Status,
    /// Put given-up jobs back in the queue, due now, with a fresh attempt budget.
    #[command(group(clap::ArgGroup::new("which").required(true).args(["id", "failed"])))]
    Retry {
        /// The given-up job to retry (ids are shown by `lifeline outbox status`).
        #[arg(long)]
        id: Option<i64>,
        /// Retry every given-up job.
        #[arg(long)]
        failed: bool,
    },
}

/// `lifeline keys …`
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Print a new token key and a new session key, ready for the configuration.
    Generate {
        /// The id of the new token key (rotate by giving each new key a new id).
        #[arg(long, default_value_t = 1)]
        id: u8,
    },
}

/// `lifeline webhooks …`
#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Print a new signing secret (`whsec_…`) for a `[[webhooks.endpoints]]` table.
    Secret,
}

/// `lifeline config …`
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Load and check the configuration, then print it with secrets redacted.
    Check,
}
