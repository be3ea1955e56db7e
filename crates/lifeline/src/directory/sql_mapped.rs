//! The SQL-mapped directory: an application's existing users table, described by
//! configuration (`[directory] kind = "sql"`).
//!
//! Security decisions:
//! - Only table and column names come from configuration, and only after
//!   [`super::settings::validate_identifier`] accepted them; they are quoted as well. Every value (addresses,
//!   ids, hashes, times) is a bound parameter, never text in the SQL.
//! - Lifeline writes argon2id PHC strings only. With `legacy_bcrypt`, a `$2a$`/`$2b$`/`$2y$`
//!   bcrypt hash is still accepted at sign-in and, once the password matched, replaced by an
//!   argon2id hash of the same password (the epoch stays: nothing about the account changed).
//! - Addresses are looked up by their normalised, lowercase form. On MySQL the column must
//!   compare case-insensitively (the default `_ci` collations do) or hold lowercase
//!   addresses; on SQLite the comparison uses `COLLATE NOCASE`.

use chrono::NaiveDateTime;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
use diesel::{QueryableByName, RunQueryDsl};
use storage::{Backend, DbConnection, EmailAddress, StorageError, write_transaction};

use super::settings::{DirectoryConfigError, DirectorySettings};
use super::statements::Statements;
use super::{DirectoryUser, UserDirectory};
use crate::security::password_hash::{Password, PasswordHasherService};

type Db = <DbConnection as diesel::Connection>::Backend;

/// Accounts in an existing table mapped by [`DirectorySettings`].
#[derive(Clone)]
pub struct SqlDirectory {
    sql: Statements,
    legacy_bcrypt: bool,
    hasher: PasswordHasherService,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    display_email: String,
    #[diesel(sql_type = BigInt)]
    auth_epoch: i64,
    #[diesel(sql_type = Nullable<Timestamp>)]
    resets_paused_until: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Text>)]
    password_hash: Option<String>,
}

#[derive(QueryableByName)]
struct EpochRow {
    #[diesel(sql_type = BigInt)]
    auth_epoch: i64,
}

impl Row {
    fn split(self) -> (DirectoryUser, Option<String>) {
        let user = DirectoryUser {
            id: self.id,
            display_email: self.display_email,
            auth_epoch: self.auth_epoch,
            resets_paused_until: self.resets_paused_until,
        };
        (user, self.password_hash)
    }
}

impl SqlDirectory {
    /// Validates every name and prepares the statements for `backend`.
    pub fn new(
        settings: &DirectorySettings,
        backend: Backend,
        hasher: PasswordHasherService,
    ) -> Result<Self, DirectoryConfigError> {
        Ok(Self {
            sql: Statements::new(settings, backend)?,
            legacy_bcrypt: settings.legacy_bcrypt,
            hasher,
        })
    }

    fn load_one(
        conn: &mut DbConnection,
        query: diesel::query_builder::BoxedSqlQuery<'_, Db, diesel::query_builder::SqlQuery>,
    ) -> Result<Option<Row>, StorageError> {
        Ok(query.load::<Row>(conn)?.into_iter().next())
    }

    fn find_with_hash(
        &self,
        conn: &mut DbConnection,
        email: &EmailAddress,
    ) -> Result<Option<Row>, StorageError> {
        let query = diesel::sql_query(&self.sql.by_email)
            .into_boxed::<Db>()
            .bind::<Text, _>(email.as_str().to_owned());
        Self::load_one(conn, query)
    }

    /// Runs an `UPDATE … SET …{touch} WHERE id = ?…` whose leading values are already bound,
    /// then binds `updated_at` (when mapped) and the id.
    fn update(
        &self,
        conn: &mut DbConnection,
        query: diesel::query_builder::BoxedSqlQuery<'_, Db, diesel::query_builder::SqlQuery>,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<usize, StorageError> {
        let query = if self.sql.binds_updated_at {
            query.bind::<Timestamp, _>(now)
        } else {
            query
        };
        Ok(query.bind::<BigInt, _>(id).execute(conn)?)
    }

