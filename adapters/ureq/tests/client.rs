//! The blocking client against the emulator, over loopback sockets.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use slackhook::http::{HeaderMap, HeaderValue};
use slackhook::rand_core::TryRng;
use slackhook::retry::{FixedInterval, JitterRng, RandomJitter, ServerErrorRetryHandler};
use slackhook::{Error, Message, TransportErrorKind, WebhookUrl};
use slackhook_emulator::{Emulator, Fault};
use slackhook_ureq::WebhookClient;

use slackhook_conformance::support::{
    all_logs, capture_logs, captured_logs, refused_port, unreachable_listener,
};

const WAIT: Duration = Duration::from_secs(5);

fn emulator() -> Emulator {
    capture_logs();
    Emulator::start().expect("the emulator starts on loopback")
}

#[test]
fn sequential_sends_reuse_one_connection() {
    let slack = emulator();
    let client = WebhookClient::new(slack.webhook_url());

    for n in 0..5 {
        let response = client
            .send(&Message::text(format!("message {n}")))
            .expect("sent");
        assert_eq!(response.status(), 200);
    }

    assert_eq!(slack.wait_for_messages(5, WAIT).len(), 5);
    assert_eq!(slack.connection_count(), 1);
}

#[test]
fn a_connection_the_server_closed_while_idle_is_not_reused() {
    let slack = emulator();
    let client = WebhookClient::new(slack.webhook_url());

    client.send(&Message::text("first")).expect("first send");
    slack.close_idle_connections();
    let second = client.send(&Message::text("second")).expect("second send");

    assert_eq!(second.status(), 200);
    assert_eq!(second.attempts(), 1);
    let texts: Vec<_> = slack
        .wait_for_messages(2, WAIT)
        .iter()
        .map(|m| m.text().map(str::to_owned))
        .collect();
    assert_eq!(texts, [Some("first".into()), Some("second".into())]);
    assert_eq!(slack.request_count(), 2);
    assert_eq!(slack.connection_count(), 2);
}

#[test]
fn user_agent_names_the_callers_tokens_slackhook_and_ureq() {
    let slack = emulator();
    let client = WebhookClient::builder(slack.webhook_url())
        .user_agent_prefix("deploy-bot/2.1")
        .user_agent_suffix("(ci)")
        .build()
        .expect("valid configuration");

    client.send(&Message::text("hi")).expect("sent");

    let messages = slack.wait_for_messages(1, WAIT);
    let agent = messages[0].headers()["user-agent"].to_str().expect("ascii");
    let expected = format!("deploy-bot/2.1 {} ureq/3 (ci)", slackhook::USER_AGENT);
    assert_eq!(agent, expected);
}

#[test]
fn default_headers_go_on_every_send_and_per_send_headers_replace_them() {
    let slack = emulator();
    let client = WebhookClient::builder(slack.webhook_url())
        .header("x-team", "blue")
        .header("x-source", "ci")
        .build()
        .expect("valid configuration");
    let mut extra = HeaderMap::new();
    extra.insert("x-team", HeaderValue::from_static("red"));
    extra.insert("x-trace", HeaderValue::from_static("abc"));

    client.send(&Message::text("plain")).expect("sent");
    client
        .send_with_headers(&Message::text("extra"), &extra)
        .expect("sent");

    let messages = slack.wait_for_messages(2, WAIT);
    let plain = messages[0].headers();
    assert_eq!(plain["x-team"], "blue");
    assert_eq!(plain["x-source"], "ci");
    assert!(plain.get("x-trace").is_none());
    let with_extra = messages[1].headers();
    assert_eq!(with_extra.get_all("x-team").iter().count(), 1);
    assert_eq!(with_extra["x-team"], "red");
    assert_eq!(with_extra["x-source"], "ci");
    assert_eq!(with_extra["x-trace"], "abc");
    assert!(
        with_extra["content-type"]
            .to_str()
            .is_ok_and(|v| v.starts_with("application/json"))
    );
}

