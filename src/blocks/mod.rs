//! Typed builders for Slack's Block Kit.
//!
//! Every block Slack allows in messages has a type here — [`Section`], [`Header`], [`Divider`],
//! [`Context`], [`Actions`], [`Image`], [`Markdown`], [`RichText`], [`Video`], [`File`] and
//! [`Table`] — and so do the text objects ([`PlainText`], [`MrkdwnText`]), the interactive
//! elements ([`Button`], the select menus, [`Overflow`], [`DatePicker`], [`TimePicker`],
//! [`Checkboxes`], [`RadioButtons`], [`ImageElement`]) and the composition objects
//! ([`SelectOption`], [`OptionGroup`], [`ConfirmDialog`]). Each serializes to exactly the JSON of
//! Slack's Block Kit reference, leaves out the fields that were never set, and deserializes back.
//!
//! A [`Block`] converts into a `serde_json::Value`, so blocks plug straight into
//! [`Message::with_blocks`](crate::Message::with_blocks). [`Block::raw`] carries any JSON for
//! blocks this crate does not model yet, and deserializing a block of an unknown type yields
//! [`Block::Raw`] rather than an error.
//!
//! ```
//! use slackhook::blocks::Section;
//! use slackhook::{Message, Webhook, mrkdwn};
//!
//! let text = format!(
//!     "Deploy finished: {}",
//!     mrkdwn::link("https://ci.example.com/runs/42", "run #42")
//! );
//! let message = Message::text("Deploy finished").with_blocks([Section::mrkdwn(text)]);
//!
//! assert_eq!(
//!     message.blocks().expect("blocks were set")[0],
//!     serde_json::json!({
//!         "type": "section",
//!         "text": {
//!             "type": "mrkdwn",
//!             "text": "Deploy finished: <https://ci.example.com/runs/42|run #42>"
//!         }
//!     })
//! );
//!
//! // Sending validates the whole payload, blocks included, before any request exists.
//! let webhook = Webhook::new("https://hooks.slack.com/services/T000/B000/secret-token".parse()?);
//! let delivery = webhook.send(&message)?;
//! # drop(delivery);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Limits
//!
//! Builders never fail and never truncate. Slack's limits (at most 50 blocks, 3,000 characters of
//! section text, 150 of header text, 75 of button labels, …) are checked by the same validator
//! that checks raw payloads, [`validate`](crate::validate), on the serialized JSON, so typed and
//! raw payloads obey one set of rules and report the same typed [`ValidationError`] naming the
//! JSON path and the limit. It runs when a [`Webhook`](crate::Webhook) sends a message, and on
//! demand with [`Blocks::validate`] or [`Blocks::into_message`].
//!
//! ## Cookbook
//!
//! ### An alert: header, fields, context and a button
//!
//! ```
//! use serde_json::json;
//! use slackhook::blocks::{Actions, Block, Blocks, Button, Context, Header, Section, Text};
//!
//! let blocks = Blocks::new()
//!     .with(Header::new(":rotating_light: High error rate"))
//!     .with(Section::from_fields([
//!         Text::mrkdwn("*Service*\napi"),
//!         Text::mrkdwn("*Error rate*\n7.2 %"),
//!     ]))
//!     .with(Context::mrkdwn("Triggered at 14:02 UTC by `errors > 5 %`"))
//!     .with(Actions::new([
//!         Button::link("Open dashboard", "https://grafana.example.com/d/api").primary(),
//!     ]));
//!
//! let message = blocks.into_message("High error rate on api")?;
//! assert_eq!(
//!     message.blocks().expect("blocks were set"),
//!     [
//!         json!({
//!             "type": "header",
//!             "text": {"type": "plain_text", "text": ":rotating_light: High error rate"}
//!         }),
//!         json!({
//!             "type": "section",
//!             "fields": [
//!                 {"type": "mrkdwn", "text": "*Service*\napi"},
//!                 {"type": "mrkdwn", "text": "*Error rate*\n7.2 %"}
//!             ]
//!         }),
//!         json!({
//!             "type": "context",
//!             "elements": [{"type": "mrkdwn", "text": "Triggered at 14:02 UTC by `errors > 5 %`"}]
//!         }),
//!         json!({
//!             "type": "actions",
//!             "elements": [{
//!                 "type": "button",
//!                 "text": {"type": "plain_text", "text": "Open dashboard"},
//!                 "url": "https://grafana.example.com/d/api",
//!                 "style": "primary"
//!             }]
//!         }),
//!     ]
//! );
//! # Ok::<(), slackhook::ValidationError>(())
//! ```
//!
//! ### An incident that asks for an acknowledgement
//!
//! The text mentions the on-call user and escapes the alert's own words; the destructive button
//! asks for confirmation first.
//!
//! ```
//! use serde_json::json;
//! use slackhook::blocks::{Actions, Block, Button, ConfirmDialog, Divider, Section};
//! use slackhook::{Message, mrkdwn};
//!
//! let summary = "disk <90% free> on db-1";
//! let text = format!("{} {}", mrkdwn::user("U012AB3CD"), mrkdwn::escape(summary));
//!
//! let confirm =
//!     ConfirmDialog::new("Fail over db-1?", "Clients reconnect.", "Fail over", "Cancel");
//! let buttons = Actions::new([
//!     Button::new("Acknowledge").with_action_id("ack").with_value("inc-7").primary(),
//!     Button::new("Fail over").with_action_id("failover").danger().with_confirm(confirm),
//! ]);
//!
//! // Blocks of different types meet as `Block`s.
//! let message = Message::text("Incident on db-1").with_blocks([
//!     Block::from(Section::mrkdwn(text)),
//!     Divider::new().into(),
//!     buttons.into(),
//! ]);
//!
//! let blocks = message.blocks().expect("blocks were set");
//! assert_eq!(blocks[0]["text"]["text"], "<@U012AB3CD> disk &lt;90% free&gt; on db-1");
//! assert_eq!(blocks[1], json!({"type": "divider"}));
//! assert_eq!(
//!     blocks[2]["elements"][0],
//!     json!({
//!         "type": "button",
//!         "text": {"type": "plain_text", "text": "Acknowledge"},
//!         "action_id": "ack",
//!         "value": "inc-7",
//!         "style": "primary"
//!     })
//! );
//! assert_eq!(blocks[2]["elements"][1]["confirm"]["confirm"]["text"], "Fail over");
//! ```
//!
//! ### A build report with a list of failures
//!
//! ```
//! use serde_json::json;
//! use slackhook::blocks::{
//!     Blocks, ListStyle, RichText, RichTextElement, RichTextList, RichTextObject, RichTextSection,
//!     StyledText,
//! };
//!
//! let failures = ["lint", "unit tests"];
//! let list = RichTextList::new(
//!     ListStyle::Bullet,
//!     failures.map(|name| RichTextSection::new([StyledText::new(name).code()])),
//! );
//! let report = RichText::new([
//!     RichTextObject::from(RichTextSection::new([
//!         RichTextElement::text("Build "),
//!         RichTextElement::link("https://ci.example.com/runs/42", "#42"),
//!         RichTextElement::text(" failed:"),
//!     ])),
//!     list.into(),
//! ]);
//!
//! let message = Blocks::new().with(report).into_message("Build #42 failed")?;
//! assert_eq!(
//!     message.blocks().expect("blocks were set")[0]["elements"][1],
//!     json!({
//!         "type": "rich_text_list",
//!         "style": "bullet",
//!         "elements": [
//!             {"type": "rich_text_section", "elements": [
//!                 {"type": "text", "text": "lint", "style": {"code": true}}
//!             ]},
//!             {"type": "rich_text_section", "elements": [
//!                 {"type": "text", "text": "unit tests", "style": {"code": true}}
//!             ]}
//!         ]
//!     })
//! );
//! # Ok::<(), slackhook::ValidationError>(())
//! ```
//!
//! ### A limit broken, caught before sending
//!
//! ```
//! use slackhook::blocks::{Blocks, Header};
//! use slackhook::validate::Rule;
//!
//! let title = "x".repeat(151);
//! let err = Blocks::new().with(Header::new(title)).validate().expect_err("too long");
//!
//! assert_eq!(err.path(), "blocks[0].text.text");
//! assert_eq!(err.rule(), &Rule::TooLong { chars: 151, limit: 150 });
//! assert_eq!(err.to_string(), "blocks[0].text.text: 151 characters, Slack allows 150");
//! ```
//!
//! ### A block this crate does not model
//!
//! ```
//! use serde_json::json;
//! use slackhook::blocks::{Block, Blocks, Divider};
//!
//! let future = json!({"type": "shiny_new_block", "sparkles": 3});
//! let blocks = Blocks::new().with(Divider::new()).with(Block::raw(future.clone()));
//!
//! assert_eq!(serde_json::to_value(&blocks)?, json!([{"type": "divider"}, future]));
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

