//! Rate limits and what they key on: the client's IP and trusted networks.

pub mod admin_keys;
pub mod client_ip;
pub mod ip_network;
pub mod rate_limit;
