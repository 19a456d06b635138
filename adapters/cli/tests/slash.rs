//! `slackhook slash` against a tiny app that checks the signature as a real app must, answers,
//! and replies to the response_url.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use slackhook::Message;
use slackhook::interaction::SlashCommand;
use slackhook::signature::SignatureVerifier;
use slackhook_ureq::WebhookClient;

use common::{assert_hidden, slackhook, stderr, stdout};

const SECRET: &str = "a-signing-secret-for-tests";

/// Starts an app that serves one slash command, and returns its URL.
///
/// It answers `401` unless the request is signed with [`SECRET`]; otherwise it acknowledges
/// with an in-channel message and then posts a reply to the command's response_url.
fn app() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("the app binds");
    let url = format!(
        "http://{}/slack/commands",
        listener.local_addr().expect("bound")
    );
    thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        serve(stream);
    });
    url
}

fn serve(stream: TcpStream) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a read timeout");
    let (headers, body) = read_request(&stream);
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    };

    let verifier = SignatureVerifier::new(SECRET).expect("a secret");
    let verified = verifier.verify_now(
        &body,
        header("x-slack-request-timestamp"),
        header("x-slack-signature"),
    );
    if verified.is_err() {
        respond(
            &stream,
            "401 Unauthorized",
            "text/plain",
            "invalid signature",
        );
        return;
    }

    let command = SlashCommand::from_form(&body).expect("a slash command form");
    let answer = serde_json::json!({
        "response_type": "in_channel",
        "text": format!("deploying {} for {}", command.text(), command.user_id()),
    });
    respond(&stream, "200 OK", "application/json", &answer.to_string());

    let reply = WebhookClient::new(command.response_url().clone())
        .send(&Message::text(format!("deployed {}", command.text())))
        .expect("the reply is delivered");
    assert_eq!(reply.status(), 200);
}

fn read_request(stream: &TcpStream) -> (Vec<(String, String)>, Vec<u8>) {
    let mut reader = BufReader::new(stream);
    let mut headers = Vec::new();
    let mut line = String::new();
    reader.read_line(&mut line).expect("a request line");
    loop {
        line.clear();
        reader.read_line(&mut line).expect("a header line");
        let Some((name, value)) = line.trim_end().split_once(':') else {
            break;
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("the body");
    (headers, body)
}

fn respond(mut stream: &TcpStream, status: &str, kind: &str, body: &str) {
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(response.as_bytes())
        .expect("the answer is written");
}

#[test]
fn slash_sends_a_signed_command_and_prints_the_answer_and_the_reply() {
    let app = app();

    let output = slackhook()
        .env("SLACK_SIGNING_SECRET", SECRET)
        .args([
            "slash",
            "--to",
            &app,
            "/deploy api",
            "--user",
            "U123",
            "--wait",
            "3",
        ])
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let stdout = stdout(&output);
    assert!(stdout.starts_with("app answered 200 OK\n"), "{stdout}");
    assert!(stdout.contains("text: deploying api for U123"), "{stdout}");
    assert!(stdout.contains("reply 1 to the response_url:"), "{stdout}");
    assert!(stdout.contains("text: deployed api"), "{stdout}");
    assert!(
        stdout.contains("1 reply to the response_url within 3s"),
        "{stdout}"
    );
    assert_hidden(&output, SECRET);
}

#[test]
fn an_app_that_rejects_the_signature_makes_slash_exit_1() {
    let app = app();

    let output = slackhook()
        .args([
            "slash",
            "--to",
            &app,
            "/deploy",
            "--secret",
            "not-the-apps-secret",
        ])
        .args(["--wait", "0"])
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("app answered 401"),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output).contains("the app answered 401"),
        "{}",
        stderr(&output)
    );
    assert_hidden(&output, "not-the-apps-secret");
}

#[test]
fn an_unreachable_app_makes_slash_exit_3() {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();

    let output = slackhook()
        .env("SLACK_SIGNING_SECRET", SECRET)
        .args([
            "slash",
            "--to",
            &format!("http://127.0.0.1:{port}/x"),
            "/deploy",
        ])
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("could not reach the app"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn text_that_is_not_a_slash_command_exits_2() {
    let output = slackhook()
        .env("SLACK_SIGNING_SECRET", SECRET)
        .args(["slash", "--to", "http://127.0.0.1:9/x", "deploy api"])
        .output()
        .expect("runs");

    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("not a slash command"),
        "{}",
        stderr(&output)
    );
}
