//! What Slack answered.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

/// Slack's answer to a webhook post, whatever its status.
///
/// A 4xx or 5xx that no retry handler took is still a response, not an error: the HTTP exchange
/// worked, and Slack said no. [`WebhookResponse::slack_error`] says what Slack meant.
///
/// ```
/// use slackhook::{SlackError, WebhookResponse};
///
/// let response = WebhookResponse::new(
///     http::StatusCode::NOT_FOUND,
///     http::HeaderMap::new(),
///     "channel_not_found".into(),
/// );
/// assert!(!response.is_ok());
/// assert_eq!(response.slack_error(), Some(SlackError::ChannelNotFound));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    attempts: u32,
}

impl WebhookResponse {
    /// A response as received, for one attempt.
    pub fn new(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        Self {
            status,
            headers,
            body,
            attempts: 1,
        }
    }

    pub(crate) fn from_http(response: http::Response<Bytes>, attempts: u32) -> Self {
        let (parts, body) = response.into_parts();
        Self {
            status: parts.status,
            headers: parts.headers,
            body,
            attempts,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body as text; bytes that are not UTF-8 are replaced with U+FFFD.
    pub fn body(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The body as received.
    pub fn body_bytes(&self) -> &Bytes {
        &self.body
    }

    /// How many requests this delivery transmitted, retries included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Whether Slack accepted the message: status 200, as Slack advises.
    pub fn is_ok(&self) -> bool {
        self.status == StatusCode::OK
    }

    /// Slack's error, for any answer other than 200.
    ///
    /// Plain-text bodies (`channel_not_found`) and JSON bodies (`{"ok":false,"error":"…"}`) are
    /// both understood; an empty body falls back to the status (429 is
    /// [`SlackError::RateLimited`]).
    pub fn slack_error(&self) -> Option<SlackError> {
        if self.is_ok() {
            return None;
        }
        let body = self.body();
        let code = error_code(&body);
        if code.is_empty() {
            return Some(match self.status {
                StatusCode::TOO_MANY_REQUESTS => SlackError::RateLimited,
                status => SlackError::Other(format!("http_{}", status.as_u16())),
            });
        }
        Some(SlackError::from_code(&code))
    }
}

/// The error code in a plain-text or JSON error body.
fn error_code(body: &str) -> Cow<'_, str> {
    let trimmed = body.trim();
    if !trimmed.starts_with('{') {
        return Cow::Borrowed(trimmed);
    }
    #[derive(serde::Deserialize)]
    struct JsonError {
        error: Option<String>,
    }
    match serde_json::from_str::<JsonError>(trimmed) {
        Ok(JsonError { error: Some(code) }) => Cow::Owned(code),
        _ => Cow::Borrowed(trimmed),
    }
}

/// An error code from Slack's webhook endpoints.
///
/// Every code that Slack documents for incoming webhooks and `response_url` has a variant;
/// anything else is kept verbatim in [`SlackError::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SlackError {
    /// `invalid_payload`: malformed JSON or badly escaped text.
    InvalidPayload,
    /// `user_not_found`: the addressed user is invalid.
    UserNotFound,
    /// `no_text`: the message has no text, blocks or attachments.
    NoText,
    /// `invalid_blocks`: the blocks were rejected.
    InvalidBlocks,
    /// `invalid_blocks_format`: the blocks are not a well-formed array of blocks.
    InvalidBlocksFormat,
    /// `too_many_attachments`: more than 100 attachments.
    TooManyAttachments,
    /// `action_prohibited`: an admin restricted posting.
    ActionProhibited,
    /// `posting_to_general_channel_denied`: #general is restricted.
    PostingToGeneralChannelDenied,
    /// `invalid_token`: the token part of the URL is invalid or expired.
    InvalidToken,
    /// `channel_not_found`: the channel is gone or invalid.
    ChannelNotFound,
    /// `no_service`: the webhook is disabled or removed.
    NoService,
    /// `no_service_id`: the webhook's service id is invalid.
    NoServiceId,
    /// `no_active_hooks`: the webhook is not active.
    NoActiveHooks,
    /// `no_team`: the workspace is missing.
    NoTeam,
    /// `team_disabled`: the workspace is inactive.
    TeamDisabled,
    /// `channel_is_archived`: the channel is archived.
    ChannelIsArchived,
    /// `rollup_error`: a failure on Slack's side; retrying could post twice.
    RollupError,
    /// `rate_limited`, or a 429: wait for `Retry-After` before sending again.
    RateLimited,
    /// `message_limit_exceeded`: the workspace reached its message cap.
    MessageLimitExceeded,
    /// Any other code, verbatim.
    Other(String),
}

impl SlackError {
    /// The variant for a code as Slack writes it.
    pub fn from_code(code: &str) -> Self {
        match code {
            "invalid_payload" => Self::InvalidPayload,
            "user_not_found" => Self::UserNotFound,
            "no_text" => Self::NoText,
            "invalid_blocks" => Self::InvalidBlocks,
            "invalid_blocks_format" => Self::InvalidBlocksFormat,
            "too_many_attachments" => Self::TooManyAttachments,
            "action_prohibited" => Self::ActionProhibited,
            "posting_to_general_channel_denied" => Self::PostingToGeneralChannelDenied,
            "invalid_token" => Self::InvalidToken,
            "channel_not_found" => Self::ChannelNotFound,
            "no_service" => Self::NoService,
            "no_service_id" => Self::NoServiceId,
            "no_active_hooks" => Self::NoActiveHooks,
            "no_team" => Self::NoTeam,
            "team_disabled" => Self::TeamDisabled,
            "channel_is_archived" => Self::ChannelIsArchived,
            "rollup_error" => Self::RollupError,
            "rate_limited" => Self::RateLimited,
            "message_limit_exceeded" => Self::MessageLimitExceeded,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The code as Slack writes it.
    pub fn code(&self) -> &str {
        match self {
            Self::InvalidPayload => "invalid_payload",
            Self::UserNotFound => "user_not_found",
            Self::NoText => "no_text",
            Self::InvalidBlocks => "invalid_blocks",
            Self::InvalidBlocksFormat => "invalid_blocks_format",
            Self::TooManyAttachments => "too_many_attachments",
            Self::ActionProhibited => "action_prohibited",
            Self::PostingToGeneralChannelDenied => "posting_to_general_channel_denied",
            Self::InvalidToken => "invalid_token",
            Self::ChannelNotFound => "channel_not_found",
            Self::NoService => "no_service",
            Self::NoServiceId => "no_service_id",
            Self::NoActiveHooks => "no_active_hooks",
            Self::NoTeam => "no_team",
            Self::TeamDisabled => "team_disabled",
            Self::ChannelIsArchived => "channel_is_archived",
            Self::RollupError => "rollup_error",
            Self::RateLimited => "rate_limited",
            Self::MessageLimitExceeded => "message_limit_exceeded",
            Self::Other(code) => code,
        }
    }

    /// What the code means, in a sentence for people.
    pub fn description(&self) -> &'static str {
        match self {
            Self::InvalidPayload => "the payload is malformed JSON or has badly escaped text",
            Self::UserNotFound => "the addressed user is invalid",
            Self::NoText => "the message has no text, blocks or attachments",
            Self::InvalidBlocks => "Slack rejected the blocks",
            Self::InvalidBlocksFormat => "the blocks are not a well-formed array of blocks",
            Self::TooManyAttachments => "the message has more than 100 attachments",
            Self::ActionProhibited => "an admin restricted posting to this channel",
            Self::PostingToGeneralChannelDenied => "posting to #general is restricted",
            Self::InvalidToken => "the webhook's token is invalid or expired",
            Self::ChannelNotFound => "the channel is gone or invalid",
            Self::NoService => "the webhook is disabled or was removed",
            Self::NoServiceId => "the webhook's service id is invalid",
            Self::NoActiveHooks => "the webhook is not active",
            Self::NoTeam => "the workspace does not exist",
            Self::TeamDisabled => "the workspace is inactive",
            Self::ChannelIsArchived => "the channel is archived",
            Self::RollupError => "Slack failed internally; a retry could post the message twice",
            Self::RateLimited => "rate limited: wait for Retry-After before sending again",
            Self::MessageLimitExceeded => "the workspace reached its message limit",
            Self::Other(_) => "an error Slack does not document for webhooks",
        }
    }
}

impl fmt::Display for SlackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.description())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> WebhookResponse {
        WebhookResponse::new(
            StatusCode::from_u16(status).expect("status"),
            HeaderMap::new(),
            Bytes::copy_from_slice(body.as_bytes()),
        )
    }

