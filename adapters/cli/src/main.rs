//! `slackhook`: Slack incoming webhooks, `response_url` replies and request signatures from a
//! shell or a CI job.
//!
//! Every command returns `Result<(), Failure>`; `main` prints the failure to stderr and turns it
//! into the documented exit code. Nothing printed here or below ever holds a webhook URL's
//! secret path or a signing secret.

/// `println!` that survives a closed stdout (`slackhook … | head`): the line is dropped, the
/// command carries on, and the exit code still tells.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// `print!` that survives a closed stdout.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)*);
    }};
}

/// `eprintln!` that survives a closed stderr.
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod batch;
mod cli;
mod listen;
mod redact;
mod render;
mod send;
mod sign;
mod slash;

use std::fmt;
use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;

use crate::cli::{Cli, Command};

fn main() -> ExitCode {
    init_logging();

    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return clap_error(&error),
    };

    let result = match cli.command {
        Command::Send(args) => send::run(args),
        Command::Listen(args) => listen::run(args),
        Command::Slash(args) => slash::run(args),
        Command::Sign(args) => sign::sign(args),
        Command::Verify(args) => sign::verify(args),
    };

    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            // A closed stdout or stderr must not turn into a panic: the exit code still tells.
            let _ = std::io::stdout().flush();
            let _ = writeln!(std::io::stderr(), "slackhook: {failure}");
            ExitCode::from(failure.exit as u8)
        }
    }
}

/// Logs go to stderr, only when `RUST_LOG` asks for them.
///
/// ureq's own logs are always off, whatever `RUST_LOG` says: they print the full request URL
/// (the webhook's secret) and dump the request bytes. slackhook-ureq logs each attempt with
/// the URL redacted instead.
fn init_logging() {
    env_logger::Builder::new()
        .filter_level(log::LevelFilter::Off)
        .parse_env("RUST_LOG")
        .filter_module("ureq", log::LevelFilter::Off)
        .filter_module("ureq_proto", log::LevelFilter::Off)
        .init();
}

/// Prints a usage error or the help text. A usage error may quote a mistyped argument, which
/// may be a webhook URL, so errors are redacted first.
fn clap_error(error: &clap::Error) -> ExitCode {
    if !error.use_stderr() {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    let text = error.render().to_string();
    let _ = write!(std::io::stderr(), "{}", redact::urls(&text));
    ExitCode::from(Exit::Usage as u8)
}

/// The exit codes, as documented in `--help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Slack, the app or the verifier said no.
    Refused = 1,
    /// Usage or invalid input: nothing was sent.
    Usage = 2,
    /// The request could not be exchanged.
    Transport = 3,
}

/// Why a command failed: the exit code and the sentence for stderr.
#[derive(Debug)]
pub struct Failure {
    exit: Exit,
    message: String,
}

impl Failure {
    /// Slack, the app or the verifier said no (exit 1).
    pub fn refused(message: impl Into<String>) -> Self {
        Self {
            exit: Exit::Refused,
            message: message.into(),
        }
    }

    /// Usage or invalid input, nothing sent (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            exit: Exit::Usage,
            message: message.into(),
        }
    }

    /// The exchange failed below HTTP (exit 3).
    pub fn transport(message: impl Into<String>) -> Self {
        Self {
            exit: Exit::Transport,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
