//! `slackhook send --batch`: many messages to one webhook, one JSON payload per line.
//!
//! Every line is parsed and validated before the first send: a typo on line 900 must not leave
//! a channel with 899 messages and a script with no clean way to resume. The messages then go
//! out in order through one client, so they share one connection pool and one pacer, which
//! holds them all back after a 429; the batch spaces them to the rate, counted from Slack's
//! answers (see [`run`]).
//!
//! A failed message does not stop the batch. One that could not even be sent because Slack
//! asked for a wait above `--max-wait` does not either: the pacer then refuses the next lines
//! only for as long as Slack's wait lasts, and nothing is transmitted in the meantime.

use std::fmt::Write as _;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use slackhook::pacer::{Pacer, Rate};
use slackhook::retry::retry_after;
use slackhook::{Error, Message, TransportError, Webhook, WebhookResponse};
use slackhook_emulator::Emulator;
use slackhook_ureq::WebhookClient;

use crate::cli::{Output, Pace, SendArgs};
use crate::send::{self, Target, plural};
use crate::{Failure, render};

/// How many line numbers a failure message lists before it only counts the rest.
const LISTED_LINES: usize = 10;

/// One message of the batch, validated.
struct Line {
    /// Its line number in the file, from 1, blank lines counted.
    number: usize,
    message: Message,
}

/// What became of one message.
enum Outcome {
    /// Slack answered 200.
    Sent(WebhookResponse),
    /// Slack answered with an error.
    Refused(WebhookResponse),
    /// The exchange failed below HTTP, after the retries.
    Transport {
        error: TransportError,
        attempts: u32,
    },
    /// Nothing was transmitted, for this reason.
    NotSent(String),
}

impl Outcome {
    fn of(result: Result<WebhookResponse, Error>, max_wait: Duration) -> Self {
        match result {
            Ok(response) if response.is_ok() => Self::Sent(response),
            Ok(response) => Self::Refused(response),
            Err(Error::Transport { error, attempts }) => Self::Transport { error, attempts },
            Err(Error::WaitTooLong { wait, .. }) => Self::NotSent(format!(
                "Slack asked to wait {}s, more than --max-wait {}s",
                secs(wait.as_secs_f64().ceil()),
                secs(max_wait.as_secs_f64())
            )),
            Err(other) => Self::NotSent(other.to_string()),
        }
    }

    /// Whether the exit code must say transport failure (3) rather than refused (1).
    fn is_transport(&self) -> bool {
        matches!(self, Self::Transport { .. } | Self::NotSent(_))
    }
}

/// Runs `slackhook send --batch SOURCE`.
pub fn run(args: &SendArgs, source: &str) -> Result<(), Failure> {
    let pace = pace(args)?;

    // The target comes first, as for a single send: with none, saying so beats reading stdin.
    let (target, received) = target(args)?;
    let text = send::read_source(source, "--batch")?;
    let client = client(args, &target, pace.rate())?;
    let lines = parse(&text, source, args, client.webhook())?;

    if args.dry_run {
        print_dry_run(lines.len(), &target, &pace, args.output);
        return Ok(());
    }

    // The client's pacer counts the rate from the moment each message leaves; Slack counts it
    // from the moment each one arrives, which a slow connect, a stall of this machine or of
    // the network can push later than usual, bringing it and the next one closer together
    // than the rate allows. A message surely arrived before its answer came back: counting
    // the rate from the answers keeps every arrival one interval from the last, whatever
    // stalls, at the cost of one exchange's time per interval. The client's pacer then never
    // has to wait, except for what a 429 asks.
    let mut schedule = pace.rate().map(Pacer::with_rate);
    let mut tally = Tally::default();
    for line in &lines {
        if let Some(schedule) = &schedule {
            let now = Instant::now();
            std::thread::sleep(schedule.earliest(now).saturating_duration_since(now));
        }
        let result = client.send(&line.message);
        if let Some(schedule) = &mut schedule {
            schedule.reserve(Instant::now());
        }

        let outcome = Outcome::of(result, args.max_wait);
        let payloads: Vec<Value> = received
            .as_ref()
            .map_or_else(Vec::new, |received| received.try_iter().collect());
        print_line(line.number, &outcome, &payloads, &target, args.output);
        tally.add(line.number, &outcome);
    }

    if args.output == Output::Text {
        outln!("{} sent, {} failed", tally.sent, tally.failed.len());
        if target.local.is_some() {
            outln!("A local Slack emulator answered as Slack would; nothing left this machine.");
            send::print_local_hint("--batch FILE");
        }
    }
    tally.into_result(lines.len())
}

