//! The plain text of a token, handled as a secret.

use zeroize::{Zeroize, ZeroizeOnDrop};

/// The text of a token, e.g. `lr1_…`: whoever holds it can use the link.
///
/// Zeroized on drop, `Debug` prints `***`, and deliberately neither `Clone` nor `Serialize`
/// (no `Display`, no `AsRef<str>` either), so it cannot reach a log line or a second buffer by
/// accident. Read it with [`TokenString::expose_secret`] exactly where it is needed: when the
/// link is put into the email, or when it is checked.
///
/// ```
/// use token_core::TokenString;
///
/// let token = TokenString::from_string("lr1_example".to_owned());
/// assert_eq!(token.expose_secret(), "lr1_example");
/// assert_eq!(format!("{token:?}"), "***");
/// ```
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct TokenString(String);

impl TokenString {
    /// Wraps a token received from a client (query string, form, session) so that it is
    /// redacted and zeroized like a minted one. This does not check the token; use
    /// [`verify`](crate::verify) for that.
    pub fn from_string(text: String) -> TokenString {
        TokenString(text)
    }

    /// The token text. Named so that every place a token leaves its wrapper is easy to find.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for TokenString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_not_clone;

    #[test]
    fn debug_hides_the_token() {
        // Arrange
        let token = TokenString::from_string("lr1_SECRETSECRET".to_owned());

        // Act
        let debug = format!("{token:?}");
        let nested = format!("{:?}", Some(&token));

        // Assert
        assert_eq!(debug, "***");
        assert!(!nested.contains("SECRET"));
    }

    #[test]
    fn expose_secret_returns_the_text() {
        assert_eq!(
            TokenString::from_string("lm1_abc".to_owned()).expose_secret(),
            "lm1_abc"
        );
    }

    #[test]
    fn zeroize_clears_the_text() {
        // Arrange
        let mut token = TokenString::from_string("lr1_SECRET".to_owned());

        // Act
        token.zeroize();

        // Assert
        assert_eq!(token.expose_secret(), "");
    }

    #[test]
    fn token_string_is_not_clone() {
        assert_not_clone!(TokenString);
    }
}
