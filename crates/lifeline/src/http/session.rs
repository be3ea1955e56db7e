//! The typed session: every key Lifeline keeps in its cookie, in one place.
//!
//! The session lives in a private (encrypted and signed) cookie, so its values
//! are neither readable nor forgeable by the browser. No other module names a
//! key: handlers ask [`LifelineSession`] for what they need.
//!
//! Signing in stores a session record (`storage::sessions`: account, the
//! account's `auth_epoch` at sign-in, how, from where, when) and puts a random
//! secret into the cookie; the table keeps only a keyed hash of that secret, so
//! a copy of it signs nobody in. Each request's check ([`LifelineSession::user`])
//! finds the live record by that hash and the account by its id, on one
//! connection in one blocking call. Deleting the record ends that one browser's
//! session (the sessions page, `lifeline sessions revoke`); a password change
//! bumps the epoch, which still ends every session of the account at once.
//!
//! A session lasts 12 hours without being used ([`IDLE_HOURS`]). Use slides
//! both ends: the record's expiry (at most one write a minute,
//! `storage::sessions::touch`) and the cookie's `Max-Age`, re-sent with that write.

use std::future::{Ready, ready};
use std::sync::Arc;

use actix_session::config::{CookieContentSecurity, PersistentSession};
use actix_session::storage::CookieSessionStore;
use actix_session::{Session, SessionExt, SessionMiddleware};
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use storage::sessions;
use token_core::Purpose;
use zeroize::Zeroizing;

pub use storage::sessions::Method as SignInMethod;

pub use crate::http::session_records::{IDLE_HOURS, SignedIn};

use crate::directory::DirectoryUser as User;
use crate::error::AppError;
use crate::http::client::ClientInfo;
use crate::http::pages::held_link::HeldLink;
use crate::http::session_records;
use crate::state::AppState;
use crate::webhooks::Event;

/// The cookie's name.
const COOKIE_NAME: &str = "lifeline_session";
/// `blake3::derive_key` context of the key that hashes session secrets.
const SECRET_KEY_CONTEXT: &str = "lifeline 2026-12 session secret hash v1";

/// The form's anti-forgery token (synchroniser token pattern).
const CSRF: &str = "csrf";
/// The reset token, between the emailed link and the new-password form.
const RESET_TOKEN: &str = "reset_token";
/// The magic-link token, between the emailed link and the "Sign in" button.
const MAGIC_LINK_TOKEN: &str = "magic_link_token";
/// The same-browser tag of the held magic link (see `browser_binding`).
const MAGIC_LINK_TAG: &str = "magic_link_tag";
/// The "this wasn't me" token, between the emailed link and the lock-down button.
const NOT_ME_TOKEN: &str = "not_me_token";
/// A one-time message for the sign-in page.
const NOTICE: &str = "notice";
/// The address to fill in on the sign-in page after a reset (never put in a URL).
const LOGIN_EMAIL: &str = "login_email";
/// The allow-listed page to open after a magic-link sign-in.
const NEXT: &str = "next_after_sign_in";
/// The signed-in session's random secret (the record stores only its keyed hash).
const SECRET: &str = "sid";
/// When the record was last marked as seen; rewriting it re-sends the cookie
/// with a fresh `Max-Age`, so the cookie slides with the record.
const SEEN: &str = "seen";
/// The language chosen with the switch (a tag of `i18n.locales`).
const LANGUAGE: &str = "lang";
/// This browser's random value for same-browser magic links.
const BROWSER: &str = "magic_link_browser";

