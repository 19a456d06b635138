//! The command line: every command, flag and default, with the help text `--help` prints.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use slackhook::pacer::Rate;

const EXIT_CODES: &str = "\
Exit codes:
  0  done (send: Slack answered 200; verify: the signature is valid)
  1  refused (send: Slack answered an error; verify: the signature is invalid; slash: the app
     answered an error)
  2  usage or invalid input; nothing was sent
  3  transport failure (after retries, for send)

Environment:
  SLACK_WEBHOOK_URL     where `send` posts when --url is not given
  SLACK_SIGNING_SECRET  the signing secret for `slash`, `sign` and `verify`
  RUST_LOG              log to stderr, e.g. RUST_LOG=debug (off by default)

Webhook URLs are secrets: slackhook shows them redacted
(https://hooks.slack.com/services/T…/B…/***) and never prints a signing secret.";

const SEND_AFTER_HELP: &str = "\
Examples:
  slackhook send --local --text 'Hello'            try it offline: nothing leaves this machine
  slackhook send --text 'Deploy finished'          posts to $SLACK_WEBHOOK_URL
  slackhook send --url \"$HOOK\" --blocks blocks.json --text 'Deploy finished'
  jq -n '{text: \"hi\"}' | slackhook send --json -
  slackhook send --dry-run --text 'Hello'          print the request, send nothing
  slackhook send --batch messages.jsonl            one message per line, at Slack's pace
  jq -c '.[] | {text: .summary}' runs.json | slackhook send --batch - --pace 30/m

Exit codes:
  0  Slack answered 200 (--batch: to every message)
  1  Slack answered an error; stderr names its code and what it means (--batch: to at least
     one message, with no transport failure)
  2  usage or invalid input (bad URL, bad JSON, a Slack limit exceeded); nothing was sent
  3  transport failure after retries; stderr says whether the message may have been delivered
     (--batch: at least one such failure, or a message not sent, see below)

With --output json, exit codes 0, 1 and 3 print one object on stdout: status, body, slack_error
(Slack's error code), description, attempts; after a transport failure also error and
may_have_been_delivered. A dry run prints method, url, headers and body instead.

Batch mode: --batch FILE sends many messages to one webhook from a script or a CI job, keeping
to Slack's rate limit (about one message a second, short bursts allowed) instead of tripping
429s, after which Slack may disable the webhook.
  - FILE holds one JSON payload per line (JSON Lines), each whole, as for --json; blank lines
    are skipped. The payload options (--thread-ts, --no-unfurl-links, ...) apply to every line.
  - Every line is checked first: if any is invalid, each bad line is named with its number and
    the broken limit, and nothing is sent (exit 2). --dry-run stops there and prints the count.
  - The messages go out in order over one connection, each with the retries above. A failure
    does not stop the rest. After a 429 whose Retry-After is above --max-wait, the lines reached
    while that wait lasts are not sent (safe to send again later) and count as failed (exit 3).
  - stdout: one line per message (line 3: ok, line 4: 404 channel_not_found: ...) and a summary
    (5 sent, 1 failed); with --output json, nothing but one object per message: line, status,
    body, slack_error, description, attempts, and after a transport failure error and
    may_have_been_delivered.
  - --local sends the batch to the built-in emulator and shows what it received, line by line.

--pace RATE: N/s or N/m (a bare N is per second; fractions allowed), optionally with a burst of
back-to-back sends, e.g. 2/s,burst=5; without one, sends are evenly spaced. Default: Slack's
limit, 1/s,burst=3 (off with --local, whose emulator has no limit). RATE is counted from the
moment each answer comes back, not from when each message left, so that no stall of this
machine or of the network can bring two messages closer together at Slack than RATE allows;
each interval is longer by the time one exchange takes. --pace off sends each message once the
last one is answered. Either way, a 429 holds the rest back for its Retry-After. --pace needs
--batch: a single send has nothing to space.";

const LISTEN_AFTER_HELP: &str = "\
The first line of stdout is the webhook URL to post to (a local test URL, printed in full).
Every message posted to it is printed as it arrives: its text and a summary of its blocks and
attachments. The emulator answers as Slack would: 200 ok, or Slack's error for a payload Slack
would reject.

Example:
  slackhook listen --port 3000 --log messages.jsonl
  slackhook send --url http://127.0.0.1:3000/services/... --text 'Hello'   (in another shell)

Ctrl-C (or SIGTERM) stops it; the end of stdin does not.

Exit codes:
  0  stopped by Ctrl-C
  2  usage or invalid input
  3  the address could not be listened on";

const SLASH_AFTER_HELP: &str = "\
The request is signed with the signing secret (SLACK_SIGNING_SECRET, or --secret) exactly as Slack
signs it, and carries a response_url that points at a local emulator started for the purpose.
slackhook prints the app's HTTP answer, then every reply the app posts to the response_url
within --wait seconds.

Example:
  SLACK_SIGNING_SECRET=... slackhook slash --to http://localhost:3000/slack/commands \"/deploy api\"

Exit codes:
  0  the app answered 2xx
  1  the app answered another status
  2  usage or invalid input; nothing was sent
  3  the app could not be reached";

const SIGN_AFTER_HELP: &str = "\
The body is read from stdin and signed byte for byte, a trailing newline included: use
`printf '%s' \"$BODY\"`, not `echo`. The output is the two headers Slack sends:

  X-Slack-Request-Timestamp: 1531420618
  X-Slack-Signature: v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503

Exit codes:
  0  signed
  2  usage or invalid input (no signing secret)";

const VERIFY_AFTER_HELP: &str = "\
The body is read from stdin, byte for byte. A timestamp more than 300 seconds from now (either
way) is stale and rejected; --now sets \"now\" to check a recorded request.

Exit codes:
  0  the signature is valid
  1  the signature is invalid; stderr says why
  2  usage or invalid input (no signing secret)";

/// Send Slack webhook messages, run a local Slack stand-in, send signed slash commands, and sign
/// or verify Slack request signatures.
#[derive(Debug, Parser)]
#[command(name = "slackhook", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Post a message, or a batch of them, to an incoming webhook or a response_url
    Send(SendArgs),
    /// Run a local Slack stand-in and print every message posted to it
    Listen(ListenArgs),
    /// Send a signed slash command to your app, as Slack would
    Slash(SlashArgs),
    /// Sign a request body read from stdin, as Slack does
    Sign(SignArgs),
    /// Verify a Slack request signature over a body read from stdin
    Verify(VerifyArgs),
}

