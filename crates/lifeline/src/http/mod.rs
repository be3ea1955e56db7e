//! The HTTP layer's shared seams.

pub mod blocking;
