//! What the configured directory cannot do. Its `Display` is the operator's sentence (in
//! English, naming the setting that would allow it); the admin API says the same in the
//! client's language from these fields.

/// An account action a directory may lack the state for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectoryAction {
    /// Disabling (and enabling) accounts: a mapped table needs a disabled-at column.
    Disable,
    /// Pausing link requests and lifting the pause: a mapped table needs a paused-until
    /// column.
    Pause,
}

impl DirectoryAction {
    /// The action, as the operator's sentence says it.
    fn what(self) -> &'static str {
        match self {
            Self::Disable => "disable accounts",
            Self::Pause => "pause or unpause link requests",
        }
    }

    /// The setting that maps the column the action needs.
    pub fn setting(self) -> &'static str {
        match self {
            Self::Disable => "directory.disabled_at_column",
            Self::Pause => "directory.resets_paused_until_column",
        }
    }

    /// The action's name in the messages' selectors: `disable` or `pause`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Disable => "disable",
            Self::Pause => "pause",
        }
    }
}

/// A refusal of the configured directory.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unsupported {
    /// The accounts live in the application's table: it creates them.
    #[error(
        "cannot create accounts: they live in the application's table `{table}` \
         ([directory] kind = \"sql\"); create the account there"
    )]
    Create {
        /// The mapped table.
        table: String,
    },
    /// The accounts live in the application's table, which Lifeline never deletes from.
    #[error(
        "the accounts live in the application's table `{table}` ([directory] kind = \"sql\"), \
         which other tables of the application may reference: delete the account there \
         (its Lifeline links stop working once the row is gone), or disable it with \
         `lifeline users disable`"
    )]
    Delete {
        /// The mapped table.
        table: String,
    },
    /// The mapped table has no column for `action`.
    #[error(
        "cannot {}: the application's table `{table}` has no column mapped for it; set {} \
         (a nullable timestamp column) to allow it",
        .action.what(),
        .action.setting()
    )]
    NoColumn {
        /// What was asked.
        action: DirectoryAction,
        /// The mapped table.
        table: String,
    },
    /// The accounts live in an external directory (an account source such as LDAP), which
    /// Lifeline reads and never adds entries to.
    #[error(
        "cannot create accounts: they live in the directory ([directory] kind = \"{kind}\"); \
         create the entry there, and it can use Lifeline as soon as it has a mail address"
    )]
    ExternalAccounts {
        /// The source's kind.
        kind: String,
    },
    /// A host's own directory keeps no state for `action`.
    #[error("cannot {}: the directory keeps no such state", .action.what())]
    NoState {
        /// What was asked.
        action: DirectoryAction,
    },
}
