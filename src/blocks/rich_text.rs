//! The `rich_text` block: what Slack's own message composer produces.
//!
//! A rich text block holds *objects* (sections, lists, quotes, preformatted text), and those hold
//! inline *elements* (styled text, links, mentions, emoji, dates).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Kind, Tag};

/// A `rich_text` block.
///
/// ```
/// use slackhook::blocks::{
///     ListStyle, RichText, RichTextElement, RichTextList, RichTextObject, RichTextSection,
/// };
///
/// let block = RichText::new([
///     RichTextObject::from(RichTextSection::new([RichTextElement::text("Failing checks:")])),
///     RichTextList::new(
///         ListStyle::Bullet,
///         [
///             RichTextSection::new([RichTextElement::text("lint")]),
///             RichTextSection::new([RichTextElement::text("unit tests")]),
///         ],
///     )
///     .into(),
/// ]);
/// let json = serde_json::to_value(&block)?;
/// assert_eq!(json["elements"][1]["style"], "bullet");
/// assert_eq!(json["elements"][1]["elements"][0]["elements"][0]["text"], "lint");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RichText {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// The sections, lists, quotes and preformatted texts, in order.
    pub elements: Vec<RichTextObject>,
    /// Identifies the block in interaction payloads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

impl Kind for RichText {
    const TYPE: &'static str = "rich_text";
}

impl RichText {
    /// A rich text block of objects.
    pub fn new<O: Into<RichTextObject>>(elements: impl IntoIterator<Item = O>) -> Self {
        Self {
            kind: Tag::new(),
            elements: elements.into_iter().map(Into::into).collect(),
            block_id: None,
        }
    }

    /// Adds one object.
    pub fn with_element(mut self, element: impl Into<RichTextObject>) -> Self {
        self.elements.push(element.into());
        self
    }
}

setters!(RichText: block_id);

/// A top-level object of a rich text block.
///
/// Objects of kinds this crate does not model travel as [`RichTextObject::Raw`], and
/// deserializing them yields `Raw` too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum RichTextObject {
    /// `rich_text_section`: a paragraph.
    Section(RichTextSection),
    /// `rich_text_list`: a bulleted or numbered list.
    List(RichTextList),
    /// `rich_text_quote`: a block quote.
    Quote(RichTextQuote),
    /// `rich_text_preformatted`: a code block.
    Preformatted(RichTextPreformatted),
    /// Any other object, as raw JSON.
    Raw(Value),
}

super::deserialize_by_type!(RichTextObject, "rich text object" {
    Section(RichTextSection),
    List(RichTextList),
    Quote(RichTextQuote),
    Preformatted(RichTextPreformatted),
} else Raw);

super::into_enum!(RichTextObject {
    Section(RichTextSection),
    List(RichTextList),
    Quote(RichTextQuote),
    Preformatted(RichTextPreformatted),
});

impl RichTextObject {
    /// An object from raw JSON, for kinds this crate does not model.
    pub fn raw(value: Value) -> Self {
        Self::Raw(value)
    }
}

/// A `rich_text_section`: a run of inline elements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RichTextSection {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// The inline elements.
    pub elements: Vec<RichTextElement>,
}

impl Kind for RichTextSection {
    const TYPE: &'static str = "rich_text_section";
}

impl RichTextSection {
    /// A section of inline elements.
    pub fn new<E: Into<RichTextElement>>(elements: impl IntoIterator<Item = E>) -> Self {
        Self {
            kind: Tag::new(),
            elements: elements.into_iter().map(Into::into).collect(),
        }
    }
}

/// Whether a list is bulleted or numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ListStyle {
    /// Bullets.
    Bullet,
    /// Numbers, counting from 1 (plus `offset`).
    Ordered,
}

/// A `rich_text_list`: each item is a [`RichTextSection`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RichTextList {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// Bulleted or numbered.
    pub style: ListStyle,
    /// The items.
    pub elements: Vec<RichTextSection>,
    /// The nesting level, 0 for a top-level list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indent: Option<u32>,
    /// Added to the numbers of an ordered list: with 4 the first item is numbered 5.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
    /// 1 draws a quote-like border beside the list, 0 none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub border: Option<u8>,
}

impl Kind for RichTextList {
    const TYPE: &'static str = "rich_text_list";
}

