//! The shared fault matrix for the slackhook adapters; see `tests/fault_matrix.rs`.
