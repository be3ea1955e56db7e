//! Issuing a link: mint the token and, for stored purposes, record its lookup hash.

use storage::{DbConnection, StorageError, tokens};
use token_core::{Lifetime, MintedToken, OsRandom, Purpose, TokenClaims, TokenError};

use super::service::{Links, db_time, is_stored};
use crate::directory::DirectoryUser;

/// Why a link could not be issued. Either way no link exists, and the caller (the outbox
/// composer) retries the job later.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    /// The random source failed: a link is never issued with a predictable secret.
    #[error("minting the link failed: {0}")]
    Mint(#[source] TokenError),
    /// Recording the link failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl Links {
    /// Issues a link of `purpose` for `user`, valid for `lifetime` from `now` (Unix
    /// seconds) and bound to the account's current `auth_epoch`; `ip` is the address that
    /// asked for it, kept with the row.
    ///
    /// For reset and magic links the lookup hash is stored and, in the same transaction,
    /// the account's earlier live links of that purpose are revoked: only the newest mail
    /// works, so an older one that leaked is useless. "Not me" links are not stored (their
    /// epoch makes them single use, and a newer mail must not void the one in an older
    /// mail); `conn` and `ip` are then unused.
    ///
    /// The returned token text goes into the mail and nowhere else.
    pub fn issue(
        &self,
        conn: &mut DbConnection,
        purpose: Purpose,
        user: &DirectoryUser,
        lifetime: Lifetime,
        ip: Option<&str>,
        now: i64,
    ) -> Result<MintedToken, IssueError> {
        let claims = TokenClaims::expiring_in(user.id, user.auth_epoch, now, lifetime);
        let minted = token_core::mint(&self.keys, purpose, claims, &mut OsRandom)
            .map_err(IssueError::Mint)?;
        self.metrics.token_issued(purpose);
        if is_stored(purpose) {
            let created_at = db_time(now);
            tokens::issue(
                conn,
                &tokens::NewToken {
                    purpose,
                    user_id: user.id,
                    hash: minted.lookup,
                    expires_at: created_at + chrono::TimeDelta::seconds(lifetime.as_secs()),
                    created_at,
                    created_ip: ip,
                },
            )?;
        }
        Ok(minted)
    }
}
