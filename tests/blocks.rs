//! Block Kit builders: the JSON they produce against the examples of Slack's Block Kit reference,
//! round trips, raw blocks, and the limits the validator enforces on them.

use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use slackhook::blocks::*;
use slackhook::validate::Rule;
use slackhook::{Message, ValidationError};

/// Asserts that `typed` serializes to `expected` and that `expected` deserializes to `typed`.
#[track_caller]
fn assert_slack_json<T>(typed: &T, expected: Value)
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let serialized = serde_json::to_value(typed).expect("serializes");
    assert_eq!(serialized, expected, "serialized JSON differs from Slack's");

    let parsed: T = serde_json::from_value(expected).expect("deserializes");
    assert_eq!(
        &parsed, typed,
        "deserialized value differs from the builder's"
    );
}

/// Validates one block as a message would.
fn validate_one(block: impl Into<Block>) -> Result<(), ValidationError> {
    Blocks::new().with(block).validate()
}

#[track_caller]
fn assert_breaks(result: Result<(), ValidationError>, path: &str, rule: Rule) {
    let err = result.expect_err("a limit is broken");
    assert_eq!(err.path(), path);
    assert_eq!(err.rule(), &rule);
}

fn options(n: usize) -> Vec<SelectOption> {
    (0..n)
        .map(|i| SelectOption::new(format!("Option {i}"), format!("value-{i}")))
        .collect()
}

// --- Slack's reference examples -------------------------------------------------------------

#[test]
fn section_with_mrkdwn_text_and_button_accessory_matches_slack() {
    let section = Section::mrkdwn("This is a section block with a button.").with_accessory(
        Button::new(PlainText::new("Click Me").with_emoji(true))
            .with_value("click_me_123")
            .with_action_id("button-action"),
    );

    assert_slack_json(
        &Block::from(section),
        json!({
            "type": "section",
            "text": {"type": "mrkdwn", "text": "This is a section block with a button."},
            "accessory": {
                "type": "button",
                "text": {"type": "plain_text", "text": "Click Me", "emoji": true},
                "value": "click_me_123",
                "action_id": "button-action"
            }
        }),
    );
}

#[test]
fn section_with_fields_matches_slack() {
    let section = Section::from_fields([
        Text::mrkdwn("*Type:*\nComputer (laptop)"),
        Text::mrkdwn("*When:*\nSubmitted Aut 10"),
    ])
    .with_block_id("fields-1")
    .with_expand(true);

    assert_slack_json(
        &Block::from(section),
        json!({
            "type": "section",
            "block_id": "fields-1",
            "expand": true,
            "fields": [
                {"type": "mrkdwn", "text": "*Type:*\nComputer (laptop)"},
                {"type": "mrkdwn", "text": "*When:*\nSubmitted Aut 10"}
            ]
        }),
    );
}

#[test]
fn header_matches_slack() {
    assert_slack_json(
        &Block::from(Header::new("Budget Performance")),
        json!({"type": "header", "text": {"type": "plain_text", "text": "Budget Performance"}}),
    );
}

#[test]
fn divider_matches_slack() {
    assert_slack_json(&Block::from(Divider::new()), json!({"type": "divider"}));
}

#[test]
fn context_with_image_and_mrkdwn_matches_slack() {
    let context = Context::new([
        ContextElement::from(ImageElement::new(
            "https://example.com/red-drawing-pin.jpg",
            "images",
        )),
        MrkdwnText::new("Location: **Dogpatch**").into(),
    ]);

    assert_slack_json(
        &Block::from(context),
        json!({
            "type": "context",
            "elements": [
                {
                    "type": "image",
                    "image_url": "https://example.com/red-drawing-pin.jpg",
                    "alt_text": "images"
                },
                {"type": "mrkdwn", "text": "Location: **Dogpatch**"}
            ]
        }),
    );
}

#[test]
fn actions_with_static_select_and_button_match_slack() {
    let select = StaticSelect::new([
        SelectOption::new("Matilda", "matilda"),
        SelectOption::new("Glinda", "glinda"),
        SelectOption::new("Granny Weatherwax", "grannyWeatherwax"),
        SelectOption::new("Hermione", "hermione"),
    ])
    .with_placeholder("Which witch is the witchiest witch?")
    .with_action_id("select_2");
    let actions = Actions::new([
        Element::from(select),
        Button::new("Cancel")
            .with_value("cancel")
            .with_action_id("button_1")
            .into(),
    ])
    .with_block_id("actions1");

    assert_slack_json(
        &Block::from(actions),
        json!({
            "type": "actions",
            "block_id": "actions1",
            "elements": [
                {
                    "type": "static_select",
                    "placeholder": {
                        "type": "plain_text",
                        "text": "Which witch is the witchiest witch?"
                    },
                    "action_id": "select_2",
                    "options": [
                        {"text": {"type": "plain_text", "text": "Matilda"}, "value": "matilda"},
                        {"text": {"type": "plain_text", "text": "Glinda"}, "value": "glinda"},
                        {
                            "text": {"type": "plain_text", "text": "Granny Weatherwax"},
                            "value": "grannyWeatherwax"
                        },
                        {"text": {"type": "plain_text", "text": "Hermione"}, "value": "hermione"}
                    ]
                },
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Cancel"},
                    "value": "cancel",
                    "action_id": "button_1"
                }
            ]
        }),
    );
}

