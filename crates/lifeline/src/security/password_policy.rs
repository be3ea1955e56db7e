//! The password policy (NIST SP 800-63B §5.1.1.2): a length range, a blocklist of
//! common and breached passwords, never the account's own address, and no
//! composition rules. Every refusal carries a reason the person can act on.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::directory::PasswordRefusal;

/// The 30,000 most common passwords from breach corpora (zxcvbn's list, MIT).
const COMMON_PASSWORDS: &str = include_str!("../../data/common-passwords.txt");

fn blocklist() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| COMMON_PASSWORDS.lines().filter(|l| !l.is_empty()).collect())
}

/// Why a new password was refused. The `Display` text is shown to the person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordRejection {
    /// Shorter than the minimum.
    #[error("Use at least {min} characters.")]
    TooShort {
        /// The configured minimum.
        min: usize,
    },
    /// Longer than the maximum.
    #[error("Use at most {max} characters.")]
    TooLong {
        /// The configured maximum.
        max: usize,
    },
    /// On the list of common or breached passwords.
    #[error(
        "This password is one of the most commonly used passwords, so it is easy to guess. Choose another one."
    )]
    Common,
    /// Equal to the account's email address.
    #[error("Your password can't be your email address.")]
    SameAsEmail,
    /// The confirmation differs.
    #[error("The two passwords don't match.")]
    Mismatch,
    /// The account source's own password policy refused it (after Lifeline's passed).
    #[error("{}", directory_sentence(.0))]
    Directory(PasswordRefusal),
}

/// The English sentence of a source's refusal (the pages say it in the person's language
/// from [`PasswordRejection::message_id`]).
fn directory_sentence(refusal: &PasswordRefusal) -> &'static str {
    match refusal {
        PasswordRefusal::TooShort => {
            "The directory requires a longer password. Choose a longer one."
        }
        PasswordRefusal::TooWeak => {
            "The directory finds this password too easy to guess. Choose a stronger one."
        }
        PasswordRefusal::RecentlyUsed => {
            "This password was used recently. Choose one you have not used before."
        }
        PasswordRefusal::TooSoon => {
            "The password was changed too recently to change it again yet. Try again later."
        }
        PasswordRefusal::NotAllowed => {
            "The directory does not allow this account's password to be changed here. Ask your \
             administrator."
        }
        _ => "The directory refused this password. Choose another one.",
    }
}

impl PasswordRejection {
    /// The id of the page message that says it (`$min` and `$max` are the page's).
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::TooShort { .. } => "password-too-short",
            Self::TooLong { .. } => "password-too-long",
            Self::Common => "password-common",
            Self::SameAsEmail => "password-same-as-email",
            Self::Mismatch => "password-mismatch",
            Self::Directory(refusal) => match refusal {
                PasswordRefusal::TooShort => "password-directory-too-short",
                PasswordRefusal::TooWeak => "password-directory-too-weak",
                PasswordRefusal::RecentlyUsed => "password-directory-recently-used",
                PasswordRefusal::TooSoon => "password-directory-too-soon",
                PasswordRefusal::NotAllowed => "password-directory-not-allowed",
                _ => "password-directory-refused",
            },
        }
    }
}

/// The configured policy.
#[derive(Debug, Clone, Copy)]
pub struct PasswordPolicy {
    /// Shortest accepted password, in characters (Unicode scalar values).
    pub min_length: usize,
    /// Longest accepted password, in characters.
    pub max_length: usize,
}

