//! The payload of one webhook post.
//!
//! A [`Message`] is a JSON object under construction. The typed setters cover every field that
//! Slack's incoming webhooks and `response_url` accept; [`Message::with_field`] and
//! [`Message::from_json`] keep anything else (new Slack features, hand-written payloads)
//! possible. Fields that were never set are absent from the JSON, and `false` is sent as `false`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Error;

/// Where a `response_url` reply appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResponseType {
    /// Visible to everyone in the channel.
    InChannel,
    /// Visible only to the user who triggered the interaction (Slack's default).
    Ephemeral,
}

impl ResponseType {
    /// The JSON value Slack expects.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InChannel => "in_channel",
            Self::Ephemeral => "ephemeral",
        }
    }
}

/// A message for an incoming webhook or a `response_url`.
///
/// ```
/// use serde_json::json;
/// use slackhook::{Message, ResponseType};
///
/// let message = Message::text("Deploy finished")
///     .with_blocks([json!({
///         "type": "section",
///         "text": {"type": "mrkdwn", "text": "*Deploy finished* :rocket:"}
///     })])
///     .with_response_type(ResponseType::InChannel)
///     .with_unfurl_links(false);
///
/// let body = message.to_json_string();
/// assert!(body.contains(r#""unfurl_links":false"#));
/// assert!(!body.contains("attachments"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Message {
    fields: Map<String, Value>,
}

impl Message {
    /// An empty message; add at least text, blocks or attachments before sending.
    pub fn new() -> Self {
        Self::default()
    }

    /// A message with only `text`.
    pub fn text(text: impl Into<String>) -> Self {
        Self::new().with_text(text)
    }

    /// A message from a raw JSON payload, as Slack's `send_dict` takes it.
    ///
    /// The value must be a JSON object; it is validated like any other message when sent.
    pub fn from_json(value: Value) -> Result<Self, Error> {
        match value {
            Value::Object(fields) => Ok(Self { fields }),
            other => Err(Error::NotAnObject {
                found: json_type_name(&other),
            }),
        }
    }

    /// A message from raw JSON text.
    pub fn from_json_str(json: &str) -> Result<Self, Error> {
        let value: Value = serde_json::from_str(json).map_err(|e| Error::InvalidJson {
            line: e.line(),
            column: e.column(),
            reason: json_error_reason(&e),
        })?;
        Self::from_json(value)
    }

    /// Sets `text`: the message itself, or the notification fallback when blocks are present.
    pub fn with_text(self, text: impl Into<String>) -> Self {
        self.with_field("text", Value::String(text.into()))
    }

    /// Sets `blocks`, the Block Kit layout.
    pub fn with_blocks<I, B>(self, blocks: I) -> Self
    where
        I: IntoIterator<Item = B>,
        B: Into<Value>,
    {
        let blocks = blocks.into_iter().map(Into::into).collect();
        self.with_field("blocks", Value::Array(blocks))
    }

    /// Sets `attachments`, Slack's legacy secondary content.
    pub fn with_attachments<I, A>(self, attachments: I) -> Self
    where
        I: IntoIterator<Item = A>,
        A: Into<Value>,
    {
        let attachments = attachments.into_iter().map(Into::into).collect();
        self.with_field("attachments", Value::Array(attachments))
    }

    /// Sets `response_type` (only meaningful for `response_url` replies).
    pub fn with_response_type(self, response_type: ResponseType) -> Self {
        self.with_field("response_type", Value::from(response_type.as_str()))
    }

    /// Sets `replace_original`: a `response_url` reply replaces the message it came from.
    pub fn with_replace_original(self, replace: bool) -> Self {
        self.with_field("replace_original", Value::Bool(replace))
    }

    /// Sets `delete_original`: a `response_url` reply deletes the message it came from.
    pub fn with_delete_original(self, delete: bool) -> Self {
        self.with_field("delete_original", Value::Bool(delete))
    }

    /// Sets `unfurl_links`: whether Slack expands links to web pages.
    pub fn with_unfurl_links(self, unfurl: bool) -> Self {
        self.with_field("unfurl_links", Value::Bool(unfurl))
    }

    /// Sets `unfurl_media`: whether Slack expands links to media.
    pub fn with_unfurl_media(self, unfurl: bool) -> Self {
        self.with_field("unfurl_media", Value::Bool(unfurl))
    }

    /// Sets `metadata`, the message's event metadata (`event_type` and `event_payload`).
    pub fn with_metadata(self, metadata: impl Into<Value>) -> Self {
        self.with_field("metadata", metadata.into())
    }

