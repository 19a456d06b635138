//! Which proxy, if any, carries a webhook's requests.
//!
//! A client talks to exactly one host, so its proxy is decided once, when it is built: an
//! explicit address, none, or the environment. From the environment, `HTTPS_PROXY`,
//! `https_proxy`, `HTTP_PROXY` and `http_proxy` are tried in that order, unless `NO_PROXY` /
//! `no_proxy` lists the host or the host is loopback, which no remote proxy can reach.
//!
//! The core reads no environment: the caller passes a lookup, usually
//! `|name| std::env::var(name).ok()`, and gets back a checked [`ProxyAddress`] to hand to its
//! HTTP client. Proxy addresses may hold credentials, so no error and no `Debug` output quotes
//! them.
//!
//! ```
//! use slackhook::proxy::ProxySettings;
//!
//! let url = "https://hooks.slack.com/services/T000/B000/secret-token".parse()?;
//! let env = |name: &str| match name {
//!     "HTTPS_PROXY" => Some("http://user:hunter2@proxy.internal:3128".to_owned()),
//!     "NO_PROXY" => Some("localhost, .internal".to_owned()),
//!     _ => None,
//! };
//!
//! let proxy = ProxySettings::Environment.resolve(&url, env)?;
//! let proxy = proxy.expect("the environment names a proxy for hooks.slack.com");
//! assert_eq!(proxy.expose_secret(), "http://user:hunter2@proxy.internal:3128");
//! assert!(!format!("{proxy:?}").contains("hunter2"));
//!
//! // An explicit choice ignores the environment.
//! assert_eq!(ProxySettings::Direct.resolve(&url, env)?, None);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::net::IpAddr;

use http::Uri;

use crate::{Error, WebhookUrl};

/// Where a client's proxy comes from.
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProxySettings {
    /// The environment, read when the client is built (the default).
    #[default]
    Environment,
    /// This address (`http://` or `https://`, credentials allowed; a bare `host:port` means
    /// `http://`).
    Explicit(String),
    /// No proxy: connect directly.
    Direct,
}

impl ProxySettings {
    /// A loggable name for the choice: never the address, which may hold credentials.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Environment => "environment",
            Self::Explicit(_) => "explicit",
            Self::Direct => "none",
        }
    }

    /// The checked proxy address for requests to `url`, or `None` for a direct connection.
    ///
    /// `var` looks up an environment variable; it is only called for
    /// [`ProxySettings::Environment`]. Fails with [`Error::InvalidProxy`] when the address (the
    /// explicit one, or the one the environment names for `url`) is not a usable proxy; the
    /// reason never quotes it.
    pub fn resolve(
        &self,
        url: &WebhookUrl,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<ProxyAddress>, Error> {
        match self {
            Self::Direct => Ok(None),
            Self::Explicit(address) => ProxyAddress::check(address, Origin::Explicit).map(Some),
            Self::Environment => match from_vars(url, var) {
                Some(address) => ProxyAddress::check(&address, Origin::Environment).map(Some),
                None => Ok(None),
            },
        }
    }
}

impl fmt::Debug for ProxySettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Environment => "Environment",
            Self::Explicit(_) => "Explicit(***)",
            Self::Direct => "Direct",
        })
    }
}

/// A checked proxy address: `http://` or `https://`, with a host.
///
/// Its `Debug` output shows the scheme, host and port, never credentials; it has no `Display`,
/// so that it does not end up in a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyAddress {
    address: String,
    uri: Uri,
}

impl ProxyAddress {
    /// Checks an address, giving it the `http://` scheme when it has none.
    pub fn parse(address: &str) -> Result<Self, Error> {
        Self::check(address, Origin::Explicit)
    }

    /// The address, credentials included: only for handing to an HTTP client. Never log it.
    pub fn expose_secret(&self) -> &str {
        &self.address
    }

    /// Whether the proxy is reached over TLS (`https://`).
    pub fn is_https(&self) -> bool {
        self.uri
            .scheme_str()
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https"))
    }