/// The private (encrypted and signed) cookie session under `key`. Its path is
/// the base path, so the browser sends it to Lifeline's pages only, never to a
/// host's; `HttpOnly` keeps it from scripts, `SameSite=Lax` from cross-site
/// POSTs (the CSRF token is the defence that does not rely on the browser),
/// and behind HTTPS it is `Secure`. Without `domain` (`server.cookie_domain`) it is a
/// host-only cookie; with one, the browser sends it to that domain and its subdomains, so
/// sibling hosts (`app.example.com` beside `id.example.com`) can pass it on to
/// `GET /api/v1/session`. Its content stays encrypted: only Lifeline can read it.
pub fn middleware(
    key: Key,
    base_path: &str,
    https: bool,
    domain: Option<&str>,
) -> SessionMiddleware<CookieSessionStore> {
    let path = match base_path {
        "" => "/",
        base => base,
    };
    SessionMiddleware::builder(CookieSessionStore::default(), key)
        .cookie_name(COOKIE_NAME.into())
        .cookie_path(path.into())
        .cookie_domain(domain.map(str::to_owned))
        .cookie_content_security(CookieContentSecurity::Private)
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Lax)
        .cookie_secure(https)
        .session_lifecycle(
            PersistentSession::default()
                .session_ttl(actix_web::cookie::time::Duration::hours(IDLE_HOURS)),
        )
        .build()
}

/// Lifeline's session, extracted like actix-session's `Session`.
#[derive(Clone)]
pub struct LifelineSession(Session);

impl FromRequest for LifelineSession {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Self(req.get_session())))
    }
}

impl From<Session> for LifelineSession {
    fn from(session: Session) -> Self {
        Self(session)
    }
}

impl LifelineSession {
    /// The session's CSRF token, created on first use.
    pub fn csrf_token(&self) -> String {
        if let Ok(Some(token)) = self.0.get::<String>(CSRF) {
            return token;
        }
        // The OS RNG failing is not recoverable; an empty token can never match
        // (see `csrf_matches`), so forms fail closed instead of the process panicking.
        let token = random_value().unwrap_or_default();
        if !token.is_empty() && self.0.insert(CSRF, &token).is_err() {
            return String::new();
        }
        token
    }

    /// Whether `submitted` is this session's CSRF token, compared in constant
    /// time so the comparison leaks no prefix. A session without a token, or an
    /// empty submission, never matches.
    pub fn csrf_matches(&self, submitted: &str) -> bool {
        match self.0.get::<String>(CSRF) {
            Ok(Some(expected)) if !expected.is_empty() => {
                constant_time_eq::constant_time_eq(expected.as_bytes(), submitted.as_bytes())
            }
            _ => false,
        }
    }

    /// The link of `purpose` this browser opened and has not used yet (an empty
    /// token without one, which no check accepts).
    pub fn held_link(&self, purpose: Purpose) -> HeldLink {
        let token = self.get_string(token_key(purpose)).unwrap_or_default();
        let browser_tag = match purpose {
            Purpose::MagicLink => self.get_string(MAGIC_LINK_TAG),
            Purpose::PasswordReset | Purpose::NotMe | Purpose::NotMeChange => None,
        };
        HeldLink { token, browser_tag }
    }

    /// Keeps a checked link until its form is posted. Each purpose has its own
    /// keys, so holding one link never replaces a link of another purpose; the
    /// two "this wasn't me" kinds share one key (one not-me page, one held link).
    pub fn hold_link(&self, purpose: Purpose, link: &HeldLink) -> Result<(), AppError> {
        self.insert(token_key(purpose), &link.token)?;
        if purpose == Purpose::MagicLink {
            match &link.browser_tag {
                Some(tag) => self.insert(MAGIC_LINK_TAG, tag)?,
                None => self.remove_if_present(MAGIC_LINK_TAG),
            }
        }
        Ok(())
    }

    /// Forgets the link of `purpose`. The session is changed only if it held
    /// one: removing an absent key would re-encrypt and re-send the cookie for nothing.
    pub fn forget_link(&self, purpose: Purpose) {
        self.remove_if_present(token_key(purpose));
        if purpose == Purpose::MagicLink {
            self.remove_if_present(MAGIC_LINK_TAG);
        }
    }

    /// Takes the one-time message for the sign-in page, if any.
    pub fn take_notice(&self) -> Option<String> {
        self.0.remove_as::<String>(NOTICE).and_then(Result::ok)
    }

    /// The language chosen with the switch, if any.
    pub fn language(&self) -> Option<String> {
        self.0.get::<String>(LANGUAGE).ok().flatten()
    }

    /// Keeps the language chosen with the switch (an offered tag; the caller checked it).
    pub fn set_language(&self, tag: &str) -> Result<(), actix_session::SessionInsertError> {
        self.0.insert(LANGUAGE, tag)
    }

