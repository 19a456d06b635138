//! Name resolution for the agent the client builds itself.
//!
//! ureq resolves the host before every request, even one that goes out on a pooled connection,
//! and with a timeout configured its default resolver spawns a thread for each lookup to enforce
//! it. [`CachingResolver`] answers an IP-literal host itself and keeps a name's addresses for a
//! short while, so a client that sends steadily costs a lookup every [`TTL`] instead of a thread
//! and a DNS query per message. Every lookup still goes to ureq's own resolver, with its timeout.
//!
//! Only the host and the port of a URL reach this module; the webhook's secret path never does.

use std::fmt;
use std::iter;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use log::debug;
use ureq::config::{Config, IpFamily};
use ureq::http::Uri;
use ureq::http::uri::Scheme;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long a name's addresses are used once looked up.
///
/// std's lookup (`getaddrinfo`) does not return the records' DNS TTL, so this is a guess that
/// errs short. The cache mostly saves the lookup ureq makes for each request on a warm pool,
/// where the address is not even used; a stale address only matters when a new connection is
/// opened, and then it is at most this old. A failed attempt empties the cache
/// ([`CachingResolver::forget`]), so a retry never reuses an address that just failed. At
/// Slack's pace of about a message a second, this is one lookup per thirty messages.
pub(crate) const TTL: Duration = Duration::from_secs(30);

/// The most names kept. A client sends to one webhook host, perhaps through a proxy whose name
/// is looked up too; the bound only makes sure that nothing can grow the cache.
const MAX_NAMES: usize = 8;

/// A [`Resolver`] that answers IP literals itself and caches names for [`TTL`], handing every
/// lookup to another resolver (ureq's [`DefaultResolver`] unless a test says otherwise).
///
/// Clones share one cache: the client keeps a clone to [`forget`](Self::forget) it.
pub(crate) struct CachingResolver<R = DefaultResolver> {
    shared: Arc<Shared<R>>,
}

struct Shared<R> {
    delegate: R,
    names: Mutex<NameCache>,
}

impl CachingResolver {
    /// A resolver that looks names up with ureq's [`DefaultResolver`].
    pub(crate) fn new() -> Self {
        Self::with_delegate(DefaultResolver::default())
    }
}

impl<R: Resolver> CachingResolver<R> {
    /// A resolver that looks names up with `delegate`.
    pub(crate) fn with_delegate(delegate: R) -> Self {
        Self {
            shared: Arc::new(Shared {
                delegate,
                names: Mutex::new(NameCache::default()),
            }),
        }
    }

    /// Forgets every name, so that the next request looks its host up again.
    pub(crate) fn forget(&self) {
        self.names().clear();
    }

    fn names(&self) -> MutexGuard<'_, NameCache> {
        // The cache is consistent between any two statements: a panic elsewhere cannot break it.
        self.shared
            .names
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// [`Resolver::resolve`], at the moment `now`.
    fn resolve_at(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
        now: Instant,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let delegate = &self.shared.delegate;
        let Some((host, port)) = host_and_port(uri) else {
            // Not a URL this resolver understands: ureq answers it, or explains what is wrong.
            return delegate.resolve(uri, config, timeout);
        };
        let family = config.ip_family();

        if let Some(ip) = ip_literal(host) {
            let mut wanted = family.keep_wanted(iter::once(SocketAddr::new(ip, port)));
            return match wanted.next() {
                Some(address) => {
                    let mut addresses = self.empty();
                    addresses.push(address);
                    Ok(addresses)
                }
                // An address of a family the agent does not use: ureq's error, not a new one.
                None => delegate.resolve(uri, config, timeout),
            };
        }

        if let Some(addresses) = self.names().get(host, port, family, now) {
            return Ok(addresses);
        }

        // A failure is returned as it is and not remembered: the next request tries again.
        let addresses = delegate.resolve(uri, config, timeout)?;
        let count = addresses.len();
        debug!("looked up {host}:{port}: {count} address(es), kept for {TTL:?}");

        self.names()
            .insert(host, port, family, addresses.clone(), now + TTL);
        Ok(addresses)
    }
}

