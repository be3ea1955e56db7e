//! Security mechanisms shared by the routes.

pub mod argon2_memory;
pub mod hash_pool;
pub mod password_hash;
pub mod password_policy;
