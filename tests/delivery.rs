//! The delivery state machine, driven by scripted outcomes.

mod common;

use std::time::Duration;

use common::{Answer, Event, URL, drive, rng};
use slackhook::retry::{
    BackoffInterval, ConnectionErrorRetryHandler, FixedInterval, RateLimitErrorRetryHandler,
    RetryHandler, ServerErrorRetryHandler,
};
use slackhook::{
    Error, GiveUp, Message, Step, TransportError, TransportErrorKind, Webhook, WebhookUrl,
};

fn webhook(handlers: Vec<std::sync::Arc<dyn RetryHandler>>) -> Webhook {
    Webhook::builder(URL.parse().expect("url"))
        .retry_handlers(handlers)
        .build()
        .expect("webhook")
}

fn message() -> Message {
    Message::text("hello")
}

fn refused() -> TransportError {
    TransportError::not_sent(TransportErrorKind::ConnectionRefused)
}

fn reset() -> TransportError {
    TransportError::maybe_delivered(TransportErrorKind::ConnectionReset)
}

#[test]
fn rate_limit_waits_for_retry_after_then_delivers() {
    let hook = webhook(vec![std::sync::Arc::new(RateLimitErrorRetryHandler::new())]);
    let answers = [Answer::rate_limited("2"), Answer::ok()];

    let (events, result) = drive(hook.send(&message()).expect("valid"), &answers, 7);

    let response = result.expect("delivered");
    assert_eq!(response.status(), 200);
    assert_eq!(response.attempts(), 2);
    assert_eq!(events.len(), 3);
    assert_eq!(events[0], Event::Transmit);
    let Event::Wait(wait) = events[1] else {
        panic!("expected a wait, got {:?}", events[1]);
    };
    // Retry-After plus up to one second of jitter.
    assert!(
        wait >= Duration::from_secs(2) && wait < Duration::from_secs(3),
        "{wait:?}"
    );
    assert_eq!(events[2], Event::Transmit);
}

#[test]
fn the_same_seed_gives_the_same_steps() {
    let hook = webhook(vec![std::sync::Arc::new(RateLimitErrorRetryHandler::new())]);
    let answers = [Answer::rate_limited("2"), Answer::ok()];

    let first = drive(hook.send(&message()).expect("valid"), &answers, 99).0;
    let second = drive(hook.send(&message()).expect("valid"), &answers, 99).0;
    let other = drive(hook.send(&message()).expect("valid"), &answers, 100).0;

    assert_eq!(first, second);
    assert_ne!(first, other, "a different seed draws different jitter");
}

#[test]
fn a_jitterless_rate_limit_waits_exactly_retry_after() {
    let handler = RateLimitErrorRetryHandler::new().without_jitter();
    let hook = webhook(vec![std::sync::Arc::new(handler)]);
    let answers = [Answer::rate_limited("2"), Answer::ok()];

    let (events, result) = drive(hook.send(&message()).expect("valid"), &answers, 0);

    assert!(result.expect("delivered").is_ok());
    assert_eq!(
        events,
        [
            Event::Transmit,
            Event::Wait(Duration::from_secs(2)),
            Event::Transmit
        ]
    );
}

#[test]
fn a_429_is_returned_as_a_response_under_the_default_handlers() {
    let hook = Webhook::new(URL.parse().expect("url"));
    let (events, result) = drive(
        hook.send(&message()).expect("valid"),
        &[Answer::rate_limited("1")],
        0,
    );

    let response = result.expect("a response, not an error");
    assert_eq!(response.status(), 429);
    assert_eq!(events, [Event::Transmit]);
}

#[test]
fn a_wait_above_the_cap_ends_with_the_429() {
    let hook = Webhook::builder(URL.parse().expect("url"))
        .retry_handler(RateLimitErrorRetryHandler::new().without_jitter())
        .max_wait(Duration::from_secs(60))
        .build()
        .expect("webhook");
    let mut delivery = hook.send(&message()).expect("valid");
    let mut rng = rng(1);

    assert!(matches!(delivery.poll(), Ok(Step::Transmit(_))));
    let answer = Answer::rate_limited("99999999999")
        .response()
        .expect("response");
    delivery.handle_response(answer, &mut rng).expect("in turn");

    let Ok(Step::Done(response)) = delivery.poll() else {
        panic!("expected the 429 back");
    };
    assert_eq!(response.status(), 429);
    assert_eq!(
        delivery.give_up(),
        Some(GiveUp::WaitAboveCap {
            wait: Duration::from_secs(99_999_999_999),
            cap: Duration::from_secs(60),
        })
    );
}

