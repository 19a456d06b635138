//! Retry decisions: which failed attempts are tried again, and after how long.
//!
//! A [`Delivery`](crate::Delivery) asks its handlers, in order, after every attempt that did not
//! succeed; a 2xx answer is final and never retried, since Slack has posted it. The first
//! handler that still has budget and says [`RetryHandler::can_retry`] decides the wait through
//! [`RetryHandler::delay`]; the delivery then enforces the webhook's caps on waiting. Each handler
//! has its own budget ([`RetryHandler::max_retries`]), so one delivery transmits at most once plus
//! the sum of its handlers' budgets.
//!
//! The built-ins mirror the Python SDK's and fix its sharp edges:
//!
//! - [`ConnectionErrorRetryHandler`], the default: one retry of a transport failure, but only
//!   one that proves the message was *not sent* unless told otherwise, so it never posts twice.
//! - [`RateLimitErrorRetryHandler`]: 429, waiting for `Retry-After` in seconds or as an
//!   HTTP-date; a missing or unreadable value falls back to backoff instead of spinning.
//! - [`ServerErrorRetryHandler`]: 500 and 503 by default.
//!
//! A handler of your own is a few lines:
//!
//! ```
//! use std::time::Duration;
//! use slackhook::retry::{Outcome, RetryHandler, RetryState};
//!
//! /// Retries once, after two seconds, when a proxy in between answers 502.
//! #[derive(Debug)]
//! struct RetryBadGateway;
//!
//! impl RetryHandler for RetryBadGateway {
//!     fn can_retry(
//!         &self,
//!         _: &RetryState,
//!         _: &http::Request<bytes::Bytes>,
//!         outcome: Outcome<'_>,
//!     ) -> bool {
//!         outcome.status() == Some(http::StatusCode::BAD_GATEWAY)
//!     }
//!
//!     fn delay(&self, _: &RetryState, _: Outcome<'_>, _: &mut dyn rand_core::Rng) -> Duration {
//!         Duration::from_secs(2)
//!     }
//! }
//!
//! let url = "https://hooks.slack.com/services/T0/B0/secret".parse()?;
//! let webhook = slackhook::Webhook::builder(url)
//!     .retry_handler(RetryBadGateway)
//!     .build()?;
//! # let _ = webhook;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode, header};
use rand_core::Rng;

use crate::TransportError;

/// The outcome of one attempt, as a handler sees it.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    /// Slack (or something in between) answered.
    Response(&'a Response<Bytes>),
    /// The exchange failed below HTTP.
    Error(&'a TransportError),
}

impl<'a> Outcome<'a> {
    /// The response status, if there was a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Response(response) => Some(response.status()),
            Self::Error(_) => None,
        }
    }

    /// The response, if there was one.
    pub fn response(&self) -> Option<&'a Response<Bytes>> {
        match self {
            Self::Response(response) => Some(response),
            Self::Error(_) => None,
        }
    }

    /// The transport error, if there was one.
    pub fn error(&self) -> Option<&'a TransportError> {
        match self {
            Self::Response(_) => None,
            Self::Error(error) => Some(error),
        }
    }
}

/// Where a delivery stands, as a handler sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryState {
    pub(crate) attempts: u32,
    pub(crate) retries: u32,
    pub(crate) total_wait: Duration,
}

impl RetryState {
    /// Requests transmitted so far, the failed one included.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Retries this handler has already granted in this delivery.
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// Time this delivery has already been told to wait.
    pub fn total_wait(&self) -> Duration {
        self.total_wait
    }
}

/// Decides whether a failed attempt is tried again.
///
/// Handlers are shared by every delivery of a webhook, across threads, so they hold
/// configuration only; the per-delivery count lives in [`RetryState`].
pub trait RetryHandler: fmt::Debug + Send + Sync {
    /// The most retries this handler grants one delivery. The delivery enforces it.
    fn max_retries(&self) -> u32 {
        1
    }

    /// Whether this outcome may be tried again. Never asked about a success (2xx): that is
    /// final.
    fn can_retry(&self, state: &RetryState, request: &Request<Bytes>, outcome: Outcome<'_>)
    -> bool;

    /// How long to wait before the retry. Jitter draws from `rng`, which the caller supplies.
    fn delay(&self, state: &RetryState, outcome: Outcome<'_>, rng: &mut dyn Rng) -> Duration {
        let _ = outcome;
        BackoffInterval::default().delay(state.retries, rng)
    }
}

/// A schedule of waits between retries.
pub trait Interval: fmt::Debug + Send + Sync {
    /// The wait before retry number `retry` (0 for the first retry).
    fn delay(&self, retry: u32, rng: &mut dyn Rng) -> Duration;
}

/// A uniformly random extra wait in `[0, max)`, so that clients that failed together do not
/// retry together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RandomJitter {
    max: Duration,
}