/// `slackhook send`.
#[derive(Debug, Args)]
#[command(after_help = SEND_AFTER_HELP)]
pub struct SendArgs {
    /// The webhook or response_url to post to [default: $SLACK_WEBHOOK_URL]
    #[arg(long, value_name = "URL", help_heading = "Target")]
    pub url: Option<String>,

    /// Deliver to a built-in local Slack emulator and print what Slack would have received
    #[arg(long, conflicts_with = "url", help_heading = "Target")]
    pub local: bool,

    /// The message text (mrkdwn); with blocks, the notification fallback
    #[arg(long, value_name = "TEXT", help_heading = "Payload")]
    pub text: Option<String>,

    /// Block Kit blocks: a file holding a JSON array (or {"blocks": [...]}); - reads stdin
    #[arg(long, value_name = "FILE", help_heading = "Payload")]
    pub blocks: Option<String>,

    /// A whole JSON payload; - reads stdin. The other payload flags override its keys
    #[arg(long, value_name = "FILE", help_heading = "Payload")]
    pub json: Option<String>,

    /// Post as a reply in the thread of the message with this ts
    #[arg(long, value_name = "TS", help_heading = "Payload")]
    pub thread_ts: Option<String>,

    /// Who sees a response_url reply
    #[arg(long, value_name = "TYPE", value_enum, help_heading = "Payload")]
    pub response_type: Option<ResponseTypeArg>,

    /// A response_url reply replaces the message it came from
    #[arg(long, help_heading = "Payload")]
    pub replace_original: bool,

    /// A response_url reply deletes the message it came from
    #[arg(long, help_heading = "Payload")]
    pub delete_original: bool,

    /// Do not let Slack expand links to web pages
    #[arg(long, help_heading = "Payload")]
    pub no_unfurl_links: bool,

    /// Do not let Slack expand links to media
    #[arg(long, help_heading = "Payload")]
    pub no_unfurl_media: bool,

    /// Retries of a connection that failed before anything was sent
    #[arg(long, value_name = "N", default_value_t = 1, help_heading = "Retries")]
    pub retry_connection: u32,

