//! The sessions this process checked recently, so that a signed-in request (a page, or a host
//! application asking `GET /api/v1/session`) is answered from memory instead of the database.
//!
//! An entry is the [`SignedIn`] that `session_records::find` read, keyed by the keyed hash of
//! the session's secret (never the secret itself), and it is believed for at most
//! `server.session_cache_secs` seconds (0 turns the cache off), never past the session's own
//! idle expiry. Two rules keep it from signing in anyone the database would refuse:
//!
//! - **This process forgets at once.** Everything in this process that ends sessions or
//!   changes what a session check reads (signing out, a password change or reset, "this wasn't
//!   me", the sessions page, the admin API) calls [`SessionCache::forget_all`] after its
//!   transaction commits. That moves the cache's generation on, and an entry of an older
//!   generation is never believed. A check that read the database before the change and stores
//!   its answer after it stores it under the generation it started with, so that answer is
//!   never believed either.
//! - **Other processes are bounded by the lifetime.** A session ended by another instance, by
//!   `lifeline sessions revoke` or in a host application's own users table is still believed
//!   here until its entry is `server.session_cache_secs` old (threat model H5c).
//!
//! The cache holds at most [`CAPACITY`] sessions; beyond that the least useful are dropped,
//! which only costs their next check a database read.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{NaiveDateTime, TimeDelta};
use storage::sessions::SECRET_HASH_LEN;

use crate::http::session_records::SignedIn;

/// Most sessions kept (about 400 bytes each).
pub const CAPACITY: usize = 16_384;

/// A session check's answer, kept for a while.
struct Entry {
    signed_in: SignedIn,
    /// The cache's generation when the check began.
    generation: u64,
    /// When the database said so.
    checked_at: NaiveDateTime,
}

/// Recently checked sessions of this process (see the module documentation).
pub struct SessionCache {
    entries: Option<quick_cache::sync::Cache<[u8; SECRET_HASH_LEN], Arc<Entry>>>,
    lifetime: TimeDelta,
    generation: AtomicU64,
}

/// Where a check stands: taken before the database is read, handed back to
/// [`SessionCache::keep`] with the answer.
#[derive(Clone, Copy, Debug)]
pub struct Generation(u64);

impl SessionCache {
    /// A cache that believes an entry for `lifetime_secs` seconds; 0 keeps nothing.
    pub fn new(lifetime_secs: u64) -> Self {
        Self {
            entries: (lifetime_secs > 0).then(|| quick_cache::sync::Cache::new(CAPACITY)),
            lifetime: TimeDelta::seconds(i64::try_from(lifetime_secs).unwrap_or(i64::MAX)),
            generation: AtomicU64::new(0),
        }
    }

    /// The session whose secret hashes to `hash`, if this process checked it less than the
    /// lifetime ago, nothing has ended sessions here since, and it has not gone idle.
    pub fn get(&self, hash: &[u8; SECRET_HASH_LEN], now: NaiveDateTime) -> Option<SignedIn> {
        let entry = self.entries.as_ref()?.get(hash)?;
        let believed = entry.generation == self.generation.load(Ordering::Acquire)
            && now >= entry.checked_at
            && now < entry.checked_at + self.lifetime
            && now < entry.signed_in.session.expires_at;
        believed.then(|| entry.signed_in.clone())
    }

    /// The generation to hand to [`SessionCache::keep`]: take it before reading the database.
    pub fn generation(&self) -> Generation {
        Generation(self.generation.load(Ordering::Acquire))
    }

    /// Keeps what a check that began at `generation` read at `now`.
    pub fn keep(
        &self,
        hash: [u8; SECRET_HASH_LEN],
        signed_in: &SignedIn,
        generation: Generation,
        now: NaiveDateTime,
    ) {
        if let Some(entries) = &self.entries {
            let entry = Entry {
                signed_in: signed_in.clone(),
                generation: generation.0,
                checked_at: now,
            };
            entries.insert(hash, Arc::new(entry));
        }
    }

    /// Believes nothing kept so far: call it after a transaction that ended sessions, or
    /// changed an account a session check reads, has committed.
    pub fn forget_all(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Some(entries) = &self.entries {
            entries.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;
    use storage::sessions::SessionRecord;

    use super::*;
    use crate::directory::DirectoryUser;
    use crate::http::session::SignInMethod;

    fn at(secs: i64) -> NaiveDateTime {
        DateTime::from_timestamp(1_800_000_000 + secs, 0)
            .unwrap()
            .naive_utc()
    }

    fn signed_in(expires_at: NaiveDateTime) -> SignedIn {
        SignedIn {
            user: DirectoryUser {
                id: 7,
                display_email: "ada@example.com".into(),
                auth_epoch: 0,
                resets_paused_until: None,
                password_hash: None,
                disabled_at: None,
            },
            session: SessionRecord {
                id: 1,
                user_id: 7,
                auth_epoch: 0,
                method: SignInMethod::Password,
                ip: None,
                user_agent: None,
                created_at: at(0),
                last_seen_at: at(0),
                expires_at,
            },
        }
    }

    #[test]
    fn an_entry_is_believed_for_its_lifetime_and_never_past_the_idle_expiry() {
        let cache = SessionCache::new(5);
        let (hash, other) = ([1; SECRET_HASH_LEN], [2; SECRET_HASH_LEN]);
        cache.keep(hash, &signed_in(at(3600)), cache.generation(), at(0));
        assert!(cache.get(&hash, at(0)).is_some());
        assert!(cache.get(&hash, at(4)).is_some());
        assert!(cache.get(&hash, at(5)).is_none(), "the lifetime is over");
        assert!(cache.get(&other, at(1)).is_none());
        assert!(cache.get(&hash, at(-1)).is_none(), "a clock that went back");

        cache.keep(other, &signed_in(at(2)), cache.generation(), at(0));
        assert!(cache.get(&other, at(1)).is_some());
        assert!(cache.get(&other, at(2)).is_none(), "the session went idle");
    }

    #[test]
    fn forgetting_drops_every_entry_and_every_check_begun_before_it() {
        let cache = SessionCache::new(60);
        let hash = [1; SECRET_HASH_LEN];
        cache.keep(hash, &signed_in(at(3600)), cache.generation(), at(0));
        let begun = cache.generation();
        cache.forget_all();
        assert!(cache.get(&hash, at(1)).is_none());
        // A check that read the database before the change and answers after it.
        cache.keep(hash, &signed_in(at(3600)), begun, at(1));
        assert!(cache.get(&hash, at(2)).is_none());
        cache.keep(hash, &signed_in(at(3600)), cache.generation(), at(2));
        assert!(cache.get(&hash, at(3)).is_some());
    }

    #[test]
    fn a_lifetime_of_zero_keeps_nothing() {
        let cache = SessionCache::new(0);
        let hash = [1; SECRET_HASH_LEN];
        cache.keep(hash, &signed_in(at(3600)), cache.generation(), at(0));
        assert!(cache.get(&hash, at(0)).is_none());
    }
}
