//! Deterministic synthetic events for tests and benchmarks.