impl PasswordPolicy {
    /// Checks `password` (and its confirmation) for the account `email`.
    ///
    /// Length counts characters, not bytes, so any script is treated alike. The
    /// blocklist and email checks ignore case, since "Password1" guesses as fast
    /// as "password1".
    pub fn check(
        &self,
        password: &str,
        confirmation: &str,
        email: &str,
    ) -> Result<(), PasswordRejection> {
        if !constant_time_eq::constant_time_eq(password.as_bytes(), confirmation.as_bytes()) {
            return Err(PasswordRejection::Mismatch);
        }
        let length = password.chars().count();
        if length < self.min_length {
            return Err(PasswordRejection::TooShort {
                min: self.min_length,
            });
        }
        if length > self.max_length {
            return Err(PasswordRejection::TooLong {
                max: self.max_length,
            });
        }
        let lowered = password.to_lowercase();
        if lowered == email.to_lowercase() {
            return Err(PasswordRejection::SameAsEmail);
        }
        if blocklist().contains(lowered.as_str()) {
            return Err(PasswordRejection::Common);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: PasswordPolicy = PasswordPolicy {
        min_length: 8,
        max_length: 64,
    };

    fn check(pw: &str) -> Result<(), PasswordRejection> {
        POLICY.check(pw, pw, "ada@example.com")
    }

    #[test]
    fn a_long_uncommon_password_is_accepted() {
        assert_eq!(check("correct horse battery staple"), Ok(()));
    }

    #[test]
    fn short_passwords_are_refused_with_the_minimum() {
        assert_eq!(
            check("abc1234"),
            Err(PasswordRejection::TooShort { min: 8 })
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert_eq!(
            check("ééééééé"),
            Err(PasswordRejection::TooShort { min: 8 })
        );
        assert_eq!(check("żółwżółwż"), Ok(()));
    }

    #[test]
    fn overlong_passwords_are_refused() {
        assert_eq!(
            check(&"x".repeat(65)),
            Err(PasswordRejection::TooLong { max: 64 })
        );
    }

    #[test]
    fn common_passwords_are_refused_in_any_case() {
        assert_eq!(check("password"), Err(PasswordRejection::Common));
        assert_eq!(check("PassWord1"), Err(PasswordRejection::Common));
        assert_eq!(check("iloveyou"), Err(PasswordRejection::Common));
    }

    #[test]
    fn the_blocklist_holds_at_least_ten_thousand_entries() {
        assert!(blocklist().len() >= 10_000, "{}", blocklist().len());
    }

    #[test]
    fn the_email_address_is_refused() {
        let result = POLICY.check("Ada@Example.com", "Ada@Example.com", "ada@example.com");
        assert_eq!(result, Err(PasswordRejection::SameAsEmail));
    }

    #[test]
    fn a_different_confirmation_is_refused() {
        let result = POLICY.check("correct horse battery", "correct horse battery!", "a@b.c");
        assert_eq!(result, Err(PasswordRejection::Mismatch));
    }

    #[test]
    fn reasons_are_sentences_a_person_can_act_on() {
        assert_eq!(
            PasswordRejection::TooShort { min: 8 }.to_string(),
            "Use at least 8 characters."
        );
        assert!(
            PasswordRejection::Common
                .to_string()
                .contains("commonly used")
        );
    }

    #[test]
    fn each_refusal_of_a_directory_has_its_own_page_message() {
        let english = include_str!("../../../../templates/locales/en/pages.ftl");
        let refusals = [
            PasswordRefusal::TooShort,
            PasswordRefusal::TooWeak,
            PasswordRefusal::RecentlyUsed,
            PasswordRefusal::TooSoon,
            PasswordRefusal::NotAllowed,
            PasswordRefusal::Other,
        ];
        let ids: HashSet<&str> = refusals
            .iter()
            .map(|refusal| PasswordRejection::Directory(*refusal).message_id())
            .collect();
        assert_eq!(ids.len(), refusals.len());
        for refusal in refusals {
            let rejection = PasswordRejection::Directory(refusal);
            let line = english
                .lines()
                .find(|line| line.starts_with(&format!("{} = ", rejection.message_id())))
                .unwrap_or_else(|| panic!("no message {}", rejection.message_id()));
            assert!(line.contains(&rejection.to_string()), "{line}");
        }
    }
}
