//! Signing in with an address and a password, for the sign-in page and for
//! `POST /api/v1/session` alike: the per-account limit, the check (an unknown, disabled or
//! malformed address costs the same verification as a wrong password, see
//! `directory::SignIn`) and the `sign_in` audit event all live here, once. Starting the
//! session (a cookie or a bearer token) is the caller's.

use storage::{EmailAddress, audit};

use super::shared_limits::Budget;
use crate::directory::DirectoryUser as User;
use crate::directory::SignIn;
use crate::error::AppError;
use crate::http::blocking;
use crate::http::client::ClientInfo;
use crate::security::password_hash::Password;
use crate::state::AppState;

/// The account whose address is `email` and whose password is `password`, or `None` (for an
/// unknown, disabled or malformed address and a wrong password alike). Over the per-address
/// sign-in budget (`shared_limits`, held across instances; a malformed address is counted in
/// this instance's memory only): [`AppError::TooManyRequests`], before any verification.
pub async fn with_password(
    state: &AppState,
    email: &str,
    password: Password,
    client: &ClientInfo,
) -> Result<Option<User>, AppError> {
    let address = EmailAddress::parse(email).ok();
    let key = token_core::fingerprint(
        &state.keys,
        "login",
        address
            .as_ref()
            .map_or(email.as_bytes(), |a| a.as_str().as_bytes()),
    );
    // A malformed address matches no account, so it is only counted in memory: refused
    // input writes nothing.
    match address {
        Some(_) => super::shared_limits::spend(state, Budget::SignIn, key).await?,
        None => super::shared_limits::filter(state, Budget::SignIn, &key)?,
    }
    let hasher = state.hasher.clone();
    let (db, directory, now) = (state.db.clone(), state.directory.clone(), state.now());
    let authority = state.password_authority.clone();
    let ip = client.ip_text();
    blocking::run("signing in", move || -> Result<_, AppError> {
        // The account is found with a connection that goes back to the pool before the
        // password is hashed (or checked by an account source); an unknown or malformed
        // address costs the same verification.
        let found = match &authority {
            // The source checks its own passwords and equalises unknown addresses itself.
            Some(authority) => authority.sign_in(address.as_ref(), &password)?,
            None => SignIn {
                db: &db,
                directory: &*directory,
                hasher: &hasher,
            }
            .verify(address.as_ref(), &password, now)?,
        };
        let Some(user) = found else {
            return Ok(None);
        };
        audit::record(
            &mut *db.conn()?,
            &audit::NewAuditEvent {
                user_id: Some(user.id),
                kind: "sign_in",
                ip: Some(ip.as_str()).filter(|ip| !ip.is_empty()),
                user_agent: None,
                detail: None,
                created_at: now,
            },
        )?;
        Ok(Some(user))
    })
    .await
}
