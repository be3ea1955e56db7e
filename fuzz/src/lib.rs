//! Helpers shared by Lifeline's fuzz targets and the seed-corpus generator: the fixed test
//! key rings and a deterministic [`token_core::RandomSource`].
//!
//! Nothing here is used outside `fuzz/`. The keys are public test constants: they must never
//! appear in a configuration file.

mod rings;
mod slice_random;

pub use rings::{FOREIGN_KEY, KEY_IDS, NOW, RING_KEYS, foreign_ring, verifying_ring};
pub use slice_random::SliceRandom;
