//! The SQL-mapped directory: an application's existing users table, described by
//! configuration (`[directory] kind = "sql"`).
//!
//! Security decisions:
//! - Only table and column names come from configuration, and only after
//!   [`super::settings::validate_identifier`] accepted them; they are quoted as well. Every value (addresses,
//!   ids, hashes, times) is a bound parameter, never text in the SQL.
//! - Lifeline writes argon2id PHC strings only. With `legacy_bcrypt`, a `$2a$`/`$2b$`/`$2y$`
//!   bcrypt hash is returned as a [`StoredHash::legacy_bcrypt`]: sign-in still accepts it and,
//!   once the password matched, replaces it with an argon2id hash of the same password in its
//!   own short write (the epoch stays: nothing about the account changed). Without it, a
//!   bcrypt hash is returned as argon2id, which never verifies.
//! - Addresses are looked up by their normalised, lowercase form. On MySQL the column must
//!   compare case-insensitively (the default `_ci` collations do) or hold lowercase
//!   addresses; on SQLite the comparison uses `COLLATE NOCASE`.

use chrono::NaiveDateTime;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
use diesel::{QueryableByName, RunQueryDsl};
use storage::{Backend, DbConnection, EmailAddress, StorageError, write_transaction};

use super::settings::{DirectoryConfigError, DirectorySettings};
use super::statements::Statements;
use super::{DirectoryConnection, DirectoryError, DirectoryUser, StoredHash, UserDirectory};

type Db = <DbConnection as diesel::Connection>::Backend;

/// Accounts in an existing table mapped by [`DirectorySettings`].
#[derive(Clone)]
pub struct SqlDirectory {
    sql: Statements,
    legacy_bcrypt: bool,
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
    #[diesel(sql_type = Nullable<Timestamp>)]
    disabled_at: Option<NaiveDateTime>,
}

#[derive(QueryableByName)]
struct EpochRow {
    #[diesel(sql_type = BigInt)]
    auth_epoch: i64,
}

impl Row {
    /// The account, its hash labelled by [`SqlDirectory::stored_hash`].
    fn into_user(self, directory: &SqlDirectory) -> DirectoryUser {
        DirectoryUser {
            id: self.id,
            display_email: self.display_email,
            auth_epoch: self.auth_epoch,
            resets_paused_until: self.resets_paused_until,
            password_hash: self.password_hash.map(|hash| directory.stored_hash(hash)),
            disabled_at: self.disabled_at,
        }
    }
}

impl SqlDirectory {
    /// Validates every name and prepares the statements for `backend`.
    pub fn new(
        settings: &DirectorySettings,
        backend: Backend,
    ) -> Result<Self, DirectoryConfigError> {
        Ok(Self {
            sql: Statements::new(settings, backend)?,
            legacy_bcrypt: settings.legacy_bcrypt,
        })
    }

