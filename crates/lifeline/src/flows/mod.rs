//! The flows behind the pages and the JSON API, independent of how they are asked.

pub mod admission;
pub mod change_password;
pub mod link_check;
pub mod magic_link;
pub mod not_me;
pub mod password_reset;
pub mod shared_limits;
pub mod sign_in;
