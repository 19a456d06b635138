//! Interactive and image elements: what goes in an `actions` block or a section's accessory.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    ButtonStyle, ConfirmDialog, ConversationFilter, Kind, OptionGroup, PlainText, SelectOption,
    SlackFile, Tag,
};

/// An element of an `actions` block, or a section's `accessory`.
///
/// Element types this crate does not model travel as [`Element::Raw`]; deserializing an element of
/// an unknown type yields `Raw` too, so nothing Slack sends is lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Element {
    /// `button`.
    Button(Button),
    /// `static_select`.
    StaticSelect(StaticSelect),
    /// `multi_static_select`.
    MultiStaticSelect(MultiStaticSelect),
    /// `users_select`.
    UsersSelect(UsersSelect),
    /// `multi_users_select`.
    MultiUsersSelect(MultiUsersSelect),
    /// `channels_select`.
    ChannelsSelect(ChannelsSelect),
    /// `multi_channels_select`.
    MultiChannelsSelect(MultiChannelsSelect),
    /// `conversations_select`.
    ConversationsSelect(ConversationsSelect),
    /// `multi_conversations_select`.
    MultiConversationsSelect(MultiConversationsSelect),
    /// `overflow`.
    Overflow(Overflow),
    /// `datepicker`.
    DatePicker(DatePicker),
    /// `timepicker`.
    TimePicker(TimePicker),
    /// `checkboxes`.
    Checkboxes(Checkboxes),
    /// `radio_buttons`.
    RadioButtons(RadioButtons),
    /// `image`: a section accessory only (an `actions` block cannot hold one).
    Image(ImageElement),
    /// Any other element, as raw JSON.
    Raw(Value),
}

super::deserialize_by_type!(Element, "element" {
    Button(Button),
    StaticSelect(StaticSelect),
    MultiStaticSelect(MultiStaticSelect),
    UsersSelect(UsersSelect),
    MultiUsersSelect(MultiUsersSelect),
    ChannelsSelect(ChannelsSelect),
    MultiChannelsSelect(MultiChannelsSelect),
    ConversationsSelect(ConversationsSelect),
    MultiConversationsSelect(MultiConversationsSelect),
    Overflow(Overflow),
    DatePicker(DatePicker),
    TimePicker(TimePicker),
    Checkboxes(Checkboxes),
    RadioButtons(RadioButtons),
    Image(ImageElement),
} else Raw);

super::into_enum!(Element {
    Button(Button),
    StaticSelect(StaticSelect),
    MultiStaticSelect(MultiStaticSelect),
    UsersSelect(UsersSelect),
    MultiUsersSelect(MultiUsersSelect),
    ChannelsSelect(ChannelsSelect),
    MultiChannelsSelect(MultiChannelsSelect),
    ConversationsSelect(ConversationsSelect),
    MultiConversationsSelect(MultiConversationsSelect),
    Overflow(Overflow),
    DatePicker(DatePicker),
    TimePicker(TimePicker),
    Checkboxes(Checkboxes),
    RadioButtons(RadioButtons),
    Image(ImageElement),
});

impl Element {
    /// An element from raw JSON, for element types this crate does not model.
    pub fn raw(value: Value) -> Self {
        Self::Raw(value)
    }
}

/// A `button`: opens `url`, or sends `value` to the app with its `action_id`.
///
/// Slack allows `text` 75 characters, `value` 2,000, `url` 3,000 and `action_id` 255.
///
/// ```
/// use slackhook::blocks::Button;
///
/// let button = Button::new("Approve").with_action_id("approve").with_value("run-42").primary();
/// assert_eq!(
///     serde_json::to_value(&button)?,
///     serde_json::json!({
///         "type": "button",
///         "text": {"type": "plain_text", "text": "Approve"},
///         "action_id": "approve",
///         "value": "run-42",
///         "style": "primary"
///     })
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// The label.
    pub text: PlainText,
    /// Identifies the button in the interaction payload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// A URL to open in the user's browser.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Sent to the app in the interaction payload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The colour; Slack's default is neutral.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<ButtonStyle>,
    /// A dialog to confirm the click.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm: Option<ConfirmDialog>,
    /// What screen readers announce instead of the label (at most 75 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accessibility_label: Option<String>,
}

impl Kind for Button {
    const TYPE: &'static str = "button";
}