    /// Retries of a 429 (rate limited), each after Slack's Retry-After
    #[arg(long, value_name = "N", default_value_t = 2, help_heading = "Retries")]
    pub retry_rate_limit: u32,

    /// Retries of a 500 or 503; Slack may have posted the message anyway, so a retry can
    /// duplicate it
    #[arg(long, value_name = "N", default_value_t = 0, help_heading = "Retries")]
    pub retry_server_error: u32,

    /// Send many messages, one JSON payload per line (JSON Lines); - reads stdin. See "Batch
    /// mode" below
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["text", "blocks", "json"],
        help_heading = "Batch"
    )]
    pub batch: Option<String>,

    /// How fast --batch sends: N/s or N/m, optionally with ,burst=B; or off [default:
    /// 1/s,burst=3]
    #[arg(
        long,
        value_name = "RATE",
        requires = "batch",
        value_parser = pace,
        help_heading = "Batch"
    )]
    pub pace: Option<Pace>,

    /// No retries at all
    #[arg(
        long,
        conflicts_with_all = ["retry_connection", "retry_rate_limit", "retry_server_error"],
        help_heading = "Retries"
    )]
    pub no_retry: bool,

    /// The longest single wait before a retry; a longer Retry-After ends the retries
    #[arg(
        long,
        value_name = "SECS",
        default_value = "60",
        value_parser = seconds,
        help_heading = "Retries"
    )]
    pub max_wait: Duration,

    /// The time limit of each attempt
    #[arg(
        long,
        value_name = "SECS",
        default_value = "30",
        value_parser = positive_seconds,
        help_heading = "Retries"
    )]
    pub timeout: Duration,

    /// Validate the message and print the request (method, redacted URL, headers, body);
    /// send nothing. With --batch: validate every line, print how many there are
    #[arg(long, help_heading = "Output")]
    pub dry_run: bool,

    /// How to print the outcome
    #[arg(
        long,
        value_name = "FORMAT",
        value_enum,
        default_value_t = Output::Text,
        help_heading = "Output"
    )]
    pub output: Output,
}

/// `--response-type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ResponseTypeArg {
    /// Visible to everyone in the channel
    #[value(name = "in_channel", alias = "in-channel")]
    InChannel,
    /// Visible only to the user who triggered the interaction
    Ephemeral,
}

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// Sentences for people
    Text,
    /// One JSON object on stdout
    Json,
}

/// `--pace`: how the sends of a batch are spaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pace {
    /// No spacing: each send goes out as soon as the last one was answered.
    Off,
    /// At most this rate.
    Rate {
        /// The rate as parsed.
        rate: Rate,
        /// The rate as the user would write it, e.g. `1/s,burst=3`.
        label: String,
    },
}

impl Pace {
    /// Slack's documented limit for incoming webhooks, the batch default.
    pub fn slack() -> Self {
        let rate = Rate::slack();
        Self::Rate {
            rate,
            label: format!("1/s,burst={}", rate.burst()),
        }
    }

    /// The rate, unless pacing is off.
    pub fn rate(&self) -> Option<Rate> {
        match self {
            Self::Off => None,
            Self::Rate { rate, .. } => Some(*rate),
        }
    }

    /// `off`, or the rate as the user would write it.
    pub fn label(&self) -> &str {
        match self {
            Self::Off => "off",
            Self::Rate { label, .. } => label,
        }
    }
}

/// `slackhook listen`.
#[derive(Debug, Args)]
#[command(after_help = LISTEN_AFTER_HELP)]
pub struct ListenArgs {
    /// The address to listen on: an IP address, or IP:PORT
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: String,

    /// The port to listen on [default: a free one]
    #[arg(long, short, value_name = "P")]
    pub port: Option<u16>,

    /// Answer 429 with Retry-After beyond N messages a second per URL, as Slack does (Slack's
    /// own limit is about 1)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit: Option<u32>,

    /// Also append each message's JSON payload to FILE, one line each
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
}

/// `slackhook slash`.
#[derive(Debug, Args)]
#[command(after_help = SLASH_AFTER_HELP)]
pub struct SlashArgs {
    /// Your app's slash-command endpoint on this machine (plain http), e.g.
    /// http://localhost:3000/slack/commands
    #[arg(long, value_name = "APP_URL")]
    pub to: String,

