//! A Slack app that answers the `/reply-this` slash command: the Rust counterpart of the Flask
//! example in the Python `slack_sdk` documentation, on axum.
//!
//! For every request to `/slack/events` it checks Slack's signature over the raw body, then
//! acknowledges `/reply-this` at once (Slack wants an HTTP 200 within three seconds) and posts
//! `You said '<text>'` to the command's `response_url` from a background task. A request whose
//! signature does not verify gets a 403 and nothing else happens; any other command gets a 404.
//!
//! Run it with your app's signing secret (Slack's app settings, "Basic Information"):
//!
//! ```text
//! SLACK_SIGNING_SECRET=... cargo run -p slackhook-reqwest --example slash_command_app
//! ```
//!
//! It listens on `127.0.0.1:3000`; set `PORT` to change the port, and `RUST_LOG=debug` to see
//! every reply. To try it without Slack, send it a signed command from the `slackhook` CLI
//! (`cargo run -p slackhook-cli -- slash ...`), which also shows the reply it gets back:
//!
//! ```text
//! SLACK_SIGNING_SECRET=... slackhook slash \
//!     --to http://127.0.0.1:3000/slack/events "/reply-this hello"
//! ```

use std::sync::Arc;
use std::time::SystemTime;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use slackhook::interaction::SlashCommand;
use slackhook::signature::{SignatureError, SignatureVerifier};
use slackhook::{Message, ResponseType, mrkdwn};
use slackhook_reqwest::AsyncWebhookClient;

// The end-to-end test (tests/slash_app.rs) compiles this file as a module, with `#[path]`, to
// run `router` against the emulator. An example cannot be imported any other way, and a test
// has a `main` of its own, so this one is only compiled outside tests, and everything it alone
// uses stays inside it.
#[cfg(not(test))]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    env_logger::init_from_env(env_logger::Env::default().default_filter_or("info"));

    let signing_secret = std::env::var("SLACK_SIGNING_SECRET")
        .map_err(|_| "set SLACK_SIGNING_SECRET to your Slack app's signing secret")?;
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port.parse().map_err(|_| "PORT must be a port number")?,
        Err(_) => 3000,
    };

    let app = router(&signing_secret)?;
    let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, port)).await?;
    let address = listener.local_addr()?;
    log::info!("listening on http://{address}{COMMAND_PATH}");

    axum::serve(listener, app).await?;
    Ok(())
}

/// Where Slack posts the commands: the "Request URL" in the slash command's settings.
pub const COMMAND_PATH: &str = "/slack/events";

/// The one command this app answers.
const REPLY_THIS: &str = "/reply-this";

/// The app: `POST /slack/events`, checked against `signing_secret`.
///
/// Fails only when the secret is empty.
pub fn router(signing_secret: &str) -> Result<Router, SignatureError> {
    let verifier = Arc::new(SignatureVerifier::new(signing_secret)?);
    Ok(Router::new()
        .route(COMMAND_PATH, post(slash_command))
        .with_state(verifier))
}

async fn slash_command(
    State(verifier): State<Arc<SignatureVerifier>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    // The signature covers the body exactly as sent, so it is checked before any parsing.
    if let Err(error) = verifier.verify_headers(&headers, &body, unix_now()) {
        log::warn!("refused a request: {error}");
        return (StatusCode::FORBIDDEN, "invalid request");
    }

    let command = match SlashCommand::from_form(&body) {
        Ok(command) => command,
        Err(error) => {
            log::warn!("refused a signed request that is not a slash command: {error}");
            return (StatusCode::BAD_REQUEST, "not a slash command");
        }
    };
    if command.command() != REPLY_THIS {
        return (StatusCode::NOT_FOUND, "");
    }

    // Slack gives up on the command after three seconds, so the answer goes out on its own
    // task, through the response_url, and the 200 goes back now.
    tokio::spawn(reply(command));
    (StatusCode::OK, "")
}

async fn reply(command: SlashCommand) {
    // The user's text is shown inside our message: escaped, it cannot ping a channel or
    // forge a link.
    let text = format!("You said '{}'", mrkdwn::escape(command.text()));
    let message = Message::text(text).with_response_type(ResponseType::InChannel);

    let client = AsyncWebhookClient::new(command.response_url().clone());
    match client.send(&message).await {
        Ok(response) if response.is_ok() => log::debug!("replied to {}", command.user_id()),
        Ok(response) => match response.slack_error() {
            Some(error) => log::warn!("slack refused the reply: {error}"),
            None => log::warn!("slack refused the reply with status {}", response.status()),
        },
        Err(error) => log::warn!("could not reply: {error}"),
    }
}

/// The current Unix time in seconds; a clock before 1970 makes every request stale.
fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}
