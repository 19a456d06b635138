//! Slack's documented limits, checked before any request exists.

use serde_json::{Value, json};
use slackhook::validate::{Rule, validate};

fn check(payload: Value) -> Result<(), String> {
    let map = payload.as_object().expect("object").clone();
    validate(&map).map_err(|e| e.to_string())
}

fn text(kind: &str, chars: usize) -> Value {
    json!({"type": kind, "text": "x".repeat(chars)})
}

fn with_block(block: Value) -> Value {
    json!({"blocks": [ {"type": "divider"}, block ]})
}

#[test]
fn a_plain_text_message_passes() {
    assert_eq!(check(json!({"text": "hello"})), Ok(()));
}

#[test]
fn an_empty_payload_has_no_content() {
    assert_eq!(
        check(json!({})),
        Err("payload: no text, blocks or attachments; Slack requires one".into())
    );
    assert!(check(json!({"text": "  ", "blocks": []})).is_err());
    assert!(check(json!({"unfurl_links": false})).is_err());
}

#[test]
fn delete_original_alone_is_a_valid_reply() {
    assert_eq!(check(json!({"delete_original": true})), Ok(()));
}

#[test]
fn text_over_40000_characters_is_rejected() {
    assert_eq!(check(json!({"text": "x".repeat(40_000)})), Ok(()));
    assert_eq!(
        check(json!({"text": "x".repeat(40_001)})),
        Err("text: 40,001 characters, Slack allows 40,000".into())
    );
}

#[test]
fn characters_are_counted_not_bytes() {
    // 40,000 four-byte characters: 160,000 bytes, still within the limit.
    assert_eq!(check(json!({"text": "🚀".repeat(40_000)})), Ok(()));
    assert!(check(json!({"text": "é".repeat(40_001)})).is_err());
}

#[test]
fn more_than_50_blocks_is_rejected() {
    let blocks: Vec<Value> = (0..51).map(|_| json!({"type": "divider"})).collect();
    assert_eq!(
        check(json!({ "blocks": blocks })),
        Err("blocks: 51 items, Slack allows 50".into())
    );
}

#[test]
fn more_than_100_attachments_is_rejected() {
    let attachments: Vec<Value> = (0..101).map(|_| json!({"text": "a"})).collect();
    assert_eq!(
        check(json!({ "attachments": attachments })),
        Err("attachments: 101 items, Slack allows 100".into())
    );
}

#[test]
fn blocks_inside_attachments_are_checked_too() {
    let payload =
        json!({"attachments": [{"blocks": [{"type": "header", "text": text("plain_text", 151)}]}]});
    assert_eq!(
        check(payload),
        Err("attachments[0].blocks[0].text.text: 151 characters, Slack allows 150".into())
    );
}

#[test]
fn section_text_is_limited_to_3000() {
    let block = json!({"type": "section", "text": text("mrkdwn", 3_214)});
    assert_eq!(
        check(with_block(block)),
        Err("blocks[1].text.text: 3,214 characters, Slack allows 3,000".into())
    );
}

#[test]
fn section_fields_are_limited_in_number_and_length() {
    let fields: Vec<Value> = (0..11).map(|_| text("mrkdwn", 1)).collect();
    let block = json!({"type": "section", "fields": fields});
    assert_eq!(
        check(with_block(block)),
        Err("blocks[1].fields: 11 items, Slack allows 10".into())
    );
    let block = json!({"type": "section", "fields": [text("mrkdwn", 2_001)]});
    assert_eq!(
        check(with_block(block)),
        Err("blocks[1].fields[0].text: 2,001 characters, Slack allows 2,000".into())
    );
}

#[test]
fn header_text_is_short_plain_text() {
    let block = json!({"type": "header", "text": text("plain_text", 151)});
    assert_eq!(
        check(with_block(block)),
        Err("blocks[1].text.text: 151 characters, Slack allows 150".into())
    );
    let block = json!({"type": "header", "text": text("mrkdwn", 5)});
    assert_eq!(
        check(with_block(block)),
        Err("blocks[1].text.type: must be plain_text".into())
    );
}