#[test]
fn total_waiting_is_capped() {
    let handler = ServerErrorRetryHandler::new()
        .with_max_retries(10)
        .with_interval(FixedInterval::new(Duration::from_secs(4)));
    let hook = Webhook::builder(URL.parse().expect("url"))
        .retry_handler(handler)
        .max_total_wait(Duration::from_secs(10))
        .build()
        .expect("webhook");
    let answers = vec![Answer::status(503, "unavailable"); 10];

    let (events, result) = drive(hook.send(&message()).expect("valid"), &answers, 0);

    assert_eq!(result.expect("response").status(), 503);
    let waits = events
        .iter()
        .filter(|e| matches!(e, Event::Wait(_)))
        .count();
    assert_eq!(waits, 2, "4 s + 4 s fits in 10 s, a third wait does not");
}

#[test]
fn refused_connections_are_retried_once_by_default() {
    let hook = Webhook::new(URL.parse().expect("url"));
    let answers = [Answer::Error(refused()), Answer::Error(refused())];

    let (events, result) = drive(hook.send(&message()).expect("valid"), &answers, 3);

    let err = result.expect_err("both attempts refused");
    assert!(matches!(err, Error::Transport { attempts: 2, .. }));
    assert!(err.is_not_sent());
    assert_eq!(events.iter().filter(|e| **e == Event::Transmit).count(), 2);
}

#[test]
fn maybe_delivered_errors_are_not_retried_by_default() {
    let hook = Webhook::new(URL.parse().expect("url"));
    let (events, result) = drive(
        hook.send(&message()).expect("valid"),
        &[Answer::Error(reset())],
        0,
    );

    let err = result.expect_err("reset");
    assert!(
        err.transport()
            .is_some_and(TransportError::may_have_been_delivered)
    );
    assert_eq!(events, [Event::Transmit]);
}

#[test]
fn maybe_delivered_errors_are_retried_when_asked() {
    let handler = ConnectionErrorRetryHandler::new().retry_maybe_delivered(true);
    let hook = webhook(vec![std::sync::Arc::new(handler)]);
    let answers = [Answer::Error(reset()), Answer::ok()];

    let (events, result) = drive(hook.send(&message()).expect("valid"), &answers, 0);

    assert!(result.expect("delivered").is_ok());
    assert_eq!(events.iter().filter(|e| **e == Event::Transmit).count(), 2);
}

#[test]
fn server_errors_are_retried_only_with_their_handler() {
    let answers = [Answer::status(500, "rollup_error"), Answer::ok()];

    let plain = Webhook::new(URL.parse().expect("url"));
    let (_, result) = drive(plain.send(&message()).expect("valid"), &answers, 0);
    assert_eq!(result.expect("response").status(), 500);

    let retrying = webhook(vec![std::sync::Arc::new(ServerErrorRetryHandler::new())]);
    let (_, result) = drive(retrying.send(&message()).expect("valid"), &answers, 0);
    assert_eq!(result.expect("response").status(), 200);
}

#[test]
fn each_handler_has_its_own_budget() {
    let hook = webhook(vec![
        std::sync::Arc::new(RateLimitErrorRetryHandler::new().with_max_retries(2)),
        std::sync::Arc::new(ServerErrorRetryHandler::new().with_max_retries(1)),
    ]);
    let answers = [
        Answer::rate_limited("0"),
        Answer::status(503, ""),
        Answer::rate_limited("0"),
        Answer::status(503, ""),
        Answer::ok(),
    ];

    let (events, result) = drive(hook.send(&message()).expect("valid"), &answers, 0);

    assert_eq!(
        result.expect("response").status(),
        503,
        "the server budget ran out first"
    );
    assert_eq!(events.iter().filter(|e| **e == Event::Transmit).count(), 4);
}

#[test]
fn a_spent_budget_is_reported() {
    let hook = webhook(vec![std::sync::Arc::new(
        ServerErrorRetryHandler::new().with_interval(BackoffInterval::default().without_jitter()),
    )]);
    let mut delivery = hook.send(&message()).expect("valid");
    let mut rng = rng(0);
    for _ in 0..2 {
        while !matches!(delivery.poll().expect("step"), Step::Transmit(_)) {}
        let answer = Answer::status(503, "").response().expect("response");
        delivery.handle_response(answer, &mut rng).expect("in turn");
    }
    assert!(matches!(delivery.poll(), Ok(Step::Done(_))));
    assert_eq!(delivery.give_up(), Some(GiveUp::BudgetSpent));
}

