//! [`LinkRejected`]: the one answer for every bad link, and where its reason is recorded.

use token_core::{Purpose, TokenError};

use super::service::Links;
use crate::metrics::reasons;

/// A link that cannot be used: forged, malformed, of another purpose, expired, used,
/// superseded by a newer link, voided by an epoch bump, or of an account that is gone.
///
/// It deliberately carries no reason a caller could show or branch on: telling "expired"
/// from "bad MAC" would make the service an oracle for forgers and confirm that a leaked
/// link once was real. The reason was logged and counted when the rejection was made.
#[derive(Debug, thiserror::Error)]
#[error("invalid or expired link")]
pub struct LinkRejected {
    /// The metric label of the reason: in `Debug` for logs, never in `Display`.
    reason: &'static str,
}

/// Why a link was rejected, as the log and the metric label say it.
pub(super) enum Reason {
    /// token-core refused the text (format, purpose, key, MAC, expiry or epoch).
    Token(TokenError),
    /// No live row for it, or its account is gone or is another account.
    NotLive(&'static str),
    /// Used or voided between its check and its use: a concurrent request won.
    UsedConcurrently,
}

impl Links {
    /// Logs and counts the rejection of a `purpose` link for `reason`, and returns the
    /// one rejection callers see.
    pub(super) fn reject(&self, purpose: Purpose, reason: Reason) -> LinkRejected {
        let noun = noun(purpose);
        let label = match &reason {
            Reason::Token(error) => {
                tracing::info!(reason = %error, "{noun} rejected");
                reasons::token_error(error)
            }
            Reason::NotLive(why) => {
                tracing::info!("{noun} rejected: {why}");
                reasons::NOT_LIVE
            }
            Reason::UsedConcurrently => {
                tracing::info!("{noun} rejected: used or voided while being checked");
                reasons::USED_CONCURRENTLY
            }
        };
        self.metrics.token_rejected(purpose, label);
        LinkRejected { reason: label }
    }
}

#[cfg(test)]
impl LinkRejected {
    /// The metric label the rejection was counted under.
    pub(super) fn reason(&self) -> &'static str {
        self.reason
    }
}

/// How the log names a link of `purpose`.
fn noun(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::PasswordReset => "reset link",
        Purpose::MagicLink => "magic link",
        Purpose::NotMe => "not-me link",
        Purpose::NotMeChange => "not-me link (password changed)",
    }
}
