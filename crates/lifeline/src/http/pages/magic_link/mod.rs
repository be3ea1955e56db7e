//! `/magic-link/…`: sign in with a link sent by email.

pub mod request;
pub mod verify;
