//! Just enough HTTP/1.1 for a webhook endpoint: request heads (parsed by `httparse`), bodies
//! framed by `Content-Length` or `Transfer-Encoding: chunked` (RFC 9112 §6–7), and responses
//! that always carry `Date` and `Content-Length`.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::SystemTime;

use http::header::{CONNECTION, CONTENT_LENGTH, EXPECT, TRANSFER_ENCODING};
use http::{HeaderMap, HeaderName, HeaderValue};

/// Request heads larger than this are refused with 431.
const MAX_HEAD: usize = 64 * 1024;
/// Bodies larger than this are refused with 413; Slack's own limits are far below it.
pub(crate) const MAX_BODY: usize = 16 * 1024 * 1024;
const MAX_HEADERS: usize = 100;
const MAX_LINE: usize = 4096;

/// A parsed request head.
#[derive(Debug)]
pub(crate) struct Head {
    pub(crate) method: String,
    pub(crate) target: String,
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub(crate) version: u8,
    pub(crate) headers: HeaderMap,
}

impl Head {
    /// The path of the request target, without the query; absolute-form targets (as sent to a
    /// proxy) are reduced to their path.
    pub(crate) fn path(&self) -> &str {
        let mut target = self.target.as_str();
        for scheme in ["http://", "https://"] {
            if let Some(rest) = target.strip_prefix(scheme) {
                target = rest.find('/').map_or("/", |i| &rest[i..]);
            }
        }
        target.split(['?', '#']).next().unwrap_or(target)
    }

    /// Whether the client asked to close the connection after this exchange (RFC 9112 §9.3).
    pub(crate) fn wants_close(&self) -> bool {
        let has = |token: &str| {
            self.headers.get_all(CONNECTION).iter().any(|v| {
                v.to_str()
                    .unwrap_or_default()
                    .split(',')
                    .any(|t| t.trim().eq_ignore_ascii_case(token))
            })
        };
        if self.version == 0 {
            !has("keep-alive")
        } else {
            has("close")
        }
    }

    /// Whether the client waits for `100 Continue` before sending the body.
    pub(crate) fn expects_continue(&self) -> bool {
        self.version == 1
            && self.headers.get(EXPECT).is_some_and(|v| {
                v.to_str()
                    .is_ok_and(|v| v.trim().eq_ignore_ascii_case("100-continue"))
            })
    }
}

/// How a body is framed.
#[derive(Debug, PartialEq, Eq)]
enum Framing {
    Length(usize),
    Chunked,
}

/// Why no complete request could be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The peer closed, reset or went silent past the timeout: nothing to answer.
    Gone,
    /// The request is malformed: answer with this status and code, then close.
    Bad(u16, &'static str),
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        Self::Gone
    }
}

