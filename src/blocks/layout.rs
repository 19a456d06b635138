//! The layout blocks: section, header, divider, context, actions, image, markdown, video, file.

use serde::{Deserialize, Serialize};

use super::{Element, ImageElement, Kind, MrkdwnText, PlainText, SlackFile, Tag, Text};

/// A `section`: text, up to 10 side-by-side fields, and an optional accessory element.
///
/// Slack allows `text` 3,000 characters, at most 10 `fields` of 2,000 each, and requires `text`
/// or `fields`.
///
/// ```
/// use slackhook::blocks::{Button, Section};
///
/// let section = Section::mrkdwn("*Deploy failed* on `api`")
///     .with_accessory(Button::new("Logs").with_url("https://ci.example.com/runs/42"));
/// assert_eq!(
///     serde_json::to_value(&section)?,
///     serde_json::json!({
///         "type": "section",
///         "text": {"type": "mrkdwn", "text": "*Deploy failed* on `api`"},
///         "accessory": {
///             "type": "button",
///             "text": {"type": "plain_text", "text": "Logs"},
///             "url": "https://ci.example.com/runs/42"
///         }
///     })
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// The main text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<Text>,
    /// Short texts shown in two columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Text>,
    /// An element shown to the right of the text (boxed: elements are large, and most
    /// sections have none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accessory: Option<Box<Element>>,
    /// Whether Slack shows the whole text instead of cutting it with "see more".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expand: Option<bool>,
    /// Identifies the block in interaction payloads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

impl Kind for Section {
    const TYPE: &'static str = "section";
}

impl Section {
    /// A section with text.
    pub fn new(text: impl Into<Text>) -> Self {
        Self {
            kind: Tag::new(),
            text: Some(text.into()),
            fields: Vec::new(),
            accessory: None,
            expand: None,
            block_id: None,
        }
    }

    /// A section with `mrkdwn` text, the common case.
    pub fn mrkdwn(text: impl Into<String>) -> Self {
        Self::new(MrkdwnText::new(text))
    }

    /// A section with only fields.
    pub fn from_fields<T: Into<Text>>(fields: impl IntoIterator<Item = T>) -> Self {
        Self {
            kind: Tag::new(),
            text: None,
            fields: fields.into_iter().map(Into::into).collect(),
            accessory: None,
            expand: None,
            block_id: None,
        }
    }

    /// Sets the main text.
    pub fn with_text(mut self, text: impl Into<Text>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// Replaces the fields.
    pub fn with_fields<T: Into<Text>>(mut self, fields: impl IntoIterator<Item = T>) -> Self {
        self.fields = fields.into_iter().map(Into::into).collect();
        self
    }

    /// Adds one field.
    pub fn with_field(mut self, field: impl Into<Text>) -> Self {
        self.fields.push(field.into());
        self
    }

    /// Sets the accessory.
    pub fn with_accessory(mut self, accessory: impl Into<Element>) -> Self {
        self.accessory = Some(Box::new(accessory.into()));
        self
    }

    /// Sets `expand`.
    pub fn with_expand(mut self, expand: bool) -> Self {
        self.expand = Some(expand);
        self
    }
}

setters!(Section: block_id);

/// A `header`: large bold `plain_text`, at most 150 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// The heading.
    pub text: PlainText,
    /// Identifies the block in interaction payloads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

impl Kind for Header {
    const TYPE: &'static str = "header";
}

impl Header {
    /// A header.
    pub fn new(text: impl Into<PlainText>) -> Self {
        Self {
            kind: Tag::new(),
            text: text.into(),
            block_id: None,
        }
    }
}

setters!(Header: block_id);

/// A `divider`: a horizontal rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Divider {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// Identifies the block in interaction payloads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

impl Kind for Divider {
    const TYPE: &'static str = "divider";
}

impl Divider {
    /// A divider.
    pub fn new() -> Self {
        Self::default()
    }
}

setters!(Divider: block_id);

/// An element of a `context` block: small text or a small image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum ContextElement {
    /// An `image` element.
    Image(ImageElement),
    /// A `plain_text` object.
    Plain(PlainText),
    /// A `mrkdwn` object.
    Mrkdwn(MrkdwnText),
}

super::deserialize_by_type!(ContextElement, "context element" {
    Image(ImageElement),
    Plain(PlainText),
    Mrkdwn(MrkdwnText),
});

super::into_enum!(ContextElement {
    Image(ImageElement),
    Plain(PlainText),
    Mrkdwn(MrkdwnText),
});

impl From<Text> for ContextElement {
    fn from(text: Text) -> Self {
        match text {
            Text::Plain(text) => Self::Plain(text),
            Text::Mrkdwn(text) => Self::Mrkdwn(text),
        }
    }
}

/// A `context` block: a line of small text and images, at most 10 elements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// The texts and images.
    pub elements: Vec<ContextElement>,
    /// Identifies the block in interaction payloads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

impl Kind for Context {
    const TYPE: &'static str = "context";
}

impl Context {
    /// A context block of texts and images.
    pub fn new<E: Into<ContextElement>>(elements: impl IntoIterator<Item = E>) -> Self {
        Self {
            kind: Tag::new(),
            elements: elements.into_iter().map(Into::into).collect(),
            block_id: None,
        }
    }

    /// A context block of one `mrkdwn` text.
    pub fn mrkdwn(text: impl Into<String>) -> Self {
        Self::new([MrkdwnText::new(text)])
    }

    /// Adds one element.
    pub fn with_element(mut self, element: impl Into<ContextElement>) -> Self {
        self.elements.push(element.into());
        self
    }
}

