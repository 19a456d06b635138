//! Properties of the delivery state machine over generated outcomes and configurations.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Answer, Event, URL, drive};
use proptest::prelude::*;
use slackhook::retry::{
    BackoffInterval, ConnectionErrorRetryHandler, FixedInterval, RandomJitter,
    RateLimitErrorRetryHandler, RetryHandler, ServerErrorRetryHandler,
};
use slackhook::{Message, TransportError, TransportErrorKind, Webhook};

fn answer() -> impl Strategy<Value = Answer> {
    prop_oneof![
        Just(Answer::ok()),
        (400u16..600).prop_map(|s| Answer::status(s, "error")),
        prop_oneof![
            Just("0".to_owned()),
            Just("1".to_owned()),
            Just("-1".to_owned()),
            Just("1.5".to_owned()),
            Just("garbage".to_owned()),
            Just("99999999999".to_owned()),
            (0u64..120).prop_map(|s| s.to_string()),
        ]
        .prop_map(|v| Answer::rate_limited(&v)),
        prop_oneof![
            Just(TransportErrorKind::ConnectionRefused),
            Just(TransportErrorKind::Dns),
            Just(TransportErrorKind::Tls),
        ]
        .prop_map(|k| Answer::Error(TransportError::not_sent(k))),
        prop_oneof![
            Just(TransportErrorKind::ConnectionReset),
            Just(TransportErrorKind::ConnectionClosed),
            Just(TransportErrorKind::Timeout),
        ]
        .prop_map(|k| Answer::Error(TransportError::maybe_delivered(k))),
    ]
}

/// A handler configuration and the sum of its budgets.
#[derive(Debug)]
struct Config {
    handlers: Vec<Arc<dyn RetryHandler>>,
    budget: u32,
    max_wait: Duration,
    max_total_wait: Duration,
}

fn config() -> impl Strategy<Value = Config> {
    let connection = (0u32..4, any::<bool>()).prop_map(|(n, maybe)| {
        Arc::new(
            ConnectionErrorRetryHandler::new()
                .with_max_retries(n)
                .retry_maybe_delivered(maybe),
        ) as Arc<dyn RetryHandler>
    });
    let rate = (0u32..4, 0u64..3000).prop_map(|(n, jitter)| {
        Arc::new(
            RateLimitErrorRetryHandler::new()
                .with_max_retries(n)
                .with_jitter(RandomJitter::up_to(Duration::from_millis(jitter + 1))),
        ) as Arc<dyn RetryHandler>
    });
    let server = (0u32..4, 0u64..5000).prop_map(|(n, ms)| {
        Arc::new(
            ServerErrorRetryHandler::new()
                .with_max_retries(n)
                .with_interval(FixedInterval::new(Duration::from_millis(ms))),
        ) as Arc<dyn RetryHandler>
    });
    let backoff = (0u32..6).prop_map(|n| {
        Arc::new(
            ServerErrorRetryHandler::new()
                .with_max_retries(n)
                .with_statuses([http::StatusCode::BAD_GATEWAY])
                .with_interval(BackoffInterval::new(Duration::from_millis(100))),
        ) as Arc<dyn RetryHandler>
    });
    let handler = prop_oneof![connection, rate, server, backoff];
    (
        proptest::collection::vec(handler, 0..4),
        1u64..120,
        1u64..600,
    )
        .prop_map(|(handlers, single, total)| Config {
            budget: handlers.iter().map(|h| h.max_retries()).sum(),
            handlers,
            max_wait: Duration::from_secs(single),
            max_total_wait: Duration::from_secs(total),
        })
}

fn webhook(config: &Config) -> Webhook {
    Webhook::builder(URL.parse().expect("url"))
        .retry_handlers(config.handlers.clone())
        .max_wait(config.max_wait)
        .max_total_wait(config.max_total_wait)
        .build()
        .expect("webhook")
}

proptest! {
    // Failing cases are kept in proptest-regressions/properties.txt and replayed first on every
    // run.
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(
                "proptest-regressions/properties.txt"
            ),
        )),
        ..ProptestConfig::with_cases(2_000)
    })]

    #[test]
    fn a_delivery_ends_within_its_budgets_and_caps(
        config in config(),
        answers in proptest::collection::vec(answer(), 0..12),
        seed in any::<u64>(),
    ) {
        let delivery = webhook(&config).send(&Message::text("x")).expect("valid");
        let (events, result) = drive(delivery, &answers, seed);

        let transmits = events.iter().filter(|e| **e == Event::Transmit).count() as u32;
        prop_assert!(transmits >= 1);
        prop_assert!(transmits <= 1 + config.budget, "{transmits} > 1 + {}", config.budget);

        let mut total = Duration::ZERO;
        for event in &events {
            if let Event::Wait(wait) = event {
                prop_assert!(*wait <= config.max_wait);
                total += *wait;
            }
        }
        prop_assert!(total <= config.max_total_wait);

        match result {
            Ok(response) => prop_assert_eq!(response.attempts(), transmits),
            Err(slackhook::Error::Transport { attempts, .. }) => {
                prop_assert_eq!(attempts, transmits)
            }
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }

    #[test]
    fn default_handlers_never_retry_a_maybe_delivered_error(
        answers in proptest::collection::vec(answer(), 1..8),
        seed in any::<u64>(),
    ) {
        let webhook = Webhook::new(URL.parse().expect("url"));
        let delivery = webhook.send(&Message::text("x")).expect("valid");
        let (events, _) = drive(delivery, &answers, seed);

        let transmits = events.iter().filter(|e| **e == Event::Transmit).count();
        for (i, answer) in answers.iter().enumerate().take(transmits) {
            if let Answer::Error(error) = answer {
                if error.may_have_been_delivered() {
                    prop_assert_eq!(transmits, i + 1, "retried after a maybe-delivered error");
                }
            }
        }
    }

    #[test]
    fn the_same_seed_replays_the_same_delivery(
        config in config(),
        answers in proptest::collection::vec(answer(), 0..8),
        seed in any::<u64>(),
    ) {
        let hook = webhook(&config);
        let first = drive(hook.send(&Message::text("x")).expect("valid"), &answers, seed).0;
        let second = drive(hook.send(&Message::text("x")).expect("valid"), &answers, seed).0;
        prop_assert_eq!(first, second);
    }
}