/// A response to write.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Response {
    /// A plain-text response, the way Slack sends its error codes.
    pub(crate) fn text(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: vec![("Content-Type".into(), "text/plain; charset=utf-8".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    pub(crate) fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Whether the response itself says the connection ends after it.
    pub(crate) fn closes(&self) -> bool {
        self.headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("connection") && v.eq_ignore_ascii_case("close"))
    }
}

/// One server-side connection with its read buffer.
pub(crate) struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    pub(crate) fn new(stream: TcpStream) -> Self {
        Self {
            stream,
            buf: Vec::new(),
        }
    }

    pub(crate) fn into_stream(self) -> TcpStream {
        self.stream
    }

    /// Bytes received but not consumed yet (a pipelined request, or part of one).
    pub(crate) fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Reads once from the socket; `Ok(0)` is end-of-file.
    pub(crate) fn fill(&mut self) -> io::Result<usize> {
        let mut chunk = [0u8; 16 * 1024];
        let n = loop {
            match self.stream.read(&mut chunk) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n)
    }

    fn fill_or_gone(&mut self) -> Result<(), ReadError> {
        match self.fill()? {
            0 => Err(ReadError::Gone),
            _ => Ok(()),
        }
    }

    /// Reads until a whole request head is buffered, and parses it.
    pub(crate) fn read_head(&mut self) -> Result<Head, ReadError> {
        loop {
            if let Some(head) = self.parse_head()? {
                return Ok(head);
            }
            if self.buf.len() > MAX_HEAD {
                return Err(ReadError::Bad(431, "request_header_fields_too_large"));
            }
            self.fill_or_gone()?;
        }
    }

    fn parse_head(&mut self) -> Result<Option<Head>, ReadError> {
        if self.buf.is_empty() {
            return Ok(None);
        }
        let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut slots);
        let len = match request.parse(&self.buf) {
            Ok(httparse::Status::Complete(len)) => len,
            Ok(httparse::Status::Partial) => return Ok(None),
            Err(httparse::Error::TooManyHeaders) => {
                return Err(ReadError::Bad(431, "request_header_fields_too_large"));
            }
            Err(_) => return Err(ReadError::Bad(400, "bad_request")),
        };

        let mut headers = HeaderMap::with_capacity(request.headers.len());
        for header in request.headers.iter() {
            let name = HeaderName::from_bytes(header.name.as_bytes())
                .map_err(|_| ReadError::Bad(400, "bad_request"))?;
            let value = HeaderValue::from_bytes(header.value)
                .map_err(|_| ReadError::Bad(400, "bad_request"))?;
            headers.append(name, value);
        }
        let head = Head {
            method: request.method.unwrap_or_default().to_owned(),
            target: request.path.unwrap_or_default().to_owned(),
            version: request.version.unwrap_or(1),
            headers,
        };

        self.buf.drain(..len);
        Ok(Some(head))
    }

    /// Reads the body that `head` announces, decoding chunked transfer coding.
    pub(crate) fn read_body(&mut self, head: &Head) -> Result<Vec<u8>, ReadError> {
        match framing(head)? {
            Framing::Length(len) => self.take(len),
            Framing::Chunked => self.read_chunked(),
        }
    }

    fn take(&mut self, len: usize) -> Result<Vec<u8>, ReadError> {
        while self.buf.len() < len {
            self.fill_or_gone()?;
        }
        Ok(self.buf.drain(..len).collect())
    }

    /// One line without its line ending (RFC 9112 §2.2: a bare LF is tolerated).
    fn read_line(&mut self) -> Result<Vec<u8>, ReadError> {
        loop {
            if let Some(end) = self.buf.iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = self.buf.drain(..=end).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(line);
            }
            if self.buf.len() > MAX_LINE {
                return Err(ReadError::Bad(400, "bad_request"));
            }
            self.fill_or_gone()?;
        }
    }

    /// RFC 9112 §7.1: size lines in hex with optional extensions, data, CRLF; a zero size
    /// ends the body, followed by optional trailer fields and an empty line.
    fn read_chunked(&mut self) -> Result<Vec<u8>, ReadError> {
        let mut body = Vec::new();
        loop {
            let line = self.read_line()?;
            let size = std::str::from_utf8(&line)
                .ok()
                .and_then(|l| l.split(';').next())
                .and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
                .ok_or(ReadError::Bad(400, "bad_request"))?;

            if size == 0 {
                while !self.read_line()?.is_empty() {}
                return Ok(body);
            }
            if body.len().saturating_add(size) > MAX_BODY {
                return Err(ReadError::Bad(413, "payload_too_large"));
            }

            body.extend(self.take(size)?);
            self.end_of_chunk()?;
        }
    }

    /// The line ending right after a chunk's data: exactly CRLF (or a bare LF), so that a
    /// chunk longer than its size line claims is refused rather than misread.
    fn end_of_chunk(&mut self) -> Result<(), ReadError> {
        let first = self.take(1)?;
        if first == b"\n" {
            return Ok(());
        }
        if first == b"\r" && self.take(1)? == b"\n" {
            return Ok(());
        }
        Err(ReadError::Bad(400, "bad_request"))
    }

    pub(crate) fn write_continue(&mut self) -> io::Result<()> {
        self.stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
    }

    /// Writes a response with `Date` and `Content-Length`; `head_only` leaves the body out (a
    /// `HEAD` request), `close` adds `Connection: close`.
    pub(crate) fn write_response(
        &mut self,
        response: &Response,
        head_only: bool,
        close: bool,
    ) -> io::Result<()> {
        self.stream.write_all(&encode(response, head_only, close))?;
        self.stream.flush()
    }
}

fn framing(head: &Head) -> Result<Framing, ReadError> {
    if let Some(te) = head.headers.get_all(TRANSFER_ENCODING).iter().next_back() {
        // RFC 9112 §6.3: with Transfer-Encoding, chunked must be the final coding and
        // Content-Length is ignored.
        let last = te
            .to_str()
            .ok()
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim);
        return match last {
            Some(coding) if coding.eq_ignore_ascii_case("chunked") => Ok(Framing::Chunked),
            _ => Err(ReadError::Bad(501, "unsupported_transfer_encoding")),
        };
    }

    let mut length = None;
    for value in head.headers.get_all(CONTENT_LENGTH) {
        let parsed = value
            .to_str()
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .ok_or(ReadError::Bad(400, "bad_request"))?;
        if length.is_some_and(|l| l != parsed) {
            return Err(ReadError::Bad(400, "bad_request"));
        }
        length = Some(parsed);
    }
    match length {
        Some(len) if len > MAX_BODY => Err(ReadError::Bad(413, "payload_too_large")),
        Some(len) => Ok(Framing::Length(len)),
        None => Ok(Framing::Length(0)),
    }
}