impl Button {
    /// A button with a label.
    pub fn new(text: impl Into<PlainText>) -> Self {
        Self {
            kind: Tag::new(),
            text: text.into(),
            action_id: None,
            url: None,
            value: None,
            style: None,
            confirm: None,
            accessibility_label: None,
        }
    }

    /// A button that opens a URL.
    pub fn link(text: impl Into<PlainText>, url: impl Into<String>) -> Self {
        Self::new(text).with_url(url)
    }

    /// Sets `url`.
    pub fn with_url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Sets `value`.
    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// Sets `style`.
    pub fn with_style(mut self, style: ButtonStyle) -> Self {
        self.style = Some(style);
        self
    }

    /// Sets `style` to `primary` (green).
    pub fn primary(self) -> Self {
        self.with_style(ButtonStyle::Primary)
    }

    /// Sets `style` to `danger` (red).
    pub fn danger(self) -> Self {
        self.with_style(ButtonStyle::Danger)
    }

    /// Sets `accessibility_label`.
    pub fn with_accessibility_label(mut self, label: impl Into<String>) -> Self {
        self.accessibility_label = Some(label.into());
        self
    }
}

setters!(Button: action_id, confirm);

/// A `static_select`: a menu of options the app lists in the message.
///
/// Slack allows 100 options (or 100 option groups), and a `placeholder` of 150 characters.
///
/// ```
/// use slackhook::blocks::{SelectOption, StaticSelect};
///
/// let select = StaticSelect::new([
///     SelectOption::new("Staging", "staging"),
///     SelectOption::new("Production", "prod"),
/// ])
/// .with_placeholder("Environment")
/// .with_action_id("env");
///
/// let json = serde_json::to_value(&select)?;
/// assert_eq!(json["type"], "static_select");
/// assert_eq!(json["options"][1]["value"], "prod");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaticSelect {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// Identifies the menu in the interaction payload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// Shown before anything is chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<PlainText>,
    /// The options; Slack wants either these or `option_groups`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<SelectOption>,
    /// Options in labelled groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub option_groups: Vec<OptionGroup>,
    /// The option chosen initially; it must be one of `options`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_option: Option<SelectOption>,
    /// A dialog to confirm the choice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm: Option<ConfirmDialog>,
    /// Whether the menu takes focus when a modal or Home tab opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
}

impl Kind for StaticSelect {
    const TYPE: &'static str = "static_select";
}

impl StaticSelect {
    /// A menu of options.
    pub fn new(options: impl IntoIterator<Item = SelectOption>) -> Self {
        Self {
            kind: Tag::new(),
            action_id: None,
            placeholder: None,
            options: options.into_iter().collect(),
            option_groups: Vec::new(),
            initial_option: None,
            confirm: None,
            focus_on_load: None,
        }
    }

    /// A menu of labelled option groups.
    pub fn from_groups(groups: impl IntoIterator<Item = OptionGroup>) -> Self {
        Self {
            option_groups: groups.into_iter().collect(),
            ..Self::new([])
        }
    }

    /// Sets `initial_option`.
    pub fn with_initial_option(mut self, option: SelectOption) -> Self {
        self.initial_option = Some(option);
        self
    }
}

setters!(StaticSelect: action_id, placeholder, confirm, focus_on_load);

/// A `multi_static_select`: like [`StaticSelect`], with several choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultiStaticSelect {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// Identifies the menu in the interaction payload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// Shown before anything is chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<PlainText>,
    /// The options; Slack wants either these or `option_groups`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<SelectOption>,
    /// Options in labelled groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub option_groups: Vec<OptionGroup>,
    /// The options chosen initially.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub initial_options: Vec<SelectOption>,
    /// How many options the user may choose (at least 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_selected_items: Option<u32>,
    /// A dialog to confirm the choice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm: Option<ConfirmDialog>,
    /// Whether the menu takes focus when a modal or Home tab opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
}

impl Kind for MultiStaticSelect {
    const TYPE: &'static str = "multi_static_select";
}

impl MultiStaticSelect {
    /// A menu of options.
    pub fn new(options: impl IntoIterator<Item = SelectOption>) -> Self {
        Self {
            kind: Tag::new(),
            action_id: None,
            placeholder: None,
            options: options.into_iter().collect(),
            option_groups: Vec::new(),
            initial_options: Vec::new(),
            max_selected_items: None,
            confirm: None,
            focus_on_load: None,
        }
    }