impl<R: Resolver> Resolver for CachingResolver<R> {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        self.resolve_at(uri, config, timeout, Instant::now())
    }

    fn empty(&self) -> ResolvedSocketAddrs {
        self.shared.delegate.empty()
    }
}

impl<R> Clone for CachingResolver<R> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<R> fmt::Debug for CachingResolver<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Which hosts are cached is no secret, but nothing needs it, and output that shows no
        // part of a URL cannot leak one.
        f.debug_struct("CachingResolver")
            .field("ttl", &TTL)
            .finish_non_exhaustive()
    }
}

/// The host and the port a request connects to, the scheme's default port included, for the
/// schemes a webhook can have.
fn host_and_port(uri: &Uri) -> Option<(&str, u16)> {
    let scheme = uri.scheme()?;
    let default_port = if *scheme == Scheme::HTTPS {
        443
    } else if *scheme == Scheme::HTTP {
        80
    } else {
        return None;
    };

    let authority = uri.authority()?;
    let port = authority.port_u16().unwrap_or(default_port);
    Some((authority.host(), port))
}

/// The address an IP-literal host names: dotted IPv4, or IPv6 in brackets (RFC 3986, 3.2.2).
fn ip_literal(host: &str) -> Option<IpAddr> {
    match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => v6.parse::<Ipv6Addr>().ok().map(IpAddr::V6),
        None => host.parse::<Ipv4Addr>().ok().map(IpAddr::V4),
    }
}

/// Looked-up names, each with the moment it expires. A handful at most: a linear scan beats
/// hashing, and the key's [`IpFamily`] has no hash.
#[derive(Default)]
struct NameCache {
    entries: Vec<Entry>,
}

struct Entry {
    host: String,
    port: u16,
    /// ureq filters the addresses by the agent's IP family, so the family is part of the key.
    family: IpFamily,
    addresses: ResolvedSocketAddrs,
    expires: Instant,
}

impl Entry {
    fn is_for(&self, host: &str, port: u16, family: IpFamily) -> bool {
        self.port == port && self.family == family && self.host.eq_ignore_ascii_case(host)
    }
}

impl NameCache {
    fn get(
        &mut self,
        host: &str,
        port: u16,
        family: IpFamily,
        now: Instant,
    ) -> Option<ResolvedSocketAddrs> {
        self.entries.retain(|entry| entry.expires > now);

        let entry = self.entries.iter().find(|e| e.is_for(host, port, family))?;
        Some(entry.addresses.clone())
    }

    fn insert(
        &mut self,
        host: &str,
        port: u16,
        family: IpFamily,
        addresses: ResolvedSocketAddrs,
        expires: Instant,
    ) {
        self.entries
            .retain(|entry| !entry.is_for(host, port, family));

        if self.entries.len() >= MAX_NAMES {
            let soonest = (0..self.entries.len()).min_by_key(|&i| self.entries[i].expires);
            if let Some(index) = soonest {
                self.entries.swap_remove(index);
            }
        }

        self.entries.push(Entry {
            host: host.to_owned(),
            port,
            family,
            addresses,
            expires,
        });
    }

    fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    use super::*;

    /// Stands in for DNS: answers every name with one address, or fails when told to, and
    /// counts the lookups.
    #[derive(Debug)]
    struct FakeDns {
        lookups: AtomicUsize,
        failing: AtomicBool,
    }

    const ANSWER: &str = "192.0.2.7";

