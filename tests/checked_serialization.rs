//! `Webhook::send` checks a payload in the same walk that serializes it. That walk must write
//! exactly what `serde_json` writes and reach exactly the verdict of `validate` alone, for
//! payloads shaped like Slack's and for anything else.

mod common;

use common::URL;
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use slackhook::validate::validate;
use slackhook::{Error, Step, Webhook};

/// Keys Slack gives meaning to, and a few it does not, including one that needs escaping.
const KEYS: &[&str] = &[
    "type",
    "text",
    "blocks",
    "attachments",
    "elements",
    "fields",
    "accessory",
    "block_id",
    "action_id",
    "placeholder",
    "confirm",
    "deny",
    "title",
    "label",
    "hint",
    "element",
    "options",
    "option_groups",
    "value",
    "url",
    "style",
    "image_url",
    "alt_text",
    "slack_file",
    "rows",
    "column_settings",
    "description",
    "author_name",
    "video_url",
    "thumbnail_url",
    "max_selected_items",
    "accessibility_label",
    "delete_original",
    "emoji",
    "color",
    "é \"quoted\"\\\n",
];

/// Block, element and text-object types, and one Slack may add later.
const TYPES: &[&str] = &[
    "section",
    "header",
    "context",
    "actions",
    "image",
    "input",
    "markdown",
    "video",
    "table",
    "divider",
    "button",
    "overflow",
    "checkboxes",
    "radio_buttons",
    "static_select",
    "multi_users_select",
    "plain_text",
    "mrkdwn",
    "primary",
    "danger",
    "rich_text",
];

/// String lengths on both sides of Slack's limits.
const LENGTHS: &[usize] = &[
    0, 1, 30, 31, 50, 51, 75, 76, 150, 151, 200, 201, 255, 256, 2_000, 2_001, 3_000, 3_001,
];

/// A string of `chars` characters, half of them two bytes long.
fn long_text(chars: usize) -> Value {
    Value::from("é".repeat(chars / 2) + &"x".repeat(chars % 2))
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop::sample::select(TYPES).prop_map(Value::from),
        prop::sample::select(LENGTHS).prop_map(long_text),
        any::<String>().prop_map(Value::from),
        Just(Value::from("tab\tquote\"back\\slash\u{1}\u{7f}\u{2028}")),
    ]
}

