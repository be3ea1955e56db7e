//! `/api/v1/…`

pub mod error;
pub mod magic_link;
pub mod password;