    /// Whether the address carries credentials (`user:password@`).
    pub fn has_credentials(&self) -> bool {
        self.uri
            .authority()
            .is_some_and(|authority| authority.as_str().contains('@'))
    }

    fn check(address: &str, origin: Origin) -> Result<Self, Error> {
        normalize(address).map_err(|problem| Error::InvalidProxy {
            reason: problem.reason(origin),
        })
    }
}

impl fmt::Debug for ProxyAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = self.uri.scheme_str().unwrap_or("http");
        let host = self.uri.host().unwrap_or_default();
        let credentials = if self.has_credentials() { "***@" } else { "" };
        write!(f, "ProxyAddress({scheme}://{credentials}{host}")?;
        if let Some(port) = self.uri.port_u16() {
            write!(f, ":{port}")?;
        }
        f.write_str(")")
    }
}

/// Where an address came from, for the wording of its error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Explicit,
    Environment,
}

/// What is wrong with a proxy address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    Empty,
    Malformed,
    Scheme,
    Host,
}

impl Problem {
    fn reason(self, origin: Origin) -> &'static str {
        match (self, origin) {
            (Self::Empty, Origin::Explicit) => "it is empty",
            (Self::Malformed, Origin::Explicit) => "it is not a valid url",
            (Self::Scheme, Origin::Explicit) => "only http:// and https:// proxies are supported",
            (Self::Host, Origin::Explicit) => "it has no host",
            (Self::Empty, Origin::Environment) => "the proxy variable in the environment is empty",
            (Self::Malformed, Origin::Environment) => {
                "the proxy variable in the environment is not a valid url"
            }
            (Self::Scheme, Origin::Environment) => {
                "the proxy variable in the environment is not an http:// or https:// proxy"
            }
            (Self::Host, Origin::Environment) => {
                "the proxy variable in the environment has no host"
            }
        }
    }
}

/// Checks a proxy address and gives it a scheme (`http://`) when it has none.
fn normalize(address: &str) -> Result<ProxyAddress, Problem> {
    let address = address.trim();
    if address.is_empty() {
        return Err(Problem::Empty);
    }
    let address = if address.contains("://") {
        address.to_owned()
    } else {
        format!("http://{address}")
    };

    let uri: Uri = address.parse().map_err(|_| Problem::Malformed)?;
    match uri.scheme_str() {
        Some(scheme) if scheme.eq_ignore_ascii_case("http") => {}
        Some(scheme) if scheme.eq_ignore_ascii_case("https") => {}
        _ => return Err(Problem::Scheme),
    }
    match uri.host() {
        Some(host) if !host.is_empty() => Ok(ProxyAddress { address, uri }),
        _ => Err(Problem::Host),
    }
}

/// The proxy the environment names for `url`, looked up through `var`.
fn from_vars(url: &WebhookUrl, var: impl Fn(&str) -> Option<String>) -> Option<String> {
    let host = url.host();
    if is_loopback(host) {
        return None;
    }
    let no_proxy = var("NO_PROXY").or_else(|| var("no_proxy"));
    if no_proxy.is_some_and(|list| bypasses(&list, host)) {
        return None;
    }

    // Plain http is only accepted to loopback hosts, returned above: every URL here is https,
    // and HTTP_PROXY is the fallback for it, as curl and the Python SDK read it.
    ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"]
        .into_iter()
        .filter_map(&var)
        .find(|value| !value.trim().is_empty())
}

/// Whether a `NO_PROXY` list names `host`: `*`, the host itself, a parent domain (`example.com`,
/// `.example.com` or `*.example.com`), an IP address or an IP range (`10.0.0.0/8`). A port on an
/// entry is ignored.
fn bypasses(list: &str, host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let ip = host.parse::<IpAddr>().ok();

    list.split(',')
        .map(|entry| entry.trim().to_ascii_lowercase())
        .filter(|entry| !entry.is_empty())
        .any(|entry| match ip {
            Some(ip) => entry == "*" || ip_matches(&entry, ip),
            None => entry == "*" || domain_matches(&entry, &host),
        })
}

