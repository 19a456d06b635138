//! `slackhook send`: one message to a webhook, a `response_url` or the built-in emulator.
//!
//! `--batch` hands over to [`crate::batch`], which shares the target, the client and the
//! payload options defined here.

use std::io::Read as _;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use slackhook::retry::{
    ConnectionErrorRetryHandler, RateLimitErrorRetryHandler, RetryHandler, ServerErrorRetryHandler,
    retry_after,
};
use slackhook::{Error, Message, ResponseType, Step, WebhookResponse, WebhookUrl};
use slackhook_emulator::{Emulator, EmulatorBuilder};
use slackhook_ureq::{WebhookClient, WebhookClientBuilder};

use crate::cli::{Output, ResponseTypeArg, SendArgs};
use crate::{Failure, batch, render};

/// Where `send` posts when neither --url nor --local says otherwise.
pub const URL_VAR: &str = "SLACK_WEBHOOK_URL";

/// The core's default cap on one delivery's total waiting; raised when `--max-wait` is higher.
const DEFAULT_MAX_TOTAL_WAIT: Duration = Duration::from_secs(300);

/// Where the message goes: a URL, and the emulator behind it for `--local`.
pub struct Target {
    /// The address every message goes to.
    pub url: WebhookUrl,
    /// The emulator behind `url`, for `--local`.
    pub local: Option<Emulator>,
}

impl Target {
    fn remote(url: WebhookUrl) -> Self {
        Self { url, local: None }
    }
}

/// Runs `slackhook send`.
pub fn run(args: SendArgs) -> Result<(), Failure> {
    if let Some(source) = &args.batch {
        return batch::run(&args, source);
    }
    // clap's `requires` does not catch this when a payload flag is given: it waives a
    // requirement that conflicts with a flag present.
    if args.pace.is_some() {
        return Err(Failure::usage(
            "--pace spaces the messages of a --batch; a single send has nothing to space; \
             nothing was sent",
        ));
    }

    // The target comes first: with none, saying so beats waiting for a payload on stdin.
    let target = target(&args)?;
    let message = message(&args)?;
    let client = client(&args, target.url.clone(), target.local.is_some())?;

    // Validation runs here for the dry run and the real send alike: an invalid message never
    // gets as far as a request.
    let mut delivery = client.webhook().send(&message).map_err(invalid)?;
    if args.dry_run {
        let Ok(Step::Transmit(request)) = delivery.poll() else {
            return Err(Failure::transport(
                "the delivery did not start with a request",
            ));
        };
        print_dry_run(&request, client.webhook().url(), args.output);
        return Ok(());
    }

    let result = client.send(&message);
    report(result, args.output, &target)
}

/// `--local`, else `--url`, else `SLACK_WEBHOOK_URL`.
fn target(args: &SendArgs) -> Result<Target, Failure> {
    if args.local {
        return local_target(Emulator::builder());
    }
    remote_target(args)
}

/// The built-in emulator, started from `builder`.
pub fn local_target(builder: EmulatorBuilder) -> Result<Target, Failure> {
    let emulator = builder.start().map_err(|e| {
        Failure::transport(format!("could not start the local Slack emulator: {e}"))
    })?;
    Ok(Target {
        url: emulator.webhook_url(),
        local: Some(emulator),
    })
}

/// `--url`, else `SLACK_WEBHOOK_URL`.
pub fn remote_target(args: &SendArgs) -> Result<Target, Failure> {
    if let Some(url) = &args.url {
        return WebhookUrl::parse(url)
            .map(Target::remote)
            .map_err(|e| Failure::usage(format!("invalid --url: {e}; nothing was sent")));
    }

    // An empty variable counts as unset, as CI systems often define secrets that way.
    match std::env::var(URL_VAR) {
        Ok(url) if !url.trim().is_empty() => WebhookUrl::parse(&url)
            .map(Target::remote)
            .map_err(|e| Failure::usage(format!("invalid {URL_VAR}: {e}; nothing was sent"))),
        _ => Err(Failure::usage(format!(
            "no target: pass --url URL, set {URL_VAR}, or use --local to try the built-in \
             Slack emulator; nothing was sent"
        ))),
    }
}

/// The payload: `--json` first, then every other payload flag on top of it.
fn message(args: &SendArgs) -> Result<Message, Failure> {
    if args.json.as_deref() == Some("-") && args.blocks.as_deref() == Some("-") {
        return Err(Failure::usage(
            "--json and --blocks cannot both read stdin; nothing was sent",
        ));
    }

    let mut message = match &args.json {
        Some(source) => {
            let text = read_source(source, "--json")?;
            Message::from_json_str(&text).map_err(|e| {
                Failure::usage(format!("--json {}: {e}; nothing was sent", name(source)))
            })?
        }
        None => Message::new(),
    };

    if let Some(text) = &args.text {
        message = message.with_text(text);
    }
    if let Some(source) = &args.blocks {
        message = message.with_blocks(blocks(source)?);
    }
    message = with_payload_options(message, args);

    if message.is_empty() {
        return Err(Failure::usage(
            "nothing to send: pass --text, --blocks or --json; nothing was sent",
        ));
    }
    Ok(message)
}

