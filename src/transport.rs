//! Failures below HTTP, and whether the request may have reached Slack.

use std::fmt;

/// What went wrong on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The host name did not resolve.
    Dns,
    /// The server refused the connection.
    ConnectionRefused,
    /// No connection was established in time.
    ConnectTimeout,
    /// The TLS handshake failed.
    Tls,
    /// The proxy failed or refused the connection.
    Proxy,
    /// The connection was reset.
    ConnectionReset,
    /// The connection closed before a complete response arrived.
    ConnectionClosed,
    /// No response arrived in time.
    Timeout,
    /// The response was not valid HTTP.
    Protocol,
    /// Any other I/O failure.
    Io,
}

impl TransportErrorKind {
    fn describe(self) -> &'static str {
        match self {
            Self::Dns => "dns lookup failed",
            Self::ConnectionRefused => "connection refused",
            Self::ConnectTimeout => "connect timed out",
            Self::Tls => "tls handshake failed",
            Self::Proxy => "proxy failed",
            Self::ConnectionReset => "connection reset",
            Self::ConnectionClosed => "connection closed without a response",
            Self::Timeout => "timed out waiting for the response",
            Self::Protocol => "invalid http response",
            Self::Io => "i/o error",
        }
    }
}

/// Whether a failed request may have reached Slack.
///
/// Webhook posts are not idempotent: retrying a request that Slack did receive posts the
/// message twice. Only a failure that proves nothing left this machine (no connection, a refused
/// connection, a failed handshake) is [`Sent::No`]; once the body may have been written, even a
/// write the kernel merely accepted, it is [`Sent::Maybe`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sent {
    /// Certainly not sent: retrying cannot duplicate the message.
    No,
    /// Maybe delivered: retrying could post the message twice.
    Maybe,
}

/// A failure to exchange one request and response with Slack.
///
/// Adapters build these from their HTTP client's errors; the message never contains the webhook
/// URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError {
    kind: TransportErrorKind,
    sent: Sent,
    detail: Option<String>,
}

impl TransportError {
    /// A failure that proves the request never left this machine.
    pub fn not_sent(kind: TransportErrorKind) -> Self {
        Self {
            kind,
            sent: Sent::No,
            detail: None,
        }
    }

    /// A failure after the request may have been written.
    pub fn maybe_delivered(kind: TransportErrorKind) -> Self {
        Self {
            kind,
            sent: Sent::Maybe,
            detail: None,
        }
    }

    /// Adds a short detail from the HTTP client. The caller must have removed any URL from it.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the request may have reached Slack.
    pub fn sent(&self) -> Sent {
        self.sent
    }

    /// Whether the request certainly never reached Slack: a retry cannot duplicate it.
    pub fn is_not_sent(&self) -> bool {
        self.sent == Sent::No
    }

    /// Whether the request may have reached Slack: a retry could duplicate it.
    pub fn may_have_been_delivered(&self) -> bool {
        self.sent == Sent::Maybe
    }

    /// The HTTP client's detail, if any.
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.describe())?;
        if let Some(detail) = &self.detail {
            write!(f, " ({detail})")?;
        }
        match self.sent {
            Sent::No => f.write_str("; the message was not sent"),
            Sent::Maybe => f.write_str("; the message may have been delivered"),
        }
    }
}

impl std::error::Error for TransportError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_sent_errors_say_nothing_was_delivered() {
        let e = TransportError::not_sent(TransportErrorKind::ConnectionRefused);
        assert!(e.is_not_sent());
        assert!(!e.may_have_been_delivered());
        assert_eq!(
            e.to_string(),
            "connection refused; the message was not sent"
        );
    }

    #[test]
    fn maybe_delivered_errors_say_so() {
        let e = TransportError::maybe_delivered(TransportErrorKind::Timeout).with_detail("30s");
        assert!(e.may_have_been_delivered());
        assert_eq!(
            e.to_string(),
            "timed out waiting for the response (30s); the message may have been delivered"
        );
    }
}