#[test]
fn context_holds_at_most_10_elements() {
    let elements: Vec<Value> = (0..11).map(|_| text("mrkdwn", 1)).collect();
    let block = json!({"type": "context", "elements": elements});
    assert_eq!(
        check(with_block(block)),
        Err("blocks[1].elements: 11 items, Slack allows 10".into())
    );
}

#[test]
fn actions_hold_at_most_25_elements() {
    let button = json!({"type": "button", "text": text("plain_text", 2)});
    let block = json!({"type": "actions", "elements": vec![button; 26]});
    assert_eq!(
        check(with_block(block)),
        Err("blocks[1].elements: 26 items, Slack allows 25".into())
    );
}

#[test]
fn block_and_action_ids_are_limited_to_255() {
    let block = json!({"type": "divider", "block_id": "b".repeat(256)});
    assert_eq!(
        check(with_block(block)),
        Err("blocks[1].block_id: 256 characters, Slack allows 255".into())
    );
    let button =
        json!({"type": "button", "text": text("plain_text", 2), "action_id": "a".repeat(256)});
    let block = json!({"type": "actions", "elements": [button]});
    assert_eq!(
        check(with_block(block)),
        Err("blocks[1].elements[0].action_id: 256 characters, Slack allows 255".into())
    );
}

#[test]
fn image_blocks_need_alt_text_and_bounded_urls() {
    let block = json!({"type": "image", "image_url": "https://x/y.png"});
    assert_eq!(
        check(with_block(block)),
        Err("blocks[1].alt_text: missing, Slack requires it".into())
    );
    let block = json!({"type": "image", "image_url": "h".repeat(3_001), "alt_text": "a"});
    assert_eq!(
        check(with_block(block)),
        Err("blocks[1].image_url: 3,001 characters, Slack allows 3,000".into())
    );
    let block = json!({"type": "image", "image_url": "u", "alt_text": "a".repeat(2_001)});
    assert!(check(with_block(block)).is_err());
    let title = text("plain_text", 2_001);
    let block = json!({"type": "image", "image_url": "u", "alt_text": "a", "title": title});
    assert!(check(with_block(block)).is_err());
}

#[test]
fn buttons_are_checked() {
    let button = |extra: Value| {
        let mut b = json!({"type": "button", "text": text("plain_text", 5)});
        b.as_object_mut()
            .expect("object")
            .extend(extra.as_object().expect("object").clone());
        with_block(json!({"type": "actions", "elements": [b]}))
    };
    assert_eq!(check(button(json!({}))), Ok(()));
    assert_eq!(
        check(button(json!({"text": text("plain_text", 76)}))),
        Err("blocks[1].elements[0].text.text: 76 characters, Slack allows 75".into())
    );
    assert!(check(button(json!({"value": "v".repeat(2_001)}))).is_err());
    assert!(check(button(json!({"url": "u".repeat(3_001)}))).is_err());
    assert_eq!(
        check(button(json!({"style": "fancy"}))),
        Err("blocks[1].elements[0].style: must be primary or danger".into())
    );
    assert_eq!(check(button(json!({"style": "danger"}))), Ok(()));
}