/// The payload options that override a payload's own keys: --thread-ts, --response-type,
/// --replace-original, --delete-original, --no-unfurl-links, --no-unfurl-media.
pub fn with_payload_options(mut message: Message, args: &SendArgs) -> Message {
    if let Some(ts) = &args.thread_ts {
        message = message.with_thread_ts(ts);
    }
    if let Some(response_type) = args.response_type {
        message = message.with_response_type(match response_type {
            ResponseTypeArg::InChannel => ResponseType::InChannel,
            ResponseTypeArg::Ephemeral => ResponseType::Ephemeral,
        });
    }
    if args.replace_original {
        message = message.with_replace_original(true);
    }
    if args.delete_original {
        message = message.with_delete_original(true);
    }
    if args.no_unfurl_links {
        message = message.with_unfurl_links(false);
    }
    if args.no_unfurl_media {
        message = message.with_unfurl_media(false);
    }
    message
}

/// The blocks in a `--blocks` file: a JSON array, or an object with a `blocks` array as Slack's
/// Block Kit Builder exports it.
fn blocks(source: &str) -> Result<Vec<Value>, Failure> {
    let text = read_source(source, "--blocks")?;
    let bad = |what: String| {
        Failure::usage(format!(
            "--blocks {}: {what}; nothing was sent",
            name(source)
        ))
    };

    let value: Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("not valid json: {e}")))?;
    match value {
        Value::Array(blocks) => Ok(blocks),
        Value::Object(mut map) => match map.remove("blocks") {
            Some(Value::Array(blocks)) => Ok(blocks),
            _ => Err(bad(
                "expected a JSON array of blocks, found an object without one".into(),
            )),
        },
        other => Err(bad(format!(
            "expected a JSON array of blocks, found {}",
            json_type(&other)
        ))),
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads a file, or stdin for `-`.
pub fn read_source(source: &str, flag: &str) -> Result<String, Failure> {
    let read = if source == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map(|_| text)
    } else {
        std::fs::read_to_string(source)
    };
    read.map_err(|e| {
        Failure::usage(format!(
            "{flag} {}: cannot read it: {e}; nothing was sent",
            name(source)
        ))
    })
}

/// How a source is named in messages: its path, or `(stdin)`.
pub fn name(source: &str) -> &str {
    if source == "-" { "(stdin)" } else { source }
}

fn client(args: &SendArgs, url: WebhookUrl, local: bool) -> Result<WebhookClient, Failure> {
    build(client_builder(args, url, local))
}

/// The client as the send options configure it: timeout, retries, caps, and no proxy for the
/// built-in emulator.
pub fn client_builder(args: &SendArgs, url: WebhookUrl, local: bool) -> WebhookClientBuilder {
    let mut builder = WebhookClient::builder(url)
        .timeout(args.timeout)
        .user_agent_prefix(concat!("slackhook-cli/", env!("CARGO_PKG_VERSION")))
        .retry_handlers(retry_handlers(args))
        .max_wait(args.max_wait)
        .max_total_wait(args.max_wait.max(DEFAULT_MAX_TOTAL_WAIT));
    if local {
        builder = builder.no_proxy();
    }
    builder
}

/// Builds the client; an error means nothing was sent.
pub fn build(builder: WebhookClientBuilder) -> Result<WebhookClient, Failure> {
    builder
        .build()
        .map_err(|e| Failure::usage(format!("{e}; nothing was sent")))
}

fn retry_handlers(args: &SendArgs) -> Vec<Arc<dyn RetryHandler>> {
    let mut handlers: Vec<Arc<dyn RetryHandler>> = Vec::new();
    if args.no_retry {
        return handlers;
    }
    if args.retry_connection > 0 {
        let handler = ConnectionErrorRetryHandler::new().with_max_retries(args.retry_connection);
        handlers.push(Arc::new(handler));
    }
    if args.retry_rate_limit > 0 {
        let handler = RateLimitErrorRetryHandler::new().with_max_retries(args.retry_rate_limit);
        handlers.push(Arc::new(handler));
    }
    if args.retry_server_error > 0 {
        let handler = ServerErrorRetryHandler::new().with_max_retries(args.retry_server_error);
        handlers.push(Arc::new(handler));
    }
    handlers
}

/// Errors from building the delivery: all of them mean nothing was sent.
pub fn invalid(error: Error) -> Failure {
    match error {
        Error::Invalid(e) => Failure::usage(format!("invalid message: {e}; nothing was sent")),
        other => Failure::usage(format!("{other}; nothing was sent")),
    }
}