setters!(Context: block_id);

/// An `actions` block: a row of interactive elements, at most 25.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actions {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// The elements.
    pub elements: Vec<Element>,
    /// Identifies the block in interaction payloads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

impl Kind for Actions {
    const TYPE: &'static str = "actions";
}

impl Actions {
    /// An actions block of elements.
    pub fn new<E: Into<Element>>(elements: impl IntoIterator<Item = E>) -> Self {
        Self {
            kind: Tag::new(),
            elements: elements.into_iter().map(Into::into).collect(),
            block_id: None,
        }
    }

    /// Adds one element.
    pub fn with_element(mut self, element: impl Into<Element>) -> Self {
        self.elements.push(element.into());
        self
    }
}

setters!(Actions: block_id);

/// An `image` block: a picture across the message's width.
///
/// Slack allows `image_url` 3,000 characters, `alt_text` 2,000 (required) and `title` 2,000.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// A public URL of the image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// A Slack-hosted image, instead of `image_url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slack_file: Option<SlackFile>,
    /// A description for screen readers; Slack requires it.
    pub alt_text: String,
    /// A caption above the image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<PlainText>,
    /// Identifies the block in interaction payloads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

impl Kind for Image {
    const TYPE: &'static str = "image";
}

impl Image {
    /// An image at a public URL.
    pub fn new(image_url: impl Into<String>, alt_text: impl Into<String>) -> Self {
        Self {
            kind: Tag::new(),
            image_url: Some(image_url.into()),
            slack_file: None,
            alt_text: alt_text.into(),
            title: None,
            block_id: None,
        }
    }

    /// An image hosted by Slack.
    pub fn from_slack_file(file: SlackFile, alt_text: impl Into<String>) -> Self {
        Self {
            image_url: None,
            slack_file: Some(file),
            ..Self::new("", alt_text)
        }
    }

    /// Sets `title`.
    pub fn with_title(mut self, title: impl Into<PlainText>) -> Self {
        self.title = Some(title.into());
        self
    }
}

setters!(Image: block_id);

/// A `markdown` block: standard Markdown, rendered by Slack.
///
/// Unlike `mrkdwn`, this is CommonMark-style Markdown (`**bold**`, `[label](url)`). Slack allows
/// 12,000 characters across all the `markdown` blocks of one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Markdown {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// The Markdown source.
    pub text: String,
    /// Identifies the block in interaction payloads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

impl Kind for Markdown {
    const TYPE: &'static str = "markdown";
}

impl Markdown {
    /// A markdown block.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            kind: Tag::new(),
            text: text.into(),
            block_id: None,
        }
    }
}

setters!(Markdown: block_id);

/// A `video` block: an embedded video player.
///
/// Slack requires `title`, `video_url`, `thumbnail_url` and `alt_text`, and allows `title` 200
/// characters, `description` 200 and `author_name` 50. The video URL's domain must be among the
/// app's unfurl domains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Video {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// The title shown above the player.
    pub title: PlainText,
    /// The embeddable URL of the video.
    pub video_url: String,
    /// A still image shown before playing.
    pub thumbnail_url: String,
    /// A description of the video for screen readers.
    pub alt_text: String,
    /// A link opened by the title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_url: Option<String>,
    /// A description shown under the title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<PlainText>,
    /// Who made the video.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    /// Where the video is hosted, such as `YouTube`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_name: Option<String>,
    /// An icon of the host.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_icon_url: Option<String>,
    /// Identifies the block in interaction payloads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

impl Kind for Video {
    const TYPE: &'static str = "video";
}

impl Video {
    /// A video with its required fields.
    pub fn new(
        title: impl Into<PlainText>,
        video_url: impl Into<String>,
        thumbnail_url: impl Into<String>,
        alt_text: impl Into<String>,
    ) -> Self {
        Self {
            kind: Tag::new(),
            title: title.into(),
            video_url: video_url.into(),
            thumbnail_url: thumbnail_url.into(),
            alt_text: alt_text.into(),
            title_url: None,
            description: None,
            author_name: None,
            provider_name: None,
            provider_icon_url: None,
            block_id: None,
        }
    }

    /// Sets `title_url`.
    pub fn with_title_url(mut self, url: impl Into<String>) -> Self {
        self.title_url = Some(url.into());
        self
    }

    /// Sets `description`.
    pub fn with_description(mut self, description: impl Into<PlainText>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets `author_name`.
    pub fn with_author_name(mut self, name: impl Into<String>) -> Self {
        self.author_name = Some(name.into());
        self
    }

    /// Sets `provider_name`.
    pub fn with_provider_name(mut self, name: impl Into<String>) -> Self {
        self.provider_name = Some(name.into());
        self
    }

    /// Sets `provider_icon_url`.
    pub fn with_provider_icon_url(mut self, url: impl Into<String>) -> Self {
        self.provider_icon_url = Some(url.into());
        self
    }
}

setters!(Video: block_id);

/// A `file` block: a remote file the app registered with Slack's `files.remote.add`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct File {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// The ID the app gave the file when it registered it.
    pub external_id: String,
    /// Always `remote`.
    pub source: String,
    /// Identifies the block in interaction payloads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

impl Kind for File {
    const TYPE: &'static str = "file";
}

impl File {
    /// A remote file, by the external ID it was registered with.
    pub fn remote(external_id: impl Into<String>) -> Self {
        Self {
            kind: Tag::new(),
            external_id: external_id.into(),
            source: "remote".to_owned(),
            block_id: None,
        }
    }
}

setters!(File: block_id);
