//! A catalogue of hostile inputs, each with the typed error it must produce.
//!
//! Every row names an input a careless caller, a broken proxy or an attacker could hand the core,
//! and the exact outcome. None may panic, and none may echo a secret.

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::{URL, rng};
use http::{HeaderMap, HeaderValue, StatusCode};
use slackhook::interaction::{InteractionError, SlashCommand};
use slackhook::retry::{RateLimitErrorRetryHandler, retry_after};
use slackhook::signature::{SignatureError, SignatureVerifier};
use slackhook::validate::Rule;
use slackhook::{
    Error, GiveUp, Message, SlackError, Step, UrlError, Webhook, WebhookResponse, WebhookUrl,
};

#[test]
fn hostile_urls_get_typed_errors() {
    let ten_megabytes = format!(
        "https://hooks.slack.com/services/T/B/{}",
        "a".repeat(10 << 20)
    );
    let table: &[(&str, UrlError)] = &[
        (
            "https://user:pass@hooks.slack.com/services/T/B/x",
            UrlError::HasUserInfo,
        ),
        (
            "https://@hooks.slack.com/services/T/B/x",
            UrlError::HasUserInfo,
        ),
        (
            "https://hooks.slack.com/services/T/B/x\r\nHost: evil",
            UrlError::InvalidCharacter,
        ),
        (
            "https://hooks.slack.com/ser vices/T/B/x",
            UrlError::InvalidCharacter,
        ),
        ("https://hooks.slack.com/\u{0}", UrlError::InvalidCharacter),
        ("javascript:alert(1)", UrlError::NotAbsolute),
        ("//hooks.slack.com/services/T/B/x", UrlError::NotAbsolute),
        ("http://169.254.169.254/latest", UrlError::InsecureScheme),
        ("http://localhost.evil.com/x", UrlError::InsecureScheme),
        ("http://127.0.0.1.nip.io/x", UrlError::InsecureScheme),
        ("file:///etc/passwd", UrlError::Malformed),
        (&ten_megabytes, UrlError::Malformed),
    ];
    for (input, expected) in table {
        let got = WebhookUrl::parse(input).map(|_| ());
        assert_eq!(got, Err(*expected), "{}", &input[..input.len().min(60)]);
    }
}

#[test]
fn hostile_payloads_get_typed_errors() {
    let webhook = Webhook::new(URL.parse().expect("url"));

    let huge = Message::text("x".repeat(10 << 20));
    let Err(Error::Invalid(err)) = webhook.send(&huge) else {
        panic!("a 10 MB text must be rejected");
    };
    assert_eq!(
        err.rule(),
        &Rule::TooLong {
            chars: 10 << 20,
            limit: 40_000
        }
    );

    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let err = Message::from_json_str(&nested).expect_err("too deep");
    assert!(
        matches!(
            err,
            Error::InvalidJson {
                reason: "syntax error",
                ..
            }
        ),
        "{err}"
    );

    let err = Message::from_json_str("{\"text\": \"\\ud800\"}").expect_err("lone surrogate");
    assert!(matches!(err, Error::InvalidJson { .. }));

    let err = Message::from_json_str("").expect_err("empty");
    assert!(matches!(
        err,
        Error::InvalidJson {
            reason: "unexpected end of input",
            ..
        }
    ));

    let err = Message::from_json_str("null").expect_err("null");
    assert_eq!(err, Error::NotAnObject { found: "null" });

    let blocks =
        serde_json::json!({"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": 5}}]});
    let err = webhook.send_json(&blocks).expect_err("wrong type");
    assert_eq!(
        err.to_string(),
        "blocks[0].text.text: expected a string, found a number"
    );
}

#[test]
fn hostile_responses_are_read_without_panicking() {
    let response = |status: u16, body: &'static [u8]| {
        WebhookResponse::new(
            StatusCode::from_u16(status).expect("status"),
            HeaderMap::new(),
            Bytes::from_static(body),
        )
    };

    let invalid_utf8 = response(400, b"invalid_\xff\xfepayload");
    assert_eq!(
        invalid_utf8.slack_error(),
        Some(SlackError::Other("invalid_\u{fffd}\u{fffd}payload".into()))
    );

    let json_garbage = response(400, b"{\"ok\":false,\"error\":");
    assert!(matches!(
        json_garbage.slack_error(),
        Some(SlackError::Other(_))
    ));

    let json_number = response(500, b"{\"error\": 5}");
    assert!(matches!(
        json_number.slack_error(),
        Some(SlackError::Other(_))
    ));

    let empty_teapot = response(418, b"");
    assert_eq!(
        empty_teapot.slack_error(),
        Some(SlackError::Other("http_418".into()))
    );
}

