//! The one error type of this crate.

use crate::purpose::Purpose;

/// Why a token was rejected, or why a key, lifetime or random source could not be used.
///
/// # Every rejection must look the same from outside
///
/// The variants exist so that the *log* can say why a token failed. A client must never
/// learn it: telling "expired" apart from "bad MAC" or "unknown key" would turn the server
/// into an oracle for forgers and would confirm that a leaked link once was real. The server
/// maps every variant for which [`TokenError::is_rejection`] is `true` to one identical
/// response (`invalid_or_expired_link`) and writes the variant only to its log.
///
/// ```
/// use token_core::TokenError;
///
/// assert!(TokenError::BadMac.is_rejection());
/// assert!(!TokenError::InvalidKey.is_rejection());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The text does not have the one fixed length of a token.
    #[error("token has the wrong length")]
    WrongLength,
    /// The text does not start with any known token prefix.
    #[error("token has an unknown prefix")]
    WrongPrefix,
    /// The token is well formed but was minted for another purpose.
    #[error("token is for {found:?}, expected {expected:?}")]
    WrongPurpose {
        /// The purpose the caller asked for.
        expected: Purpose,
        /// The purpose named by the token's prefix.
        found: Purpose,
    },
    /// The body contains bytes outside the base64url alphabet (or padding).
    #[error("token body is not base64url")]
    NotBase64,
    /// The body is base64url but not the one canonical spelling (unused trailing bits set).
    #[error("token body is not canonical base64url")]
    NonCanonical,
    /// The body's layout version is not one this build understands.
    #[error("token body version {0} is not supported")]
    UnsupportedVersion(u8),
    /// The key id is not in the key ring (never existed, or retired).
    #[error("token key id {0} is not in the key ring")]
    UnknownKey(u8),
    /// The MAC does not match: forged, corrupted or signed by another key ring.
    #[error("token MAC does not match")]
    BadMac,
    /// The token's lifetime has passed.
    #[error("token expired at {expires_at}, now is {now}")]
    Expired {
        /// Expiry written in the token (unix seconds).
        expires_at: i64,
        /// The time the token was checked at (unix seconds).
        now: i64,
    },
    /// The token was minted under an older `auth_epoch` of the user: a password change,
    /// "not me" or an administrator has voided it.
    #[error("token auth epoch is stale")]
    StaleEpoch,
    /// The random source failed; no token was minted.
    #[error("random source failed: {0}")]
    Rng(String),
    /// Key material is not exactly 32 bytes of canonical base64url.
    #[error("signing key is not 32 bytes of canonical base64url")]
    InvalidKey,
    /// A key id was added to a key ring twice.
    #[error("key id {0} is already in the key ring")]
    DuplicateKey(u8),
    /// The signing key cannot be retired; rotate to a new signing key first.
    #[error("key id {0} signs new tokens and cannot be retired")]
    RetireSigningKey(u8),
    /// A token lifetime outside [`MIN_LIFETIME`](crate::MIN_LIFETIME) ..=
    /// [`MAX_LIFETIME`](crate::MAX_LIFETIME).
    #[error("token lifetime of {0} s is outside the allowed range")]
    LifetimeOutOfRange(i64),
}

impl TokenError {
    /// `true` when this error means "this token is not acceptable" (as opposed to a
    /// configuration or system failure). All rejections must produce the same response.
    ///
    /// ```
    /// use token_core::TokenError;
    ///
    /// assert!(TokenError::StaleEpoch.is_rejection());
    /// assert!(!TokenError::Rng("entropy source down".into()).is_rejection());
    /// ```
    pub fn is_rejection(&self) -> bool {
        match self {
            Self::WrongLength
            | Self::WrongPrefix
            | Self::WrongPurpose { .. }
            | Self::NotBase64
            | Self::NonCanonical
            | Self::UnsupportedVersion(_)
            | Self::UnknownKey(_)
            | Self::BadMac
            | Self::Expired { .. }
            | Self::StaleEpoch => true,
            Self::Rng(_)
            | Self::InvalidKey
            | Self::DuplicateKey(_)
            | Self::RetireSigningKey(_)
            | Self::LifetimeOutOfRange(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_failures_are_rejections() {
        // Arrange
        let rejections = [
            TokenError::WrongLength,
            TokenError::WrongPrefix,
            TokenError::WrongPurpose {
                expected: Purpose::PasswordReset,
                found: Purpose::MagicLink,
            },
            TokenError::NotBase64,
            TokenError::NonCanonical,
            TokenError::UnsupportedVersion(2),
            TokenError::UnknownKey(9),
            TokenError::BadMac,
            TokenError::Expired {
                expires_at: 1,
                now: 2,
            },
            TokenError::StaleEpoch,
        ];

        // Act / Assert
        for error in rejections {
            assert!(error.is_rejection(), "{error:?}");
        }
    }

    #[test]
    fn configuration_and_system_failures_are_not_rejections() {
        // Arrange
        let failures = [
            TokenError::Rng("down".into()),
            TokenError::InvalidKey,
            TokenError::DuplicateKey(1),
            TokenError::RetireSigningKey(1),
            TokenError::LifetimeOutOfRange(0),
        ];

        // Act / Assert
        for error in failures {
            assert!(!error.is_rejection(), "{error:?}");
        }
    }
}