    /// The command as a user types it, e.g. "/deploy api --force" (quote it)
    #[arg(value_name = "/COMMAND TEXT", required = true, num_args = 1..)]
    pub command: Vec<String>,

    /// The user_id of the user who typed it
    #[arg(long, value_name = "U")]
    pub user: Option<String>,

    /// The channel_id it was typed in
    #[arg(long, value_name = "C")]
    pub channel: Option<String>,

    /// How long to wait for replies to the response_url
    #[arg(long, value_name = "SECS", default_value = "5", value_parser = seconds)]
    pub wait: Duration,

    #[command(flatten)]
    pub secret: SecretArgs,
}

/// `slackhook sign`.
#[derive(Debug, Args)]
#[command(after_help = SIGN_AFTER_HELP)]
pub struct SignArgs {
    /// The request timestamp, in Unix seconds [default: now]
    #[arg(long, value_name = "T")]
    pub timestamp: Option<u64>,

    #[command(flatten)]
    pub secret: SecretArgs,
}

/// `slackhook verify`.
#[derive(Debug, Args)]
#[command(after_help = VERIFY_AFTER_HELP)]
pub struct VerifyArgs {
    /// The X-Slack-Request-Timestamp header's value
    #[arg(long, value_name = "T")]
    pub timestamp: String,

    /// The X-Slack-Signature header's value (v0=...)
    #[arg(long, value_name = "SIG")]
    pub signature: String,

    /// The current time, in Unix seconds, for checking a recorded request [default: now]
    #[arg(long, value_name = "T")]
    pub now: Option<u64>,

    #[command(flatten)]
    pub secret: SecretArgs,
}

/// Where a signing secret comes from.
#[derive(Debug, Args)]
pub struct SecretArgs {
    /// The app's signing secret [default: $SLACK_SIGNING_SECRET]; the variable is safer, as
    /// other users can see command lines
    #[arg(long, value_name = "SECRET")]
    pub secret: Option<String>,
}

/// Parses a number of seconds, fractions allowed: `30`, `0.5`.
fn seconds(input: &str) -> Result<Duration, String> {
    let secs: f64 = input
        .trim()
        .parse()
        .map_err(|_| format!("{input:?} is not a number of seconds"))?;
    if !secs.is_finite() || secs < 0.0 {
        return Err(format!("{input:?} is not a number of seconds"));
    }
    Duration::try_from_secs_f64(secs).map_err(|_| format!("{input:?} is too long"))
}

/// Like [`seconds`], but zero is refused: a zero time limit could never succeed.
fn positive_seconds(input: &str) -> Result<Duration, String> {
    let duration = seconds(input)?;
    if duration.is_zero() {
        return Err("must be more than 0".into());
    }
    Ok(duration)
}

