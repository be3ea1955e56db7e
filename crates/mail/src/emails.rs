//! Typed contexts, one per email template, so callers cannot forget or misspell a variable.
//!
//! None of these types implements `Debug`: the links they hold carry live tokens, and a stray
//! `{:?}` in a log line must not leak one.

use serde::Serialize;

/// A context that belongs to exactly one template folder under `templates/email/`.
pub trait Email: Serialize {
    /// The template folder name, e.g. `password_reset`.
    const TEMPLATE: &'static str;
}

/// "Reset your password": the single-use reset link.
#[derive(Clone, Serialize)]
pub struct PasswordReset {
    /// The reset link, built from the configured public URL.
    pub link: String,
    /// How long the link stays valid, in words of the mail's language ("30 minutes").
    pub lifetime: String,
    /// The "this was not me" link, which revokes every link and pauses resets.
    pub not_me_link: String,
    /// When the reset was requested, already written for the mail's language, zone named
    /// (e.g. `26 November 2025, 09:21 UTC`).
    pub time: String,
    /// The requester's IP address.
    pub ip: String,
}

impl Email for PasswordReset {
    const TEMPLATE: &'static str = "password_reset";
}

/// "Your password was changed": sent after every reset.
#[derive(Clone, Serialize)]
pub struct PasswordChanged {
    /// When the password changed, written for the mail's language, zone named.
    pub time: String,
    /// The IP address the change came from.
    pub ip: String,
    /// The browser's `User-Agent`, as sent (user-controlled; escaped in HTML).
    pub user_agent: String,
    /// The "this was not me" link.
    pub not_me_link: String,
}

impl Email for PasswordChanged {
    const TEMPLATE: &'static str = "password_changed";
}

/// "Your sign-in link": the single-use magic link.
#[derive(Clone, Serialize)]
pub struct MagicLink {
    /// The sign-in link, built from the configured public URL.
    pub link: String,
    /// How long the link stays valid, in words of the mail's language ("30 minutes").
    pub lifetime: String,
    /// The "this was not me" link.
    pub not_me_link: String,
}

impl Email for MagicLink {
    const TEMPLATE: &'static str = "magic_link";
}

/// "New sign-in to your account": sent after a magic link was used.
#[derive(Clone, Serialize)]
pub struct MagicLinkSignin {
    /// When the sign-in happened, written for the mail's language, zone named.
    pub time: String,
    /// The IP address of the new session.
    pub ip: String,
    /// The browser's `User-Agent`, as sent (user-controlled; escaped in HTML).
    pub user_agent: String,
    /// The "this was not me" link.
    pub not_me_link: String,
}

impl Email for MagicLinkSignin {
    const TEMPLATE: &'static str = "magic_link_signin";
}

/// "Your account is locked down": confirms a "this was not me" click.
#[derive(Clone, Serialize)]
pub struct NotMeConfirmation {
    /// When the link was clicked, written for the mail's language, zone named.
    pub time: String,
    /// The IP address the click came from.
    pub ip: String,
    /// When the click answered a *password changed* mail: the password was voided and this
    /// is the link to choose a new one. `None` for the other mails (the password stays).
    pub recovery_link: Option<String>,
    /// How long the recovery link works, in words ("24 hours"); empty without one.
    pub recovery_lifetime: String,
    /// Until when new reset and sign-in link requests are refused, written for the mail's
    /// language; `None` when the account's directory cannot keep a pause.
    pub paused_until: Option<String>,
}

impl Email for NotMeConfirmation {
    const TEMPLATE: &'static str = "not_me_confirmation";
}

/// "No account for this address": the optional notice for resets asked for unknown addresses.
#[derive(Clone, Serialize)]
pub struct NoAccount {
    /// When the reset was requested, written for the mail's language, zone named.
    pub time: String,
    /// The requester's IP address.
    pub ip: String,
}

impl Email for NoAccount {
    const TEMPLATE: &'static str = "no_account";
}