    /// A menu of labelled option groups.
    pub fn from_groups(groups: impl IntoIterator<Item = OptionGroup>) -> Self {
        Self {
            option_groups: groups.into_iter().collect(),
            ..Self::new([])
        }
    }

    /// Sets `initial_options`.
    pub fn with_initial_options(mut self, options: impl IntoIterator<Item = SelectOption>) -> Self {
        self.initial_options = options.into_iter().collect();
        self
    }
}

setters!(MultiStaticSelect: action_id, placeholder, confirm, focus_on_load, max_selected_items);

/// A `users_select`: a menu of the workspace's users.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersSelect {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// Identifies the menu in the interaction payload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// Shown before anything is chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<PlainText>,
    /// The user ID chosen initially.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_user: Option<String>,
    /// A dialog to confirm the choice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm: Option<ConfirmDialog>,
    /// Whether the menu takes focus when a modal or Home tab opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
}

impl Kind for UsersSelect {
    const TYPE: &'static str = "users_select";
}

impl UsersSelect {
    /// A menu of users.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `initial_user`.
    pub fn with_initial_user(mut self, user_id: impl Into<String>) -> Self {
        self.initial_user = Some(user_id.into());
        self
    }
}

setters!(UsersSelect: action_id, placeholder, confirm, focus_on_load);

/// A `multi_users_select`: like [`UsersSelect`], with several choices.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultiUsersSelect {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// Identifies the menu in the interaction payload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// Shown before anything is chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<PlainText>,
    /// The user IDs chosen initially.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub initial_users: Vec<String>,
    /// How many users may be chosen (at least 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_selected_items: Option<u32>,
    /// A dialog to confirm the choice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm: Option<ConfirmDialog>,
    /// Whether the menu takes focus when a modal or Home tab opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
}

impl Kind for MultiUsersSelect {
    const TYPE: &'static str = "multi_users_select";
}

impl MultiUsersSelect {
    /// A menu of users.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `initial_users`.
    pub fn with_initial_users<S: Into<String>>(mut self, ids: impl IntoIterator<Item = S>) -> Self {
        self.initial_users = ids.into_iter().map(Into::into).collect();
        self
    }
}

setters!(MultiUsersSelect: action_id, placeholder, confirm, focus_on_load, max_selected_items);

/// A `channels_select`: a menu of public channels.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelsSelect {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// Identifies the menu in the interaction payload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// Shown before anything is chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<PlainText>,
    /// The channel ID chosen initially.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_channel: Option<String>,
    /// Whether the choice yields a `response_url` (modals only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_url_enabled: Option<bool>,
    /// A dialog to confirm the choice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm: Option<ConfirmDialog>,
    /// Whether the menu takes focus when a modal or Home tab opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
}

impl Kind for ChannelsSelect {
    const TYPE: &'static str = "channels_select";
}

impl ChannelsSelect {
    /// A menu of public channels.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `initial_channel`.
    pub fn with_initial_channel(mut self, channel_id: impl Into<String>) -> Self {
        self.initial_channel = Some(channel_id.into());
        self
    }

    /// Sets `response_url_enabled`.
    pub fn with_response_url_enabled(mut self, enabled: bool) -> Self {
        self.response_url_enabled = Some(enabled);
        self
    }
}

setters!(ChannelsSelect: action_id, placeholder, confirm, focus_on_load);

/// A `multi_channels_select`: like [`ChannelsSelect`], with several choices.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultiChannelsSelect {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// Identifies the menu in the interaction payload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// Shown before anything is chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<PlainText>,
    /// The channel IDs chosen initially.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub initial_channels: Vec<String>,
    /// How many channels may be chosen (at least 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_selected_items: Option<u32>,
    /// A dialog to confirm the choice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm: Option<ConfirmDialog>,
    /// Whether the menu takes focus when a modal or Home tab opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
}

impl Kind for MultiChannelsSelect {
    const TYPE: &'static str = "multi_channels_select";
}

impl MultiChannelsSelect {
    /// A menu of public channels.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `initial_channels`.
    pub fn with_initial_channels<S: Into<String>>(
        mut self,
        ids: impl IntoIterator<Item = S>,
    ) -> Self {
        self.initial_channels = ids.into_iter().map(Into::into).collect();
        self
    }
}

setters!(MultiChannelsSelect: action_id, placeholder, confirm, focus_on_load, max_selected_items);

