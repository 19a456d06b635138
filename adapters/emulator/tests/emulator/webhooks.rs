//! Slack's answers on webhooks and response_urls.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use slackhook_emulator::{Emulator, Target};

use crate::client::{Client, TIMEOUT, post};

fn many(n: usize) -> Vec<Value> {
    (0..n).map(|_| json!({})).collect()
}

#[test]
fn a_json_post_is_answered_ok_and_recorded() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();

    let answer = post(&emulator, &url, r#"{"text":"Deploy finished"}"#);

    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, "ok");
    assert_eq!(answer.header("content-type"), Some("text/html"));
    assert_eq!(answer.header("content-length"), Some("2"));
    let date = answer.header("date").expect("a Date header");
    assert!(httpdate::parse_http_date(date).is_ok(), "{date}");

    let messages = emulator.messages();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert_eq!(message.kind(), Target::Webhook);
    assert_eq!(message.text(), Some("Deploy finished"));
    assert_eq!(message.payload(), &json!({"text": "Deploy finished"}));
    assert_eq!(message.raw_body(), br#"{"text":"Deploy finished"}"#);
    assert_eq!(message.path(), url.as_uri().path());
    assert_eq!(
        message.headers().get("content-type").map(|v| v.as_bytes()),
        Some(&b"application/json"[..])
    );
}

#[test]
fn webhook_urls_look_like_slacks() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();

    let text = url.expose_secret();
    let path = text
        .strip_prefix(&emulator.base_url())
        .expect("under the base url");
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    assert_eq!(segments[0], "services");
    assert!(segments[1].starts_with('T'));
    assert!(segments[2].starts_with('B'));
    assert_eq!(segments[3].len(), 24);
    assert_ne!(emulator.webhook_url(), url);

    assert!(emulator.base_url().starts_with("http://127.0.0.1:"));
    assert!(
        emulator
            .response_url()
            .as_uri()
            .path()
            .starts_with("/commands/T")
    );
    assert!(
        emulator
            .action_url()
            .as_uri()
            .path()
            .starts_with("/actions/T")
    );
}

#[test]
fn a_ureq_client_is_answered_ok() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .proxy(None)
        .http_status_as_error(false)
        .build()
        .into();

    let mut response = agent
        .post(url.expose_secret())
        .header("Content-Type", "application/json")
        .send(r#"{"text":"from ureq"}"#)
        .expect("post");

    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.body_mut().read_to_string().expect("body"), "ok");
    assert_eq!(emulator.messages_to(&url)[0].text(), Some("from ureq"));
}

#[test]
fn a_form_with_a_json_payload_field_is_accepted() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", r#"{"text":"from a form"}"#)
        .finish();

    let mut client = Client::connect(&emulator);
    let headers = [("Content-Type", "application/x-www-form-urlencoded")];
    client
        .send("POST", url.as_uri().path(), &headers, body.as_bytes())
        .expect("send");
    let answer = client.read_answer().expect("answer");

    assert_eq!((answer.status, answer.body.as_str()), (200, "ok"));
    assert_eq!(emulator.messages()[0].text(), Some("from a form"));
}

#[test]
fn a_body_that_is_not_json_is_an_invalid_payload() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();

    for body in ["not json", "", "[1,2]", r#"{"text":"unterminated"#] {
        let answer = post(&emulator, &url, body);
        assert_eq!(
            (answer.status, answer.body.as_str()),
            (400, "invalid_payload")
        );
        assert!(
            answer
                .header("content-type")
                .is_some_and(|t| t.starts_with("text/plain"))
        );
    }
    assert!(emulator.messages().is_empty());
}

#[test]
fn a_message_without_text_blocks_or_attachments_has_no_text() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();

    for body in [
        json!({}),
        json!({"text": ""}),
        json!({"blocks": [], "attachments": []}),
        json!({"delete_original": true}),
    ] {
        let answer = post(&emulator, &url, &body.to_string());
        assert_eq!(
            (answer.status, answer.body.as_str()),
            (400, "no_text"),
            "{body}"
        );
    }
    assert!(emulator.messages().is_empty());
}