#[test]
fn image_block_matches_slack() {
    let image = Image::new(
        "http://placekitten.com/500/500",
        "An incredibly cute kitten.",
    )
    .with_title("Please enjoy this photo of a kitten")
    .with_block_id("image4");

    assert_slack_json(
        &Block::from(image),
        json!({
            "type": "image",
            "title": {"type": "plain_text", "text": "Please enjoy this photo of a kitten"},
            "block_id": "image4",
            "image_url": "http://placekitten.com/500/500",
            "alt_text": "An incredibly cute kitten."
        }),
    );
}

#[test]
fn image_block_from_a_slack_file_matches_slack() {
    let image = Image::from_slack_file(SlackFile::id("F0123456"), "A diagram");

    assert_slack_json(
        &Block::from(image),
        json!({"type": "image", "slack_file": {"id": "F0123456"}, "alt_text": "A diagram"}),
    );
}

#[test]
fn markdown_block_matches_slack() {
    assert_slack_json(
        &Block::from(Markdown::new("**Lots of information here!!**")),
        json!({"type": "markdown", "text": "**Lots of information here!!**"}),
    );
}

#[test]
fn rich_text_with_a_list_matches_slack() {
    let item = |text: &str| RichTextSection::new([RichTextElement::text(text)]);
    let block = RichText::new([
        RichTextObject::from(item("My favorite Slack features (in no particular order):")),
        RichTextList::new(
            ListStyle::Bullet,
            [
                item("Huddles"),
                item("Canvas"),
                item("Developing with Block Kit"),
            ],
        )
        .with_indent(0)
        .with_border(1)
        .into(),
    ])
    .with_block_id("block1");

    assert_slack_json(
        &Block::from(block),
        json!({
            "type": "rich_text",
            "block_id": "block1",
            "elements": [
                {
                    "type": "rich_text_section",
                    "elements": [{
                        "type": "text",
                        "text": "My favorite Slack features (in no particular order):"
                    }]
                },
                {
                    "type": "rich_text_list",
                    "elements": [
                        {
                            "type": "rich_text_section",
                            "elements": [{"type": "text", "text": "Huddles"}]
                        },
                        {
                            "type": "rich_text_section",
                            "elements": [{"type": "text", "text": "Canvas"}]
                        },
                        {
                            "type": "rich_text_section",
                            "elements": [{"type": "text", "text": "Developing with Block Kit"}]
                        }
                    ],
                    "style": "bullet",
                    "indent": 0,
                    "border": 1
                }
            ]
        }),
    );
}

#[test]
fn rich_text_inline_elements_match_slack() {
    let section = RichTextSection::new([
        RichTextElement::from(StyledText::new("Hello there, ").bold()),
        StyledText::new("I am a basic rich text block!")
            .italic()
            .strike()
            .into(),
        Link::new("https://slack.com")
            .with_text("Slack")
            .code()
            .into(),
        RichTextElement::user("U123ABC456"),
        RichTextElement::channel("C123ABC456"),
        RichTextElement::usergroup("S0614TZR7"),
        Emoji::new("basketball").with_unicode("1f3c0").into(),
        RichTextElement::broadcast(BroadcastRange::Here),
        FormattedDate::new(1720710212, "{date_num} at {time}")
            .with_fallback("timey")
            .into(),
        Color::new("#F405B3").into(),
    ]);

    assert_slack_json(
        &RichTextObject::from(section),
        json!({
            "type": "rich_text_section",
            "elements": [
                {"type": "text", "text": "Hello there, ", "style": {"bold": true}},
                {
                    "type": "text",
                    "text": "I am a basic rich text block!",
                    "style": {"italic": true, "strike": true}
                },
                {
                    "type": "link",
                    "url": "https://slack.com",
                    "text": "Slack",
                    "style": {"code": true}
                },
                {"type": "user", "user_id": "U123ABC456"},
                {"type": "channel", "channel_id": "C123ABC456"},
                {"type": "usergroup", "usergroup_id": "S0614TZR7"},
                {"type": "emoji", "name": "basketball", "unicode": "1f3c0"},
                {"type": "broadcast", "range": "here"},
                {
                    "type": "date",
                    "timestamp": 1720710212,
                    "format": "{date_num} at {time}",
                    "fallback": "timey"
                },
                {"type": "color", "value": "#F405B3"}
            ]
        }),
    );
}