/// A `conversations_select`: a menu of channels, private channels and direct messages.
///
/// ```
/// use slackhook::blocks::{ConversationFilter, ConversationKind, ConversationsSelect};
///
/// let select = ConversationsSelect::new()
///     .with_default_to_current_conversation(true)
///     .with_filter(ConversationFilter::new().with_include([ConversationKind::Public]));
/// assert_eq!(
///     serde_json::to_value(&select)?,
///     serde_json::json!({
///         "type": "conversations_select",
///         "default_to_current_conversation": true,
///         "filter": {"include": ["public"]}
///     })
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationsSelect {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// Identifies the menu in the interaction payload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// Shown before anything is chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<PlainText>,
    /// The conversation ID chosen initially.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_conversation: Option<String>,
    /// Whether the conversation the menu is shown in is chosen initially.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_to_current_conversation: Option<bool>,
    /// Whether the choice yields a `response_url` (modals only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_url_enabled: Option<bool>,
    /// Which conversations are listed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<ConversationFilter>,
    /// A dialog to confirm the choice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm: Option<ConfirmDialog>,
    /// Whether the menu takes focus when a modal or Home tab opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
}

impl Kind for ConversationsSelect {
    const TYPE: &'static str = "conversations_select";
}

impl ConversationsSelect {
    /// A menu of conversations.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `initial_conversation`.
    pub fn with_initial_conversation(mut self, conversation_id: impl Into<String>) -> Self {
        self.initial_conversation = Some(conversation_id.into());
        self
    }

    /// Sets `response_url_enabled`.
    pub fn with_response_url_enabled(mut self, enabled: bool) -> Self {
        self.response_url_enabled = Some(enabled);
        self
    }
}

setters!(ConversationsSelect: action_id, placeholder, confirm, focus_on_load, filter,
    default_to_current_conversation);

/// A `multi_conversations_select`: like [`ConversationsSelect`], with several choices.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultiConversationsSelect {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// Identifies the menu in the interaction payload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// Shown before anything is chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<PlainText>,
    /// The conversation IDs chosen initially.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub initial_conversations: Vec<String>,
    /// Whether the conversation the menu is shown in is chosen initially.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_to_current_conversation: Option<bool>,
    /// How many conversations may be chosen (at least 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_selected_items: Option<u32>,
    /// Which conversations are listed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<ConversationFilter>,
    /// A dialog to confirm the choice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm: Option<ConfirmDialog>,
    /// Whether the menu takes focus when a modal or Home tab opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
}

impl Kind for MultiConversationsSelect {
    const TYPE: &'static str = "multi_conversations_select";
}

impl MultiConversationsSelect {
    /// A menu of conversations.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `initial_conversations`.
    pub fn with_initial_conversations<S: Into<String>>(
        mut self,
        ids: impl IntoIterator<Item = S>,
    ) -> Self {
        self.initial_conversations = ids.into_iter().map(Into::into).collect();
        self
    }
}

setters!(MultiConversationsSelect: action_id, placeholder, confirm, focus_on_load, filter,
    default_to_current_conversation, max_selected_items);

/// An `overflow` menu: a `⋯` button that opens a short list of options.
///
/// Slack allows at most 5 options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overflow {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// Identifies the menu in the interaction payload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// The options; each may carry a `url` to open.
    pub options: Vec<SelectOption>,
    /// A dialog to confirm the choice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm: Option<ConfirmDialog>,
}

impl Kind for Overflow {
    const TYPE: &'static str = "overflow";
}

impl Overflow {
    /// An overflow menu of options.
    pub fn new(options: impl IntoIterator<Item = SelectOption>) -> Self {
        Self {
            kind: Tag::new(),
            action_id: None,
            options: options.into_iter().collect(),
            confirm: None,
        }
    }
}

setters!(Overflow: action_id, confirm);

/// A `datepicker`: a calendar to pick a day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatePicker {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// Identifies the picker in the interaction payload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// Shown before a date is picked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<PlainText>,
    /// The date picked initially, as `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_date: Option<String>,
    /// A dialog to confirm the choice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm: Option<ConfirmDialog>,
    /// Whether the picker takes focus when a modal or Home tab opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
}

impl Kind for DatePicker {
    const TYPE: &'static str = "datepicker";
}

impl DatePicker {
    /// A date picker.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `initial_date`, written `YYYY-MM-DD`.
    pub fn with_initial_date(mut self, date: impl Into<String>) -> Self {
        self.initial_date = Some(date.into());
        self
    }
}

