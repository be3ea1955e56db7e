//! The magic-link mails: the sign-in link itself and the "new sign-in" notice.

use mail::{Composition, MailError};
use storage::outbox::OutboxJob;
use storage::{DbConnection, EmailAddress};
use token_core::Purpose;

use super::composer::{Draft, LifelineComposer, Requester};
use super::payloads::{MagicLinkRequested, MagicLinkSignedIn};
use crate::directory::lookups::Lookups;
use crate::http::browser_binding;

impl LifelineComposer {
    /// Mints and mails a sign-in link for a [`MagicLinkRequested`] job.
    ///
    /// Nothing is sent for an unknown address (unless the "no account" notice
    /// is on), for an account that said "this wasn't me" within the pause
    /// window — the pause covers magic links as well as resets — or for an
    /// account over its hourly mail quota. Issuing the token revokes the
    /// account's earlier magic links, so only the newest mail works.
    pub(super) fn magic_link(
        &self,
        conn: &mut DbConnection,
        job: &OutboxJob,
        request: MagicLinkRequested,
        lookups: &Lookups,
    ) -> Result<Draft, MailError> {
        let Ok(address) = EmailAddress::parse(&request.email) else {
            return Ok(Composition::Skip("unparseable address".into()).into());
        };
        let (unix, now) = self.now();
        if !self.within_address_limit(conn, job, &address, now)? {
            return Ok(Composition::Skip(super::quotas::OVER_ADDRESS_LIMIT.into()).into());
        }
        let Some(user) = self.account_by_email(conn, &address, lookups)? else {
            return self.no_account(conn, &address, &request);
        };
        if user.is_disabled() {
            return Ok(Composition::Skip("account disabled".into()).into());
        }
        if user.resets_paused_until.is_some_and(|until| until > now) {
            return Ok(
                Composition::Skip("links paused for the account (this wasn't me)".into()).into(),
            );
        }
        if !self.within_quota(conn, job, &user, now)? {
            return Ok(Composition::Skip("account over its hourly mail quota".into()).into());
        }
        let minted = self.links().issue(
            conn,
            Purpose::MagicLink,
            &user,
            self.magic_link_lifetime,
            request.ip.as_deref(),
            unix,
        )?;
        let mut link = format!(
            "{}/magic-link/verify?token={}",
            self.public_url,
            minted.token.expose_secret()
        );
        if let Some(browser) = &request.browser {
            let tag = browser_binding::link_tag(&self.keys, minted.lookup.as_bytes(), browser);
            link.push_str("&browser=");
            link.push_str(&tag);
        }
        let locale = self.language(
            conn,
            Some(&user),
            request.lang.as_deref(),
            Requester::Anyone,
        )?;
        let email = mail::MagicLink {
            link,
            lifetime: self.lifetime(locale, self.magic_link_lifetime),
            not_me_link: self.not_me_link(conn, &user, Purpose::NotMe)?,
        };
        self.send(&user.display_email, locale, email)
    }

    /// Mails the "new sign-in by magic link" notice, with a "this wasn't me" link.
    pub(super) fn magic_link_signed_in(
        &self,
        conn: &mut DbConnection,
        signed_in: MagicLinkSignedIn,
    ) -> Result<Draft, MailError> {
        let Some(user) = self.account(conn, signed_in.user_id)? else {
            return Ok(Composition::Skip("account no longer exists".into()).into());
        };
        let locale = self.language(
            conn,
            Some(&user),
            signed_in.lang.as_deref(),
            Requester::Owner,
        )?;
        let email = mail::MagicLinkSignin {
            time: self.time(locale, signed_in.signed_in_at),
            ip: signed_in.ip.unwrap_or_default(),
            user_agent: signed_in.user_agent.unwrap_or_default(),
            not_me_link: self.not_me_link(conn, &user, Purpose::NotMe)?,
        };
        self.send(&user.display_email, locale, email)
    }
}