    /// Leaves a one-time message for the sign-in page (best effort: it is only a message).
    pub fn set_notice(&self, notice: &str) {
        let _ = self.0.insert(NOTICE, notice);
    }

    /// Takes the address to fill in on the sign-in page, if a reset left one.
    pub fn take_login_email(&self) -> Option<String> {
        if !self.0.contains_key(LOGIN_EMAIL) {
            return None;
        }
        self.0.remove_as::<String>(LOGIN_EMAIL).and_then(Result::ok)
    }

    /// Leaves the address for the sign-in page to fill in (best effort: it only saves typing).
    /// It stays in the encrypted cookie, so it never reaches a URL, a log or a `Referer`.
    pub fn set_login_email(&self, email: &str) {
        let _ = self.0.insert(LOGIN_EMAIL, email);
    }

    /// The allow-listed page this browser asked to open after signing in.
    pub fn next_after_sign_in(&self) -> Option<String> {
        self.0.get::<String>(NEXT).ok().flatten()
    }

    /// Keeps an (already allow-listed) `next`, or forgets any earlier one. The
    /// session is touched only when there is something to change, so the answer
    /// carries no cookie that could differ between addresses.
    pub fn remember_next(&self, next: Option<&str>) -> Result<(), AppError> {
        match next {
            Some(next) => self.insert(NEXT, next),
            None => {
                if matches!(self.0.get::<String>(NEXT), Ok(Some(_))) {
                    self.0.remove(NEXT);
                }
                Ok(())
            }
        }
    }

    /// Drops everything and issues a new cookie: after a credential change,
    /// nothing from before survives (no fixation) but the chosen language, a
    /// preference that grants nothing.
    pub fn start_over(&self) {
        let language = self.language();
        self.0.clear();
        self.0.renew();
        if let Some(tag) = language {
            let _ = self.set_language(&tag);
        }
    }

    /// Starts a signed-in session for `user`: a session record is stored (how,
    /// from where), the old session's state is dropped and a new cookie issued
    /// (no fixation) holding the new secret and a new CSRF token.
    ///
    /// A sign-in with a password or a magic link raises `signin.succeeded` in the
    /// transaction that stores the record (`session_records::create`, which bearer
    /// sessions pass too).
    pub async fn sign_in(
        &self,
        state: &web::Data<AppState>,
        user: &User,
        method: SignInMethod,
        client: &ClientInfo,
    ) -> Result<(), AppError> {
        let event = session_records::sign_in_event(user, method);
        self.start_session(state, user, method, client, event).await
    }

    /// Signs the browser in again after its own password change (the epoch moved on): a
    /// new session record, no `signin.succeeded` (the change raised `password.changed`).
    pub async fn sign_in_again(
        &self,
        state: &web::Data<AppState>,
        user: &User,
        client: &ClientInfo,
    ) -> Result<(), AppError> {
        self.start_session(state, user, SignInMethod::Password, client, None)
            .await
    }

    async fn start_session(
        &self,
        state: &web::Data<AppState>,
        user: &User,
        method: SignInMethod,
        client: &ClientInfo,
        event: Option<Event>,
    ) -> Result<(), AppError> {
        let secret = random_value()?;
        let hash = state.session_secrets.hash(&secret);
        session_records::create(state, user, method, client, hash, event.as_ref()).await?;
        self.start_signed_in(&secret)
    }

    /// A fresh cookie holding only `secret` and a new CSRF token.
    fn start_signed_in(&self, secret: &str) -> Result<(), AppError> {
        self.start_over();
        self.insert(SECRET, secret)?;
        self.csrf_token();
        Ok(())
    }

    /// Ends the session: its record is deleted and the browser told to drop the cookie, or,
    /// when a language was chosen with the switch, given a new one that holds only that
    /// choice (so the sign-in page after it still speaks it).
    pub async fn sign_out(&self, state: &web::Data<AppState>) -> Result<(), AppError> {
        let secret = self.secret();
        match self.language() {
            Some(_) => self.start_over(),
            None => self.0.purge(),
        }
        let Some(secret) = secret else {
            return Ok(());
        };
        session_records::revoke(state, state.session_secrets.hash(&secret)).await?;
        Ok(())
    }