    fn load_one(
        conn: &mut DbConnection,
        query: diesel::query_builder::BoxedSqlQuery<'_, Db, diesel::query_builder::SqlQuery>,
    ) -> Result<Option<Row>, StorageError> {
        Ok(query.load::<Row>(conn)?.into_iter().next())
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

    /// A bcrypt hash is a legacy hash only with `legacy_bcrypt`; everything else is taken
    /// for argon2id (and never verifies if it is not).
    fn stored_hash(&self, hash: String) -> StoredHash {
        match self.legacy_bcrypt && is_bcrypt(&hash) {
            true => StoredHash::legacy_bcrypt(hash),
            false => StoredHash::argon2id(hash),
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
        conn: &mut DirectoryConnection<'_>,
        email: &EmailAddress,
    ) -> Result<Option<DirectoryUser>, DirectoryError> {
        let query = diesel::sql_query(&self.sql.by_email)
            .into_boxed::<Db>()
            .bind::<Text, _>(email.as_str().to_owned());
        Ok(Self::load_one(conn.database(), query)?.map(|row| row.into_user(self)))
    }

    fn find_by_id(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
    ) -> Result<Option<DirectoryUser>, DirectoryError> {
        let query = diesel::sql_query(&self.sql.by_id)
            .into_boxed::<Db>()
            .bind::<BigInt, _>(id);
        Ok(Self::load_one(conn.database(), query)?.map(|row| row.into_user(self)))
    }

    fn set_password(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        password_hash: &str,
        now: NaiveDateTime,
    ) -> Result<i64, DirectoryError> {
        Ok(write_transaction(conn.database(), |conn| {
            let query = diesel::sql_query(&self.sql.set_password)
                .into_boxed::<Db>()
                .bind::<Text, _>(password_hash.to_owned());
            let changed = self.update(conn, query, id, now)?;
            self.current_epoch(conn, id, changed)
        })?)
    }

    /// The mapped password column must accept `NULL` (as it does for accounts without a
    /// password); the update and the epoch bump are one statement.
    fn clear_password(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<i64, DirectoryError> {
        Ok(write_transaction(conn.database(), |conn| {
            let query = diesel::sql_query(&self.sql.clear_password).into_boxed::<Db>();
            let changed = self.update(conn, query, id, now)?;
            self.current_epoch(conn, id, changed)
        })?)
    }

    /// Compare-and-set on the old hash: a password changed meanwhile is never overwritten.
    fn upgrade_password_hash(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        old: &StoredHash,
        new_hash: &str,
        now: NaiveDateTime,
    ) -> Result<bool, DirectoryError> {
        let changed = write_transaction(conn.database(), |conn| {
            let query = diesel::sql_query(&self.sql.upgrade_hash)
                .into_boxed::<Db>()
                .bind::<Text, _>(new_hash.to_owned());
            let query = match self.sql.binds_updated_at {
                true => query.bind::<Timestamp, _>(now),
                false => query,
            };
            let query = query
                .bind::<BigInt, _>(id)
                .bind::<Text, _>(old.as_str().to_owned());
            Ok(query.execute(conn)?)
        })?;
        Ok(changed == 1)
    }

    fn bump_auth_epoch(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<i64, DirectoryError> {
        Ok(write_transaction(conn.database(), |conn| {
            let query = diesel::sql_query(&self.sql.bump_epoch).into_boxed::<Db>();
            let changed = self.update(conn, query, id, now)?;
            self.current_epoch(conn, id, changed)
        })?)
    }

    fn pause_resets(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        until: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Result<bool, DirectoryError> {
        let Some(sql) = &self.sql.pause else {
            return Ok(false);
        };
        Ok(write_transaction(conn.database(), |conn| {
            let query = diesel::sql_query(sql)
                .into_boxed::<Db>()
                .bind::<Timestamp, _>(until);
            match self.update(conn, query, id, now)? {
                0 => Err(StorageError::NotFound("user")),
                _ => Ok(true),
            }
        })?)
    }

    /// Disabling needs `directory.disabled_at_column`; without it nothing changes.
    fn set_disabled(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        disabled: bool,
        now: NaiveDateTime,
    ) -> Result<bool, DirectoryError> {
        let (Some(disable), Some(enable)) = (&self.sql.disable, &self.sql.enable) else {
            return Ok(false);
        };
        Ok(write_transaction(conn.database(), |conn| {
            let query = match disabled {
                true => diesel::sql_query(disable)
                    .into_boxed::<Db>()
                    .bind::<Timestamp, _>(now),
                false => diesel::sql_query(enable).into_boxed::<Db>(),
            };
            match self.update(conn, query, id, now)? {
                0 => Err(StorageError::NotFound("user")),
                _ => Ok(true),
            }
        })?)
    }

    /// Never deletes: the rows are the application's, which other tables of its own may
    /// reference and which it alone decides to remove. Lifeline's links for an account die
    /// once the application deletes its row.
    fn delete(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<bool, DirectoryError> {
        let _ = (conn, id, now);
        Ok(false)
    }

    fn lift_pause(
        &self,
        conn: &mut DirectoryConnection<'_>,
        id: i64,
        now: NaiveDateTime,
    ) -> Result<bool, DirectoryError> {
        let Some(sql) = &self.sql.lift_pause else {
            return Ok(false);
        };
        Ok(write_transaction(conn.database(), |conn| {
            let query = diesel::sql_query(sql).into_boxed::<Db>();
            match self.update(conn, query, id, now)? {
                0 => Err(StorageError::NotFound("user")),
                _ => Ok(true),
            }
        })?)
    }

    /// Runs the probe statements: a missing table or column, or a missing privilege, is
    /// reported by the database with its name.
    fn check(&self, conn: &mut DirectoryConnection<'_>) -> Result<(), DirectoryError> {
        let conn = conn.database();
        diesel::sql_query(&self.sql.probe_select)
            .load::<Row>(conn)
            .map_err(StorageError::from)?;
        diesel::sql_query(&self.sql.probe_update)
            .execute(conn)
            .map_err(StorageError::from)?;
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

    #[test]
    fn names_are_quoted_for_the_backend_and_values_are_placeholders() {
        // Act
        let mysql = SqlDirectory::new(&settings(), Backend::Mysql).unwrap();
        let sqlite = SqlDirectory::new(&settings(), Backend::Sqlite).unwrap();

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
            SqlDirectory::new(&settings, Backend::Sqlite),
            Err(DirectoryConfigError::MissingTable)
        ));
    }

    #[test]
    fn an_injected_column_name_is_refused_before_any_statement_exists() {
        let mut settings = settings();
        settings.password_hash_column = "pw = 'x', `auth_epoch".into();
        assert!(matches!(
            SqlDirectory::new(&settings, Backend::Mysql),
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
    fn a_bcrypt_hash_is_a_legacy_hash_only_with_legacy_bcrypt() {
        // Arrange
        let bcrypt = bcrypt::hash("right password", 4).unwrap();
        let argon2 = "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA";
        let mut settings = settings();
        let off = SqlDirectory::new(&settings, Backend::Sqlite).unwrap();
        settings.legacy_bcrypt = true;
        let on = SqlDirectory::new(&settings, Backend::Sqlite).unwrap();

        // Act / Assert
        assert!(!off.stored_hash(bcrypt.clone()).is_legacy());
        assert_eq!(
            on.stored_hash(bcrypt.clone()),
            StoredHash::legacy_bcrypt(bcrypt)
        );
        assert_eq!(on.stored_hash(argon2.into()), StoredHash::argon2id(argon2));
    }
}
