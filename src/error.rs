use std::fmt;
use std::time::Duration;

use crate::{TransportError, UrlError, ValidationError};

/// Everything that can go wrong in slackhook's core.
///
/// Each message is short, lowercase, says what was wrong and what would be right, and never
/// contains a webhook URL, a header value or a message body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The webhook address is not usable.
    Url(UrlError),
    /// The payload breaks one of Slack's limits; nothing was sent.
    Invalid(ValidationError),
    /// A raw payload is valid JSON but not an object.
    NotAnObject {
        /// What it is instead, e.g. `"an array"`.
        found: &'static str,
    },
    /// A raw payload is not valid JSON.
    InvalidJson {
        /// Line of the first error, from 1.
        line: usize,
        /// Column of the first error, from 1.
        column: usize,
        /// What kind of error.
        reason: &'static str,
    },
    /// A header name or value is not valid HTTP.
    InvalidHeader {
        /// The header's name, or as much of it as is printable.
        name: String,
    },
    /// A proxy address is not usable.
    InvalidProxy {
        /// What is wrong with it; never the address itself, which may hold credentials.
        reason: &'static str,
    },
    /// A header that slackhook sets itself was given.
    ReservedHeader {
        /// The header's name.
        name: &'static str,
    },
    /// The request failed below HTTP and no retry handler took it (or its budget ran out).
    Transport {
        /// The last failure.
        error: TransportError,
        /// Requests transmitted, retries included.
        attempts: u32,
    },
    /// A send would have to wait longer than its cap allows before it may transmit.
    WaitTooLong {
        /// The wait it would need.
        wait: Duration,
        /// The cap.
        cap: Duration,
    },
    /// An outcome was fed to a delivery that was not waiting for one.
    UnexpectedOutcome,
    /// A delivery was polled while the outcome of its last request was still owed.
    OutcomePending,
    /// A delivery was polled after it had finished.
    AlreadyDone,
    /// A delivery was paced when no request of it was waiting to be transmitted.
    PacedOutOfTurn,
}

impl Error {
    /// The transport failure, if this is one.
    pub fn transport(&self) -> Option<&TransportError> {
        match self {
            Self::Transport { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Whether nothing was sent: the error happened before or instead of any transmission, or
    /// every transmission provably failed to leave this machine.
    pub fn is_not_sent(&self) -> bool {
        match self {
            Self::Transport { error, .. } => error.is_not_sent(),
            _ => true,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Url(e) => e.fmt(f),
            Self::Invalid(e) => e.fmt(f),
            Self::NotAnObject { found } => {
                write!(f, "payload is {found}; a Slack message is a JSON object")
            }
            Self::InvalidJson {
                line,
                column,
                reason,
            } => write!(
                f,
                "payload is not valid json: {reason} at line {line}, column {column}"
            ),
            Self::InvalidHeader { name } => write!(f, "header {name:?} is not a valid http header"),
            Self::InvalidProxy { reason } => write!(f, "proxy address is not usable: {reason}"),
            Self::ReservedHeader { name } => {
                write!(
                    f,
                    "header {name} is set by slackhook and cannot be overridden"
                )
            }
            Self::Transport { error, attempts } => {
                write!(f, "{error} (after {attempts} attempt")?;
                f.write_str(if *attempts == 1 { ")" } else { "s)" })
            }
            Self::WaitTooLong { wait, cap } => write!(
                f,
                "sending would first wait {:.1}s, more than the cap of {:.1}s",
                wait.as_secs_f64(),
                cap.as_secs_f64()
            ),
            Self::UnexpectedOutcome => f.write_str("delivery was not waiting for an outcome"),
            Self::OutcomePending => {
                f.write_str("delivery polled before the outcome of its request was fed back")
            }
            Self::AlreadyDone => f.write_str("delivery polled after it finished"),
            Self::PacedOutOfTurn => {
                f.write_str("delivery paced when no request was waiting to be transmitted")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Url(e) => Some(e),
            Self::Invalid(e) => Some(e),
            Self::Transport { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl From<UrlError> for Error {
    fn from(e: UrlError) -> Self {
        Self::Url(e)
    }
}

impl From<ValidationError> for Error {
    fn from(e: ValidationError) -> Self {
        Self::Invalid(e)
    }
}