    /// The signed-in user, if the session's record is live and the account's
    /// epoch is still the one it started with. A session without that is purged.
    pub async fn user(&self, state: &web::Data<AppState>) -> Result<Option<User>, AppError> {
        Ok(self.signed_in(state).await?.map(|signed_in| signed_in.user))
    }

    /// [`LifelineSession::user`] with this browser's session record. The record
    /// and the account are read on one connection in one blocking call; the
    /// record is marked as seen at most once a minute. A disabled account's
    /// session ends here too.
    pub async fn signed_in(
        &self,
        state: &web::Data<AppState>,
    ) -> Result<Option<SignedIn>, AppError> {
        let Some(secret) = self.secret() else {
            return Ok(None);
        };
        let now = state.now();
        match session_records::find(state, state.session_secrets.hash(&secret)).await? {
            Some((signed_in, touched)) => {
                if touched {
                    // Best effort: only the cookie's Max-Age depends on it.
                    let _ = self.0.insert(SEEN, now.and_utc().timestamp());
                }
                Ok(Some(signed_in))
            }
            None => {
                self.0.purge();
                Ok(None)
            }
        }
    }

    /// The signed-in session's secret, if the cookie holds one.
    fn secret(&self) -> Option<String> {
        self.get_string(SECRET).filter(|secret| !secret.is_empty())
    }

    /// This browser's random value for same-browser magic links, created on
    /// first use. It never leaves the encrypted cookie.
    pub fn browser_value(&self) -> Result<String, AppError> {
        if let Some(value) = self.existing_browser_value() {
            return Ok(value);
        }
        let value = random_value()?;
        self.insert(BROWSER, &value)?;
        Ok(value)
    }

    /// This browser's value for same-browser magic links, if it has one.
    pub fn existing_browser_value(&self) -> Option<String> {
        match self.0.get::<String>(BROWSER) {
            Ok(Some(value)) if !value.is_empty() => Some(value),
            _ => None,
        }
    }

    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get::<String>(key).ok().flatten()
    }

    fn remove_if_present(&self, key: &str) {
        if self.0.contains_key(key) {
            self.0.remove(key);
        }
    }

    fn insert(&self, key: &str, value: impl serde::Serialize) -> Result<(), AppError> {
        self.0
            .insert(key, value)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("session insert failed: {e}")))
    }
}

/// The session key of the token held for `purpose`.
fn token_key(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::PasswordReset => RESET_TOKEN,
        Purpose::MagicLink => MAGIC_LINK_TOKEN,
        // One held "this wasn't me" link, whichever mail it came from: the page tells
        // the two apart by the token's prefix.
        Purpose::NotMe | Purpose::NotMeChange => NOT_ME_TOKEN,
    }
}

/// The key of the hashes the session table stores instead of the cookies'
/// secrets. It is derived from the cookie key (`keys.session`), so records
/// follow that key: rotating the token key leaves sessions alone, and every
/// instance with the same cookie key finds the same records.
#[derive(Clone)]
pub struct SessionSecretKey(Arc<Zeroizing<[u8; 32]>>);

impl SessionSecretKey {
    /// The key derived from the cookie key.
    pub fn from_cookie_key(cookie_key: &Key) -> Self {
        Self(Arc::new(Zeroizing::new(blake3::derive_key(
            SECRET_KEY_CONTEXT,
            cookie_key.master(),
        ))))
    }

    /// The keyed hash the session table stores instead of `secret`.
    pub fn hash(&self, secret: &str) -> [u8; sessions::SECRET_HASH_LEN] {
        *blake3::keyed_hash(&self.0, secret.as_bytes()).as_bytes()
    }
}

impl std::fmt::Debug for SessionSecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionSecretKey(***)")
    }
}