#[test]
fn options_are_checked() {
    let option =
        |t: usize, v: usize| json!({"text": text("plain_text", t), "value": "v".repeat(v)});
    let select = |options: Vec<Value>| {
        with_block(json!({"type": "section", "text": text("mrkdwn", 1),
            "accessory": {"type": "static_select", "options": options}}))
    };
    assert_eq!(check(select(vec![option(75, 150)])), Ok(()));
    assert_eq!(
        check(select(vec![option(76, 1)])),
        Err("blocks[1].accessory.options[0].text.text: 76 characters, Slack allows 75".into())
    );
    assert_eq!(
        check(select(vec![option(1, 151)])),
        Err("blocks[1].accessory.options[0].value: 151 characters, Slack allows 150".into())
    );
    assert_eq!(
        check(select(vec![option(1, 1); 101])),
        Err("blocks[1].accessory.options: 101 items, Slack allows 100".into())
    );
    let overflow = with_block(json!({"type": "actions", "elements": [
        {"type": "overflow", "options": vec![option(1, 1); 6]}
    ]}));
    assert_eq!(
        check(overflow),
        Err("blocks[1].elements[0].options: 6 items, Slack allows 5".into())
    );
}

#[test]
fn confirm_dialogs_are_checked() {
    let confirm = json!({"title": text("plain_text", 101), "text": text("plain_text", 1),
        "confirm": text("plain_text", 1), "deny": text("plain_text", 1)});
    let block = json!({"type": "actions", "elements": [
        {"type": "button", "text": text("plain_text", 1), "confirm": confirm}
    ]});
    assert_eq!(
        check(with_block(block)),
        Err("blocks[1].elements[0].confirm.title.text: 101 characters, Slack allows 100".into())
    );
}

#[test]
fn select_placeholders_are_limited_to_150() {
    let block = json!({"type": "actions", "elements": [
        {"type": "users_select", "placeholder": text("plain_text", 151)}
    ]});
    assert!(check(with_block(block)).is_err());
}

#[test]
fn input_labels_and_hints_are_limited_to_2000() {
    let label = text("plain_text", 2_001);
    let block = json!({"type": "input", "label": label, "element": {"type": "plain_text_input"}});
    assert_eq!(
        check(with_block(block)),
        Err("blocks[1].label.text: 2,001 characters, Slack allows 2,000".into())
    );
    let block =
        json!({"type": "input", "label": text("plain_text", 1), "hint": text("plain_text", 2_001)});
    assert!(check(with_block(block)).is_err());
}

#[test]
fn markdown_blocks_share_12000_characters() {
    let md = |n: usize| json!({"type": "markdown", "text": "m".repeat(n)});
    assert_eq!(check(json!({"blocks": [md(6_000), md(6_000)]})), Ok(()));
    assert_eq!(
        check(json!({"blocks": [md(6_000), md(6_001)]})),
        Err("blocks[1].text: 12,001 characters, Slack allows 12,000".into())
    );
}

#[test]
fn video_fields_are_limited() {
    let video = |extra: Value| {
        let mut b = json!({"type": "video", "alt_text": "a", "video_url": "u", "thumbnail_url": "t",
            "title": text("plain_text", 1)});
        b.as_object_mut()
            .expect("object")
            .extend(extra.as_object().expect("object").clone());
        with_block(b)
    };
    assert_eq!(check(video(json!({}))), Ok(()));
    assert!(check(video(json!({"title": text("plain_text", 201)}))).is_err());
    assert!(check(video(json!({"description": text("plain_text", 201)}))).is_err());
    assert_eq!(
        check(video(json!({"author_name": "a".repeat(51)}))),
        Err("blocks[1].author_name: 51 characters, Slack allows 50".into())
    );
}

#[test]
fn a_video_needs_its_four_fields_and_plain_text() {
    let full = json!({"type": "video", "title": text("plain_text", 1), "video_url": "u",
        "thumbnail_url": "t", "alt_text": "a"});
    for field in ["title", "video_url", "thumbnail_url", "alt_text"] {
        let mut block = full.clone();
        block.as_object_mut().expect("object").remove(field);
        assert_eq!(
            check(with_block(block)),
            Err(format!("blocks[1].{field}: missing, Slack requires it"))
        );
    }

    let mut block = full.clone();
    block["description"] = text("mrkdwn", 5);
    assert_eq!(
        check(with_block(block)),
        Err("blocks[1].description.type: must be plain_text".into())
    );
    let mut block = full;
    block["video_url"] = json!(7);
    assert_eq!(
        check(with_block(block)),
        Err("blocks[1].video_url: expected a string, found a number".into())
    );
}

