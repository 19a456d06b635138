//! `slackhook send --batch`, run as a process against an in-test emulator: order, validation
//! before sending, per-line reports, exit codes, pacing under Slack's rate limit, and secrecy.

mod common;

use std::path::PathBuf;
use std::process::Output;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use slackhook_emulator::{Emulator, Fault, RateLimit};

use common::{assert_hidden, slackhook, stderr, stdout, token};

/// Runs the binary to the end (within the time limit every run has).
fn run(command: &mut assert_cmd::Command) -> Output {
    command.output().expect("runs")
}

fn emulator() -> Emulator {
    Emulator::start().expect("the emulator starts")
}

/// One payload per line: `{"text": …}` for each text.
fn jsonl(texts: &[&str]) -> String {
    texts
        .iter()
        .map(|text| format!("{}\n", json!({ "text": text })))
        .collect()
}

/// The texts the emulator accepted, in arrival order.
fn received_texts(slack: &Emulator) -> Vec<String> {
    slack
        .messages()
        .iter()
        .map(|m| m.text().unwrap_or_default().to_owned())
        .collect()
}

/// A file in the temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "slackhook-batch-{}-{name}.jsonl",
            std::process::id()
        ));
        std::fs::write(&path, contents).expect("the temporary file is written");
        Self(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temporary path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn a_batch_file_is_delivered_in_order_exactly_once_over_one_connection() {
    let slack = emulator();
    let url = slack.webhook_url();
    // Line 3 is blank: it is skipped, but still counts in the line numbers.
    let contents = format!(
        "{}  \n{}",
        jsonl(&["one", "two"]),
        jsonl(&["three", "four", "five"])
    );
    let file = TempFile::new("in-order", &contents);

    let output = run(slackhook()
        .args(["send", "--url", url.expose_secret(), "--batch", file.path()])
        .args(["--pace", "100/s"]));

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        received_texts(&slack),
        ["one", "two", "three", "four", "five"]
    );
    assert_eq!(slack.request_count(), 5);
    assert_eq!(slack.connection_count(), 1);
    assert_eq!(
        stdout(&output),
        "line 1: ok\nline 2: ok\nline 4: ok\nline 5: ok\nline 6: ok\n5 sent, 0 failed\n"
    );
    assert_hidden(&output, &token(&url));
}

#[test]
fn a_batch_is_read_from_stdin() {
    let slack = emulator();
    let url = slack.webhook_url();

    let output = run(slackhook()
        .args(["send", "--url", url.expose_secret(), "--batch", "-"])
        .args(["--pace", "off"])
        .write_stdin(jsonl(&["first", "second", "third"])));

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(received_texts(&slack), ["first", "second", "third"]);
    assert!(
        stdout(&output).ends_with("3 sent, 0 failed\n"),
        "{}",
        stdout(&output)
    );
    assert_hidden(&output, &token(&url));
}