/// 32 random bytes from the OS, base64url.
pub fn random_value() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("OS random failed: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn session() -> LifelineSession {
        TestRequest::default()
            .to_http_request()
            .get_session()
            .into()
    }

    #[test]
    fn the_csrf_token_is_kept_and_only_it_matches() {
        let session = session();
        let token = session.csrf_token();
        assert_eq!(token.len(), 43);
        assert_eq!(session.csrf_token(), token);
        assert!(session.csrf_matches(&token));
        assert!(!session.csrf_matches(&token[1..]));
        assert!(!session.csrf_matches(""));
    }

    #[test]
    fn a_session_without_a_csrf_token_matches_nothing() {
        assert!(!session().csrf_matches(""));
        assert!(!session().csrf_matches("anything"));
    }

    #[test]
    fn signing_in_drops_the_old_state_and_issues_a_new_csrf_token() {
        let session = session();
        let old = session.csrf_token();
        session
            .hold_link(Purpose::PasswordReset, &link("t", None))
            .unwrap();
        session.start_signed_in("secret").unwrap();
        assert_eq!(session.secret().as_deref(), Some("secret"));
        assert_eq!(
            session.held_link(Purpose::PasswordReset),
            HeldLink::default()
        );
        assert!(!session.csrf_matches(&old));
        assert!(session.csrf_matches(&session.csrf_token()));
    }

    fn link(token: &str, browser_tag: Option<&str>) -> HeldLink {
        HeldLink {
            token: token.into(),
            browser_tag: browser_tag.map(Into::into),
        }
    }

    #[test]
    fn each_purpose_holds_its_own_link() {
        // Arrange
        let session = session();
        let (reset, magic, not_me) = (link("r", None), link("m", Some("tag")), link("n", None));

        // Act
        session.hold_link(Purpose::PasswordReset, &reset).unwrap();
        session.hold_link(Purpose::MagicLink, &magic).unwrap();
        session.hold_link(Purpose::NotMe, &not_me).unwrap();
        session.forget_link(Purpose::NotMe);

        // Assert: holding or forgetting one link leaves the others alone.
        assert_eq!(session.held_link(Purpose::PasswordReset), reset);
        assert_eq!(session.held_link(Purpose::MagicLink), magic);
        assert_eq!(session.held_link(Purpose::NotMe), HeldLink::default());
    }

    #[test]
    fn a_newer_magic_link_without_a_tag_drops_the_older_tag() {
        let session = session();
        session
            .hold_link(Purpose::MagicLink, &link("old", Some("tag")))
            .unwrap();
        session
            .hold_link(Purpose::MagicLink, &link("new", None))
            .unwrap();
        assert_eq!(session.held_link(Purpose::MagicLink), link("new", None));
    }

    #[test]
    fn session_secrets_are_hashed_under_a_key_derived_from_the_cookie_key() {
        let key = SessionSecretKey::from_cookie_key(&Key::from(&[7u8; 64]));
        let same = SessionSecretKey::from_cookie_key(&Key::from(&[7u8; 64]));
        let other = SessionSecretKey::from_cookie_key(&Key::from(&[8u8; 64]));
        assert_eq!(key.hash("secret"), same.hash("secret"));
        assert_ne!(key.hash("secret"), key.hash("secreT"));
        assert_ne!(key.hash("secret"), other.hash("secret"));
        assert_ne!(key.hash("secret"), *blake3::hash(b"secret").as_bytes());
        assert_eq!(format!("{key:?}"), "SessionSecretKey(***)");
    }

    #[test]
    fn the_notice_is_shown_once() {
        let session = session();
        session.set_notice("changed");
        assert_eq!(session.take_notice().as_deref(), Some("changed"));
        assert_eq!(session.take_notice(), None);
    }

    #[test]
    fn the_login_email_is_filled_in_once() {
        let session = session();
        assert_eq!(session.take_login_email(), None);
        session.set_login_email("ada@example.com");
        assert_eq!(
            session.take_login_email().as_deref(),
            Some("ada@example.com")
        );
        assert_eq!(session.take_login_email(), None);
    }

    #[test]
    fn the_browser_value_is_created_once() {
        let session = session();
        assert_eq!(session.existing_browser_value(), None);
        let value = session.browser_value().unwrap();
        assert_eq!(session.browser_value().unwrap(), value);
        assert_eq!(session.existing_browser_value(), Some(value));
    }
}
