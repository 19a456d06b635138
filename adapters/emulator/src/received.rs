//! What the emulator records for each accepted message.

use std::fmt;
use std::time::SystemTime;

use http::HeaderMap;
use serde_json::Value;
use slackhook::WebhookUrl;

/// The kind of registered URL a message was posted to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Target {
    /// An incoming webhook, `/services/T…/B…/<token>`.
    Webhook,
    /// A slash command's `response_url`, `/commands/T…/<id>/<token>`.
    Command,
    /// An interaction's `response_url`, `/actions/T…/<id>/<token>`.
    Action,
}

impl Target {
    /// The first path segment of this kind of URL.
    pub fn path_prefix(self) -> &'static str {
        match self {
            Self::Webhook => "services",
            Self::Command => "commands",
            Self::Action => "actions",
        }
    }

    /// Whether this is a `response_url` (use-limited, may delete the original message).
    pub fn is_response_url(self) -> bool {
        match self {
            Self::Webhook => false,
            Self::Command | Self::Action => true,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Webhook => "webhook",
            Self::Command => "command response_url",
            Self::Action => "action response_url",
        })
    }
}

/// A message the emulator accepted (answered `200 ok`).
///
/// `Debug` shows the kind, the redacted URL and the body's size: never the secret path nor the
/// body itself.
#[derive(Clone)]
pub struct ReceivedMessage {
    pub(crate) url: WebhookUrl,
    pub(crate) kind: Target,
    pub(crate) payload: Value,
    pub(crate) headers: HeaderMap,
    pub(crate) raw_body: Vec<u8>,
    pub(crate) received_at: SystemTime,
}

impl ReceivedMessage {
    /// The request path, secret token included (fine in tests; do not log it).
    pub fn path(&self) -> &str {
        self.url.as_uri().path()
    }

    /// The registered URL the message was posted to.
    pub fn url(&self) -> &WebhookUrl {
        &self.url
    }

    /// Which kind of URL received it.
    pub fn kind(&self) -> Target {
        self.kind
    }

    /// The JSON payload: the body itself, or the `payload=` field of a form body.
    pub fn payload(&self) -> &Value {
        &self.payload
    }

    /// The payload's top-level `text`, when it is a string.
    pub fn text(&self) -> Option<&str> {
        self.payload.get("text").and_then(Value::as_str)
    }

    /// The request headers as received.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request body as received (after chunked decoding).
    pub fn raw_body(&self) -> &[u8] {
        &self.raw_body
    }

    /// When the emulator accepted it.
    pub fn received_at(&self) -> SystemTime {
        self.received_at
    }
}

impl fmt::Debug for ReceivedMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReceivedMessage")
            .field("kind", &self.kind)
            .field("url", &self.url)
            .field("body_len", &self.raw_body.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_token_and_the_body() {
        let message = ReceivedMessage {
            url: "http://127.0.0.1:1/services/T1/B2/sEcReTtOkEn"
                .parse()
                .expect("valid url"),
            kind: Target::Webhook,
            payload: serde_json::json!({ "text": "private words" }),
            headers: HeaderMap::new(),
            raw_body: br#"{"text":"private words"}"#.to_vec(),
            received_at: SystemTime::now(),
        };
        let debug = format!("{message:?}");
        assert!(!debug.contains("sEcReTtOkEn"), "{debug}");
        assert!(!debug.contains("private"), "{debug}");
        assert!(debug.contains("/services/T1/B2/***"), "{debug}");
        assert_eq!(message.path(), "/services/T1/B2/sEcReTtOkEn");
        assert_eq!(message.text(), Some("private words"));
    }
}
