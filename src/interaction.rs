//! Typed parsing of what Slack posts to an app: slash commands and interactive payloads.
//!
//! Both arrive as `application/x-www-form-urlencoded` bodies. A slash command is a flat form
//! ([`SlashCommand`]); an interaction (a button click, a modal submission, a shortcut) is a form
//! with a single `payload` field holding JSON ([`InteractionPayload`]). What an app mostly needs
//! from either is its `response_url`, parsed here into a [`WebhookUrl`] so that it can be
//! answered with [`Webhook`](crate::Webhook) and never shows in logs.
//!
//! Verify the request's signature on the raw body first ([`signature`](crate::signature)), then
//! parse. Unknown fields are ignored, since Slack adds fields over time. The legacy verification
//! `token` is not kept: signatures replace it.

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

use crate::{UrlError, WebhookUrl};

/// A slash command invocation, as Slack posts it to the command's request URL.
///
/// `command` and `response_url` are required. The other fields Slack always sends read as empty
/// strings when absent; `enterprise_id` and `api_app_id`, which Slack sends only for some
/// workspaces and apps, are `None` when absent or empty.
///
/// `Debug` shows neither the `response_url`'s secret path nor the command's text, which is
/// whatever the user typed.
///
/// ```
/// use slackhook::interaction::SlashCommand;
///
/// // The form body from Slack's request-signing example.
/// let body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow\
///     &channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner\
///     &command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands\
///     %2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN\
///     &trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
///
/// let command = SlashCommand::from_form(body.as_bytes())?;
/// assert_eq!(command.command(), "/webhook-collect");
/// assert_eq!(command.text(), "");
/// assert_eq!(command.user_id(), "U2CERLKJA");
/// assert_eq!(command.team_id(), "T1DC2JH3J");
/// assert_eq!(command.enterprise_id(), None);
///
/// // The response_url is ready to answer on, and redacted when shown.
/// assert_eq!(
///     command.response_url().to_string(),
///     "https://hooks.slack.com/commands/T1DC2JH3J/***"
/// );
/// # Ok::<(), slackhook::interaction::InteractionError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SlashCommand {
    command: String,
    text: String,
    response_url: WebhookUrl,
    user_id: String,
    user_name: String,
    channel_id: String,
    channel_name: String,
    team_id: String,
    team_domain: String,
    enterprise_id: Option<String>,
    trigger_id: String,
    api_app_id: Option<String>,
}

/// The slash-command fields kept, in the order of [`SlashCommand::from_form`]'s slots.
const SLASH_COMMAND_FIELDS: [&str; 12] = [
    "command",
    "text",
    "response_url",
    "user_id",
    "user_name",
    "channel_id",
    "channel_name",
    "team_id",
    "team_domain",
    "enterprise_id",
    "trigger_id",
    "api_app_id",
];