use serde::de::{Error as _, Unexpected};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::{Message, ValidationError};

/// Deserializes an enum of typed objects by looking at their `type` first: a known type must
/// deserialize as its variant (a malformed known block is an error, not silently raw); an
/// unknown one becomes the raw variant when the enum has one.
macro_rules! deserialize_by_type {
    ($enum:ident, $what:literal { $($variant:ident($ty:ty)),+ $(,)? } $(else $raw:ident)?) => {
        impl<'de> ::serde::Deserialize<'de> for $enum {
            fn deserialize<D>(deserializer: D) -> Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                use ::serde::de::Error as _;

                let value =
                    <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let kind = value.get("type").and_then(::serde_json::Value::as_str);
                $(
                    if kind == Some(<$ty as $crate::blocks::Kind>::TYPE) {
                        return ::serde_json::from_value(value)
                            .map(Self::$variant)
                            .map_err(D::Error::custom);
                    }
                )+
                $crate::blocks::deserialize_by_type!(@otherwise value, kind, $what $(, $raw)?)
            }
        }
    };
    (@otherwise $value:ident, $kind:ident, $what:literal, $raw:ident) => {
        Ok(Self::$raw($value))
    };
    (@otherwise $value:ident, $kind:ident, $what:literal) => {
        match $kind {
            Some(_) => Err(D::Error::custom(concat!("unknown ", $what, " type"))),
            None => Err(D::Error::custom(concat!($what, " without a string `type`"))),
        }
    };
}
pub(crate) use deserialize_by_type;