#[test]
fn an_invalid_message_is_rejected_without_any_request() {
    let slack = emulator();
    let client = WebhookClient::new(slack.webhook_url());

    let too_long = Message::text("x".repeat(40_001));
    let error = client.send(&too_long).expect_err("over Slack's limit");
    assert!(matches!(error, Error::Invalid(_)));
    assert!(error.is_not_sent());

    let error = client
        .send_json(&serde_json::json!(["not", "an", "object"]))
        .expect_err("not an object");
    assert!(matches!(error, Error::NotAnObject { .. }));

    assert_eq!(slack.request_count(), 0);
    assert_eq!(slack.connection_count(), 0);
}

#[test]
fn validation_can_be_turned_off() {
    let slack = emulator();
    let client = WebhookClient::builder(slack.webhook_url())
        .validate(false)
        .build()
        .expect("valid configuration");

    // Slack (and the emulator) answer an empty payload with `no_text`; the client lets it go.
    let response = client.send(&Message::new()).expect("sent");
    assert_eq!(response.status(), 400);
    assert_eq!(slack.request_count(), 1);
}

#[test]
fn raw_json_payloads_are_sent_as_they_are() {
    let slack = emulator();
    let client = WebhookClient::new(slack.webhook_url());

    let payload = serde_json::json!({"text": "raw", "unfurl_links": false, "x_custom": 7});
    client.send_json(&payload).expect("sent");

    let messages = slack.wait_for_messages(1, WAIT);
    assert_eq!(messages[0].payload(), &payload);
}

#[test]
fn the_same_seed_gives_the_same_waits() {
    fn waits_with_seed(seed: u64) -> Vec<String> {
        let slack = emulator();
        slack.inject_n(Fault::status(503, "service_unavailable"), 2);
        let handler = ServerErrorRetryHandler::new()
            .with_max_retries(2)
            .with_interval(
                FixedInterval::new(Duration::from_millis(5))
                    .with_jitter(RandomJitter::up_to(Duration::from_millis(40))),
            );
        let url = slack.webhook_url();
        let client = WebhookClient::builder(url.clone())
            .retry_handler(handler)
            .rng(JitterRng::seed_from_u64(seed))
            .build()
            .expect("valid configuration");

        let response = client.send(&Message::text("jittered")).expect("sent");
        assert_eq!(response.status(), 200);
        slackhook_conformance::support::logged_waits(&url)
    }

    let first = waits_with_seed(7);
    let again = waits_with_seed(7);
    let other = waits_with_seed(8);
    assert_eq!(first.len(), 2);
    assert_eq!(first, again);
    assert_ne!(first, other);
}

#[test]
fn the_rng_is_only_drawn_from_when_a_retry_waits() {
    #[derive(Clone)]
    struct Counting(Arc<AtomicUsize>);

    impl TryRng for Counting {
        type Error = std::convert::Infallible;

        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            Ok(self.try_next_u64()? as u32)
        }

        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(u64::MAX / 3)
        }

        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            self.0.fetch_add(1, Ordering::SeqCst);
            dst.fill(1);
            Ok(())
        }
    }

    let slack = emulator();
    let draws = Arc::new(AtomicUsize::new(0));
    let client = WebhookClient::builder(slack.webhook_url())
        .retry_handler(
            ServerErrorRetryHandler::new().with_interval(
                FixedInterval::new(Duration::ZERO)
                    .with_jitter(RandomJitter::up_to(Duration::from_millis(10))),
            ),
        )
        .rng(Counting(draws.clone()))
        .build()
        .expect("valid configuration");

    client.send(&Message::text("no retry")).expect("sent");
    assert_eq!(draws.load(Ordering::SeqCst), 0);

    slack.inject(Fault::status(500, "rollup_error"));
    client.send(&Message::text("one retry")).expect("sent");
    assert!(draws.load(Ordering::SeqCst) > 0);
}