#[test]
fn more_than_100_attachments_are_too_many() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();

    let answer = post(
        &emulator,
        &url,
        &json!({"attachments": many(101)}).to_string(),
    );
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (400, "too_many_attachments")
    );

    let answer = post(
        &emulator,
        &url,
        &json!({"attachments": many(100)}).to_string(),
    );
    assert_eq!(answer.status, 200);
}

#[test]
fn more_than_50_blocks_are_invalid_blocks() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();

    let answer = post(&emulator, &url, &json!({"blocks": many(51)}).to_string());
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (400, "invalid_blocks")
    );

    let answer = post(&emulator, &url, &json!({"blocks": many(50)}).to_string());
    assert_eq!(answer.status, 200);
}

#[test]
fn an_unknown_path_is_no_service() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();
    let wrong = format!("{}x", url.expose_secret())
        .parse()
        .expect("valid url");

    let answer = post(&emulator, &wrong, r#"{"text":"hi"}"#);

    assert_eq!((answer.status, answer.body.as_str()), (404, "no_service"));
    assert!(emulator.messages().is_empty());
}

#[test]
fn methods_other_than_post_are_not_allowed() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();
    let mut client = Client::connect(&emulator);

    for method in ["GET", "PUT", "DELETE"] {
        client
            .send(method, url.as_uri().path(), &[], b"")
            .expect("send");
        let answer = client.read_answer().expect("answer");
        assert_eq!(answer.status, 405, "{method}");
        assert_eq!(answer.header("allow"), Some("POST"));
    }
}

#[test]
fn a_chunked_body_is_decoded() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();
    let mut client = Client::connect(&emulator);

    let request = format!(
        "POST {} HTTP/1.1\r\nHost: e\r\nTransfer-Encoding: chunked\r\n\r\n\
         5\r\n{{\"tex\r\n8\r\nt\":\"hi\"}}\r\n0\r\n\r\n",
        url.as_uri().path()
    );
    std::io::Write::write_all(&mut client.stream, request.as_bytes()).expect("send");
    let answer = client.read_answer().expect("answer");

    assert_eq!(answer.status, 200);
    assert_eq!(emulator.messages()[0].raw_body(), br#"{"text":"hi"}"#);
}

#[test]
fn expect_100_continue_is_honoured() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();
    let mut client = Client::connect(&emulator);

    let body = r#"{"text":"hi"}"#;
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: e\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
        url.as_uri().path(),
        body.len()
    );
    std::io::Write::write_all(&mut client.stream, head.as_bytes()).expect("head");
    let mut interim = [0u8; 25];
    std::io::Read::read_exact(&mut client.stream, &mut interim).expect("100 continue");
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");

    std::io::Write::write_all(&mut client.stream, body.as_bytes()).expect("body");
    assert_eq!(client.read_answer().expect("answer").status, 200);
}