fn domain_matches(entry: &str, host: &str) -> bool {
    let entry = strip_port(entry);
    let domain = entry
        .trim_start_matches("*.")
        .trim_start_matches('.')
        .trim_end_matches('.');
    if domain.is_empty() {
        return false;
    }
    host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|rest| rest.ends_with('.'))
}

fn ip_matches(entry: &str, ip: IpAddr) -> bool {
    let (address, prefix) = match entry.split_once('/') {
        Some((address, bits)) => match bits.parse::<u8>() {
            Ok(bits) => (address, Some(bits)),
            Err(_) => return false,
        },
        None => (entry, None),
    };
    let address = address.trim_start_matches('[');
    let address = match address.split_once(']') {
        Some((inside, _port)) => inside,
        None if address.matches(':').count() == 1 => strip_port(address),
        None => address,
    };
    let Ok(network) = address.parse::<IpAddr>() else {
        return false;
    };

    match (network, ip) {
        (IpAddr::V4(network), IpAddr::V4(ip)) => {
            same_prefix(network.to_bits().into(), ip.to_bits().into(), prefix, 32)
        }
        (IpAddr::V6(network), IpAddr::V6(ip)) => {
            same_prefix(network.to_bits(), ip.to_bits(), prefix, 128)
        }
        _ => false,
    }
}

fn same_prefix(network: u128, ip: u128, prefix: Option<u8>, width: u32) -> bool {
    let prefix = prefix.map_or(width, u32::from).min(width);
    if prefix == 0 {
        return true;
    }
    let shift = width - prefix;
    (network >> shift) == (ip >> shift)
}

