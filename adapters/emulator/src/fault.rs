//! Scripted failures: what the emulator does to the next request instead of answering it.

use std::time::Duration;

/// A failure to inflict on one request.
///
/// Faults queue up with [`Emulator::inject`](crate::Emulator::inject) and are taken one per
/// request, first in first out, by whichever request's head is read next (on any path, over any
/// connection). A faulted request is never recorded as an accepted message, except after
/// [`Fault::Delay`], which only slows the normal handling down.
///
/// ```
/// use std::time::Duration;
/// use slackhook_emulator::{Emulator, Fault};
///
/// let emulator = Emulator::start()?;
/// emulator.inject(Fault::status(503, "service_unavailable"));
/// emulator.inject(Fault::rate_limited("Wed, 21 Oct 2015 07:28:00 GMT"));
/// emulator.inject(Fault::ResetAfterBody);
/// emulator.inject(Fault::Delay(Duration::from_millis(50)));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Read the whole request, then answer with this response instead of handling it.
    ///
    /// `Date` is added unless `headers` has one; `Content-Length` is always computed from
    /// `body` (a `Content-Length` or `Transfer-Encoding` in `headers` is ignored, so that the
    /// connection stays usable). The connection is kept alive unless `headers` holds
    /// `Connection: close`.
    Respond {
        /// The status code, written as is.
        status: u16,
        /// Extra response headers, in order.
        headers: Vec<(String, String)>,
        /// The response body.
        body: String,
    },
    /// Read the request head only, then reset the connection (TCP RST) without reading the
    /// body. The client usually sees a reset while sending or when reading the response; the
    /// message was not delivered.
    ResetBeforeBody,
    /// Read the whole request, then reset the connection (TCP RST) without answering. The
    /// message is not recorded, but the client cannot know that: it may have been delivered.
    ResetAfterBody,
    /// Read the whole request, then close the connection (TCP FIN) without answering: the
    /// client reads end-of-file where the response should be.
    CloseAfterBody,
    /// Read the whole request, wait this long, then handle it normally (recorded if valid).
    /// Dropping the emulator cuts the wait short.
    Delay(Duration),
}

impl Fault {
    /// A plain-text error response, the way Slack answers: `Fault::status(503,
    /// "service_unavailable")`.
    pub fn status(status: u16, body: impl Into<String>) -> Self {
        Self::Respond {
            status,
            headers: vec![("Content-Type".into(), "text/plain; charset=utf-8".into())],
            body: body.into(),
        }
    }

    /// A `429 Too Many Requests` whose `Retry-After` header is `retry_after`, verbatim: seconds,
    /// an HTTP-date or garbage, to test how clients cope.
    ///
    /// The body is Slack's JSON (`{"ok":false,"error":"rate_limited"}`), with `retry_after`
    /// when the header is a whole number of seconds. It does not count in
    /// [`Emulator::rate_limited_count`](crate::Emulator::rate_limited_count), which counts the
    /// rate limiter's own answers.
    pub fn rate_limited(retry_after: &str) -> Self {
        let mut body = serde_json::json!({ "ok": false, "error": "rate_limited" });
        if let Ok(seconds) = retry_after.trim().parse::<u64>() {
            body["retry_after"] = seconds.into();
        }
        Self::Respond {
            status: 429,
            headers: vec![
                (
                    "Content-Type".into(),
                    "application/json; charset=utf-8".into(),
                ),
                ("Retry-After".into(), retry_after.into()),
            ],
            body: body.to_string(),
        }
    }

    /// A `302 Found` to `location`, which a webhook client must not follow.
    pub fn redirect(location: impl Into<String>) -> Self {
        Self::Respond {
            status: 302,
            headers: vec![("Location".into(), location.into())],
            body: String::new(),
        }
    }

    /// Adds a response header to a [`Fault::Respond`]; other faults are returned unchanged.
    ///
    /// ```
    /// use slackhook_emulator::Fault;
    ///
    /// let fault = Fault::status(503, "service_unavailable").with_header("Retry-After", "2");
    /// assert!(matches!(fault, Fault::Respond { ref headers, .. } if headers.len() == 2));
    /// ```
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        if let Self::Respond { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header<'a>(fault: &'a Fault, name: &str) -> Option<&'a str> {
        let Fault::Respond { headers, .. } = fault else {
            return None;
        };
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn rate_limited_keeps_the_retry_after_text_verbatim() {
        let fault = Fault::rate_limited("soon, maybe");
        assert_eq!(header(&fault, "retry-after"), Some("soon, maybe"));
    }

    #[test]
    fn rate_limited_puts_whole_seconds_in_the_json_body() {
        let Fault::Respond { status, body, .. } = Fault::rate_limited("3") else {
            panic!("rate_limited is a response");
        };
        assert_eq!(status, 429);
        let json: serde_json::Value = serde_json::from_str(&body).expect("json body");
        assert_eq!(json["retry_after"], 3);
        assert_eq!(json["error"], "rate_limited");
    }

    #[test]
    fn redirect_carries_a_location() {
        let fault = Fault::redirect("http://127.0.0.1:9/elsewhere");
        assert_eq!(
            header(&fault, "location"),
            Some("http://127.0.0.1:9/elsewhere")
        );
    }

    #[test]
    fn with_header_leaves_other_faults_alone() {
        assert_eq!(
            Fault::CloseAfterBody.with_header("a", "b"),
            Fault::CloseAfterBody
        );
    }
}