fn print_dry_run(
    request: &slackhook::http::Request<slackhook::bytes::Bytes>,
    url: &WebhookUrl,
    output: Output,
) {
    let body = String::from_utf8_lossy(request.body());
    match output {
        Output::Text => {
            errln!("dry run: the message is valid; this request was not sent");
            outln!("{} {url}", request.method());
            for (name, value) in request.headers() {
                outln!("{name}: {}", value.to_str().unwrap_or("(not text)"));
            }
            outln!();
            outln!("{body}");
        }
        Output::Json => {
            let headers: serde_json::Map<String, Value> = request
                .headers()
                .iter()
                .map(|(name, value)| {
                    let value = value.to_str().unwrap_or("(not text)");
                    (name.to_string(), Value::from(value))
                })
                .collect();
            let body: Value =
                serde_json::from_str(&body).unwrap_or(Value::String(body.into_owned()));
            let out = json!({
                "dry_run": true,
                "method": request.method().as_str(),
                "url": url.to_string(),
                "headers": headers,
                "body": body,
            });
            outln!("{out}");
        }
    }
}

/// Prints the outcome and decides the exit code.
fn report(
    result: Result<WebhookResponse, Error>,
    output: Output,
    target: &Target,
) -> Result<(), Failure> {
    let local = target.local.as_ref();
    let response = match result {
        Ok(response) => response,
        Err(Error::Transport { error, attempts }) => {
            if output == Output::Json {
                let out = json!({
                    "status": null,
                    "body": null,
                    "slack_error": null,
                    "description": null,
                    "attempts": attempts,
                    "error": error.to_string(),
                    "may_have_been_delivered": error.may_have_been_delivered(),
                });
                outln!("{out}");
            }
            let advice = if error.may_have_been_delivered() {
                "; check the channel before sending it again, or it may show twice"
            } else {
                ""
            };
            return Err(Failure::transport(format!(
                "could not deliver the message after {attempts} {}: {error}{advice}",
                plural(attempts, "attempt")
            )));
        }
        Err(Error::WaitTooLong { wait, cap }) => {
            return Err(Failure::transport(format!(
                "the message was not sent: Slack asked to wait {:.0}s, more than --max-wait {:.0}s",
                wait.as_secs_f64(),
                cap.as_secs_f64()
            )));
        }
        Err(other) => return Err(invalid(other)),
    };

    let slack_error = response.slack_error();
    let attempts = response.attempts();
    if output == Output::Json {
        let mut out = json!({
            "status": response.status().as_u16(),
            "body": response.body(),
            "slack_error": slack_error.as_ref().map(|e| e.code()),
            "description": slack_error.as_ref().map(|e| e.description()),
            "attempts": attempts,
        });
        if let Some(emulator) = local {
            let received: Vec<Value> = emulator
                .messages()
                .iter()
                .map(|m| m.payload().clone())
                .collect();
            out["received"] = Value::Array(received);
        }
        outln!("{out}");
    }

    if let Some(error) = slack_error {
        // A 429 that is still a 429 here either spent its retries or asked for a wait above
        // --max-wait: how long Slack wants is what the user needs next.
        let wait = retry_after(response.headers())
            .map(|d| format!(" (Slack asked to wait {}s)", d.as_secs()))
            .unwrap_or_default();
        return Err(Failure::refused(format!(
            "Slack refused the message ({} {}, after {attempts} {}): {}: {}{wait}",
            response.status().as_u16(),
            response.status().canonical_reason().unwrap_or(""),
            plural(attempts, "attempt"),
            error.code(),
            error.description()
        )));
    }

    if output == Output::Text {
        match local {
            Some(emulator) => print_local(emulator, attempts),
            None => outln!(
                "sent to {}: Slack answered {} {} ({attempts} {})",
                target.url,
                response.status().as_u16(),
                response.body().trim(),
                plural(attempts, "attempt")
            ),
        }
    }
    Ok(())
}

/// What a newcomer sees after `send --local`: what happened, what Slack would have received,
/// and how to do it for real.
fn print_local(emulator: &Emulator, attempts: u32) {
    outln!(
        "Sent to a local Slack emulator, which answered 200 ok as Slack would ({attempts} {}).\n\
         Nothing left this machine.",
        plural(attempts, "attempt")
    );
    for received in emulator.messages() {
        outln!();
        outln!("Slack would have received:");
        out!("{}", render::message(received.payload(), "  "));
        outln!();
        outln!("The JSON payload:");
        outln!("  {}", received.payload());
    }
    print_local_hint("--text \"Hello\"");
}

/// How to do for real what `--local` just tried; `payload` is the rest of the example command.
pub fn print_local_hint(payload: &str) {
    errln!();
    errln!(
        "To post to a real channel, use an incoming webhook URL from Slack:\n  \
         slackhook send --url https://hooks.slack.com/services/... {payload}\n\
         or set {URL_VAR}. `slackhook listen` runs the emulator for other programs to post to."
    );
}

/// `attempt`, or `attempts` unless `n` is 1.
pub fn plural(n: u32, noun: &str) -> String {
    if n == 1 {
        noun.to_owned()
    } else {
        format!("{noun}s")
    }
}