/// `From<Variant>` for each variant of an enum of typed objects.
macro_rules! into_enum {
    ($enum:ident { $($variant:ident($ty:ty)),+ $(,)? }) => {$(
        impl From<$ty> for $enum {
            fn from(inner: $ty) -> Self {
                Self::$variant(inner)
            }
        }
    )+};
}
pub(crate) use into_enum;

/// The `with_*` setters that many elements and blocks share.
macro_rules! setters {
    ($ty:ident: $($field:ident),+ $(,)?) => {
        impl $ty {
            $($crate::blocks::setters!(@ $field);)+
        }
    };
    (@ action_id) => {
        /// Sets `action_id`, which names the element in the interaction payload Slack sends the
        /// app: at most 255 characters, unique within its block.
        pub fn with_action_id(mut self, action_id: impl Into<String>) -> Self {
            self.action_id = Some(action_id.into());
            self
        }
    };
    (@ block_id) => {
        /// Sets `block_id`, which names the block in interaction payloads: at most 255
        /// characters, unique within the message.
        pub fn with_block_id(mut self, block_id: impl Into<String>) -> Self {
            self.block_id = Some(block_id.into());
            self
        }
    };
    (@ placeholder) => {
        /// Sets `placeholder`, shown before anything is chosen: at most 150 characters.
        pub fn with_placeholder(
            mut self,
            placeholder: impl Into<$crate::blocks::PlainText>,
        ) -> Self {
            self.placeholder = Some(placeholder.into());
            self
        }
    };
    (@ confirm) => {
        /// Sets `confirm`, a dialog the user must accept before the action goes through.
        pub fn with_confirm(mut self, confirm: $crate::blocks::ConfirmDialog) -> Self {
            self.confirm = Some(confirm);
            self
        }
    };
    (@ focus_on_load) => {
        /// Sets `focus_on_load`: whether the element takes focus when a modal or Home tab opens.
        pub fn with_focus_on_load(mut self, focus: bool) -> Self {
            self.focus_on_load = Some(focus);
            self
        }
    };
    (@ max_selected_items) => {
        /// Sets `max_selected_items`, how many items may be chosen (at least 1).
        pub fn with_max_selected_items(mut self, max: u32) -> Self {
            self.max_selected_items = Some(max);
            self
        }
    };
    (@ filter) => {
        /// Sets `filter`, which conversations are listed.
        pub fn with_filter(mut self, filter: $crate::blocks::ConversationFilter) -> Self {
            self.filter = Some(filter);
            self
        }
    };
    (@ default_to_current_conversation) => {
        /// Sets `default_to_current_conversation`: whether the conversation the menu is shown
        /// in is chosen initially.
        pub fn with_default_to_current_conversation(mut self, default: bool) -> Self {
            self.default_to_current_conversation = Some(default);
            self
        }
    };
}
pub(crate) use setters;

