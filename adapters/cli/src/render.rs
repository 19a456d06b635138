//! Messages as people read them: the text, then one line per block and attachment.

use std::fmt::Write as _;

use serde_json::{Map, Value};

/// How much of a block's or an attachment's text a summary line shows.
const SUMMARY_CHARS: usize = 72;

/// Keys shown on their own lines after text, blocks and attachments.
const OPTIONS: [&str; 7] = [
    "thread_ts",
    "response_type",
    "replace_original",
    "delete_original",
    "unfurl_links",
    "unfurl_media",
    "mrkdwn",
];

/// A readable rendering of a message payload, every line starting with `indent`.
///
/// ```text
/// text: Deploy finished
/// blocks: 2
///   1. header: Deploy finished
///   2. section: *api* v1.2.3 is live
/// ```
pub fn message(payload: &Value, indent: &str) -> String {
    let mut out = String::new();
    let Some(map) = payload.as_object() else {
        line(&mut out, indent, &format!("payload: {payload}"));
        return out;
    };

    if let Some(text) = map.get("text").and_then(Value::as_str) {
        text_lines(&mut out, indent, text);
    }
    list(&mut out, indent, map, "blocks", block);
    list(&mut out, indent, map, "attachments", attachment);
    for key in OPTIONS {
        if let Some(value) = map.get(key) {
            line(&mut out, indent, &format!("{key}: {}", plain(value)));
        }
    }
    if let Some(event) = map.get("metadata").and_then(|m| m.get("event_type")) {
        line(&mut out, indent, &format!("metadata: {}", plain(event)));
    }

    let known = |key: &str| {
        ["text", "blocks", "attachments", "metadata"].contains(&key) || OPTIONS.contains(&key)
    };
    let others: Vec<&str> = map
        .keys()
        .map(String::as_str)
        .filter(|k| !known(k))
        .collect();
    if !others.is_empty() {
        line(
            &mut out,
            indent,
            &format!("other fields: {}", others.join(", ")),
        );
    }
    if map.is_empty() {
        line(&mut out, indent, "(empty payload)");
    }
    out
}

fn text_lines(out: &mut String, indent: &str, text: &str) {
    let mut lines = text.lines();
    line(
        out,
        indent,
        &format!("text: {}", lines.next().unwrap_or_default()),
    );
    for more in lines {
        line(out, indent, &format!("      {more}"));
    }
}

fn list(
    out: &mut String,
    indent: &str,
    map: &Map<String, Value>,
    key: &str,
    summary: fn(&Value) -> String,
) {
    let Some(items) = map.get(key).and_then(Value::as_array) else {
        return;
    };
    line(out, indent, &format!("{key}: {}", items.len()));
    for (i, item) in items.iter().enumerate() {
        line(out, indent, &format!("  {}. {}", i + 1, summary(item)));
    }
}

