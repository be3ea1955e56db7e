//! `/api/v1/admin/…`: the admin API, authenticated by API keys (`key::ApiKey`).

pub mod key;