    fn current_epoch(
        &self,
        conn: &mut DbConnection,
        id: i64,
        changed: usize,
    ) -> Result<i64, StorageError> {
        let row = diesel::sql_query(&self.sql.epoch)
            .bind::<BigInt, _>(id)
            .load::<EpochRow>(conn)?
            .into_iter()
            .next();
        match (changed, row) {
            (1.., Some(row)) => Ok(row.auth_epoch),
            _ => Err(StorageError::NotFound("user")),
        }
    }

    /// Checks a stored hash: argon2id PHC always, bcrypt only when enabled. `None` (no such
    /// account, no password, or an unsupported format) still costs one argon2 verification.
    fn matches(&self, password: &Password, stored: Option<&str>) -> (bool, bool) {
        match stored {
            Some(hash) if self.legacy_bcrypt && is_bcrypt(hash) => {
                let ok = bcrypt::verify(password.expose_secret(), hash).unwrap_or(false);
                (ok, ok)
            }
            Some(hash) if hash.starts_with("$argon2") => {
                (self.hasher.verify(password, Some(hash)), false)
            }
            _ => (self.hasher.verify(password, None), false),
        }
    }
}

fn is_bcrypt(hash: &str) -> bool {
    ["$2a$", "$2b$", "$2y$"]
        .iter()
        .any(|prefix| hash.starts_with(prefix))
}

impl UserDirectory for SqlDirectory {
    fn find_by_email(
        &self,
        conn: &mut DbConnection,
        email: &EmailAddress,
    ) -> Result<Option<DirectoryUser>, StorageError> {
        Ok(self.find_with_hash(conn, email)?.map(|row| row.split().0))
    }

    fn find_by_id(
        &self,
        conn: &mut DbConnection,
        id: i64,
    ) -> Result<Option<DirectoryUser>, StorageError> {
        let query = diesel::sql_query(&self.sql.by_id)
            .into_boxed::<Db>()
            .bind::<BigInt, _>(id);
        Ok(Self::load_one(conn, query)?.map(|row| row.split().0))
    }

    fn verify_password(
        &self,
        conn: &mut DbConnection,
        email: &EmailAddress,
        password: &Password,
        now: NaiveDateTime,
    ) -> Result<Option<DirectoryUser>, StorageError> {
        let (user, stored) = match self.find_with_hash(conn, email)? {
            Some(row) => {
                let (user, stored) = row.split();
                (Some(user), stored)
            }
            None => (None, None),
        };
        let (ok, upgrade) = self.matches(password, stored.as_deref());
        let (Some(user), Some(old), true) = (user, stored, ok) else {
            return Ok(None);
        };
        if upgrade {
            match self.hasher.hash(password) {
                Ok(new) => {
                    write_transaction(conn, |conn| {
                        let query = diesel::sql_query(&self.sql.upgrade_hash)
                            .into_boxed::<Db>()
                            .bind::<Text, _>(new.clone());
                        let query = if self.sql.binds_updated_at {
                            query.bind::<Timestamp, _>(now)
                        } else {
                            query
                        };
                        let query = query
                            .bind::<BigInt, _>(user.id)
                            .bind::<Text, _>(old.clone());
                        Ok(query.execute(conn)?)
                    })?;
                    tracing::info!(user_id = user.id, "legacy bcrypt hash upgraded to argon2id");
                }
                Err(error) => tracing::warn!(%error, "bcrypt hash kept: rehashing failed"),
            }
        }
        Ok(Some(user))
    }

    fn set_password(
        &self,
        conn: &mut DbConnection,
        id: i64,
        password_hash: &str,
        now: NaiveDateTime,
    ) -> Result<i64, StorageError> {
        write_transaction(conn, |conn| {
            let query = diesel::sql_query(&self.sql.set_password)
                .into_boxed::<Db>()
                .bind::<Text, _>(password_hash.to_owned());
            let changed = self.update(conn, query, id, now)?;
            self.current_epoch(conn, id, changed)
        })
    }

