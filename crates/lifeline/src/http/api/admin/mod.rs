//! `/api/v1/admin/…`: the admin API, for a help desk and for provisioning. Every endpoint
//! takes an API key (`key::ApiKey`) and checks the scope it needs; the work is the
//! operator's ([`crate::ops::Accounts`]), so every action writes its audit event naming
//! the key. Accounts are named by their id.

pub mod accounts;
pub mod audit;
pub mod key;
pub mod params;
pub mod recovery_link;
pub mod sessions;

/// `/admin/accounts`: create an account, or find one by address.
pub const ACCOUNTS: &str = "/admin/accounts";
/// `/admin/accounts/{id}`: read or delete an account.
pub const ACCOUNT: &str = "/admin/accounts/{id}";
/// Disable an account.
pub const ACCOUNT_DISABLE: &str = "/admin/accounts/{id}/disable";
/// Enable an account.
pub const ACCOUNT_ENABLE: &str = "/admin/accounts/{id}/enable";
/// Set an account's password.
pub const ACCOUNT_PASSWORD: &str = "/admin/accounts/{id}/password";
/// Lift an account's "this wasn't me" pause.
pub const ACCOUNT_PAUSE: &str = "/admin/accounts/{id}/pause";
/// Make a recovery link for an account.
pub const ACCOUNT_RECOVERY_LINK: &str = "/admin/accounts/{id}/recovery-link";
/// An account's sessions.
pub const ACCOUNT_SESSIONS: &str = "/admin/accounts/{id}/sessions";
/// One session of an account.
pub const ACCOUNT_SESSION: &str = "/admin/accounts/{id}/sessions/{session_id}";
/// An account's audit events.
pub const ACCOUNT_AUDIT: &str = "/admin/accounts/{id}/audit";