impl SlashCommand {
    /// Parses the form body of a slash command request.
    ///
    /// Fields Slack may add in the future, and ones this type does not keep (such as the legacy
    /// `token`), are ignored. A field given twice is an error rather than a guess.
    pub fn from_form(body: &[u8]) -> Result<Self, InteractionError> {
        let [
            command,
            text,
            response_url,
            user_id,
            user_name,
            channel_id,
            channel_name,
            team_id,
            team_domain,
            enterprise_id,
            trigger_id,
            api_app_id,
        ] = read_form(body, SLASH_COMMAND_FIELDS)?;

        let command = command.ok_or(InteractionError::MissingField { name: "command" })?;
        if !is_command_name(&command) {
            return Err(InteractionError::InvalidField {
                name: "command",
                reason: "not a slash command name like /deploy",
            });
        }
        let response_url = response_url.ok_or(InteractionError::MissingField {
            name: "response_url",
        })?;
        let response_url =
            WebhookUrl::parse(&response_url).map_err(InteractionError::InvalidResponseUrl)?;

        let text_of = |field: Option<Cow<'_, str>>| field.map(Cow::into_owned).unwrap_or_default();
        let optional = |field: Option<Cow<'_, str>>| {
            field.filter(|value| !value.is_empty()).map(Cow::into_owned)
        };
        Ok(Self {
            command: command.into_owned(),
            text: text_of(text),
            response_url,
            user_id: text_of(user_id),
            user_name: text_of(user_name),
            channel_id: text_of(channel_id),
            channel_name: text_of(channel_name),
            team_id: text_of(team_id),
            team_domain: text_of(team_domain),
            enterprise_id: optional(enterprise_id),
            trigger_id: text_of(trigger_id),
            api_app_id: optional(api_app_id),
        })
    }

    /// The command that was typed, with its slash, e.g. `/deploy`.
    pub fn command(&self) -> &str {
        &self.command
    }

    /// Everything the user typed after the command; may be empty.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Where to send up to five replies within 30 minutes (see Slack's `response_url` rules).
    pub fn response_url(&self) -> &WebhookUrl {
        &self.response_url
    }

    /// The ID of the user who ran the command, e.g. `U2CERLKJA`.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The user's name. Slack deprecates names in favour of IDs: prefer [`user_id`](Self::user_id).
    pub fn user_name(&self) -> &str {
        &self.user_name
    }

    /// The ID of the channel the command ran in.
    pub fn channel_id(&self) -> &str {
        &self.channel_id
    }

    /// The channel's name (`directmessage` in a DM, `privategroup` in some private channels).
    pub fn channel_name(&self) -> &str {
        &self.channel_name
    }

    /// The workspace's ID, e.g. `T1DC2JH3J`.
    pub fn team_id(&self) -> &str {
        &self.team_id
    }

    /// The workspace's subdomain, e.g. `testteamnow`.
    pub fn team_domain(&self) -> &str {
        &self.team_domain
    }

    /// The Enterprise Grid organization's ID, when the workspace belongs to one.
    pub fn enterprise_id(&self) -> Option<&str> {
        self.enterprise_id.as_deref()
    }

    /// A short-lived ID that lets the app open a modal in reply.
    pub fn trigger_id(&self) -> &str {
        &self.trigger_id
    }

    /// The app's ID, when Slack sends it.
    pub fn api_app_id(&self) -> Option<&str> {
        self.api_app_id.as_deref()
    }
}

impl fmt::Debug for SlashCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlashCommand")
            .field("command", &self.command)
            .field("text", &Redacted(self.text.len()))
            .field("response_url", &self.response_url)
            .field("user_id", &self.user_id)
            .field("user_name", &self.user_name)
            .field("channel_id", &self.channel_id)
            .field("channel_name", &self.channel_name)
            .field("team_id", &self.team_id)
            .field("team_domain", &self.team_domain)
            .field("enterprise_id", &self.enterprise_id)
            .field("trigger_id", &self.trigger_id)
            .field("api_app_id", &self.api_app_id)
            .finish()
    }
}

/// Stands in for user-written content in `Debug` output: only its size shows.
struct Redacted(usize);

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0)
    }
}

/// An interactive payload: what Slack posts when a user clicks a button, submits a modal, runs
/// a shortcut, and so on.
///
/// The body is a form with one `payload` field holding JSON. This type reads the two things
/// every handler needs, the payload's `type` and its `response_url`, and keeps the whole JSON
/// for the rest. `Debug` shows only those two, redacted; the JSON, which holds what users typed
/// and the legacy verification `token`, stays out of logs.
///
/// ```
/// use slackhook::interaction::InteractionPayload;
///
/// let body = "payload=%7B%22type%22%3A%22block_actions%22%2C%22response_url%22%3A\
///     %22https%3A%2F%2Fhooks.slack.com%2Factions%2FT1%2F2%2Fsecret%22%2C\
///     %22actions%22%3A%5B%7B%22action_id%22%3A%22approve%22%7D%5D%7D";
///
/// let payload = InteractionPayload::from_form(body.as_bytes())?;
/// assert_eq!(payload.kind(), "block_actions");
/// assert_eq!(payload.json()["actions"][0]["action_id"], "approve");
///
/// let url = payload.response_url().expect("block_actions carry one");
/// assert_eq!(url.to_string(), "https://hooks.slack.com/actions/T1/***");
/// # Ok::<(), slackhook::interaction::InteractionError>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct InteractionPayload {
    kind: String,
    response_url: Option<WebhookUrl>,
    json: Value,
}

