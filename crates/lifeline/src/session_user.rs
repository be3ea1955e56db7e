//! The signed-in user, kept in the encrypted session cookie as an id plus the
//! account's `auth_epoch` at sign-in. A password change bumps the epoch, so every
//! other session of the account stops working without any server-side session list.

use actix_session::Session;
use actix_web::web;

use crate::directory::{Connection, DirectoryUser as User};
use crate::error::AppError;
use crate::security::csrf;
use crate::state::AppState;

const USER_ID: &str = "uid";
const EPOCH: &str = "epoch";

/// Starts a signed-in session: the old session's state is dropped and a new
/// cookie issued (no fixation), with a new CSRF token.
pub fn sign_in(session: &Session, user: &User) -> Result<(), AppError> {
    session.clear();
    session.renew();
    let insert = |key: &str, value: i64| {
        session
            .insert(key, value)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("session insert failed: {e}")))
    };
    insert(USER_ID, user.id)?;
    insert(EPOCH, user.auth_epoch)?;
    csrf::csrf_token(session);
    Ok(())
}

/// The signed-in user, if the session names one whose epoch is still current.
/// A stale session is purged.
pub async fn current(
    state: &web::Data<AppState>,
    session: &Session,
) -> Result<Option<User>, AppError> {
    let (Ok(Some(user_id)), Ok(Some(epoch))) =
        (session.get::<i64>(USER_ID), session.get::<i64>(EPOCH))
    else {
        return Ok(None);
    };
    let (db, directory) = (state.db.clone(), state.directory.clone());
    let user = web::block(move || -> Result<_, AppError> {
        Ok(directory.find_by_id(&mut Connection::new(&mut *db.conn()?), user_id)?)
    })
    .await??;
    match user {
        Some(user) if user.auth_epoch == epoch => Ok(Some(user)),
        _ => {
            session.purge();
            Ok(None)
        }
    }
}
