//! Admin API keys: their format ([`ApiKeyText`]) and the keyed hash the `api_keys` table
//! stores instead of them ([`ApiKeyHasher`]). Storage keeps the rows (`storage::api_keys`);
//! `ops::ApiKeys` creates, lists and revokes keys; the admin API's extractor checks them.

mod format;
mod hasher;
mod operator;

pub use format::{API_KEY_REGEX, ApiKeyText};
pub use hasher::ApiKeyHasher;
pub use operator::{ApiKeyError, ApiKeys, CreatedKey};
