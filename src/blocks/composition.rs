//! Composition objects shared by several elements: options, option groups, confirm dialogs,
//! Slack-hosted files and conversation filters.

use serde::{Deserialize, Serialize};

use super::{MrkdwnText, PlainText, Text};

/// One choice in a select menu, an overflow menu, checkboxes or radio buttons.
///
/// Slack allows `text` 75 characters, `value` 150 and `description` 75. Select menus and overflow
/// menus take `plain_text` only; checkboxes and radio buttons also take `mrkdwn`
/// ([`SelectOption::mrkdwn`]).
///
/// ```
/// use slackhook::blocks::SelectOption;
///
/// let option = SelectOption::new("Production", "prod").with_description("eu-west-1");
/// assert_eq!(
///     serde_json::to_value(&option)?,
///     serde_json::json!({
///         "text": {"type": "plain_text", "text": "Production"},
///         "value": "prod",
///         "description": {"type": "plain_text", "text": "eu-west-1"}
///     })
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SelectOption {
    /// What the user sees.
    pub text: Text,
    /// What Slack sends back to the app when the option is chosen.
    pub value: String,
    /// A line of explanation under the text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<PlainText>,
    /// A URL to open when the option is chosen (overflow menus only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl SelectOption {
    /// An option with `plain_text` text.
    pub fn new(text: impl Into<PlainText>, value: impl Into<String>) -> Self {
        Self {
            text: Text::Plain(text.into()),
            value: value.into(),
            description: None,
            url: None,
        }
    }

    /// An option with `mrkdwn` text, for checkboxes and radio buttons.
    pub fn mrkdwn(text: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            text: Text::Mrkdwn(MrkdwnText::new(text)),
            ..Self::new("", value)
        }
    }

    /// Sets `description`.
    pub fn with_description(mut self, description: impl Into<PlainText>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets `url`; Slack honours it in overflow menus only.
    pub fn with_url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }
}

/// A labelled group of options in a static select menu.
///
/// Slack allows a `label` of 75 characters and 100 options per group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OptionGroup {
    /// The group's heading.
    pub label: PlainText,
    /// The options in the group.
    pub options: Vec<SelectOption>,
}

impl OptionGroup {
    /// A group of options under a label.
    pub fn new(
        label: impl Into<PlainText>,
        options: impl IntoIterator<Item = SelectOption>,
    ) -> Self {
        Self {
            label: label.into(),
            options: options.into_iter().collect(),
        }
    }
}

/// The colour of a button or of a confirm dialog's confirm button.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ButtonStyle {
    /// Green: the expected action.
    Primary,
    /// Red: a destructive action.
    Danger,
}

/// A dialog that asks the user to confirm before an element's action goes through.
///
/// Slack allows `title` 100 characters, `text` 300, `confirm` 30 and `deny` 30.
///
/// ```
/// use slackhook::blocks::{ButtonStyle, ConfirmDialog};
///
/// let confirm =
///     ConfirmDialog::new("Roll back?", "Production returns to v41.", "Roll back", "Cancel")
///         .with_style(ButtonStyle::Danger);
/// assert_eq!(
///     serde_json::to_value(&confirm)?,
///     serde_json::json!({
///         "title": {"type": "plain_text", "text": "Roll back?"},
///         "text": {"type": "plain_text", "text": "Production returns to v41."},
///         "confirm": {"type": "plain_text", "text": "Roll back"},
///         "deny": {"type": "plain_text", "text": "Cancel"},
///         "style": "danger"
///     })
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConfirmDialog {
    /// The dialog's title.
    pub title: PlainText,
    /// The question or explanation. Slack documents `plain_text`; older payloads use `mrkdwn`.
    pub text: Text,
    /// The label of the button that confirms.
    pub confirm: PlainText,
    /// The label of the button that cancels.
    pub deny: PlainText,
    /// The colour of the confirm button.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<ButtonStyle>,
}

impl ConfirmDialog {
    /// A dialog with a title, an explanation and the labels of its two buttons.
    pub fn new(
        title: impl Into<PlainText>,
        text: impl Into<PlainText>,
        confirm: impl Into<PlainText>,
        deny: impl Into<PlainText>,
    ) -> Self {
        Self {
            title: title.into(),
            text: Text::Plain(text.into()),
            confirm: confirm.into(),
            deny: deny.into(),
            style: None,
        }
    }

    /// Replaces the explanation, e.g. with `mrkdwn`.
    pub fn with_text(mut self, text: impl Into<Text>) -> Self {
        self.text = text.into();
        self
    }

    /// Sets the colour of the confirm button.
    pub fn with_style(mut self, style: ButtonStyle) -> Self {
        self.style = Some(style);
        self
    }
}

/// An image hosted by Slack, by its `url` or its file `id`, instead of a public `image_url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SlackFile {
    /// The file's `url_private` or `permalink`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The file's ID, such as `F0123456`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

impl SlackFile {
    /// A Slack file by its URL.
    pub fn url(url: impl Into<String>) -> Self {
        Self {
            url: Some(url.into()),
            id: None,
        }
    }

    /// A Slack file by its ID.
    pub fn id(id: impl Into<String>) -> Self {
        Self {
            url: None,
            id: Some(id.into()),
        }
    }
}

/// A kind of conversation, for [`ConversationFilter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConversationKind {
    /// Direct messages.
    Im,
    /// Group direct messages.
    Mpim,
    /// Private channels.
    Private,
    /// Public channels.
    Public,
}

/// Which conversations a conversations select menu lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConversationFilter {
    /// The kinds to list; Slack lists all kinds when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<ConversationKind>,
    /// Whether to leave out channels shared with other organizations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclude_external_shared_channels: Option<bool>,
    /// Whether to leave out bot users.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclude_bot_users: Option<bool>,
}

impl ConversationFilter {
    /// A filter that lists everything; narrow it with the `with_*` methods.
    pub fn new() -> Self {
        Self::default()
    }

    /// Lists only these kinds of conversation.
    pub fn with_include(mut self, kinds: impl IntoIterator<Item = ConversationKind>) -> Self {
        self.include = kinds.into_iter().collect();
        self
    }

    /// Sets `exclude_external_shared_channels`.
    pub fn with_exclude_external_shared_channels(mut self, exclude: bool) -> Self {
        self.exclude_external_shared_channels = Some(exclude);
        self
    }

    /// Sets `exclude_bot_users`.
    pub fn with_exclude_bot_users(mut self, exclude: bool) -> Self {
        self.exclude_bot_users = Some(exclude);
        self
    }
}
