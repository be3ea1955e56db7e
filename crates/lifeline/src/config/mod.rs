//! Typed, layered configuration.

mod load;
mod secret;
mod settings;

pub use load::{ConfigError, DEFAULTS_TOML};
pub use secret::SecretString;
pub use settings::*;
