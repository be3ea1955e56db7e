//! Checking a link: in memory first, then against the database, never using it.

use storage::{DbConnection, StorageError, tokens};
use token_core::{LookupHash, Purpose, VerifiedToken};

use super::rejection::{LinkRejected, Reason};
use super::service::{Links, db_time, is_stored};
use crate::directory::DirectoryConnection;
use crate::directory::DirectoryUser;

/// A link that was usable when it was checked: MAC and expiry verified, its row live (for
/// stored purposes), its account found and still at the epoch the link was minted under.
///
/// Only [`Links::check`] makes one. Holding one does not reserve the link: a concurrent
/// request may still use it first, which [`Links::consume`] settles.
#[derive(Debug)]
pub struct LiveLink {
    pub(super) token: VerifiedToken,
    pub(super) user: DirectoryUser,
}

impl LiveLink {
    /// The account the link is for.
    pub fn user(&self) -> &DirectoryUser {
        &self.user
    }

    /// The account the link is for, by value.
    pub fn into_user(self) -> DirectoryUser {
        self.user
    }

    /// What the link is for.
    pub fn purpose(&self) -> Purpose {
        self.token.purpose
    }

    /// The link's lookup hash: the key of its row, of its attempt counter and of a
    /// same-browser binding.
    pub fn lookup(&self) -> &LookupHash {
        &self.token.lookup
    }
}

impl Links {
    /// Checks `text` as a link of `purpose` at `now` (Unix seconds), entirely in memory:
    /// format, purpose, key, MAC (constant-time) and expiry.
    ///
    /// Forged and expired links, the cheapest flood there is, are refused here, before any
    /// database connection or blocking thread is taken.
    pub fn verify(
        &self,
        purpose: Purpose,
        text: &str,
        now: i64,
    ) -> Result<VerifiedToken, LinkRejected> {
        token_core::verify(&self.keys, purpose, text, now)
            .map_err(|error| self.reject(purpose, Reason::Token(error)))
    }

    /// Checks a verified link against the database at `now` without using it (pages that
    /// only show a form or a button call this: mail scanners fetch every link).
    ///
    /// A stored link must have a live row (not used, not revoked by a newer link, not
    /// expired); the account must exist, be the one the link names, and still be at the
    /// link's `auth_epoch` (a password change or "this wasn't me" bumps it). The outer
    /// error is the database's; the inner one is the verdict.
    pub fn check(
        &self,
        conn: &mut DbConnection,
        token: VerifiedToken,
        now: i64,
    ) -> Result<Result<LiveLink, LinkRejected>, StorageError> {
        let purpose = token.purpose;
        let owner = if is_stored(purpose) {
            match tokens::find_live(conn, &token.lookup, purpose, db_time(now))? {
                Some(row) => row.user_id,
                None => {
                    return Ok(Err(
                        self.reject(purpose, Reason::NotLive("not live in the database"))
                    ));
                }
            }
        } else {
            token.claims.user_id
        };
        let user = self
            .directory
            .find_by_id(&mut DirectoryConnection::new(conn), owner)?
            .filter(|user| user.id == token.claims.user_id && !user.is_disabled());
        let Some(user) = user else {
            let why = if is_stored(purpose) {
                "not live in the database"
            } else {
                "the account no longer exists"
            };
            return Ok(Err(self.reject(purpose, Reason::NotLive(why))));
        };
        if let Err(error) = token.check_epoch(user.auth_epoch) {
            return Ok(Err(self.reject(purpose, Reason::Token(error))));
        }
        Ok(Ok(LiveLink { token, user }))
    }
}