    /// Sets `thread_ts`: post as a reply in the thread of that message.
    pub fn with_thread_ts(self, ts: impl Into<String>) -> Self {
        self.with_field("thread_ts", Value::String(ts.into()))
    }

    /// Sets any top-level key, replacing an earlier value of the same key.
    pub fn with_field(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.fields.insert(key.into(), value.into());
        self
    }

    /// Removes a top-level key.
    pub fn without_field(mut self, key: &str) -> Self {
        self.fields.remove(key);
        self
    }

    /// The `text`, if set to a string.
    pub fn text_value(&self) -> Option<&str> {
        self.fields.get("text").and_then(Value::as_str)
    }

    /// The `blocks`, if set to an array.
    pub fn blocks(&self) -> Option<&[Value]> {
        self.fields
            .get("blocks")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
    }

    /// The `attachments`, if set to an array.
    pub fn attachments(&self) -> Option<&[Value]> {
        self.fields
            .get("attachments")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
    }

    /// Any top-level key.
    pub fn field(&self, key: &str) -> Option<&Value> {
        self.fields.get(key)
    }

    /// The payload as a JSON object.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.fields
    }

    /// Whether no key is set at all.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The JSON text that is sent (UTF-8, non-ASCII unescaped).
    pub fn to_json_string(&self) -> String {
        serde_json::to_string(&self.fields).expect("a map of JSON values always serializes")
    }
}

impl From<&str> for Message {
    fn from(text: &str) -> Self {
        Self::text(text)
    }
}

impl From<String> for Message {
    fn from(text: String) -> Self {
        Self::text(text)
    }
}

impl TryFrom<Value> for Message {
    type Error = Error;

    fn try_from(value: Value) -> Result<Self, Self::Error> {
        Self::from_json(value)
    }
}

pub(crate) fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// serde_json's messages quote fragments of the input, which may be anything the user piped
/// in; keep only the category.
pub(crate) fn json_error_reason(e: &serde_json::Error) -> &'static str {
    use serde_json::error::Category;
    match e.classify() {
        Category::Io => "i/o error",
        Category::Syntax => "syntax error",
        Category::Data => "unexpected data",
        Category::Eof => "unexpected end of input",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn absent_fields_are_omitted() {
        assert_eq!(Message::text("hi").to_json_string(), r#"{"text":"hi"}"#);
    }

    #[test]
    fn false_is_sent_as_false() {
        let m = Message::text("hi")
            .with_unfurl_links(false)
            .with_unfurl_media(false)
            .with_replace_original(false)
            .with_delete_original(false);
        let v: Value = serde_json::from_str(&m.to_json_string()).expect("json");
        assert_eq!(
            v,
            json!({"text": "hi", "unfurl_links": false, "unfurl_media": false,
                   "replace_original": false, "delete_original": false})
        );
    }

    #[test]
    fn every_slack_field_has_a_setter() {
        let m = Message::text("t")
            .with_blocks([json!({"type": "divider"})])
            .with_attachments([json!({"text": "a"})])
            .with_response_type(ResponseType::InChannel)
            .with_replace_original(true)
            .with_delete_original(true)
            .with_unfurl_links(true)
            .with_unfurl_media(true)
            .with_metadata(json!({"event_type": "e", "event_payload": {}}))
            .with_thread_ts("1.2")
            .with_field("icon_emoji", ":ghost:");
        let keys: Vec<&str> = m.as_map().keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 11);
        assert_eq!(m.field("response_type"), Some(&json!("in_channel")));
        assert_eq!(m.field("thread_ts"), Some(&json!("1.2")));
        assert_eq!(m.field("icon_emoji"), Some(&json!(":ghost:")));
    }

    #[test]
    fn non_ascii_is_sent_as_utf8() {
        let body = Message::text("héllo ✓ 🚀").to_json_string();
        assert_eq!(body, "{\"text\":\"héllo ✓ 🚀\"}");
    }

    #[test]
    fn raw_json_must_be_an_object() {
        let err = Message::from_json(json!([1, 2])).expect_err("array");
        assert!(matches!(err, Error::NotAnObject { found: "an array" }));
    }

    #[test]
    fn invalid_json_text_is_a_typed_error_without_the_input() {
        let err = Message::from_json_str("{\"text\": secret-stuff").expect_err("bad json");
        assert!(matches!(err, Error::InvalidJson { line: 1, .. }));
        assert!(!err.to_string().contains("secret-stuff"));
    }

    #[test]
    fn raw_json_round_trips() {
        let m = Message::from_json_str(r#"{"text":"x","custom":{"a":1}}"#).expect("object");
        assert_eq!(m.text_value(), Some("x"));
        assert_eq!(m.field("custom"), Some(&json!({"a": 1})));
    }
}
