//! # slackhook-ureq
//!
//! A blocking client for Slack's incoming webhooks and `response_url` replies: the
//! [`slackhook`] core, driven over [ureq] 3 with rustls.
//!
//! In scope: sending [`Message`](slackhook::Message)s and raw JSON to one webhook, with
//! pooled keep-alive connections, a per-attempt timeout, a proxy (from the environment by
//! default, honouring `NO_PROXY`), and the core's retry handlers. Redirects are never followed:
//! a redirect would carry the message elsewhere.
//!
//! Out of scope: every decision. Validation, retries, waits and their caps belong to the core;
//! this crate only transmits, sleeps and supplies the randomness for jitter.
//!
//! ## Sending a message
//!
//! ```no_run
//! use slackhook::Message;
//! use slackhook_ureq::WebhookClient;
//!
//! let url = "https://hooks.slack.com/services/T000/B000/secret-token".parse()?;
//! let client = WebhookClient::new(url);
//!
//! let response = client.send(&Message::text("Hello from the build server"))?;
//! assert_eq!(response.status(), 200);
//! assert_eq!(response.body(), "ok");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Sending blocks
//!
//! `text` is the fallback that notifications show; the blocks are what the channel shows.
//!
//! ```no_run
//! use serde_json::json;
//! use slackhook::Message;
//! use slackhook_ureq::WebhookClient;
//!
//! let url = "https://hooks.slack.com/services/T000/B000/secret-token".parse()?;
//! let client = WebhookClient::new(url);
//!
//! let message = Message::text("Release 2.4.0 is out").with_blocks([json!({
//!     "type": "section",
//!     "text": {
//!         "type": "mrkdwn",
//!         "text": "*Release 2.4.0* is out:\n<https://example.com/changelog|read the changelog>",
//!     },
//! })]);
//! let response = client.send(&message)?;
//! if let Some(error) = response.slack_error() {
//!     eprintln!("slack said no: {error:?}");
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Answering through a `response_url`
//!
//! A slash command or an interaction hands your app a `response_url`; it takes the same
//! messages, plus `response_type` and `replace_original`.
//!
//! ```no_run
//! use slackhook::{Message, ResponseType, WebhookUrl};
//! use slackhook_ureq::WebhookClient;
//!
//! # let response_url = "https://hooks.slack.com/commands/T000/1234/abcd";
//! let url: WebhookUrl = response_url.parse()?;
//! let reply = Message::text("Done: the deploy is rolling out")
//!     .with_response_type(ResponseType::InChannel)
//!     .with_replace_original(true);
//! WebhookClient::new(url).send(&reply)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Retrying
//!
//! By default a send is retried once, and only when the connection failed in a way that proves
//! nothing reached Slack. Rate limits and server errors are opt-in, and a handler of your own is
//! a small struct:
//!
//! ```no_run
//! use std::time::Duration;
//! use slackhook::bytes::Bytes;
//! use slackhook::http::{Request, StatusCode};
//! use slackhook::rand_core::Rng;
//! use slackhook::retry::{Outcome, RateLimitErrorRetryHandler, RetryHandler, RetryState};
//! use slackhook::Message;
//! use slackhook_ureq::WebhookClient;
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
//! let client = WebhookClient::builder(url)
//!     .add_retry_handler(RateLimitErrorRetryHandler::new())
//!     .add_retry_handler(ProxyHiccup)
//!     .build()?;
//! client.send(&Message::text("Nightly backup finished"))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
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
//! use std::time::Duration;
//! use slackhook::pacer::Rate;
//! use slackhook::retry::RateLimitErrorRetryHandler;
//! use slackhook::Message;
//! use slackhook_ureq::WebhookClient;
//!
//! let url = "https://hooks.slack.com/services/T000/B000/secret-token".parse()?;
//! let client = WebhookClient::builder(url)
//!     .pacing(Rate::slack())
//!     .add_retry_handler(RateLimitErrorRetryHandler::new().with_max_retries(3))
//!     .max_wait(Duration::from_secs(30))
//!     .build()?;
//!
//! for line in ["tests passed", "image pushed", "deployed to staging"] {
//!     client.send(&Message::text(line))?;
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
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
//! Sequential sends share one keep-alive connection. Before reusing a pooled connection, ureq
//! probes it with a non-blocking read, so a connection that the server closed while it sat idle
//! is dropped and the send opens a fresh one instead of failing. A server that closes in the
//! instant after the probe still makes that send fail, as *maybe delivered*, and it is not
//! retried by default: the post can never be duplicated by the client.
//!
//! ureq looks the host up before every request, even one that reuses a pooled connection. The
//! client therefore keeps a name's addresses for 30 s, and uses an IP-literal host as it is,
//! without a lookup; a failed attempt forgets the addresses, so that its retry looks the name up
//! afresh. A caller-supplied agent resolves names as it was built to.
//!
//! ## Logging
//!
//! Through the [`log`] facade: each attempt and each wait at debug level, a give-up at warn.
//! ureq logs too, with the request path redacted up to its debug level; its trace level, meant
//! for debugging the HTTP exchange itself, shows the full URL, so keep the `ureq` target below
//! trace wherever logs are kept.
//!
//! [ureq]: https://docs.rs/ureq/3

#![forbid(unsafe_code)]

mod classify;
mod client;
mod resolver;

pub use client::{WebhookClient, WebhookClientBuilder};
