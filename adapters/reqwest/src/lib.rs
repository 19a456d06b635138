//! # slackhook-reqwest
//!
//! An async client for Slack's incoming webhooks and `response_url` replies: the [`slackhook`]
//! core, driven over [reqwest] 0.13 with rustls, on Tokio.
//!
//! In scope: sending [`Message`](slackhook::Message)s and raw JSON to one webhook, with
//! pooled keep-alive connections, a per-attempt timeout, a proxy (from the environment by
//! default, honouring `NO_PROXY`), and the core's retry handlers. Redirects are never followed:
//! a redirect would carry the message elsewhere.
//!
//! Out of scope: every decision. Validation, retries, waits and their caps belong to the core;
//! this crate only transmits, waits and supplies the randomness for jitter.
//!
//! ## Sending a message
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use slackhook::Message;
//! use slackhook_reqwest::AsyncWebhookClient;
//!
//! let url = "https://hooks.slack.com/services/T000/B000/secret-token".parse()?;
//! let client = AsyncWebhookClient::new(url);
//!
//! let response = client.send(&Message::text("Hello from the build server")).await?;
//! assert_eq!(response.status(), 200);
//! assert_eq!(response.body(), "ok");
//! # Ok(())
//! # }
//! ```
//!
//! ## Sending blocks
//!
//! `text` is the fallback that notifications show; the blocks are what the channel shows.
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use serde_json::json;
//! use slackhook::Message;
//! use slackhook_reqwest::AsyncWebhookClient;
//!
//! let url = "https://hooks.slack.com/services/T000/B000/secret-token".parse()?;
//! let client = AsyncWebhookClient::new(url);
//!
//! let message = Message::text("Release 2.4.0 is out").with_blocks([json!({
//!     "type": "section",
//!     "text": {
//!         "type": "mrkdwn",
//!         "text": "*Release 2.4.0* is out:\n<https://example.com/changelog|read the changelog>",
//!     },
//! })]);
//! let response = client.send(&message).await?;
//! if let Some(error) = response.slack_error() {
//!     eprintln!("slack said no: {error:?}");
//! }
//! # Ok(())
//! # }
//! ```
//!
//! ## Answering through a `response_url`
//!
//! A slash command or an interaction hands your app a `response_url`; it takes the same
//! messages, plus `response_type` and `replace_original`.
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use slackhook::{Message, ResponseType, WebhookUrl};
//! use slackhook_reqwest::AsyncWebhookClient;
//!
//! # let response_url = "https://hooks.slack.com/commands/T000/1234/abcd";
//! let url: WebhookUrl = response_url.parse()?;
//! let reply = Message::text("Done: the deploy is rolling out")
//!     .with_response_type(ResponseType::InChannel)
//!     .with_replace_original(true);
//! AsyncWebhookClient::new(url).send(&reply).await?;
//! # Ok(())
//! # }
//! ```
//!
//! ## Retrying
//!
//! By default a send is retried once, and only when the connection failed in a way that proves
//! nothing reached Slack. Rate limits and server errors are opt-in, and a handler of your own is
//! a small struct:
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use slackhook::bytes::Bytes;
//! use slackhook::http::{Request, StatusCode};
//! use slackhook::rand_core::Rng;
//! use slackhook::retry::{Outcome, RateLimitErrorRetryHandler, RetryHandler, RetryState};
//! use slackhook::Message;
//! use slackhook_reqwest::AsyncWebhookClient;
//!
//! /// Retries twice, a second apart, when the corporate proxy answers 502.
//! #[derive(Debug)]
//! struct ProxyHiccup;
//!
//! impl RetryHandler for ProxyHiccup {
//!     fn max_retries(&self) -> u32 {
//!         2
//!     }
//!
//!     fn can_retry(&self, _: &RetryState, _: &Request<Bytes>, outcome: Outcome<'_>) -> bool {
//!         outcome.status() == Some(StatusCode::BAD_GATEWAY)
//!     }
//!
//!     fn delay(&self, _: &RetryState, _: Outcome<'_>, _: &mut dyn Rng) -> Duration {
//!         Duration::from_secs(1)
//!     }
//! }
//!
//! let url = "https://hooks.slack.com/services/T000/B000/secret-token".parse()?;
//! let client = AsyncWebhookClient::builder(url)
//!     .add_retry_handler(RateLimitErrorRetryHandler::new())
//!     .add_retry_handler(ProxyHiccup)
//!     .build()?;
//! client.send(&Message::text("Nightly backup finished")).await?;
//! # Ok(())
//! # }
//! ```
//!
//! ## Pacing
//!
//! Slack allows about one message a second per webhook, with short bursts, and warns that apps
//! which keep sending after a 429 may be disabled. Each client therefore owns one
//! [`Pacer`](slackhook::pacer::Pacer), shared by all its clones, threads and tasks:
//!
//! - A 429 holds every send until its `Retry-After` has passed, whoever received it. This is
//!   always on. A send that was already waiting for its turn looks again before it goes.
//! - With `pacing(Rate)` on the builder, sends are also spaced to a rate with a burst, so that
//!   a busy client never meets the limit. It is off by default: a lone send goes out at once.
//!   [`Rate::slack()`](slackhook::pacer::Rate::slack) is Slack's documented limit.
//! - Waiting for a turn counts against the same caps as waiting for a retry: a send whose turn
//!   is further away fails at once with [`slackhook::Error::WaitTooLong`], and nothing is sent.
//!
//! - Once the webhook has answered 429, the senders it held are released spaced to Slack's
//!   documented rate (or `pacing_after_rate_limit(Rate)`), not all at once into the limit again.
//!
//! - A fresh client lets concurrent sends out a few at a time, one more per answer, until a
//!   429 shows the limit or the window is wide; a lone sender never waits.
//!
//! Without pacing, concurrent first sends can still only learn the limit by meeting it, a few
//! times; with many concurrent senders, turn pacing on. Pace a little below the real limit, too:
//! exactly at it, a request delayed on its way leaves the next one just short of the limit.
//! Separately built clients do not share a pacer: build one client per webhook and clone it.
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use slackhook::pacer::Rate;
//! use slackhook::retry::RateLimitErrorRetryHandler;
//! use slackhook::Message;
//! use slackhook_reqwest::AsyncWebhookClient;
//!
//! let url = "https://hooks.slack.com/services/T000/B000/secret-token".parse()?;
//! let client = AsyncWebhookClient::builder(url)
//!     .pacing(Rate::slack())
//!     .add_retry_handler(RateLimitErrorRetryHandler::new().with_max_retries(3))
//!     .max_wait(Duration::from_secs(30))
//!     .build()?;
//!
//! for line in ["tests passed", "image pushed", "deployed to staging"] {
//!     client.send(&Message::text(line)).await?;
//! }
//! # Ok(())
//! # }
//! ```
//!
//! ## Failures
//!
//! A response of any status is `Ok`; `Err` is a validation failure or a turn too far away
//! (nothing was sent), or a transport failure. [`slackhook::Error::is_not_sent`] tells whether
//! the message can have reached Slack: a refused connection, a failed name lookup, a connect
//! timeout or a rejected certificate could not; a reset, a closed connection or a timeout after
//! connecting may have.
//! No error and no log line holds the webhook's secret path or the message body.
//!
//! ## Connections
//!
//! Sends share pooled keep-alive connections. hyper, under reqwest, notices that a server closed
//! an idle pooled connection only when the runtime's I/O driver reports the end-of-file to that
//! connection's task. Each attempt yields to the runtime first, and on a current-thread runtime
//! (what `#[tokio::test]` and many CLIs use) that reliably lets hyper drop the dead connection,
//! so the send opens a fresh one instead of failing: no failure in a thousand close-then-send
//! trials, against every one failing without the yield. On a multi-thread runtime the
//! connection's task may run on another worker, and a send that follows the close within
//! microseconds can still reach the dead connection first (under 2% of the same trials). That
//! send fails as *maybe delivered* and is not retried by default: the client never duplicates
//! the post. Servers that close idle connections usually do so long before the next send.
//!
//! ## Logging
//!
//! Through the [`log`] facade: each attempt and each wait at debug level, a give-up at warn.
//! The client never logs reqwest's errors, which quote the URL.
//!
//! ## Sharing one client
//!
//! [`AsyncWebhookClient`] is `Clone + Send + Sync`, and clones share one connection pool and
//! one pacer: clone it into every task that posts.
//!
//! [reqwest]: https://docs.rs/reqwest/0.13

#![forbid(unsafe_code)]

mod classify;
mod client;

pub use client::{AsyncWebhookClient, AsyncWebhookClientBuilder};