/// The pace asked for, or the default: Slack's limit, except for the built-in emulator, which
/// has none.
fn pace(args: &SendArgs) -> Result<Pace, Failure> {
    let pace = match &args.pace {
        Some(pace) => pace.clone(),
        None if args.local => Pace::Off,
        None => Pace::slack(),
    };

    // A retry waits for its slot in the client's pacer, and that wait counts against
    // --max-wait: with a slower pace, no retry could ever be made.
    if let Some(rate) = pace.rate() {
        if rate.interval() > args.max_wait {
            return Err(Failure::usage(format!(
                "--pace {} spaces messages {}s apart, more than --max-wait {}s lets one wait; \
                 raise --max-wait or choose a faster --pace (or off); nothing was sent",
                pace.label(),
                secs(rate.interval().as_secs_f64()),
                secs(args.max_wait.as_secs_f64())
            )));
        }
    }
    Ok(pace)
}

/// The target; for `--local`, also what the emulator accepts, message by message.
fn target(args: &SendArgs) -> Result<(Target, Option<mpsc::Receiver<Value>>), Failure> {
    if !args.local {
        return Ok((send::remote_target(args)?, None));
    }

    // The emulator hands each message over before it answers 200, so by the time a send
    // returns, its message is waiting here.
    let (accepted, received) = mpsc::channel();
    let builder = Emulator::builder().on_message(move |message| {
        let _ = accepted.send(message.payload().clone());
    });
    Ok((send::local_target(builder)?, Some(received)))
}

/// One client for the whole batch, paced at `rate` unless that is `None` (`--pace off`).
fn client(args: &SendArgs, target: &Target, rate: Option<Rate>) -> Result<WebhookClient, Failure> {
    let mut builder = send::client_builder(args, target.url.clone(), target.local.is_some());
    if let Some(rate) = rate {
        builder = builder.pacing(rate);
    }
    send::build(builder)
}

/// Every non-blank line as a validated message; any invalid line fails the whole batch, with
/// every bad line named.
fn parse(
    text: &str,
    source: &str,
    args: &SendArgs,
    webhook: &Webhook,
) -> Result<Vec<Line>, Failure> {
    // A byte order mark, as some Windows editors write, is not part of the first payload.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);

    let mut lines = Vec::new();
    let mut bad = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        if raw.trim().is_empty() {
            continue;
        }
        match check(raw, args, webhook) {
            Ok(message) => lines.push(Line { number, message }),
            Err(reason) => bad.push(format!("line {number}: {reason}")),
        }
    }

    if !bad.is_empty() {
        let total = lines.len() + bad.len();
        return Err(Failure::usage(format!(
            "--batch {}: {} of {total} {} invalid; nothing was sent:\n  {}",
            send::name(source),
            bad.len(),
            if total == 1 {
                "message is"
            } else {
                "messages are"
            },
            bad.join("\n  ")
        )));
    }
    if lines.is_empty() {
        return Err(Failure::usage(format!(
            "nothing to send: --batch {} holds no messages; nothing was sent",
            send::name(source)
        )));
    }
    Ok(lines)
}