impl RandomJitter {
    /// Jitter of up to `max`.
    pub fn up_to(max: Duration) -> Self {
        Self { max }
    }

    /// Draws one jitter value.
    pub fn draw(&self, rng: &mut dyn Rng) -> Duration {
        let max = self.max.as_nanos().min(u64::MAX as u128) as u64;
        // Multiply-shift maps a uniform u64 onto [0, max) without modulo bias worth measuring.
        let nanos = (u128::from(rng.next_u64()) * u128::from(max)) >> 64;
        Duration::from_nanos(nanos as u64)
    }
}

impl Default for RandomJitter {
    /// Up to one second, as the Python SDK adds.
    fn default() -> Self {
        Self::up_to(Duration::from_secs(1))
    }
}

/// A small, fast, seedable RNG for jitter (SplitMix64).
///
/// Jitter only spreads retries apart; it protects no secret, so a statistical generator is
/// enough. Seed it from the operating system in production and from a constant in tests: the same
/// seed gives the same waits.
///
/// ```
/// use slackhook::rand_core::Rng;
/// use slackhook::retry::JitterRng;
///
/// let mut a = JitterRng::seed_from_u64(7);
/// let mut b = JitterRng::seed_from_u64(7);
/// assert_eq!(a.next_u64(), b.next_u64());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JitterRng {
    state: u64,
}

impl JitterRng {
    /// A generator whose sequence is fixed by `seed`.
    pub fn seed_from_u64(seed: u64) -> Self {
        Self { state: seed }
    }
}

impl rand_core::TryRng for JitterRng {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok((self.try_next_u64()? >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Ok(z ^ (z >> 31))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(8) {
            let word = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        Ok(())
    }
}

fn with_jitter(base: Duration, jitter: Option<&RandomJitter>, rng: &mut dyn Rng) -> Duration {
    match jitter {
        Some(jitter) => base.saturating_add(jitter.draw(rng)),
        None => base,
    }
}

/// Exponential backoff: `factor × 2^retry`, capped, plus optional jitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackoffInterval {
    factor: Duration,
    cap: Duration,
    jitter: Option<RandomJitter>,
}

impl BackoffInterval {
    /// Backoff starting at `factor`, capped at 30 seconds, with up to one second of jitter.
    pub fn new(factor: Duration) -> Self {
        Self {
            factor,
            cap: Duration::from_secs(30),
            jitter: Some(RandomJitter::default()),
        }
    }

    /// Caps the exponential part.
    pub fn with_cap(mut self, cap: Duration) -> Self {
        self.cap = cap;
        self
    }

    /// Sets the jitter.
    pub fn with_jitter(mut self, jitter: RandomJitter) -> Self {
        self.jitter = Some(jitter);
        self
    }

    /// Removes the jitter: the same retry always waits the same.
    pub fn without_jitter(mut self) -> Self {
        self.jitter = None;
        self
    }
}

impl Default for BackoffInterval {
    /// 0.5 s × 2^retry, as the Python SDK, but capped at 30 s.
    fn default() -> Self {
        Self::new(Duration::from_millis(500))
    }
}

impl Interval for BackoffInterval {
    fn delay(&self, retry: u32, rng: &mut dyn Rng) -> Duration {
        let multiplier = 1u32.checked_shl(retry).unwrap_or(u32::MAX);
        let base = self.factor.saturating_mul(multiplier).min(self.cap);
        with_jitter(base, self.jitter.as_ref(), rng)
    }
}

/// The same wait before every retry, plus optional jitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedInterval {
    wait: Duration,
    jitter: Option<RandomJitter>,
}

impl FixedInterval {
    /// Waits `wait` before each retry, without jitter.
    pub fn new(wait: Duration) -> Self {
        Self { wait, jitter: None }
    }

    /// Sets the jitter.
    pub fn with_jitter(mut self, jitter: RandomJitter) -> Self {
        self.jitter = Some(jitter);
        self
    }
}