impl RichTextList {
    /// A list of items.
    pub fn new(style: ListStyle, items: impl IntoIterator<Item = RichTextSection>) -> Self {
        Self {
            kind: Tag::new(),
            style,
            elements: items.into_iter().collect(),
            indent: None,
            offset: None,
            border: None,
        }
    }

    /// Sets `indent`, the nesting level.
    pub fn with_indent(mut self, indent: u32) -> Self {
        self.indent = Some(indent);
        self
    }

    /// Sets `offset` for the numbering.
    pub fn with_offset(mut self, offset: u32) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Sets `border`: 1 for a border, 0 for none.
    pub fn with_border(mut self, border: u8) -> Self {
        self.border = Some(border);
        self
    }
}

/// A `rich_text_quote`: a block quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RichTextQuote {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// The inline elements.
    pub elements: Vec<RichTextElement>,
    /// 1 draws a border, 0 none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub border: Option<u8>,
}

impl Kind for RichTextQuote {
    const TYPE: &'static str = "rich_text_quote";
}

impl RichTextQuote {
    /// A quote of inline elements.
    pub fn new<E: Into<RichTextElement>>(elements: impl IntoIterator<Item = E>) -> Self {
        Self {
            kind: Tag::new(),
            elements: elements.into_iter().map(Into::into).collect(),
            border: None,
        }
    }
}

/// A `rich_text_preformatted`: a code block. Slack allows text and links inside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RichTextPreformatted {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// The inline elements.
    pub elements: Vec<RichTextElement>,
    /// 1 draws a border, 0 none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub border: Option<u8>,
}

impl Kind for RichTextPreformatted {
    const TYPE: &'static str = "rich_text_preformatted";
}

impl RichTextPreformatted {
    /// A code block of inline elements.
    pub fn new<E: Into<RichTextElement>>(elements: impl IntoIterator<Item = E>) -> Self {
        Self {
            kind: Tag::new(),
            elements: elements.into_iter().map(Into::into).collect(),
            border: None,
        }
    }

    /// A code block of one piece of text.
    pub fn code(text: impl Into<String>) -> Self {
        Self::new([StyledText::new(text)])
    }
}

/// An inline element of rich text.
///
/// Slack documents more kinds than these (canvases, files, work objects, …); they travel as
/// [`RichTextElement::Raw`], and deserializing them yields `Raw` too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum RichTextElement {
    /// `text`, optionally styled.
    Text(StyledText),
    /// `link`.
    Link(Link),
    /// `user`: a user mention.
    User(UserMention),
    /// `channel`: a channel mention.
    Channel(ChannelMention),
    /// `usergroup`: a user group mention.
    Usergroup(UsergroupMention),
    /// `emoji`.
    Emoji(Emoji),
    /// `broadcast`: `@here`, `@channel` or `@everyone`.
    Broadcast(Broadcast),
    /// `date`: a timestamp shown in the reader's time zone.
    Date(FormattedDate),
    /// `color`: a colour swatch.
    Color(Color),
    /// Any other element, as raw JSON.
    Raw(Value),
}

super::deserialize_by_type!(RichTextElement, "rich text element" {
    Text(StyledText),
    Link(Link),
    User(UserMention),
    Channel(ChannelMention),
    Usergroup(UsergroupMention),
    Emoji(Emoji),
    Broadcast(Broadcast),
    Date(FormattedDate),
    Color(Color),
} else Raw);

super::into_enum!(RichTextElement {
    Text(StyledText),
    Link(Link),
    User(UserMention),
    Channel(ChannelMention),
    Usergroup(UsergroupMention),
    Emoji(Emoji),
    Broadcast(Broadcast),
    Date(FormattedDate),
    Color(Color),
});

impl RichTextElement {
    /// Unstyled text.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text(StyledText::new(text))
    }

    /// A link with a label.
    pub fn link(url: impl Into<String>, text: impl Into<String>) -> Self {
        Self::Link(Link::new(url).with_text(text))
    }

    /// A mention of a user, by ID.
    pub fn user(user_id: impl Into<String>) -> Self {
        Self::User(UserMention::new(user_id))
    }

    /// A mention of a channel, by ID.
    pub fn channel(channel_id: impl Into<String>) -> Self {
        Self::Channel(ChannelMention::new(channel_id))
    }

    /// A mention of a user group, by ID.
    pub fn usergroup(usergroup_id: impl Into<String>) -> Self {
        Self::Usergroup(UsergroupMention::new(usergroup_id))
    }

    /// An emoji, by name without colons.
    pub fn emoji(name: impl Into<String>) -> Self {
        Self::Emoji(Emoji::new(name))
    }

    /// `@here`, `@channel` or `@everyone`.
    pub fn broadcast(range: BroadcastRange) -> Self {
        Self::Broadcast(Broadcast::new(range))
    }

    /// An element from raw JSON, for kinds this crate does not model.
    pub fn raw(value: Value) -> Self {
        Self::Raw(value)
    }
}

