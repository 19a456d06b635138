//! Helpers shared by the core's integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use bytes::Bytes;
use slackhook::TransportError;

/// A seeded RNG, so that jitter is reproducible in tests.
pub fn rng(seed: u64) -> slackhook::retry::JitterRng {
    slackhook::retry::JitterRng::seed_from_u64(seed)
}

pub const URL: &str = "https://hooks.slack.com/services/T0001/B0002/very-secret-token";

/// A scripted answer from a fake transport.
#[derive(Debug, Clone)]
pub enum Answer {
    Status(u16, Vec<(&'static str, String)>, &'static str),
    Error(TransportError),
}

impl Answer {
    pub fn ok() -> Self {
        Self::Status(200, Vec::new(), "ok")
    }

    pub fn status(status: u16, body: &'static str) -> Self {
        Self::Status(status, Vec::new(), body)
    }

    pub fn rate_limited(retry_after: &str) -> Self {
        Self::Status(429, vec![("retry-after", retry_after.to_owned())], "")
    }

    pub fn response(&self) -> Option<http::Response<Bytes>> {
        let Self::Status(status, headers, body) = self else {
            return None;
        };
        let mut builder = http::Response::builder().status(*status);
        for (name, value) in headers {
            builder = builder.header(*name, value.as_str());
        }
        Some(
            builder
                .body(Bytes::from_static(body.as_bytes()))
                .expect("valid response"),
        )
    }
}

/// What a driven delivery did, step by step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Transmit,
    Wait(std::time::Duration),
}

/// Drives `delivery` against scripted answers, recording every step. Runs out of answers as a
/// refused connection, so a runaway retry loop still ends.
pub fn drive(
    mut delivery: slackhook::Delivery,
    answers: &[Answer],
    seed: u64,
) -> (
    Vec<Event>,
    Result<slackhook::WebhookResponse, slackhook::Error>,
) {
    let mut rng = rng(seed);
    let mut answers = answers.iter();
    let mut events = Vec::new();
    loop {
        match delivery.poll() {
            Ok(slackhook::Step::Transmit(_)) => {
                events.push(Event::Transmit);
                let answer = answers.next().cloned().unwrap_or_else(|| {
                    Answer::Error(TransportError::not_sent(
                        slackhook::TransportErrorKind::ConnectionRefused,
                    ))
                });
                let fed = match answer.response() {
                    Some(response) => delivery.handle_response(response, &mut rng),
                    None => match answer {
                        Answer::Error(e) => delivery.handle_error(e, &mut rng),
                        Answer::Status(..) => unreachable!("statuses have responses"),
                    },
                };
                fed.expect("outcome fed in turn");
            }
            Ok(slackhook::Step::Wait(d)) => events.push(Event::Wait(d)),
            Ok(slackhook::Step::Done(response)) => return (events, Ok(response)),
            Err(e) => return (events, Err(e)),
        }
    }
}
