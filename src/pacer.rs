//! Pacing: when a webhook may next be sent to, shared by every send to it.
//!
//! Slack allows about one message per second per webhook, with short bursts, and answers `429`
//! with `Retry-After` beyond that; it warns that apps which keep sending after a 429 may be
//! disabled. A retry handler only protects one delivery. A [`Pacer`] protects the webhook: every
//! sender asks it for a slot before transmitting, and every response is shown to it, so one 429
//! holds back every sender until `Retry-After` has passed, instead of each discovering the limit
//! on its own.
//!
//! Once a webhook has answered 429, the pacer also spaces every later send to Slack's
//! documented rate ([`Rate::slack`], or another given with [`Pacer::with_rate_after_limit`]), so
//! that the senders it held back do not all go at once when the hold ends and trip the limit
//! again. Optionally, it spaces sends to a configured [`Rate`] from the start (the generic cell
//! rate algorithm), so that a busy sender never hits the limit at all. Time is always an
//! argument: the pacer never reads a clock.
//!
//! [`SharedPacer`] is the same pacer behind a lock, for a client shared by threads and tasks.
//! It also starts a new client slowly: concurrent first sends go out one at a time, then more
//! with every answer (one more per answer, so the window doubles each round trip), so that a
//! burst of senders on a fresh client learns the limit from a few 429s instead of one per sender.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Response, StatusCode};

/// A sustained rate with a burst.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    interval: Duration,
    burst: u32,
}

impl Rate {
    /// `per_second` sends per second (at least one), with no burst beyond one send.
    pub fn per_second(per_second: u32) -> Self {
        Self::every(Duration::from_secs(1) / per_second.max(1))
    }

    /// One send every `interval`, with no burst beyond one send.
    pub fn every(interval: Duration) -> Self {
        Self { interval, burst: 1 }
    }

    /// Allows `burst` sends back to back (at least one) before the rate applies.
    pub fn with_burst(mut self, burst: u32) -> Self {
        self.burst = burst.max(1);
        self
    }

    /// Slack's documented limit for incoming webhooks: one message per second, short bursts
    /// allowed (here, three).
    pub fn slack() -> Self {
        Self::per_second(1).with_burst(3)
    }

    /// The time between sends at the sustained rate.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// How many sends may go back to back.
    pub fn burst(&self) -> u32 {
        self.burst
    }
}

/// The earliest moment a webhook may be sent to.
///
/// ```
/// use std::time::{Duration, Instant};
/// use slackhook::pacer::{Pacer, Rate};
///
/// let start = Instant::now();
/// let mut pacer = Pacer::with_rate(Rate::per_second(1).with_burst(2));
///
/// let waits: Vec<Duration> = (0..4).map(|_| pacer.reserve(start)).collect();
/// let secs = |s| Duration::from_secs(s);
/// assert_eq!(waits, [secs(0), secs(0), secs(1), secs(2)]);
/// ```
#[derive(Debug, Clone)]
pub struct Pacer {
    rate: Option<Rate>,
    /// The rate adopted once the webhook has answered 429, when no rate was configured.
    after_limit: Rate,
    /// Whether the webhook has answered 429.
    limited: bool,
    /// The theoretical arrival time of the next send at the sustained rate.
    next_at_rate: Option<Instant>,
    /// Set by a 429: nothing may be sent before it.
    blocked_until: Option<Instant>,
}

/// How long a 429 without a readable `Retry-After` holds the webhook: Slack's limit is about one
/// message per second, so one second is the least that can help.
const BARE_RATE_LIMIT_HOLD: Duration = Duration::from_secs(1);

impl Default for Pacer {
    fn default() -> Self {
        Self {
            rate: None,
            after_limit: Rate::slack(),
            limited: false,
            next_at_rate: None,
            blocked_until: None,
        }
    }
}

impl Pacer {
    /// A pacer that only learns from 429s: sends go at once until the webhook answers 429.
    pub fn new() -> Self {
        Self::default()
    }

    /// A pacer that also spaces sends to `rate` from the start.
    pub fn with_rate(rate: Rate) -> Self {
        Self {
            rate: Some(rate),
            ..Self::default()
        }
    }

    /// Sets the rate adopted once the webhook has answered 429 (default [`Rate::slack`]), for a
    /// pacer without a configured rate.
    pub fn with_rate_after_limit(mut self, rate: Rate) -> Self {
        self.after_limit = rate;
        self
    }

    /// The configured rate, if any.
    pub fn rate(&self) -> Option<Rate> {
        self.rate
    }