fn object(entries: Vec<(&str, Value)>) -> Value {
    Value::Object(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

/// JSON shaped like Slack's: objects with known keys, often with a known `type`.
fn value() -> BoxedStrategy<Value> {
    leaf()
        .prop_recursive(5, 96, 6, |inner| {
            let entries = prop::collection::vec((prop::sample::select(KEYS), inner.clone()), 0..6);
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                entries.clone().prop_map(object),
                (prop::sample::select(TYPES), entries).prop_map(|(kind, mut entries)| {
                    entries.push(("type", Value::from(kind)));
                    object(entries)
                }),
            ]
        })
        .boxed()
}

/// A valid value from `valid`, now and then replaced by arbitrary JSON, so that the walk is
/// led deep into real structures and then meets every kind of violation there.
fn mostly(valid: impl Strategy<Value = Value> + 'static) -> BoxedStrategy<Value> {
    prop_oneof![12 => valid.boxed(), 1 => value()].boxed()
}

/// An object of the given entries, each present or not.
fn fields(entries: Vec<(&'static str, BoxedStrategy<Value>)>) -> BoxedStrategy<Value> {
    let present: Vec<_> = entries
        .into_iter()
        .map(|(key, value)| {
            // A `type` is nearly always there, so that the walk gets past it most of the time.
            let odds = if key == "type" { 0.97 } else { 0.7 };
            prop::option::weighted(odds, value.prop_map(move |v| (key, v)))
        })
        .collect();
    present
        .prop_map(|entries| object(entries.into_iter().flatten().collect()))
        .boxed()
}

fn kind(name: &'static str) -> BoxedStrategy<Value> {
    mostly(Just(Value::from(name)))
}

fn short_text() -> BoxedStrategy<Value> {
    prop_oneof![
        8 => "[a-z *_<>@é\"\\\n]{1,24}".prop_map(Value::from),
        1 => prop::sample::select(LENGTHS).prop_map(long_text),
    ]
    .boxed()
}

fn text_object() -> BoxedStrategy<Value> {
    mostly(fields(vec![
        (
            "type",
            mostly(prop::sample::select(&["plain_text", "mrkdwn"][..]).prop_map(Value::from)),
        ),
        ("text", mostly(short_text())),
        ("emoji", any::<bool>().prop_map(Value::Bool).boxed()),
    ]))
}

fn option() -> BoxedStrategy<Value> {
    mostly(fields(vec![
        ("text", text_object()),
        ("value", short_text()),
        ("description", text_object()),
    ]))
}

fn list(item: BoxedStrategy<Value>, most: usize) -> BoxedStrategy<Value> {
    mostly(prop::collection::vec(item, 0..most).prop_map(Value::Array))
}

fn element() -> BoxedStrategy<Value> {
    let confirm = mostly(fields(vec![
        ("title", text_object()),
        ("text", text_object()),
        ("confirm", text_object()),
        ("deny", text_object()),
    ]));
    let style = prop::sample::select(&["primary", "danger", "plain"][..]).prop_map(Value::from);
    prop_oneof![
        fields(vec![
            ("type", kind("button")),
            ("text", text_object()),
            ("action_id", short_text()),
            ("value", short_text()),
            ("url", short_text()),
            ("style", mostly(style)),
            ("confirm", confirm),
        ]),
        fields(vec![
            (
                "type",
                mostly(
                    prop::sample::select(
                        &[
                            "static_select",
                            "multi_static_select",
                            "overflow",
                            "checkboxes"
                        ][..]
                    )
                    .prop_map(Value::from)
                )
            ),
            ("placeholder", text_object()),
            (
                "max_selected_items",
                mostly((0..4u64).prop_map(Value::from))
            ),
            ("options", list(option(), 7)),
            (
                "option_groups",
                list(
                    fields(vec![
                        ("label", text_object()),
                        ("options", list(option(), 4))
                    ]),
                    3
                )
            ),
        ]),
        fields(vec![
            ("type", kind("image")),
            ("image_url", short_text()),
            ("alt_text", short_text()),
            ("slack_file", Just(json!({"id": "F1"})).boxed()),
        ]),
    ]
    .boxed()
}

fn block() -> BoxedStrategy<Value> {
    let block_id = || ("block_id", short_text());
    prop_oneof![
        fields(vec![
            ("type", kind("section")),
            block_id(),
            ("text", text_object()),
            ("fields", list(text_object(), 12)),
            ("accessory", element())
        ]),
        fields(vec![("type", kind("header")), ("text", text_object())]),
        fields(vec![
            ("type", kind("context")),
            (
                "elements",
                list(prop_oneof![text_object(), element()].boxed(), 12)
            )
        ]),
        fields(vec![
            ("type", kind("actions")),
            block_id(),
            ("elements", list(element(), 5))
        ]),
        fields(vec![
            ("type", kind("image")),
            ("image_url", short_text()),
            ("alt_text", short_text()),
            ("title", text_object())
        ]),
        fields(vec![
            ("type", kind("input")),
            ("label", text_object()),
            ("hint", text_object()),
            ("element", element())
        ]),
        fields(vec![
            ("type", kind("markdown")),
            ("text", mostly(short_text()))
        ]),
        fields(vec![
            ("type", kind("video")),
            ("title", text_object()),
            ("video_url", short_text()),
            ("thumbnail_url", short_text()),
            ("alt_text", short_text()),
            ("author_name", short_text())
        ]),
        fields(vec![
            ("type", kind("table")),
            ("rows", list(list(value(), 22), 4)),
            ("column_settings", list(value(), 22))
        ]),
        fields(vec![("type", kind("divider"))]),
        value(),
    ]
    .boxed()
}

fn payload() -> impl Strategy<Value = Map<String, Value>> {
    fields(vec![
        ("text", short_text()),
        ("blocks", list(block(), 8)),
        (
            "attachments",
            list(
                fields(vec![("color", short_text()), ("blocks", list(block(), 3))]),
                3,
            ),
        ),
        (
            "delete_original",
            any::<bool>().prop_map(Value::Bool).boxed(),
        ),
        ("unfurl_links", value()),
    ])
    .prop_filter_map("a payload is an object", |payload| match payload {
        Value::Object(map) => Some(map),
        _ => None,
    })
}

fn first_body(webhook: &Webhook, payload: &Value) -> Result<Vec<u8>, Error> {
    let mut delivery = webhook.send_json(payload)?;
    match delivery.poll().expect("a fresh delivery polls") {
        Step::Transmit(request) => Ok(request.body().to_vec()),
        other => panic!("a fresh delivery transmits first, not {other:?}"),
    }
}

fn assert_walk_agrees(payload: &Map<String, Value>) {
    let value = Value::Object(payload.clone());
    let expected = serde_json::to_vec(&value).expect("JSON serializes");
    let checked = Webhook::new(URL.parse().expect("url"));
    let unchecked = Webhook::builder(URL.parse().expect("url"))
        .validate(false)
        .build()
        .expect("webhook");

    match (first_body(&checked, &value), validate(payload)) {
        (Ok(body), Ok(())) => assert_eq!(
            String::from_utf8_lossy(&body),
            String::from_utf8_lossy(&expected)
        ),
        (Err(Error::Invalid(walked)), Err(alone)) => assert_eq!(walked, alone),
        (sent, alone) => panic!("send gave {sent:?}, validate alone {alone:?}"),
    }
    let body = first_body(&unchecked, &value).expect("nothing is checked");
    assert_eq!(body, expected);
}

proptest! {
    // Failing cases are kept in proptest-regressions/checked_serialization.txt and replayed
    // first on every run.
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(
                "proptest-regressions/checked_serialization.txt"
            ),
        )),
        ..ProptestConfig::with_cases(1_000)
    })]

    #[test]
    fn the_checking_walk_writes_what_serde_json_writes_and_judges_as_validate(
        payload in payload(),
    ) {
        assert_walk_agrees(&payload);
    }
}