#[test]
fn rich_text_quote_and_preformatted_match_slack() {
    const CODE: &str = "{\n  \"object\": {\n    \"description\": \"an example\"\n  }\n}";
    let block = RichText::new([
        RichTextObject::from(RichTextQuote::new([
            "What we need is good examples in our documentation.",
        ])),
        RichTextPreformatted::code(CODE).into(),
    ]);

    assert_slack_json(
        &Block::from(block),
        json!({
            "type": "rich_text",
            "elements": [
                {
                    "type": "rich_text_quote",
                    "elements": [{
                        "type": "text",
                        "text": "What we need is good examples in our documentation."
                    }]
                },
                {
                    "type": "rich_text_preformatted",
                    "elements": [{
                        "type": "text",
                        "text": CODE
                    }]
                }
            ]
        }),
    );
}

#[test]
fn ordered_rich_text_list_with_offset_matches_slack() {
    let list = RichTextList::new(ListStyle::Ordered, [RichTextSection::new(["step five"])])
        .with_offset(4)
        .with_indent(1);

    assert_slack_json(
        &RichTextObject::from(list),
        json!({
            "type": "rich_text_list",
            "style": "ordered",
            "offset": 4,
            "indent": 1,
            "elements": [{
                "type": "rich_text_section",
                "elements": [{"type": "text", "text": "step five"}]
            }]
        }),
    );
}

#[test]
fn video_block_matches_slack() {
    let video = Video::new(
        PlainText::new("How to use Slack.").with_emoji(true),
        "https://www.youtube.com/embed/RRxQQxiM7AA?feature=oembed&autoplay=1",
        "https://i.ytimg.com/vi/RRxQQxiM7AA/hqdefault.jpg",
        "How to use Slack?",
    )
    .with_title_url("https://www.youtube.com/watch?v=RRxQQxiM7AA")
    .with_description(
        PlainText::new(
            "Slack is a new way to communicate with your team. \
             It's faster, better organized and more secure than email.",
        )
        .with_emoji(true),
    )
    .with_author_name("Arcado Buendia")
    .with_provider_name("YouTube")
    .with_provider_icon_url("https://a.slack-edge.com/80588/img/unfurl_icons/youtube.png");

    assert_slack_json(
        &Block::from(video),
        json!({
            "type": "video",
            "title": {"type": "plain_text", "text": "How to use Slack.", "emoji": true},
            "title_url": "https://www.youtube.com/watch?v=RRxQQxiM7AA",
            "description": {
                "type": "plain_text",
                "text": "Slack is a new way to communicate with your team. \
                         It's faster, better organized and more secure than email.",
                "emoji": true
            },
            "video_url": "https://www.youtube.com/embed/RRxQQxiM7AA?feature=oembed&autoplay=1",
            "alt_text": "How to use Slack?",
            "thumbnail_url": "https://i.ytimg.com/vi/RRxQQxiM7AA/hqdefault.jpg",
            "author_name": "Arcado Buendia",
            "provider_name": "YouTube",
            "provider_icon_url": "https://a.slack-edge.com/80588/img/unfurl_icons/youtube.png"
        }),
    );
}

#[test]
fn file_block_matches_slack() {
    assert_slack_json(
        &Block::from(File::remote("ABCD1")),
        json!({"type": "file", "external_id": "ABCD1", "source": "remote"}),
    );
}

#[test]
fn table_block_matches_slack() {
    let link_cell = RichText::new([RichTextSection::new([RichTextElement::link(
        "https://slack.com",
        "Data 2B",
    )])]);
    let table = Table::new([["Header A", "Header B"], ["Data 1A", "Data 1B"]])
        .with_row([TableCell::from("Data 2A"), link_cell.into()])
        .with_column_settings([
            ColumnSetting::new().with_wrapped(true),
            ColumnSetting::new().with_align(ColumnAlign::Right),
        ]);

    assert_slack_json(
        &Block::from(table),
        json!({
            "type": "table",
            "column_settings": [{"is_wrapped": true}, {"align": "right"}],
            "rows": [
                [
                    {"type": "raw_text", "text": "Header A"},
                    {"type": "raw_text", "text": "Header B"}
                ],
                [{"type": "raw_text", "text": "Data 1A"}, {"type": "raw_text", "text": "Data 1B"}],
                [
                    {"type": "raw_text", "text": "Data 2A"},
                    {
                        "type": "rich_text",
                        "elements": [{
                            "type": "rich_text_section",
                            "elements": [
                                {"text": "Data 2B", "type": "link", "url": "https://slack.com"}
                            ]
                        }]
                    }
                ]
            ]
        }),
    );
}

#[test]
fn table_column_settings_may_skip_a_column_with_null() {
    let table = Table::new([["a", "b"]]).with_column_settings([
        None,
        Some(ColumnSetting::new().with_align(ColumnAlign::Center)),
    ]);

    assert_slack_json(
        &Block::from(table),
        json!({
            "type": "table",
            "rows": [[{"type": "raw_text", "text": "a"}, {"type": "raw_text", "text": "b"}]],
            "column_settings": [null, {"align": "center"}]
        }),
    );
}

