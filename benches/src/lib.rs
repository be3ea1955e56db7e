//! Lifeline's benchmarks live in `benches/`; run them with `cargo bench -p lifeline-benches`.
//! This library is empty: the package exists to hold the benchmark targets and their
//! dependencies apart from the product crates.