/// Parses `--pace`: `off`, or `N/s`, `N/m` or a bare `N` (per second), optionally followed by
/// `,burst=B`.
fn pace(input: &str) -> Result<Pace, String> {
    let input = input.trim();
    if input.eq_ignore_ascii_case("off") {
        return Ok(Pace::Off);
    }
    let usage = || format!("{input:?} is not a rate: use N/s, N/m, N/s,burst=B or off");

    let (rate, burst) = match input.split_once(',') {
        Some((rate, burst)) => (rate.trim(), Some(burst.trim())),
        None => (input, None),
    };
    let (count, unit) = match rate.split_once('/') {
        Some((count, "s")) => (count, 1.0),
        Some((count, "m")) => (count, 60.0),
        Some(_) => return Err(usage()),
        None => (rate, 1.0),
    };

    let count: f64 = count.trim().parse().map_err(|_| usage())?;
    if !count.is_finite() || count <= 0.0 {
        return Err(format!("{input:?}: the rate must be more than 0 (or off)"));
    }
    let interval = Duration::try_from_secs_f64(unit / count)
        .ok()
        .filter(|interval| !interval.is_zero())
        .ok_or_else(|| format!("{input:?}: the rate is too high to pace; use off"))?;

    let burst = match burst {
        None => 1,
        Some(burst) => burst
            .strip_prefix("burst=")
            .and_then(|n| n.trim().parse::<u32>().ok())
            .filter(|&n| n >= 1)
            .ok_or_else(|| format!("{input:?}: write the burst as burst=B, with B at least 1"))?,
    };

    let label = match burst {
        1 => rate.to_owned(),
        _ => format!("{rate},burst={burst}"),
    };
    Ok(Pace::Rate {
        rate: Rate::every(interval).with_burst(burst),
        label,
    })
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn seconds_accept_whole_and_fractional_numbers() {
        assert_eq!(seconds("30"), Ok(Duration::from_secs(30)));
        assert_eq!(seconds("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(seconds("0"), Ok(Duration::ZERO));
    }

    #[test]
    fn seconds_refuse_negative_and_non_numbers() {
        assert!(seconds("-1").is_err());
        assert!(seconds("soon").is_err());
        assert!(seconds("inf").is_err());
        assert!(positive_seconds("0").is_err());
    }

    #[test]
    fn send_defaults_match_the_documented_ones() {
        let cli = Cli::try_parse_from(["slackhook", "send", "--text", "hi"]).expect("parses");
        let Command::Send(args) = cli.command else {
            panic!("not send");
        };
        assert_eq!(args.retry_connection, 1);
        assert_eq!(args.retry_rate_limit, 2);
        assert_eq!(args.retry_server_error, 0);
        assert_eq!(args.max_wait, Duration::from_secs(60));
        assert_eq!(args.timeout, Duration::from_secs(30));
        assert_eq!(args.output, Output::Text);
    }

    #[test]
    fn pace_reads_per_second_per_minute_and_bare_numbers() {
        let rate = |input| pace(input).expect("parses").rate().expect("a rate");
        assert_eq!(rate("2/s"), Rate::every(Duration::from_millis(500)));
        assert_eq!(rate("30/m"), Rate::every(Duration::from_secs(2)));
        assert_eq!(rate("0.5/s"), Rate::every(Duration::from_secs(2)));
        assert_eq!(rate("4"), Rate::every(Duration::from_millis(250)));
        assert_eq!(rate("1/s,burst=3"), Rate::slack());
        assert_eq!(pace("off"), Ok(Pace::Off));
    }

    #[test]
    fn pace_labels_read_as_the_user_wrote_them() {
        assert_eq!(pace("5/s").expect("parses").label(), "5/s");
        assert_eq!(pace("1/s, burst=3").expect("parses").label(), "1/s,burst=3");
        assert_eq!(Pace::slack().label(), "1/s,burst=3");
        assert_eq!(Pace::Off.label(), "off");
    }

    #[test]
    fn pace_refuses_zero_unknown_units_and_bad_bursts() {
        for input in [
            "0/s",
            "-1/s",
            "fast",
            "1/h",
            "1/s,burst=0",
            "1/s,3",
            "inf",
            "1e-400/s",
        ] {
            assert!(pace(input).is_err(), "{input} was accepted");
        }
        assert!(pace("1e12/s").is_err(), "a rate finer than a nanosecond");
    }

    #[test]
    fn pace_needs_batch_and_batch_excludes_the_payload_flags() {
        let parse = |args: &[&str]| Cli::try_parse_from([&["slackhook", "send"], args].concat());
        assert!(parse(&["--local", "--pace", "1/s"]).is_err());
        assert!(parse(&["--batch", "-", "--text", "hi"]).is_err());
        assert!(parse(&["--batch", "-", "--json", "-"]).is_err());
        assert!(parse(&["--batch", "-", "--blocks", "b.json"]).is_err());
        assert!(parse(&["--batch", "-", "--pace", "off", "--thread-ts", "1.2"]).is_ok());
    }

    #[test]
    fn no_retry_conflicts_with_an_explicit_retry_count() {
        let parsed =
            Cli::try_parse_from(["slackhook", "send", "--no-retry", "--retry-rate-limit", "3"]);
        assert!(parsed.is_err());
    }

    #[test]
    fn slash_joins_the_words_of_the_command() {
        let cli = Cli::try_parse_from([
            "slackhook",
            "slash",
            "--to",
            "http://127.0.0.1:1/",
            "/deploy",
            "api",
        ])
        .expect("parses");
        let Command::Slash(args) = cli.command else {
            panic!("not slash");
        };
        assert_eq!(args.command, ["/deploy", "api"]);
    }
}
