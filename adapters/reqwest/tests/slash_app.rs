//! The slash-command example app, end to end: the emulator plays Slack, sending signed (and
//! forged) commands to the app and recording what the app posts back to each `response_url`.
//!
//! The app runs on its own Tokio runtime, whose worker threads serve it in the background,
//! so the tests themselves stay synchronous, as the emulator's `slash_command` is.

use std::future::IntoFuture;
use std::time::{Duration, SystemTime};

use slackhook::WebhookUrl;
use slackhook::signature::SignatureError;
use slackhook_emulator::{Emulator, ReceivedMessage, SlashCommandRequest, SlashResponse, Target};
use tokio::runtime::Runtime;

// Examples cannot be imported, so the example's source is compiled here as a module; its
// `main` is left out of test builds.
#[path = "../examples/slash_command_app.rs"]
mod app;

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

/// The longest a reply may take to arrive.
const REPLY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long to watch for a reply that must not come. The app replies within milliseconds on
/// loopback, so a wrong reply would show up well within this.
const QUIET: Duration = Duration::from_millis(300);

/// The example app, served on an ephemeral loopback port until dropped.
struct App {
    url: String,
    /// Dropping the runtime stops the server and any reply still in flight.
    _runtime: Runtime,
}

fn start_app(signing_secret: &str) -> App {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime can be built");

    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a loopback port is free");
    let address = listener
        .local_addr()
        .expect("a bound listener has an address");
    let router = app::router(signing_secret).expect("the secret is not empty");
    runtime.spawn(axum::serve(listener, router).into_future());

    App {
        url: format!("http://{address}{}", app::COMMAND_PATH),
        _runtime: runtime,
    }
}

/// Slack, and the app configured with the same signing secret.
fn slack_and_app() -> (Emulator, App) {
    let emulator = Emulator::builder()
        .signing_secret(SECRET)
        .start()
        .expect("the emulator starts");
    let app = start_app(emulator.signing_secret());
    (emulator, app)
}

fn send(emulator: &Emulator, app: &App, command: SlashCommandRequest) -> SlashResponse {
    emulator
        .slash_command(&app.url, command)
        .expect("the app answers within Slack's three seconds")
}

/// Waits for the one reply to `response_url`, then a little longer to catch a second one.
fn the_only_reply(emulator: &Emulator, response_url: &WebhookUrl) -> ReceivedMessage {
    emulator.wait_for_messages(1, REPLY_TIMEOUT);
    emulator.wait_for_messages(2, QUIET);

    let mut replies = emulator.messages_to(response_url);
    assert_eq!(replies.len(), 1, "exactly one reply");
    replies.remove(0)
}

fn assert_no_reply(emulator: &Emulator, response_url: &WebhookUrl) {
    emulator.wait_for_messages(1, QUIET);
    assert!(emulator.messages_to(response_url).is_empty());
    assert!(emulator.messages().is_empty());
}

fn assert_refused(command: SlashCommandRequest) {
    let (emulator, app) = slack_and_app();

    let response = send(&emulator, &app, command);

    assert_eq!(response.status, 403);
    assert_eq!(response.body, "invalid request");
    assert_no_reply(&emulator, &response.response_url);
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("the clock is past 1970")
        .as_secs()
}

#[test]
fn reply_this_is_acknowledged_and_answered_through_its_response_url() {
    let (emulator, app) = slack_and_app();

    let response = send(
        &emulator,
        &app,
        SlashCommandRequest::new("/reply-this", "hello").user("U1"),
    );
    assert_eq!(response.status, 200);
    assert_eq!(response.body, "");

    let reply = the_only_reply(&emulator, &response.response_url);
    assert_eq!(reply.kind(), Target::Command);
    assert_eq!(reply.text(), Some("You said 'hello'"));
    assert_eq!(reply.payload()["response_type"], "in_channel");
}

#[test]
fn the_reply_escapes_what_the_user_typed() {
    let (emulator, app) = slack_and_app();

    let command = SlashCommandRequest::new("/reply-this", "<!channel> & <https://x.test|you>");
    let response = send(&emulator, &app, command);
    assert_eq!(response.status, 200);

    let reply = the_only_reply(&emulator, &response.response_url);
    assert_eq!(
        reply.text(),
        Some("You said '&lt;!channel&gt; &amp; &lt;https://x.test|you&gt;'")
    );
}

#[test]
fn a_body_tampered_with_after_signing_is_refused_without_a_reply() {
    assert_refused(SlashCommandRequest::new("/reply-this", "hello").tamper_after_signing());
}

#[test]
fn a_request_signed_with_another_secret_is_refused_without_a_reply() {
    assert_refused(SlashCommandRequest::new("/reply-this", "hello").signed_with("other"));
}

#[test]
fn a_request_older_than_five_minutes_is_refused_without_a_reply() {
    assert_refused(SlashCommandRequest::new("/reply-this", "hello").timestamp(unix_now() - 301));
}

#[test]
fn an_unsigned_request_is_refused_without_a_reply() {
    assert_refused(SlashCommandRequest::new("/reply-this", "hello").unsigned());
}

#[test]
fn an_unknown_command_is_not_found_and_gets_no_reply() {
    let (emulator, app) = slack_and_app();

    let response = send(&emulator, &app, SlashCommandRequest::new("/deploy", "api"));

    assert_eq!(response.status, 404);
    assert_no_reply(&emulator, &response.response_url);
}

#[test]
fn the_app_cannot_be_built_without_a_signing_secret() {
    assert!(matches!(app::router(""), Err(SignatureError::EmptySecret)));
}