    impl Resolver for FakeDns {
        fn resolve(
            &self,
            uri: &Uri,
            _: &Config,
            _: NextTimeout,
        ) -> Result<ResolvedSocketAddrs, ureq::Error> {
            self.lookups.fetch_add(1, Ordering::SeqCst);
            if self.failing.load(Ordering::SeqCst) {
                return Err(ureq::Error::HostNotFound);
            }

            let (_, port) = host_and_port(uri).expect("a test url");
            let ip = ANSWER.parse().expect("an ip address");
            let mut addresses = self.empty();
            addresses.push(SocketAddr::new(ip, port));
            Ok(addresses)
        }
    }

    fn resolver() -> CachingResolver<FakeDns> {
        CachingResolver::with_delegate(FakeDns {
            lookups: AtomicUsize::new(0),
            failing: AtomicBool::new(false),
        })
    }

    fn lookups(resolver: &CachingResolver<FakeDns>) -> usize {
        resolver.shared.delegate.lookups.load(Ordering::SeqCst)
    }

    fn fail_lookups(resolver: &CachingResolver<FakeDns>, failing: bool) {
        resolver
            .shared
            .delegate
            .failing
            .store(failing, Ordering::SeqCst);
    }

    fn resolve<R: Resolver>(
        resolver: &CachingResolver<R>,
        url: &str,
        now: Instant,
    ) -> Result<Vec<SocketAddr>, ureq::Error> {
        let config = Config::builder().build();
        resolve_with(resolver, url, &config, now)
    }

    fn resolve_with<R: Resolver>(
        resolver: &CachingResolver<R>,
        url: &str,
        config: &Config,
        now: Instant,
    ) -> Result<Vec<SocketAddr>, ureq::Error> {
        let uri: Uri = url.parse().expect("a valid test url");
        let addresses = resolver.resolve_at(&uri, config, NextTimeout::default(), now)?;
        Ok(addresses.to_vec())
    }

    fn address(text: &str) -> SocketAddr {
        text.parse().expect("a socket address")
    }

    #[test]
    fn an_ipv4_literal_is_answered_without_a_lookup() {
        let resolver = resolver();

        let url = "http://127.0.0.1:8080/services/T0/B0/secret";
        let addresses = resolve(&resolver, url, Instant::now());

        assert_eq!(addresses.expect("resolved"), [address("127.0.0.1:8080")]);
        assert_eq!(lookups(&resolver), 0);
    }

    #[test]
    fn a_bracketed_ipv6_literal_is_answered_without_a_lookup() {
        let resolver = resolver();

        let addresses = resolve(&resolver, "https://[::1]/services/T0/B0/x", Instant::now());

        assert_eq!(addresses.expect("resolved"), [address("[::1]:443")]);
        assert_eq!(lookups(&resolver), 0);
    }

    #[test]
    fn a_literal_of_a_family_the_agent_does_not_use_is_left_to_the_delegate() {
        let resolver = resolver();
        let config = Config::builder().ip_family(IpFamily::Ipv4Only).build();

        let _ = resolve_with(&resolver, "http://[::1]:80/x", &config, Instant::now());

        assert_eq!(lookups(&resolver), 1);
    }

    #[test]
    fn ureq_still_rejects_a_url_with_an_unknown_scheme() {
        let resolver = CachingResolver::new();

        let error = resolve(&resolver, "foo://127.0.0.1:42/x", Instant::now());

        assert!(matches!(error, Err(ureq::Error::BadUri(_))));
    }

    #[test]
    fn a_name_is_looked_up_once_and_reused_within_the_ttl() {
        let resolver = resolver();
        let start = Instant::now();

        let url = "https://hooks.example/services/T0/B0/secret";
        let first = resolve(&resolver, url, start).expect("looked up");
        let later = start + TTL - Duration::from_millis(1);
        let second = resolve(&resolver, url, later).expect("cached");

        assert_eq!(first, [address("192.0.2.7:443")]);
        assert_eq!(second, first);
        assert_eq!(lookups(&resolver), 1);
    }

