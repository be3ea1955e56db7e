//! The server side of a session, whoever carries its secret: the browser's encrypted
//! cookie (`http::session`) or an API client's bearer token (`http::bearer`). Both are one
//! row of `storage::sessions`, found by the keyed hash of the secret
//! ([`SessionSecretKey::hash`](crate::http::session::SessionSecretKey::hash)); only the
//! secret's form differs, and a bearer token's prefix keeps the two sets of secrets apart.

use chrono::{NaiveDateTime, TimeDelta};
use storage::sessions::{self, NewSession, SECRET_HASH_LEN, SessionRecord};

use crate::directory::DirectoryConnection;
use crate::directory::DirectoryUser as User;
use crate::error::AppError;
use crate::http::blocking;
use crate::http::client::ClientInfo;
use crate::http::session::SignInMethod;
use crate::state::AppState;
use crate::webhooks::Event;

/// How long a session lasts without being used (cookie, bearer token and record alike).
pub const IDLE_HOURS: i64 = 12;

/// A signed-in request: the account and its session record.
#[derive(Clone, Debug)]
pub struct SignedIn {
    /// The signed-in account.
    pub user: User,
    /// This session's record, as it stands after this request (a touch moved its expiry).
    pub session: SessionRecord,
}

/// When a session used at `now` ends unless used again.
pub fn idle_expiry(now: NaiveDateTime) -> NaiveDateTime {
    now + TimeDelta::hours(IDLE_HOURS)
}

/// The `signin.succeeded` event of a session started by `method`: a password or a magic
/// link; none for the session a reset may end in (the reset raised `password.changed`).
pub fn sign_in_event(user: &User, method: SignInMethod) -> Option<Event> {
    let by_link = match method {
        SignInMethod::Password => false,
        SignInMethod::MagicLink => true,
        SignInMethod::Reset => return None,
    };
    Some(Event::signed_in(user.id, &user.display_email, by_link))
}

/// Stores the record of a new session of `user` whose secret hashes to `hash`, and raises
/// `event` (see [`sign_in_event`]) in the same transaction: the one place every sign-in,
/// cookie or bearer, passes.
pub async fn create(
    state: &AppState,
    user: &User,
    method: SignInMethod,
    client: &ClientInfo,
    hash: [u8; SECRET_HASH_LEN],
    event: Option<&Event>,
) -> Result<SessionRecord, AppError> {
    let now = state.now();
    let (db, user_id, auth_epoch) = (state.db.clone(), user.id, user.auth_epoch);
    let (ip, user_agent) = (client.ip_text(), client.user_agent.clone());
    let (webhooks, event) = (state.webhooks.clone(), event.cloned());
    let lang = state.request_lang();
    let (record, raised) = blocking::run("recording the new session", move || {
        let mut conn = db.conn()?;
        storage::write_transaction(&mut conn, |conn| {
            let record = sessions::create(
                conn,
                &NewSession {
                    user_id,
                    secret_hash: &hash,
                    auth_epoch,
                    method,
                    ip: Some(ip.as_str()).filter(|ip| !ip.is_empty()),
                    user_agent: user_agent.as_deref(),
                    now,
                    expires_at: idle_expiry(now),
                },
            )?;
            // The account's last language, for the mail no request of theirs causes.
            if let Some(lang) = &lang {
                storage::account_languages::remember(conn, user_id, lang, now)?;
            }
            let raised = match &event {
                Some(event) => webhooks.raise(conn, event, now)?,
                None => 0,
            };
            Ok((record, raised))
        })
    })
    .await?;
    state.outbox.committed_webhooks(raised);
    Ok(record)
}

/// The live session whose secret hashes to `hash` and its account: from the
/// [`SessionCache`](crate::http::session_cache::SessionCache) when this process checked it
/// moments ago, otherwise read on one connection in one blocking call and kept there.
/// `touched` tells whether this call marked it as seen (at most once a minute, sliding its
/// expiry). A record whose account is gone, disabled or past the epoch it started with can
/// never work again: it is deleted and `None` returned.
pub async fn find(
    state: &AppState,
    hash: [u8; SECRET_HASH_LEN],
) -> Result<Option<(SignedIn, bool)>, AppError> {
    let now = state.now();
    if let Some(signed_in) = state.session_cache.get(&hash, now) {
        return Ok(Some((signed_in, false)));
    }
    let generation = state.session_cache.generation();
    let found = read(state, hash, now).await?;
    if let Some((signed_in, _)) = &found {
        state.session_cache.keep(hash, signed_in, generation, now);
    }
    Ok(found)
}

/// [`find`] in the database.
async fn read(
    state: &AppState,
    hash: [u8; SECRET_HASH_LEN],
    now: NaiveDateTime,
) -> Result<Option<(SignedIn, bool)>, AppError> {
    let (db, directory) = (state.db.clone(), state.directory.clone());
    blocking::run(
        "loading the signed-in account",
        move || -> Result<_, AppError> {
            let mut conn = db.conn()?;
            let Some(mut record) = sessions::find_live(&mut conn, &hash, now)? else {
                return Ok(None);
            };
            let user =
                directory.find_by_id(&mut DirectoryConnection::new(&mut conn), record.user_id)?;
            let live = |user: &User| user.auth_epoch == record.auth_epoch && !user.is_disabled();
            let Some(user) = user.filter(live) else {
                sessions::revoke(&mut conn, record.user_id, record.id)?;
                return Ok(None);
            };
            let touched = record.last_seen_at < now - sessions::TOUCH_AFTER
                && sessions::touch(&mut conn, record.id, now, idle_expiry(now))?;
            if touched {
                record.last_seen_at = now;
                record.expires_at = idle_expiry(now);
            }
            let signed_in = SignedIn {
                user,
                session: record,
            };
            Ok(Some((signed_in, touched)))
        },
    )
    .await
}

/// Ends the session whose secret hashes to `hash`; `false` if there was none.
pub async fn revoke(state: &AppState, hash: [u8; SECRET_HASH_LEN]) -> Result<bool, AppError> {
    let db = state.db.clone();
    let ended = blocking::run("ending the session", move || {
        sessions::revoke_by_hash(&mut *db.conn()?, &hash)
    })
    .await?;
    state.session_cache.forget_all();
    Ok(ended)
}