// --- Elements ------------------------------------------------------------------------------

#[test]
fn overflow_matches_slack() {
    let overflow = Overflow::new([
        SelectOption::new("Option 1", "value-0"),
        SelectOption::new("Docs", "value-1").with_url("https://docs.slack.dev"),
    ])
    .with_action_id("overflow");

    assert_slack_json(
        &Element::from(overflow),
        json!({
            "type": "overflow",
            "action_id": "overflow",
            "options": [
                {"text": {"type": "plain_text", "text": "Option 1"}, "value": "value-0"},
                {
                    "text": {"type": "plain_text", "text": "Docs"},
                    "value": "value-1",
                    "url": "https://docs.slack.dev"
                }
            ]
        }),
    );
}

#[test]
fn datepicker_and_timepicker_match_slack() {
    let date = DatePicker::new()
        .with_initial_date("1990-04-28")
        .with_placeholder(PlainText::new("Select a date").with_emoji(true))
        .with_action_id("datepicker-action");
    assert_slack_json(
        &Element::from(date),
        json!({
            "type": "datepicker",
            "initial_date": "1990-04-28",
            "placeholder": {"type": "plain_text", "text": "Select a date", "emoji": true},
            "action_id": "datepicker-action"
        }),
    );

    let time = TimePicker::new()
        .with_initial_time("11:40")
        .with_timezone("America/Los_Angeles")
        .with_placeholder("Select time")
        .with_action_id("timepicker123")
        .with_focus_on_load(true);
    assert_slack_json(
        &Element::from(time),
        json!({
            "type": "timepicker",
            "action_id": "timepicker123",
            "initial_time": "11:40",
            "timezone": "America/Los_Angeles",
            "placeholder": {"type": "plain_text", "text": "Select time"},
            "focus_on_load": true
        }),
    );
}

#[test]
fn checkboxes_and_radio_buttons_take_mrkdwn_options() {
    let first = SelectOption::mrkdwn("*this is mrkdwn text*", "value-0")
        .with_description(PlainText::new("plain text"));
    let checkboxes = Checkboxes::new([first.clone()])
        .with_initial_options([first.clone()])
        .with_action_id("this_is_an_action_id");
    let option_json = json!({
        "text": {"type": "mrkdwn", "text": "*this is mrkdwn text*"},
        "description": {"type": "plain_text", "text": "plain text"},
        "value": "value-0"
    });

    assert_slack_json(
        &Element::from(checkboxes),
        json!({
            "type": "checkboxes",
            "action_id": "this_is_an_action_id",
            "options": [option_json],
            "initial_options": [option_json]
        }),
    );

    let radio = RadioButtons::new([first.clone()]).with_initial_option(first);
    assert_slack_json(
        &Element::from(radio),
        json!({"type": "radio_buttons", "options": [option_json], "initial_option": option_json}),
    );
}

#[test]
fn user_channel_and_conversation_selects_match_slack() {
    assert_slack_json(
        &Element::from(
            UsersSelect::new()
                .with_placeholder("Select a user")
                .with_initial_user("U064ZKL4BE3")
                .with_action_id("users_select-action"),
        ),
        json!({
            "type": "users_select",
            "placeholder": {"type": "plain_text", "text": "Select a user"},
            "initial_user": "U064ZKL4BE3",
            "action_id": "users_select-action"
        }),
    );
    assert_slack_json(
        &Element::from(
            ChannelsSelect::new()
                .with_placeholder("Select an item")
                .with_initial_channel("C123ABC456")
                .with_response_url_enabled(true),
        ),
        json!({
            "type": "channels_select",
            "placeholder": {"type": "plain_text", "text": "Select an item"},
            "initial_channel": "C123ABC456",
            "response_url_enabled": true
        }),
    );
    assert_slack_json(
        &Element::from(
            ConversationsSelect::new()
                .with_initial_conversation("D123ABC456")
                .with_filter(
                    ConversationFilter::new()
                        .with_include([ConversationKind::Public, ConversationKind::Mpim])
                        .with_exclude_bot_users(true),
                ),
        ),
        json!({
            "type": "conversations_select",
            "initial_conversation": "D123ABC456",
            "filter": {"include": ["public", "mpim"], "exclude_bot_users": true}
        }),
    );
}