/// One line as a message, with the payload options applied, checked against Slack's limits.
fn check(raw: &str, args: &SendArgs, webhook: &Webhook) -> Result<Message, String> {
    let message = Message::from_json_str(raw).map_err(|e| match e {
        // The position within the line is what helps: the line number is already given.
        Error::InvalidJson { column, reason, .. } => {
            format!("not valid json: {reason} at column {column}")
        }
        Error::NotAnObject { found } => {
            format!("{found}, not a JSON object; --batch takes one whole message object per line")
        }
        other => other.to_string(),
    })?;
    let message = send::with_payload_options(message, args);

    // The same validation that sending runs, so that a line that passes here cannot fail it.
    webhook.send(&message).map_err(|e| match e {
        Error::Invalid(e) => format!("invalid message: {e}"),
        other => other.to_string(),
    })?;
    Ok(message)
}

fn print_dry_run(count: usize, target: &Target, pace: &Pace, output: Output) {
    let url = &target.url;
    match output {
        Output::Text => {
            errln!(
                "dry run: {} valid; nothing was sent",
                match count {
                    1 => "the message is".to_owned(),
                    n => format!("all {n} messages are"),
                }
            );
            outln!("POST {url}");
            outln!("messages: {count}");
            outln!("pace: {}", pace.label());
        }
        Output::Json => {
            let out = json!({
                "dry_run": true,
                "method": "POST",
                "url": url.to_string(),
                "messages": count,
                "pace": pace.label(),
            });
            outln!("{out}");
        }
    }
}

/// One line of output (text or JSON) for one message.
fn print_line(
    number: usize,
    outcome: &Outcome,
    received: &[Value],
    target: &Target,
    output: Output,
) {
    match output {
        Output::Text => {
            outln!("line {number}: {}", describe(outcome));
            if target.local.is_some() {
                for payload in received {
                    out!("{}", render::message(payload, "  "));
                }
            }
        }
        Output::Json => {
            let mut out = report(number, outcome);
            if target.local.is_some() {
                out["received"] = Value::Array(received.to_vec());
            }
            outln!("{out}");
        }
    }
}

/// `ok`, `404 channel_not_found: the channel is gone or invalid`, `transport failure, …`.
fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Sent(response) => match response.attempts() {
            1 => "ok".to_owned(),
            n => format!("ok ({n} attempts)"),
        },
        Outcome::Refused(response) => {
            let mut text = format!("{}", response.status().as_u16());
            if let Some(error) = response.slack_error() {
                let _ = write!(text, " {}: {}", error.code(), error.description());
            }
            if let Some(wait) = retry_after(response.headers()) {
                let _ = write!(text, " (Slack asked to wait {}s)", wait.as_secs());
            }
            let attempts = response.attempts();
            if attempts > 1 {
                let _ = write!(text, " (after {attempts} attempts)");
            }
            text
        }
        Outcome::Transport { error, attempts } => {
            let delivered = if error.may_have_been_delivered() {
                "may have been delivered"
            } else {
                "not delivered"
            };
            format!(
                "transport failure, {delivered}: {error} (after {attempts} {})",
                plural(*attempts, "attempt")
            )
        }
        Outcome::NotSent(reason) => format!("not sent: {reason}"),
    }
}

/// The JSON object for one message: the single send's fields, and the line number.
fn report(number: usize, outcome: &Outcome) -> Value {
    match outcome {
        Outcome::Sent(response) | Outcome::Refused(response) => {
            let slack_error = response.slack_error();
            json!({
                "line": number,
                "status": response.status().as_u16(),
                "body": response.body(),
                "slack_error": slack_error.as_ref().map(|e| e.code()),
                "description": slack_error.as_ref().map(|e| e.description()),
                "attempts": response.attempts(),
            })
        }
        Outcome::Transport { error, attempts } => json!({
            "line": number,
            "status": null,
            "body": null,
            "slack_error": null,
            "description": null,
            "attempts": attempts,
            "error": error.to_string(),
            "may_have_been_delivered": error.may_have_been_delivered(),
        }),
        Outcome::NotSent(reason) => json!({
            "line": number,
            "status": null,
            "body": null,
            "slack_error": null,
            "description": null,
            "attempts": 0,
            "error": format!("not sent: {reason}"),
            "may_have_been_delivered": false,
        }),
    }
}

