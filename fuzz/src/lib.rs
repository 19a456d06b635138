//! The bodies of slackhook's fuzz targets.
//!
//! Each function takes the fuzzer's raw bytes and checks properties that must hold for every
//! input: nothing panics, nothing leaks a secret, and the delivery state machine keeps its
//! promises. The bodies live in this library, not in the `fuzz_targets/` binaries, so that normal
//! builds, clippy and `cargo test` compile them, and `tests/corpus.rs` replays every committed
//! corpus file on stable Rust.

use std::sync::Arc;
use std::time::{Duration, Instant};

use arbitrary::{Arbitrary, Unstructured};
use bytes::Bytes;
use slackhook::interaction::{InteractionPayload, SlashCommand};
use slackhook::pacer::{Pacer, Rate};
use slackhook::retry::{
    ConnectionErrorRetryHandler, FixedInterval, JitterRng, RandomJitter,
    RateLimitErrorRetryHandler, RetryHandler, ServerErrorRetryHandler,
};
use slackhook::signature::{SignatureVerifier, sign};
use slackhook::{
    Error, Message, Step, TransportError, TransportErrorKind, Webhook, WebhookResponse, WebhookUrl,
};

/// A fuzz target's body: it takes the fuzzer's bytes and panics on a broken property.
pub type Target = fn(&[u8]);

/// Every target, by name, for the corpus replay.
pub const TARGETS: &[(&str, Target)] = &[
    ("webhook_url", webhook_url),
    ("payload", payload),
    ("response", response),
    ("delivery", delivery),
    ("signature", signature),
    ("interaction", interaction),
];

/// `WebhookUrl` parsing: never panics, and an accepted URL never shows its secret.
pub fn webhook_url(data: &[u8]) {
    let input = String::from_utf8_lossy(data);
    let Ok(url) = WebhookUrl::parse(&input) else {
        return;
    };
    let shown = url.to_string();
    assert_eq!(format!("{url:?}"), format!("WebhookUrl({shown:?})"));

    // What shows is the origin, then at most the leading path segments that name the kind of
    // address, then `/***`: never the last segment (the secret of every Slack URL), never the
    // query.
    let scheme = url.as_uri().scheme_str().expect("absolute");
    let origin = match url.port() {
        Some(port) => format!("{scheme}://{}:{port}", url.host()),
        None => format!("{scheme}://{}", url.host()),
    };
    let rest = shown.strip_prefix(&origin).expect("the origin shows first");
    let path = url.as_uri().path();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if segments.is_empty() {
        assert_eq!(rest, "/");
        return;
    }
    let visible = rest.strip_suffix("/***").expect("the path ends redacted");
    let visible: Vec<&str> = visible.split('/').filter(|s| !s.is_empty()).collect();
    assert!(visible.len() < segments.len(), "{shown}");
    assert_eq!(visible, segments[..visible.len()], "{shown}");
}

/// Payload validation and serialization of arbitrary JSON: never panics, an accepted payload
/// is sent exactly as serde_json writes it, and the walk that checks while serializing agrees
/// with `validate` alone.
pub fn payload(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let webhook = Webhook::new(test_url());

    let checked_alone = value.as_object().map(slackhook::validate::validate);
    let from_json = Message::from_json(value.clone());
    let sent = webhook.send_json(&value);
    match (&sent, checked_alone) {
        (Ok(_), Some(Ok(()))) | (Err(Error::NotAnObject { .. }), None) => {}
        (Err(Error::Invalid(walked)), Some(Err(alone))) => assert_eq!(walked, &alone),
        (sent, alone) => panic!("send_json gave {sent:?}, validate alone {alone:?}"),
    }
    match sent {
        Ok(mut delivery) => {
            let Ok(Step::Transmit(request)) = delivery.poll() else {
                panic!("a fresh delivery transmits first");
            };
            let expected = serde_json::to_vec(&value).expect("JSON serializes");
            assert_eq!(request.body().as_ref(), expected.as_slice());
            let message = from_json.expect("an accepted payload is an object");
            assert!(
                webhook.send(&message).is_ok(),
                "typed and raw validation agree"
            );
        }
        Err(error) => {
            assert!(error.is_not_sent());
            let text = error.to_string();
            assert!(!text.is_empty());
            if let Ok(message) = from_json {
                assert_eq!(webhook.send(&message).err(), Some(error));
            }
        }
    }
}

