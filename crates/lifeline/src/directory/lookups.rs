//! An account source's answers, asked ahead of a transaction.
//!
//! Finding an account by address in an [`AccountSource`] is a network call (an LDAP search).
//! The outbox worker composes a claimed batch inside one write transaction, which on SQLite
//! holds the database's one write lock that accepting requests also needs; a lookup inside it
//! would hold that lock for a round trip per job, or for a timeout when the directory is down.
//! So the worker asks the source about the batch's addresses first ([`Lookups::ask`]), and
//! the lookups inside the transaction only record what it answered
//! ([`DirectoryConnection::with_lookups`](super::DirectoryConnection::with_lookups)).

use std::collections::HashMap;

use storage::EmailAddress;

use super::{AccountSource, DirectoryError, ExternalAccount};

/// What the source answered for each address asked, by normalised address.
#[derive(Default)]
pub(crate) struct Lookups {
    answers: HashMap<String, Result<Option<ExternalAccount>, DirectoryError>>,
}

impl Lookups {
    /// Asks `source` about each address once, in order, outside any transaction. After the
    /// first failure the source is not asked again: every address not yet answered gets the
    /// same failure, so a directory that is down costs one timeout, not one per address, and
    /// no address is left to be asked inside the transaction.
    pub(crate) fn ask<'a>(
        source: &dyn AccountSource,
        emails: impl IntoIterator<Item = &'a EmailAddress>,
    ) -> Self {
        let mut answers = HashMap::new();
        let mut failure: Option<DirectoryError> = None;
        for email in emails {
            if answers.contains_key(email.as_str()) {
                continue;
            }
            let answer = match &failure {
                Some(error) => Err(again(error)),
                None => source.find_by_email(email),
            };
            if let (Err(error), None) = (&answer, &failure) {
                failure = Some(again(error));
            }
            answers.insert(email.as_str().to_owned(), answer);
        }
        Self { answers }
    }

    /// The answer for `email`, if it was asked.
    pub(crate) fn answer(
        &self,
        email: &EmailAddress,
    ) -> Option<Result<Option<ExternalAccount>, DirectoryError>> {
        self.answers.get(email.as_str()).map(|answer| match answer {
            Ok(found) => Ok(found.clone()),
            Err(error) => Err(again(error)),
        })
    }
}

/// A failure of the same kind and cause as `error`, which stays kept for the other jobs of the
/// batch that name the same address.
fn again(error: &DirectoryError) -> DirectoryError {
    let cause =
        std::error::Error::source(error).map_or_else(|| error.to_string(), ToString::to_string);
    match error {
        DirectoryError::NoSuchAccount => DirectoryError::NoSuchAccount,
        DirectoryError::Unavailable(_) => DirectoryError::unavailable(cause),
        DirectoryError::Failed(_) => DirectoryError::failed(cause),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::test_source::TestSource;

    fn addresses(list: &[&str]) -> Vec<EmailAddress> {
        list.iter()
            .map(|a| EmailAddress::parse(a).unwrap())
            .collect()
    }

    #[test]
    fn each_address_is_asked_once_and_answered_as_often_as_needed() {
        let source = TestSource::new(true);
        let emails = addresses(&["ada@example.org", "bob@example.org", "ada@example.org"]);

        let lookups = Lookups::ask(&source, &emails);

        assert_eq!(
            *source.asked.lock().unwrap(),
            ["ada@example.org", "bob@example.org"]
        );
        for _ in 0..2 {
            let ada = lookups.answer(&emails[0]).unwrap().unwrap().unwrap();
            assert_eq!(ada.external_id, "ada-id");
        }
        assert!(lookups.answer(&emails[1]).unwrap().unwrap().is_none());
        let never = EmailAddress::parse("eve@example.org").unwrap();
        assert!(lookups.answer(&never).is_none(), "not asked: no answer");
    }

    #[test]
    fn after_a_failure_the_rest_fail_alike_without_asking() {
        let source = TestSource::new(true);
        let emails = addresses(&["ada@example.org", "down@example.org", "bob@example.org"]);

        let lookups = Lookups::ask(&source, &emails);

        assert_eq!(
            *source.asked.lock().unwrap(),
            ["ada@example.org", "down@example.org"]
        );
        assert!(lookups.answer(&emails[0]).unwrap().is_ok());
        for email in &emails[1..] {
            let error = lookups.answer(email).unwrap().unwrap_err();
            assert!(
                matches!(&error, DirectoryError::Unavailable(cause) if cause.to_string() == "the directory timed out"),
                "{error:?}"
            );
        }
    }
}