mod composition;
mod elements;
mod layout;
mod rich_text;
mod table;
mod text;

pub use composition::{
    ButtonStyle, ConfirmDialog, ConversationFilter, ConversationKind, OptionGroup, SelectOption,
    SlackFile,
};
pub use elements::{
    Button, ChannelsSelect, Checkboxes, ConversationsSelect, DatePicker, Element, ImageElement,
    MultiChannelsSelect, MultiConversationsSelect, MultiStaticSelect, MultiUsersSelect, Overflow,
    RadioButtons, StaticSelect, TimePicker, UsersSelect,
};
pub use layout::{
    Actions, Context, ContextElement, Divider, File, Header, Image, Markdown, Section, Video,
};
pub use rich_text::{
    Broadcast, BroadcastRange, ChannelMention, Color, Emoji, FormattedDate, Link, ListStyle,
    RichText, RichTextElement, RichTextList, RichTextObject, RichTextPreformatted, RichTextQuote,
    RichTextSection, StyledText, TextStyle, UserMention, UsergroupMention,
};
pub use table::{ColumnAlign, ColumnSetting, RawText, Table, TableCell};
pub use text::{MrkdwnText, PlainText, Text};

/// A Slack object with a fixed `type` string.
pub(crate) trait Kind {
    /// The value of its `type` field.
    const TYPE: &'static str;
}

/// The `type` field of a typed object: always serialized as `T::TYPE`, and checked when
/// deserializing, so a struct alone serializes to Slack's complete object.
pub(crate) struct Tag<T>(PhantomData<fn() -> T>);

impl<T> Tag<T> {
    pub(crate) const fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T> Clone for Tag<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Tag<T> {}

impl<T> Default for Tag<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> PartialEq for Tag<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> Eq for Tag<T> {}

impl<T> Hash for Tag<T> {
    fn hash<H: Hasher>(&self, _: &mut H) {}
}

impl<T: Kind> fmt::Debug for Tag<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(T::TYPE, f)
    }
}

impl<T: Kind> Serialize for Tag<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(T::TYPE)
    }
}

impl<'de, T: Kind> Deserialize<'de> for Tag<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let found = String::deserialize(deserializer)?;
        if found == T::TYPE {
            Ok(Self::new())
        } else {
            Err(D::Error::invalid_value(Unexpected::Str(&found), &T::TYPE))
        }
    }
}

/// One block of a message's layout.
///
/// Every typed block converts into a `Block` with `From`, and a `Block` converts into a
/// `serde_json::Value` for [`Message::with_blocks`](crate::Message::with_blocks).
///
/// ```
/// use slackhook::Message;
/// use slackhook::blocks::{Block, Divider, Header, Section};
///
/// let blocks: [Block; 3] = [
///     Header::new("Nightly build").into(),
///     Divider::new().into(),
///     Section::mrkdwn("All *412* tests passed").into(),
/// ];
/// let message = Message::text("Nightly build passed").with_blocks(blocks);
/// assert_eq!(message.blocks().map(<[_]>::len), Some(3));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Block {
    /// `section`.
    Section(Section),
    /// `header`.
    Header(Header),
    /// `divider`.
    Divider(Divider),
    /// `context`.
    Context(Context),
    /// `actions`.
    Actions(Actions),
    /// `image`.
    Image(Image),
    /// `markdown`.
    Markdown(Markdown),
    /// `rich_text`.
    RichText(RichText),
    /// `video`.
    Video(Video),
    /// `file`.
    File(File),
    /// `table`.
    Table(Table),
    /// Any other block, as raw JSON: new Slack features stay usable.
    Raw(Value),
}

deserialize_by_type!(Block, "block" {
    Section(Section),
    Header(Header),
    Divider(Divider),
    Context(Context),
    Actions(Actions),
    Image(Image),
    Markdown(Markdown),
    RichText(RichText),
    Video(Video),
    File(File),
    Table(Table),
} else Raw);

