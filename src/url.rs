//! Webhook and `response_url` addresses.
//!
//! A webhook URL is a bearer secret: whoever holds it can post to the channel, and Slack revokes
//! URLs it finds leaked. [`WebhookUrl`] therefore validates the address once, up front, and never
//! shows its path: `Debug` and `Display` print the scheme, the host and a redacted path, and no
//! error built from a URL quotes it.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::str::FromStr;
use std::sync::Arc;

use http::Uri;
use http::uri::Scheme;

/// A validated webhook or `response_url` address.
///
/// Accepted: absolute `https://` URLs with a host and no user-info, and plain `http://` only to
/// a loopback host (`localhost`, `127.0.0.0/8`, `[::1]`), which is what a local emulator or a
/// test server listens on.
///
/// ```
/// use slackhook::WebhookUrl;
///
/// let url: WebhookUrl = "https://hooks.slack.com/services/T000/B000/secret-token".parse()?;
/// assert_eq!(url.host(), "hooks.slack.com");
///
/// // The secret path never shows.
/// assert_eq!(url.to_string(), "https://hooks.slack.com/services/T000/B000/***");
/// assert!(!format!("{url:?}").contains("secret-token"));
/// # Ok::<(), slackhook::UrlError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct WebhookUrl {
    text: Arc<str>,
    uri: Uri,
}

impl WebhookUrl {
    /// Parses and validates a webhook or `response_url` address.
    pub fn parse(input: &str) -> Result<Self, UrlError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(UrlError::Empty);
        }
        if input.chars().any(|c| c.is_control() || c == ' ') {
            return Err(UrlError::InvalidCharacter);
        }

        let uri: Uri = input.parse().map_err(|_| UrlError::Malformed)?;
        let Some(scheme) = uri.scheme() else {
            return Err(UrlError::NotAbsolute);
        };
        let Some(authority) = uri.authority() else {
            return Err(UrlError::MissingHost);
        };
        if authority.as_str().contains('@') {
            return Err(UrlError::HasUserInfo);
        }
        if authority.host().is_empty() {
            return Err(UrlError::MissingHost);
        }

        if *scheme != Scheme::HTTPS {
            if *scheme != Scheme::HTTP {
                return Err(UrlError::UnsupportedScheme);
            }
            if !is_loopback(authority.host()) {
                return Err(UrlError::InsecureScheme);
            }
        }
        Ok(Self {
            text: Arc::from(input),
            uri,
        })
    }

    /// The host, without port: safe to log.
    pub fn host(&self) -> &str {
        self.uri.host().unwrap_or_default()
    }

    /// The port, when the URL names one.
    pub fn port(&self) -> Option<u16> {
        self.uri.port_u16()
    }

    /// Whether the URL uses `https`.
    pub fn is_https(&self) -> bool {
        self.uri.scheme() == Some(&Scheme::HTTPS)
    }

    /// The full address, secret path included.
    ///
    /// Only for handing to an HTTP client. Never log it.
    pub fn expose_secret(&self) -> &str {
        &self.text
    }

    /// The address as an [`http::Uri`], secret path included. Never log it.
    pub fn as_uri(&self) -> &Uri {
        &self.uri
    }

    /// A redacted rendering: scheme, host, port, then the first path segments that identify the
    /// kind of address (`/services/T…/B…`, `/commands/T…`, `/actions/T…`), then `***`.
    fn redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = self.uri.scheme_str().unwrap_or("https");
        write!(f, "{scheme}://{}", self.host())?;
        if let Some(port) = self.uri.port_u16() {
            write!(f, ":{port}")?;
        }

        let path = self.uri.path();
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let shown = match segments.first().copied() {
            Some("services") => 3,
            Some("commands") | Some("actions") => 2,
            _ => 0,
        };
        for segment in segments
            .iter()
            .take(shown.min(segments.len().saturating_sub(1)))
        {
            write!(f, "/{segment}")?;
        }
        if segments.is_empty() {
            f.write_str("/")
        } else {
            f.write_str("/***")
        }
    }
}

fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.is_loopback(),
        Ok(IpAddr::V6(v6)) => {
            v6 == Ipv6Addr::LOCALHOST || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

impl FromStr for WebhookUrl {
    type Err = UrlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<&str> for WebhookUrl {
    type Error = UrlError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::parse(s)
    }
}

impl TryFrom<String> for WebhookUrl {
    type Error = UrlError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl fmt::Display for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.redacted(f)
    }
}

impl fmt::Debug for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Through `Debug` of the redacted text, so that a quote in the path is escaped.
        f.debug_tuple("WebhookUrl")
            .field(&self.to_string())
            .finish()
    }
}