/// Sends a 404 and a redirect through `client`: both must come back as responses, and the
/// redirect must not be followed.
fn assert_statuses_return_and_redirects_stay(slack: &Emulator, client: &WebhookClient) {
    slack.inject(Fault::status(404, "channel_not_found"));
    let response = client.send(&Message::text("gone")).expect("a response");
    assert_eq!(response.status(), 404);
    assert_eq!(response.body(), "channel_not_found");

    let elsewhere = format!("{}/services/T0/B0/elsewhere", slack.base_url());
    slack.inject(Fault::redirect(elsewhere));
    let response = client.send(&Message::text("moved")).expect("a response");
    assert_eq!(response.status(), 302);
    assert_eq!(slack.request_count(), 2);
}

/// A client on `agent`, a caller's, held to the same rules as the client's own agent.
fn assert_a_callers_agent_keeps_the_rules(agent: ureq::Agent) {
    let slack = emulator();
    let client = WebhookClient::builder(slack.webhook_url())
        .agent(agent)
        .build()
        .expect("valid configuration");
    assert_statuses_return_and_redirects_stay(&slack, &client);
}

#[test]
fn a_callers_agent_is_used_but_cannot_turn_statuses_into_errors_or_follow_redirects() {
    // ureq's defaults turn 4xx into errors and follow redirects.
    assert_a_callers_agent_keeps_the_rules(ureq::Agent::new_with_defaults());
}

#[test]
fn a_callers_agent_set_up_alike_is_used_as_it_is() {
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .new_agent();
    assert_a_callers_agent_keeps_the_rules(agent);
}

#[test]
fn the_clients_own_agent_returns_statuses_and_follows_no_redirect() {
    let slack = emulator();
    let client = WebhookClient::new(slack.webhook_url());
    assert_statuses_return_and_redirects_stay(&slack, &client);
}

#[test]
fn clones_share_one_pool_across_threads() {
    let slack = emulator();
    let client = WebhookClient::new(slack.webhook_url());

    let handles: Vec<_> = (0..8)
        .map(|n| {
            let client = client.clone();
            thread::spawn(move || client.send(&Message::text(format!("thread {n}"))))
        })
        .collect();
    for handle in handles {
        let response = handle.join().expect("no panic").expect("sent");
        assert_eq!(response.status(), 200);
    }

    let mut texts: Vec<String> = slack
        .wait_for_messages(8, WAIT)
        .iter()
        .filter_map(|m| m.text().map(str::to_owned))
        .collect();
    texts.sort();
    let mut expected: Vec<String> = (0..8).map(|n| format!("thread {n}")).collect();
    expected.sort();
    assert_eq!(texts, expected);
    assert!(slack.connection_count() <= 8);
}

#[test]
fn an_explicit_proxy_carries_the_request() {
    let proxy = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = proxy.local_addr().expect("address");
    let seen = thread::spawn(move || {
        let (mut stream, _) = proxy.accept().expect("the client connects to the proxy");
        stream.set_read_timeout(Some(WAIT)).expect("timeout");
        let mut head = Vec::new();
        let mut byte = [0; 1];
        while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).expect("request head") == 1 {
            head.push(byte[0]);
        }
        stream
            .write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            .expect("answer");
        String::from_utf8_lossy(&head).into_owned()
    });

    let url: WebhookUrl = "https://hooks.slack.com/services/T0/B0/proxied"
        .parse()
        .expect("url");
    let client = WebhookClient::builder(url)
        .proxy(&format!("http://user:hunter2@{address}"))
        .no_retries()
        .timeout(WAIT)
        .build()
        .expect("valid configuration");
    let error = client
        .send(&Message::text("via proxy"))
        .expect_err("the proxy refuses");

    let head = seen.join().expect("proxy thread");
    assert!(head.starts_with("CONNECT hooks.slack.com:443 "), "{head}");
    let transport = error.transport().expect("a transport failure");
    assert_eq!(transport.kind(), TransportErrorKind::Proxy);
    assert!(transport.is_not_sent());
    assert!(!error.to_string().contains("hunter2"));
}