into_enum!(Block {
    Section(Section),
    Header(Header),
    Divider(Divider),
    Context(Context),
    Actions(Actions),
    Image(Image),
    Markdown(Markdown),
    RichText(RichText),
    Video(Video),
    File(File),
    Table(Table),
});

/// `From<TypedBlock> for Value`, so a list of one kind of block goes into
/// [`Message::with_blocks`] without naming [`Block`].
macro_rules! block_into_value {
    ($($ty:ident),+) => {$(
        impl From<$ty> for Value {
            fn from(block: $ty) -> Self {
                Block::from(block).into()
            }
        }
    )+};
}

block_into_value!(
    Section, Header, Divider, Context, Actions, Image, Markdown, RichText, Video, File, Table
);

impl Block {
    /// A block from raw JSON, sent as is (and still validated when the message is sent).
    pub fn raw(value: Value) -> Self {
        Self::Raw(value)
    }

    /// The block as JSON.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self)
            .expect("blocks have string keys and no floats, so always serialize")
    }
}

impl From<Block> for Value {
    fn from(block: Block) -> Self {
        match block {
            Block::Raw(value) => value,
            typed => typed.to_value(),
        }
    }
}

/// The blocks of one message, in order.
///
/// Serializes as a JSON array. [`validate`](Self::validate) checks them against Slack's limits
/// and [`into_message`](Self::into_message) turns them into a checked [`Message`].
///
/// ```
/// use slackhook::blocks::{Blocks, Divider, Section};
///
/// let mut blocks = Blocks::new().with(Section::mrkdwn("*Backups* finished"));
/// blocks.push(Divider::new());
///
/// let message = blocks.into_message("Backups finished")?;
/// assert_eq!(message.text_value(), Some("Backups finished"));
/// assert_eq!(message.blocks().map(<[_]>::len), Some(2));
/// # Ok::<(), slackhook::ValidationError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Blocks(Vec<Block>);

impl Blocks {
    /// No blocks yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a block at the end.
    pub fn with(mut self, block: impl Into<Block>) -> Self {
        self.push(block);
        self
    }

    /// Adds a block at the end.
    pub fn push(&mut self, block: impl Into<Block>) {
        self.0.push(block.into());
    }

    /// How many blocks there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The blocks.
    pub fn as_slice(&self) -> &[Block] {
        &self.0
    }

    /// The blocks as a JSON array.
    pub fn to_value(&self) -> Value {
        Value::Array(self.0.iter().map(Block::to_value).collect())
    }

    /// Checks the blocks against Slack's limits, exactly as sending a message with them would.
    ///
    /// Paths in errors start at the message, such as `blocks[2].elements[0].text.text`. No
    /// blocks at all break no block limit; a message still needs text or blocks to be sent.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.is_empty() {
            return Ok(());
        }
        let mut payload = Map::new();
        payload.insert("blocks".to_owned(), self.to_value());
        crate::validate::validate(&payload)
    }

    /// A message of these blocks, with `fallback` as its `text` (what notifications and clients
    /// without Block Kit show), checked against Slack's limits.
    pub fn into_message(self, fallback: impl Into<String>) -> Result<Message, ValidationError> {
        let message = Message::text(fallback).with_blocks(self);
        crate::validate::validate(message.as_map())?;
        Ok(message)
    }
}

impl From<Vec<Block>> for Blocks {
    fn from(blocks: Vec<Block>) -> Self {
        Self(blocks)
    }
}

impl From<Blocks> for Vec<Block> {
    fn from(blocks: Blocks) -> Self {
        blocks.0
    }
}

impl From<Blocks> for Value {
    fn from(blocks: Blocks) -> Self {
        Value::Array(blocks.0.into_iter().map(Value::from).collect())
    }
}

impl<B: Into<Block>> FromIterator<B> for Blocks {
    fn from_iter<I: IntoIterator<Item = B>>(iter: I) -> Self {
        Self(iter.into_iter().map(Into::into).collect())
    }
}

impl<B: Into<Block>> Extend<B> for Blocks {
    fn extend<I: IntoIterator<Item = B>>(&mut self, iter: I) {
        self.0.extend(iter.into_iter().map(Into::into));
    }
}

impl IntoIterator for Blocks {
    type Item = Block;
    type IntoIter = std::vec::IntoIter<Block>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Blocks {
    type Item = &'a Block;
    type IntoIter = std::slice::Iter<'a, Block>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
