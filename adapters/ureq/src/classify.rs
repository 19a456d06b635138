//! ureq's errors, sorted into *not sent* and *maybe delivered*.
//!
//! Only a failure that proves the request never left this machine is *not sent*: a failed name
//! lookup, a refused connection, a connect timeout, a failed certificate check, a proxy that
//! would not connect. Everything else, including any I/O failure that ureq does not tie to the
//! connect phase, is *maybe delivered*: webhook posts are not idempotent, and guessing wrong
//! posts a message twice. No detail copied from ureq quotes a URL.

use std::io;

use slackhook::{TransportError, TransportErrorKind as Kind};
use ureq::Timeout;

/// Classifies a failure to get a response.
pub(crate) fn classify(error: &ureq::Error) -> TransportError {
    use ureq::Error as E;

    match error {
        E::HostNotFound => TransportError::not_sent(Kind::Dns),
        E::Timeout(phase) => classify_timeout(*phase),
        E::Io(io) => classify_io(io),
        E::ConnectionFailed => {
            TransportError::not_sent(Kind::Io).with_detail("no connection could be made")
        }
        E::ConnectProxyFailed(_) | E::InvalidProxyUrl => TransportError::not_sent(Kind::Proxy),
        // Raised while the TLS session is set up, before any request byte exists.
        E::Tls(_) | E::Rustls(_) | E::Pem(_) | E::TlsRequired => {
            TransportError::not_sent(Kind::Tls)
        }
        // The request was refused by ureq itself before it opened a connection.
        E::BadUri(_) | E::Http(_) | E::RequireHttpsOnly(_) => {
            TransportError::not_sent(Kind::Protocol).with_detail("request rejected by ureq")
        }
        E::Protocol(_) => TransportError::maybe_delivered(Kind::Protocol),
        E::LargeResponseHeader(..) => {
            TransportError::maybe_delivered(Kind::Protocol).with_detail("response header too large")
        }
        _ => TransportError::maybe_delivered(Kind::Io),
    }
}

/// Classifies a failure while reading the body of a response that did arrive: whatever went
/// wrong, Slack has seen the request.
pub(crate) fn classify_body(error: io::Error) -> TransportError {
    let kind = classify(&ureq::Error::from(error)).kind();
    TransportError::maybe_delivered(kind).with_detail("while reading the response body")
}

fn classify_timeout(phase: Timeout) -> TransportError {
    match phase {
        Timeout::Resolve => TransportError::not_sent(Kind::Dns).with_detail("timed out"),
        Timeout::Connect => TransportError::not_sent(Kind::ConnectTimeout),
        // The overall budget gives no phase: it may have run out after the body went out.
        _ => TransportError::maybe_delivered(Kind::Timeout),
    }
}

fn classify_io(error: &io::Error) -> TransportError {
    use io::ErrorKind as E;

    if let Some(tls) = error
        .get_ref()
        .and_then(|e| e.downcast_ref::<rustls::Error>())
    {
        return classify_tls(tls);
    }

    // The I/O error's kind becomes the detail only where it says more than the transport kind:
    // "connection reset (broken pipe)", never "connection refused (connection refused)".
    let (classified, says_more) = match error.kind() {
        // A refusal answers a connection attempt; an established connection is reset instead.
        E::ConnectionRefused => (TransportError::not_sent(Kind::ConnectionRefused), false),
        // No local address: the connection never started.
        E::AddrNotAvailable => (TransportError::not_sent(Kind::Io), true),
        E::ConnectionReset => (
            TransportError::maybe_delivered(Kind::ConnectionReset),
            false,
        ),
        E::ConnectionAborted | E::BrokenPipe => {
            (TransportError::maybe_delivered(Kind::ConnectionReset), true)
        }
        E::UnexpectedEof => (
            TransportError::maybe_delivered(Kind::ConnectionClosed),
            false,
        ),
        E::TimedOut | E::WouldBlock => (TransportError::maybe_delivered(Kind::Timeout), false),
        E::InvalidData => (TransportError::maybe_delivered(Kind::Protocol), false),
        // Unreachable hosts and networks are usually a failed connect, but an established
        // connection can report them too once its retransmissions give up.
        _ => (TransportError::maybe_delivered(Kind::Io), true),
    };
    if says_more {
        classified.with_detail(error.kind().to_string())
    } else {
        classified
    }
}

