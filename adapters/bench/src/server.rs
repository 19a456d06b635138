//! The server side, run in a child process (`loopback --serve`) so that its CPU time is not
//! charged to the client being measured.
//!
//! The child prints `url <webhook url>` once it listens, then answers `count` on its standard
//! input with the number of TCP connections accepted so far, and exits when its standard input
//! closes, so it never outlives the benchmark.

use std::io::{self, BufRead, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

/// The answer to every post: what Slack sends for a message it accepted.
const OK: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok";

const BAD_REQUEST: &[u8] =
    b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";

/// Which server answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The dedicated keep-alive server below: a thread per connection, nothing recorded.
    Minimal,
    /// `slackhook-emulator`, which parses, checks and records every message.
    Emulator,
}

/// Runs the server until standard input closes.
pub fn serve(kind: Kind) -> io::Result<()> {
    match kind {
        Kind::Minimal => {
            let listener = TcpListener::bind("127.0.0.1:0")?;
            let port = listener.local_addr()?.port();
            let accepted = Arc::new(AtomicUsize::new(0));

            let counter = Arc::clone(&accepted);
            thread::spawn(move || accept_loop(&listener, &counter));

            let url = format!("http://127.0.0.1:{port}/services/T0BENCH00/B0BENCH00/loopbackbench");
            answer_commands(&url, || accepted.load(Ordering::Relaxed))
        }
        Kind::Emulator => {
            let emulator = slackhook_emulator::Emulator::start()?;
            let url = emulator.webhook_url();
            answer_commands(url.expose_secret(), || emulator.connection_count())
        }
    }
}

/// Tells the parent where to post, then answers its `count` queries until it hangs up.
fn answer_commands(url: &str, connections: impl Fn() -> usize) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "url {url}")?;
    out.flush()?;

    for line in io::stdin().lock().lines() {
        match line?.trim() {
            "count" => writeln!(out, "{}", connections())?,
            _ => writeln!(out, "unknown command")?,
        }
        out.flush()?;
    }
    Ok(())
}

fn accept_loop(listener: &TcpListener, accepted: &AtomicUsize) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        accepted.fetch_add(1, Ordering::Relaxed);
        // A failed connection only costs the client a retry or an error, which the
        // benchmark reports; the server goes on.
        thread::spawn(move || {
            let _ = handle(stream);
        });
    }
}

/// Answers every request on one keep-alive connection until the client closes it.
fn handle(mut stream: TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buf = Vec::with_capacity(16 * 1024);
    let mut chunk = [0u8; 16 * 1024];

    loop {
        // Read until a whole head is buffered.
        let (head_len, body_len, close) = loop {
            match parse_head(&buf) {
                Head::Complete { len, body, close } => break (len, body, close),
                Head::Partial => {}
                Head::Invalid => {
                    stream.write_all(BAD_REQUEST)?;
                    return Ok(());
                }
            }
            let n = stream.read(&mut chunk)?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };

        // Then the body, which is not looked at.
        let end = head_len + body_len;
        while buf.len() < end {
            let n = stream.read(&mut chunk)?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        buf.drain(..end);

        stream.write_all(OK)?;
        if close {
            return Ok(());
        }
    }
}

enum Head {
    Complete {
        len: usize,
        body: usize,
        close: bool,
    },
    Partial,
    Invalid,
}

/// Parses a request head; only `content-length` framing is accepted, which is what both
/// clients use for a body of known size.
fn parse_head(buf: &[u8]) -> Head {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut request = httparse::Request::new(&mut headers);
    let len = match request.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Head::Partial,
        Err(_) => return Head::Invalid,
    };

    let mut body = 0;
    let mut close = false;
    for header in request.headers.iter() {
        if header.name.eq_ignore_ascii_case("content-length") {
            let parsed = std::str::from_utf8(header.value)
                .ok()
                .and_then(|v| v.trim().parse().ok());
            match parsed {
                Some(n) => body = n,
                None => return Head::Invalid,
            }
        } else if header.name.eq_ignore_ascii_case("transfer-encoding") {
            return Head::Invalid;
        } else if header.name.eq_ignore_ascii_case("connection") {
            close = header.value.eq_ignore_ascii_case(b"close");
        }
    }
    Head::Complete { len, body, close }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_with_a_body_is_framed_by_its_content_length() {
        let request = b"POST /x HTTP/1.1\r\nhost: a\r\nContent-Length: 5\r\n\r\nhello";
        let Head::Complete { len, body, close } = parse_head(request) else {
            panic!("a complete head");
        };
        assert_eq!((len, body, close), (request.len() - 5, 5, false));
    }

    #[test]
    fn a_chunked_post_is_refused() {
        let request = b"POST /x HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n";
        assert!(matches!(parse_head(request), Head::Invalid));
    }

    #[test]
    fn a_partial_head_asks_for_more() {
        assert!(matches!(
            parse_head(b"POST /x HTTP/1.1\r\nhost"),
            Head::Partial
        ));
    }
}