    fn bump_auth_epoch(
        &self,
        conn: &mut DbConnection,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<i64, StorageError> {
        write_transaction(conn, |conn| {
            let query = diesel::sql_query(&self.sql.bump_epoch).into_boxed::<Db>();
            let changed = self.update(conn, query, id, now)?;
            self.current_epoch(conn, id, changed)
        })
    }

    fn pause_resets(
        &self,
        conn: &mut DbConnection,
        id: i64,
        until: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Result<bool, StorageError> {
        let Some(sql) = &self.sql.pause else {
            return Ok(false);
        };
        write_transaction(conn, |conn| {
            let query = diesel::sql_query(sql)
                .into_boxed::<Db>()
                .bind::<Timestamp, _>(until);
            match self.update(conn, query, id, now)? {
                0 => Err(StorageError::NotFound("user")),
                _ => Ok(true),
            }
        })
    }

    /// Runs the probe statements: a missing table or column, or a missing privilege, is
    /// reported by the database with its name.
    fn check(&self, conn: &mut DbConnection) -> Result<(), StorageError> {
        diesel::sql_query(&self.sql.probe_select).load::<Row>(conn)?;
        diesel::sql_query(&self.sql.probe_update).execute(conn)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::DirectoryKind;

    fn settings() -> DirectorySettings {
        DirectorySettings {
            kind: DirectoryKind::Sql,
            table: Some("members".into()),
            email_column: "mail".into(),
            updated_at_column: Some("modified".into()),
            ..DirectorySettings::default()
        }
    }

    fn hasher() -> PasswordHasherService {
        PasswordHasherService::new(1024, 1, 1).unwrap()
    }

    #[test]
    fn names_are_quoted_for_the_backend_and_values_are_placeholders() {
        // Act
        let mysql = SqlDirectory::new(&settings(), Backend::Mysql, hasher()).unwrap();
        let sqlite = SqlDirectory::new(&settings(), Backend::Sqlite, hasher()).unwrap();

        // Assert
        assert!(
            mysql
                .sql
                .by_email
                .ends_with("FROM `members` WHERE `mail` = ?")
        );
        assert!(
            sqlite
                .sql
                .by_email
                .ends_with("FROM \"members\" WHERE \"mail\" = ? COLLATE NOCASE")
        );
        assert_eq!(
            mysql.sql.set_password,
            "UPDATE `members` SET `password_hash` = ?, `auth_epoch` = `auth_epoch` + 1, \
             `modified` = ? WHERE `id` = ?"
        );
    }

    #[test]
    fn a_mapping_without_a_table_is_refused() {
        let mut settings = settings();
        settings.table = None;
        assert!(matches!(
            SqlDirectory::new(&settings, Backend::Sqlite, hasher()),
            Err(DirectoryConfigError::MissingTable)
        ));
    }

    #[test]
    fn an_injected_column_name_is_refused_before_any_statement_exists() {
        let mut settings = settings();
        settings.password_hash_column = "pw = 'x', `auth_epoch".into();
        assert!(matches!(
            SqlDirectory::new(&settings, Backend::Mysql, hasher()),
            Err(DirectoryConfigError::NotAnIdentifier(
                "password_hash_column"
            ))
        ));
    }

    #[test]
    fn only_bcrypt_prefixes_count_as_legacy_hashes() {
        assert!(is_bcrypt("$2b$04$abcdefghijklmnopqrstuv"));
        assert!(is_bcrypt("$2y$10$abcdefghijklmnopqrstuv"));
        assert!(is_bcrypt("$2a$10$abcdefghijklmnopqrstuv"));
        assert!(!is_bcrypt("$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA"));
        assert!(!is_bcrypt("$2x$10$abcdefghijklmnopqrstuv"));
    }

    #[test]
    fn a_bcrypt_hash_is_refused_unless_legacy_bcrypt_is_on() {
        // Arrange
        let hash = bcrypt::hash("right password", 4).unwrap();
        let password = Password::new("right password".into());
        let mut settings = settings();
        let off = SqlDirectory::new(&settings, Backend::Sqlite, hasher()).unwrap();
        settings.legacy_bcrypt = true;
        let on = SqlDirectory::new(&settings, Backend::Sqlite, hasher()).unwrap();

        // Act / Assert: (matches, needs upgrade)
        assert_eq!(off.matches(&password, Some(&hash)), (false, false));
        assert_eq!(on.matches(&password, Some(&hash)), (true, true));
        assert_eq!(
            on.matches(&Password::new("wrong".into()), Some(&hash)),
            (false, false)
        );
    }
}
