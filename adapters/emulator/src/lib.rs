//! # slackhook-emulator
//!
//! A local stand-in for Slack's webhook service, for tests and for trying things out offline.
//!
//! In scope:
//!
//! - Incoming webhooks (`/services/T…/B…/<token>`) and `response_url`s (`/commands/…`,
//!   `/actions/…`) that [`Emulator`] registers and hands out as [`slackhook::WebhookUrl`]s.
//! - Slack's answers: `200 ok`, and `400 invalid_payload`, `no_text`, `too_many_attachments`,
//!   `invalid_blocks`, `404 no_service`, `used_url`, `expired_url`, `405` for other methods.
//! - Slack's rate limit ([`RateLimit`]: 429 with `Retry-After`), and scripted [`Fault`]s: any
//!   status, connection resets before or after the body, a close without a response, delays.
//! - A record of every accepted message ([`ReceivedMessage`]) and counters of connections and
//!   requests, to check what a client did.
//! - Signed slash commands sent to your app ([`Emulator::slash_command`]) carrying a
//!   `response_url` that points back at the emulator.
//!
//! Out of scope: TLS, the Web API (`chat.postMessage` and friends), Slack's per-channel limits.
//!
//! The server is plain threads over `std::net`: an accept thread and one thread per connection,
//! HTTP/1.1 with keep-alive. It listens on loopback, on an ephemeral port by default, and stops
//! when the [`Emulator`] is dropped.
//!
//! ## Example
//!
//! ```
//! use std::io::{Read, Write};
//! use std::net::TcpStream;
//! use std::time::Duration;
//! use slackhook_emulator::{Emulator, Target};
//!
//! let emulator = Emulator::start()?;
//! let url = emulator.webhook_url(); // http://127.0.0.1:PORT/services/T…/B…/…
//!
//! // Any HTTP client will do; here a raw socket.
//! let body = r#"{"text":"Deploy finished"}"#;
//! let request = format!(
//!     "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
//!      Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
//!     url.as_uri().path(),
//!     emulator.local_addr(),
//!     body.len(),
//! );
//! let mut stream = TcpStream::connect(emulator.local_addr())?;
//! stream.write_all(request.as_bytes())?;
//! let mut answer = String::new();
//! stream.read_to_string(&mut answer)?;
//! assert!(answer.starts_with("HTTP/1.1 200 OK"));
//! assert!(answer.ends_with("\r\n\r\nok"));
//!
//! let messages = emulator.wait_for_messages(1, Duration::from_secs(5));
//! assert_eq!(messages.len(), 1);
//! assert_eq!(messages[0].kind(), Target::Webhook);
//! assert_eq!(messages[0].text(), Some("Deploy finished"));
//! assert_eq!(emulator.messages_to(&url).len(), 1);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! ## Logging
//!
//! Accepted messages and injected faults are logged at debug level through the `log` crate,
//! with the URL redacted as [`slackhook::WebhookUrl`]'s `Display` does and without bodies.

#![forbid(unsafe_code)]

mod emulator;
mod fault;
mod http1;
mod ids;
mod rate;
mod received;
mod server;
mod slack;
mod slash;

pub use emulator::{Emulator, EmulatorBuilder};
pub use fault::Fault;
pub use rate::RateLimit;
pub use received::{ReceivedMessage, Target};
pub use slash::{SlashCommandRequest, SlashResponse};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_types_can_be_shared_across_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Emulator>();
        shared::<EmulatorBuilder>();
        shared::<ReceivedMessage>();
        shared::<Fault>();
        shared::<SlashCommandRequest>();
        shared::<SlashResponse>();
    }
}