impl InteractionPayload {
    /// Parses the form body of an interactivity request.
    ///
    /// The payload must be a JSON object with a string `type`. Its `response_url` is taken from
    /// `response_url` (as in `block_actions`, `message_action`), or else from the first entry of
    /// `response_urls` (as in a `view_submission` whose modal asks for one). A payload with
    /// neither has no `response_url`; one that is present but unusable is an error.
    pub fn from_form(body: &[u8]) -> Result<Self, InteractionError> {
        let [payload] = read_form(body, ["payload"])?;
        let payload = payload.ok_or(InteractionError::MissingPayload)?;

        let json: Value =
            serde_json::from_str(&payload).map_err(|e| InteractionError::InvalidPayloadJson {
                line: e.line(),
                column: e.column(),
                reason: crate::message::json_error_reason(&e),
            })?;
        let Value::Object(fields) = &json else {
            return Err(InteractionError::PayloadNotAnObject);
        };

        let kind = match fields.get("type") {
            Some(Value::String(kind)) => kind.clone(),
            None | Some(Value::Null) => {
                return Err(InteractionError::MissingField { name: "type" });
            }
            Some(_) => {
                return Err(InteractionError::InvalidField {
                    name: "type",
                    reason: "not a string",
                });
            }
        };
        let response_url = payload_response_url(fields)?;

        Ok(Self {
            kind,
            response_url,
            json,
        })
    }

    /// The payload's `type`, e.g. `block_actions`, `view_submission`, `shortcut`.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// Where to reply, when the payload carries a `response_url` (see
    /// [`from_form`](Self::from_form) for where it is looked for).
    pub fn response_url(&self) -> Option<&WebhookUrl> {
        self.response_url.as_ref()
    }

    /// The whole payload, as Slack sent it.
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// The whole payload, as Slack sent it, by value.
    pub fn into_json(self) -> Value {
        self.json
    }
}

impl fmt::Debug for InteractionPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InteractionPayload")
            .field("kind", &self.kind)
            .field("response_url", &self.response_url)
            .finish_non_exhaustive()
    }
}

fn payload_response_url(
    fields: &serde_json::Map<String, Value>,
) -> Result<Option<WebhookUrl>, InteractionError> {
    let invalid = |name| InteractionError::InvalidField {
        name,
        reason: "not a string",
    };

    match fields.get("response_url") {
        None | Some(Value::Null) => {}
        Some(Value::String(url)) => return parse_response_url(url).map(Some),
        Some(_) => return Err(invalid("response_url")),
    }

    match fields.get("response_urls") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(entries)) => match entries.first() {
            None => Ok(None),
            Some(entry) => match entry.get("response_url") {
                Some(Value::String(url)) => parse_response_url(url).map(Some),
                _ => Err(InteractionError::InvalidField {
                    name: "response_urls",
                    reason: "first entry has no response_url string",
                }),
            },
        },
        Some(_) => Err(InteractionError::InvalidField {
            name: "response_urls",
            reason: "not an array",
        }),
    }
}

fn parse_response_url(url: &str) -> Result<WebhookUrl, InteractionError> {
    WebhookUrl::parse(url).map_err(InteractionError::InvalidResponseUrl)
}

/// Slack's command names: a slash, then at least one character, none of them whitespace.
fn is_command_name(command: &str) -> bool {
    command
        .strip_prefix('/')
        .is_some_and(|name| !name.is_empty() && !name.chars().any(char::is_whitespace))
}

/// Reads a form body, keeping the value of each of `names` (in the same order) and ignoring
/// every other field.
fn read_form<'a, const N: usize>(
    body: &'a [u8],
    names: [&'static str; N],
) -> Result<[Option<Cow<'a, str>>; N], InteractionError> {
    let text = std::str::from_utf8(body).map_err(|_| InteractionError::NotUtf8)?;
    if text.trim_start().starts_with(['{', '[']) {
        return Err(InteractionError::NotAForm);
    }

    let mut values = [const { None }; N];
    // Pairs are decoded one at a time so that each decoded value can be checked against its
    // raw text; form_urlencoded splits on '&' in the same way.
    for raw in text.split('&') {
        for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
            let Some(slot) = names.iter().position(|name| *name == key) else {
                continue;
            };
            let name = names[slot];

            if values[slot].is_some() {
                return Err(InteractionError::DuplicateField { name });
            }
            if !decoded_losslessly(raw, &key, &value) {
                return Err(InteractionError::InvalidField {
                    name,
                    reason: "percent-escapes that are not utf-8",
                });
            }
            values[slot] = Some(value);
        }
    }
    Ok(values)
}