#[test]
fn multi_selects_match_slack() {
    let options = [
        SelectOption::new("plain text", "value-0"),
        SelectOption::new("plain text", "value-1"),
    ];
    assert_slack_json(
        &Element::from(
            MultiStaticSelect::new(options.clone())
                .with_initial_options([options[1].clone()])
                .with_max_selected_items(2)
                .with_placeholder("Select items")
                .with_action_id("text1234"),
        ),
        json!({
            "type": "multi_static_select",
            "placeholder": {"type": "plain_text", "text": "Select items"},
            "action_id": "text1234",
            "max_selected_items": 2,
            "options": [
                {"text": {"type": "plain_text", "text": "plain text"}, "value": "value-0"},
                {"text": {"type": "plain_text", "text": "plain text"}, "value": "value-1"}
            ],
            "initial_options": [
                {"text": {"type": "plain_text", "text": "plain text"}, "value": "value-1"}
            ]
        }),
    );
    assert_slack_json(
        &Element::from(MultiUsersSelect::new().with_initial_users(["U1", "U2"])),
        json!({"type": "multi_users_select", "initial_users": ["U1", "U2"]}),
    );
    assert_slack_json(
        &Element::from(MultiChannelsSelect::new().with_initial_channels(["C1"])),
        json!({"type": "multi_channels_select", "initial_channels": ["C1"]}),
    );
    assert_slack_json(
        &Element::from(
            MultiConversationsSelect::new()
                .with_initial_conversations(["C1", "D2"])
                .with_default_to_current_conversation(true),
        ),
        json!({
            "type": "multi_conversations_select",
            "initial_conversations": ["C1", "D2"],
            "default_to_current_conversation": true
        }),
    );
}

#[test]
fn static_select_with_option_groups_matches_slack() {
    let select = StaticSelect::from_groups([
        OptionGroup::new("Group 1", options(2)),
        OptionGroup::new("Group 2", options(1)),
    ])
    .with_action_id("text1234");

    assert_slack_json(
        &Element::from(select),
        json!({
            "type": "static_select",
            "action_id": "text1234",
            "option_groups": [
                {
                    "label": {"type": "plain_text", "text": "Group 1"},
                    "options": [
                        {"text": {"type": "plain_text", "text": "Option 0"}, "value": "value-0"},
                        {"text": {"type": "plain_text", "text": "Option 1"}, "value": "value-1"}
                    ]
                },
                {
                    "label": {"type": "plain_text", "text": "Group 2"},
                    "options": [
                        {"text": {"type": "plain_text", "text": "Option 0"}, "value": "value-0"}
                    ]
                }
            ]
        }),
    );
}

#[test]
fn button_with_url_style_and_confirm_matches_slack() {
    let button = Button::link("Link Button", "https://api.slack.com/block-kit")
        .danger()
        .with_accessibility_label("Opens Block Kit docs")
        .with_confirm(
            ConfirmDialog::new("Are you sure?", "", "Do it", "Stop, I've changed my mind!")
                .with_text(MrkdwnText::new(
                    "Wouldn't you prefer a good game of _chess_?",
                ))
                .with_style(ButtonStyle::Primary),
        );

    assert_slack_json(
        &Element::from(button),
        json!({
            "type": "button",
            "text": {"type": "plain_text", "text": "Link Button"},
            "url": "https://api.slack.com/block-kit",
            "style": "danger",
            "accessibility_label": "Opens Block Kit docs",
            "confirm": {
                "title": {"type": "plain_text", "text": "Are you sure?"},
                "text": {"type": "mrkdwn", "text": "Wouldn't you prefer a good game of _chess_?"},
                "confirm": {"type": "plain_text", "text": "Do it"},
                "deny": {"type": "plain_text", "text": "Stop, I've changed my mind!"},
                "style": "primary"
            }
        }),
    );
}

#[test]
fn image_element_as_accessory_matches_slack() {
    let section =
        Section::mrkdwn("This is a section block with an accessory image.").with_accessory(
            ImageElement::new("https://example.com/profile_400x400.jpg", "cute cat"),
        );

    assert_slack_json(
        &Block::from(section),
        json!({
            "type": "section",
            "text": {"type": "mrkdwn", "text": "This is a section block with an accessory image."},
            "accessory": {
                "type": "image",
                "image_url": "https://example.com/profile_400x400.jpg",
                "alt_text": "cute cat"
            }
        }),
    );
}

// --- Absent fields, raw JSON, deserialization --------------------------------------------

#[test]
fn fields_never_set_are_absent_from_the_json() {
    let json = serde_json::to_value(Button::new("Go")).expect("serializes");
    assert_eq!(
        json,
        json!({"type": "button", "text": {"type": "plain_text", "text": "Go"}})
    );

    let json = serde_json::to_value(StaticSelect::new([])).expect("serializes");
    assert_eq!(json, json!({"type": "static_select"}));
}

#[test]
fn false_flags_are_sent_as_false() {
    let text = PlainText::new("no emoji").with_emoji(false);
    assert_eq!(
        serde_json::to_value(&text).expect("serializes"),
        json!({"type": "plain_text", "text": "no emoji", "emoji": false})
    );
}