#[test]
fn odd_retry_after_headers_are_read_safely() {
    let headers = |pairs: &[(&str, &[u8])]| {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            let name = http::HeaderName::from_bytes(name.as_bytes()).expect("name");
            map.append(name, HeaderValue::from_bytes(value).expect("value"));
        }
        map
    };
    type Row<'a> = (&'a [(&'a str, &'a [u8])], Option<Duration>);
    let table: &[Row<'_>] = &[
        (&[("RETRY-AFTER", b"3")], Some(Duration::from_secs(3))),
        (&[("Retry-After", b"  4  ")], Some(Duration::from_secs(4))),
        (
            &[("retry-after", b"5"), ("retry-after", b"500")],
            Some(Duration::from_secs(5)),
        ),
        (
            &[("retry-after", b"99999999999")],
            Some(Duration::from_secs(99_999_999_999)),
        ),
        (
            &[("retry-after", b"18446744073709551616")],
            Some(Duration::from_secs(u64::MAX)),
        ),
        (&[("retry-after", b"-1")], None),
        (&[("retry-after", b"1e3")], None),
        (&[("retry-after", b"0x10")], None),
        (&[("retry-after", b"\xff\xfe")], None),
        (&[("retry-after", b"Wed, 21 Oct 2015 07:28:00 GMT")], None),
        (&[], None),
    ];
    for (pairs, expected) in table {
        assert_eq!(retry_after(&headers(pairs)), *expected, "{pairs:?}");
    }
}

#[test]
fn an_absurd_retry_after_ends_the_delivery_without_sleeping() {
    let webhook = Webhook::builder(URL.parse().expect("url"))
        .retry_handler(RateLimitErrorRetryHandler::new())
        .build()
        .expect("webhook");
    let mut delivery = webhook.send(&Message::text("x")).expect("valid");
    assert!(matches!(delivery.poll(), Ok(Step::Transmit(_))));

    let response = http::Response::builder()
        .status(429)
        .header("retry-after", "99999999999")
        .body(Bytes::new())
        .expect("response");
    delivery
        .handle_response(response, &mut rng(0))
        .expect("in turn");

    assert!(matches!(delivery.poll(), Ok(Step::Done(r)) if r.status() == 429));
    assert!(matches!(
        delivery.give_up(),
        Some(GiveUp::WaitAboveCap { .. })
    ));
}

#[test]
fn hostile_timestamps_and_signatures_get_typed_errors() {
    let verifier = SignatureVerifier::new("secret").expect("secret");
    let good_sig = format!("v0={}", "0".repeat(64));
    let table: &[(&str, &str, SignatureError)] = &[
        ("-1", &good_sig, SignatureError::MalformedTimestamp),
        ("1e3", &good_sig, SignatureError::MalformedTimestamp),
        (
            "18446744073709551616",
            &good_sig,
            SignatureError::MalformedTimestamp,
        ),
        ("+1531420618", &good_sig, SignatureError::MalformedTimestamp),
        (" 1531420618", &good_sig, SignatureError::MalformedTimestamp),
        ("", &good_sig, SignatureError::MissingTimestamp),
        ("1531420618", "", SignatureError::MissingSignature),
        ("1531420618", "v0=zz", SignatureError::MalformedSignature),
        (
            "1531420618",
            "sha256=abc",
            SignatureError::MalformedSignature,
        ),
        (
            "1531420618",
            &format!("v1={}", "0".repeat(64)),
            SignatureError::UnknownVersion,
        ),
        ("1531420618", &good_sig, SignatureError::Mismatch),
    ];
    for (timestamp, signature, expected) in table {
        let got = verifier.verify(b"body", timestamp, signature, 1_531_420_618);
        assert_eq!(got, Err(*expected), "{timestamp:?} {signature:?}");
    }
    assert_eq!(
        SignatureVerifier::new("").map(|_| ()),
        Err(SignatureError::EmptySecret)
    );
}

#[test]
fn hostile_forms_get_typed_errors() {
    assert!(matches!(
        SlashCommand::from_form(b"\xff\xfe"),
        Err(InteractionError::NotUtf8)
    ));
    assert!(matches!(
        SlashCommand::from_form(b"command=%2Fx&response_url=http%3A%2F%2Fevil.com%2Fx"),
        Err(InteractionError::InvalidResponseUrl(
            UrlError::InsecureScheme
        ))
    ));
    assert!(matches!(
        SlashCommand::from_form(b"text=hi"),
        Err(InteractionError::MissingField { .. })
    ));
    let err = SlashCommand::from_form(
        concat!(
            "command=%2Fx&response_url=",
            "https%3A%2F%2Fu%3Ap%40hooks.slack.com%2Fcommands%2FT%2F1%2Fsecret"
        )
        .as_bytes(),
    )
    .expect_err("user-info");
    assert!(!err.to_string().contains("secret"));
}
