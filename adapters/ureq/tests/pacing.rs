//! One pacer per client, shared by every clone and thread, against the emulator's rate limit.

use std::collections::BTreeMap;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use slackhook::pacer::Rate;
use slackhook::retry::{RandomJitter, RateLimitErrorRetryHandler};
use slackhook::{Error, Message};
use slackhook_emulator::{Emulator, Fault, RateLimit};
use slackhook_ureq::{WebhookClient, WebhookClientBuilder};

use slackhook_conformance::support::capture_logs;

const THREADS: usize = 8;
const SENDS_PER_THREAD: usize = 4;
const WAIT: Duration = Duration::from_secs(10);

/// The emulator's limit: Slack's shape (a sustained rate with a short burst), twenty times
/// faster, so that 32 messages take under two seconds instead of half a minute.
fn limit() -> RateLimit {
    RateLimit::per_second(20).with_burst(5)
}

fn rate_limited_emulator() -> Emulator {
    capture_logs();
    Emulator::builder()
        .rate_limit(limit())
        .start()
        .expect("the emulator starts on loopback")
}

/// A client that retries 429s generously, with a little jitter.
fn builder(slack: &Emulator) -> WebhookClientBuilder {
    let handler = RateLimitErrorRetryHandler::new()
        .with_max_retries(10)
        .with_jitter(RandomJitter::up_to(Duration::from_millis(50)));
    WebhookClient::builder(slack.webhook_url()).add_retry_handler(handler)
}

