//! What `Webhook::send` costs up to the first request, against building that request by hand.
//!
//! The baseline is the least any client must do: serialize the payload with `serde_json` and
//! build the same `http::Request<Bytes>` (method, URI, `Content-Type`, `User-Agent`). The core
//! adds validation against Slack's limits and the `Delivery` it hands the request out of.
//!
//! `cargo bench --bench send` prints criterion's estimates, then the paired ratio
//! slackhook / bare for each payload (goal: at most 1.20).

mod support;

use std::hint::black_box;
use std::time::Duration;

use bytes::Bytes;
use criterion::{Criterion, Throughput};
use http::header::{CONTENT_TYPE, HeaderValue, USER_AGENT};
use http::{Method, Request, Uri};
use serde_json::{Value, json};
use slackhook::{Message, Step, Webhook, WebhookUrl};

const URL: &str =
    "https://hooks.slack.com/services/T0000000000/B0000000000/0123456789abcdefghijklmn";

/// A 70-byte text, the size of a typical deploy or alert notification.
const TEXT: &str = "Deploy of api-gateway v2.14.3 to production finished in 4m 12s :rocket";

const RATIO_GOAL: f64 = 1.20;

fn text_message() -> Message {
    assert_eq!(TEXT.len(), 70);
    Message::text(TEXT)
}

/// The most blocks Slack takes, of the kinds a report uses, so that validation walks every
/// kind of check: text objects, fields, accessories, context elements, buttons.
fn blocks_message() -> Message {
    let blocks: Vec<Value> = (0..50)
        .map(|i| match i % 6 {
            0 => json!({
                "type": "header",
                "text": {"type": "plain_text", "text": format!("Service {i} report")}
            }),
            1 => json!({
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": format!(
                        "*api-{i}* p99 latency 182 ms, error rate 0.02%, \
                         14,212 requests in the last hour"
                    )
                },
                "accessory": {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Open"},
                    "url": "https://example.com/dashboards/api",
                    "action_id": format!("open-{i}")
                }
            }),
            2 => json!({
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": "*Region*\neu-west-1"},
                    {"type": "mrkdwn", "text": "*Version*\nv2.14.3"},
                    {"type": "mrkdwn", "text": "*Owner*\n<@U012AB3CD>"},
                    {"type": "mrkdwn", "text": "*Status*\n:large_green_circle: healthy"}
                ]
            }),
            3 => json!({"type": "context", "elements": [
                {"type": "mrkdwn", "text": "Last deploy 4m ago by <@U012AB3CD>"},
                {
                    "type": "image",
                    "image_url": "https://example.com/avatar.png",
                    "alt_text": "avatar"
                }
            ]}),
            4 => json!({"type": "actions", "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Roll back"},
                    "style": "danger",
                    "value": format!("rollback-{i}"),
                    "action_id": format!("rollback-{i}")
                },
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Acknowledge"},
                    "style": "primary",
                    "value": format!("ack-{i}"),
                    "action_id": format!("ack-{i}")
                }
            ]}),
            _ => json!({"type": "divider"}),
        })
        .collect();
    Message::text("Hourly service report").with_blocks(blocks)
}

/// The request as a client would build it without slackhook.
struct Bare {
    uri: Uri,
    user_agent: HeaderValue,
}

impl Bare {
    fn new(webhook: &Webhook) -> Self {
        Self {
            uri: webhook.url().as_uri().clone(),
            user_agent: webhook.headers()[USER_AGENT].clone(),
        }
    }

    fn request(&self, message: &Message) -> Request<Bytes> {
        let body = serde_json::to_vec(message.as_map()).expect("a JSON map serializes");
        Request::builder()
            .method(Method::POST)
            .uri(self.uri.clone())
            .header(
                CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            )
            .header(USER_AGENT, self.user_agent.clone())
            .body(Bytes::from(body))
            .expect("the parts are valid")
    }
}

/// Validation, serialization and the delivery, up to the request of the first attempt.
fn first_request(webhook: &Webhook, message: &Message) -> Request<Bytes> {
    let mut delivery = webhook.send(message).expect("the message is valid");
    match delivery.poll().expect("a fresh delivery transmits") {
        Step::Transmit(request) => request,
        other => panic!("a fresh delivery transmits first, not {other:?}"),
    }
}

