//! Which proxy, if any, carries a webhook's requests.
//!
//! A client talks to exactly one host, so the proxy is decided once, when the client is built:
//! an explicit address, none, or the environment (`HTTPS_PROXY`, `https_proxy`, `HTTP_PROXY`,
//! `http_proxy`, in that order, skipped for hosts that `NO_PROXY` / `no_proxy` lists and for
//! loopback hosts, which no remote proxy can reach). Proxy addresses may hold credentials, so no
//! error quotes them.

use std::net::IpAddr;

use slackhook::http::Uri;
use slackhook::{Error, WebhookUrl};

/// Where the proxy setting comes from.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum ProxyChoice {
    /// The environment, read when the client is built.
    Environment,
    /// An address the caller gave.
    Explicit(String),
    /// No proxy.
    Disabled,
}

impl ProxyChoice {
    /// A loggable name: never the address, which may hold credentials.
    pub(crate) fn label(&self) -> &'static str {
        match self {
            Self::Environment => "environment",
            Self::Explicit(_) => "explicit",
            Self::Disabled => "none",
        }
    }

    /// The checked proxy address for `url`, or `None` for a direct connection.
    pub(crate) fn resolve(&self, url: &WebhookUrl) -> Result<Option<String>, Error> {
        match self {
            Self::Disabled => Ok(None),
            Self::Explicit(address) => {
                normalize(address)
                    .map(Some)
                    .map_err(|problem| Error::InvalidProxy {
                        reason: problem.reason(false),
                    })
            }
            Self::Environment => match from_env(url, |name| std::env::var(name).ok()) {
                Some(address) => {
                    normalize(&address)
                        .map(Some)
                        .map_err(|problem| Error::InvalidProxy {
                            reason: problem.reason(true),
                        })
                }
                None => Ok(None),
            },
        }
    }
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
    fn reason(self, from_env: bool) -> &'static str {
        match (self, from_env) {
            (Self::Empty, false) => "it is empty",
            (Self::Malformed, false) => "it is not a valid url",
            (Self::Scheme, false) => "only http:// and https:// proxies are supported",
            (Self::Host, false) => "it has no host",
            (Self::Empty, true) => "the proxy variable in the environment is empty",
            (Self::Malformed, true) => "the proxy variable in the environment is not a valid url",
            (Self::Scheme, true) => {
                "the proxy variable in the environment is not an http:// or https:// proxy"
            }
            (Self::Host, true) => "the proxy variable in the environment has no host",
        }
    }
}

/// Checks a proxy address and gives it a scheme (`http://`) when it has none.
fn normalize(address: &str) -> Result<String, Problem> {
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
        Some(host) if !host.is_empty() => Ok(address),
        _ => Err(Problem::Host),
    }
}

/// The proxy the environment names for `url`, looked up through `var`.
fn from_env(url: &WebhookUrl, var: impl Fn(&str) -> Option<String>) -> Option<String> {
    let host = url.host();
    if is_loopback(host) {
        return None;
    }
    let no_proxy = var("NO_PROXY").or_else(|| var("no_proxy"));
    if no_proxy.is_some_and(|list| bypasses(&list, host)) {
        return None;
    }

    // Plain http is only accepted to loopback hosts, returned above: every URL here is https.
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
    let prefix = u32::from(prefix.unwrap_or(width as u8)).min(width);
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

    const SLACK: &str = "https://hooks.slack.com/services/T0/B0/secret";

    #[test]
    fn https_proxy_wins_over_http_proxy() {
        let vars = env(&[("HTTP_PROXY", "http://a:1"), ("HTTPS_PROXY", "http://b:2")]);
        assert_eq!(from_env(&url(SLACK), vars).as_deref(), Some("http://b:2"));
    }

    #[test]
    fn http_proxy_is_the_fallback_for_https() {
        let vars = env(&[("http_proxy", "proxy:3128")]);
        assert_eq!(from_env(&url(SLACK), vars).as_deref(), Some("proxy:3128"));
    }

    #[test]
    fn empty_variables_are_skipped() {
        let vars = env(&[("HTTPS_PROXY", " "), ("HTTP_PROXY", "http://c:3")]);
        assert_eq!(from_env(&url(SLACK), vars).as_deref(), Some("http://c:3"));
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
    }

    #[test]
    fn a_listed_host_goes_direct() {
        let vars = env(&[("HTTPS_PROXY", "http://p:1"), ("no_proxy", "slack.com")]);
        assert_eq!(from_env(&url(SLACK), vars), None);
    }

    #[test]
    fn loopback_hosts_never_use_the_environment_proxy() {
        let vars = env(&[("HTTPS_PROXY", "http://p:1"), ("http_proxy", "http://p:1")]);
        assert_eq!(
            from_env(&url("http://127.0.0.1:9/services/a/b/c"), &vars),
            None
        );
        assert_eq!(from_env(&url("https://localhost/x"), &vars), None);
    }

    #[test]
    fn proxy_addresses_are_checked_without_being_quoted() {
        assert_eq!(normalize("proxy:8080").as_deref(), Ok("http://proxy:8080"));
        assert_eq!(
            normalize("https://user:pw@proxy:443").as_deref(),
            Ok("https://user:pw@proxy:443")
        );
        assert_eq!(normalize("  "), Err(Problem::Empty));
        assert_eq!(normalize("socks5://proxy:1080"), Err(Problem::Scheme));
        assert_eq!(normalize("http://"), Err(Problem::Malformed));
        assert_eq!(normalize("http://pro xy"), Err(Problem::Malformed));

        let secret = "http://user:hunter2@pro xy";
        let error = ProxyChoice::Explicit(secret.into())
            .resolve(&url(SLACK))
            .expect_err("the address is malformed");
        assert!(!error.to_string().contains("hunter2"));
        assert!(!format!("{error:?}").contains("hunter2"));
    }

    #[test]
    fn disabled_means_direct() {
        assert_eq!(ProxyChoice::Disabled.resolve(&url(SLACK)), Ok(None));
    }
}
