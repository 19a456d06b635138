//! Fuzz target: see `slackhook_fuzz::response`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| slackhook_fuzz::response(data));
