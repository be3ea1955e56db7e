//! The events a webhook reports, and the data each carries. No token, no password, ever.

use serde::Serialize;

/// The type of an event, as the body's `type` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    /// A password was set: reset, change, or by an operator.
    PasswordChanged,
    /// Someone signed in (`data.method`: `password` or `link`).
    SigninSucceeded,
    /// The owner said "this wasn't me": links and sessions died, requests pause.
    AccountLockedDown,
    /// An account was created.
    AccountCreated,
    /// An operator disabled the account.
    AccountDisabled,
    /// An operator enabled the account again.
    AccountEnabled,
    /// An operator deleted the account.
    AccountDeleted,
    /// A session was ended by the owner or an operator (`data.session_id`, or null for all).
    SessionRevoked,
}

impl EventType {
    /// Every event type.
    pub const ALL: [EventType; 8] = [
        EventType::PasswordChanged,
        EventType::SigninSucceeded,
        EventType::AccountLockedDown,
        EventType::AccountCreated,
        EventType::AccountDisabled,
        EventType::AccountEnabled,
        EventType::AccountDeleted,
        EventType::SessionRevoked,
    ];

    /// The name in the body's `type` and in an endpoint's `events`.
    pub const fn name(self) -> &'static str {
        match self {
            EventType::PasswordChanged => "password.changed",
            EventType::SigninSucceeded => "signin.succeeded",
            EventType::AccountLockedDown => "account.locked_down",
            EventType::AccountCreated => "account.created",
            EventType::AccountDisabled => "account.disabled",
            EventType::AccountEnabled => "account.enabled",
            EventType::AccountDeleted => "account.deleted",
            EventType::SessionRevoked => "session.revoked",
        }
    }

    /// The type named `name`.
    pub fn from_name(name: &str) -> Option<EventType> {
        Self::ALL.into_iter().find(|event| event.name() == name)
    }
}

/// What an event's `data` holds: the account, and the fields of its type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventData {
    /// The account's id.
    pub user_id: i64,
    /// The account's address.
    pub email: String,
    /// `signin.succeeded`: `password` or `link`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// `session.revoked`: the session's id; `null` when every session of the account ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<Option<i64>>,
}

/// One event to raise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Its type.
    pub kind: EventType,
    /// Its data.
    pub data: EventData,
}

impl Event {
    /// An event of `kind` about the account, with no more fields.
    pub fn new(kind: EventType, user_id: i64, email: &str) -> Event {
        Event {
            kind,
            data: EventData {
                user_id,
                email: email.to_owned(),
                method: None,
                session_id: None,
            },
        }
    }

    /// `signin.succeeded` with its method (`password` or `link`).
    pub fn signed_in(user_id: i64, email: &str, by_link: bool) -> Event {
        let mut event = Event::new(EventType::SigninSucceeded, user_id, email);
        event.data.method = Some(if by_link { "link" } else { "password" }.to_owned());
        event
    }

    /// `session.revoked` for session `id`, or for every session of the account (`None`).
    pub fn session_revoked(user_id: i64, email: &str, id: Option<i64>) -> Event {
        let mut event = Event::new(EventType::SessionRevoked, user_id, email);
        event.data.session_id = Some(id);
        event
    }
}
