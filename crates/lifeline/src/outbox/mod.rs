//! Outbox jobs: what handlers enqueue and how the worker turns them into mail.

pub mod composer;
mod magic_link;
pub mod payloads;
