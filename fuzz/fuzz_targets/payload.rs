//! Fuzz target: see `slackhook_fuzz::payload`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| slackhook_fuzz::payload(data));
