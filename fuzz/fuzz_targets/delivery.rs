//! Fuzz target: see `slackhook_fuzz::delivery`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| slackhook_fuzz::delivery(data));
