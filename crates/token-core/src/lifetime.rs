//! How long a token stays valid.

use crate::error::TokenError;
use crate::purpose::Purpose;

/// A token lifetime in seconds, always within [`MIN_LIFETIME`] ..= [`MAX_LIFETIME`].
///
/// Short lifetimes limit how long a link that leaks (forwarded mail, a proxy log, a shared
/// screen) stays useful; the floor keeps links usable when mail is slow to arrive.
///
/// ```
/// use token_core::{Lifetime, DEFAULT_RESET_LIFETIME};
///
/// assert_eq!(Lifetime::new(30 * 60)?, DEFAULT_RESET_LIFETIME);
/// assert!(Lifetime::new(0).is_err());
/// # Ok::<(), token_core::TokenError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Lifetime(i64);

/// Shortest lifetime any token may have: 5 minutes (mail can take a minute or two).
pub const MIN_LIFETIME: Lifetime = Lifetime(5 * 60);
/// Default lifetime of a password-reset link: 30 minutes (OWASP Forgot Password cheat sheet).
pub const DEFAULT_RESET_LIFETIME: Lifetime = Lifetime(30 * 60);
/// Default lifetime of a magic sign-in link: 15 minutes, as it grants a session directly.
pub const DEFAULT_MAGIC_LINK_LIFETIME: Lifetime = Lifetime(15 * 60);
/// Default lifetime of a "this wasn't me" link: 24 hours, since the notification that
/// carries it may be read the next day, and using it only ever locks an account down.
pub const DEFAULT_NOT_ME_LIFETIME: Lifetime = Lifetime(24 * 60 * 60);
/// Longest lifetime any token may have: 24 hours.
pub const MAX_LIFETIME: Lifetime = Lifetime(24 * 60 * 60);

impl Lifetime {
    /// A lifetime of `secs` seconds, or [`TokenError::LifetimeOutOfRange`] if it lies
    /// outside [`MIN_LIFETIME`] ..= [`MAX_LIFETIME`]. Use this for configured values, so a
    /// typo fails at start-up instead of silently changing the lifetime.
    pub const fn new(secs: i64) -> Result<Lifetime, TokenError> {
        if secs < MIN_LIFETIME.0 || secs > MAX_LIFETIME.0 {
            Err(TokenError::LifetimeOutOfRange(secs))
        } else {
            Ok(Lifetime(secs))
        }
    }

    /// A lifetime of `secs` seconds, moved into [`MIN_LIFETIME`] ..= [`MAX_LIFETIME`].
    ///
    /// ```
    /// use token_core::{Lifetime, MAX_LIFETIME, MIN_LIFETIME};
    ///
    /// assert_eq!(Lifetime::clamped(1), MIN_LIFETIME);
    /// assert_eq!(Lifetime::clamped(i64::MAX), MAX_LIFETIME);
    /// ```
    pub const fn clamped(secs: i64) -> Lifetime {
        if secs < MIN_LIFETIME.0 {
            MIN_LIFETIME
        } else if secs > MAX_LIFETIME.0 {
            MAX_LIFETIME
        } else {
            Lifetime(secs)
        }
    }

    /// The default lifetime for tokens of `purpose`.
    ///
    /// ```
    /// use token_core::{Lifetime, Purpose, DEFAULT_MAGIC_LINK_LIFETIME};
    ///
    /// assert_eq!(Lifetime::default_for(Purpose::MagicLink), DEFAULT_MAGIC_LINK_LIFETIME);
    /// ```
    pub const fn default_for(purpose: Purpose) -> Lifetime {
        match purpose {
            Purpose::PasswordReset => DEFAULT_RESET_LIFETIME,
            Purpose::MagicLink => DEFAULT_MAGIC_LINK_LIFETIME,
            Purpose::NotMe | Purpose::NotMeChange => DEFAULT_NOT_ME_LIFETIME,
        }
    }

    /// The lifetime in seconds.
    pub const fn as_secs(self) -> i64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_lifetimes_have_the_documented_lengths() {
        assert_eq!(MIN_LIFETIME.as_secs(), 300);
        assert_eq!(DEFAULT_RESET_LIFETIME.as_secs(), 1800);
        assert_eq!(DEFAULT_MAGIC_LINK_LIFETIME.as_secs(), 900);
        assert_eq!(DEFAULT_NOT_ME_LIFETIME.as_secs(), 86_400);
        assert_eq!(MAX_LIFETIME.as_secs(), 86_400);
    }

    #[test]
    fn defaults_lie_within_the_bounds() {
        for purpose in Purpose::ALL {
            let lifetime = Lifetime::default_for(purpose);
            assert!(MIN_LIFETIME <= lifetime && lifetime <= MAX_LIFETIME);
        }
    }

    #[test]
    fn new_accepts_the_bounds_themselves() {
        assert_eq!(Lifetime::new(300), Ok(MIN_LIFETIME));
        assert_eq!(Lifetime::new(86_400), Ok(MAX_LIFETIME));
    }

    #[test]
    fn new_rejects_lifetimes_outside_the_bounds() {
        for secs in [i64::MIN, -1, 0, 299, 86_401, i64::MAX] {
            assert_eq!(
                Lifetime::new(secs),
                Err(TokenError::LifetimeOutOfRange(secs))
            );
        }
    }

    #[test]
    fn clamped_moves_values_into_the_bounds_and_keeps_those_inside() {
        assert_eq!(Lifetime::clamped(-5), MIN_LIFETIME);
        assert_eq!(Lifetime::clamped(100_000), MAX_LIFETIME);
        assert_eq!(Lifetime::clamped(600).as_secs(), 600);
    }

    #[test]
    fn each_purpose_has_its_default() {
        assert_eq!(
            Lifetime::default_for(Purpose::PasswordReset),
            DEFAULT_RESET_LIFETIME
        );
        assert_eq!(
            Lifetime::default_for(Purpose::MagicLink),
            DEFAULT_MAGIC_LINK_LIFETIME
        );
        assert_eq!(
            Lifetime::default_for(Purpose::NotMe),
            DEFAULT_NOT_ME_LIFETIME
        );
        assert_eq!(
            Lifetime::default_for(Purpose::NotMeChange),
            DEFAULT_NOT_ME_LIFETIME
        );
    }
}
