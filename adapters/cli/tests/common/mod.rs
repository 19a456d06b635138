//! Helpers shared by the CLI's tests: the binary as a process, with a clean environment and a
//! time limit, and a check that no secret reached its output.

#![allow(dead_code)] // Each test file uses its own subset of these helpers.

use std::time::Duration;

use assert_cmd::Command;
use slackhook::WebhookUrl;

/// No run of the binary in these tests may take longer; most take milliseconds.
pub const RUN_LIMIT: Duration = Duration::from_secs(30);

/// The `slackhook` binary, with none of the variables it reads inherited from the test's own
/// environment.
pub fn slackhook() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_slackhook"));
    command
        .env_remove("SLACK_WEBHOOK_URL")
        .env_remove("SLACK_SIGNING_SECRET")
        .env_remove("RUST_LOG")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .timeout(RUN_LIMIT);
    command
}

/// The secret part of a webhook URL: its last path segment.
pub fn token(url: &WebhookUrl) -> String {
    let path = url.as_uri().path();
    path.rsplit('/').next().unwrap_or(path).to_owned()
}

/// Panics if `secret` appears in the process's stdout or stderr.
pub fn assert_hidden(output: &std::process::Output, secret: &str) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stdout.contains(secret), "secret on stdout:\n{stdout}");
    assert!(!stderr.contains(secret), "secret on stderr:\n{stderr}");
}

/// stdout as text.
pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