setters!(DatePicker: action_id, placeholder, confirm, focus_on_load);

/// A `timepicker`: a field to pick a time of day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimePicker {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// Identifies the picker in the interaction payload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// Shown before a time is picked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<PlainText>,
    /// The time picked initially, as `HH:mm` on a 24-hour clock.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_time: Option<String>,
    /// An IANA time zone such as `Europe/Berlin`; the user's own when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// A dialog to confirm the choice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm: Option<ConfirmDialog>,
    /// Whether the picker takes focus when a modal or Home tab opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
}

impl Kind for TimePicker {
    const TYPE: &'static str = "timepicker";
}

impl TimePicker {
    /// A time picker.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `initial_time`, written `HH:mm`.
    pub fn with_initial_time(mut self, time: impl Into<String>) -> Self {
        self.initial_time = Some(time.into());
        self
    }

    /// Sets `timezone`.
    pub fn with_timezone(mut self, timezone: impl Into<String>) -> Self {
        self.timezone = Some(timezone.into());
        self
    }
}

setters!(TimePicker: action_id, placeholder, confirm, focus_on_load);

/// A group of `checkboxes`.
///
/// Slack allows at most 10 options; their text may be `mrkdwn` ([`SelectOption::mrkdwn`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkboxes {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// Identifies the group in the interaction payload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// The options.
    pub options: Vec<SelectOption>,
    /// The options checked initially.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub initial_options: Vec<SelectOption>,
    /// A dialog to confirm the choice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm: Option<ConfirmDialog>,
    /// Whether the group takes focus when a modal or Home tab opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
}

impl Kind for Checkboxes {
    const TYPE: &'static str = "checkboxes";
}

impl Checkboxes {
    /// A group of checkboxes.
    pub fn new(options: impl IntoIterator<Item = SelectOption>) -> Self {
        Self {
            kind: Tag::new(),
            action_id: None,
            options: options.into_iter().collect(),
            initial_options: Vec::new(),
            confirm: None,
            focus_on_load: None,
        }
    }

    /// Sets `initial_options`.
    pub fn with_initial_options(mut self, options: impl IntoIterator<Item = SelectOption>) -> Self {
        self.initial_options = options.into_iter().collect();
        self
    }
}

setters!(Checkboxes: action_id, confirm, focus_on_load);

/// A group of `radio_buttons`.
///
/// Slack allows at most 10 options; their text may be `mrkdwn` ([`SelectOption::mrkdwn`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RadioButtons {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// Identifies the group in the interaction payload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_id: Option<String>,
    /// The options.
    pub options: Vec<SelectOption>,
    /// The option selected initially.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_option: Option<SelectOption>,
    /// A dialog to confirm the choice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm: Option<ConfirmDialog>,
    /// Whether the group takes focus when a modal or Home tab opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focus_on_load: Option<bool>,
}

impl Kind for RadioButtons {
    const TYPE: &'static str = "radio_buttons";
}

impl RadioButtons {
    /// A group of radio buttons.
    pub fn new(options: impl IntoIterator<Item = SelectOption>) -> Self {
        Self {
            kind: Tag::new(),
            action_id: None,
            options: options.into_iter().collect(),
            initial_option: None,
            confirm: None,
            focus_on_load: None,
        }
    }

    /// Sets `initial_option`.
    pub fn with_initial_option(mut self, option: SelectOption) -> Self {
        self.initial_option = Some(option);
        self
    }
}

setters!(RadioButtons: action_id, confirm, focus_on_load);

/// An `image` element: a small picture in a section's accessory or a context block.
///
/// Slack requires `alt_text` and one of `image_url` or `slack_file`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageElement {
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
}

impl Kind for ImageElement {
    const TYPE: &'static str = "image";
}

impl ImageElement {
    /// An image at a public URL.
    pub fn new(image_url: impl Into<String>, alt_text: impl Into<String>) -> Self {
        Self {
            kind: Tag::new(),
            image_url: Some(image_url.into()),
            slack_file: None,
            alt_text: alt_text.into(),
        }
    }

    /// An image hosted by Slack.
    pub fn from_slack_file(file: SlackFile, alt_text: impl Into<String>) -> Self {
        Self {
            kind: Tag::new(),
            image_url: None,
            slack_file: Some(file),
            alt_text: alt_text.into(),
        }
    }
}
