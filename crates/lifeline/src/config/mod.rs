//! Typed, layered configuration.

mod load;
mod settings;

pub use load::{ConfigError, DEFAULTS_TOML};
pub use settings::*;
pub use token_core::SecretString;
