//! `/password/…`

pub mod forgot;
pub mod not_me;
pub mod reset_form;
pub mod reset_link;