/// Why a string is not a usable webhook address.
///
/// No variant quotes the input: a rejected string may still be a live secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlError {
    /// The string is empty.
    Empty,
    /// The string holds whitespace or a control character.
    InvalidCharacter,
    /// The string is not a URL.
    Malformed,
    /// The URL is relative; an absolute `https://` URL is required.
    NotAbsolute,
    /// The URL has no host.
    MissingHost,
    /// The URL carries user-info (`user:password@`), which Slack never issues.
    HasUserInfo,
    /// The scheme is neither `https` nor `http`.
    UnsupportedScheme,
    /// Plain `http` to a host that is not loopback would send the secret in clear text.
    InsecureScheme,
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let msg = match self {
            Self::Empty => "webhook url is empty",
            Self::InvalidCharacter => "webhook url contains whitespace or a control character",
            Self::Malformed => "webhook url is not a valid url",
            Self::NotAbsolute => "webhook url is relative; expected https://hooks.slack.com/...",
            Self::MissingHost => "webhook url has no host",
            Self::HasUserInfo => "webhook url must not contain user-info (user:password@)",
            Self::UnsupportedScheme => "webhook url scheme must be https",
            Self::InsecureScheme => {
                "webhook url must use https; plain http is allowed only to a loopback host"
            }
        };
        f.write_str(msg)
    }
}

impl std::error::Error for UrlError {}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "abcdefghijklmnopqrstuvwx";

    fn webhook() -> String {
        format!("https://hooks.slack.com/services/T0001/B0002/{SECRET}")
    }

    #[test]
    fn accepts_a_slack_webhook_url() {
        let url = WebhookUrl::parse(&webhook()).expect("valid");
        assert_eq!(url.host(), "hooks.slack.com");
        assert!(url.is_https());
        assert_eq!(url.expose_secret(), webhook());
    }

    #[test]
    fn display_and_debug_hide_the_secret_path() {
        let url = WebhookUrl::parse(&webhook()).expect("valid");
        assert_eq!(
            url.to_string(),
            "https://hooks.slack.com/services/T0001/B0002/***"
        );
        let debug = format!("{url:?}");
        assert!(!debug.contains(SECRET), "{debug}");
        assert!(debug.contains("hooks.slack.com"));
    }

    #[test]
    fn response_urls_show_only_their_kind_and_team() {
        let url =
            WebhookUrl::parse("https://hooks.slack.com/commands/T1/397/96rGlfmib").expect("valid");
        assert_eq!(url.to_string(), "https://hooks.slack.com/commands/T1/***");
        let url =
            WebhookUrl::parse("https://hooks.slack.com/actions/T1/397/96rGlfmib").expect("valid");
        assert_eq!(url.to_string(), "https://hooks.slack.com/actions/T1/***");
    }

    #[test]
    fn unknown_paths_are_hidden_entirely() {
        let url = WebhookUrl::parse("https://example.com/hook/secret-token").expect("valid");
        assert_eq!(url.to_string(), "https://example.com/***");
    }

    #[test]
    fn http_is_allowed_to_loopback_hosts() {
        for ok in [
            "http://127.0.0.1:8080/services/T/B/x",
            "http://127.1.2.3/x",
            "http://localhost:1/x",
            "http://[::1]:9/services/T/B/x",
        ] {
            let url = WebhookUrl::parse(ok).expect(ok);
            assert!(!url.is_https());
        }
    }

    #[test]
    fn http_to_a_remote_host_is_insecure() {
        assert_eq!(
            WebhookUrl::parse("http://hooks.slack.com/services/T/B/x"),
            Err(UrlError::InsecureScheme)
        );
        assert_eq!(
            WebhookUrl::parse("http://10.0.0.1/x"),
            Err(UrlError::InsecureScheme)
        );
    }

    #[test]
    fn empty_input_is_rejected() {
        assert_eq!(WebhookUrl::parse("   "), Err(UrlError::Empty));
    }

    #[test]
    fn control_characters_are_rejected() {
        assert_eq!(
            WebhookUrl::parse("https://h/\n/x"),
            Err(UrlError::InvalidCharacter)
        );
        assert_eq!(
            WebhookUrl::parse("https://h/a b"),
            Err(UrlError::InvalidCharacter)
        );
    }

    #[test]
    fn garbage_is_malformed() {
        assert_eq!(
            WebhookUrl::parse("https://exa mple"),
            Err(UrlError::InvalidCharacter)
        );
        assert_eq!(
            WebhookUrl::parse("https://[::1/x"),
            Err(UrlError::Malformed)
        );
    }

    #[test]
    fn relative_urls_are_rejected() {
        assert_eq!(
            WebhookUrl::parse("/services/T/B/x"),
            Err(UrlError::NotAbsolute)
        );
    }

    #[test]
    fn a_host_is_required() {
        assert_eq!(
            WebhookUrl::parse("https:///services/T/B/x").map(|_| ()),
            Err(UrlError::Malformed)
        );
        assert_eq!(
            WebhookUrl::parse("hooks.slack.com").map(|_| ()),
            Err(UrlError::NotAbsolute)
        );
    }

    #[test]
    fn user_info_is_rejected() {
        assert_eq!(
            WebhookUrl::parse("https://u:p@hooks.slack.com/x"),
            Err(UrlError::HasUserInfo)
        );
    }

    #[test]
    fn other_schemes_are_rejected() {
        assert_eq!(
            WebhookUrl::parse("ftp://hooks.slack.com/x"),
            Err(UrlError::UnsupportedScheme)
        );
    }

    #[test]
    fn errors_never_echo_the_input() {
        let bad = format!("http://hooks.slack.com/services/T/B/{SECRET}");
        let err = WebhookUrl::parse(&bad).expect_err("insecure");
        assert!(!err.to_string().contains(SECRET));
        assert!(!format!("{err:?}").contains(SECRET));
    }
}