/// A response's status, headers and body as the fuzzer shapes them.
#[derive(Debug, Arbitrary)]
struct RawResponse {
    status: u16,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

impl RawResponse {
    fn build(&self) -> Option<http::Response<Bytes>> {
        let mut builder = http::Response::builder().status(self.status);
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_slice());
        }
        builder.body(Bytes::from(self.body.clone())).ok()
    }
}

/// Response classification and `Retry-After` parsing over arbitrary status, headers and body.
pub fn response(data: &[u8]) {
    let Ok(raw) = RawResponse::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let Some(http_response) = raw.build() else {
        return;
    };

    if let Some(wait) = slackhook::retry::retry_after(http_response.headers()) {
        let value = http_response.headers()["retry-after"]
            .to_str()
            .expect("was read as text");
        if value.trim().bytes().all(|b| b.is_ascii_digit()) {
            let seconds = value.trim().parse::<u64>().unwrap_or(u64::MAX);
            assert_eq!(wait, Duration::from_secs(seconds));
        }
    }

    let mut pacer = Pacer::new();
    let now = Instant::now();
    pacer.handle_response(now, &http_response);

    let (parts, body) = http_response.into_parts();
    let response = WebhookResponse::new(parts.status, parts.headers, body);
    match response.slack_error() {
        None => assert!(response.is_ok()),
        Some(error) => {
            assert!(!response.is_ok());
            assert!(!error.code().is_empty() || response.body().trim().is_empty());
            let _ = error.to_string();
        }
    }
}

#[derive(Debug, Arbitrary)]
enum HandlerSpec {
    Connection {
        budget: u8,
        maybe_delivered: bool,
        wait_ms: u16,
    },
    RateLimit {
        budget: u8,
        jitter_ms: u16,
        fallback_ms: u16,
    },
    Server {
        budget: u8,
        statuses: Vec<u16>,
        wait_ms: u16,
    },
}

impl HandlerSpec {
    fn build(&self) -> Arc<dyn RetryHandler> {
        let fixed = |ms: u16| FixedInterval::new(Duration::from_millis(u64::from(ms)));
        match self {
            Self::Connection {
                budget,
                maybe_delivered,
                wait_ms,
            } => Arc::new(
                ConnectionErrorRetryHandler::new()
                    .with_max_retries(u32::from(budget % 8))
                    .retry_maybe_delivered(*maybe_delivered)
                    .with_interval(fixed(*wait_ms)),
            ),
            Self::RateLimit {
                budget,
                jitter_ms,
                fallback_ms,
            } => Arc::new(
                RateLimitErrorRetryHandler::new()
                    .with_max_retries(u32::from(budget % 8))
                    .with_jitter(RandomJitter::up_to(Duration::from_millis(u64::from(
                        *jitter_ms,
                    ))))
                    .with_interval(fixed(*fallback_ms)),
            ),
            Self::Server {
                budget,
                statuses,
                wait_ms,
            } => Arc::new(
                ServerErrorRetryHandler::new()
                    .with_max_retries(u32::from(budget % 8))
                    .with_statuses(
                        statuses
                            .iter()
                            .filter_map(|s| http::StatusCode::from_u16(*s).ok()),
                    )
                    .with_interval(fixed(*wait_ms)),
            ),
        }
    }
}

#[derive(Debug, Arbitrary)]
enum Event {
    Poll,
    Respond(RawResponse),
    Fail { kind: u8, maybe_delivered: bool },
    Pace { offset_ms: u16, rate_per_second: u8 },
}

#[derive(Debug, Arbitrary)]
struct DeliveryInput {
    handlers: Vec<HandlerSpec>,
    max_wait_ms: u32,
    max_total_wait_ms: u32,
    seed: u64,
    events: Vec<Event>,
}

const KINDS: [TransportErrorKind; 10] = [
    TransportErrorKind::Dns,
    TransportErrorKind::ConnectionRefused,
    TransportErrorKind::ConnectTimeout,
    TransportErrorKind::Tls,
    TransportErrorKind::Proxy,
    TransportErrorKind::ConnectionReset,
    TransportErrorKind::ConnectionClosed,
    TransportErrorKind::Timeout,
    TransportErrorKind::Protocol,
    TransportErrorKind::Io,
];

