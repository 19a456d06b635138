//! Text composition objects: `plain_text` and `mrkdwn`.

use serde::{Deserialize, Serialize};

use super::{Kind, Tag};

/// A `plain_text` text object: shown as written, with `:emoji:` codes optionally rendered.
///
/// Slack allows 1–3,000 characters; fields such as header text or button labels allow fewer
/// (see [`Blocks::validate`](super::Blocks::validate)).
///
/// ```
/// use slackhook::blocks::PlainText;
///
/// let text = PlainText::new("Deploy :rocket:").with_emoji(true);
/// assert_eq!(
///     serde_json::to_value(&text)?,
///     serde_json::json!({"type": "plain_text", "text": "Deploy :rocket:", "emoji": true})
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlainText {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// The text.
    pub text: String,
    /// Whether `:emoji:` codes are rendered as emoji; Slack's default when absent is `true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emoji: Option<bool>,
}

impl Kind for PlainText {
    const TYPE: &'static str = "plain_text";
}

impl PlainText {
    /// Plain text, with `emoji` left to Slack's default.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            kind: Tag::new(),
            text: text.into(),
            emoji: None,
        }
    }

    /// Sets `emoji`: whether `:emoji:` codes are rendered.
    pub fn with_emoji(mut self, emoji: bool) -> Self {
        self.emoji = Some(emoji);
        self
    }
}

impl From<&str> for PlainText {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<String> for PlainText {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

/// A `mrkdwn` text object: Slack's markup (`*bold*`, `<url|label>`, mentions).
///
/// Text that comes from users belongs in [`mrkdwn::escape`](crate::mrkdwn::escape) first; the
/// [`mrkdwn`](crate::mrkdwn) module builds links and mentions.
///
/// ```
/// use slackhook::blocks::MrkdwnText;
///
/// let text = MrkdwnText::new("*Deploy* finished").with_verbatim(true);
/// assert_eq!(
///     serde_json::to_value(&text)?,
///     serde_json::json!({"type": "mrkdwn", "text": "*Deploy* finished", "verbatim": true})
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MrkdwnText {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// The text, in Slack's `mrkdwn` markup.
    pub text: String,
    /// When `true`, Slack leaves bare URLs, channel names and mentions as written instead of
    /// turning them into links.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verbatim: Option<bool>,
}

impl Kind for MrkdwnText {
    const TYPE: &'static str = "mrkdwn";
}

impl MrkdwnText {
    /// `mrkdwn` text, with `verbatim` left to Slack's default.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            kind: Tag::new(),
            text: text.into(),
            verbatim: None,
        }
    }

    /// Sets `verbatim`: whether Slack leaves URLs and mentions as written.
    pub fn with_verbatim(mut self, verbatim: bool) -> Self {
        self.verbatim = Some(verbatim);
        self
    }
}

/// A text object of either kind, for fields where Slack accepts both.
///
/// There is deliberately no `From<&str>`: whether a string is `plain_text` or `mrkdwn` changes
/// how Slack shows it, so the choice is spelled out with [`Text::plain`] or [`Text::mrkdwn`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Text {
    /// `plain_text`.
    Plain(PlainText),
    /// `mrkdwn`.
    Mrkdwn(MrkdwnText),
}

super::deserialize_by_type!(Text, "text object" {
    Plain(PlainText),
    Mrkdwn(MrkdwnText),
});

impl Text {
    /// A `plain_text` object.
    pub fn plain(text: impl Into<String>) -> Self {
        Self::Plain(PlainText::new(text))
    }

    /// A `mrkdwn` object.
    pub fn mrkdwn(text: impl Into<String>) -> Self {
        Self::Mrkdwn(MrkdwnText::new(text))
    }

    /// The text itself, whatever its kind.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Plain(text) => &text.text,
            Self::Mrkdwn(text) => &text.text,
        }
    }
}

impl From<PlainText> for Text {
    fn from(text: PlainText) -> Self {
        Self::Plain(text)
    }
}

impl From<MrkdwnText> for Text {
    fn from(text: MrkdwnText) -> Self {
        Self::Mrkdwn(text)
    }
}