    #[test]
    fn ok_has_no_slack_error() {
        let r = response(200, "ok");
        assert!(r.is_ok());
        assert_eq!(r.slack_error(), None);
    }

    #[test]
    fn every_documented_code_maps_to_its_variant_and_back() {
        let codes = [
            "invalid_payload",
            "user_not_found",
            "no_text",
            "invalid_blocks",
            "invalid_blocks_format",
            "too_many_attachments",
            "action_prohibited",
            "posting_to_general_channel_denied",
            "invalid_token",
            "channel_not_found",
            "no_service",
            "no_service_id",
            "no_active_hooks",
            "no_team",
            "team_disabled",
            "channel_is_archived",
            "rollup_error",
            "rate_limited",
            "message_limit_exceeded",
        ];
        for code in codes {
            let error = response(400, code).slack_error().expect("error");
            assert!(!matches!(error, SlackError::Other(_)), "{code}");
            assert_eq!(error.code(), code);
        }
    }

    #[test]
    fn json_error_bodies_map_too() {
        let r = response(
            429,
            r#"{"ok":false,"error":"rate_limited","retry_after":1}"#,
        );
        assert_eq!(r.slack_error(), Some(SlackError::RateLimited));
    }

    #[test]
    fn unknown_codes_are_kept_verbatim() {
        let r = response(400, "something_new\n");
        assert_eq!(
            r.slack_error(),
            Some(SlackError::Other("something_new".into()))
        );
    }

    #[test]
    fn an_empty_429_is_rate_limited() {
        assert_eq!(
            response(429, "").slack_error(),
            Some(SlackError::RateLimited)
        );
        assert_eq!(
            response(502, "").slack_error(),
            Some(SlackError::Other("http_502".into()))
        );
    }

    #[test]
    fn invalid_utf8_bodies_are_read_lossily() {
        let r = WebhookResponse::new(
            StatusCode::BAD_REQUEST,
            HeaderMap::new(),
            Bytes::from_static(b"bad\xff"),
        );
        assert_eq!(r.body(), "bad\u{fffd}");
    }
}