    /// The rate sends are spaced to now: the configured one, or the one adopted after a 429.
    pub fn current_rate(&self) -> Option<Rate> {
        self.rate.or(self.limited.then_some(self.after_limit))
    }

    /// Whether a 429 still holds every sender at `now`.
    pub fn is_held(&self, now: Instant) -> bool {
        self.blocked_until.is_some_and(|until| until > now)
    }

    /// The earliest moment a send could go out, without claiming it.
    pub fn earliest(&self, now: Instant) -> Instant {
        let mut at = now;
        if let Some(blocked) = self.blocked_until {
            at = at.max(blocked);
        }
        if let (Some(rate), Some(next)) = (self.current_rate(), self.next_at_rate) {
            at = at.max(next.checked_sub(tolerance(rate)).unwrap_or(now));
        }
        at
    }

    /// Claims the next slot and returns how long to wait before sending in it.
    pub fn reserve(&mut self, now: Instant) -> Duration {
        let at = self.earliest(now);
        self.claim(at);
        at.saturating_duration_since(now)
    }

    /// Claims the next slot only if it comes within `cap`; otherwise claims nothing and returns
    /// the wait that would have been needed.
    pub fn reserve_within(&mut self, now: Instant, cap: Duration) -> Result<Duration, Duration> {
        let at = self.earliest(now);
        let wait = at.saturating_duration_since(now);
        if wait > cap {
            return Err(wait);
        }
        self.claim(at);
        Ok(wait)
    }

    /// Learns from a response: a 429 holds every sender back for its `Retry-After` (or one second
    /// when it has none that can be read), and from then on sends are spaced to a rate.
    pub fn handle_response(&mut self, now: Instant, response: &Response<Bytes>) {
        if response.status() != StatusCode::TOO_MANY_REQUESTS {
            return;
        }
        self.limited = true;
        let hold = crate::retry::retry_after(response.headers()).unwrap_or(BARE_RATE_LIMIT_HOLD);
        self.hold_until(
            now.checked_add(hold)
                .unwrap_or(now + Duration::from_secs(86_400)),
        );
    }

    /// Holds every sender back until `until`, unless already held longer.
    pub fn hold_until(&mut self, until: Instant) {
        self.blocked_until = Some(self.blocked_until.map_or(until, |b| b.max(until)));
    }

    fn claim(&mut self, at: Instant) {
        if let Some(rate) = self.current_rate() {
            let base = self.next_at_rate.map_or(at, |next| next.max(at));
            self.next_at_rate = Some(base + rate.interval);
        }
    }
}

/// A [`Pacer`] behind a lock, for one client shared by many threads and tasks.
///
/// The lock is held only for the few instructions of a claim or a lesson, never across a
/// network call or a wait; while the pacer has nothing to say (no configured rate, no 429 seen),
/// a claim is one atomic load and takes no lock at all. Time is an argument, as everywhere in
/// the core.
///
/// ```
/// use std::time::{Duration, Instant};
/// use slackhook::pacer::{Pacer, Rate, SharedPacer};
/// use slackhook::{Message, Step, Webhook};
///
/// let shared = SharedPacer::new(Pacer::with_rate(Rate::per_second(1)));
/// let webhook = Webhook::new("https://hooks.slack.com/services/T0/B0/x".parse()?);
/// let now = Instant::now();
///
/// let mut waits = Vec::new();
/// for _ in 0..2 {
///     let mut delivery = webhook.send(&Message::text("hi"))?;
///     assert!(matches!(delivery.poll()?, Step::Transmit(_)));
///     waits.push(shared.claim(&mut delivery, now)?);
/// }
/// assert_eq!(waits, [Duration::ZERO, Duration::from_secs(1)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct SharedPacer {
    pacer: Mutex<Pacer>,
    /// Whether a claim can be told to wait: a rate is configured, or a 429 was seen. Until then
    /// every slot is free at once, and claiming one can be skipped.
    engaged: AtomicBool,
    /// How many requests may be in flight while the client starts; one more after every answer.
    window: AtomicU32,
    /// Requests in flight, counted only while the client starts.
    in_flight: AtomicU32,
    /// Whether the start is over: the window grew wide, or a 429 handed control to the pacer.
    started: AtomicBool,
}

/// The window at which a client's start is over: wider than any sane number of concurrent
/// senders to one webhook.
const STARTED_WINDOW: u32 = 64;

/// How often a sender waiting for room in the start window looks again.
const WINDOW_POLL: Duration = Duration::from_millis(5);

