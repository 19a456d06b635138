//! A reference model of retry decisions, checked against `Delivery` step for step.
//!
//! The model is written independently of the state machine, as plainly as possible: walk the
//! scripted outcomes, ask "which handler takes this, and does it have budget left", and compute
//! the wait. Any disagreement with the real delivery is a bug in one of them.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Answer, Event, URL, drive};
use proptest::prelude::*;
use slackhook::retry::{
    ConnectionErrorRetryHandler, FixedInterval, RateLimitErrorRetryHandler, RetryHandler,
    ServerErrorRetryHandler,
};
use slackhook::{TransportError, TransportErrorKind, Webhook};

#[derive(Debug, Clone)]
struct Scenario {
    connection_budget: u32,
    retry_maybe_delivered: bool,
    rate_limit_budget: Option<u32>,
    server_budget: Option<u32>,
    fallback: Duration,
    max_wait: Duration,
    max_total_wait: Duration,
    answers: Vec<Answer>,
}

#[derive(Debug, PartialEq, Eq)]
enum End {
    Status(u16),
    Transport { not_sent: bool },
}

fn model(s: &Scenario) -> (Vec<Event>, End) {
    let (mut conn_used, mut rate_used, mut server_used) = (0, 0, 0);
    let mut total = Duration::ZERO;
    let mut events = Vec::new();
    let refused = Answer::Error(TransportError::not_sent(
        TransportErrorKind::ConnectionRefused,
    ));

    for i in 0.. {
        events.push(Event::Transmit);
        let answer = s.answers.get(i).unwrap_or(&refused);

        let (wait, end) = match answer {
            Answer::Error(e) => {
                let takes = e.is_not_sent() || s.retry_maybe_delivered;
                let end = End::Transport {
                    not_sent: e.is_not_sent(),
                };
                if takes && conn_used < s.connection_budget {
                    conn_used += 1;
                    (Some(s.fallback), end)
                } else {
                    (None, end)
                }
            }
            Answer::Status(429, headers, body) => {
                let end = End::Status(429);
                match s.rate_limit_budget {
                    Some(budget) if rate_used < budget && !body.starts_with("message_limit") => {
                        rate_used += 1;
                        let told = headers
                            .iter()
                            .find(|(n, _)| *n == "retry-after")
                            .and_then(|(_, v)| {
                                v.bytes()
                                    .all(|b| b.is_ascii_digit())
                                    .then(|| v.parse::<u64>().ok())
                            })
                            .flatten()
                            .filter(|_| true);
                        (Some(told.map_or(s.fallback, Duration::from_secs)), end)
                    }
                    _ => (None, end),
                }
            }
            Answer::Status(status @ (500 | 503), _, _) => {
                let end = End::Status(*status);
                match s.server_budget {
                    Some(budget) if server_used < budget => {
                        server_used += 1;
                        (Some(s.fallback), end)
                    }
                    _ => (None, end),
                }
            }
            Answer::Status(status, _, _) => (None, End::Status(*status)),
        };

        match wait {
            Some(wait) if wait <= s.max_wait && total + wait <= s.max_total_wait => {
                total += wait;
                events.push(Event::Wait(wait));
            }
            _ => return (events, end),
        }
    }
    unreachable!("the loop returns")
}

fn real(s: &Scenario, seed: u64) -> (Vec<Event>, End) {
    let fixed = FixedInterval::new(s.fallback);
    let mut handlers: Vec<Arc<dyn RetryHandler>> = vec![Arc::new(
        ConnectionErrorRetryHandler::new()
            .with_max_retries(s.connection_budget)
            .retry_maybe_delivered(s.retry_maybe_delivered)
            .with_interval(fixed),
    )];
    if let Some(budget) = s.rate_limit_budget {
        handlers.push(Arc::new(
            RateLimitErrorRetryHandler::new()
                .with_max_retries(budget)
                .without_jitter()
                .with_interval(fixed),
        ));
    }
    if let Some(budget) = s.server_budget {
        handlers.push(Arc::new(
            ServerErrorRetryHandler::new()
                .with_max_retries(budget)
                .with_interval(fixed),
        ));
    }
    let webhook = Webhook::builder(URL.parse().expect("url"))
        .retry_handlers(handlers)
        .max_wait(s.max_wait)
        .max_total_wait(s.max_total_wait)
        .build()
        .expect("webhook");

    let delivery = webhook.send(&slackhook::Message::text("x")).expect("valid");
    let (events, result) = drive(delivery, &s.answers, seed);
    let end = match result {
        Ok(response) => End::Status(response.status().as_u16()),
        Err(slackhook::Error::Transport { error, .. }) => End::Transport {
            not_sent: error.is_not_sent(),
        },
        Err(other) => panic!("unexpected error: {other}"),
    };
    (events, end)
}

fn answer() -> impl Strategy<Value = Answer> {
    prop_oneof![
        Just(Answer::ok()),
        Just(Answer::status(500, "rollup_error")),
        Just(Answer::status(503, "")),
        Just(Answer::status(404, "channel_not_found")),
        Just(Answer::status(429, "message_limit_exceeded")),
        prop_oneof![
            (0u64..200).prop_map(|n| n.to_string()),
            Just("-3".to_owned()),
            Just("2.5".to_owned()),
            Just("tomorrow".to_owned()),
        ]
        .prop_map(|v| Answer::rate_limited(&v)),
        Just(Answer::Error(TransportError::not_sent(
            TransportErrorKind::Dns
        ))),
        Just(Answer::Error(TransportError::maybe_delivered(
            TransportErrorKind::Timeout
        ))),
    ]
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        (0u32..4, any::<bool>()),
        proptest::option::of(0u32..4),
        proptest::option::of(0u32..4),
        (0u64..5, 1u64..100, 1u64..300),
        proptest::collection::vec(answer(), 0..10),
    )
        .prop_map(
            |((cb, maybe), rate, server, (fallback, single, total), answers)| Scenario {
                connection_budget: cb,
                retry_maybe_delivered: maybe,
                rate_limit_budget: rate,
                server_budget: server,
                fallback: Duration::from_secs(fallback),
                max_wait: Duration::from_secs(single),
                max_total_wait: Duration::from_secs(total),
                answers,
            },
        )
}

proptest! {
    // Failing cases are kept in proptest-regressions/model.txt and replayed first on every run.
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(
                "proptest-regressions/model.txt"
            ),
        )),
        ..ProptestConfig::with_cases(5_000)
    })]

    #[test]
    fn the_delivery_agrees_with_the_model(s in scenario(), seed in any::<u64>()) {
        prop_assert_eq!(real(&s, seed), model(&s));
    }
}