fn payloads() -> [(&'static str, Message); 2] {
    [
        ("text_70B", text_message()),
        ("blocks_50", blocks_message()),
    ]
}

/// The default webhook, one with validation off, and the bare baseline.
fn setup() -> (Webhook, Webhook, Bare) {
    let url: WebhookUrl = URL.parse().expect("a valid webhook URL");
    let webhook = Webhook::new(url.clone());
    let unchecked = Webhook::builder(url)
        .validate(false)
        .build()
        .expect("the default headers are valid");
    let bare = Bare::new(&webhook);
    (webhook, unchecked, bare)
}

/// Both sides must build the same request, or the comparison means nothing.
fn assert_same_request(webhook: &Webhook, bare: &Bare, message: &Message) {
    let ours = first_request(webhook, message);
    let theirs = bare.request(message);
    assert_eq!(ours.method(), theirs.method());
    assert_eq!(ours.uri(), theirs.uri());
    assert_eq!(ours.headers(), theirs.headers());
    assert_eq!(ours.body(), theirs.body());
}

fn bench_send(c: &mut Criterion) {
    let (webhook, unchecked, bare) = setup();

    for (name, message) in payloads() {
        assert_same_request(&webhook, &bare, &message);
        assert_same_request(&unchecked, &bare, &message);
        let bytes = bare.request(&message).body().len() as u64;

        let mut group = c.benchmark_group(format!("send/{name}"));
        group.throughput(Throughput::Bytes(bytes));
        group.bench_function("bare", |b| b.iter(|| bare.request(black_box(&message))));
        group.bench_function("slackhook", |b| {
            b.iter(|| first_request(&webhook, black_box(&message)))
        });
        group.bench_function("slackhook_unvalidated", |b| {
            b.iter(|| first_request(&unchecked, black_box(&message)))
        });
        group.finish();
    }
}

/// A labelled piece of work, timed against the bare baseline.
type Part<'a> = (&'static str, Box<dyn Fn() + 'a>);

fn print_ratios() {
    let (webhook, unchecked, bare) = setup();
    let breakdown = std::env::var_os("SLACKHOOK_BENCH_BREAKDOWN").is_some();

    println!("\npaired ratios, time / bare time (goal for slackhook: at most {RATIO_GOAL:.2})");
    for (name, message) in payloads() {
        let bare_request = || drop(black_box(bare.request(black_box(&message))));
        let paired = support::paired(Duration::from_secs(3), bare_request, || {
            drop(black_box(first_request(&webhook, black_box(&message))));
        });
        let verdict = if paired.ratio <= RATIO_GOAL {
            "meets goal"
        } else {
            "MISSES goal"
        };
        println!(
            "send/{name:<10} bare {:>8.0} ns  slackhook {:>8.0} ns  ratio {:.3}  {verdict}",
            paired.baseline_ns, paired.candidate_ns, paired.ratio,
        );

        let mut parts: Vec<Part<'_>> = vec![(
            "slackhook, validation off",
            Box::new(|| drop(black_box(first_request(&unchecked, black_box(&message))))),
        )];
        if breakdown {
            parts.push((
                "of which validate()",
                Box::new(|| {
                    let map = black_box(message.as_map());
                    black_box(slackhook::validate::validate(map)).ok();
                }),
            ));
            parts.push((
                "of which serde_json::to_vec",
                Box::new(|| drop(black_box(serde_json::to_vec(black_box(message.as_map()))))),
            ));
            parts.push((
                "of which Webhook::send",
                Box::new(|| drop(black_box(webhook.send(black_box(&message))))),
            ));
        }
        // Each part is paired with the baseline afresh, so it is printed with that round's
        // baseline: the machine's load may have moved since the line above.
        for (label, part) in parts {
            let paired = support::paired(Duration::from_secs(2), bare_request, part);
            println!(
                "    {label:<28} {:>8.0} ns  (bare {:>6.0} ns)  ratio {:.3}",
                paired.candidate_ns, paired.baseline_ns, paired.ratio
            );
        }
    }
}

fn main() {
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    bench_send(&mut criterion);
    criterion.final_summary();

    if support::is_bench_run() {
        print_ratios();
    }
}
