//! `slackhook send`, run as a process against an in-test emulator: every exit code, the dry
//! run, JSON output, stdin payloads, retries and secrecy.

mod common;

use std::net::TcpListener;
use std::time::Duration;

use serde_json::{Value, json};
use slackhook_emulator::{Emulator, Fault};

use common::{assert_hidden, slackhook, stderr, stdout, token};

fn emulator() -> Emulator {
    Emulator::start().expect("the emulator starts")
}

fn json_line(output: &std::process::Output) -> Value {
    let text = stdout(output);
    serde_json::from_str(text.trim())
        .unwrap_or_else(|e| panic!("not one JSON object ({e}):\n{text}"))
}

#[test]
fn a_delivered_message_exits_0_and_reaches_slack() {
    let slack = emulator();
    let url = slack.webhook_url();

    let output = slackhook()
        .args([
            "send",
            "--url",
            url.expose_secret(),
            "--text",
            "Deploy finished",
        ])
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("200 ok"), "{}", stdout(&output));
    let received = slack.messages();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].text(), Some("Deploy finished"));
    assert_hidden(&output, &token(&url));
}

#[test]
fn the_url_comes_from_the_environment_when_no_flag_names_one() {
    let slack = emulator();
    let url = slack.webhook_url();

    let output = slackhook()
        .env("SLACK_WEBHOOK_URL", url.expose_secret())
        .args(["send", "--text", "from the environment"])
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(slack.messages()[0].text(), Some("from the environment"));
    assert_hidden(&output, &token(&url));
}

#[test]
fn a_slack_error_exits_1_and_says_what_the_code_means() {
    let slack = emulator();
    let url = slack.webhook_url();
    slack.inject(Fault::status(404, "channel_not_found"));

    let output = slackhook()
        .args(["send", "--url", url.expose_secret(), "--text", "hi"])
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr(&output);
    assert!(stderr.contains("channel_not_found"), "{stderr}");
    assert!(
        stderr.contains("the channel is gone or invalid"),
        "{stderr}"
    );
    assert!(slack.messages().is_empty());
    assert_hidden(&output, &token(&url));
}

#[test]
fn an_unknown_webhook_exits_1() {
    let slack = emulator();
    let secret = "UnknownTokenUnknownToken";
    let url = format!("{}/services/T0000000/B0000000/{secret}", slack.base_url());

    let output = slackhook()
        .args(["send", "--url", &url, "--text", "hi"])
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("no_service"),
        "{}",
        stderr(&output)
    );
    assert_hidden(&output, secret);
}

#[test]
fn no_target_exits_2_and_names_all_three_ways_to_give_one() {
    let output = slackhook()
        .args(["send", "--text", "hi"])
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr(&output);
    for way in ["--url", "SLACK_WEBHOOK_URL", "--local"] {
        assert!(stderr.contains(way), "{way} missing from: {stderr}");
    }
}

#[test]
fn a_bad_url_exits_2_without_repeating_it() {
    let secret = "PlainHttpTokenPlainHttp";
    let url = format!("http://hooks.slack.com/services/T1/B2/{secret}");

    let output = slackhook()
        .args(["send", "--url", &url, "--text", "hi"])
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("https"), "{}", stderr(&output));
    assert_hidden(&output, secret);
}

#[test]
fn a_url_given_where_a_flag_belongs_is_redacted_in_the_usage_error() {
    let slack = emulator();
    let url = slack.webhook_url();

    let output = slackhook()
        .args(["send", url.expose_secret(), "--text", "hi"])
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("/services/"),
        "{}",
        stderr(&output)
    );
    assert_hidden(&output, &token(&url));
    assert_eq!(slack.request_count(), 0);
}

#[test]
fn bad_json_exits_2_and_sends_nothing() {
    let slack = emulator();
    let url = slack.webhook_url();

    let output = slackhook()
        .args(["send", "--url", url.expose_secret(), "--json", "-"])
        .write_stdin(r#"{"text": "unterminated"#)
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("not valid json"),
        "{}",
        stderr(&output)
    );
    assert_eq!(slack.request_count(), 0);
    assert_hidden(&output, &token(&url));
}