#[test]
fn a_response_url_accepts_five_uses_then_is_used() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.response_url();
    let mut client = Client::connect(&emulator);

    for i in 0..5 {
        let answer = client.post(&url, r#"{"text":"reply"}"#).expect("answer");
        assert_eq!(answer.status, 200, "use {i}");
    }
    let answer = client.post(&url, r#"{"text":"reply"}"#).expect("answer");

    assert_eq!((answer.status, answer.body.as_str()), (404, "used_url"));
    assert_eq!(emulator.messages_to(&url).len(), 5);
    assert!(
        emulator
            .messages()
            .iter()
            .all(|m| m.kind() == Target::Command)
    );
}

#[test]
fn rejected_payloads_do_not_use_up_a_response_url() {
    let emulator = Emulator::builder()
        .response_url_uses(1)
        .start()
        .expect("start");
    let url = emulator.action_url();

    assert_eq!(post(&emulator, &url, "{}").status, 400);
    assert_eq!(post(&emulator, &url, r#"{"text":"a"}"#).status, 200);
    assert_eq!(post(&emulator, &url, r#"{"text":"b"}"#).body, "used_url");
    assert_eq!(emulator.messages()[0].kind(), Target::Action);
}

#[test]
fn a_response_url_expires() {
    let emulator = Emulator::builder()
        .response_url_lifetime(Duration::from_millis(50))
        .start()
        .expect("start");
    let url = emulator.response_url();
    std::thread::sleep(Duration::from_millis(80));

    let answer = post(&emulator, &url, r#"{"text":"too late"}"#);

    assert_eq!((answer.status, answer.body.as_str()), (404, "expired_url"));
}

#[test]
fn delete_original_alone_is_accepted_on_response_urls_only() {
    let emulator = Emulator::start().expect("start");
    let delete = r#"{"delete_original":true}"#;

    assert_eq!(
        post(&emulator, &emulator.response_url(), delete).status,
        200
    );
    assert_eq!(post(&emulator, &emulator.action_url(), delete).status, 200);
    assert_eq!(
        post(&emulator, &emulator.webhook_url(), delete).body,
        "no_text"
    );
}

#[test]
fn messages_to_picks_one_urls_messages_in_order() {
    let emulator = Emulator::start().expect("start");
    let (a, b) = (emulator.webhook_url(), emulator.webhook_url());
    let mut client = Client::connect(&emulator);

    for (url, text) in [(&a, "1"), (&b, "2"), (&a, "3")] {
        let json = json!({ "text": text }).to_string();
        assert_eq!(client.post(url, &json).expect("answer").status, 200);
    }

    let texts = |url| -> Vec<String> {
        emulator
            .messages_to(url)
            .iter()
            .filter_map(|m| m.text().map(str::to_owned))
            .collect()
    };
    assert_eq!(texts(&a), ["1", "3"]);
    assert_eq!(texts(&b), ["2"]);
    assert_eq!(emulator.messages().len(), 3);
}

#[test]
fn wait_for_messages_returns_what_it_has_after_the_timeout() {
    let emulator = Emulator::start().expect("start");
    post(&emulator, &emulator.webhook_url(), r#"{"text":"one"}"#);

    let started = Instant::now();
    let messages = emulator.wait_for_messages(2, Duration::from_millis(100));

    assert_eq!(messages.len(), 1);
    assert!(started.elapsed() >= Duration::from_millis(100));
    assert!(started.elapsed() < TIMEOUT);
}

#[test]
fn wait_for_messages_wakes_when_a_message_arrives() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();

    std::thread::scope(|scope| {
        scope.spawn(|| {
            std::thread::sleep(Duration::from_millis(50));
            post(&emulator, &url, r#"{"text":"late"}"#);
        });
        let started = Instant::now();
        let messages = emulator.wait_for_messages(1, TIMEOUT);
        assert_eq!(messages.len(), 1);
        assert!(started.elapsed() < TIMEOUT);
    });
}

#[test]
fn on_message_sees_every_accepted_message_before_the_answer() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let emulator = Emulator::builder()
        .on_message(move |message| {
            let text = message.text().unwrap_or_default().to_owned();
            sink.lock().expect("not poisoned").push(text);
        })
        .start()
        .expect("start");
    let url = emulator.webhook_url();

    post(&emulator, &url, r#"{"text":"seen"}"#);
    post(&emulator, &url, "{}");

    assert_eq!(*seen.lock().expect("not poisoned"), ["seen"]);
}

#[test]
fn received_messages_do_not_show_their_secrets_in_debug() {
    let emulator = Emulator::start().expect("start");
    let url = emulator.webhook_url();
    post(&emulator, &url, r#"{"text":"confidential"}"#);

    let debug = format!("{:?}", emulator.messages()[0]);
    let token = url.as_uri().path().rsplit('/').next().expect("token");

    assert!(!debug.contains(token), "{debug}");
    assert!(!debug.contains("confidential"), "{debug}");
}

#[test]
fn binding_a_remote_address_is_refused() {
    let error = Emulator::builder()
        .bind("192.0.2.1:0".parse().expect("literal"))
        .start()
        .expect_err("not loopback");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
}