/// A request counted in flight while a client starts; dropping it, once the request is answered
/// or abandoned, makes room for the next.
#[derive(Debug)]
#[must_use = "the request counts as in flight until this is dropped"]
pub struct InFlight<'a> {
    counted: Option<&'a SharedPacer>,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if let Some(shared) = self.counted {
            shared.in_flight.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

impl SharedPacer {
    /// Shares `pacer`.
    pub fn new(pacer: Pacer) -> Self {
        let engaged =
            AtomicBool::new(pacer.current_rate().is_some() || pacer.blocked_until.is_some());
        Self {
            pacer: Mutex::new(pacer),
            engaged,
            window: AtomicU32::new(1),
            in_flight: AtomicU32::new(0),
            started: AtomicBool::new(false),
        }
    }

    /// Enters the start window before a request is transmitted: the [`InFlight`] to hold until
    /// it is answered, or how long to wait before trying again when the window is full.
    ///
    /// A fresh client lets one request out at a time; every answer that is not a 429 makes room
    /// for one more (so the window doubles each round trip, as in TCP's slow start), until it is
    /// wide (64). A 429 ends the start at once, since the pacer then knows the limit. A lone
    /// sender never waits. Once the start is over, entering is one atomic load.
    pub fn enter(&self) -> Result<InFlight<'_>, Duration> {
        if self.started.load(Ordering::Acquire) {
            return Ok(InFlight { counted: None });
        }
        let window = self.window.load(Ordering::Acquire);
        let entered = self
            .in_flight
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < window).then_some(n + 1)
            });
        match entered {
            Ok(_) => Ok(InFlight {
                counted: Some(self),
            }),
            Err(_) => Err(WINDOW_POLL),
        }
    }

    /// The configured rate, if any.
    pub fn rate(&self) -> Option<Rate> {
        self.lock().rate()
    }

    /// Claims a slot for the request that `delivery` just handed out, and returns how long to
    /// wait before sending it; see [`Delivery::pace`](crate::Delivery::pace). Fails with
    /// [`Error::WaitTooLong`](crate::Error::WaitTooLong) when the slot is past the delivery's
    /// caps: nothing may be sent then.
    pub fn claim(
        &self,
        delivery: &mut crate::Delivery,
        now: Instant,
    ) -> Result<Duration, crate::Error> {
        if !self.engaged.load(Ordering::Acquire) {
            return Ok(Duration::ZERO);
        }
        delivery.pace(&mut self.lock(), now)
    }

    /// After waiting for a slot: claims a new one if a 429 that arrived during the wait holds
    /// the webhook at `now`, and returns the further wait; zero when the request may go.
    ///
    /// A slot is claimed before the wait for it, so without this check a sender would transmit
    /// into a hold that another sender learned meanwhile, and Slack warns that apps which keep
    /// sending after a 429 may be disabled.
    pub fn reclaim_if_held(
        &self,
        delivery: &mut crate::Delivery,
        now: Instant,
    ) -> Result<Duration, crate::Error> {
        if !self.engaged.load(Ordering::Acquire) {
            return Ok(Duration::ZERO);
        }
        let mut pacer = self.lock();
        if !pacer.is_held(now) {
            return Ok(Duration::ZERO);
        }
        delivery.pace(&mut pacer, now)
    }

    /// Shows the pacer a response, before the delivery sees it: a 429 holds every sender, and
    /// any other answer widens the start window.
    pub fn handle_response(&self, now: Instant, response: &Response<Bytes>) {
        if response.status() != StatusCode::TOO_MANY_REQUESTS {
            self.widen();
            return;
        }
        self.lock().handle_response(now, response);
        self.engaged.store(true, Ordering::Release);
        self.started.store(true, Ordering::Release);
    }

    /// Makes room for one more request in flight, until the start is over.
    fn widen(&self) {
        if self.started.load(Ordering::Acquire) {
            return;
        }
        let widened = self
            .window
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |w| {
                Some(w.saturating_add(1))
            });
        if widened.is_ok_and(|before| before.saturating_add(1) >= STARTED_WINDOW) {
            self.started.store(true, Ordering::Release);
        }
    }

    fn lock(&self) -> MutexGuard<'_, Pacer> {
        // The pacer is plain data updated in single steps: a panic elsewhere while the lock was
        // held cannot have left it half-changed.
        self.pacer.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// How far ahead of the sustained schedule a burst may run.