#[test]
fn fifty_one_blocks_exit_2_naming_the_path_and_the_limit() {
    let slack = emulator();
    let url = slack.webhook_url();
    let blocks = Value::Array(vec![json!({"type": "divider"}); 51]);

    let output = slackhook()
        .args(["send", "--url", url.expose_secret(), "--blocks", "-"])
        .write_stdin(blocks.to_string())
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr(&output);
    assert!(
        stderr.contains("blocks: 51 items, Slack allows 50"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    assert_eq!(slack.request_count(), 0);
}

#[test]
fn a_refused_connection_exits_3_after_retrying_and_says_nothing_was_delivered() {
    // A port that was free a moment ago and now has no listener: connecting is refused.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let secret = "RefusedTokenRefusedToken";
    let url = format!("http://127.0.0.1:{port}/services/T1/B2/{secret}");

    let output = slackhook()
        .args([
            "send",
            "--url",
            &url,
            "--text",
            "hi",
            "--retry-connection",
            "1",
        ])
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(3));
    let stderr = stderr(&output);
    assert!(stderr.contains("after 2 attempts"), "{stderr}");
    assert!(stderr.contains("was not sent"), "{stderr}");
    assert_hidden(&output, secret);
}

#[test]
fn a_dry_run_prints_the_request_and_sends_nothing() {
    let slack = emulator();
    let url = slack.webhook_url();

    let output = slackhook()
        .args([
            "send",
            "--dry-run",
            "--url",
            url.expose_secret(),
            "--text",
            "hi",
        ])
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let stdout = stdout(&output);
    assert!(stdout.starts_with(&format!("POST {url}\n")), "{stdout}");
    assert!(stdout.contains("/***"), "{stdout}");
    assert!(
        stdout.contains("content-type: application/json"),
        "{stdout}"
    );
    assert!(stdout.contains("user-agent: slackhook-cli/"), "{stdout}");
    assert!(stdout.trim_end().ends_with(r#"{"text":"hi"}"#), "{stdout}");
    assert_eq!(slack.request_count(), 0);
    assert_hidden(&output, &token(&url));
}

#[test]
fn a_dry_run_still_validates() {
    let output = slackhook()
        .args([
            "send",
            "--dry-run",
            "--url",
            "https://hooks.slack.com/services/T/B/x",
        ])
        .args(["--text", &"x".repeat(40_001)])
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("text: 40,001 characters, Slack allows 40,000"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn json_output_reports_status_body_slack_error_and_attempts() {
    let slack = emulator();
    let url = slack.webhook_url();

    let ok = slackhook()
        .args([
            "send",
            "--output",
            "json",
            "--url",
            url.expose_secret(),
            "--text",
            "hi",
        ])
        .output()
        .expect("runs");
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    let report = json_line(&ok);
    assert_eq!(report["status"], 200);
    assert_eq!(report["body"], "ok");
    assert_eq!(report["slack_error"], Value::Null);
    assert_eq!(report["attempts"], 1);

    slack.inject(Fault::status(404, "channel_not_found"));
    let refused = slackhook()
        .args([
            "send",
            "--output",
            "json",
            "--url",
            url.expose_secret(),
            "--text",
            "hi",
        ])
        .output()
        .expect("runs");
    assert_eq!(refused.status.code(), Some(1));
    let report = json_line(&refused);
    assert_eq!(report["status"], 404);
    assert_eq!(report["body"], "channel_not_found");
    assert_eq!(report["slack_error"], "channel_not_found");
    assert_eq!(report["attempts"], 1);
    assert_hidden(&ok, &token(&url));
    assert_hidden(&refused, &token(&url));
}

#[test]
fn a_whole_payload_is_read_from_stdin_and_flags_override_it() {
    let slack = emulator();
    let url = slack.webhook_url();
    let payload = json!({"text": "from stdin", "icon_emoji": ":ship:", "unfurl_links": true});

    let output = slackhook()
        .args([
            "send",
            "--url",
            url.expose_secret(),
            "--json",
            "-",
            "--no-unfurl-links",
        ])
        .args(["--thread-ts", "1700000000.000100"])
        .write_stdin(payload.to_string())
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let received = slack.messages();
    assert_eq!(
        received[0].payload(),
        &json!({
            "text": "from stdin",
            "icon_emoji": ":ship:",
            "unfurl_links": false,
            "thread_ts": "1700000000.000100"
        })
    );
}

#[test]
fn blocks_are_read_from_stdin() {
    let slack = emulator();
    let url = slack.webhook_url();
    let blocks = json!([
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Deploy* finished"}},
        {"type": "divider"}
    ]);

    let output = slackhook()
        .args([
            "send",
            "--url",
            url.expose_secret(),
            "--text",
            "Deploy finished",
        ])
        .args(["--blocks", "-"])
        .write_stdin(blocks.to_string())
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let received = slack.messages();
    assert_eq!(received[0].payload()["blocks"], blocks);
    assert_eq!(received[0].text(), Some("Deploy finished"));
}

#[test]
fn blocks_that_are_not_an_array_exit_2() {
    let output = slackhook()
        .args(["send", "--local", "--blocks", "-"])
        .write_stdin(r#""a string""#)
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("expected a JSON array of blocks, found a string"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_rate_limited_message_is_retried_after_retry_after_and_delivered() {
    let slack = emulator();
    let url = slack.webhook_url();
    slack.inject(Fault::rate_limited("1"));

    let started = std::time::Instant::now();
    let output = slackhook()
        .args([
            "send",
            "--output",
            "json",
            "--url",
            url.expose_secret(),
            "--text",
            "hi",
        ])
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json_line(&output);
    assert_eq!(report["status"], 200);
    assert_eq!(report["attempts"], 2);
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(slack.messages().len(), 1);
    assert_hidden(&output, &token(&url));
}

#[test]
fn no_retry_turns_a_429_into_exit_1() {
    let slack = emulator();
    let url = slack.webhook_url();
    slack.inject(Fault::rate_limited("1"));

    let output = slackhook()
        .args([
            "send",
            "--no-retry",
            "--url",
            url.expose_secret(),
            "--text",
            "hi",
        ])
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("rate_limited"),
        "{}",
        stderr(&output)
    );
    assert!(slack.messages().is_empty());
}

#[test]
fn send_local_prints_what_slack_would_have_received() {
    let output = slackhook()
        .args(["send", "--local", "--text", "Hello"])
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let stdout = stdout(&output);
    assert!(stdout.contains("Nothing left this machine"), "{stdout}");
    assert!(stdout.contains("Slack would have received:"), "{stdout}");
    assert!(stdout.contains("text: Hello"), "{stdout}");
    assert!(stdout.contains(r#"{"text":"Hello"}"#), "{stdout}");
}

#[test]
fn nothing_to_send_exits_2() {
    let output = slackhook()
        .args(["send", "--local"])
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--text"), "{}", stderr(&output));
}

#[test]
fn trace_logging_shows_attempts_but_never_the_secret_or_the_body() {
    let slack = emulator();
    let url = slack.webhook_url();

    let output = slackhook()
        .env("RUST_LOG", "trace")
        .args([
            "send",
            "--url",
            url.expose_secret(),
            "--text",
            "private words",
        ])
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let stderr = stderr(&output);
    assert!(stderr.contains("attempt 1"), "{stderr}");
    assert!(!stderr.contains("private words"), "{stderr}");
    assert_hidden(&output, &token(&url));
}

#[test]
fn a_retry_after_above_max_wait_is_not_waited_for() {
    let slack = emulator();
    let url = slack.webhook_url();
    slack.inject(Fault::rate_limited("30"));

    let started = std::time::Instant::now();
    let output = slackhook()
        .args([
            "send",
            "--max-wait",
            "1",
            "--url",
            url.expose_secret(),
            "--text",
            "hi",
        ])
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(1));
    assert!(started.elapsed() < Duration::from_secs(10));
    let stderr = stderr(&output);
    assert!(stderr.contains("rate_limited"), "{stderr}");
    assert!(stderr.contains("Slack asked to wait 30s"), "{stderr}");
    assert!(slack.messages().is_empty());
}