/// TLS failures that can only happen during the handshake, which ureq completes before it
/// writes the request, are *not sent*; the rest may come later and are *maybe delivered*.
fn classify_tls(error: &rustls::Error) -> TransportError {
    use rustls::Error as E;

    let detail = match error {
        E::InvalidCertificate(_) | E::InvalidCertRevocationList(_) => "certificate rejected",
        E::NoCertificatesPresented => "no certificate presented",
        E::UnsupportedNameType => "unsupported server name",
        E::PeerIncompatible(_) => "no common tls parameters",
        _ => return TransportError::maybe_delivered(Kind::Tls),
    };
    TransportError::not_sent(Kind::Tls).with_detail(detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn io_error(kind: io::ErrorKind) -> ureq::Error {
        ureq::Error::Io(io::Error::from(kind))
    }

    #[test]
    fn failures_before_a_connection_are_not_sent() {
        for error in [
            ureq::Error::HostNotFound,
            ureq::Error::Timeout(Timeout::Connect),
            ureq::Error::Timeout(Timeout::Resolve),
            ureq::Error::ConnectionFailed,
            ureq::Error::ConnectProxyFailed("proxy said 407".into()),
            ureq::Error::Tls("no provider"),
            io_error(io::ErrorKind::ConnectionRefused),
        ] {
            assert!(classify(&error).is_not_sent(), "{error}");
        }
    }

    #[test]
    fn failures_after_a_connection_may_have_been_delivered() {
        for error in [
            ureq::Error::Timeout(Timeout::Global),
            ureq::Error::Timeout(Timeout::RecvResponse),
            io_error(io::ErrorKind::ConnectionReset),
            io_error(io::ErrorKind::BrokenPipe),
            io_error(io::ErrorKind::UnexpectedEof),
            io_error(io::ErrorKind::HostUnreachable),
            io_error(io::ErrorKind::Other),
            ureq::Error::BodyStalled,
        ] {
            assert!(classify(&error).may_have_been_delivered(), "{error}");
        }
    }

    #[test]
    fn kinds_name_what_happened() {
        let kind = |e: ureq::Error| classify(&e).kind();
        assert_eq!(kind(ureq::Error::HostNotFound), Kind::Dns);
        assert_eq!(
            kind(ureq::Error::Timeout(Timeout::Connect)),
            Kind::ConnectTimeout
        );
        assert_eq!(
            kind(io_error(io::ErrorKind::ConnectionRefused)),
            Kind::ConnectionRefused
        );
        assert_eq!(
            kind(io_error(io::ErrorKind::ConnectionReset)),
            Kind::ConnectionReset
        );
        assert_eq!(
            kind(io_error(io::ErrorKind::UnexpectedEof)),
            Kind::ConnectionClosed
        );
        assert_eq!(kind(ureq::Error::Timeout(Timeout::Global)), Kind::Timeout);
    }

    #[test]
    fn certificate_failures_are_not_sent_but_later_tls_failures_may_be() {
        let rejected = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let io = io::Error::new(io::ErrorKind::InvalidData, rejected);
        let error = classify(&ureq::Error::Io(io));
        assert!(error.is_not_sent());
        assert_eq!(error.kind(), Kind::Tls);

        let late = rustls::Error::DecryptError;
        let io = io::Error::new(io::ErrorKind::InvalidData, late);
        assert!(classify(&ureq::Error::Io(io)).may_have_been_delivered());
    }

    #[test]
    fn body_failures_are_always_maybe_delivered() {
        let error = classify_body(io::Error::from(io::ErrorKind::ConnectionRefused));
        assert!(error.may_have_been_delivered());
    }

    #[test]
    fn a_detail_is_only_given_when_it_adds_to_the_kind() {
        let shown = |kind| classify(&io_error(kind)).to_string();
        assert_eq!(
            shown(io::ErrorKind::ConnectionRefused),
            "connection refused; the message was not sent"
        );
        assert_eq!(
            shown(io::ErrorKind::ConnectionReset),
            "connection reset; the message may have been delivered"
        );
        assert_eq!(
            shown(io::ErrorKind::TimedOut),
            "timed out waiting for the response; the message may have been delivered"
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

    #[test]
    fn details_never_quote_ureq_messages_that_may_hold_a_url() {
        let secret = "https://hooks.slack.com/services/T0/B0/s3cr3t";
        for error in [
            ureq::Error::BadUri(secret.into()),
            ureq::Error::RequireHttpsOnly(secret.into()),
            ureq::Error::ConnectProxyFailed(secret.into()),
            ureq::Error::Io(io::Error::other(secret)),
        ] {
            let classified = classify(&error);
            assert!(!classified.to_string().contains("s3cr3t"));
            assert!(!format!("{classified:?}").contains("s3cr3t"));
        }
    }
}