#[test]
fn long_response_bodies_are_cut_and_the_next_send_still_works() {
    let slack = emulator();
    let client = WebhookClient::new(slack.webhook_url());
    slack.inject(Fault::status(502, "x".repeat(200_000)));

    let response = client.send(&Message::text("hi")).expect("a response");
    assert_eq!(response.status(), 502);
    assert_eq!(response.body_bytes().len(), 64 * 1024);

    let response = client.send(&Message::text("again")).expect("a response");
    assert_eq!(response.status(), 200);
}

#[test]
fn an_unusable_proxy_is_rejected_without_quoting_it() {
    let url: WebhookUrl = "https://hooks.slack.com/services/T0/B0/x"
        .parse()
        .expect("url");
    for address in [
        "socks5://user:hunter2@proxy:1080",
        "http://user:hunter2@pro xy",
        " ",
    ] {
        let error = WebhookClient::builder(url.clone())
            .proxy(address)
            .build()
            .expect_err("unusable proxy");
        assert!(matches!(error, Error::InvalidProxy { .. }), "{error:?}");
        assert!(!error.to_string().contains("hunter2"));
        assert!(!format!("{error:?}").contains("hunter2"));
    }
}

#[test]
fn a_connect_timeout_is_not_sent_and_retried_once() {
    let (listener, _queued) = unreachable_listener();
    let address = listener
        .local_addr()
        .expect("address")
        .as_socket()
        .expect("inet");
    let url: WebhookUrl = format!("http://{address}/services/T0/B0/x")
        .parse()
        .expect("url");
    let client = WebhookClient::builder(url)
        .timeout(Duration::from_secs(5))
        .connect_timeout(Duration::from_millis(200))
        .build()
        .expect("valid configuration");

    let started = Instant::now();
    let error = client
        .send(&Message::text("nobody home"))
        .expect_err("times out");

    let transport = error.transport().expect("a transport failure");
    assert_eq!(transport.kind(), TransportErrorKind::ConnectTimeout);
    assert!(transport.is_not_sent());
    assert!(matches!(error, Error::Transport { attempts: 2, .. }));
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[test]
fn errors_debug_output_and_logs_never_hold_the_secret_path() {
    const SECRET: &str = "S3CR3T-W3BH00K-T0K3N";
    let slack = emulator();

    let refused: WebhookUrl = format!(
        "http://127.0.0.1:{}/services/T0/B0/{SECRET}",
        refused_port()
    )
    .parse()
    .expect("url");
    let slow: WebhookUrl = format!("{}/services/T0/B0/{SECRET}", slack.base_url())
        .parse()
        .expect("url");
    slack.inject(Fault::Delay(Duration::from_secs(2)));

    let mut rendered = Vec::new();
    for (url, timeout) in [(refused, WAIT), (slow, Duration::from_millis(200))] {
        let client = WebhookClient::builder(url.clone())
            .timeout(timeout)
            .build()
            .expect("valid configuration");
        let error = client.send(&Message::text(SECRET)).expect_err("fails");
        rendered.push(error.to_string());
        rendered.push(format!("{error:?}"));
        rendered.push(format!("{client:?}"));
        rendered.push(format!("{:?}", WebhookClient::builder(url.clone())));
        rendered.extend(captured_logs(&url));
    }
    rendered.extend(all_logs());

    assert!(rendered.iter().any(|line| line.contains("refused")));
    assert!(rendered.iter().any(|line| line.contains("timed out")));
    assert!(rendered.iter().any(|line| line.contains("attempt 1")));
    assert!(
        rendered
            .iter()
            .any(|line| line.starts_with("WARN") && line.contains("giving up"))
    );
    for line in &rendered {
        assert!(!line.contains(SECRET), "leaked: {line}");
    }
}
