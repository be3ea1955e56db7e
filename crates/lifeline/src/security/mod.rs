//! Security mechanisms shared by the routes.

pub mod argon2_memory;
pub mod browser_binding;
pub mod client_ip;
pub mod csrf;
pub mod hash_pool;
pub mod headers;
pub mod ip_network;
pub mod password_hash;
pub mod password_policy;
pub mod post_limit;
pub mod rate_limit;
pub mod redirect;
