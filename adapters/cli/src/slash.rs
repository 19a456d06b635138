//! `slackhook slash`: a signed slash command to an app, and the replies it posts back.

use std::io;
use std::thread;
use std::time::{Duration, Instant};

use slackhook_emulator::{Emulator, SlashCommandRequest, SlashResponse};

use crate::cli::SlashArgs;
use crate::{Failure, render, sign};

/// How often the response_url is checked for replies.
const POLL: Duration = Duration::from_millis(50);

/// Slack lets an app use a response_url this many times; a sixth reply is refused.
const MAX_REPLIES: usize = 5;

/// Runs `slackhook slash`.
pub fn run(args: SlashArgs) -> Result<(), Failure> {
    let secret = sign::secret(&args.secret)?;
    let typed = args.command.join(" ");
    let (command, text) = split_command(&typed)?;

    let emulator = Emulator::builder()
        .signing_secret(secret)
        .start()
        .map_err(|e| {
            Failure::transport(format!("could not start the local Slack emulator: {e}"))
        })?;

    let mut request = SlashCommandRequest::new(command, text);
    if let Some(user) = &args.user {
        request = request.user(user);
    }
    if let Some(channel) = &args.channel {
        request = request.channel(channel);
    }

    errln!("sending {command} to the app, signed as Slack signs it");
    let answer = emulator
        .slash_command(&args.to, request)
        .map_err(|e| app_error(&e))?;
    print_answer(&answer);

    let replies = wait_for_replies(&emulator, &answer, args.wait);
    outln!();
    outln!(
        "{replies} {} to the response_url within {}s",
        if replies == 1 { "reply" } else { "replies" },
        args.wait.as_secs_f64()
    );

    if (200..300).contains(&answer.status) {
        Ok(())
    } else {
        Err(Failure::refused(format!(
            "the app answered {}; Slack would show the user an error",
            answer.status
        )))
    }
}

/// `"/deploy api --force"` into `("/deploy", "api --force")`.
fn split_command(typed: &str) -> Result<(&str, &str), Failure> {
    let typed = typed.trim();
    let (command, text) = typed.split_once(char::is_whitespace).unwrap_or((typed, ""));
    if command.len() < 2 || !command.starts_with('/') {
        return Err(Failure::usage(format!(
            "{command:?} is not a slash command: expected \"/command text\", e.g. \"/deploy api\""
        )));
    }
    Ok((command, text.trim_start()))
}

fn app_error(error: &io::Error) -> Failure {
    match error.kind() {
        io::ErrorKind::InvalidInput => Failure::usage(format!("--to: {error}")),
        io::ErrorKind::TimedOut => Failure::transport(format!(
            "the app did not answer within 3 seconds, as Slack requires: {error}"
        )),
        _ => Failure::transport(format!("could not reach the app: {error}")),
    }
}

fn print_answer(answer: &SlashResponse) {
    let reason = slackhook::http::StatusCode::from_u16(answer.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    outln!("app answered {} {reason}", answer.status);
    if let Some(kind) = answer.headers.get("content-type") {
        outln!("content-type: {}", kind.to_str().unwrap_or("(not text)"));
    }
    if answer.body.is_empty() {
        outln!("(empty body: Slack shows nothing until the app replies to the response_url)");
        return;
    }
    outln!();
    outln!("{}", answer.body);

    // A JSON answer is a message Slack shows in the channel: show it as one.
    if let Ok(payload) = serde_json::from_str::<serde_json::Value>(&answer.body) {
        if payload.is_object() {
            out!("{}", render::message(&payload, "  "));
        }
    }
}

/// Prints each reply as it arrives, until `wait` has passed or Slack's limit is reached.
fn wait_for_replies(emulator: &Emulator, answer: &SlashResponse, wait: Duration) -> usize {
    let deadline = Instant::now() + wait;
    let mut shown = 0;
    loop {
        let replies = emulator.messages_to(&answer.response_url);
        for reply in replies.iter().skip(shown) {
            shown += 1;
            outln!();
            outln!("reply {shown} to the response_url:");
            out!("{}", render::message(reply.payload(), "  "));
        }

        let now = Instant::now();
        if shown >= MAX_REPLIES || now >= deadline {
            return shown;
        }
        thread::sleep(POLL.min(deadline - now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_is_split_from_its_text() {
        assert_eq!(
            split_command("/deploy api --force").ok(),
            Some(("/deploy", "api --force"))
        );
        assert_eq!(split_command(" /ping ").ok(), Some(("/ping", "")));
    }

    #[test]
    fn a_command_must_start_with_a_slash() {
        assert!(split_command("deploy api").is_err());
        assert!(split_command("/").is_err());
        assert!(split_command("").is_err());
    }
}
