//! Signed slash commands sent to a tiny app written here.

use std::io::{self, ErrorKind, Read, Write};
use std::net::TcpListener;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use slackhook_emulator::{Emulator, SlashCommandRequest, Target};

use crate::client::{TIMEOUT, post};

/// Slack's worked example (shared/SLACK.md).
const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

/// What the app received.
struct Captured {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Captured {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn timestamp(&self) -> u64 {
        self.header("x-slack-request-timestamp")
            .and_then(|v| v.parse().ok())
            .expect("a numeric X-Slack-Request-Timestamp")
    }

    fn signature(&self) -> &str {
        self.header("x-slack-signature")
            .expect("an X-Slack-Signature")
    }

    fn fields(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(&self.body).into_owned().collect()
    }

    fn field(&self, name: &str) -> Option<String> {
        self.fields()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

/// The signature, computed here independently of the crate under test.
fn expected_signature(secret: &str, timestamp: u64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("v0:{timestamp}:").as_bytes());
    mac.update(body);
    let tag = mac.finalize().into_bytes();
    let hex: String = tag.iter().map(|b| format!("{b:02x}")).collect();
    format!("v0={hex}")
}

/// An app that answers one request with `status` and `reply`, and hands back what it got.
fn app(status: u16, reply: &'static str) -> (String, JoinHandle<io::Result<Captured>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the app");
    let url = format!(
        "http://{}/slack/commands",
        listener.local_addr().expect("addr")
    );

    let thread = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept()?;
        stream.set_read_timeout(Some(TIMEOUT))?;

        let mut buf = Vec::new();
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk)?;
            if n == 0 {
                return Err(ErrorKind::UnexpectedEof.into());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let headers: Vec<(String, String)> = head
            .split("\r\n")
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
            .collect();
        let length: usize = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);

        let mut body = buf[head_end..].to_vec();
        while body.len() < length {
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk)?;
            if n == 0 {
                return Err(ErrorKind::UnexpectedEof.into());
            }
            body.extend_from_slice(&chunk[..n]);
        }

        write!(
            stream,
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{reply}",
            reply.len()
        )?;
        Ok(Captured { headers, body })
    });
    (url, thread)
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

#[test]
fn the_independent_signature_matches_slacks_worked_example() {
    let body = concat!(
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow",
        "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner",
        "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com",
        "%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN",
        "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
    );
    assert_eq!(
        expected_signature(SLACK_SECRET, 1531420618, body.as_bytes()),
        "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    );
}

#[test]
fn a_slash_command_reaches_the_app_signed_with_a_response_url_that_accepts_a_reply() {
    let emulator = Emulator::builder()
        .signing_secret(SLACK_SECRET)
        .start()
        .expect("start");
    let (app_url, app) = app(200, r#"{"response_type":"ephemeral","text":"on it"}"#);

    let command = SlashCommandRequest::new("/reply-this", "hello there")
        .user("U123")
        .channel("C123");
    let answer = emulator
        .slash_command(&app_url, command)
        .expect("the app answers");
    let got = app.join().expect("app thread").expect("app read a request");

    assert_eq!(answer.status, 200);
    assert!(answer.body.contains("on it"));

    assert_eq!(
        got.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let timestamp = got.timestamp();
    assert!(timestamp.abs_diff(unix_now()) <= 10);
    assert_eq!(
        got.signature(),
        expected_signature(SLACK_SECRET, timestamp, &got.body)
    );

    let names: Vec<String> = got.fields().into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "token",
            "team_id",
            "team_domain",
            "channel_id",
            "channel_name",
            "user_id",
            "user_name",
            "command",
            "text",
            "api_app_id",
            "is_enterprise_install",
            "response_url",
            "trigger_id",
        ]
    );
    assert_eq!(got.field("command").as_deref(), Some("/reply-this"));
    assert_eq!(got.field("text").as_deref(), Some("hello there"));
    assert_eq!(got.field("user_id").as_deref(), Some("U123"));
    assert_eq!(got.field("channel_id").as_deref(), Some("C123"));
    assert!(got.field("team_id").is_some_and(|t| t.starts_with('T')));
    assert_eq!(
        got.field("response_url").as_deref(),
        Some(answer.response_url.expose_secret())
    );

    let reply = post(&emulator, &answer.response_url, r#"{"text":"done"}"#);
    assert_eq!((reply.status, reply.body.as_str()), (200, "ok"));
    let messages = emulator.messages_to(&answer.response_url);
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].kind(), Target::Command);
}

#[test]
fn the_default_signing_secret_is_random_and_used() {
    let emulator = Emulator::start().expect("start");
    assert!(emulator.signing_secret().len() >= 32);
    assert_ne!(
        emulator.signing_secret(),
        Emulator::start().expect("start").signing_secret()
    );

    let (app_url, app) = app(200, "");
    emulator
        .slash_command(&app_url, SlashCommandRequest::new("/x", ""))
        .expect("answer");
    let got = app.join().expect("app thread").expect("request");

    let secret = emulator.signing_secret();
    assert_eq!(
        got.signature(),
        expected_signature(secret, got.timestamp(), &got.body)
    );
}

#[test]
fn negative_options_make_requests_that_do_not_verify() {
    let emulator = Emulator::start().expect("start");
    let secret = emulator.signing_secret().to_owned();
    let send = |request: SlashCommandRequest| {
        let (app_url, app) = app(401, "");
        let answer = emulator.slash_command(&app_url, request).expect("answer");
        assert_eq!(answer.status, 401);
        app.join().expect("app thread").expect("request")
    };
    let base = SlashCommandRequest::new("/reply-this", "x");

    let forged = send(base.clone().signed_with("not-the-secret"));
    let ts = forged.timestamp();
    assert_ne!(
        forged.signature(),
        expected_signature(&secret, ts, &forged.body)
    );
    assert_eq!(
        forged.signature(),
        expected_signature("not-the-secret", ts, &forged.body)
    );

    let stale = send(base.clone().timestamp(1_531_420_618));
    assert_eq!(stale.timestamp(), 1_531_420_618);
    assert_eq!(
        stale.signature(),
        expected_signature(&secret, 1_531_420_618, &stale.body)
    );

    let tampered = send(base.clone().tamper_after_signing());
    let ts = tampered.timestamp();
    assert_ne!(
        tampered.signature(),
        expected_signature(&secret, ts, &tampered.body)
    );

    let unsigned = send(base.unsigned());
    assert!(unsigned.header("x-slack-signature").is_none());
    assert!(unsigned.header("x-slack-request-timestamp").is_none());
}

#[test]
fn an_app_that_does_not_answer_in_time_is_a_timeout() {
    let emulator = Emulator::start().expect("start");
    // Connections complete in the backlog, but nobody ever reads or answers.
    let silent = TcpListener::bind("127.0.0.1:0").expect("bind");
    let app_url = format!("http://{}/slow", silent.local_addr().expect("addr"));

    let request = SlashCommandRequest::new("/x", "").timeout(Duration::from_millis(200));
    let error = emulator
        .slash_command(&app_url, request)
        .expect_err("no answer");

    assert_eq!(error.kind(), ErrorKind::TimedOut, "{error}");
}

#[test]
fn apps_must_be_plain_http_on_loopback() {
    let emulator = Emulator::start().expect("start");
    for app_url in ["https://127.0.0.1:1/x", "http://example.com/x", "not a url"] {
        let error = emulator
            .slash_command(app_url, SlashCommandRequest::new("/x", ""))
            .expect_err(app_url);
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{app_url}");
    }
}