#[test]
fn no_retries_means_one_attempt() {
    let hook = Webhook::builder(URL.parse().expect("url"))
        .no_retries()
        .build()
        .expect("webhook");
    let (events, result) = drive(
        hook.send(&message()).expect("valid"),
        &[Answer::Error(refused())],
        0,
    );
    assert!(result.is_err());
    assert_eq!(events, [Event::Transmit]);
}

#[test]
fn feeding_an_outcome_before_a_transmit_is_misuse() {
    let mut delivery = Webhook::new(URL.parse().expect("url"))
        .send(&message())
        .expect("valid");
    let response = Answer::ok().response().expect("response");
    let err = delivery
        .handle_response(response, &mut rng(0))
        .expect_err("misuse");
    assert_eq!(err, Error::UnexpectedOutcome);
    let err = delivery
        .handle_error(refused(), &mut rng(0))
        .expect_err("misuse");
    assert_eq!(err, Error::UnexpectedOutcome);
}

#[test]
fn polling_while_an_outcome_is_owed_is_misuse() {
    let mut delivery = Webhook::new(URL.parse().expect("url"))
        .send(&message())
        .expect("valid");
    assert!(matches!(delivery.poll(), Ok(Step::Transmit(_))));
    assert_eq!(delivery.poll().expect_err("misuse"), Error::OutcomePending);
    // The delivery still accepts the owed outcome afterwards.
    let response = Answer::ok().response().expect("response");
    delivery
        .handle_response(response, &mut rng(0))
        .expect("in turn");
    assert!(matches!(delivery.poll(), Ok(Step::Done(_))));
}

#[test]
fn polling_after_done_is_misuse() {
    let mut delivery = Webhook::new(URL.parse().expect("url"))
        .send(&message())
        .expect("valid");
    assert!(matches!(delivery.poll(), Ok(Step::Transmit(_))));
    let response = Answer::ok().response().expect("response");
    delivery
        .handle_response(response, &mut rng(0))
        .expect("in turn");
    assert!(matches!(delivery.poll(), Ok(Step::Done(_))));
    assert!(delivery.is_done());
    assert_eq!(delivery.poll().expect_err("misuse"), Error::AlreadyDone);
}