impl Interval for FixedInterval {
    fn delay(&self, _retry: u32, rng: &mut dyn Rng) -> Duration {
        with_jitter(self.wait, self.jitter.as_ref(), rng)
    }
}

fn default_interval() -> Arc<dyn Interval> {
    Arc::new(BackoffInterval::default())
}

/// Retries transport failures; the default handler.
///
/// By default it retries once, and only failures that prove the request never reached Slack
/// (refused connection, failed DNS or TLS): webhook posts are not idempotent, and retrying a reset
/// after the body went out can post the message twice. [`retry_maybe_delivered`] opts in to that
/// risk.
///
/// [`retry_maybe_delivered`]: ConnectionErrorRetryHandler::retry_maybe_delivered
#[derive(Debug, Clone)]
pub struct ConnectionErrorRetryHandler {
    max_retries: u32,
    retry_maybe_delivered: bool,
    interval: Arc<dyn Interval>,
}

impl ConnectionErrorRetryHandler {
    /// One retry of *not sent* failures, with the default backoff.
    pub fn new() -> Self {
        Self {
            max_retries: 1,
            retry_maybe_delivered: false,
            interval: default_interval(),
        }
    }

    /// Sets the retry budget.
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Also retries failures after which the message may have been delivered, accepting that
    /// Slack may then show it twice.
    pub fn retry_maybe_delivered(mut self, retry: bool) -> Self {
        self.retry_maybe_delivered = retry;
        self
    }

    /// Sets the wait schedule.
    pub fn with_interval(mut self, interval: impl Interval + 'static) -> Self {
        self.interval = Arc::new(interval);
        self
    }
}

impl Default for ConnectionErrorRetryHandler {
    fn default() -> Self {
        Self::new()
    }
}

impl RetryHandler for ConnectionErrorRetryHandler {
    fn max_retries(&self) -> u32 {
        self.max_retries
    }

    fn can_retry(&self, _: &RetryState, _: &Request<Bytes>, outcome: Outcome<'_>) -> bool {
        match outcome {
            Outcome::Error(error) => error.is_not_sent() || self.retry_maybe_delivered,
            Outcome::Response(_) => false,
        }
    }

    fn delay(&self, state: &RetryState, _: Outcome<'_>, rng: &mut dyn Rng) -> Duration {
        self.interval.delay(state.retries, rng)
    }
}

/// Retries `429 Too Many Requests` after Slack's `Retry-After`.
///
/// `Retry-After` is read as integer seconds or as an HTTP-date (RFC 9110 §10.2.3), the date
/// measured against the response's own `Date` header so that no clock is read. A missing,
/// negative, fractional or unreadable value falls back to the interval (backoff by default), so
/// a bare 429 never causes a tight loop. A 429 whose body is `message_limit_exceeded` is a
/// workspace-wide cap that will not lift soon, and is not retried. A wait longer than the
/// webhook's cap ends the delivery with the 429 instead of sleeping.
#[derive(Debug, Clone)]
pub struct RateLimitErrorRetryHandler {
    max_retries: u32,
    jitter: Option<RandomJitter>,
    interval: Arc<dyn Interval>,
}

impl RateLimitErrorRetryHandler {
    /// One retry, `Retry-After` plus up to one second of jitter.
    pub fn new() -> Self {
        Self {
            max_retries: 1,
            jitter: Some(RandomJitter::default()),
            interval: default_interval(),
        }
    }

    /// Sets the retry budget.
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the jitter added to `Retry-After`.
    pub fn with_jitter(mut self, jitter: RandomJitter) -> Self {
        self.jitter = Some(jitter);
        self
    }

    /// Waits exactly `Retry-After`.
    pub fn without_jitter(mut self) -> Self {
        self.jitter = None;
        self
    }

    /// Sets the schedule used when `Retry-After` is missing or unreadable.
    pub fn with_interval(mut self, interval: impl Interval + 'static) -> Self {
        self.interval = Arc::new(interval);
        self
    }
}

impl Default for RateLimitErrorRetryHandler {
    fn default() -> Self {
        Self::new()
    }
}

impl RetryHandler for RateLimitErrorRetryHandler {
    fn max_retries(&self) -> u32 {
        self.max_retries
    }

    fn can_retry(&self, _: &RetryState, _: &Request<Bytes>, outcome: Outcome<'_>) -> bool {
        let Some(response) = outcome.response() else {
            return false;
        };
        response.status() == StatusCode::TOO_MANY_REQUESTS
            && !response.body().starts_with(b"message_limit_exceeded")
    }

