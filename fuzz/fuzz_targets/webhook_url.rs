//! Fuzz target: see `slackhook_fuzz::webhook_url`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| slackhook_fuzz::webhook_url(data));
