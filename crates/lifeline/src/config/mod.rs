//! Typed, layered configuration.

mod cookie_domain;
mod environment;
mod error;
mod known_keys;
mod load;
mod plugins;
mod settings;
mod suggest;
pub(crate) use suggest::closest;
mod validate;

pub use environment::NOT_SETTINGS;
pub(crate) use error::table_problems;
pub use error::{ConfigError, Problem};
pub use load::DEFAULTS_TOML;
pub use settings::*;
pub use token_core::SecretString;
pub(crate) use validate::mail_branding;