    fn delay(&self, state: &RetryState, outcome: Outcome<'_>, rng: &mut dyn Rng) -> Duration {
        let told = outcome.response().and_then(|r| retry_after(r.headers()));
        match told {
            Some(wait) => with_jitter(wait, self.jitter.as_ref(), rng),
            None => self.interval.delay(state.retries, rng),
        }
    }
}

/// Retries server errors: 500 and 503 by default.
///
/// Slack's 500 `rollup_error` may come after the message was posted, so a retry can duplicate
/// it; this handler is not on by default.
#[derive(Debug, Clone)]
pub struct ServerErrorRetryHandler {
    max_retries: u32,
    statuses: Vec<StatusCode>,
    interval: Arc<dyn Interval>,
}

impl ServerErrorRetryHandler {
    /// One retry of 500 and 503, with the default backoff.
    pub fn new() -> Self {
        Self {
            max_retries: 1,
            statuses: vec![
                StatusCode::INTERNAL_SERVER_ERROR,
                StatusCode::SERVICE_UNAVAILABLE,
            ],
            interval: default_interval(),
        }
    }

    /// Sets the retry budget.
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the statuses that are retried.
    pub fn with_statuses(mut self, statuses: impl IntoIterator<Item = StatusCode>) -> Self {
        self.statuses = statuses.into_iter().collect();
        self
    }

    /// Sets the wait schedule.
    pub fn with_interval(mut self, interval: impl Interval + 'static) -> Self {
        self.interval = Arc::new(interval);
        self
    }
}

impl Default for ServerErrorRetryHandler {
    fn default() -> Self {
        Self::new()
    }
}

impl RetryHandler for ServerErrorRetryHandler {
    fn max_retries(&self) -> u32 {
        self.max_retries
    }

    fn can_retry(&self, _: &RetryState, _: &Request<Bytes>, outcome: Outcome<'_>) -> bool {
        outcome.status().is_some_and(|s| self.statuses.contains(&s))
    }

    fn delay(&self, state: &RetryState, _: Outcome<'_>, rng: &mut dyn Rng) -> Duration {
        self.interval.delay(state.retries, rng)
    }
}

