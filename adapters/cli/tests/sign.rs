//! `slackhook sign` and `slackhook verify` on Slack's documented example
//! (shared/SLACK.md, "Verifying requests from Slack").

mod common;

use common::{assert_hidden, slackhook, stderr, stdout};

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const TIMESTAMP: &str = "1531420618";
const BODY: &str = concat!(
    "token=xyzz0WbapA4vBCDEFasx0q6G&",
    "team_id=T1DC2JH3J&",
    "team_domain=testteamnow&",
    "channel_id=G8PSS9T3V&",
    "channel_name=foobar&",
    "user_id=U2CERLKJA&",
    "user_name=roadrunner&",
    "command=%2Fwebhook-collect&",
    "text=&",
    "response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F",
    "96rGlfmibIGlgcZRskXaIFfN&",
    "trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
);
const SIGNATURE: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

/// A minute after Slack sent it.
const NOW: &str = "1531420678";

#[test]
fn sign_reproduces_slacks_documented_signature() {
    let output = slackhook()
        .env("SLACK_SIGNING_SECRET", SECRET)
        .args(["sign", "--timestamp", TIMESTAMP])
        .write_stdin(BODY)
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        format!("X-Slack-Request-Timestamp: {TIMESTAMP}\nX-Slack-Signature: {SIGNATURE}\n")
    );
    assert_hidden(&output, SECRET);
}

#[test]
fn sign_uses_the_current_time_when_no_timestamp_is_given() {
    let output = slackhook()
        .args(["sign", "--secret", SECRET])
        .write_stdin("text=hi")
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let stdout = stdout(&output);
    let timestamp: u64 = stdout
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("X-Slack-Request-Timestamp: "))
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("no timestamp line in {stdout}"));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    assert!(now.abs_diff(timestamp) < 60, "{timestamp} vs {now}");
    assert_hidden(&output, SECRET);
}

#[test]
fn verify_accepts_the_documented_request() {
    let output = slackhook()
        .env("SLACK_SIGNING_SECRET", SECRET)
        .args([
            "verify",
            "--timestamp",
            TIMESTAMP,
            "--signature",
            SIGNATURE,
            "--now",
            NOW,
        ])
        .write_stdin(BODY)
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("valid"), "{}", stdout(&output));
    assert_hidden(&output, SECRET);
}

#[test]
fn verify_rejects_a_tampered_body_with_exit_1_and_the_reason() {
    let output = slackhook()
        .env("SLACK_SIGNING_SECRET", SECRET)
        .args([
            "verify",
            "--timestamp",
            TIMESTAMP,
            "--signature",
            SIGNATURE,
            "--now",
            NOW,
        ])
        .write_stdin(BODY.replace("roadrunner", "coyote"))
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("signature does not match"),
        "{}",
        stderr(&output)
    );
    assert_hidden(&output, SECRET);
}

#[test]
fn verify_rejects_a_stale_request_with_exit_1() {
    // Without --now, the documented request is years old.
    let output = slackhook()
        .env("SLACK_SIGNING_SECRET", SECRET)
        .args(["verify", "--timestamp", TIMESTAMP, "--signature", SIGNATURE])
        .write_stdin(BODY)
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("old"), "{}", stderr(&output));
}

#[test]
fn a_missing_secret_exits_2_and_names_where_to_give_it() {
    let output = slackhook()
        .args(["verify", "--timestamp", TIMESTAMP, "--signature", SIGNATURE])
        .write_stdin(BODY)
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr(&output);
    assert!(stderr.contains("SLACK_SIGNING_SECRET"), "{stderr}");
    assert!(stderr.contains("--secret"), "{stderr}");
}