#[test]
fn raw_blocks_are_sent_unchanged() {
    let raw = json!({
        "type": "input",
        "label": {"type": "plain_text", "text": "Name"},
        "element": {"type": "plain_text_input"}
    });
    let message = Message::text("fallback").with_blocks([Block::raw(raw.clone())]);

    assert_eq!(message.blocks(), Some(&[raw][..]));
}

#[test]
fn unknown_block_types_deserialize_as_raw_and_round_trip() {
    let unknown =
        json!({"type": "alert", "level": "warning", "text": {"type": "plain_text", "text": "Hi"}});

    let block: Block = serde_json::from_value(unknown.clone()).expect("deserializes");
    assert_eq!(block, Block::raw(unknown.clone()));
    assert_eq!(Value::from(block), unknown);
}

#[test]
fn unknown_elements_inside_known_blocks_deserialize_as_raw() {
    let json = json!({
        "type": "actions",
        "elements": [
            {"type": "workflow_button", "text": {"type": "plain_text", "text": "Run"}},
            {"type": "button", "text": {"type": "plain_text", "text": "Ok"}}
        ]
    });

    let block: Block = serde_json::from_value(json.clone()).expect("deserializes");
    let Block::Actions(actions) = &block else {
        panic!("expected an actions block, got {block:?}");
    };
    assert!(matches!(actions.elements[0], Element::Raw(_)));
    assert!(matches!(actions.elements[1], Element::Button(_)));
    assert_eq!(Value::from(block), json);
}

#[test]
fn unknown_rich_text_elements_deserialize_as_raw() {
    let json = json!({
        "type": "rich_text_section",
        "elements": [{"type": "team", "team_id": "T0123"}, {"type": "text", "text": "hi"}]
    });

    let object: RichTextObject = serde_json::from_value(json.clone()).expect("deserializes");
    let RichTextObject::Section(section) = &object else {
        panic!("expected a section, got {object:?}");
    };
    assert!(matches!(section.elements[0], RichTextElement::Raw(_)));
    assert_eq!(serde_json::to_value(&object).expect("serializes"), json);
}

#[test]
fn unknown_rich_text_objects_deserialize_as_raw() {
    let json = json!({
        "type": "rich_text",
        "elements": [{"type": "rich_text_callout", "elements": []}]
    });

    let block: Block = serde_json::from_value(json.clone()).expect("deserializes");
    let Block::RichText(rich_text) = &block else {
        panic!("expected a rich text block, got {block:?}");
    };
    assert_eq!(
        rich_text.elements,
        [RichTextObject::raw(json["elements"][0].clone())]
    );
    assert_eq!(Value::from(block), json);
}

#[test]
fn a_malformed_known_block_is_a_deserialization_error() {
    let bad = json!({"type": "header", "text": 5});
    assert!(serde_json::from_value::<Block>(bad).is_err());

    let mrkdwn_header = json!({"type": "header", "text": {"type": "mrkdwn", "text": "*x*"}});
    assert!(serde_json::from_value::<Block>(mrkdwn_header).is_err());
}

#[test]
fn a_text_object_of_unknown_type_is_a_deserialization_error() {
    let err = serde_json::from_value::<Text>(json!({"type": "html", "text": "<b>"}))
        .expect_err("unknown type");
    assert!(err.to_string().contains("unknown text object type"));

    let err = serde_json::from_value::<Text>(json!({"text": "untyped"})).expect_err("no type");
    assert!(err.to_string().contains("without a string `type`"));
}

#[test]
fn a_whole_message_of_blocks_round_trips() {
    let blocks = Blocks::new()
        .with(Header::new("Weekly report"))
        .with(Section::mrkdwn("*42* deploys").with_accessory(Overflow::new(options(3))))
        .with(Divider::new())
        .with(Context::new([Text::plain("generated by ci")]))
        .with(Table::new([["a", "b"]]))
        .with(Block::raw(json!({"type": "something_new"})));

    let json = serde_json::to_string(&blocks).expect("serializes");
    let parsed: Blocks = serde_json::from_str(&json).expect("deserializes");

    assert_eq!(parsed, blocks);
    assert_eq!(parsed.len(), 6);
}

#[test]
fn typed_blocks_plug_into_message_with_blocks() {
    let message =
        Message::text("fallback").with_blocks([Section::mrkdwn("one"), Section::mrkdwn("two")]);
    let blocks = message.blocks().expect("blocks were set");
    assert_eq!(blocks[1]["text"]["text"], "two");

    let collected: Blocks = [Block::from(Divider::new()), Header::new("h").into()]
        .into_iter()
        .collect();
    let message = Message::text("fallback").with_blocks(collected);
    assert_eq!(message.blocks().map(<[_]>::len), Some(2));
}

#[test]
fn into_message_sets_the_fallback_text_and_the_blocks() {
    let message = Blocks::new()
        .with(Section::mrkdwn("*done*"))
        .into_message("done")
        .expect("valid");

    assert_eq!(
        serde_json::from_str::<Value>(&message.to_json_string()).expect("json"),
        json!({
            "text": "done",
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*done*"}}]
        })
    );
}

