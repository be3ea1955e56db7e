//! Helpers shared by Lifeline's fuzz targets and the seed-corpus generator: the fixed test
//! key rings, a deterministic [`token_core::RandomSource`], and how the body targets read
//! a header and a body from one input.
//!
//! Nothing here is used outside `fuzz/`. The keys are public test constants: they must never
//! appear in a configuration file.

mod rings;
mod slice_random;

pub use rings::{FOREIGN_KEY, KEY_IDS, NOW, RING_KEYS, foreign_ring, verifying_ring};
pub use slice_random::SliceRandom;

/// Splits a body target's input at its first newline: the `Content-Type` header value
/// before it, the body after. Without a newline, the request has no such header and the
/// whole input is the body.
pub fn split_header_and_body(data: &[u8]) -> (Option<&[u8]>, &[u8]) {
    match data.iter().position(|&byte| byte == b'\n') {
        Some(at) => (Some(&data[..at]), &data[at + 1..]),
        None => (None, data),
    }
}
