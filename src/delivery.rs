//! The state machine that delivers one message.

use std::fmt;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, Request, Response};
use rand_core::Rng;

use crate::pacer::Pacer;
use crate::retry::{Outcome, RetryState};
use crate::{Error, TransportError, Webhook, WebhookResponse};

/// What the caller of [`Delivery::poll`] must do next.
#[derive(Debug)]
pub enum Step {
    /// Send this request, then feed back the answer with [`Delivery::handle_response`] or the
    /// failure with [`Delivery::handle_error`].
    Transmit(Request<Bytes>),
    /// Wait this long, then poll again.
    Wait(Duration),
    /// The delivery is finished: this is Slack's final answer, whatever its status.
    Done(WebhookResponse),
}

/// Why a delivery stopped retrying and returned a failed attempt's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GiveUp {
    /// No retry handler takes this outcome.
    NotRetryable,
    /// A handler takes it, but its retry budget is spent.
    BudgetSpent,
    /// The handler asked for a wait longer than the cap on a single wait.
    WaitAboveCap {
        /// The wait asked for.
        wait: Duration,
        /// The cap.
        cap: Duration,
    },
    /// The wait would take the delivery's total waiting past its cap.
    TotalWaitAboveCap {
        /// The wait asked for.
        wait: Duration,
        /// The cap on the total.
        cap: Duration,
    },
}

/// Caps on how long one delivery may wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WaitCaps {
    pub(crate) single: Duration,
    pub(crate) total: Duration,
}

enum State {
    /// The next poll transmits.
    Ready,
    /// A request is out; its outcome is owed.
    AwaitingOutcome,
    /// The next poll tells the caller to wait this long.
    Backoff(Duration),
    /// The next poll hands out this result.
    Finished(Result<WebhookResponse, Error>),
    /// The result was handed out.
    Done,
}

/// The delivery of one message: a sans-IO state machine.
///
/// **Loop invariant: call [`poll`](Self::poll) until it returns [`Step::Done`] or an error; after
/// each [`Step::Transmit`], feed back exactly one outcome before polling again.** The delivery
/// never reads a clock, never sleeps and never touches a socket: [`Step::Wait`] asks the caller
/// to wait, and jitter draws from the RNG that the caller passes in. The same RNG seed and the
/// same outcomes give the same steps.
///
/// `poll`'s answer changes only through [`handle_response`](Self::handle_response),
/// [`handle_error`](Self::handle_error) and `poll` itself.
///
/// A delivery keeps the serialized body and shares its webhook's configuration; each
/// [`Step::Transmit`] builds its request from them afresh, so a send costs one request, not a
/// stored one and a copy of it.
pub struct Delivery {
    webhook: Webhook,
    body: Bytes,
    /// Headers for this delivery only, on top of the webhook's; usually none.
    extra_headers: HeaderMap,
    /// Retries granted so far, per handler, in handler order; allocated on the first retry.
    retries: Vec<u32>,
    attempts: u32,
    total_wait: Duration,
    give_up: Option<GiveUp>,
    state: State,
}

impl Delivery {
    pub(crate) fn new(webhook: Webhook, body: Bytes, extra_headers: HeaderMap) -> Self {
        Self {
            webhook,
            body,
            extra_headers,
            retries: Vec::new(),
            attempts: 0,
            total_wait: Duration::ZERO,
            give_up: None,
            state: State::Ready,
        }
    }

    /// What to do next.
    ///
    /// Returns [`Error::Transport`] when the delivery ends in a transport failure that no
    /// handler retried, and a misuse error ([`Error::OutcomePending`], [`Error::AlreadyDone`])
    /// when called out of turn.
    pub fn poll(&mut self) -> Result<Step, Error> {
        match std::mem::replace(&mut self.state, State::Done) {
            State::Ready => {
                self.attempts += 1;
                self.state = State::AwaitingOutcome;
                Ok(Step::Transmit(self.request()))
            }
            State::AwaitingOutcome => {
                self.state = State::AwaitingOutcome;
                Err(Error::OutcomePending)
            }
            State::Backoff(wait) => {
                self.state = State::Ready;
                Ok(Step::Wait(wait))
            }
            State::Finished(result) => result.map(Step::Done),
            State::Done => Err(Error::AlreadyDone),
        }
    }

    /// Feeds back the response to the last transmitted request.
    ///
    /// A success (2xx) is final: Slack has posted the message, and asking the retry handlers
    /// could only post it twice. Any other status goes to the handlers; `rng` supplies the
    /// randomness for jitter, should they retry it.
    pub fn handle_response<R: Rng + ?Sized>(
        &mut self,
        response: Response<Bytes>,
        rng: &mut R,
    ) -> Result<(), Error> {
        self.expect_outcome()?;

        let retry = if response.status().is_success() {
            None
        } else {
            self.decide(Outcome::Response(&response), &mut AsDyn(rng))
        };
        match retry {
            Some(wait) => self.state = State::Backoff(wait),
            None => {
                let response = WebhookResponse::from_http(response, self.attempts);
                self.state = State::Finished(Ok(response));
            }
        }
        Ok(())
    }

