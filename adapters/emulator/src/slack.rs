//! What Slack accepts on a webhook or `response_url`, and the error code it answers otherwise
//! (see shared/SLACK.md: Slack documents `invalid_payload`, `no_text`, `too_many_attachments`
//! and the 50-block limit).

use serde_json::{Map, Value};

use crate::Target;

/// Slack's limits per message.
const MAX_BLOCKS: usize = 50;
const MAX_ATTACHMENTS: usize = 100;

/// A rejection: status and Slack's plain-text error code.
pub(crate) type Rejection = (u16, &'static str);

/// Parses a body as Slack does: a JSON object, or a form whose `payload` field is one.
pub(crate) fn parse_payload(body: &[u8]) -> Result<Value, Rejection> {
    const INVALID: Rejection = (400, "invalid_payload");

    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        return if value.is_object() {
            Ok(value)
        } else {
            Err(INVALID)
        };
    }

    let payload = form_urlencoded::parse(body)
        .find(|(key, _)| key == "payload")
        .map(|(_, value)| value)
        .ok_or(INVALID)?;
    match serde_json::from_str::<Value>(&payload) {
        Ok(value) if value.is_object() => Ok(value),
        _ => Err(INVALID),
    }
}

/// Checks a parsed payload against Slack's message rules.
pub(crate) fn check_message(target: Target, payload: &Value) -> Result<(), Rejection> {
    let Some(fields) = payload.as_object() else {
        return Err((400, "invalid_payload"));
    };

    let attachments = count(fields, "attachments").ok_or((400, "invalid_attachments"))?;
    if attachments > MAX_ATTACHMENTS {
        return Err((400, "too_many_attachments"));
    }

    let blocks = count(fields, "blocks").ok_or((400, "invalid_blocks_format"))?;
    if blocks > MAX_BLOCKS {
        return Err((400, "invalid_blocks"));
    }

    let has_text = fields
        .get("text")
        .and_then(Value::as_str)
        .is_some_and(|text| !text.is_empty());
    if has_text || blocks > 0 || attachments > 0 {
        return Ok(());
    }

    // On a response_url, deleting the original message needs no content of its own.
    let deletes = fields.get("delete_original") == Some(&Value::Bool(true));
    if target.is_response_url() && deletes {
        return Ok(());
    }
    Err((400, "no_text"))
}

/// The length of an array field; absent and `null` count as empty, anything else is `None`.
fn count(fields: &Map<String, Value>, key: &str) -> Option<usize> {
    match fields.get(key) {
        None | Some(Value::Null) => Some(0),
        Some(Value::Array(items)) => Some(items.len()),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(target: Target, payload: Value) -> Result<(), Rejection> {
        check_message(target, &payload)
    }

    #[test]
    fn json_objects_parse() {
        assert_eq!(
            parse_payload(br#"{"text":"hi"}"#),
            Ok(json!({"text": "hi"}))
        );
    }

    #[test]
    fn a_form_payload_field_parses() {
        let body = b"payload=%7B%22text%22%3A%22hi%22%7D&other=1";
        assert_eq!(parse_payload(body), Ok(json!({"text": "hi"})));
    }

    #[test]
    fn non_objects_and_garbage_are_invalid_payloads() {
        for body in [&b"[1]"[..], b"\"text\"", b"not json", b"", b"payload=nope"] {
            assert_eq!(parse_payload(body), Err((400, "invalid_payload")));
        }
    }

    #[test]
    fn text_blocks_or_attachments_are_enough() {
        assert_eq!(check(Target::Webhook, json!({"text": "hi"})), Ok(()));
        assert_eq!(check(Target::Webhook, json!({"blocks": [{}]})), Ok(()));
        assert_eq!(check(Target::Webhook, json!({"attachments": [{}]})), Ok(()));
    }

    #[test]
    fn empty_messages_have_no_text() {
        for payload in [
            json!({}),
            json!({"text": ""}),
            json!({"text": null, "blocks": [], "attachments": []}),
            json!({"delete_original": true}),
        ] {
            assert_eq!(check(Target::Webhook, payload), Err((400, "no_text")));
        }
    }

    #[test]
    fn delete_original_alone_is_fine_on_response_urls() {
        let payload = json!({"delete_original": true});
        assert_eq!(check(Target::Command, payload.clone()), Ok(()));
        assert_eq!(check(Target::Action, payload), Ok(()));
    }

    #[test]
    fn limits_are_enforced() {
        let blocks: Vec<Value> = (0..51).map(|_| json!({})).collect();
        let attachments: Vec<Value> = (0..101).map(|_| json!({})).collect();
        assert_eq!(
            check(Target::Webhook, json!({"blocks": blocks})),
            Err((400, "invalid_blocks"))
        );
        assert_eq!(
            check(Target::Webhook, json!({"attachments": attachments})),
            Err((400, "too_many_attachments"))
        );
        let fifty: Vec<Value> = (0..50).map(|_| json!({})).collect();
        assert_eq!(check(Target::Webhook, json!({"blocks": fifty})), Ok(()));
    }

    #[test]
    fn blocks_must_be_an_array() {
        assert_eq!(
            check(Target::Webhook, json!({"text": "x", "blocks": "[]"})),
            Err((400, "invalid_blocks_format"))
        );
    }
}
