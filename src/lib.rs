//! # slackhook
//!
//! The sans-IO core of a Slack incoming-webhook and `response_url` client.
//!
//! In scope:
//!
//! - [`WebhookUrl`]: validated addresses whose secret path never shows in `Debug`, `Display` or
//!   errors.
//! - [`Message`]: every field Slack's webhooks take, plus raw JSON; validated against Slack's
//!   documented limits before any request exists ([`validate`]).
//! - [`Webhook`] and [`Delivery`]: the requests to send and every retry decision, as a state
//!   machine the caller drives ([`retry`] holds the policies).
//! - [`WebhookResponse`] and [`SlackError`]: Slack's answer, typed.
//! - [`blocks`]: typed Block Kit builders that serialize to Slack's exact JSON.
//! - [`mrkdwn`]: escaping, links, mentions and dates in Slack's text format.
//! - [`pacer`]: one schedule per webhook, shared by all its senders, that learns from 429s.
//! - [`proxy`]: which proxy carries a webhook's requests, from `HTTPS_PROXY` and `NO_PROXY` as
//!   the caller looks them up.
//! - [`signature`]: verifying Slack's request signatures, and signing requests as Slack does.
//! - [`interaction`]: typed slash commands and interactive payloads, with their `response_url`.
//!
//! Out of scope: sockets, TLS, clocks, sleeping and global randomness. Those belong to the
//! adapters (`slackhook-ureq` for blocking code, `slackhook-reqwest` for async), or to you.
//!
//! ## Driving a delivery
//!
//! **Poll until done; after every `Transmit`, feed back exactly one outcome.** Here a fake
//! transport answers the first request with a 429 and the second with `ok`:
//!
//! ```
//! use bytes::Bytes;
//! use slackhook::retry::RateLimitErrorRetryHandler;
//! use slackhook::{Message, Step, Webhook};
//!
//! # struct SeededRng(u64);
//! # impl rand_core::TryRng for SeededRng {
//! #     type Error = core::convert::Infallible;
//! #     fn try_next_u32(&mut self) -> Result<u32, Self::Error> { Ok(self.try_next_u64()? as u32) }
//! #     fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
//! #         self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1);
//! #         Ok(self.0)
//! #     }
//! #     fn try_fill_bytes(&mut self, d: &mut [u8]) -> Result<(), Self::Error> {
//! #         d.fill(7);
//! #         Ok(())
//! #     }
//! # }
//! // Any rand_core RNG will do; jitter is drawn from it only when a retry waits.
//! let mut rng = SeededRng(42);
//!
//! let url = "https://hooks.slack.com/services/T000/B000/secret-token".parse()?;
//! let webhook = Webhook::builder(url)
//!     .retry_handler(RateLimitErrorRetryHandler::new().without_jitter())
//!     .build()?;
//!
//! // A stand-in for an HTTP client: 429 first, then 200.
//! let mut answers = vec![
//!     http::Response::builder().status(200).body(Bytes::from("ok"))?,
//!     http::Response::builder()
//!         .status(429)
//!         .header("retry-after", "2")
//!         .body(Bytes::new())?,
//! ];
//!
//! let mut delivery = webhook.send(&Message::text("Deploy finished"))?;
//! let mut waited = Vec::new();
//! let response = loop {
//!     match delivery.poll()? {
//!         slackhook::Step::Transmit(request) => {
//!             assert_eq!(request.method(), "POST");
//!             let answer = answers.pop().expect("one answer per request");
//!             delivery.handle_response(answer, &mut rng)?;
//!         }
//!         Step::Wait(duration) => waited.push(duration), // a real adapter sleeps here
//!         Step::Done(response) => break response,
//!     }
//! };
//!
//! assert!(response.is_ok());
//! assert_eq!(response.attempts(), 2);
//! assert_eq!(waited, [std::time::Duration::from_secs(2)]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

pub mod blocks;
mod delivery;
mod error;
pub mod interaction;
mod json;
mod message;
pub mod mrkdwn;
pub mod pacer;
pub mod proxy;
mod response;
pub mod retry;
pub mod signature;
mod transport;
mod url;
pub mod validate;
mod webhook;

pub use delivery::{Delivery, GiveUp, Step};
pub use error::Error;
pub use message::{Message, ResponseType};
pub use response::{SlackError, WebhookResponse};
pub use transport::{Sent, TransportError, TransportErrorKind};
pub use url::{UrlError, WebhookUrl};
pub use validate::ValidationError;
pub use webhook::{USER_AGENT, Webhook, WebhookBuilder};

// Re-exported so that adapters and users name the same versions.
pub use bytes;
pub use http;
pub use rand_core;
