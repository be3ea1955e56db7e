//! Who does an operator action, and which account it is for: both named in its audit event.

use std::fmt;

use storage::EmailAddress;

/// Who asked for an action: named in the detail of its audit event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// An operator at the `lifeline` command line; the detail names the command.
    Operator,
    /// A client of the admin API, by its key; the detail names the key:
    /// `by api key "helpdesk" (id 3)`.
    ApiKey {
        /// The key's id.
        id: i64,
        /// The key's name, as given when it was created.
        name: String,
    },
}

impl Actor {
    /// The audit detail of an action by this actor: the command (for the operator), or the
    /// key followed by `extra` (what the command's arguments would have said).
    pub(super) fn detail(&self, command: &str, extra: Option<&str>) -> String {
        match (self, extra) {
            (Actor::Operator, _) => command.to_owned(),
            (Actor::ApiKey { id, name }, None) => format!("by api key {name:?} (id {id})"),
            (Actor::ApiKey { id, name }, Some(extra)) => {
                format!("by api key {name:?} (id {id}); {extra}")
            }
        }
    }
}

/// Which account an action is for: the command line names it by address, the admin API
/// by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountKey {
    /// The account with this address.
    Email(EmailAddress),
    /// The account with this id.
    Id(i64),
}

impl From<&EmailAddress> for AccountKey {
    fn from(email: &EmailAddress) -> Self {
        AccountKey::Email(email.clone())
    }
}

impl From<EmailAddress> for AccountKey {
    fn from(email: EmailAddress) -> Self {
        AccountKey::Email(email)
    }
}

impl From<i64> for AccountKey {
    fn from(id: i64) -> Self {
        AccountKey::Id(id)
    }
}

/// `the address ada@example.com`, `id 5`: what "no account with …" names.
impl fmt::Display for AccountKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AccountKey::Email(email) => write!(f, "the address {}", email.display()),
            AccountKey::Id(id) => write!(f, "id {id}"),
        }
    }
}

/// An audit event to write for an action: its kind, the command that does it at the
/// command line, and what an API client's detail adds.
pub(super) struct Event<'a> {
    pub(super) kind: &'a str,
    pub(super) command: &'a str,
    pub(super) extra: Option<String>,
}

impl<'a> Event<'a> {
    pub(super) fn new(kind: &'a str, command: &'a str) -> Self {
        Self {
            kind,
            command,
            extra: None,
        }
    }

    pub(super) fn with_extra(mut self, extra: String) -> Self {
        self.extra = Some(extra);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_detail_names_the_command_or_the_key() {
        let key = Actor::ApiKey {
            id: 3,
            name: "helpdesk".into(),
        };
        assert_eq!(
            Actor::Operator.detail("lifeline users disable", None),
            "lifeline users disable"
        );
        assert_eq!(
            key.detail("lifeline users disable", None),
            "by api key \"helpdesk\" (id 3)"
        );
        assert_eq!(
            key.detail("x", Some("delivery: mail")),
            "by api key \"helpdesk\" (id 3); delivery: mail"
        );
    }
}
