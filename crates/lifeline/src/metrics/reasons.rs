//! The `reason` label of refused links.
//!
//! Clients see one identical answer for every bad link; the reason goes only to the log and
//! to this label, so operators can tell expired links (users too slow) from bad MACs (someone
//! guessing) without the service becoming an oracle.

use token_core::TokenError;

/// The token's lookup hash is not live in the database: used, superseded by a newer link,
/// revoked, or never issued.
pub const NOT_LIVE: &str = "not_live";
/// A same-browser magic link was opened in another browser.
pub const OTHER_BROWSER: &str = "other_browser";
/// The link was used or voided between its check and its use (a concurrent request won).
pub const USED_CONCURRENTLY: &str = "used_concurrently";

/// The [`TokenError`] variant's name in snake case.
pub fn token_error(error: &TokenError) -> &'static str {
    match error {
        TokenError::WrongLength => "wrong_length",
        TokenError::WrongPrefix => "wrong_prefix",
        TokenError::WrongPurpose { .. } => "wrong_purpose",
        TokenError::NotBase64 => "not_base64",
        TokenError::NonCanonical => "non_canonical",
        TokenError::UnsupportedVersion(_) => "unsupported_version",
        TokenError::UnknownKey(_) => "unknown_key",
        TokenError::BadMac => "bad_mac",
        TokenError::Expired { .. } => "expired",
        TokenError::StaleEpoch => "stale_epoch",
        TokenError::Rng(_) => "rng",
        TokenError::InvalidKey => "invalid_key",
        TokenError::DuplicateKey(_) => "duplicate_key",
        TokenError::RetireSigningKey(_) => "retire_signing_key",
        TokenError::LifetimeOutOfRange(_) => "lifetime_out_of_range",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use token_core::Purpose;

    use super::*;

    #[test]
    fn rejection_reasons_name_the_variant_in_snake_case() {
        assert_eq!(token_error(&TokenError::BadMac), "bad_mac");
        assert_eq!(
            token_error(&TokenError::Expired {
                expires_at: 1,
                now: 2
            }),
            "expired"
        );
        assert_eq!(
            token_error(&TokenError::WrongPurpose {
                expected: Purpose::PasswordReset,
                found: Purpose::MagicLink
            }),
            "wrong_purpose"
        );
        assert_eq!(token_error(&TokenError::StaleEpoch), "stale_epoch");
        assert_eq!(token_error(&TokenError::UnknownKey(7)), "unknown_key");
    }
}