#[test]
fn an_invalid_line_exits_2_naming_it_and_the_limit_and_nothing_is_sent() {
    let slack = emulator();
    let url = slack.webhook_url();
    let blocks = vec![json!({"type": "divider"}); 51];
    let input = format!(
        "{}{}\n{}",
        jsonl(&["one", "two"]),
        json!({"text": "three", "blocks": blocks}),
        jsonl(&["four", "five"])
    );

    let output = run(slackhook()
        .args(["send", "--url", url.expose_secret(), "--batch", "-"])
        .write_stdin(input));

    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr(&output);
    assert!(
        stderr.contains("line 3: invalid message: blocks: 51 items, Slack allows 50"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    assert_eq!(stdout(&output), "");
    assert_eq!(slack.request_count(), 0);
    assert_hidden(&output, &token(&url));
}

#[test]
fn every_invalid_line_is_reported_with_its_reason() {
    let slack = emulator();
    let url = slack.webhook_url();
    let input = [
        r#"{"text": "fine"}"#,
        r#"{"text": "unterminated"#,
        r#"[{"text": "in an array"}]"#,
        r#"{"text": "fine again"}"#,
        r#"{}"#,
    ]
    .join("\n");

    let output = run(slackhook()
        .args(["send", "--url", url.expose_secret(), "--batch", "-"])
        .write_stdin(input));

    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr(&output);
    assert!(stderr.contains("3 of 5 messages are invalid"), "{stderr}");
    assert!(stderr.contains("line 2: not valid json"), "{stderr}");
    assert!(
        stderr.contains("line 3: an array, not a JSON object"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 5: invalid message: payload:"),
        "{stderr}"
    );
    assert!(!stderr.contains("line 1:"), "{stderr}");
    assert!(!stderr.contains("line 4:"), "{stderr}");
    assert_eq!(slack.request_count(), 0);
}

#[test]
fn json_output_is_one_object_per_line_and_nothing_else() {
    let slack = emulator();
    let url = slack.webhook_url();
    slack.inject(Fault::status(404, "channel_not_found"));

    let output = run(slackhook()
        .args(["send", "--url", url.expose_secret(), "--batch", "-"])
        .args(["--pace", "off", "--output", "json"])
        .write_stdin(jsonl(&["one", "two", "three"])));

    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let reports: Vec<Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    assert_eq!(reports.len(), 3, "{reports:?}");

    assert_eq!(reports[0]["line"], 1);
    assert_eq!(reports[0]["status"], 404);
    assert_eq!(reports[0]["body"], "channel_not_found");
    assert_eq!(reports[0]["slack_error"], "channel_not_found");
    assert_eq!(reports[0]["attempts"], 1);
    for (i, report) in reports.iter().enumerate().skip(1) {
        assert_eq!(report["line"], i + 1);
        assert_eq!(report["status"], 200);
        assert_eq!(report["body"], "ok");
        assert_eq!(report["slack_error"], Value::Null);
        assert_eq!(report["attempts"], 1);
    }
    assert_hidden(&output, &token(&url));
}

#[test]
fn a_slack_error_on_one_line_does_not_stop_the_others_and_exits_1() {
    let slack = emulator();
    let url = slack.webhook_url();
    slack.inject(Fault::status(404, "channel_not_found"));

    let output = run(slackhook()
        .args(["send", "--url", url.expose_secret(), "--batch", "-"])
        .args(["--pace", "off"])
        .write_stdin(jsonl(&["one", "two", "three", "four", "five"])));

    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(received_texts(&slack), ["two", "three", "four", "five"]);
    let stdout = stdout(&output);
    assert!(
        stdout.starts_with("line 1: 404 channel_not_found: the channel is gone or invalid\n"),
        "{stdout}"
    );
    assert!(stdout.contains("line 5: ok\n"), "{stdout}");
    assert!(stdout.ends_with("4 sent, 1 failed\n"), "{stdout}");
    assert!(
        stderr(&output).contains("Slack refused 1 of 5 messages: line 1"),
        "{}",
        stderr(&output)
    );
    assert_hidden(&output, &token(&url));
}

#[test]
fn a_transport_failure_on_one_line_exits_3_and_the_rest_are_delivered() {
    let slack = emulator();
    let url = slack.webhook_url();
    slack.inject(Fault::ResetAfterBody);

    let output = run(slackhook()
        .args(["send", "--url", url.expose_secret(), "--batch", "-"])
        .args(["--pace", "off"])
        .write_stdin(jsonl(&["one", "two", "three"])));

    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert_eq!(received_texts(&slack), ["two", "three"]);
    let stdout = stdout(&output);
    assert!(
        stdout.starts_with("line 1: transport failure, may have been delivered"),
        "{stdout}"
    );
    assert!(stdout.ends_with("2 sent, 1 failed\n"), "{stdout}");
    let stderr = stderr(&output);
    assert!(
        stderr.contains("line 1 may have been delivered anyway"),
        "{stderr}"
    );
    assert_hidden(&output, &token(&url));
}

#[test]
fn pacing_keeps_a_batch_under_the_rate_limit() {
    let slack = Emulator::builder()
        .rate_limit(RateLimit::per_second(5).with_burst(1))
        .start()
        .expect("the emulator starts");
    let url = slack.webhook_url();

    let started = Instant::now();
    let output = run(slackhook()
        .args(["send", "--url", url.expose_secret(), "--batch", "-"])
        .args(["--pace", "5/s"])
        .write_stdin(jsonl(&["1", "2", "3", "4", "5", "6"])));
    let elapsed = started.elapsed();

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(slack.rate_limited_count(), 0);
    assert_eq!(received_texts(&slack), ["1", "2", "3", "4", "5", "6"]);
    // Five gaps of a fifth of a second each.
    assert!(elapsed >= Duration::from_millis(800), "{elapsed:?}");
    assert_hidden(&output, &token(&url));
}

#[test]
fn a_retry_after_above_max_wait_leaves_the_next_lines_unsent_and_exits_3() {
    let slack = emulator();
    let url = slack.webhook_url();
    slack.inject(Fault::rate_limited("30"));

    let started = Instant::now();
    let output = run(slackhook()
        .args(["send", "--url", url.expose_secret(), "--batch", "-"])
        .args(["--pace", "off", "--max-wait", "1"])
        .write_stdin(jsonl(&["one", "two", "three"])));

    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(started.elapsed() < Duration::from_secs(10));
    let stdout = stdout(&output);
    assert!(stdout.starts_with("line 1: 429 rate_limited"), "{stdout}");
    assert!(stdout.contains("(Slack asked to wait 30s)"), "{stdout}");
    for line in [2, 3] {
        assert!(
            stdout.contains(&format!("line {line}: not sent: Slack asked to wait")),
            "{stdout}"
        );
    }
    assert!(stdout.ends_with("0 sent, 3 failed\n"), "{stdout}");
    // Nothing was transmitted after the 429.
    assert_eq!(slack.request_count(), 1);
    assert_hidden(&output, &token(&url));
}

#[test]
fn pace_without_batch_is_a_usage_error() {
    let output = run(slackhook().args(["send", "--local", "--text", "hi", "--pace", "1/s"]));

    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--batch"), "{}", stderr(&output));
}

#[test]
fn payload_flags_conflict_with_batch() {
    for flag in ["--text", "--json", "--blocks"] {
        let output = run(slackhook()
            .args(["send", "--local", "--batch", "-", flag, "x"])
            .write_stdin(jsonl(&["one"])));
        assert_eq!(output.status.code(), Some(2), "{flag}");
    }
}

#[test]
fn a_pace_slower_than_max_wait_is_a_usage_error() {
    let slack = emulator();
    let url = slack.webhook_url();

    let output = run(slackhook()
        .args(["send", "--url", url.expose_secret(), "--batch", "-"])
        .args(["--pace", "1/m", "--max-wait", "10"])
        .write_stdin(jsonl(&["one"])));

    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--max-wait"),
        "{}",
        stderr(&output)
    );
    assert_eq!(slack.request_count(), 0);
}

#[test]
fn an_empty_batch_exits_2() {
    let output = run(slackhook()
        .args(["send", "--local", "--batch", "-"])
        .write_stdin("\n  \n"));

    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("holds no messages"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_dry_run_checks_every_line_prints_the_count_and_sends_nothing() {
    let slack = emulator();
    let url = slack.webhook_url();

    let text = run(slackhook()
        .args([
            "send",
            "--dry-run",
            "--url",
            url.expose_secret(),
            "--batch",
            "-",
        ])
        .write_stdin(jsonl(&["one", "two", "three"])));
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    assert_eq!(
        stdout(&text),
        format!("POST {url}\nmessages: 3\npace: 1/s,burst=3\n")
    );
    assert!(stdout(&text).contains("/***"), "{}", stdout(&text));

    let json = run(slackhook()
        .args([
            "send",
            "--dry-run",
            "--url",
            url.expose_secret(),
            "--batch",
            "-",
        ])
        .args(["--output", "json", "--pace", "2/s"])
        .write_stdin(jsonl(&["one", "two"])));
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    let report: Value = serde_json::from_str(stdout(&json).trim()).expect("one JSON object");
    assert_eq!(report["messages"], 2);
    assert_eq!(report["pace"], "2/s");
    assert_eq!(report["url"], url.to_string());

    assert_eq!(slack.request_count(), 0);
    assert_hidden(&text, &token(&url));
    assert_hidden(&json, &token(&url));
}

#[test]
fn payload_options_override_keys_on_every_line() {
    let slack = emulator();
    let url = slack.webhook_url();
    let input = [
        json!({"text": "one", "unfurl_links": true}),
        json!({"text": "two", "thread_ts": "1.1"}),
    ]
    .map(|payload| format!("{payload}\n"))
    .concat();

    let output = run(slackhook()
        .args(["send", "--url", url.expose_secret(), "--batch", "-"])
        .args(["--pace", "off", "--thread-ts", "1700000000.000100"])
        .arg("--no-unfurl-links")
        .write_stdin(input));

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let payloads: Vec<Value> = slack
        .messages()
        .iter()
        .map(|m| m.payload().clone())
        .collect();
    assert_eq!(
        payloads,
        [
            json!({"text": "one", "unfurl_links": false, "thread_ts": "1700000000.000100"}),
            json!({"text": "two", "unfurl_links": false, "thread_ts": "1700000000.000100"}),
        ]
    );
}

#[test]
fn a_local_batch_shows_what_the_emulator_received_line_by_line() {
    let output = run(slackhook()
        .args(["send", "--local", "--batch", "-"])
        .write_stdin(jsonl(&["Hello", "Goodbye"])));

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with(
            "line 1: ok\n  text: Hello\nline 2: ok\n  text: Goodbye\n2 sent, 0 failed\n"
        ),
        "{text}"
    );
    assert!(text.contains("nothing left this machine"), "{text}");

    let json = run(slackhook()
        .args(["send", "--local", "--batch", "-", "--output", "json"])
        .write_stdin(jsonl(&["Hello"])));
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    let report: Value = serde_json::from_str(stdout(&json).trim()).expect("one JSON object");
    assert_eq!(report["received"], json!([{"text": "Hello"}]));
}