fn tolerance(rate: Rate) -> Duration {
    rate.interval.saturating_mul(rate.burst.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    fn too_many(retry_after: Option<&str>) -> Response<Bytes> {
        let mut builder = Response::builder().status(429);
        if let Some(value) = retry_after {
            builder = builder.header("retry-after", value);
        }
        builder.body(Bytes::new()).expect("response")
    }

    #[test]
    fn an_unpaced_pacer_never_waits() {
        let now = Instant::now();
        let mut pacer = Pacer::new();
        for _ in 0..100 {
            assert_eq!(pacer.reserve(now), Duration::ZERO);
        }
    }

    #[test]
    fn a_rate_with_a_burst_gives_the_exact_schedule() {
        let t0 = Instant::now();
        let mut pacer = Pacer::with_rate(Rate::per_second(2).with_burst(2));

        let waits: Vec<Duration> = (0..6).map(|_| pacer.reserve(t0)).collect();
        assert_eq!(
            waits,
            [
                secs(0.0),
                secs(0.0),
                secs(0.5),
                secs(1.0),
                secs(1.5),
                secs(2.0)
            ]
        );

        // After a quiet period the burst is available again.
        let later = t0 + secs(10.0);
        assert_eq!(pacer.reserve(later), Duration::ZERO);
        assert_eq!(pacer.reserve(later), Duration::ZERO);
        assert_eq!(pacer.reserve(later), secs(0.5));
    }

    #[test]
    fn sends_spread_over_time_are_not_delayed() {
        let t0 = Instant::now();
        let mut pacer = Pacer::with_rate(Rate::per_second(1));
        for i in 0..5 {
            assert_eq!(pacer.reserve(t0 + secs(i as f64)), Duration::ZERO);
        }
    }

    #[test]
    fn a_429_holds_every_sender_for_retry_after() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new().with_rate_after_limit(Rate::per_second(10).with_burst(10));
        pacer.handle_response(t0, &too_many(Some("3")));

        assert!(pacer.is_held(t0));
        assert_eq!(pacer.reserve(t0), secs(3.0));
        assert_eq!(pacer.reserve(t0 + secs(1.0)), secs(2.0));
        assert!(!pacer.is_held(t0 + secs(3.0)));
        assert_eq!(pacer.reserve(t0 + secs(5.0)), Duration::ZERO);
    }

    #[test]
    fn senders_held_by_a_429_are_released_at_slacks_rate() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new();
        assert_eq!(pacer.current_rate(), None);
        pacer.handle_response(t0, &too_many(Some("2")));
        assert_eq!(pacer.current_rate(), Some(Rate::slack()));

        // Five senders waiting for the hold to end: Slack's burst of three at once, then one a
        // second, instead of all five at once.
        let waits: Vec<Duration> = (0..5).map(|_| pacer.reserve(t0)).collect();
        assert_eq!(
            waits,
            [secs(2.0), secs(2.0), secs(2.0), secs(3.0), secs(4.0)]
        );
    }

    #[test]
    fn a_configured_rate_is_kept_after_a_429() {
        let t0 = Instant::now();
        let rate = Rate::per_second(5);
        let mut pacer = Pacer::with_rate(rate);
        pacer.handle_response(t0, &too_many(Some("1")));
        assert_eq!(pacer.current_rate(), Some(rate));
    }

    #[test]
    fn a_429_without_retry_after_holds_for_a_second() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new();
        pacer.handle_response(t0, &too_many(Some("soon")));
        assert_eq!(pacer.reserve(t0), secs(1.0));
    }

    fn delivery() -> crate::Delivery {
        let url = "https://hooks.slack.com/services/T0/B0/x"
            .parse()
            .expect("url");
        let mut delivery = crate::Webhook::new(url)
            .send(&crate::Message::text("hi"))
            .expect("valid message");
        assert!(matches!(delivery.poll(), Ok(crate::Step::Transmit(_))));
        delivery
    }

    #[test]
    fn an_idle_shared_pacer_lets_every_claim_go_at_once() {
        let shared = SharedPacer::new(Pacer::new());
        let now = Instant::now();
        for _ in 0..3 {
            assert_eq!(shared.claim(&mut delivery(), now), Ok(Duration::ZERO));
        }
        assert!(!shared.engaged.load(Ordering::Acquire));

        let ok = Response::builder()
            .status(200)
            .body(Bytes::new())
            .expect("response");
        shared.handle_response(now, &ok);
        assert!(!shared.engaged.load(Ordering::Acquire));
    }

    fn ok() -> Response<Bytes> {
        Response::builder()
            .status(200)
            .body(Bytes::new())
            .expect("response")
    }

    #[test]
    fn a_fresh_client_starts_one_request_at_a_time_and_widens_per_answer() {
        let shared = SharedPacer::new(Pacer::new());
        let now = Instant::now();

        let first = shared.enter().expect("room for one");
        assert_eq!(shared.enter().err(), Some(WINDOW_POLL));
        drop(first);
        let first = shared.enter().expect("room again once answered");

        shared.handle_response(now, &ok());
        let second = shared.enter().expect("the window is two");
        assert!(shared.enter().is_err());

        // One more per answer, not twice as many: three after two answers.
        shared.handle_response(now, &ok());
        let third = shared.enter().expect("the window is three");
        assert!(shared.enter().is_err(), "the window grew by more than one");
        drop((first, second, third));
    }

    #[test]
    fn the_start_ends_once_the_window_is_wide() {
        let shared = SharedPacer::new(Pacer::new());
        let now = Instant::now();
        for _ in 0..STARTED_WINDOW {
            shared.handle_response(now, &ok());
        }
        let many: Vec<InFlight<'_>> = (0..1000).map(|_| shared.enter().expect("room")).collect();
        assert!(many.iter().all(|f| f.counted.is_none()));
    }

    #[test]
    fn a_429_ends_the_start_and_hands_over_to_the_pacer() {
        let shared = SharedPacer::new(Pacer::new());
        let now = Instant::now();
        let _first = shared.enter().expect("room for one");
        shared.handle_response(now, &too_many(Some("1")));
        assert!(shared.enter().is_ok());
        assert_eq!(shared.claim(&mut delivery(), now), Ok(secs(1.0)));
    }

    #[test]
    fn a_429_seen_by_one_sender_holds_the_next_claims() {
        let shared = SharedPacer::new(Pacer::new());
        let now = Instant::now();
        shared.handle_response(now, &too_many(Some("30")));

        let wait = shared.claim(&mut delivery(), now).expect("within the caps");
        assert_eq!(wait, secs(30.0));
    }

    #[test]
    fn a_claim_made_before_a_429_is_renewed_after_it() {
        let shared = SharedPacer::new(Pacer::with_rate(Rate::per_second(1)));
        let now = Instant::now();
        let mut first = delivery();
        assert_eq!(shared.claim(&mut first, now), Ok(Duration::ZERO));
        assert_eq!(shared.reclaim_if_held(&mut first, now), Ok(Duration::ZERO));

        shared.handle_response(now, &too_many(Some("30")));
        let wait = shared
            .reclaim_if_held(&mut first, now)
            .expect("within the caps");
        assert_eq!(wait, secs(30.0));
    }

    #[test]
    fn a_shared_slot_past_the_caps_ends_the_delivery() {
        let shared = SharedPacer::new(Pacer::new());
        let now = Instant::now();
        shared.handle_response(now, &too_many(Some("3600")));

        let error = shared
            .claim(&mut delivery(), now)
            .expect_err("past the 60 s cap");
        assert!(
            matches!(error, crate::Error::WaitTooLong { .. }),
            "{error:?}"
        );
    }

    #[test]
    fn a_shorter_hold_does_not_shorten_a_longer_one() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new();
        pacer.handle_response(t0, &too_many(Some("5")));
        pacer.handle_response(t0, &too_many(Some("1")));
        assert_eq!(pacer.reserve(t0), secs(5.0));
    }

    #[test]
    fn other_responses_teach_nothing() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new();
        let ok = Response::builder()
            .status(200)
            .body(Bytes::new())
            .expect("response");
        pacer.handle_response(t0, &ok);
        assert_eq!(pacer.reserve(t0), Duration::ZERO);
    }

    #[test]
    fn a_slot_past_the_cap_is_not_claimed() {
        let t0 = Instant::now();
        let mut pacer = Pacer::with_rate(Rate::per_second(1));
        assert_eq!(pacer.reserve_within(t0, secs(0.0)), Ok(Duration::ZERO));
        assert_eq!(pacer.reserve_within(t0, secs(0.5)), Err(secs(1.0)));
        // The refused slot was not taken: the next caller gets it.
        assert_eq!(pacer.reserve_within(t0, secs(1.0)), Ok(secs(1.0)));
    }

    #[test]
    fn a_huge_retry_after_does_not_overflow() {
        let t0 = Instant::now();
        let mut pacer = Pacer::new();
        pacer.handle_response(t0, &too_many(Some("18446744073709551615")));
        assert!(pacer.reserve_within(t0, secs(60.0)).is_err());
    }

    #[test]
    fn the_slack_preset_is_one_per_second_with_a_small_burst() {
        let rate = Rate::slack();
        assert_eq!(rate.interval(), secs(1.0));
        assert_eq!(rate.burst(), 3);
    }
}