#[test]
fn into_message_rejects_a_fallback_over_slacks_limit() {
    let err = Blocks::new()
        .with(Divider::new())
        .into_message("x".repeat(40_001))
        .expect_err("text too long");

    assert_eq!(err.path(), "text");
}

#[test]
fn no_blocks_break_no_block_limit() {
    assert_eq!(Blocks::new().validate(), Ok(()));
}

// --- Limits, checked by the one validator --------------------------------------------------

#[test]
fn header_text_over_150_characters_is_rejected_with_its_path() {
    assert_breaks(
        validate_one(Header::new("é".repeat(151))),
        "blocks[0].text.text",
        Rule::TooLong {
            chars: 151,
            limit: 150,
        },
    );
    assert_eq!(validate_one(Header::new("é".repeat(150))), Ok(()));
}

#[test]
fn section_text_and_fields_limits_are_enforced() {
    let blocks = Blocks::new()
        .with(Divider::new())
        .with(Section::mrkdwn("x".repeat(3_214)));
    let err = blocks.validate().expect_err("too long");
    assert_eq!(
        err.to_string(),
        "blocks[1].text.text: 3,214 characters, Slack allows 3,000"
    );

    assert_breaks(
        validate_one(Section::from_fields(
            (0..11).map(|i| Text::plain(i.to_string())),
        )),
        "blocks[0].fields",
        Rule::TooMany {
            count: 11,
            limit: 10,
        },
    );
    assert_breaks(
        validate_one(Section::from_fields([Text::plain("y".repeat(2_001))])),
        "blocks[0].fields[0].text",
        Rule::TooLong {
            chars: 2_001,
            limit: 2_000,
        },
    );
    assert_breaks(
        validate_one(Section::mrkdwn("")),
        "blocks[0].text.text",
        Rule::Empty,
    );
}

#[test]
fn more_than_50_blocks_are_rejected() {
    let blocks: Blocks = (0..51).map(|_| Divider::new()).collect();
    assert_breaks(
        blocks.validate(),
        "blocks",
        Rule::TooMany {
            count: 51,
            limit: 50,
        },
    );
}

#[test]
fn block_id_over_255_characters_is_rejected() {
    assert_breaks(
        validate_one(Divider::new().with_block_id("b".repeat(256))),
        "blocks[0].block_id",
        Rule::TooLong {
            chars: 256,
            limit: 255,
        },
    );
}

#[test]
fn button_limits_are_enforced_inside_actions_and_accessories() {
    assert_breaks(
        validate_one(Actions::new([Button::new("b".repeat(76))])),
        "blocks[0].elements[0].text.text",
        Rule::TooLong {
            chars: 76,
            limit: 75,
        },
    );
    assert_breaks(
        validate_one(
            Section::mrkdwn("x").with_accessory(Button::new("ok").with_value("v".repeat(2_001))),
        ),
        "blocks[0].accessory.value",
        Rule::TooLong {
            chars: 2_001,
            limit: 2_000,
        },
    );
    assert_breaks(
        validate_one(Actions::new([
            Button::new("ok").with_action_id("a".repeat(256))
        ])),
        "blocks[0].elements[0].action_id",
        Rule::TooLong {
            chars: 256,
            limit: 255,
        },
    );
}

#[test]
fn actions_and_context_element_counts_are_enforced() {
    let buttons = (0..26).map(|i| Button::new(i.to_string()));
    assert_breaks(
        validate_one(Actions::new(buttons)),
        "blocks[0].elements",
        Rule::TooMany {
            count: 26,
            limit: 25,
        },
    );

    let texts = (0..11).map(|i| MrkdwnText::new(i.to_string()));
    assert_breaks(
        validate_one(Context::new(texts)),
        "blocks[0].elements",
        Rule::TooMany {
            count: 11,
            limit: 10,
        },
    );
}

#[test]
fn context_texts_and_images_are_checked() {
    assert_breaks(
        validate_one(Context::new([Text::plain("ok"), Text::mrkdwn("")])),
        "blocks[0].elements[1].text",
        Rule::Empty,
    );
    assert_breaks(
        validate_one(Context::new([ImageElement::new(
            "https://example.com/a.png",
            "a".repeat(2_001),
        )])),
        "blocks[0].elements[0].alt_text",
        Rule::TooLong {
            chars: 2_001,
            limit: 2_000,
        },
    );
}

