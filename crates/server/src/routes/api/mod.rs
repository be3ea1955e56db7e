//! `/api/v1/…`

pub mod error;
pub mod password;
