//! Using a link: exactly once, decided by the database.

use storage::{DbConnection, StorageError, tokens};

use super::check::LiveLink;
use super::rejection::{LinkRejected, Reason};
use super::service::{Links, db_time, is_stored};
use crate::directory::DirectoryConnection;
use crate::directory::DirectoryUser;

/// A link that was used by this call and no other: the proof a flow needs before it does
/// what the link pays for (set a password, sign in, lock the account down).
#[derive(Debug)]
pub struct UsedLink {
    user: DirectoryUser,
}

impl UsedLink {
    /// The account, as read after the link was used (for a "not me" link, with its
    /// bumped epoch).
    #[cfg(test)]
    pub fn user(&self) -> &DirectoryUser {
        &self.user
    }

    /// The account, by value.
    pub fn into_user(self) -> DirectoryUser {
        self.user
    }
}

impl Links {
    /// Uses a checked link at `now` (Unix seconds). Call it inside the write transaction
    /// of the work the link pays for, so both happen or neither.
    ///
    /// A stored link is used by one conditional `UPDATE` (`storage::tokens::consume`), so
    /// of many concurrent attempts, on one instance or many, exactly one wins. The account
    /// is then read again: a "this wasn't me" or password change that slipped in since the
    /// check voids the link. A "not me" link has no row; it is used by comparing the
    /// account's epoch with the link's and bumping it, which voids the link (and every
    /// other link and session of the account).
    ///
    /// The success is not counted here: the caller counts it once its transaction has
    /// committed (a retried transaction would count it twice). A row that belongs to
    /// another account than the link names cannot happen without a corrupted table; it is
    /// an error, which rolls the caller's transaction back.
    pub fn consume(
        &self,
        conn: &mut DbConnection,
        link: &LiveLink,
        now: i64,
    ) -> Result<Result<UsedLink, LinkRejected>, StorageError> {
        let purpose = link.purpose();
        let claims = &link.token.claims;
        if is_stored(purpose) {
            let Some(row) = tokens::consume(conn, link.lookup(), purpose, db_time(now))? else {
                return Ok(Err(self.reject(purpose, Reason::UsedConcurrently)));
            };
            if row.user_id != claims.user_id {
                return Err(StorageError::NotFound("token owner"));
            }
        }
        let current = self
            .directory
            .find_by_id(&mut DirectoryConnection::new(conn), claims.user_id)?
            .filter(|user| user.auth_epoch == claims.auth_epoch && !user.is_disabled());
        let Some(mut user) = current else {
            return Ok(Err(self.reject(purpose, Reason::UsedConcurrently)));
        };
        if !is_stored(purpose) {
            user.auth_epoch = self.directory.bump_auth_epoch(
                &mut DirectoryConnection::new(conn),
                user.id,
                db_time(now),
            )?;
        }
        Ok(Ok(UsedLink { user }))
    }
}