#[test]
fn select_placeholder_and_option_limits_are_enforced() {
    assert_breaks(
        validate_one(Actions::new([
            StaticSelect::new(options(1)).with_placeholder("p".repeat(151))
        ])),
        "blocks[0].elements[0].placeholder.text",
        Rule::TooLong {
            chars: 151,
            limit: 150,
        },
    );
    assert_breaks(
        validate_one(Actions::new([StaticSelect::new(options(101))])),
        "blocks[0].elements[0].options",
        Rule::TooMany {
            count: 101,
            limit: 100,
        },
    );
    assert_breaks(
        validate_one(Actions::new([StaticSelect::new([SelectOption::new(
            "o",
            "v".repeat(151),
        )])])),
        "blocks[0].elements[0].options[0].value",
        Rule::TooLong {
            chars: 151,
            limit: 150,
        },
    );
    assert_breaks(
        validate_one(Actions::new([StaticSelect::new([SelectOption::new(
            "o", "v",
        )
        .with_description("d".repeat(76))])])),
        "blocks[0].elements[0].options[0].description.text",
        Rule::TooLong {
            chars: 76,
            limit: 75,
        },
    );
}

#[test]
fn overflow_checkbox_and_radio_option_counts_are_enforced() {
    assert_breaks(
        validate_one(Actions::new([Overflow::new(options(6))])),
        "blocks[0].elements[0].options",
        Rule::TooMany { count: 6, limit: 5 },
    );
    assert_eq!(
        validate_one(Actions::new([Overflow::new(options(5))])),
        Ok(())
    );

    assert_breaks(
        validate_one(Actions::new([Checkboxes::new(options(11))])),
        "blocks[0].elements[0].options",
        Rule::TooMany {
            count: 11,
            limit: 10,
        },
    );
    assert_breaks(
        validate_one(Actions::new([RadioButtons::new(options(11))])),
        "blocks[0].elements[0].options",
        Rule::TooMany {
            count: 11,
            limit: 10,
        },
    );
}

#[test]
fn confirm_dialog_limits_are_enforced() {
    let confirm = ConfirmDialog::new("t".repeat(101), "text", "yes", "no");
    assert_breaks(
        validate_one(Actions::new([Button::new("go").with_confirm(confirm)])),
        "blocks[0].elements[0].confirm.title.text",
        Rule::TooLong {
            chars: 101,
            limit: 100,
        },
    );

    let confirm = ConfirmDialog::new("title", "text", "y".repeat(31), "no");
    assert_breaks(
        validate_one(Actions::new([Button::new("go").with_confirm(confirm)])),
        "blocks[0].elements[0].confirm.confirm.text",
        Rule::TooLong {
            chars: 31,
            limit: 30,
        },
    );
}

#[test]
fn image_and_video_limits_are_enforced() {
    assert_breaks(
        validate_one(Image::new("https://example.com/a.png", "").with_title("t".repeat(2_001))),
        "blocks[0].title.text",
        Rule::TooLong {
            chars: 2_001,
            limit: 2_000,
        },
    );
    let video = Video::new(
        "title",
        "https://example.com/v",
        "https://example.com/t.png",
        "alt",
    )
    .with_author_name("a".repeat(51));
    assert_breaks(
        validate_one(video),
        "blocks[0].author_name",
        Rule::TooLong {
            chars: 51,
            limit: 50,
        },
    );
}

#[test]
fn markdown_blocks_share_a_12000_character_budget() {
    let blocks = Blocks::new()
        .with(Markdown::new("m".repeat(6_000)))
        .with(Markdown::new("m".repeat(6_001)));

    assert_breaks(
        blocks.validate(),
        "blocks[1].text",
        Rule::TooLong {
            chars: 12_001,
            limit: 12_000,
        },
    );
}

#[test]
fn table_row_cell_and_column_setting_counts_are_enforced() {
    let row = ["c"; 20];
    let rows: Vec<[&str; 20]> = vec![row; 101];
    assert_breaks(
        validate_one(Table::new(rows)),
        "blocks[0].rows",
        Rule::TooMany {
            count: 101,
            limit: 100,
        },
    );
    assert_eq!(validate_one(Table::new(vec![row; 100])), Ok(()));

    assert_breaks(
        validate_one(Table::new([row]).with_row(["c"; 21])),
        "blocks[0].rows[1]",
        Rule::TooMany {
            count: 21,
            limit: 20,
        },
    );
    assert_breaks(
        validate_one(Table::new([row]).with_column_settings([ColumnSetting::new(); 21])),
        "blocks[0].column_settings",
        Rule::TooMany {
            count: 21,
            limit: 20,
        },
    );
}

#[test]
fn typed_and_raw_blocks_get_the_same_error() {
    let typed = validate_one(Header::new("h".repeat(200))).expect_err("too long");
    let raw = validate_one(Block::raw(json!({
        "type": "header",
        "text": {"type": "plain_text", "text": "h".repeat(200)}
    })))
    .expect_err("too long");

    assert_eq!(typed, raw);
}

#[test]
fn debug_output_names_the_block_type() {
    let debug = format!("{:?}", Header::new("h"));
    assert!(debug.contains("\"header\""), "{debug}");
}