/// Whether form_urlencoded's decoding of `raw` into `key` and `value` lost nothing.
///
/// form_urlencoded replaces percent-escaped bytes that are not UTF-8 with U+FFFD instead of
/// failing. A decoded U+FFFD is honest only where the raw text spelled one, literally or as the
/// escape `%EF%BF%BD`; any more means bytes were replaced. An invalid byte run never swallows a
/// following `%EF%BF%BD`, because its lead byte 0xEF cannot continue a sequence, so the counts
/// are exact.
fn decoded_losslessly(raw: &str, key: &str, value: &str) -> bool {
    const REPLACEMENT: char = char::REPLACEMENT_CHARACTER;
    let decoded = key.matches(REPLACEMENT).count() + value.matches(REPLACEMENT).count();
    if decoded == 0 {
        return true;
    }

    let literal = raw.matches(REPLACEMENT).count();
    let escaped = raw.to_ascii_uppercase().matches("%EF%BF%BD").count();
    decoded == literal + escaped
}

/// Why a body is not a slash command or interactive payload.
///
/// No variant quotes the body or a `response_url`: both may hold secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InteractionError {
    /// The body is not UTF-8.
    NotUtf8,
    /// The body is JSON, not a form. (Slack's Events API posts JSON; commands and interactions
    /// are forms.)
    NotAForm,
    /// A required field is absent.
    MissingField {
        /// The field's name.
        name: &'static str,
    },
    /// A field the parser reads is given more than once.
    DuplicateField {
        /// The field's name.
        name: &'static str,
    },
    /// A field has the wrong shape.
    InvalidField {
        /// The field's name.
        name: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The `response_url` is not a usable address.
    InvalidResponseUrl(UrlError),
    /// An interactivity form has no `payload` field.
    MissingPayload,
    /// The `payload` field is not valid JSON.
    InvalidPayloadJson {
        /// Line of the first error, from 1.
        line: usize,
        /// Column of the first error, from 1.
        column: usize,
        /// What kind of error.
        reason: &'static str,
    },
    /// The `payload` field is JSON but not an object.
    PayloadNotAnObject,
}

impl fmt::Display for InteractionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotUtf8 => f.write_str("request body is not valid utf-8"),
            Self::NotAForm => f.write_str(
                "request body is json; slack posts commands and interactions as \
                 application/x-www-form-urlencoded",
            ),
            Self::MissingField { name } => write!(f, "field {name} is missing"),
            Self::DuplicateField { name } => write!(f, "field {name} is given more than once"),
            Self::InvalidField { name, reason } => write!(f, "field {name} is invalid: {reason}"),
            Self::InvalidResponseUrl(e) => write!(f, "response_url is not usable: {e}"),
            Self::MissingPayload => {
                f.write_str("form has no payload field; interactions carry payload=<json>")
            }
            Self::InvalidPayloadJson {
                line,
                column,
                reason,
            } => write!(
                f,
                "payload is not valid json: {reason} at line {line}, column {column}"
            ),
            Self::PayloadNotAnObject => f.write_str("payload is json but not an object"),
        }
    }
}

impl std::error::Error for InteractionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::InvalidResponseUrl(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lossless(raw: &str) -> bool {
        let (key, value) = form_urlencoded::parse(raw.as_bytes())
            .next()
            .expect("one pair");
        decoded_losslessly(raw, &key, &value)
    }

    #[test]
    fn escaped_and_literal_replacement_characters_are_honest() {
        assert!(lossless("text=plain"));
        assert!(lossless("text=%EF%BF%BD"));
        assert!(lossless("text=%ef%bf%bd"));
        assert!(lossless("text=\u{FFFD}"));
    }

    #[test]
    fn bytes_that_are_not_utf8_are_detected() {
        assert!(!lossless("text=%FF"));
        assert!(!lossless("text=%E2%82"));
        assert!(!lossless("text=%EF%BF%BD%FF"));
        assert!(!lossless("text=%E2%EF%BF%BD"));
        assert!(!lossless("text=%25EF%BF%BD"));
        assert!(!lossless("te%FFxt=a"));
    }

    #[test]
    fn command_names_start_with_a_slash() {
        assert!(is_command_name("/deploy"));
        assert!(is_command_name("/webhook-collect"));
        assert!(!is_command_name("/"));
        assert!(!is_command_name("deploy"));
        assert!(!is_command_name("/de ploy"));
        assert!(!is_command_name(""));
    }
}