#[test]
fn the_request_is_a_json_post_to_the_webhook() {
    let hook = Webhook::builder(URL.parse().expect("url"))
        .user_agent_prefix("bot/1")
        .user_agent_suffix("ci")
        .runtime("ureq/3")
        .header("x-team", "ops")
        .build()
        .expect("webhook");
    let mut delivery = hook.send(&Message::text("héllo")).expect("valid");

    let Ok(Step::Transmit(request)) = delivery.poll() else {
        panic!("expected a request");
    };
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(request.uri().to_string(), URL);
    assert_eq!(
        request.headers()["content-type"],
        "application/json; charset=utf-8"
    );
    assert_eq!(
        request.headers()["user-agent"],
        format!("bot/1 slackhook/{} ureq/3 ci", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(request.headers()["x-team"], "ops");
    assert_eq!(request.body().as_ref(), "{\"text\":\"héllo\"}".as_bytes());
}

#[test]
fn per_send_headers_win_over_default_headers() {
    let hook = Webhook::builder(URL.parse().expect("url"))
        .header("x-trace", "default")
        .build()
        .expect("webhook");
    let mut extra = http::HeaderMap::new();
    extra.insert("x-trace", "per-send".parse().expect("value"));

    let mut delivery = hook.send_with_headers(&message(), &extra).expect("valid");

    let Ok(Step::Transmit(request)) = delivery.poll() else {
        panic!("expected a request");
    };
    let values: Vec<_> = request.headers().get_all("x-trace").iter().collect();
    assert_eq!(values, ["per-send"]);
}

#[test]
fn the_content_type_cannot_be_overridden() {
    let err = Webhook::builder(URL.parse().expect("url"))
        .header("Content-Type", "text/plain")
        .build()
        .expect_err("reserved");
    assert_eq!(
        err,
        Error::ReservedHeader {
            name: "content-type"
        }
    );

    let mut extra = http::HeaderMap::new();
    extra.insert("content-type", "text/plain".parse().expect("value"));
    let err = Webhook::new(URL.parse().expect("url"))
        .send_with_headers(&message(), &extra)
        .expect_err("reserved");
    assert_eq!(
        err,
        Error::ReservedHeader {
            name: "content-type"
        }
    );
}

#[test]
fn invalid_headers_are_a_typed_error_without_the_value() {
    let err = Webhook::builder(URL.parse().expect("url"))
        .header("x-token", "secret\nvalue")
        .build()
        .expect_err("invalid");
    assert_eq!(
        err,
        Error::InvalidHeader {
            name: "x-token".into()
        }
    );
    assert!(!err.to_string().contains("secret"));
}

#[test]
fn invalid_messages_never_become_requests() {
    let hook = Webhook::new(URL.parse().expect("url"));
    let err = hook.send(&Message::new()).expect_err("empty");
    assert!(matches!(err, Error::Invalid(_)));
    assert_eq!(
        err.to_string(),
        "payload: no text, blocks or attachments; Slack requires one"
    );
}

#[test]
fn validation_can_be_turned_off() {
    let hook = Webhook::builder(URL.parse().expect("url"))
        .validate(false)
        .build()
        .expect("webhook");
    assert!(hook.send(&Message::new()).is_ok());
}

#[test]
fn raw_json_is_validated_like_typed_messages() {
    let hook = Webhook::new(URL.parse().expect("url"));
    let blocks: Vec<_> = (0..51)
        .map(|_| serde_json::json!({"type": "divider"}))
        .collect();
    let err = hook
        .send_json(&serde_json::json!({ "blocks": blocks }))
        .expect_err("too many");
    assert_eq!(err.to_string(), "blocks: 51 items, Slack allows 50");

    let err = hook
        .send_json(&serde_json::json!("text"))
        .expect_err("not an object");
    assert_eq!(err, Error::NotAnObject { found: "a string" });
}

#[test]
fn url_errors_convert_into_the_crate_error() {
    let err: Error = WebhookUrl::parse("http://example.com/x")
        .expect_err("insecure")
        .into();
    assert!(matches!(
        err,
        Error::Url(slackhook::UrlError::InsecureScheme)
    ));
}

#[test]
fn transport_errors_count_attempts_in_their_message() {
    let err = Error::Transport {
        error: refused(),
        attempts: 2,
    };
    assert_eq!(
        err.to_string(),
        "connection refused; the message was not sent (after 2 attempts)"
    );
}

#[test]
fn every_error_message_is_lowercase_and_secret_free() {
    let errors = [
        Error::Url(slackhook::UrlError::Malformed),
        Error::NotAnObject { found: "null" },
        Error::InvalidJson {
            line: 1,
            column: 2,
            reason: "syntax error",
        },
        Error::InvalidHeader { name: "x".into() },
        Error::InvalidProxy {
            reason: "unsupported scheme",
        },
        Error::ReservedHeader { name: "host" },
        Error::Transport {
            error: reset(),
            attempts: 1,
        },
        Error::WaitTooLong {
            wait: Duration::from_secs(90),
            cap: Duration::from_secs(60),
        },
        Error::UnexpectedOutcome,
        Error::OutcomePending,
        Error::AlreadyDone,
        Error::PacedOutOfTurn,
    ];
    for err in errors {
        let text = err.to_string();
        let first = text.chars().next().expect("non-empty");
        assert!(!first.is_uppercase(), "{text}");
        assert!(!text.contains("very-secret-token"), "{text}");
    }
}

#[test]
fn debug_of_a_webhook_and_a_delivery_hides_the_secret() {
    let hook = Webhook::builder(URL.parse().expect("url"))
        .header("authorization", "Bearer hunter2")
        .build()
        .expect("webhook");
    let delivery = hook.send(&message()).expect("valid");
    let builder =
        Webhook::builder(URL.parse().expect("url")).header("authorization", "Bearer hunter2");
    for text in [
        format!("{hook:?}"),
        format!("{delivery:?}"),
        format!("{builder:?}"),
    ] {
        assert!(!text.contains("very-secret-token"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
    }
}

#[test]
fn pacing_waits_count_against_the_caps() {
    use slackhook::pacer::{Pacer, Rate};
    let hook = Webhook::builder(URL.parse().expect("url"))
        .max_wait(Duration::from_secs(2))
        .build()
        .expect("webhook");
    let mut pacer = Pacer::with_rate(Rate::per_second(1));
    let now = std::time::Instant::now();

    let mut first = hook.send(&message()).expect("valid");
    assert!(matches!(first.poll(), Ok(Step::Transmit(_))));
    assert_eq!(first.pace(&mut pacer, now), Ok(Duration::ZERO));

    let mut second = hook.send(&message()).expect("valid");
    assert!(matches!(second.poll(), Ok(Step::Transmit(_))));
    assert_eq!(second.pace(&mut pacer, now), Ok(Duration::from_secs(1)));
    assert_eq!(second.total_wait(), Duration::from_secs(1));

    let mut third = hook.send(&message()).expect("valid");
    assert!(matches!(third.poll(), Ok(Step::Transmit(_))));
    let mut blocked = pacer.clone();
    blocked.hold_until(now + Duration::from_secs(30));
    assert_eq!(
        third.pace(&mut blocked, now),
        Err(Error::WaitTooLong {
            wait: Duration::from_secs(30),
            cap: Duration::from_secs(2),
        })
    );
    assert_eq!(third.poll().expect_err("ended"), Error::AlreadyDone);
}

#[test]
fn pacing_before_a_transmit_is_misuse() {
    let mut pacer = slackhook::pacer::Pacer::new();
    let mut delivery = Webhook::new(URL.parse().expect("url"))
        .send(&message())
        .expect("valid");
    let err = delivery
        .pace(&mut pacer, std::time::Instant::now())
        .expect_err("misuse");
    assert_eq!(err, Error::PacedOutOfTurn);
}

/// Retries every outcome it is asked about, and remembers the requests it saw.
#[derive(Debug, Default)]
struct RetryAnything {
    seen: std::sync::Mutex<Vec<http::Request<bytes::Bytes>>>,
}

impl RetryHandler for RetryAnything {
    fn max_retries(&self) -> u32 {
        5
    }

    fn can_retry(
        &self,
        _: &slackhook::retry::RetryState,
        request: &http::Request<bytes::Bytes>,
        _: slackhook::retry::Outcome<'_>,
    ) -> bool {
        self.seen
            .lock()
            .expect("not poisoned")
            .push(request.clone());
        true
    }

    fn delay(
        &self,
        _: &slackhook::retry::RetryState,
        _: slackhook::retry::Outcome<'_>,
        _: &mut dyn slackhook::rand_core::Rng,
    ) -> Duration {
        Duration::ZERO
    }
}

#[test]
fn a_success_is_final_even_for_a_handler_that_retries_anything() {
    let handler = std::sync::Arc::new(RetryAnything::default());
    let hook = webhook(vec![handler.clone()]);

    let (events, result) = drive(hook.send(&message()).expect("valid"), &[Answer::ok()], 0);

    assert_eq!(result.expect("response").status(), 200);
    assert_eq!(events, [Event::Transmit]);
    assert!(
        handler.seen.lock().expect("not poisoned").is_empty(),
        "a 2xx answer is never put to the handlers"
    );
}

#[test]
fn every_attempt_and_every_handler_sees_the_same_request() {
    let handler = std::sync::Arc::new(RetryAnything::default());
    let hook = Webhook::builder(URL.parse().expect("url"))
        .header("x-trace", "default")
        .retry_handlers(vec![handler.clone()])
        .build()
        .expect("webhook");
    let mut extra = http::HeaderMap::new();
    extra.insert("x-trace", "per-send".parse().expect("value"));
    let mut delivery = hook.send_with_headers(&message(), &extra).expect("valid");
    let mut rng = rng(0);

    let mut sent = Vec::new();
    for answer in [
        Answer::status(500, ""),
        Answer::Error(reset()),
        Answer::ok(),
    ] {
        let request = loop {
            if let Step::Transmit(request) = delivery.poll().expect("step") {
                break request;
            }
        };
        sent.push(request);
        match answer {
            Answer::Error(error) => delivery.handle_error(error, &mut rng),
            answer => delivery.handle_response(answer.response().expect("status"), &mut rng),
        }
        .expect("in turn");
    }

    let seen = handler.seen.lock().expect("not poisoned");
    assert_eq!((sent.len(), seen.len()), (3, 2));
    for request in sent.iter().chain(seen.iter()) {
        assert_eq!(request.method(), sent[0].method());
        assert_eq!(request.uri(), sent[0].uri());
        assert_eq!(request.headers(), sent[0].headers());
        assert_eq!(request.body(), sent[0].body());
    }
    let trace: Vec<_> = sent[0].headers().get_all("x-trace").iter().collect();
    assert_eq!(trace, ["per-send"]);
}
