//! What the emulator logs, and what it must never log.

use std::sync::Mutex;

use log::{LevelFilter, Log, Metadata, Record};
use slackhook_emulator::{Emulator, Fault};

use crate::client::post;

/// Collects every log line of this test process (other tests' lines land here too).
struct Capture(Mutex<Vec<String>>);

impl Log for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &Record<'_>) {
        let line = record.args().to_string();
        self.0.lock().expect("not poisoned").push(line);
    }

    fn flush(&self) {}
}

static CAPTURE: Capture = Capture(Mutex::new(Vec::new()));

#[test]
fn logs_mention_accepted_messages_without_their_path_or_body() {
    log::set_logger(&CAPTURE).expect("the only logger in this process");
    log::set_max_level(LevelFilter::Trace);

    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();
    let token = url.as_uri().path().rsplit('/').next().expect("token");
    post(&emulator, &url, r#"{"text":"classified words"}"#);
    post(&emulator, &url, "{}");
    emulator.inject(Fault::Delay(std::time::Duration::from_millis(1)));
    post(&emulator, &url, r#"{"text":"classified words"}"#);

    let lines = CAPTURE.0.lock().expect("not poisoned").clone();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("accepted") && l.contains("/services/T")),
        "{lines:?}"
    );
    for line in &lines {
        assert!(!line.contains(token), "{line}");
        assert!(!line.contains("classified"), "{line}");
    }
}