fn encode(response: &Response, head_only: bool, close: bool) -> Vec<u8> {
    let reason = http::StatusCode::from_u16(response.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let mut out = format!("HTTP/1.1 {:03} {reason}\r\n", response.status);

    let has = |name: &str| {
        response
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    if !has("date") {
        out.push_str(&format!(
            "Date: {}\r\n",
            httpdate::fmt_http_date(SystemTime::now())
        ));
    }
    for (name, value) in &response.headers {
        // Framing is ours to decide, or the connection would desynchronise.
        let framing = name.eq_ignore_ascii_case("content-length")
            || name.eq_ignore_ascii_case("transfer-encoding");
        let closing = close && name.eq_ignore_ascii_case("connection");
        if !framing && !closing {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    out.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
    if close {
        out.push_str("Connection: close\r\n");
    }
    out.push_str("\r\n");

    let mut bytes = out.into_bytes();
    if !head_only {
        bytes.extend_from_slice(&response.body);
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A connected pair: the server side wrapped in `Conn`, and the client socket.
    fn pair() -> (Conn, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let client = TcpStream::connect(listener.local_addr().expect("addr")).expect("connect");
        let (server, _) = listener.accept().expect("accept");
        server
            .set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .expect("timeout");
        (Conn::new(server), client)
    }

    #[test]
    fn reads_a_head_and_a_content_length_body() {
        let (mut conn, mut client) = pair();
        client
            .write_all(b"POST /services/a?x=1 HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello")
            .expect("write");
        let head = conn.read_head().expect("head");
        assert_eq!(head.method, "POST");
        assert_eq!(head.path(), "/services/a");
        assert_eq!(conn.read_body(&head).expect("body"), b"hello");
    }

    #[test]
    fn decodes_a_chunked_body_with_extensions_and_trailers() {
        let (mut conn, mut client) = pair();
        client
            .write_all(
                b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\
                  4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: 1\r\n\r\n",
            )
            .expect("write");
        let head = conn.read_head().expect("head");
        assert_eq!(conn.read_body(&head).expect("body"), b"Wikipedia");
        assert_eq!(conn.buffered(), 0);
    }

    #[test]
    fn a_chunk_longer_than_announced_is_a_bad_request() {
        let (mut conn, mut client) = pair();
        client
            .write_all(
                b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
            )
            .expect("write");
        let head = conn.read_head().expect("head");
        assert!(matches!(conn.read_body(&head), Err(ReadError::Bad(400, _))));
    }

    #[test]
    fn pipelined_requests_stay_buffered() {
        let (mut conn, mut client) = pair();
        client
            .write_all(b"GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n")
            .expect("write");
        assert_eq!(conn.read_head().expect("first").path(), "/a");
        assert_eq!(conn.read_head().expect("second").path(), "/b");
    }

    #[test]
    fn conflicting_content_lengths_are_bad_requests() {
        let (mut conn, mut client) = pair();
        client
            .write_all(b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
            .expect("write");
        let head = conn.read_head().expect("head");
        assert!(matches!(conn.read_body(&head), Err(ReadError::Bad(400, _))));
    }

    #[test]
    fn unknown_transfer_codings_are_refused() {
        let (mut conn, mut client) = pair();
        client
            .write_all(b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n")
            .expect("write");
        let head = conn.read_head().expect("head");
        assert!(matches!(conn.read_body(&head), Err(ReadError::Bad(501, _))));
    }

    #[test]
    fn garbage_is_a_bad_request() {
        let (mut conn, mut client) = pair();
        client
            .write_all(b"\x01\x02 nonsense\r\n\r\n")
            .expect("write");
        assert!(matches!(conn.read_head(), Err(ReadError::Bad(400, _))));
    }

    #[test]
    fn http_1_0_closes_unless_kept_alive() {
        let head = |version, connection: Option<&str>| {
            let mut headers = HeaderMap::new();
            if let Some(c) = connection {
                headers.insert(CONNECTION, HeaderValue::from_str(c).expect("value"));
            }
            Head {
                method: "POST".into(),
                target: "/".into(),
                version,
                headers,
            }
        };
        assert!(head(0, None).wants_close());
        assert!(!head(0, Some("Keep-Alive")).wants_close());
        assert!(!head(1, None).wants_close());
        assert!(head(1, Some("close")).wants_close());
    }

    #[test]
    fn absolute_form_targets_reduce_to_their_path() {
        let head = Head {
            method: "POST".into(),
            target: "http://127.0.0.1:9/services/T/B/x?q".into(),
            version: 1,
            headers: HeaderMap::new(),
        };
        assert_eq!(head.path(), "/services/T/B/x");
    }

    #[test]
    fn responses_carry_date_and_content_length_and_ignore_given_framing() {
        let response = Response::text(200, "ok").with_header("Content-Length", "99");
        let text = String::from_utf8(encode(&response, false, true)).expect("utf-8");
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
        assert!(text.contains("\r\nDate: "), "{text}");
        assert!(text.contains("\r\nContent-Length: 2\r\n"), "{text}");
        assert!(!text.contains("99"), "{text}");
        assert!(text.contains("\r\nConnection: close\r\n"), "{text}");
        assert!(text.ends_with("\r\n\r\nok"), "{text}");
    }

    #[test]
    fn head_responses_keep_the_length_but_drop_the_body() {
        let text = encode(&Response::text(405, "method_not_allowed"), true, false);
        let text = String::from_utf8(text).expect("utf-8");
        assert!(text.contains("Content-Length: 18\r\n"), "{text}");
        assert!(text.ends_with("\r\n\r\n"), "{text}");
    }
}
