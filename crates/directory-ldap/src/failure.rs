//! How a failed LDAP call becomes a [`DirectoryError`]: a server that cannot be reached,
//! is busy or took too long is `Unavailable` (503, the client may retry); a refused TLS
//! certificate, a wrong service password or missing rights are `Failed` (500): a
//! misconfiguration the operator must fix, named in the log.

use ldap3::{LdapError, LdapResult};
use lifeline::DirectoryError;

/// LDAP result codes this crate tells apart (RFC 4511 §4.1.9).
pub mod rc {
    /// success
    pub const SUCCESS: u32 = 0;
    /// sizeLimitExceeded
    pub const SIZE_LIMIT_EXCEEDED: u32 = 4;
    /// constraintViolation: a password policy refusal
    pub const CONSTRAINT_VIOLATION: u32 = 19;
    /// noSuchObject
    pub const NO_SUCH_OBJECT: u32 = 32;
    /// invalidCredentials
    pub const INVALID_CREDENTIALS: u32 = 49;
    /// insufficientAccessRights
    pub const INSUFFICIENT_ACCESS: u32 = 50;
    /// busy
    pub const BUSY: u32 = 51;
    /// unavailable
    pub const UNAVAILABLE: u32 = 52;
}

/// Whether an operation may be retried later or needs an operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The server is down, busy or slow.
    Unavailable,
    /// A misconfiguration or a server answer that makes no sense.
    Failed,
}

/// A failed LDAP call, described for the log.
#[derive(Debug, thiserror::Error)]
#[error("ldap: {message}")]
pub struct LdapFailure {
    /// 503 or 500.
    pub severity: Severity,
    /// What happened, for operators.
    pub message: String,
}

impl LdapFailure {
    /// The server could not be reached or did not answer in time.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Unavailable,
            message: message.into(),
        }
    }

    /// Anything an operator must look at.
    pub fn failed(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Failed,
            message: message.into(),
        }
    }

    /// A client-side error of `ldap3` during `what`.
    pub fn from_ldap(what: &str, error: LdapError) -> Self {
        match &error {
            LdapError::Io { source } => {
                if let Some(tls) = source
                    .get_ref()
                    .and_then(|e| e.downcast_ref::<rustls::Error>())
                {
                    return Self::failed(format!(
                        "{what}: TLS with the server failed: {tls} (is ca_file the CA that \
                         signed the server's certificate, and does the URL's host match it?)"
                    ));
                }
                Self::unavailable(format!("{what}: {error}"))
            }
            LdapError::Timeout { .. }
            | LdapError::OpSend { .. }
            | LdapError::ResultRecv { .. }
            | LdapError::IdScrubSend { .. }
            | LdapError::EndOfStream => Self::unavailable(format!("{what}: {error}")),
            LdapError::Rustls { .. } | LdapError::DNSName { .. } => {
                Self::failed(format!("{what}: TLS set-up failed: {error}"))
            }
            _ => Self::failed(format!("{what}: {error}")),
        }
    }

    /// A result code the caller did not expect during `what`.
    pub fn from_result(what: &str, result: &LdapResult) -> Self {
        let message = format!("{what}: result code {} ({:?})", result.rc, result.text);
        match result.rc {
            rc::BUSY | rc::UNAVAILABLE => Self::unavailable(message),
            _ => Self::failed(message),
        }
    }
}

impl From<LdapFailure> for DirectoryError {
    fn from(failure: LdapFailure) -> Self {
        tracing::warn!(error = %failure.message, "ldap directory call failed");
        match failure.severity {
            Severity::Unavailable => DirectoryError::unavailable(failure),
            Severity::Failed => DirectoryError::failed(failure),
        }
    }
}
