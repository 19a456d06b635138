//! Signed slash commands, sent to an app the way Slack sends them.

use std::fmt;
use std::io;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::HeaderMap;
use slackhook::WebhookUrl;

use crate::ids;
use crate::server::Shared;

/// Slack gives an app three seconds to acknowledge a slash command.
const SLACK_ACK_TIMEOUT: Duration = Duration::from_secs(3);

/// A slash command to send with [`Emulator::slash_command`](crate::Emulator::slash_command).
///
/// Unset fields get plausible values: a fixed test user and channel, a random verification
/// token and trigger id. By default the request is signed with the emulator's signing secret
/// and the current time; the `signed_with`, `timestamp`, `tamper_after_signing` and `unsigned`
/// options make requests that a correct app must reject.
///
/// ```
/// use slackhook_emulator::SlashCommandRequest;
///
/// let command = SlashCommandRequest::new("/reply-this", "hello there")
///     .user("U123")
///     .channel("C123");
///
/// // For negative tests:
/// let stale = command.clone().timestamp(1_000_000_000);
/// let forged = command.clone().signed_with("not-the-secret");
/// let tampered = command.tamper_after_signing();
/// ```
#[derive(Clone)]
pub struct SlashCommandRequest {
    command: String,
    text: String,
    user_id: String,
    user_name: String,
    channel_id: String,
    channel_name: String,
    team_domain: String,
    api_app_id: String,
    token: Option<String>,
    trigger_id: Option<String>,
    secret: Option<String>,
    timestamp: Option<u64>,
    tamper: bool,
    unsigned: bool,
    timeout: Duration,
}

impl SlashCommandRequest {
    /// A command (`/reply-this`) with the text the user typed after it.
    pub fn new(command: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            command: command.into(),
            text: text.into(),
            user_id: "U0EMULATOR".into(),
            user_name: "emulator-user".into(),
            channel_id: "C0EMULATOR".into(),
            channel_name: "emulator".into(),
            team_domain: "emulator".into(),
            api_app_id: "A0EMULATOR".into(),
            token: None,
            trigger_id: None,
            secret: None,
            timestamp: None,
            tamper: false,
            unsigned: false,
            timeout: SLACK_ACK_TIMEOUT,
        }
    }

    /// The invoking user's id (`user_id`).
    pub fn user(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = user_id.into();
        self
    }

    /// The invoking user's name (`user_name`).
    pub fn user_name(mut self, user_name: impl Into<String>) -> Self {
        self.user_name = user_name.into();
        self
    }

    /// The channel's id (`channel_id`).
    pub fn channel(mut self, channel_id: impl Into<String>) -> Self {
        self.channel_id = channel_id.into();
        self
    }

    /// The channel's name (`channel_name`).
    pub fn channel_name(mut self, channel_name: impl Into<String>) -> Self {
        self.channel_name = channel_name.into();
        self
    }

    /// The workspace's domain (`team_domain`).
    pub fn team_domain(mut self, team_domain: impl Into<String>) -> Self {
        self.team_domain = team_domain.into();
        self
    }

    /// The app's id (`api_app_id`).
    pub fn api_app_id(mut self, api_app_id: impl Into<String>) -> Self {
        self.api_app_id = api_app_id.into();
        self
    }

    /// The deprecated verification token (`token`); random by default.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The `trigger_id`; random by default.
    pub fn trigger_id(mut self, trigger_id: impl Into<String>) -> Self {
        self.trigger_id = Some(trigger_id.into());
        self
    }

    /// Signs with this secret instead of the emulator's.
    pub fn signed_with(mut self, signing_secret: impl Into<String>) -> Self {
        self.secret = Some(signing_secret.into());
        self
    }

    /// Signs with this Unix timestamp instead of the current time (sent in
    /// `X-Slack-Request-Timestamp` as well).
    pub fn timestamp(mut self, unix_seconds: u64) -> Self {
        self.timestamp = Some(unix_seconds);
        self
    }

    /// Changes the body after signing it (a field is appended), so the signature no longer
    /// matches.
    pub fn tamper_after_signing(mut self) -> Self {
        self.tamper = true;
        self
    }

    /// Sends no `X-Slack-Request-Timestamp` or `X-Slack-Signature` header at all.
    pub fn unsigned(mut self) -> Self {
        self.unsigned = true;
        self
    }

    /// How long to wait for the app's answer; Slack's three seconds by default.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