impl From<&str> for RichTextElement {
    fn from(text: &str) -> Self {
        Self::text(text)
    }
}

impl From<String> for RichTextElement {
    fn from(text: String) -> Self {
        Self::text(text)
    }
}

/// The style of inline rich text. Every flag is off by default, and only flags that are on
/// appear in the JSON.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TextStyle {
    /// Bold.
    #[serde(default, skip_serializing_if = "is_false")]
    pub bold: bool,
    /// Italic.
    #[serde(default, skip_serializing_if = "is_false")]
    pub italic: bool,
    /// Struck through.
    #[serde(default, skip_serializing_if = "is_false")]
    pub strike: bool,
    /// Inline code.
    #[serde(default, skip_serializing_if = "is_false")]
    pub code: bool,
}

fn is_false(flag: &bool) -> bool {
    !*flag
}

impl TextStyle {
    /// No styling.
    pub fn new() -> Self {
        Self::default()
    }

    /// Turns bold on.
    pub fn bold(mut self) -> Self {
        self.bold = true;
        self
    }

    /// Turns italic on.
    pub fn italic(mut self) -> Self {
        self.italic = true;
        self
    }

    /// Turns strike-through on.
    pub fn strike(mut self) -> Self {
        self.strike = true;
        self
    }

    /// Turns inline code on.
    pub fn code(mut self) -> Self {
        self.code = true;
        self
    }
}

/// Applies a change to an element's optional style, creating it when absent.
macro_rules! style_setters {
    ($($ty:ident),+) => {$(
        impl $ty {
            /// Sets the whole style.
            pub fn with_style(mut self, style: TextStyle) -> Self {
                self.style = Some(style);
                self
            }

            /// Makes it bold.
            pub fn bold(self) -> Self {
                let style = self.style.unwrap_or_default().bold();
                self.with_style(style)
            }

            /// Makes it italic.
            pub fn italic(self) -> Self {
                let style = self.style.unwrap_or_default().italic();
                self.with_style(style)
            }

            /// Strikes it through.
            pub fn strike(self) -> Self {
                let style = self.style.unwrap_or_default().strike();
                self.with_style(style)
            }

            /// Shows it as inline code.
            pub fn code(self) -> Self {
                let style = self.style.unwrap_or_default().code();
                self.with_style(style)
            }
        }
    )+};
}

/// A `text` element: a run of text, optionally styled.
///
/// ```
/// use slackhook::blocks::StyledText;
///
/// let text = StyledText::new("failed").bold().italic();
/// assert_eq!(
///     serde_json::to_value(&text)?,
///     serde_json::json!({
///         "type": "text",
///         "text": "failed",
///         "style": {"bold": true, "italic": true}
///     })
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StyledText {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// The text, shown as written (no `mrkdwn`).
    pub text: String,
    /// The style.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<TextStyle>,
}

impl Kind for StyledText {
    const TYPE: &'static str = "text";
}

impl StyledText {
    /// Unstyled text.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            kind: Tag::new(),
            text: text.into(),
            style: None,
        }
    }
}

/// A `link` element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// The target.
    pub url: String,
    /// The label; the URL itself is shown when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Whether Slack should treat the link as unsafe and warn before opening it.
    #[serde(rename = "unsafe", skip_serializing_if = "Option::is_none")]
    pub is_unsafe: Option<bool>,
    /// The style.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<TextStyle>,
}

impl Kind for Link {
    const TYPE: &'static str = "link";
}

impl Link {
    /// A link showing its URL.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            kind: Tag::new(),
            url: url.into(),
            text: None,
            is_unsafe: None,
            style: None,
        }
    }

    /// Sets the label.
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// Sets `unsafe`.
    pub fn with_unsafe(mut self, is_unsafe: bool) -> Self {
        self.is_unsafe = Some(is_unsafe);
        self
    }
}