/// `section: *Deploy* finished`, `actions (2 elements): Approve`, `divider`.
fn block(block: &Value) -> String {
    let kind = block.get("type").and_then(Value::as_str).unwrap_or("block");
    let mut label = kind.to_owned();

    let counted = [("elements", "element"), ("fields", "field")];
    for (key, noun) in counted {
        if let Some(n) = block.get(key).and_then(Value::as_array).map(Vec::len) {
            if kind != "rich_text" {
                let plural = if n == 1 { "" } else { "s" };
                let _ = write!(label, " ({n} {noun}{plural})");
            }
        }
    }

    let text = first_text(block, 6).or_else(|| {
        block
            .get("alt_text")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    match text {
        Some(text) => format!("{label}: {}", shorten(&text)),
        None => label,
    }
}

/// `good: Build #42 passed`, or just the first text an attachment has.
fn attachment(attachment: &Value) -> String {
    let text = ["title", "pretext", "text", "fallback"]
        .into_iter()
        .find_map(|key| attachment.get(key).and_then(Value::as_str))
        .map(shorten)
        .or_else(|| first_text(attachment, 6).map(|t| shorten(&t)))
        .unwrap_or_else(|| "(no text)".into());
    match attachment.get("color").and_then(Value::as_str) {
        Some(color) => format!("{color}: {text}"),
        None => text,
    }
}

/// The first string under a `text` key, depth first: a section's `text.text`, a button's
/// label, a rich text's first run.
fn first_text(value: &Value, depth: usize) -> Option<String> {
    if depth == 0 {
        return None;
    }
    match value {
        Value::Object(map) => {
            if let Some(text) = map.get("text") {
                if let Some(text) = text.as_str() {
                    return Some(text.to_owned());
                }
                if let Some(text) = first_text(text, depth - 1) {
                    return Some(text);
                }
            }
            map.iter()
                .filter(|(key, _)| key.as_str() != "text")
                .find_map(|(_, v)| first_text(v, depth - 1))
        }
        Value::Array(items) => items.iter().find_map(|v| first_text(v, depth - 1)),
        _ => None,
    }
}

/// One line, whitespace collapsed, cut at [`SUMMARY_CHARS`] characters.
fn shorten(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= SUMMARY_CHARS {
        return flat;
    }
    let cut: String = flat.chars().take(SUMMARY_CHARS - 1).collect();
    format!("{cut}…")
}

/// A JSON scalar without quotes; anything else as compact JSON.
fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn line(out: &mut String, indent: &str, text: &str) {
    out.push_str(indent);
    out.push_str(text);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn plain_text_is_one_line() {
        assert_eq!(message(&json!({"text": "Hello"}), ""), "text: Hello\n");
    }

    #[test]
    fn blocks_and_attachments_are_summarised_one_line_each() {
        let payload = json!({
            "text": "Deploy finished",
            "blocks": [
                {"type": "header", "text": {"type": "plain_text", "text": "Deploy"}},
                {"type": "divider"},
                {"type": "actions", "elements": [
                    {"type": "button", "text": {"type": "plain_text", "text": "Approve"}},
                    {"type": "button", "text": {"type": "plain_text", "text": "Deny"}}
                ]},
                {"type": "image", "image_url": "https://example.com/a.png", "alt_text": "a chart"}
            ],
            "attachments": [{"color": "good", "title": "Build #42 passed"}],
            "thread_ts": "1700000000.000100",
            "unfurl_links": false
        });
        let rendered = message(&payload, "  ");
        assert_eq!(
            rendered,
            "  text: Deploy finished\n\
             \x20 blocks: 4\n\
             \x20   1. header: Deploy\n\
             \x20   2. divider\n\
             \x20   3. actions (2 elements): Approve\n\
             \x20   4. image: a chart\n\
             \x20 attachments: 1\n\
             \x20   1. good: Build #42 passed\n\
             \x20 thread_ts: 1700000000.000100\n\
             \x20 unfurl_links: false\n"
        );
    }

    #[test]
    fn long_and_multiline_block_text_is_cut_to_one_line() {
        let long = "word ".repeat(40);
        let payload =
            json!({"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": long}}]});
        let rendered = message(&payload, "");
        let summary = rendered.lines().nth(1).expect("a block line");
        assert!(summary.ends_with('…'), "{summary}");
        assert!(summary.chars().count() < 100, "{summary}");
    }

    #[test]
    fn multiline_text_keeps_its_lines_aligned() {
        let rendered = message(&json!({"text": "one\ntwo"}), "");
        assert_eq!(rendered, "text: one\n      two\n");
    }

    #[test]
    fn unknown_keys_are_listed_and_empty_payloads_said_so() {
        let rendered = message(&json!({"text": "x", "icon_emoji": ":x:"}), "");
        assert!(rendered.contains("other fields: icon_emoji"), "{rendered}");
        assert_eq!(message(&json!({}), ""), "(empty payload)\n");
    }
}