#[test]
fn a_multi_select_allows_at_least_one_item() {
    let select = |max: Value| {
        with_block(
            json!({"type": "section", "text": text("mrkdwn", 1), "accessory":
            {"type": "multi_users_select", "max_selected_items": max}}),
        )
    };
    assert_eq!(check(select(json!(1))), Ok(()));
    assert_eq!(check(select(json!(25))), Ok(()));
    for bad in [json!(0), json!(-2), json!(1.5)] {
        assert_eq!(
            check(select(bad)),
            Err(
                "blocks[1].accessory.max_selected_items: must be a whole number of at least 1"
                    .into()
            )
        );
    }
    assert_eq!(
        check(select(json!("3"))),
        Err("blocks[1].accessory.max_selected_items: expected a number, found a string".into())
    );
}

#[test]
fn a_typed_multi_select_of_zero_items_is_refused_before_sending() {
    use slackhook::blocks::{MultiUsersSelect, Section};
    use slackhook::{Error, Message, Webhook};

    let url = "https://hooks.slack.com/services/T000/B000/secret"
        .parse()
        .expect("a URL");
    let select = MultiUsersSelect::new().with_max_selected_items(0);
    let message = Message::text("Pick reviewers")
        .with_blocks([Section::mrkdwn("Pick").with_accessory(select)]);
    match Webhook::new(url).send(&message) {
        Err(Error::Invalid(error)) => {
            assert_eq!(error.rule(), &Rule::TooSmall { minimum: 1 });
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn empty_text_objects_are_rejected() {
    let block = json!({"type": "section", "text": text("mrkdwn", 0)});
    assert_eq!(
        check(with_block(block)),
        Err("blocks[1].text.text: empty, Slack requires at least 1 character".into())
    );
}

#[test]
fn wrong_types_name_what_was_expected() {
    assert_eq!(
        check(json!({"text": 5})),
        Err("text: expected a string, found a number".into())
    );
    assert_eq!(
        check(json!({"text": "x", "blocks": {"type": "divider"}})),
        Err("blocks: expected an array, found an object".into())
    );
    assert_eq!(
        check(json!({"blocks": ["divider"]})),
        Err("blocks[0]: expected an object, found a string".into())
    );
    assert_eq!(
        check(json!({"blocks": [{"text": "x"}]})),
        Err("blocks[0].type: missing, Slack requires it".into())
    );
}

#[test]
fn unknown_block_types_pass() {
    assert_eq!(
        check(json!({"blocks": [{"type": "future_block", "anything": [1, 2]}]})),
        Ok(())
    );
}

#[test]
fn errors_expose_path_and_rule() {
    let map = json!({"text": "x".repeat(40_001)})
        .as_object()
        .expect("object")
        .clone();
    let err = validate(&map).expect_err("too long");
    assert_eq!(err.path(), "text");
    assert_eq!(
        err.rule(),
        &Rule::TooLong {
            chars: 40_001,
            limit: 40_000
        }
    );
}

#[test]
fn a_section_needs_text_or_fields() {
    assert_eq!(
        check(with_block(json!({"type": "section"}))),
        Err("blocks[1].text: missing, Slack requires it".into())
    );
    let fields_only = json!({"type": "section", "fields": [text("mrkdwn", 3)]});
    assert_eq!(check(with_block(fields_only)), Ok(()));
}

#[test]
fn button_accessibility_labels_are_limited_to_75() {
    let button = json!({"type": "button", "text": text("plain_text", 2),
        "accessibility_label": "l".repeat(76)});
    assert_eq!(
        check(with_block(json!({"type": "actions", "elements": [button]}))),
        Err("blocks[1].elements[0].accessibility_label: 76 characters, Slack allows 75".into())
    );
}