/// Tracks what the delivery promised, to check every step against it.
struct Checker {
    budget: u32,
    max_wait: Duration,
    max_total_wait: Duration,
    transmits: u32,
    waited: Duration,
    owed: bool,
    done: bool,
}

impl Checker {
    fn poll(&mut self, delivery: &mut slackhook::Delivery) {
        let result = delivery.poll();
        if self.done {
            assert_eq!(result.err(), Some(Error::AlreadyDone));
            return;
        }
        if self.owed {
            assert_eq!(result.err(), Some(Error::OutcomePending));
            return;
        }
        match result {
            Ok(Step::Transmit(request)) => {
                self.transmits += 1;
                assert!(self.transmits <= 1 + self.budget, "over budget");
                assert_eq!(request.method(), http::Method::POST);
                self.owed = true;
            }
            Ok(Step::Wait(wait)) => {
                assert!(wait <= self.max_wait, "{wait:?} > {:?}", self.max_wait);
                self.waited += wait;
                assert!(
                    self.waited <= self.max_total_wait,
                    "total wait over its cap"
                );
            }
            Ok(Step::Done(response)) => {
                assert_eq!(response.attempts(), self.transmits);
                self.done = true;
            }
            Err(Error::Transport { attempts, .. }) => {
                assert_eq!(attempts, self.transmits);
                self.done = true;
            }
            Err(other) => panic!("unexpected error from poll: {other}"),
        }
    }

    fn fed(&mut self, result: Result<(), Error>) {
        if self.owed && !self.done {
            assert_eq!(result, Ok(()));
            self.owed = false;
        } else {
            assert_eq!(result, Err(Error::UnexpectedOutcome));
        }
    }
}

/// The `Delivery` state machine under arbitrary event sequences and handler configurations: it
/// never panics, misuse is a typed error, every budget and cap holds, and it always ends.
pub fn delivery(data: &[u8]) {
    let Ok(input) = DeliveryInput::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let handlers: Vec<_> = input
        .handlers
        .iter()
        .take(4)
        .map(HandlerSpec::build)
        .collect();
    let budget = handlers.iter().map(|h| h.max_retries()).sum();
    let max_wait = Duration::from_millis(u64::from(input.max_wait_ms));
    let max_total_wait = Duration::from_millis(u64::from(input.max_total_wait_ms));
    let webhook = Webhook::builder(test_url())
        .retry_handlers(handlers)
        .max_wait(max_wait)
        .max_total_wait(max_total_wait)
        .build()
        .expect("no headers to be invalid");

    let mut delivery = webhook.send(&Message::text("x")).expect("valid message");
    let mut rng = JitterRng::seed_from_u64(input.seed);
    let mut check = Checker {
        budget,
        max_wait,
        max_total_wait,
        transmits: 0,
        waited: Duration::ZERO,
        owed: false,
        done: false,
    };
    let start = Instant::now();
    let mut pacer = Pacer::new();

    for event in input.events.iter().take(64) {
        match event {
            Event::Poll => check.poll(&mut delivery),
            Event::Respond(raw) => {
                if let Some(response) = raw.build() {
                    check.fed(delivery.handle_response(response, &mut rng));
                }
            }
            Event::Fail {
                kind,
                maybe_delivered,
            } => {
                let kind = KINDS[usize::from(*kind) % KINDS.len()];
                let error = if *maybe_delivered {
                    TransportError::maybe_delivered(kind)
                } else {
                    TransportError::not_sent(kind)
                };
                check.fed(delivery.handle_error(error, &mut rng));
            }
            Event::Pace {
                offset_ms,
                rate_per_second,
            } => {
                if *rate_per_second > 0 && pacer.rate().is_none() {
                    pacer = Pacer::with_rate(Rate::per_second(u32::from(*rate_per_second)));
                }
                let now = start + Duration::from_millis(u64::from(*offset_ms));
                match delivery.pace(&mut pacer, now) {
                    Ok(wait) => {
                        assert!(check.owed && !check.done);
                        check.waited += wait;
                        assert!(check.waited <= max_total_wait);
                    }
                    Err(Error::PacedOutOfTurn) => assert!(!check.owed || check.done),
                    Err(Error::WaitTooLong { .. }) => check.done = true,
                    Err(other) => panic!("unexpected error from pace: {other}"),
                }
            }
        }
    }

    // Whatever happened, answering every request with a refused connection ends the delivery
    // within its budget.
    // Each retry takes at most three steps: a wait, a transmit and its outcome.
    for _ in 0..(3 * (budget + 2)) {
        if check.done {
            break;
        }
        if check.owed {
            let refused = TransportError::not_sent(TransportErrorKind::ConnectionRefused);
            check.fed(delivery.handle_error(refused, &mut rng));
        } else {
            check.poll(&mut delivery);
        }
    }
    assert!(check.done, "the delivery did not end within its budget");
}

