//! reqwest's errors, sorted into *not sent* and *maybe delivered*.
//!
//! reqwest marks every failure of its connector with `is_connect()`: no request byte is written
//! before the connection (and the TLS session, and the proxy tunnel) stands, so those are *not
//! sent*. Everything after that, including a timeout of the whole exchange that reqwest does not
//! tie to a phase, is *maybe delivered*: webhook posts are not idempotent, and guessing wrong
//! posts a message twice. reqwest's errors quote the request URL; nothing of their text is kept,
//! only kinds.

use std::error::Error as StdError;
use std::io;

use slackhook::{TransportError, TransportErrorKind as Kind};

/// Classifies a failure to get a response. `via_proxy` says whether the client was built to
/// connect through a proxy, which then is what a failed connect failed to reach.
pub(crate) fn classify(error: reqwest::Error, via_proxy: bool) -> TransportError {
    let error = error.without_url();

    if error.is_builder() {
        return TransportError::not_sent(Kind::Protocol).with_detail("request rejected by reqwest");
    }
    if error.is_connect() {
        return classify_connect(&error, via_proxy);
    }
    if error.is_timeout() {
        return TransportError::maybe_delivered(Kind::Timeout);
    }
    let after_connect = classify_chain(&error);
    if error.is_body() || error.is_decode() {
        let kind = after_connect.kind();
        return TransportError::maybe_delivered(kind)
            .with_detail("while reading the response body");
    }
    after_connect
}

fn classify_connect(error: &reqwest::Error, via_proxy: bool) -> TransportError {
    if find::<rustls::Error>(error).is_some() {
        return TransportError::not_sent(Kind::Tls);
    }
    if error.is_timeout() {
        return TransportError::not_sent(Kind::ConnectTimeout);
    }
    if via_proxy {
        return TransportError::not_sent(Kind::Proxy);
    }
    if error.is_dns() {
        return TransportError::not_sent(Kind::Dns);
    }
    match find::<io::Error>(error) {
        Some(io) if io.kind() == io::ErrorKind::ConnectionRefused => {
            TransportError::not_sent(Kind::ConnectionRefused)
        }
        Some(io) => TransportError::not_sent(Kind::Io).with_detail(io.kind().to_string()),
        None => TransportError::not_sent(Kind::Io).with_detail("no connection could be made"),
    }
}

/// Looks through the source chain for what the socket or hyper reported.
fn classify_chain(error: &reqwest::Error) -> TransportError {
    if let Some(io) = find::<io::Error>(error) {
        return classify_io(io);
    }
    let kind = match find::<hyper::Error>(error) {
        Some(hyper) if hyper.is_incomplete_message() || hyper.is_canceled() => {
            Kind::ConnectionClosed
        }
        Some(hyper) if hyper.is_parse() => Kind::Protocol,
        Some(hyper) if hyper.is_timeout() => Kind::Timeout,
        _ => Kind::Io,
    };
    TransportError::maybe_delivered(kind)
}

fn classify_io(error: &io::Error) -> TransportError {
    use io::ErrorKind as E;

    // The I/O error's kind becomes the detail only where it says more than the transport kind:
    // "connection reset (broken pipe)", never "connection reset (connection reset)".
    let (kind, says_more) = match error.kind() {
        E::ConnectionReset => (Kind::ConnectionReset, false),
        E::ConnectionAborted | E::BrokenPipe => (Kind::ConnectionReset, true),
        E::UnexpectedEof => (Kind::ConnectionClosed, false),
        E::TimedOut => (Kind::Timeout, false),
        E::InvalidData => (Kind::Protocol, false),
        _ => (Kind::Io, true),
    };
    let classified = TransportError::maybe_delivered(kind);
    if says_more {
        classified.with_detail(error.kind().to_string())
    } else {
        classified
    }
}

fn find<'a, T: StdError + 'static>(error: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut source = error.source();
    while let Some(cause) = source {
        if let Some(found) = cause.downcast_ref::<T>() {
            return Some(found);
        }
        source = cause.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_detail_is_only_given_when_it_adds_to_the_kind() {
        let shown = |kind| classify_io(&io::Error::from(kind)).to_string();
        assert_eq!(
            shown(io::ErrorKind::ConnectionReset),
            "connection reset; the message may have been delivered"
        );
        assert_eq!(
            shown(io::ErrorKind::UnexpectedEof),
            "connection closed without a response; the message may have been delivered"
        );
        assert_eq!(
            shown(io::ErrorKind::BrokenPipe),
            "connection reset (broken pipe); the message may have been delivered"
        );
        assert_eq!(
            shown(io::ErrorKind::HostUnreachable),
            "i/o error (host unreachable); the message may have been delivered"
        );
    }
}
