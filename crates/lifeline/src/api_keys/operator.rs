//! An operator's API key actions (`lifeline api-keys create|list|revoke`).
//!
//! A new key is shown once, by [`CreatedKey::expose_key`]; only its key id and keyed hash are
//! stored. Creating and revoking a key each write an audit event (`api_key_created`,
//! `api_key_revoked`, no account, the detail naming the key) in the same transaction.
//! The methods are synchronous, like storage: call them on a blocking thread.

use chrono::NaiveDateTime;
use storage::api_keys::{self, ApiKeyRecord, KeyRef, MAX_NAME_CHARS, NewApiKey, Scope};
use storage::audit::{self, NewAuditEvent};
use storage::{Database, DbConnection, StorageError, write_transaction};

use super::{ApiKeyHasher, ApiKeyText};
use crate::config::Settings;

/// An API key action could not be done. Each message is meant for the operator as it is.
#[derive(Debug, thiserror::Error)]
pub enum ApiKeyError {
    /// The name is empty, too long, has other characters than letters, digits, `-`, `_`
    /// and `.`, or looks like a key id.
    #[error(
        "a key name is 1 to 64 letters, digits, '-', '_' or '.', and not 16 hex digits (a key id)"
    )]
    InvalidName,
    /// No scope was given.
    #[error("give the key at least one scope (--scope read|write|recovery)")]
    NoScope,
    /// A live key already has the name.
    #[error("a live key is already named {0:?} (revoke it first, or pick another name)")]
    NameTaken(String),
    /// No live key has this name or key id.
    #[error("no live key is named {0:?} or has that key id (see `lifeline api-keys list`)")]
    NoSuchKey(String),
    /// The system's random number generator failed.
    #[error("the system random number generator failed")]
    Randomness,
    /// The database failed.
    #[error("the database failed")]
    Storage(#[from] StorageError),
}

/// A key just created: its stored record, and the key itself, to be shown once.
pub struct CreatedKey {
    /// What is stored (and listed from now on).
    pub record: ApiKeyRecord,
    key: ApiKeyText,
}

impl CreatedKey {
    /// The key, `llk_<key id>_<secret>`: show it once; it cannot be read back.
    pub fn expose_key(&self) -> &str {
        self.key.expose_secret()
    }
}

/// The admin API keys of a deployment.
#[derive(Clone)]
pub struct ApiKeys {
    db: Database,
    hasher: ApiKeyHasher,
}

impl ApiKeys {
    /// The keys in `db` (opened with [`crate::ops::connect_database`]), hashed under the
    /// configured `keys.session` as the service hashes them (in development, the generated
    /// keys the service uses too).
    pub fn new(settings: &Settings, db: Database) -> anyhow::Result<Self> {
        let keys = crate::keys::load(&settings.keys, settings.mode)?;
        Ok(Self {
            db,
            hasher: ApiKeyHasher::from_cookie_key(&keys.session),
        })
    }

    /// Creates a key named `name` with `scopes`.
    pub fn create(
        &self,
        name: &str,
        scopes: &[Scope],
        now: NaiveDateTime,
    ) -> Result<CreatedKey, ApiKeyError> {
        check_name(name)?;
        if scopes.is_empty() {
            return Err(ApiKeyError::NoScope);
        }
        let key = self.hasher.mint().map_err(|_| ApiKeyError::Randomness)?;
        let secret_hash = self.hasher.hash(&key);
        let new = NewApiKey {
            name,
            key_id: key.key_id(),
            secret_hash: &secret_hash,
            scopes,
            now,
        };
        let mut conn = self.db.conn()?;
        let created = write_transaction(&mut conn, |conn| {
            let record = api_keys::create(conn, &new)?;
            record_event(conn, "api_key_created", &record, now)?;
            Ok::<_, StorageError>(record)
        });
        match created {
            Ok(record) => Ok(CreatedKey { record, key }),
            // A key id collision (64 random bits) is not worth a retry loop: the name is the
            // unique key an operator can hit.
            Err(StorageError::Conflict) => Err(ApiKeyError::NameTaken(name.to_owned())),
            Err(error) => Err(error.into()),
        }
    }

    /// Every key, revoked ones too, oldest first.
    pub fn list(&self) -> Result<Vec<ApiKeyRecord>, ApiKeyError> {
        let mut conn = self.db.conn()?;
        Ok(api_keys::list(&mut conn)?)
    }

    /// Revokes the live key named `name_or_key_id`, or whose key id it is (16 hex digits,
    /// which no name may be); requests with it get 401 from now on.
    pub fn revoke(
        &self,
        name_or_key_id: &str,
        now: NaiveDateTime,
    ) -> Result<ApiKeyRecord, ApiKeyError> {
        let which = match ApiKeyText::is_key_id(name_or_key_id) {
            true => KeyRef::KeyId(name_or_key_id),
            false => KeyRef::Name(name_or_key_id),
        };
        let mut conn = self.db.conn()?;
        let revoked = write_transaction(&mut conn, |conn| {
            let revoked = api_keys::revoke(conn, which, now)?;
            if let Some(record) = &revoked {
                record_event(conn, "api_key_revoked", record, now)?;
            }
            Ok::<_, StorageError>(revoked)
        })?;
        revoked.ok_or_else(|| ApiKeyError::NoSuchKey(name_or_key_id.to_owned()))
    }
}

/// A name an operator can type and read back: letters, digits, `-`, `_`, `.`; never the
/// shape of a key id, so `revoke` can tell the two apart.
fn check_name(name: &str) -> Result<(), ApiKeyError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && name.chars().all(allowed)
        && !ApiKeyText::is_key_id(name);
    ok.then_some(()).ok_or(ApiKeyError::InvalidName)
}

/// The audit event of a key's creation or revocation: no account, the key named.
fn record_event(
    conn: &mut DbConnection,
    kind: &str,
    record: &ApiKeyRecord,
    now: NaiveDateTime,
) -> Result<(), StorageError> {
    let scopes: Vec<&str> = record.scopes.iter().map(|s| s.as_str()).collect();
    let detail = format!(
        "key {} ({}), scopes {}",
        record.name,
        record.key_id,
        scopes.join(",")
    );
    audit::record(
        conn,
        &NewAuditEvent {
            user_id: None,
            kind,
            ip: None,
            user_agent: None,
            detail: Some(&detail),
            created_at: now,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_plain_and_never_look_like_a_key_id() {
        for good in ["help-desk", "ci_2026.12", "a", &"x".repeat(64)] {
            assert!(check_name(good).is_ok(), "{good:?}");
        }
        for bad in ["", "two words", "é", &"x".repeat(65), "0123456789abcdef"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }
}