    #[test]
    fn a_name_is_looked_up_again_once_the_ttl_has_passed() {
        let resolver = resolver();
        let start = Instant::now();

        let url = "https://hooks.example/services/T0/B0/secret";
        resolve(&resolver, url, start).expect("looked up");
        resolve(&resolver, url, start + TTL).expect("looked up again");
        resolve(&resolver, url, start + TTL + Duration::from_secs(1)).expect("cached");

        assert_eq!(lookups(&resolver), 2);
    }

    #[test]
    fn a_failed_lookup_is_not_cached() {
        let resolver = resolver();
        let now = Instant::now();
        let url = "https://hooks.example/services/T0/B0/secret";

        fail_lookups(&resolver, true);
        let failed = resolve(&resolver, url, now);
        fail_lookups(&resolver, false);
        let retried = resolve(&resolver, url, now);

        assert!(matches!(failed, Err(ureq::Error::HostNotFound)));
        assert_eq!(retried.expect("looked up"), [address("192.0.2.7:443")]);
        assert_eq!(lookups(&resolver), 2);
    }

    #[test]
    fn names_are_cached_per_port_with_the_schemes_default_port() {
        let resolver = resolver();
        let now = Instant::now();

        resolve(&resolver, "https://hooks.example/a", now).expect("looked up");
        resolve(&resolver, "https://hooks.example:443/b", now).expect("same host and port");
        resolve(&resolver, "https://HOOKS.example/c", now).expect("names ignore case");
        assert_eq!(lookups(&resolver), 1);

        let plain = resolve(&resolver, "http://hooks.example/d", now).expect("port 80");
        resolve(&resolver, "https://hooks.example:8443/e", now).expect("another port");
        assert_eq!(plain, [address("192.0.2.7:80")]);
        assert_eq!(lookups(&resolver), 3);
    }

    #[test]
    fn names_are_cached_per_ip_family() {
        let resolver = resolver();
        let now = Instant::now();
        let v4_only = Config::builder().ip_family(IpFamily::Ipv4Only).build();

        resolve(&resolver, "https://hooks.example/a", now).expect("looked up");
        resolve_with(&resolver, "https://hooks.example/a", &v4_only, now).expect("again");

        assert_eq!(lookups(&resolver), 2);
    }

    #[test]
    fn the_cache_keeps_at_most_a_handful_of_names_and_drops_the_oldest() {
        let resolver = resolver();
        let start = Instant::now();
        let url = |n: usize| format!("https://host-{n}.example/x");

        for n in 0..MAX_NAMES + 4 {
            let now = start + Duration::from_millis(n as u64);
            resolve(&resolver, &url(n), now).expect("looked up");
        }
        assert_eq!(resolver.names().entries.len(), MAX_NAMES);

        let now = start + Duration::from_secs(1);
        resolve(&resolver, &url(MAX_NAMES + 3), now).expect("the newest is cached");
        assert_eq!(lookups(&resolver), MAX_NAMES + 4);
        resolve(&resolver, &url(0), now).expect("the oldest was dropped");
        assert_eq!(lookups(&resolver), MAX_NAMES + 5);
    }

    #[test]
    fn forgetting_makes_the_next_request_look_the_name_up_again() {
        let resolver = resolver();
        let now = Instant::now();
        let url = "https://hooks.example/services/T0/B0/secret";

        resolve(&resolver, url, now).expect("looked up");
        resolver.clone().forget();
        resolve(&resolver, url, now).expect("looked up again");

        assert_eq!(lookups(&resolver), 2);
    }

    #[test]
    fn debug_output_names_no_host() {
        let resolver = resolver();
        let url = "https://hooks.example/services/T0/B0/secret";
        resolve(&resolver, url, Instant::now()).expect("looked up");

        let shown = format!("{resolver:?}");

        assert!(!shown.contains("hooks.example"), "{shown}");
        assert!(!shown.contains("secret"), "{shown}");
    }
}