/// The batch so far: what the summary and the exit code need.
#[derive(Debug, Default)]
struct Tally {
    sent: usize,
    /// Line numbers of every message that was not answered 200.
    failed: Vec<usize>,
    /// Line numbers of the failures that may still have reached Slack.
    maybe_delivered: Vec<usize>,
    transport: bool,
}

impl Tally {
    fn add(&mut self, number: usize, outcome: &Outcome) {
        match outcome {
            Outcome::Sent(_) => self.sent += 1,
            _ => self.failed.push(number),
        }
        if let Outcome::Transport { error, .. } = outcome {
            if error.may_have_been_delivered() {
                self.maybe_delivered.push(number);
            }
        }
        self.transport |= outcome.is_transport();
    }

    /// Exit 0 when every message was answered 200; 3 after any transport failure; else 1.
    fn into_result(self, total: usize) -> Result<(), Failure> {
        if self.failed.is_empty() {
            return Ok(());
        }
        if !self.transport {
            return Err(Failure::refused(format!(
                "Slack refused {} of {total} {}: {}",
                self.failed.len(),
                messages(total),
                list(&self.failed)
            )));
        }

        let mut text = format!(
            "{} of {total} {} failed: {}",
            self.failed.len(),
            messages(total),
            list(&self.failed)
        );
        if !self.maybe_delivered.is_empty() {
            let _ = write!(
                text,
                "; {} may have been delivered anyway: check the channel before sending {} again",
                list(&self.maybe_delivered),
                if self.maybe_delivered.len() == 1 {
                    "it"
                } else {
                    "them"
                }
            );
        }
        Err(Failure::transport(text))
    }
}

fn messages(n: usize) -> &'static str {
    if n == 1 { "message" } else { "messages" }
}

/// `line 4`, `lines 4, 9`, `lines 1, 2, …, 10 and 5 more`.
fn list(numbers: &[usize]) -> String {
    let shown: Vec<String> = numbers
        .iter()
        .take(LISTED_LINES)
        .map(usize::to_string)
        .collect();
    let mut text = format!(
        "{} {}",
        if numbers.len() == 1 { "line" } else { "lines" },
        shown.join(", ")
    );
    if numbers.len() > LISTED_LINES {
        let _ = write!(text, " and {} more", numbers.len() - LISTED_LINES);
    }
    text
}

/// Seconds as people write them: `1`, `0.5`, `0.333`.
fn secs(secs: f64) -> String {
    let text = format!("{secs:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_lists_name_the_first_lines_and_count_the_rest() {
        assert_eq!(list(&[4]), "line 4");
        assert_eq!(list(&[4, 9]), "lines 4, 9");
        let many: Vec<usize> = (1..=15).collect();
        assert_eq!(
            list(&many),
            "lines 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 5 more"
        );
    }

    #[test]
    fn seconds_read_without_trailing_zeros() {
        assert_eq!(secs(1.0), "1");
        assert_eq!(secs(0.5), "0.5");
        assert_eq!(secs(1.0 / 3.0), "0.333");
        assert_eq!(secs(60.0), "60");
    }

    #[test]
    fn a_refused_message_reads_as_its_status_code_and_meaning() {
        let response = WebhookResponse::new(
            slackhook::http::StatusCode::NOT_FOUND,
            slackhook::http::HeaderMap::new(),
            "channel_not_found".into(),
        );
        assert_eq!(
            describe(&Outcome::Refused(response)),
            "404 channel_not_found: the channel is gone or invalid"
        );
    }

    #[test]
    fn any_transport_failure_decides_the_exit_code() {
        let refused = WebhookResponse::new(
            slackhook::http::StatusCode::NOT_FOUND,
            slackhook::http::HeaderMap::new(),
            "channel_not_found".into(),
        );
        let mut tally = Tally::default();
        tally.add(1, &Outcome::Refused(refused));
        tally.add(2, &Outcome::NotSent("Slack asked to wait 30s".into()));
        let failure = tally.into_result(2).expect_err("two failed");
        assert_eq!(failure.exit, crate::Exit::Transport);
        assert_eq!(failure.to_string(), "2 of 2 messages failed: lines 1, 2");
    }
}
