//! Fuzz target: see `slackhook_fuzz::signature`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| slackhook_fuzz::signature(data));
