//! Slack's `mrkdwn` text format.
//!
//! Slack reads `&`, `<` and `>` as control characters in message text; user-supplied text must
//! have exactly those three escaped, and nothing else ([`escape`]).
//!
//! Links, mentions and dates are written between `<` and `>`; the helpers here build them, with
//! every label and fallback escaped:
//!
//! ```
//! use slackhook::mrkdwn;
//!
//! let text = format!(
//!     "{} {} deployed {} at {}",
//!     mrkdwn::HERE,
//!     mrkdwn::user("U012AB3CD"),
//!     mrkdwn::link("https://ci.example.com/runs/42", "api <v42>"),
//!     mrkdwn::Date::new(1392734382, "{time}", "14:39 UTC"),
//! );
//! assert_eq!(
//!     text,
//!     "<!here> <@U012AB3CD> deployed <https://ci.example.com/runs/42|api &lt;v42&gt;> \
//!      at <!date^1392734382^{time}|14:39 UTC>"
//! );
//! ```
//!
//! ## URLs
//!
//! Inside `<…>` Slack ends a URL at the first `|` (where the label starts) or `>` (where the link
//! ends). Neither character, nor `<`, may appear unencoded in a URL (RFC 3986, section 2), so
//! [`link`] and [`url`] percent-encode them (`%7C`, `%3E`, `%3C`): the link keeps pointing where
//! it pointed, and Slack cannot be made to read part of a URL as a label or as more markup.
//! Nothing else in the URL is changed.

use std::borrow::Cow;
use std::fmt;

/// `<!here>`: notifies the channel's active members.
pub const HERE: &str = "<!here>";

/// `<!channel>`: notifies every member of the channel.
pub const CHANNEL: &str = "<!channel>";

/// `<!everyone>`: notifies everyone in the workspace's general channel.
pub const EVERYONE: &str = "<!everyone>";

/// Escapes `&`, `<` and `>` for use in `mrkdwn` or plain message text.
///
/// Borrows when there is nothing to escape.
///
/// ```
/// assert_eq!(slackhook::mrkdwn::escape("a < b && c > d"), "a &lt; b &amp;&amp; c &gt; d");
/// assert_eq!(slackhook::mrkdwn::escape("*bold* _it_"), "*bold* _it_");
/// ```
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.contains(['&', '<', '>']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A link with a label: `<url|label>`.
///
/// The label is [escaped](escape); `|`, `<` and `>` in the URL are percent-encoded (see
/// [URLs](self#urls)).
///
/// ```
/// use slackhook::mrkdwn::link;
///
/// assert_eq!(link("https://example.com", "R&D"), "<https://example.com|R&amp;D>");
/// assert_eq!(link("https://example.com/a|b", "x"), "<https://example.com/a%7Cb|x>");
/// ```
pub fn link(url: &str, label: &str) -> String {
    format!("<{}|{}>", encode_url(url, ""), escape(label))
}

/// A link without a label, `<url>`: Slack shows the URL itself.
///
/// `|`, `<` and `>` in the URL are percent-encoded (see [URLs](self#urls)).
///
/// ```
/// assert_eq!(slackhook::mrkdwn::url("https://example.com"), "<https://example.com>");
/// ```
pub fn url(url: &str) -> String {
    format!("<{}>", encode_url(url, ""))
}

/// A mention of a user by ID: `<@U012AB3CD>`.
///
/// Slack's IDs are letters and digits; anything else is [escaped](escape) so that an ID can
/// never open or close other markup.
///
/// ```
/// assert_eq!(slackhook::mrkdwn::user("U012AB3CD"), "<@U012AB3CD>");
/// ```
pub fn user(id: &str) -> String {
    format!("<@{}>", escape(id))
}

/// A mention of a channel by ID: `<#C123ABC456>`. The ID is [escaped](escape).
///
/// ```
/// assert_eq!(slackhook::mrkdwn::channel("C123ABC456"), "<#C123ABC456>");
/// ```
pub fn channel(id: &str) -> String {
    format!("<#{}>", escape(id))
}

/// A mention of a user group by ID: `<!subteam^SAZ94GDB8>`. The ID is [escaped](escape).
///
/// ```
/// assert_eq!(slackhook::mrkdwn::user_group("SAZ94GDB8"), "<!subteam^SAZ94GDB8>");
/// ```
pub fn user_group(id: &str) -> String {
    format!("<!subteam^{}>", escape(id))
}

/// A date that Slack formats in each reader's time zone:
/// `<!date^1392734382^{date_short}|Feb 18, 2014>`, optionally a link.
///
/// `format` holds Slack's tokens (`{date_num}`, `{date}`, `{date_short}`, `{date_long}`,
/// `{date_pretty}`, `{date_short_pretty}`, `{date_long_pretty}`, `{time}`, `{time_secs}`,
/// `{ago}`) and free text. The fallback is shown where the date cannot be formatted. Format and
/// fallback are [escaped](escape). Slack separates the parts with `^` and `|`, so a format must
/// not contain either; the optional link's URL has them percent-encoded.
///
/// ```
/// use slackhook::mrkdwn::Date;
///
/// let date = Date::new(1392734382, "Posted {date_short} at {time}", "Feb 18, 2014 6:39 AM PST");
/// assert_eq!(
///     date.to_string(),
///     "<!date^1392734382^Posted {date_short} at {time}|Feb 18, 2014 6:39 AM PST>"
/// );
///
/// let linked = Date::new(1392734382, "{date}", "Feb 18").with_link("https://example.com/log");
/// assert_eq!(linked.to_string(), "<!date^1392734382^{date}^https://example.com/log|Feb 18>");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Date {
    timestamp: i64,
    format: String,
    link: Option<String>,
    fallback: String,
}

impl Date {
    /// A date at `timestamp` (seconds since the Unix epoch), written in `format`.
    pub fn new(timestamp: i64, format: impl Into<String>, fallback: impl Into<String>) -> Self {
        Self {
            timestamp,
            format: format.into(),
            link: None,
            fallback: fallback.into(),
        }
    }

    /// Makes the date a link to `url`.
    pub fn with_link(mut self, url: impl Into<String>) -> Self {
        self.link = Some(url.into());
        self
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<!date^{}^{}", self.timestamp, escape(&self.format))?;
        if let Some(link) = &self.link {
            write!(f, "^{}", encode_url(link, "^"))?;
        }
        write!(f, "|{}>", escape(&self.fallback))
    }
}

/// Percent-encodes the characters that would end a URL inside Slack's `<…>` markup: `|`, `<`,
/// `>`, and any in `also`. None of them is allowed unencoded in a URL (RFC 3986, section 2),
/// so encoding them does not change where the URL points.
fn encode_url<'a>(url: &'a str, also: &str) -> Cow<'a, str> {
    let special = |c: char| matches!(c, '|' | '<' | '>') || also.contains(c);
    if !url.contains(special) {
        return Cow::Borrowed(url);
    }
    let mut out = String::with_capacity(url.len() + 8);
    for c in url.chars() {
        if special(c) {
            out.push_str(&format!("%{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_exactly_the_three_control_characters() {
        assert_eq!(escape("<@U1> & <!here>"), "&lt;@U1&gt; &amp; &lt;!here&gt;");
        assert_eq!(
            escape("\"quotes\" 'and' *marks*"),
            "\"quotes\" 'and' *marks*"
        );
    }

    #[test]
    fn borrows_when_nothing_needs_escaping() {
        assert!(matches!(escape("plain"), Cow::Borrowed("plain")));
    }
}