/// Reads `Retry-After` (RFC 9110 §10.2.3) from response headers.
///
/// Integer seconds are taken as they are; a value too large for a `u64` saturates, so a caller's
/// cap still applies. An HTTP-date is measured against the response's `Date` header; without one
/// it cannot be read without a clock, and `None` is returned. Negative, fractional and
/// unreadable values give `None`, as does a date in the past relative to `Date`, which means
/// "now" (zero).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        let seconds = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(seconds));
    }

    let until = httpdate::parse_http_date(value).ok()?;
    let date = headers.get(header::DATE)?.to_str().ok()?;
    let now: SystemTime = httpdate::parse_http_date(date.trim()).ok()?;
    Some(until.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TransportErrorKind;

    /// A counter posing as a random source, so waits are exact.
    struct Counter(u64);

    impl rand_core::TryRng for Counter {
        type Error = core::convert::Infallible;

        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            Ok(self.try_next_u64()? as u32)
        }

        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            self.0 = self.0.wrapping_add(1 << 62);
            Ok(self.0)
        }

        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            dst.fill(0);
            Ok(())
        }
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                http::HeaderName::from_bytes(name.as_bytes()).expect("name"),
                value.parse().expect("value"),
            );
        }
        map
    }

    fn state() -> RetryState {
        RetryState {
            attempts: 1,
            retries: 0,
            total_wait: Duration::ZERO,
        }
    }

    fn request() -> Request<Bytes> {
        Request::new(Bytes::new())
    }

    fn response(status: u16, pairs: &[(&str, &str)]) -> Response<Bytes> {
        let mut r = Response::new(Bytes::new());
        *r.status_mut() = StatusCode::from_u16(status).expect("status");
        *r.headers_mut() = headers(pairs);
        r
    }

    #[test]
    fn retry_after_reads_integer_seconds() {
        let h = headers(&[("retry-after", "2")]);
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
    }

    #[test]
    fn retry_after_reads_an_http_date_against_the_date_header() {
        let h = headers(&[
            ("Retry-After", "Wed, 21 Oct 2015 07:28:03 GMT"),
            ("date", "Wed, 21 Oct 2015 07:28:00 GMT"),
        ]);
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
    }

    #[test]
    fn retry_after_date_without_a_date_header_is_unreadable() {
        let h = headers(&[("retry-after", "Wed, 21 Oct 2015 07:28:03 GMT")]);
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn retry_after_garbage_negative_and_fractional_are_unreadable() {
        for value in ["soon", "-1", "1.5", "", "1e3"] {
            let h = headers(&[("retry-after", value)]);
            assert_eq!(retry_after(&h), None, "{value}");
        }
    }

    #[test]
    fn retry_after_overflow_saturates() {
        let h = headers(&[("retry-after", "18446744073709551616")]);
        assert_eq!(retry_after(&h), Some(Duration::from_secs(u64::MAX)));
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let b = BackoffInterval::new(Duration::from_millis(500))
            .with_cap(Duration::from_secs(3))
            .without_jitter();
        let mut rng = Counter(0);
        let waits: Vec<u64> = (0..5)
            .map(|r| b.delay(r, &mut rng).as_millis() as u64)
            .collect();
        assert_eq!(waits, [500, 1000, 2000, 3000, 3000]);
        assert_eq!(b.delay(200, &mut rng), Duration::from_secs(3));
    }

    #[test]
    fn jitter_stays_below_its_maximum() {
        let j = RandomJitter::up_to(Duration::from_secs(1));
        let mut rng = Counter(0);
        for _ in 0..8 {
            assert!(j.draw(&mut rng) < Duration::from_secs(1));
        }
        assert_eq!(
            j.draw(&mut Counter(u64::MAX - (1 << 62) + 1)),
            Duration::ZERO
        );
    }

    #[test]
    fn fixed_interval_waits_the_same() {
        let f = FixedInterval::new(Duration::from_secs(2));
        let mut rng = Counter(0);
        assert_eq!(f.delay(0, &mut rng), f.delay(9, &mut rng));
    }

    #[test]
    fn connection_handler_retries_only_not_sent_errors_by_default() {
        let h = ConnectionErrorRetryHandler::new();
        let refused = TransportError::not_sent(TransportErrorKind::ConnectionRefused);
        let reset = TransportError::maybe_delivered(TransportErrorKind::ConnectionReset);
        assert!(h.can_retry(&state(), &request(), Outcome::Error(&refused)));
        assert!(!h.can_retry(&state(), &request(), Outcome::Error(&reset)));
        let h = h.retry_maybe_delivered(true);
        assert!(h.can_retry(&state(), &request(), Outcome::Error(&reset)));
    }

    #[test]
    fn connection_handler_ignores_responses() {
        let h = ConnectionErrorRetryHandler::new();
        let r = response(503, &[]);
        assert!(!h.can_retry(&state(), &request(), Outcome::Response(&r)));
    }

    #[test]
    fn rate_limit_handler_waits_for_retry_after() {
        let h = RateLimitErrorRetryHandler::new().without_jitter();
        let r = response(429, &[("retry-after", "7")]);
        assert!(h.can_retry(&state(), &request(), Outcome::Response(&r)));
        let wait = h.delay(&state(), Outcome::Response(&r), &mut Counter(0));
        assert_eq!(wait, Duration::from_secs(7));
    }

    #[test]
    fn rate_limit_handler_backs_off_without_retry_after() {
        let h = RateLimitErrorRetryHandler::new()
            .with_interval(FixedInterval::new(Duration::from_millis(300)));
        let r = response(429, &[("retry-after", "garbage")]);
        let wait = h.delay(&state(), Outcome::Response(&r), &mut Counter(0));
        assert_eq!(wait, Duration::from_millis(300));
    }

    #[test]
    fn rate_limit_handler_leaves_the_message_cap_alone() {
        let h = RateLimitErrorRetryHandler::new();
        let mut r = response(429, &[]);
        *r.body_mut() = Bytes::from_static(b"message_limit_exceeded");
        assert!(!h.can_retry(&state(), &request(), Outcome::Response(&r)));
    }

    #[test]
    fn server_error_handler_takes_its_configured_statuses() {
        let h = ServerErrorRetryHandler::new();
        for (status, expected) in [(500, true), (503, true), (502, false), (429, false)] {
            let r = response(status, &[]);
            assert_eq!(
                h.can_retry(&state(), &request(), Outcome::Response(&r)),
                expected
            );
        }
        let h = h.with_statuses([StatusCode::BAD_GATEWAY]);
        let r = response(502, &[]);
        assert!(h.can_retry(&state(), &request(), Outcome::Response(&r)));
    }
}