/// A `user` element: a mention of a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserMention {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// The user's ID, such as `U012AB3CD`.
    pub user_id: String,
    /// The style.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<TextStyle>,
}

impl Kind for UserMention {
    const TYPE: &'static str = "user";
}

impl UserMention {
    /// A mention of a user.
    pub fn new(user_id: impl Into<String>) -> Self {
        Self {
            kind: Tag::new(),
            user_id: user_id.into(),
            style: None,
        }
    }
}

/// A `channel` element: a mention of a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelMention {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// The channel's ID, such as `C123ABC456`.
    pub channel_id: String,
    /// The style.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<TextStyle>,
}

impl Kind for ChannelMention {
    const TYPE: &'static str = "channel";
}

impl ChannelMention {
    /// A mention of a channel.
    pub fn new(channel_id: impl Into<String>) -> Self {
        Self {
            kind: Tag::new(),
            channel_id: channel_id.into(),
            style: None,
        }
    }
}

/// A `usergroup` element: a mention of a user group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsergroupMention {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// The group's ID, such as `S0614TZR7`.
    pub usergroup_id: String,
    /// The style.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<TextStyle>,
}

impl Kind for UsergroupMention {
    const TYPE: &'static str = "usergroup";
}

impl UsergroupMention {
    /// A mention of a user group.
    pub fn new(usergroup_id: impl Into<String>) -> Self {
        Self {
            kind: Tag::new(),
            usergroup_id: usergroup_id.into(),
            style: None,
        }
    }
}

style_setters!(
    StyledText,
    Link,
    UserMention,
    ChannelMention,
    UsergroupMention
);

/// An `emoji` element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Emoji {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// The emoji's name without colons, such as `rocket`.
    pub name: String,
    /// The Unicode code point(s) in hex, such as `1f680`, for standard emoji.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unicode: Option<String>,
}

impl Kind for Emoji {
    const TYPE: &'static str = "emoji";
}

impl Emoji {
    /// An emoji by name.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            kind: Tag::new(),
            name: name.into(),
            unicode: None,
        }
    }

    /// Sets `unicode`.
    pub fn with_unicode(mut self, code_points: impl Into<String>) -> Self {
        self.unicode = Some(code_points.into());
        self
    }
}

/// Who a broadcast mention notifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BroadcastRange {
    /// Active members of the channel: `@here`.
    Here,
    /// All members of the channel: `@channel`.
    Channel,
    /// Everyone in the workspace's general channel: `@everyone`.
    Everyone,
}

/// A `broadcast` element: `@here`, `@channel` or `@everyone`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Broadcast {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// Who is notified.
    pub range: BroadcastRange,
}

impl Kind for Broadcast {
    const TYPE: &'static str = "broadcast";
}

impl Broadcast {
    /// A broadcast mention.
    pub fn new(range: BroadcastRange) -> Self {
        Self {
            kind: Tag::new(),
            range,
        }
    }
}

/// A `date` element: a Unix timestamp that Slack formats in each reader's time zone.
///
/// `format` uses Slack's tokens, such as `{date_short_pretty} at {time}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormattedDate {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// Seconds since the Unix epoch.
    pub timestamp: i64,
    /// The format, with Slack's `{…}` tokens.
    pub format: String,
    /// A link opened by the date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Shown by clients that cannot format the date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
}

impl Kind for FormattedDate {
    const TYPE: &'static str = "date";
}

impl FormattedDate {
    /// A date in a format.
    pub fn new(timestamp: i64, format: impl Into<String>) -> Self {
        Self {
            kind: Tag::new(),
            timestamp,
            format: format.into(),
            url: None,
            fallback: None,
        }
    }

    /// Sets `url`.
    pub fn with_url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Sets `fallback`.
    pub fn with_fallback(mut self, fallback: impl Into<String>) -> Self {
        self.fallback = Some(fallback.into());
        self
    }
}

/// A `color` element: a hex colour shown with a swatch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Color {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// The colour, such as `#F405B3`.
    pub value: String,
}

impl Kind for Color {
    const TYPE: &'static str = "color";
}

impl Color {
    /// A colour, written `#RRGGBB`.
    pub fn new(value: impl Into<String>) -> Self {
        Self {
            kind: Tag::new(),
            value: value.into(),
        }
    }
}
