//! `slackhook listen`, run as a process: it prints its URL first, then what is posted to it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

/// How long any one wait on the listener may take.
const WAIT: Duration = Duration::from_secs(15);

/// The listener process; killed when dropped, whatever the test's outcome.
struct Listener {
    child: Child,
    lines: Receiver<String>,
}

impl Listener {
    fn spawn(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_slackhook"))
            .arg("listen")
            .args(args)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the listener starts");

        // A thread reads stdout, so that every wait below can have a time limit.
        let stdout = child.stdout.take().expect("stdout is piped");
        let (send, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Self { child, lines }
    }

    fn next_line(&self) -> String {
        self.lines
            .recv_timeout(WAIT)
            .expect("the listener printed a line in time")
    }

    /// Lines up to and including the first that contains `needle`.
    fn lines_until(&self, needle: &str) -> Vec<String> {
        let deadline = Instant::now() + WAIT;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let found = line.contains(needle);
                    seen.push(line);
                    if found {
                        return seen;
                    }
                }
                Err(_) => panic!("{needle:?} never printed; got {seen:#?}"),
            }
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn post(url: &str, body: &str) -> u16 {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(WAIT))
        .build()
        .into();
    agent
        .post(url)
        .header("Content-Type", "application/json")
        .send(body)
        .expect("the listener answers")
        .status()
        .as_u16()
}

#[test]
fn listen_prints_its_url_first_then_each_message_posted_to_it() {
    let listener = Listener::spawn(&[]);

    let url = listener.next_line();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(url.contains("/services/"), "{url}");

    let payload = r#"{"text":"hello from a test","blocks":[{"type":"divider"}]}"#;
    assert_eq!(post(&url, payload), 200);

    let lines = listener.lines_until("text: hello from a test");
    assert!(lines[0].starts_with("message 1 · webhook"), "{lines:#?}");
    let more = listener.lines_until("1. divider");
    assert!(more.iter().any(|l| l.contains("blocks: 1")), "{more:#?}");
}

#[test]
fn listen_appends_each_message_to_the_log_as_a_json_line() {
    let dir = std::env::temp_dir().join(format!("slackhook-listen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let log = dir.join("messages.jsonl");
    let _ = std::fs::remove_file(&log);

    let listener = Listener::spawn(&["--log", log.to_str().expect("utf-8 path")]);
    let url = listener.next_line();
    assert_eq!(post(&url, r#"{"text":"one"}"#), 200);
    assert_eq!(post(&url, r#"{"text":"two"}"#), 200);
    listener.lines_until("text: two");

    let written = std::fs::read_to_string(&log).expect("the log exists");
    let lines: Vec<serde_json::Value> = written
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(
        lines,
        [
            serde_json::json!({"text": "one"}),
            serde_json::json!({"text": "two"})
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn listen_keeps_running_when_stdin_is_closed() {
    // stdin is /dev/null: at EOF from the start.
    let listener = Listener::spawn(&[]);
    let url = listener.next_line();
    thread::sleep(Duration::from_millis(200));
    assert_eq!(post(&url, r#"{"text":"still here"}"#), 200);
    listener.lines_until("text: still here");
}

#[test]
fn listen_answers_429_beyond_its_rate_limit() {
    let listener = Listener::spawn(&["--rate-limit", "1"]);
    let url = listener.next_line();
    assert_eq!(post(&url, r#"{"text":"first"}"#), 200);
    assert_eq!(post(&url, r#"{"text":"too soon"}"#), 429);
}

#[cfg(unix)]
#[test]
fn listen_stops_cleanly_on_ctrl_c() {
    let mut listener = Listener::spawn(&[]);
    listener.next_line();

    let pid = listener.child.id().to_string();
    let sent = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill runs");
    assert!(sent.success());

    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = listener.child.try_wait().expect("waits") {
            break status;
        }
        assert!(Instant::now() < deadline, "still running after Ctrl-C");
        thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
}
