//! The shared fault matrix for the slackhook adapters (see `tests/fault_matrix.rs`), and the
//! helpers that both adapters' own integration tests use ([`support`]).
//!
//! The README's Rust examples are compiled and run here as doctests, where the core, both
//! clients and the emulator are all at hand, so that they cannot go stale.

pub mod support;

#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
