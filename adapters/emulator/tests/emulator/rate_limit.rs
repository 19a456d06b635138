//! The emulated rate limit.

use std::time::Duration;

use slackhook_emulator::{Emulator, RateLimit};

use crate::client::Client;

const HI: &str = r#"{"text":"hi"}"#;

#[test]
fn over_the_limit_is_a_429_with_retry_after_until_the_wait_is_over() {
    let emulator = Emulator::builder()
        .rate_limit(RateLimit::per_second(1))
        .start()
        .expect("start");
    let url = emulator.webhook_url();
    let mut client = Client::connect(&emulator);

    assert_eq!(client.post(&url, HI).expect("first").status, 200);
    let limited = client.post(&url, HI).expect("second");

    assert_eq!(limited.status, 429);
    let retry_after: u64 = limited
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in whole seconds");
    assert!(retry_after >= 1);
    let body: serde_json::Value = serde_json::from_str(&limited.body).expect("json body");
    assert_eq!(
        body,
        serde_json::json!({"ok": false, "error": "rate_limited", "retry_after": retry_after})
    );
    assert_eq!(emulator.rate_limited_count(), 1);
    assert_eq!(emulator.messages().len(), 1);

    std::thread::sleep(Duration::from_secs(retry_after));
    assert_eq!(client.post(&url, HI).expect("after waiting").status, 200);
    assert_eq!(emulator.messages().len(), 2);
}

#[test]
fn a_burst_passes_and_each_url_has_its_own_bucket() {
    let emulator = Emulator::builder()
        .rate_limit(RateLimit::per_second(1).with_burst(3))
        .start()
        .expect("start");
    let (a, b) = (emulator.webhook_url(), emulator.webhook_url());
    let mut client = Client::connect(&emulator);

    let statuses: Vec<u16> = (0..4)
        .map(|_| client.post(&a, HI).expect("answer").status)
        .collect();

    assert_eq!(statuses, [200, 200, 200, 429]);
    assert_eq!(client.post(&b, HI).expect("other url").status, 200);
    assert_eq!(emulator.rate_limited_count(), 1);
}

#[test]
fn without_a_limit_nothing_is_rate_limited() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();
    let mut client = Client::connect(&emulator);

    for _ in 0..20 {
        assert_eq!(client.post(&url, HI).expect("answer").status, 200);
    }
    assert_eq!(emulator.rate_limited_count(), 0);
}
