//! Host names: looked up once for many sends, and afresh after a failed attempt.

use std::time::Duration;

use slackhook::retry::{ConnectionErrorRetryHandler, FixedInterval};
use slackhook::{Message, WebhookUrl};
use slackhook_emulator::Emulator;
use slackhook_ureq::WebhookClient;

use slackhook_conformance::support::{all_logs, capture_logs, refused_port};

const WAIT: Duration = Duration::from_secs(5);

/// The same webhook, addressed by the name `localhost` instead of the emulator's IP address.
fn by_name(url: &WebhookUrl, port: u16) -> WebhookUrl {
    let named = url
        .expose_secret()
        .replace(&format!("127.0.0.1:{port}"), &format!("localhost:{port}"));
    named.parse().expect("a loopback url")
}

/// The lookups the client logged for `localhost:port`; each test uses its own port.
fn lookups_of_localhost(port: u16) -> usize {
    let host = format!("looked up localhost:{port}:");
    all_logs()
        .iter()
        .filter(|line| line.contains(&host))
        .count()
}

#[test]
fn many_sends_to_a_named_host_look_the_name_up_once() {
    capture_logs();
    let slack = Emulator::start().expect("the emulator starts on loopback");
    let port = slack.local_addr().port();
    let url = by_name(&slack.webhook_url(), port);
    let client = WebhookClient::builder(url.clone())
        .timeout(WAIT)
        .no_proxy()
        .build()
        .expect("valid configuration");

    for n in 0..20 {
        let response = client
            .send(&Message::text(format!("message {n}")))
            .expect("sent");
        assert_eq!(response.status(), 200);
    }

    assert_eq!(slack.wait_for_messages(20, WAIT).len(), 20);
    assert_eq!(slack.connection_count(), 1);
    assert_eq!(lookups_of_localhost(port), 1);

    let secret = url.expose_secret();
    let path = &secret[secret.find("/services").expect("a webhook path")..];
    assert!(all_logs().iter().all(|line| !line.contains(path)));
}

#[test]
fn a_failed_attempt_makes_its_retry_look_the_name_up_again() {
    capture_logs();
    let port = refused_port();
    let url: WebhookUrl = format!("http://localhost:{port}/services/T0/B0/secret")
        .parse()
        .expect("a loopback url");
    let retry_at_once = ConnectionErrorRetryHandler::new()
        .with_interval(FixedInterval::new(Duration::from_millis(10)));
    let client = WebhookClient::builder(url)
        .timeout(WAIT)
        .no_proxy()
        .retry_handler(retry_at_once)
        .build()
        .expect("valid configuration");

    let error = client
        .send(&Message::text("hi"))
        .expect_err("nothing listens");

    assert!(error.is_not_sent());
    assert_eq!(lookups_of_localhost(port), 2);
}

#[test]
fn an_ip_literal_host_is_never_looked_up() {
    capture_logs();
    let slack = Emulator::start().expect("the emulator starts on loopback");
    let port = slack.local_addr().port();
    let client = WebhookClient::builder(slack.webhook_url())
        .timeout(WAIT)
        .no_proxy()
        .build()
        .expect("valid configuration");

    for n in 0..3 {
        client
            .send(&Message::text(format!("message {n}")))
            .expect("sent");
    }

    assert_eq!(slack.wait_for_messages(3, WAIT).len(), 3);
    let looked_up = format!("looked up 127.0.0.1:{port}");
    assert!(all_logs().iter().all(|line| !line.contains(&looked_up)));
}
