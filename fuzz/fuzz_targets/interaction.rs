//! Fuzz target: see `slackhook_fuzz::interaction`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| slackhook_fuzz::interaction(data));
