//! The SQL-mapped directory's statements, built once at start-up from validated, quoted
//! identifiers. Values are placeholders only (`?`, or `$1`, `$2`, … on PostgreSQL): they are
//! bound when a statement runs.

use storage::Backend;

use super::settings::{DirectoryConfigError, DirectorySettings, validate_identifier};

/// Every statement the SQL-mapped directory runs.
#[derive(Debug, Clone)]
pub(super) struct Statements {
    pub(super) by_email: String,
    pub(super) by_id: String,
    pub(super) epoch: String,
    pub(super) set_password: String,
    pub(super) clear_password: String,
    pub(super) bump_epoch: String,
    pub(super) upgrade_hash: String,
    pub(super) pause: Option<String>,
    /// Clears the pause; present with `pause`.
    pub(super) lift_pause: Option<String>,
    /// Sets the disabled time (if not set yet) and bumps the epoch; `None` without
    /// `disabled_at_column`.
    pub(super) disable: Option<String>,
    /// Clears the disabled time; present with `disable`.
    pub(super) enable: Option<String>,
    /// Reads every mapped column of no row (`WHERE 1 = 0`), for the start-up check.
    pub(super) probe_select: String,
    /// "Updates" every column Lifeline writes, of no row: fails if the table, a column or the
    /// update privilege is missing, and changes nothing.
    pub(super) probe_update: String,
    /// Whether the updates carry a `updated_at = ?` placeholder before `WHERE`.
    pub(super) binds_updated_at: bool,
}

impl Statements {
    /// Validates every name, quotes it for `backend` and builds the statements.
    pub(super) fn new(
        settings: &DirectorySettings,
        backend: Backend,
    ) -> Result<Self, DirectoryConfigError> {
        let quote = |setting: &'static str, name: &str| -> Result<String, DirectoryConfigError> {
            validate_identifier(setting, name)?;
            Ok(match backend {
                Backend::Mysql => format!("`{name}`"),
                Backend::Postgres | Backend::Sqlite => format!("\"{name}\""),
            })
        };
        let table = quote(
            "table",
            settings
                .table
                .as_deref()
                .ok_or(DirectoryConfigError::MissingTable)?,
        )?;
        let id = quote("id_column", &settings.id_column)?;
        let email = quote("email_column", &settings.email_column)?;
        let hash = quote("password_hash_column", &settings.password_hash_column)?;
        let epoch = quote("auth_epoch_column", &settings.auth_epoch_column)?;
        let updated = settings
            .updated_at_column
            .as_deref()
            .map(|name| quote("updated_at_column", name))
            .transpose()?;
        let paused = settings
            .resets_paused_until_column
            .as_deref()
            .map(|name| quote("resets_paused_until_column", name))
            .transpose()?;
        let disabled = settings
            .disabled_at_column
            .as_deref()
            .map(|name| quote("disabled_at_column", name))
            .transpose()?;
        // Ids and epochs are read as 64-bit integers whatever the column's width. The address
        // bound is normalised (lower case); the column is matched without regard to case (on
        // PostgreSQL through `lower()`, which an expression index on `lower(email)` serves).
        let (int, email_match, no_time) = match backend {
            Backend::Mysql => ("SIGNED", format!("{email} = ?"), "NULL"),
            Backend::Postgres => (
                "BIGINT",
                format!("lower({email}) = ?"),
                "CAST(NULL AS TIMESTAMP)",
            ),
            Backend::Sqlite => ("INTEGER", format!("{email} = ? COLLATE NOCASE"), "NULL"),
        };
        let paused_select = paused.as_deref().unwrap_or(no_time);
        let disabled_select = disabled.as_deref().unwrap_or(no_time);
        let select = format!(
            "SELECT CAST({id} AS {int}) AS id, {email} AS display_email, \
             CAST({epoch} AS {int}) AS auth_epoch, {paused_select} AS resets_paused_until, \
             {hash} AS password_hash, {disabled_select} AS disabled_at FROM {table}"
        );
        let writable: Vec<&str> = [
            Some(&hash),
            Some(&epoch),
            updated.as_ref(),
            paused.as_ref(),
            disabled.as_ref(),
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
        let probe_update = writable
            .iter()
            .map(|column| format!("{column} = {column}"))
            .collect::<Vec<_>>()
            .join(", ");
        let touch = updated
            .as_deref()
            .map(|column| format!(", {column} = ?"))
            .unwrap_or_default();
        let statements = Self {
            by_email: format!("{select} WHERE {email_match}"),
            by_id: format!("{select} WHERE {id} = ?"),
            epoch: format!(
                "SELECT CAST({epoch} AS {int}) AS auth_epoch FROM {table} WHERE {id} = ?"
            ),
            set_password: format!(
                "UPDATE {table} SET {hash} = ?, {epoch} = {epoch} + 1{touch} WHERE {id} = ?"
            ),
            clear_password: format!(
                "UPDATE {table} SET {hash} = NULL, {epoch} = {epoch} + 1{touch} WHERE {id} = ?"
            ),
            bump_epoch: format!("UPDATE {table} SET {epoch} = {epoch} + 1{touch} WHERE {id} = ?"),
            upgrade_hash: format!(
                "UPDATE {table} SET {hash} = ?{touch} WHERE {id} = ? AND {hash} = ?"
            ),
            pause: paused
                .as_ref()
                .map(|column| format!("UPDATE {table} SET {column} = ?{touch} WHERE {id} = ?")),
            lift_pause: paused
                .as_ref()
                .map(|column| format!("UPDATE {table} SET {column} = NULL{touch} WHERE {id} = ?")),
            disable: disabled.as_ref().map(|column| {
                format!(
                    "UPDATE {table} SET {column} = COALESCE({column}, ?), \
                     {epoch} = {epoch} + 1{touch} WHERE {id} = ?"
                )
            }),
            enable: disabled
                .as_ref()
                .map(|column| format!("UPDATE {table} SET {column} = NULL{touch} WHERE {id} = ?")),
            binds_updated_at: updated.is_some(),
            probe_select: format!("{select} WHERE 1 = 0"),
            probe_update: format!("UPDATE {table} SET {probe_update} WHERE 1 = 0"),
        };
        Ok(match backend {
            Backend::Postgres => statements.numbered(),
            Backend::Mysql | Backend::Sqlite => statements,
        })
    }

    /// The statements with PostgreSQL's numbered placeholders (`$1`, `$2`, …) for `?`. No
    /// statement holds a `?` anywhere else: names are validated identifiers.
    fn numbered(self) -> Self {
        let number = |sql: String| {
            let mut out = String::with_capacity(sql.len() + 8);
            let mut n = 0;
            for c in sql.chars() {
                match c {
                    '?' => {
                        n += 1;
                        out.push_str(&format!("${n}"));
                    }
                    c => out.push(c),
                }
            }
            out
        };
        Self {
            by_email: number(self.by_email),
            by_id: number(self.by_id),
            epoch: number(self.epoch),
            set_password: number(self.set_password),
            clear_password: number(self.clear_password),
            bump_epoch: number(self.bump_epoch),
            upgrade_hash: number(self.upgrade_hash),
            pause: self.pause.map(number),
            lift_pause: self.lift_pause.map(number),
            disable: self.disable.map(number),
            enable: self.enable.map(number),
            probe_select: self.probe_select,
            probe_update: self.probe_update,
            binds_updated_at: self.binds_updated_at,
        }
    }
}