#[derive(Debug, Arbitrary)]
struct SignatureInput {
    secret: String,
    timestamp: String,
    signature: String,
    now: u64,
    use_real_signature: bool,
    body: Vec<u8>,
}

/// Signature verification over arbitrary headers, body and time: it accepts exactly when a
/// reference check written from Slack's documentation does.
pub fn signature(data: &[u8]) {
    let Ok(mut input) = SignatureInput::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let Ok(verifier) = SignatureVerifier::new(input.secret.clone()) else {
        assert!(input.secret.is_empty());
        return;
    };
    if input.use_real_signature {
        if let Ok(ts) = input.timestamp.parse::<u64>() {
            input.signature = sign(&input.secret, ts, &input.body);
        }
    }

    let result = verifier.verify(&input.body, &input.timestamp, &input.signature, input.now);
    let expected = reference_verify(&input);
    assert_eq!(result.is_ok(), expected, "{result:?}");

    if let Err(error) = result {
        let shown = format!("{error} {error:?}");
        if let Ok(ts) = input.timestamp.parse::<u64>() {
            let real = sign(&input.secret, ts, &input.body);
            assert!(
                !shown.contains(&real[3..]),
                "an error revealed the expected signature"
            );
        }
        // The secret cannot leak through an error: the same failure reads the same under any
        // other secret.
        let other = SignatureVerifier::new(format!("{}x", input.secret)).expect("non-empty");
        let again = other.verify(&input.body, &input.timestamp, &input.signature, input.now);
        if let Err(again) = again {
            if std::mem::discriminant(&again) == std::mem::discriminant(&error) {
                assert_eq!(again.to_string(), error.to_string());
            }
        }
    }
}

/// Slack's documented check, written plainly and independently of the crate: a digits-only
/// timestamp within 300 s either way, and `v0=` followed by the hex HMAC-SHA256 of
/// `v0:<timestamp as sent>:<body>` (hex digits in either case).
fn reference_verify(input: &SignatureInput) -> bool {
    use hmac::{KeyInit, Mac};

    let ts = &input.timestamp;
    if ts.is_empty() || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let Ok(ts_value) = ts.parse::<u64>() else {
        return false;
    };
    if ts_value.abs_diff(input.now) > 300 {
        return false;
    }

    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(input.secret.as_bytes())
        .expect("hmac takes any key length");
    mac.update(format!("v0:{ts}:").as_bytes());
    mac.update(&input.body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();

    match input.signature.strip_prefix("v0=") {
        Some(given) => given.to_ascii_lowercase() == hex,
        None => false,
    }
}

/// Slash-command and interaction form parsing: never panics, and `Debug` never shows a
/// `response_url` whose path holds a secret.
pub fn interaction(data: &[u8]) {
    if let Ok(command) = SlashCommand::from_form(data) {
        assert_redacted(&format!("{command:?}"), command.response_url());
    }
    if let Ok(payload) = InteractionPayload::from_form(data) {
        if let Some(url) = payload.response_url() {
            assert_redacted(&format!("{payload:?}"), url);
        }
    }
}

/// A URL with a path shows in `debug` only through its redacting `Debug`, which adds no secret
/// (other fields, such as user-typed text, may contain anything).
fn assert_redacted(debug: &str, url: &WebhookUrl) {
    let rendered = format!("{url:?}");
    assert!(debug.contains(&rendered), "{debug}");
    if url.as_uri().path().len() <= 1 {
        return; // `https://host/` holds no secret to hide.
    }
    let secret = url.expose_secret();
    let without = debug.replacen(&rendered, "", 1);
    assert_eq!(
        without.matches(secret).count(),
        debug.matches(secret).count(),
        "{debug}"
    );
}

fn test_url() -> WebhookUrl {
    "https://hooks.slack.com/services/T000/B000/fuzz-secret-token"
        .parse()
        .expect("a valid constant")
}
