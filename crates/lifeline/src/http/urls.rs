//! Every path Lifeline answers, in one place.
//!
//! Handlers, redirects, page contexts and route registration name a [`Url`],
//! never a string, so a path is spelled once and a renamed page cannot leave a
//! stale link behind. Paths are relative to `server.base_path`:
//! [`Url::under`] puts the base in front for the browser. The JSON API reuses
//! the page paths below [`API_PREFIX`]. (The page templates spell their links
//! as `{{ base }}/…`, which operators' template overrides rely on.)

/// Where the JSON API is mounted, below the base path.
pub const API_PREFIX: &str = "/api/v1";

/// A path Lifeline serves (below `server.base_path`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Url {
    /// Liveness probe.
    Healthz,
    /// Readiness probe (pings the database).
    Readyz,
    /// Prometheus metrics.
    Metrics,
    /// The pages' stylesheet.
    Stylesheet,
    /// Ask for a reset link (page and API).
    PasswordForgot,
    /// The reset link from the email, and the new-password form it leads to (page and API).
    PasswordReset,
    /// "This wasn't me" from the emails.
    PasswordNotMe,
    /// Sign in with a password.
    Login,
    /// Sign out.
    Logout,
    /// The language switch (`?lang=de&next=…`).
    Language,
    /// The signed-in page, and where a sign-in goes by default.
    Account,
    /// The signed-in account's active sessions.
    AccountSessions,
    /// Sign out one of the account's other sessions.
    AccountSessionsRevoke,
    /// Sign out every session of the account but this browser's.
    AccountSessionsRevokeOthers,
    /// Change the password, signed in.
    AccountPassword,
    /// Ask for a sign-in link (page and API).
    MagicLink,
    /// The sign-in link from the email, and its confirmation (page and API).
    MagicLinkVerify,
    /// The development mailbox's list.
    DevMailbox,
    /// One message of the development mailbox (a route pattern with `{id}`).
    DevMailboxMessage,
    /// The HTML part of one message of the development mailbox, framed by its page.
    DevMailboxMessageHtml,
    /// The API's OpenAPI document (below [`API_PREFIX`] only).
    OpenApi,
    /// Who is signed in; signing in and out for API clients (below [`API_PREFIX`] only).
    Session,
    /// The admin API key the request carries (below [`API_PREFIX`] only).
    AdminKey,
}

impl Url {
    /// The path below the base path, e.g. `/password/forgot`.
    pub const fn path(self) -> &'static str {
        match self {
            Self::Healthz => "/healthz",
            Self::Readyz => "/readyz",
            Self::Metrics => "/metrics",
            Self::Stylesheet => "/static/lifeline.css",
            Self::PasswordForgot => "/password/forgot",
            Self::PasswordReset => "/password/reset",
            Self::PasswordNotMe => "/password/not-me",
            Self::Login => "/login",
            Self::Language => "/language",
            Self::Logout => "/logout",
            Self::Account => "/account",
            Self::AccountSessions => "/account/sessions",
            Self::AccountSessionsRevoke => "/account/sessions/revoke",
            Self::AccountSessionsRevokeOthers => "/account/sessions/revoke-others",
            Self::AccountPassword => "/account/password",
            Self::MagicLink => "/magic-link",
            Self::MagicLinkVerify => "/magic-link/verify",
            Self::DevMailbox => "/dev/mailbox",
            Self::DevMailboxMessage => "/dev/mailbox/{id}",
            Self::DevMailboxMessageHtml => "/dev/mailbox/{id}/html",
            Self::OpenApi => "/openapi.json",
            Self::Session => "/session",
            Self::AdminKey => "/admin/key",
        }
    }

    /// The path as the browser must ask for it: `base_path` (empty, or like
    /// `/auth`) followed by [`Url::path`].
    pub fn under(self, base_path: &str) -> String {
        format!("{base_path}{}", self.path())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Url; 23] = [
        Url::Language,
        Url::Healthz,
        Url::Readyz,
        Url::Metrics,
        Url::Stylesheet,
        Url::PasswordForgot,
        Url::PasswordReset,
        Url::PasswordNotMe,
        Url::Login,
        Url::Logout,
        Url::Account,
        Url::AccountSessions,
        Url::AccountSessionsRevoke,
        Url::AccountSessionsRevokeOthers,
        Url::AccountPassword,
        Url::MagicLink,
        Url::MagicLinkVerify,
        Url::DevMailbox,
        Url::DevMailboxMessage,
        Url::DevMailboxMessageHtml,
        Url::OpenApi,
        Url::Session,
        Url::AdminKey,
    ];

    #[test]
    fn every_path_is_distinct_and_absolute() {
        let mut paths: Vec<_> = ALL.iter().map(|url| url.path()).collect();
        assert!(
            paths
                .iter()
                .all(|p| p.starts_with('/') && !p.ends_with('/'))
        );
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), ALL.len());
    }

    #[test]
    fn a_path_under_a_base_path_starts_with_it() {
        assert_eq!(Url::Login.under(""), "/login");
        assert_eq!(Url::Login.under("/auth"), "/auth/login");
    }
}
