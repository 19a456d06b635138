//! Injected faults, as a client observes them.

use std::io::{ErrorKind, Write};
use std::time::{Duration, Instant};

use slackhook_emulator::{Emulator, Fault};

use crate::client::{Client, post};

const HI: &str = r#"{"text":"hi"}"#;

#[test]
fn a_respond_fault_answers_instead_and_records_nothing() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();
    emulator.inject(Fault::status(503, "service_unavailable"));

    let answer = post(&emulator, &url, HI);

    assert_eq!(
        (answer.status, answer.body.as_str()),
        (503, "service_unavailable")
    );
    assert!(answer.header("date").is_some());
    assert!(emulator.messages().is_empty());
    assert_eq!(emulator.request_count(), 1);
}

#[test]
fn faults_are_taken_first_in_first_out_one_per_request() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();
    emulator.inject(Fault::status(500, "rollup_error"));
    emulator.inject_n(Fault::status(503, "service_unavailable"), 2);
    let mut client = Client::connect(&emulator);

    let statuses: Vec<u16> = (0..4)
        .map(|_| client.post(&url, HI).expect("answer").status)
        .collect();

    assert_eq!(statuses, [500, 503, 503, 200]);
    assert_eq!(emulator.messages().len(), 1);
    assert_eq!(emulator.connection_count(), 1);
}

#[test]
fn an_injected_429_keeps_its_retry_after_verbatim() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();
    let date = "Wed, 21 Oct 2015 07:28:00 GMT";
    emulator.inject(Fault::rate_limited(date));
    emulator.inject(Fault::rate_limited("soon-ish"));
    let mut client = Client::connect(&emulator);

    let first = client.post(&url, HI).expect("answer");
    let second = client.post(&url, HI).expect("answer");

    assert_eq!(first.status, 429);
    assert_eq!(first.header("retry-after"), Some(date));
    assert_eq!(second.header("retry-after"), Some("soon-ish"));
    assert_eq!(emulator.rate_limited_count(), 0);
}

#[test]
fn a_redirect_fault_answers_302_with_a_location() {
    let emulator = Emulator::start().expect("start");
    emulator.inject(Fault::redirect("http://127.0.0.1:9/elsewhere"));

    let answer = post(&emulator, &emulator.webhook_url(), HI);

    assert_eq!(answer.status, 302);
    assert_eq!(
        answer.header("location"),
        Some("http://127.0.0.1:9/elsewhere")
    );
    assert_eq!(answer.header("content-length"), Some("0"));
}

#[test]
fn reset_before_body_resets_without_waiting_for_the_body() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();
    emulator.inject(Fault::ResetBeforeBody);
    let mut client = Client::connect(&emulator);

    // Only the head: a server that waited for the 100 announced bytes would never answer.
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: e\r\nContent-Length: 100\r\n\r\n",
        url.as_uri().path()
    );
    client.stream.write_all(head.as_bytes()).expect("head");
    let error = client.read_answer().expect_err("no answer");

    assert_eq!(error.kind(), ErrorKind::ConnectionReset, "{error}");
    assert_eq!(emulator.request_count(), 1);
    assert!(emulator.messages().is_empty());
}

#[test]
fn reset_after_body_is_seen_as_a_connection_reset() {
    let emulator = Emulator::start().expect("start");
    emulator.inject(Fault::ResetAfterBody);

    let error = Client::connect(&emulator)
        .post(&emulator.webhook_url(), HI)
        .expect_err("no answer");

    assert_eq!(error.kind(), ErrorKind::ConnectionReset, "{error}");
    assert!(emulator.messages().is_empty());
}

#[test]
fn close_after_body_is_seen_as_end_of_file_without_a_response() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();
    emulator.inject(Fault::CloseAfterBody);
    let mut client = Client::connect(&emulator);

    client
        .send("POST", url.as_uri().path(), &[], HI.as_bytes())
        .expect("send");
    let received = client.read_to_eof().expect("a clean end of file");

    assert!(received.is_empty());
    assert!(emulator.messages().is_empty());
}

#[test]
fn a_delay_slows_the_answer_and_the_message_is_still_accepted() {
    let emulator = Emulator::start().expect("start");
    emulator.inject(Fault::Delay(Duration::from_millis(300)));

    let started = Instant::now();
    let answer = post(&emulator, &emulator.webhook_url(), HI);

    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(answer.status, 200);
    assert_eq!(emulator.messages().len(), 1);
}

#[test]
fn a_fault_applies_to_any_path() {
    let emulator = Emulator::start().expect("start");
    emulator.inject(Fault::status(418, "teapot"));
    let mut client = Client::connect(&emulator);

    client.send("GET", "/nowhere", &[], b"").expect("send");
    let answer = client.read_answer().expect("answer");

    assert_eq!((answer.status, answer.body.as_str()), (418, "teapot"));
}

#[test]
fn a_respond_fault_with_connection_close_closes_the_connection() {
    let emulator = Emulator::start().expect("start");
    emulator.inject(Fault::status(500, "rollup_error").with_header("Connection", "close"));
    let mut client = Client::connect(&emulator);

    let answer = client.post(&emulator.webhook_url(), HI).expect("answer");

    assert_eq!(answer.header("connection"), Some("close"));
    assert!(client.read_to_eof().expect("end of file").is_empty());
}
