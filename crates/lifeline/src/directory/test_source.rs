//! A test [`AccountSource`] for the directory's unit tests: one entry, a failure on demand,
//! and a record of every address asked.

use std::sync::Mutex;

use storage::EmailAddress;

use super::{AccountSource, DirectoryError, ExternalAccount, PasswordChange, SetPasswordError};
use crate::security::password_hash::Password;

/// Knows `ada@example.org` (id `ada-id`, spelt `Ada@Example.org`, enabled or not as built),
/// is unreachable for addresses starting with `down`, and never checks a password.
pub(crate) struct TestSource {
    enabled: bool,
    /// Every address asked by `find_by_email`, in order.
    pub(crate) asked: Mutex<Vec<String>>,
}

impl TestSource {
    /// The source, with Ada's entry enabled or disabled.
    pub(crate) fn new(enabled: bool) -> Self {
        Self {
            enabled,
            asked: Mutex::default(),
        }
    }
}

impl AccountSource for TestSource {
    fn kind(&self) -> &str {
        "test"
    }

    fn find_by_email(
        &self,
        email: &EmailAddress,
    ) -> Result<Option<ExternalAccount>, DirectoryError> {
        self.asked.lock().unwrap().push(email.as_str().to_owned());
        if email.as_str().starts_with("down") {
            return Err(DirectoryError::unavailable("the directory timed out"));
        }
        Ok(
            (email.as_str() == "ada@example.org").then(|| ExternalAccount {
                external_id: "ada-id".into(),
                locator: "uid=ada".into(),
                email: "Ada@Example.org".into(),
                enabled: self.enabled,
            }),
        )
    }

    fn find_by_external_id(&self, _: &str) -> Result<Option<ExternalAccount>, DirectoryError> {
        Ok(None)
    }

    fn verify_password(
        &self,
        _: Option<&ExternalAccount>,
        _: &Password,
    ) -> Result<bool, DirectoryError> {
        Ok(false)
    }

    fn set_password(
        &self,
        _: &ExternalAccount,
        _: &Password,
        _: PasswordChange<'_>,
    ) -> Result<(), SetPasswordError> {
        Ok(())
    }

    fn void_password(&self, _: &ExternalAccount) -> Result<(), DirectoryError> {
        Ok(())
    }
}