fn strip_port(entry: &str) -> &str {
    match entry.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => entry,
    }
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> WebhookUrl {
        text.parse().expect("a valid test url")
    }

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    const SLACK: &str = "https://hooks.slack.com/services/T0/B0/secret";

    #[test]
    fn https_proxy_wins_over_http_proxy() {
        let vars = env(&[("HTTP_PROXY", "http://a:1"), ("HTTPS_PROXY", "http://b:2")]);
        assert_eq!(from_vars(&url(SLACK), vars).as_deref(), Some("http://b:2"));
    }

    #[test]
    fn http_proxy_is_the_fallback_for_https() {
        let vars = env(&[("http_proxy", "proxy:3128")]);
        assert_eq!(from_vars(&url(SLACK), vars).as_deref(), Some("proxy:3128"));
    }

    #[test]
    fn empty_variables_are_skipped() {
        let vars = env(&[("HTTPS_PROXY", " "), ("HTTP_PROXY", "http://c:3")]);
        assert_eq!(from_vars(&url(SLACK), vars).as_deref(), Some("http://c:3"));
    }

    #[test]
    fn no_proxy_matches_the_domain_and_its_subdomains() {
        for list in [
            "slack.com",
            ".slack.com",
            "*.slack.com",
            "example.org, hooks.slack.com",
            "*",
            "slack.com:443",
        ] {
            assert!(bypasses(list, "hooks.slack.com"), "{list}");
        }
        for list in ["ack.com", "hooks.slack.co", "other.slack.com", ""] {
            assert!(!bypasses(list, "hooks.slack.com"), "{list}");
        }
    }

    #[test]
    fn no_proxy_matches_addresses_and_ranges() {
        assert!(bypasses("10.0.0.0/8", "10.1.2.3"));
        assert!(bypasses("10.1.2.3", "10.1.2.3"));
        assert!(bypasses("10.1.2.3:8080", "10.1.2.3"));
        assert!(!bypasses("10.0.0.0/16", "10.1.2.3"));
        assert!(bypasses("fd00::/8", "[fd12::1]"));
        assert!(bypasses("[fd12::1]:443", "[fd12::1]"));
        assert!(!bypasses("fd00::/8", "10.1.2.3"));
        assert!(!bypasses("10.0.0.0/99x", "10.1.2.3"));
        assert!(bypasses("0.0.0.0/0", "10.1.2.3"));
    }

    #[test]
    fn a_listed_host_goes_direct() {
        let vars = env(&[("HTTPS_PROXY", "http://p:1"), ("no_proxy", "slack.com")]);
        assert_eq!(from_vars(&url(SLACK), &vars), None);
        assert_eq!(
            ProxySettings::Environment.resolve(&url(SLACK), vars),
            Ok(None)
        );
    }

    #[test]
    fn loopback_hosts_never_use_the_environment_proxy() {
        let vars = env(&[("HTTPS_PROXY", "http://p:1"), ("http_proxy", "http://p:1")]);
        let loopback = url("http://127.0.0.1:9/services/a/b/c");
        assert_eq!(from_vars(&loopback, &vars), None);
        assert_eq!(from_vars(&url("https://localhost/x"), &vars), None);
        assert_eq!(from_vars(&url("http://[::1]:9/x"), &vars), None);
    }

    #[test]
    fn the_environment_is_only_read_for_the_environment_choice() {
        let reads = std::cell::Cell::new(0);
        let counting = |_: &str| {
            reads.set(reads.get() + 1);
            None
        };
        let explicit = ProxySettings::Explicit("proxy:1".into());
        assert!(explicit.resolve(&url(SLACK), counting).is_ok());
        assert_eq!(
            ProxySettings::Direct.resolve(&url(SLACK), counting),
            Ok(None)
        );
        assert_eq!(reads.get(), 0);

        assert_eq!(
            ProxySettings::default().resolve(&url(SLACK), counting),
            Ok(None)
        );
        assert!(reads.get() > 0);
    }

    #[test]
    fn proxy_addresses_are_checked_and_given_a_scheme() {
        let checked = |address| normalize(address).map(|p| p.expose_secret().to_owned());
        assert_eq!(checked("proxy:8080").as_deref(), Ok("http://proxy:8080"));
        assert_eq!(
            checked("https://user:pw@proxy:443").as_deref(),
            Ok("https://user:pw@proxy:443")
        );
        assert_eq!(checked("  "), Err(Problem::Empty));
        assert_eq!(checked("socks5://proxy:1080"), Err(Problem::Scheme));
        assert_eq!(checked("http://"), Err(Problem::Malformed));
        assert_eq!(checked("http://pro xy"), Err(Problem::Malformed));
    }

    #[test]
    fn errors_say_where_the_bad_address_came_from_without_quoting_it() {
        let secret = "http://user:hunter2@pro xy";
        let explicit = ProxySettings::Explicit(secret.into())
            .resolve(&url(SLACK), no_env)
            .expect_err("the address is malformed");
        assert_eq!(
            explicit,
            Error::InvalidProxy {
                reason: "it is not a valid url"
            }
        );

        let vars = env(&[("HTTPS_PROXY", "socks5://user:hunter2@proxy:1080")]);
        let from_env = ProxySettings::Environment
            .resolve(&url(SLACK), vars)
            .expect_err("not an http proxy");
        assert!(from_env.to_string().contains("environment"), "{from_env}");

        for error in [explicit, from_env] {
            assert!(!error.to_string().contains("hunter2"));
            assert!(!format!("{error:?}").contains("hunter2"));
        }
    }

    #[test]
    fn debug_output_never_shows_credentials() {
        let address =
            ProxyAddress::parse("https://user:hunter2@proxy.internal:3128").expect("a valid proxy");
        assert_eq!(
            format!("{address:?}"),
            "ProxyAddress(https://***@proxy.internal:3128)"
        );
        assert!(address.is_https());
        assert!(address.has_credentials());

        let settings = ProxySettings::Explicit("http://user:hunter2@proxy:1".into());
        assert_eq!(format!("{settings:?}"), "Explicit(***)");
    }

    #[test]
    fn direct_means_no_proxy() {
        assert_eq!(ProxySettings::Direct.resolve(&url(SLACK), no_env), Ok(None));
    }
}
