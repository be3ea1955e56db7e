//! The payloads of the outbox's jobs, one struct per [`MailJob`] variant. A request handler
//! only records *that* something must be mailed; the worker resolves the account and builds
//! the message, so the handler's work is the same whether or not the account exists.
//!
//! Each is stored as its JSON in the `outbox.payload` column, fields in the order declared
//! here. Queued jobs outlive a deployment: a field added later must be optional
//! (`#[serde(default)]`), as `browser` and `lang` are, so the rows written before it still read.

use serde::{Deserialize, Serialize};

#[cfg(doc)]
use super::MailJob;

/// Someone asked for a password-reset link for `email`: [`MailJob::PasswordResetRequested`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetRequested {
    /// The normalised address as entered (the worker looks it up).
    pub email: String,
    /// The requester's address.
    pub ip: Option<String>,
    /// When the request was accepted (Unix seconds).
    pub requested_at: i64,
    /// The language of the request that caused the mail (`de`); absent in rows written
    /// before languages and in jobs no request caused (the account's last language is used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// A password was changed; tell the account owner: [`MailJob::PasswordChanged`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChanged {
    /// The account whose password changed.
    pub user_id: i64,
    /// The address the change came from.
    pub ip: Option<String>,
    /// The browser that made the change.
    pub user_agent: Option<String>,
    /// When it changed (Unix seconds).
    pub changed_at: i64,
    /// The language of the request that caused the mail (`de`); absent in rows written
    /// before languages and in jobs no request caused (the account's last language is used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// The owner said "this wasn't me"; confirm what was done: [`MailJob::NotMeConfirmed`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotMeConfirmed {
    /// The account that was locked down.
    pub user_id: i64,
    /// The address the click came from.
    pub ip: Option<String>,
    /// When (Unix seconds).
    pub confirmed_at: i64,
    /// The link came from a *password changed* mail and the password was voided: the
    /// confirmation carries a recovery link. Absent (false) in rows written before it, and
    /// left out when false, so those rows read and are written back byte for byte.
    #[serde(default, skip_serializing_if = "is_false")]
    pub password_voided: bool,
    /// The language of the request that caused the mail (`de`); absent in rows written
    /// before languages and in jobs no request caused (the account's last language is used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// Whether `value` is `false` (serde's `skip_serializing_if` takes a reference).
fn is_false(value: &bool) -> bool {
    !*value
}

/// Someone asked for a magic sign-in link for `email`: [`MailJob::MagicLinkRequested`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MagicLinkRequested {
    /// The normalised address as entered (the worker looks it up).
    pub email: String,
    /// The requester's address.
    pub ip: Option<String>,
    /// When the request was accepted (Unix seconds).
    pub requested_at: i64,
    /// With same-browser links on: the keyed fingerprint (base64url) of the
    /// random value kept in the requesting browser's session. Never the value
    /// itself, so the outbox table cannot be used to forge a binding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser: Option<String>,
    /// The language of the request that caused the mail (`de`); absent in rows written
    /// before languages and in jobs no request caused (the account's last language is used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// Someone signed in with a magic link; tell the account owner: [`MailJob::MagicLinkSignedIn`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MagicLinkSignedIn {
    /// The account that was signed in.
    pub user_id: i64,
    /// The address of the new session.
    pub ip: Option<String>,
    /// The browser of the new session.
    pub user_agent: Option<String>,
    /// When (Unix seconds).
    pub signed_in_at: i64,
    /// The language of the request that caused the mail (`de`); absent in rows written
    /// before languages and in jobs no request caused (the account's last language is used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// An event to post to one webhook endpoint: [`MailJob::Webhook`]. One row per (event,
/// endpoint), written in the transaction of the change it reports; the body is built from it
/// on every attempt, byte for byte the same, and signed afresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookDelivery {
    /// The endpoint's `name` in `[[webhooks.endpoints]]`.
    pub endpoint: String,
    /// The event type, e.g. `password.changed`.
    pub event: String,
    /// When it happened (Unix seconds): the body's `timestamp`.
    pub occurred_at: i64,
    /// The body's `data` object.
    pub data: serde_json::Value,
}

/// What the "no account" notice needs of a link request, reset or magic link alike.
pub(super) trait LinkRequest {
    /// The requester's address.
    fn ip(&self) -> Option<&str>;
    /// When the request was accepted (Unix seconds).
    fn requested_at(&self) -> i64;
    /// The language of the request.
    fn lang(&self) -> Option<&str>;
}

macro_rules! link_request {
    ($($payload:ty),*) => {$(
        impl LinkRequest for $payload {
            fn ip(&self) -> Option<&str> {
                self.ip.as_deref()
            }
            fn requested_at(&self) -> i64 {
                self.requested_at
            }
            fn lang(&self) -> Option<&str> {
                self.lang.as_deref()
            }
        }
    )*};
}

link_request!(ResetRequested, MagicLinkRequested);
