//! Slack's per-webhook rate limit, as a token bucket.

use std::time::{Duration, Instant};

/// A rate limit applied to each registered URL on its own: a token bucket that holds `burst`
/// tokens and refills at `per_second` tokens a second.
///
/// Slack allows about one message a second per webhook, with short bursts; beyond that it
/// answers `429` with `Retry-After`. With a limit set, the emulator does the same: `429`,
/// `Retry-After: <whole seconds, at least 1>` and the body
/// `{"ok":false,"error":"rate_limited","retry_after":N}`. A rate-limited request is not
/// recorded. Every `POST` to a live registered URL takes a token, valid or not, as it reaches
/// the server either way.
///
/// ```
/// use slackhook_emulator::{Emulator, RateLimit};
///
/// let emulator = Emulator::builder()
///     .rate_limit(RateLimit::per_second(1).with_burst(3))
///     .start()?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    per_second: u32,
    burst: u32,
}

impl RateLimit {
    /// `n` messages a second (at least 1), with a burst of `n`.
    pub fn per_second(n: u32) -> Self {
        let n = n.max(1);
        Self {
            per_second: n,
            burst: n,
        }
    }

    /// How many messages may go out back to back (at least 1) before the rate applies.
    pub fn with_burst(mut self, burst: u32) -> Self {
        self.burst = burst.max(1);
        self
    }

    /// The refill rate, in messages a second.
    pub fn rate(&self) -> u32 {
        self.per_second
    }

    /// The bucket's capacity.
    pub fn burst(&self) -> u32 {
        self.burst
    }
}

/// One URL's bucket.
#[derive(Debug)]
pub(crate) struct Bucket {
    tokens: f64,
    refilled_at: Instant,
}

impl Bucket {
    pub(crate) fn full(limit: RateLimit, now: Instant) -> Self {
        Self {
            tokens: f64::from(limit.burst),
            refilled_at: now,
        }
    }

    /// Takes a token, or says how many whole seconds (at least 1) until one is available.
    pub(crate) fn take(&mut self, limit: RateLimit, now: Instant) -> Result<(), u64> {
        let rate = f64::from(limit.per_second);
        let elapsed = now.saturating_duration_since(self.refilled_at);
        self.tokens = (self.tokens + elapsed.as_secs_f64() * rate).min(f64::from(limit.burst));
        self.refilled_at = now;

        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return Ok(());
        }
        let wait = Duration::from_secs_f64((1.0 - self.tokens) / rate);
        Err(wait.as_secs_f64().ceil().max(1.0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_bucket_allows_a_burst_then_refuses() {
        let limit = RateLimit::per_second(1).with_burst(3);
        let now = Instant::now();
        let mut bucket = Bucket::full(limit, now);
        for _ in 0..3 {
            assert_eq!(bucket.take(limit, now), Ok(()));
        }
        assert_eq!(bucket.take(limit, now), Err(1));
    }

    #[test]
    fn the_bucket_refills_at_the_rate() {
        let limit = RateLimit::per_second(2).with_burst(1);
        let now = Instant::now();
        let mut bucket = Bucket::full(limit, now);
        assert_eq!(bucket.take(limit, now), Ok(()));
        assert!(bucket.take(limit, now).is_err());
        assert_eq!(bucket.take(limit, now + Duration::from_millis(500)), Ok(()));
    }

    #[test]
    fn retry_after_is_whole_seconds_and_at_least_one() {
        let limit = RateLimit::per_second(10);
        let now = Instant::now();
        let mut bucket = Bucket::full(limit, now);
        for _ in 0..10 {
            assert_eq!(bucket.take(limit, now), Ok(()));
        }
        assert_eq!(bucket.take(limit, now), Err(1));
    }

    #[test]
    fn zero_is_raised_to_one() {
        let limit = RateLimit::per_second(0).with_burst(0);
        assert_eq!((limit.rate(), limit.burst()), (1, 1));
    }
}