    /// Feeds back the transport failure of the last transmitted request.
    ///
    /// `rng` supplies the randomness for jitter, should the failure be retried.
    pub fn handle_error<R: Rng + ?Sized>(
        &mut self,
        error: TransportError,
        rng: &mut R,
    ) -> Result<(), Error> {
        self.expect_outcome()?;

        match self.decide(Outcome::Error(&error), &mut AsDyn(rng)) {
            Some(wait) => self.state = State::Backoff(wait),
            None => {
                let attempts = self.attempts;
                self.state = State::Finished(Err(Error::Transport { error, attempts }));
            }
        }
        Ok(())
    }

    /// Claims a send slot from the webhook's shared [`Pacer`] for the request just handed out
    /// by [`Step::Transmit`], and returns how long to wait before transmitting it.
    ///
    /// The wait counts against the same caps as retry waits. A slot further away than the caps
    /// allow is not claimed: the delivery ends with [`Error::WaitTooLong`] and nothing is sent,
    /// instead of queueing without bound.
    pub fn pace(&mut self, pacer: &mut Pacer, now: Instant) -> Result<Duration, Error> {
        if !matches!(self.state, State::AwaitingOutcome) {
            return Err(Error::PacedOutOfTurn);
        }
        let caps = self.webhook.caps();
        let cap = caps.single.min(caps.total.saturating_sub(self.total_wait));
        match pacer.reserve_within(now, cap) {
            Ok(wait) => {
                self.total_wait += wait;
                Ok(wait)
            }
            Err(wait) => {
                self.state = State::Done;
                Err(Error::WaitTooLong { wait, cap })
            }
        }
    }

    /// Requests transmitted so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Total time this delivery has told its caller to wait.
    pub fn total_wait(&self) -> Duration {
        self.total_wait
    }

    /// Why the last failed outcome was not retried, once the delivery has decided so.
    pub fn give_up(&self) -> Option<GiveUp> {
        self.give_up
    }

    /// Whether the final result has been handed out.
    pub fn is_done(&self) -> bool {
        matches!(self.state, State::Done)
    }

    fn expect_outcome(&mut self) -> Result<(), Error> {
        match self.state {
            State::AwaitingOutcome => Ok(()),
            _ => Err(Error::UnexpectedOutcome),
        }
    }

    /// The request of every attempt: the webhook's, with this delivery's body and headers.
    fn request(&self) -> Request<Bytes> {
        self.webhook.request(self.body.clone(), &self.extra_headers)
    }

    /// Asks the handlers, in order, whether to retry; returns the wait, or records why not.
    fn decide(&mut self, outcome: Outcome<'_>, rng: &mut dyn Rng) -> Option<Duration> {
        let mut reason = GiveUp::NotRetryable;
        // Handlers see the request that failed; it is rebuilt here, on the failure path only.
        let request = self.request();
        let handlers = self.webhook.retry_handlers();
        let caps = self.webhook.caps();

        for (index, handler) in handlers.iter().enumerate() {
            let retries = self.retries.get(index).copied().unwrap_or(0);
            let state = RetryState {
                attempts: self.attempts,
                retries,
                total_wait: self.total_wait,
            };
            if !handler.can_retry(&state, &request, outcome) {
                continue;
            }
            if retries >= handler.max_retries() {
                reason = GiveUp::BudgetSpent;
                continue;
            }

            let wait = handler.delay(&state, outcome, rng);
            if wait > caps.single {
                let cap = caps.single;
                self.give_up = Some(GiveUp::WaitAboveCap { wait, cap });
                return None;
            }
            let total = self.total_wait.saturating_add(wait);
            if total > caps.total {
                let cap = caps.total;
                self.give_up = Some(GiveUp::TotalWaitAboveCap { wait, cap });
                return None;
            }

            if self.retries.len() < handlers.len() {
                self.retries.resize(handlers.len(), 0);
            }
            self.retries[index] += 1;
            self.total_wait = total;
            return Some(wait);
        }

        self.give_up = Some(reason);
        None
    }
}

impl fmt::Debug for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Ready => "ready",
            State::AwaitingOutcome => "awaiting outcome",
            State::Backoff(_) => "backing off",
            State::Finished(_) => "finished",
            State::Done => "done",
        };
        // The request is left out: its URI is the webhook's secret.
        f.debug_struct("Delivery")
            .field("state", &state)
            .field("attempts", &self.attempts)
            .field("total_wait", &self.total_wait)
            .field("handlers", &self.webhook.retry_handlers().len())
            .finish()
    }
}

/// Lets a caller's `R: Rng + ?Sized` be handed to handlers as `&mut dyn Rng`.
struct AsDyn<'a, R: ?Sized>(&'a mut R);

impl<R: Rng + ?Sized> rand_core::TryRng for AsDyn<'_, R> {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(self.0.next_u32())
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(self.0.next_u64())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        self.0.fill_bytes(dst);
        Ok(())
    }
}