/// Sends `SENDS_PER_THREAD` messages from each of `THREADS` threads through clones of one
/// client, and checks that each arrived exactly once.
fn send_from_threads(slack: &Emulator, client: &WebhookClient) {
    let handles: Vec<_> = (0..THREADS)
        .map(|thread| {
            let client = client.clone();
            thread::spawn(move || {
                for n in 0..SENDS_PER_THREAD {
                    let text = format!("thread {thread} message {n}");
                    let response = client.send(&Message::text(text)).expect("sent");
                    assert_eq!(response.status(), 200);
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("no sender panicked");
    }

    let expected = THREADS * SENDS_PER_THREAD;
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for message in slack.wait_for_messages(expected, WAIT) {
        *seen
            .entry(message.text().unwrap_or_default().to_owned())
            .or_default() += 1;
    }
    assert_eq!(seen.len(), expected, "every message arrived");
    assert!(seen.values().all(|&count| count == 1), "{seen:?}");
    assert_eq!(slack.messages().len(), expected, "no message arrived twice");
}

#[test]
fn threads_sharing_a_client_paced_below_the_limit_never_hit_it() {
    let slack = rate_limited_emulator();
    // The emulator's rate with a smaller burst. Once the burst is spent, the emulator's bucket
    // keeps the difference (three requests) in hand, enough to absorb a thread that wakes late
    // and then goes out right before the next one.
    let client = builder(&slack)
        .pacing(Rate::per_second(20).with_burst(2))
        .build()
        .expect("valid configuration");

    let started = Instant::now();
    send_from_threads(&slack, &client);

    assert_eq!(slack.rate_limited_count(), 0);
    // 32 sends at 20 a second, two of them at once: 1.5 s at least, paced.
    assert!(started.elapsed() >= Duration::from_millis(1500));
}

#[test]
fn threads_sharing_an_unpaced_client_learn_the_limit_from_the_first_429s() {
    let slack = rate_limited_emulator();
    // No pacing: the first sends go out a few at a time, one more per answer. Once a 429 comes
    // back, the client holds every thread for Retry-After and then releases them at the rate
    // adopted after a 429 (Slack's 1/s by default; half the emulator's 20/s here).
    let client = builder(&slack)
        .pacing_after_rate_limit(Rate::per_second(10))
        .build()
        .expect("valid configuration");

    send_from_threads(&slack, &client);

    // At most one send per thread can be in flight when the first 429 comes back, and no more
    // than the start window, which grows by one per answer: the first round draws at most one
    // 429 per thread. After the hold, threads go out one by one at the learned rate. Measured:
    // 2 to 6 for 32 messages, idle or on a loaded 2-core machine.
    let limited = slack.rate_limited_count();
    let bound = THREADS + 2;
    assert!(limited <= bound, "{limited} 429s, expected at most {bound}");
}

#[test]
fn threads_sharing_a_client_paced_at_the_limit_hit_it_a_handful_of_times() {
    let slack = rate_limited_emulator();
    let client = builder(&slack)
        .pacing(Rate::per_second(20).with_burst(5))
        .build()
        .expect("valid configuration");

    let started = Instant::now();
    send_from_threads(&slack, &client);

    // Pacing exactly at the limit leaves nothing in hand once the burst is spent: a request
    // that reaches the emulator a little after its slot (a new connection, a thread that woke
    // late) leaves the next one just short of a token, and that one gets a 429. The pacer sees
    // the 429 within a round trip, far sooner than the 50 ms to the next slot, and holds every
    // thread for Retry-After (1 s), after which the bucket is full again. So each such round
    // costs one 429, not one per thread, and rounds are at least a second apart: at most one
    // 429 per second of the run, plus one for a round trip slowed by a busy machine.
    let limited = slack.rate_limited_count();
    let bound = started.elapsed().as_secs() as usize + 2;
    assert!(limited <= bound, "{limited} 429s, expected at most {bound}");
}

#[test]
fn a_429_holds_every_thread_until_retry_after() {
    capture_logs();
    let slack = Emulator::start().expect("the emulator starts on loopback");
    // Held threads are released at the rate learned from the 429: here one fast enough to let
    // all of them go as soon as the hold ends, so that only the hold is measured.
    let client = WebhookClient::builder(slack.webhook_url())
        .pacing_after_rate_limit(Rate::per_second(1000).with_burst(THREADS as u32))
        .build()
        .expect("valid configuration");

    slack.inject(Fault::rate_limited("1"));
    let first = client.send(&Message::text("limited")).expect("a response");
    assert_eq!(first.status(), 429);
    let held_from = SystemTime::now();

    let handles: Vec<_> = (0..THREADS)
        .map(|n| {
            let client = client.clone();
            thread::spawn(move || client.send(&Message::text(format!("held {n}"))))
        })
        .collect();
    for handle in handles {
        let response = handle.join().expect("no panic").expect("sent");
        assert_eq!(response.status(), 200);
        assert_eq!(response.attempts(), 1);
    }

    // The hold began when the 429 arrived, just before `held_from`; a little slack covers the
    // microseconds in between.
    let hold_ends = held_from + Duration::from_millis(950);
    let messages = slack.wait_for_messages(THREADS, WAIT);
    assert_eq!(messages.len(), THREADS);
    for message in &messages {
        assert!(message.received_at() >= hold_ends, "{message:?} went early");
    }
    assert_eq!(slack.request_count(), THREADS + 1);
}

#[test]
fn a_send_held_past_its_cap_fails_at_once_and_sends_nothing() {
    capture_logs();
    let slack = Emulator::start().expect("the emulator starts on loopback");
    let client = WebhookClient::builder(slack.webhook_url())
        .add_retry_handler(RateLimitErrorRetryHandler::new())
        .max_wait(Duration::from_millis(200))
        .build()
        .expect("valid configuration");

    // Thirty seconds is over the cap: the retry handler gives the 429 back at once, and the
    // pacer keeps the hold.
    slack.inject(Fault::rate_limited("30"));
    let first = client.send(&Message::text("limited")).expect("a response");
    assert_eq!(first.status(), 429);

    let started = Instant::now();
    let error = client
        .send(&Message::text("held"))
        .expect_err("the hold is past the cap");

    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(
        matches!(error, Error::WaitTooLong { wait, cap }
            if wait > Duration::from_secs(29) && cap == Duration::from_millis(200)),
        "{error:?}"
    );
    assert!(error.is_not_sent());
    assert_eq!(slack.request_count(), 1);
    assert!(slack.messages().is_empty());
}

#[test]
fn pacing_is_off_unless_asked_for() {
    let url: slackhook::WebhookUrl = "https://hooks.slack.com/services/T0/B0/x"
        .parse()
        .expect("url");
    assert_eq!(WebhookClient::new(url.clone()).pacing(), None);

    let paced = WebhookClient::builder(url)
        .pacing(Rate::slack())
        .build()
        .expect("valid configuration");
    assert_eq!(paced.pacing(), Some(Rate::slack()));
    assert!(format!("{paced:?}").contains("pacing"));
}