impl fmt::Debug for SlashCommandRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlashCommandRequest")
            .field("command", &self.command)
            .field("text_len", &self.text.len())
            .field("user_id", &self.user_id)
            .field("channel_id", &self.channel_id)
            .field("custom_secret", &self.secret.is_some())
            .field("timestamp", &self.timestamp)
            .field("tamper", &self.tamper)
            .field("unsigned", &self.unsigned)
            .finish_non_exhaustive()
    }
}

/// The app's answer to a slash command.
///
/// The fields are public; the accessor methods of the same names return the same values.
#[derive(Clone)]
#[non_exhaustive]
pub struct SlashResponse {
    /// The HTTP status the app answered (Slack wants 200 within three seconds).
    pub status: u16,
    /// The response body, decoded as UTF-8 (lossily).
    pub body: String,
    /// The response headers.
    pub headers: HeaderMap,
    /// The fresh `response_url` this command carried; registered on the emulator, so a reply
    /// to it is recorded as a [`Target::Command`](crate::Target::Command) message.
    pub response_url: WebhookUrl,
}

impl SlashResponse {
    /// The HTTP status the app answered.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response body.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `response_url` the command carried.
    pub fn response_url(&self) -> &WebhookUrl {
        &self.response_url
    }
}

impl fmt::Debug for SlashResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SlashResponse")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .field("response_url", &self.response_url)
            .finish_non_exhaustive()
    }
}

/// Builds, signs and posts the command; `response_url` was registered by the caller.
pub(crate) fn send(
    shared: &Shared,
    app_url: &str,
    request: SlashCommandRequest,
    response_url: WebhookUrl,
) -> io::Result<SlashResponse> {
    let app =
        WebhookUrl::parse(app_url).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    if app.is_https() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "slash command app url must be plain http to a loopback host",
        ));
    }

    let mut body = form_body(shared.team_id(), &request, &response_url);
    let timestamp = request.timestamp.unwrap_or_else(unix_now);
    let secret = request
        .secret
        .as_deref()
        .unwrap_or(&shared.config.signing_secret);
    let signature = slackhook::signature::sign(secret, timestamp, body.as_bytes());
    if request.tamper {
        body.push_str("&tampered=true");
    }

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .timeout_global(Some(request.timeout))
        .user_agent("Slackbot 1.0 (+https://api.slack.com/robots)")
        .build()
        .into();
    let mut post = agent
        .post(app.expose_secret())
        .header("Content-Type", "application/x-www-form-urlencoded");
    if !request.unsigned {
        post = post
            .header("X-Slack-Request-Timestamp", timestamp.to_string())
            .header("X-Slack-Signature", signature);
    }

    let mut response = post.send(body.as_bytes()).map_err(into_io)?;
    let bytes = response.body_mut().read_to_vec().map_err(into_io)?;
    Ok(SlashResponse {
        status: response.status().as_u16(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
        headers: response.headers().clone(),
        response_url,
    })
}

/// The form Slack posts for a slash command, fields in Slack's order.
fn form_body(team_id: &str, request: &SlashCommandRequest, response_url: &WebhookUrl) -> String {
    let token = request.token.clone().unwrap_or_else(|| ids::token(24));
    let trigger_id = request
        .trigger_id
        .clone()
        .unwrap_or_else(|| format!("{}.{}.{}", ids::digits(12), ids::digits(11), ids::hex(32)));

    form_urlencoded::Serializer::new(String::new())
        .append_pair("token", &token)
        .append_pair("team_id", team_id)
        .append_pair("team_domain", &request.team_domain)
        .append_pair("channel_id", &request.channel_id)
        .append_pair("channel_name", &request.channel_name)
        .append_pair("user_id", &request.user_id)
        .append_pair("user_name", &request.user_name)
        .append_pair("command", &request.command)
        .append_pair("text", &request.text)
        .append_pair("api_app_id", &request.api_app_id)
        .append_pair("is_enterprise_install", "false")
        .append_pair("response_url", response_url.expose_secret())
        .append_pair("trigger_id", &trigger_id)
        .finish()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn into_io(error: ureq::Error) -> io::Error {
    match error {
        ureq::Error::Timeout(_) => io::Error::new(
            io::ErrorKind::TimedOut,
            "slash command app did not answer in time",
        ),
        other => other.into_io(),
    }
}
