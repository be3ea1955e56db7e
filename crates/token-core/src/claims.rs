//! The public fields a token carries.

use crate::lifetime::Lifetime;

/// What a token says about its user. These fields are not secret (anyone holding the link
/// can decode them) but they are covered by the MAC, so they cannot be altered.
///
/// ```
/// use token_core::{TokenClaims, DEFAULT_RESET_LIFETIME};
///
/// let claims = TokenClaims::expiring_in(7, 3, 1_800_000_000, DEFAULT_RESET_LIFETIME);
/// assert_eq!(claims.expires_at, 1_800_000_000 + 30 * 60);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenClaims {
    /// The user the token acts for.
    pub user_id: i64,
    /// The user's `auth_epoch` when the token was minted. Bumping the epoch (password
    /// change, "not me", administrator revoke) voids every outstanding token at once,
    /// without scanning the token table.
    pub auth_epoch: i64,
    /// Unix seconds from which the token is expired.
    pub expires_at: i64,
}

impl TokenClaims {
    /// Claims for `user_id` at `auth_epoch` that expire `lifetime` after `now` (unix seconds).
    /// The sum saturates instead of overflowing.
    pub const fn expiring_in(user_id: i64, auth_epoch: i64, now: i64, lifetime: Lifetime) -> Self {
        TokenClaims {
            user_id,
            auth_epoch,
            expires_at: now.saturating_add(lifetime.as_secs()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifetime::{DEFAULT_MAGIC_LINK_LIFETIME, MAX_LIFETIME};

    #[test]
    fn expiring_in_adds_the_lifetime_to_now() {
        // Act
        let claims = TokenClaims::expiring_in(1, 2, 1000, DEFAULT_MAGIC_LINK_LIFETIME);

        // Assert
        assert_eq!(
            claims,
            TokenClaims {
                user_id: 1,
                auth_epoch: 2,
                expires_at: 1900
            }
        );
    }

    #[test]
    fn expiring_in_saturates_at_the_end_of_time() {
        // Act
        let claims = TokenClaims::expiring_in(1, 2, i64::MAX - 1, MAX_LIFETIME);

        // Assert
        assert_eq!(claims.expires_at, i64::MAX);
    }
}
