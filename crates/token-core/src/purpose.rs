//! What a token is for, and the prefix that names it.

/// What a token may be used for. Each purpose has its own prefix and its own MAC subkey
/// (which also yields the lookup hash), so a token minted for one purpose never verifies as
/// another and never finds another purpose's database row.
///
/// ```
/// use token_core::Purpose;
///
/// assert_eq!(Purpose::PasswordReset.prefix(), "lr1_");
/// assert_eq!(Purpose::from_code("magic_link"), Some(Purpose::MagicLink));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// A link that lets the user choose a new password.
    PasswordReset,
    /// A link that signs the user in without a password.
    MagicLink,
    /// The "this wasn't me" link in the reset-requested and new-sign-in emails: revokes
    /// links and sessions and pauses requests.
    NotMe,
    /// The "this wasn't me" link in the *password changed* email: does what [`Purpose::NotMe`]
    /// does and also voids the password that change set. Its own purpose (prefix, MAC subkey)
    /// so that a link from another mail can never be made to void a password.
    NotMeChange,
}

/// Length in bytes of every token prefix.
pub const PREFIX_LEN: usize = 4;

impl Purpose {
    /// Every purpose, in a fixed order.
    pub const ALL: [Purpose; 4] = [
        Purpose::PasswordReset,
        Purpose::MagicLink,
        Purpose::NotMe,
        Purpose::NotMeChange,
    ];

    /// The versioned text prefix of this purpose's tokens: `l` (Lifeline), a purpose letter,
    /// the text-format generation and `_`.
    ///
    /// Never change an existing prefix: doing so silently voids every outstanding link.
    /// A new text format gets a new generation digit (`lr2_`) instead.
    pub const fn prefix(self) -> &'static str {
        match self {
            Purpose::PasswordReset => "lr1_",
            Purpose::MagicLink => "lm1_",
            Purpose::NotMe => "ln1_",
            Purpose::NotMeChange => "lc1_",
        }
    }

    /// The stable code stored in the database and written to logs.
    ///
    /// ```
    /// use token_core::Purpose;
    ///
    /// assert_eq!(Purpose::NotMe.as_str(), "not_me");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Purpose::PasswordReset => "password_reset",
            Purpose::MagicLink => "magic_link",
            Purpose::NotMe => "not_me",
            Purpose::NotMeChange => "not_me_change",
        }
    }

    /// The purpose whose stable code is `code`, if any (the inverse of [`Purpose::as_str`]).
    ///
    /// ```
    /// use token_core::Purpose;
    ///
    /// assert_eq!(Purpose::from_code("password_reset"), Some(Purpose::PasswordReset));
    /// assert_eq!(Purpose::from_code("Password_Reset"), None);
    /// ```
    pub fn from_code(code: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.as_str() == code)
    }

    /// The purpose whose prefix is exactly `prefix`, if any.
    pub(crate) fn from_prefix(prefix: &[u8]) -> Option<Purpose> {
        Purpose::ALL
            .into_iter()
            .find(|p| p.prefix().as_bytes() == prefix)
    }

    /// `blake3::derive_key` context for this purpose's MAC subkey.
    ///
    /// Context strings are fixed, application specific and never built at run time, as the
    /// BLAKE3 documentation requires; the purpose in the string makes the subkeys independent.
    pub(crate) const fn mac_context(self) -> &'static str {
        match self {
            Purpose::PasswordReset => "lifeline 2026-11 token mac v1 password_reset",
            Purpose::MagicLink => "lifeline 2026-11 token mac v1 magic_link",
            Purpose::NotMe => "lifeline 2026-11 token mac v1 not_me",
            Purpose::NotMeChange => "lifeline 2026-12 token mac v1 not_me_change",
        }
    }

    /// Whether this is one of the two "this wasn't me" purposes, which share a page.
    ///
    /// ```
    /// use token_core::Purpose;
    ///
    /// assert!(Purpose::NotMeChange.is_not_me());
    /// assert!(!Purpose::PasswordReset.is_not_me());
    /// ```
    pub const fn is_not_me(self) -> bool {
        matches!(self, Purpose::NotMe | Purpose::NotMeChange)
    }

    /// Position of this purpose in [`Purpose::ALL`], used to index per-purpose subkeys.
    pub(crate) const fn index(self) -> usize {
        match self {
            Purpose::PasswordReset => 0,
            Purpose::MagicLink => 1,
            Purpose::NotMe => 2,
            Purpose::NotMeChange => 3,
        }
    }
}

impl std::fmt::Display for Purpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_parses_back_to_its_purpose() {
        for purpose in Purpose::ALL {
            // Act
            let parsed = Purpose::from_code(purpose.as_str());

            // Assert
            assert_eq!(parsed, Some(purpose));
        }
    }

    #[test]
    fn codes_are_the_stable_storage_values() {
        // Arrange / Act
        let codes: Vec<_> = Purpose::ALL.iter().map(|p| p.as_str()).collect();

        // Assert
        assert_eq!(
            codes,
            ["password_reset", "magic_link", "not_me", "not_me_change"]
        );
    }

    #[test]
    fn unknown_codes_are_rejected() {
        for code in [
            "",
            "reset",
            "PASSWORD_RESET",
            "password_reset ",
            "magic-link",
        ] {
            assert_eq!(Purpose::from_code(code), None, "{code:?}");
        }
    }

    #[test]
    fn prefixes_are_versioned_distinct_and_equally_long() {
        // Arrange / Act
        let prefixes: Vec<_> = Purpose::ALL.iter().map(|p| p.prefix()).collect();
        let distinct: HashSet<_> = prefixes.iter().collect();

        // Assert
        assert_eq!(prefixes, ["lr1_", "lm1_", "ln1_", "lc1_"]);
        assert_eq!(distinct.len(), prefixes.len());
        assert!(prefixes.iter().all(|p| p.len() == PREFIX_LEN));
    }

    #[test]
    fn prefix_lookup_is_exact() {
        for purpose in Purpose::ALL {
            assert_eq!(
                Purpose::from_prefix(purpose.prefix().as_bytes()),
                Some(purpose)
            );
        }
        assert_eq!(Purpose::from_prefix(b"LR1_"), None);
        assert_eq!(Purpose::from_prefix(b"lr2_"), None);
        assert_eq!(Purpose::from_prefix(b"lr1"), None);
    }

    #[test]
    fn key_derivation_contexts_differ_per_purpose() {
        // Arrange
        let mut contexts = HashSet::new();

        // Act
        for purpose in Purpose::ALL {
            contexts.insert(purpose.mac_context());
        }

        // Assert
        assert_eq!(contexts.len(), Purpose::ALL.len());
    }

    #[test]
    fn index_matches_position_in_all() {
        for (position, purpose) in Purpose::ALL.into_iter().enumerate() {
            assert_eq!(purpose.index(), position);
        }
    }

    #[test]
    fn display_is_the_stable_code() {
        assert_eq!(Purpose::MagicLink.to_string(), "magic_link");
    }
}
