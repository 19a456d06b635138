//! The client's pacer: one per webhook, shared by every clone, thread and task.
//!
//! The core's [`Pacer`] decides when the webhook may next be sent to; this wrapper only adds
//! the lock, reads the clock, and keeps the path free of both while the pacer has nothing to
//! say (pacing off and no 429 seen). A lock is held for the few instructions of a claim or a
//! lesson, never across a network call or a wait.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use slackhook::bytes::Bytes;
use slackhook::http::Response;
use slackhook::pacer::{Pacer, Rate};
use slackhook::{Delivery, Error};

pub(crate) struct SharedPacer {
    pacers: Mutex<Pacers>,
    /// Whether a claim can be told to wait: pacing is on, or a 429 has held the webhook. Until
    /// then every slot is free now, and claiming one can be skipped.
    engaged: AtomicBool,
}

struct Pacers {
    /// The webhook's schedule: the configured rate, if any, and every 429's hold.
    schedule: Pacer,
    /// The 429 holds alone, to tell whether the webhook is held at a given moment.
    holds: Pacer,
}

impl SharedPacer {
    pub(crate) fn new(rate: Option<Rate>) -> Self {
        let schedule = rate.map_or_else(Pacer::new, Pacer::with_rate);
        Self {
            pacers: Mutex::new(Pacers {
                schedule,
                holds: Pacer::new(),
            }),
            engaged: AtomicBool::new(rate.is_some()),
        }
    }

    /// The configured rate, if pacing is on.
    pub(crate) fn rate(&self) -> Option<Rate> {
        self.lock().schedule.rate()
    }

    /// Claims a slot for the request that `delivery` just handed out, and returns how long to
    /// wait before sending it. Fails with [`Error::WaitTooLong`] when the slot is past the
    /// delivery's caps; nothing may be sent then.
    pub(crate) fn claim(&self, delivery: &mut Delivery) -> Result<Duration, Error> {
        if !self.engaged.load(Ordering::Acquire) {
            return Ok(Duration::ZERO);
        }
        let now = Instant::now();
        delivery.pace(&mut self.lock().schedule, now)
    }

    /// After waiting for a slot: claims a new one if a 429 that arrived during the wait holds
    /// the webhook now, and returns the further wait; zero when the request may go.
    ///
    /// A slot is claimed before the wait for it, so without this check a sender would transmit
    /// into a hold that another sender learned meanwhile: Slack warns that apps which keep
    /// sending after a 429 may be disabled.
    pub(crate) fn reclaim_if_held(&self, delivery: &mut Delivery) -> Result<Duration, Error> {
        let now = Instant::now();
        let mut pacers = self.lock();
        if pacers.holds.earliest(now) <= now {
            return Ok(Duration::ZERO);
        }
        delivery.pace(&mut pacers.schedule, now)
    }

    /// Shows the pacer a response, before the delivery sees it: a 429 holds every sender.
    pub(crate) fn handle_response(&self, response: &Response<Bytes>) {
        let now = Instant::now();
        let mut pacers = self.lock();
        pacers.schedule.handle_response(now, response);
        pacers.holds.handle_response(now, response);
        if pacers.holds.earliest(now) > now {
            self.engaged.store(true, Ordering::Release);
        }
    }

    fn lock(&self) -> MutexGuard<'_, Pacers> {
        // The pacers are plain data updated in single steps: a panic elsewhere while the lock
        // was held cannot have left them half-changed.
        self.pacers.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use slackhook::{Message, Step, Webhook};

    fn delivery() -> Delivery {
        let url = "https://hooks.slack.com/services/T0/B0/x"
            .parse()
            .expect("url");
        let mut delivery = Webhook::new(url)
            .send(&Message::text("hi"))
            .expect("valid message");
        assert!(matches!(delivery.poll(), Ok(Step::Transmit(_))));
        delivery
    }

    fn rate_limited(retry_after: &str) -> Response<Bytes> {
        Response::builder()
            .status(429)
            .header("retry-after", retry_after)
            .body(Bytes::new())
            .expect("a valid response")
    }

    #[test]
    fn an_idle_pacer_lets_every_claim_go_at_once() {
        let pacer = SharedPacer::new(None);
        for _ in 0..3 {
            assert_eq!(pacer.claim(&mut delivery()), Ok(Duration::ZERO));
        }
        assert!(!pacer.engaged.load(Ordering::Acquire));
    }

    #[test]
    fn a_429_holds_the_next_claims() {
        let pacer = SharedPacer::new(None);
        pacer.handle_response(&rate_limited("30"));

        let wait = pacer
            .claim(&mut delivery())
            .expect("within the default caps");
        assert!(wait > Duration::from_secs(29), "{wait:?}");
    }

    #[test]
    fn a_claim_made_before_a_429_is_renewed_after_it() {
        let pacer = SharedPacer::new(Some(Rate::per_second(1)));
        let mut first = delivery();
        assert_eq!(pacer.claim(&mut first), Ok(Duration::ZERO));
        assert_eq!(pacer.reclaim_if_held(&mut first), Ok(Duration::ZERO));

        pacer.handle_response(&rate_limited("30"));
        let wait = pacer.reclaim_if_held(&mut first).expect("within the caps");
        assert!(wait > Duration::from_secs(29), "{wait:?}");
    }

    #[test]
    fn a_slot_past_the_caps_ends_the_delivery() {
        let pacer = SharedPacer::new(None);
        pacer.handle_response(&rate_limited("3600"));

        let error = pacer.claim(&mut delivery()).expect_err("past the 60 s cap");
        assert!(matches!(error, Error::WaitTooLong { .. }), "{error:?}");
    }

    #[test]
    fn other_responses_leave_the_pacer_idle() {
        let pacer = SharedPacer::new(None);
        let ok = Response::builder()
            .status(200)
            .body(Bytes::from_static(b"ok"))
            .expect("a valid response");
        pacer.handle_response(&ok);
        assert!(!pacer.engaged.load(Ordering::Acquire));
    }
}