#[test]
fn a_full_report_is_sent_byte_for_byte_as_serde_json_writes_it() {
    let payload = json!({
        "text": "Deploy \"api\" \\ done\n\u{1}",
        "unfurl_links": false,
        "metadata": {
            "event_type": "deploy",
            "event_payload": {"n": 1.5e300, "m": -0.0, "k": [1, null]}
        },
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "Report", "emoji": true}},
            {"type": "section", "block_id": "b1", "text": {"type": "mrkdwn", "text": "*bold*"},
             "accessory": {"type": "static_select", "action_id": "pick",
                           "placeholder": {"type": "plain_text", "text": "Pick"},
                           "options": [
                               {"text": {"type": "plain_text", "text": "A"}, "value": "a"}
                           ]}},
            {"type": "section", "fields": [{"type": "mrkdwn", "text": "*Region*\neu"}]},
            {"type": "context", "elements": [
                {"type": "mrkdwn", "text": "by <@U1>"},
                {"type": "image", "image_url": "https://example.com/a.png", "alt_text": "a"}
            ]},
            {"type": "actions", "elements": [
                {"type": "button", "style": "danger",
                 "text": {"type": "plain_text", "text": "Roll back"},
                 "confirm": {"title": {"type": "plain_text", "text": "Sure?"},
                             "text": {"type": "plain_text", "text": "Really"},
                             "confirm": {"type": "plain_text", "text": "Yes"},
                             "deny": {"type": "plain_text", "text": "No"}}}
            ]},
            {"type": "image", "slack_file": {"id": "F1"}, "alt_text": "chart"},
            {"type": "input", "label": {"type": "plain_text", "text": "Why"},
             "element": {"type": "plain_text_input"}},
            {"type": "markdown", "text": "**done**"},
            {"type": "table",
             "rows": [[{"type": "raw_text", "text": "a"}]],
             "column_settings": [null]},
            {"type": "divider"},
            {"type": "rich_text", "elements": []}
        ],
        "attachments": [{"color": "#36a64f", "blocks": [{"type": "divider"}]}]
    });
    let map = payload.as_object().expect("an object").clone();
    assert_eq!(validate(&map), Ok(()));
    assert_walk_agrees(&map);
}

#[test]
fn an_invalid_payload_gets_the_same_error_either_way() {
    let payload = json!({"blocks": [
        {"type": "divider"},
        {"type": "section", "text": {"type": "mrkdwn", "text": "x".repeat(3_001)}}
    ]});
    let map = payload.as_object().expect("an object").clone();
    let error = validate(&map).expect_err("the text is too long");
    assert_eq!(error.path(), "blocks[1].text.text");
    assert_walk_agrees(&map);
}
