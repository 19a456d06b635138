//! The blocking client and its builder.

use std::fmt;
use std::io::Read;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use log::{debug, warn};
use slackhook::bytes::Bytes;
use slackhook::http::{HeaderMap, Request, Response};
use slackhook::pacer::{InFlight, Pacer, Rate, SharedPacer};
use slackhook::proxy::{ProxyAddress, ProxySettings};
use slackhook::rand_core::Rng;
use slackhook::retry::{JitterRng, RetryHandler};
use slackhook::{
    Delivery, Error, Message, Step, TransportError, Webhook, WebhookBuilder, WebhookResponse,
    WebhookUrl,
};
use ureq::unversioned::transport::DefaultConnector;

use crate::classify::{classify, classify_body};
use crate::resolver::CachingResolver;

/// The most of a response body that is kept. Slack answers with a few bytes; a proxy's error
/// page still fits, and anything longer is cut rather than buffered without bound.
const MAX_BODY: u64 = 64 * 1024;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

type SharedRng = Arc<Mutex<Box<dyn Rng + Send>>>;

/// A blocking client for one Slack incoming webhook or `response_url`.
///
/// Cheap to clone; clones share one connection pool, one configuration, one jitter source and
/// one pacer, and may be used from many threads at once. Each send drives a [`Delivery`] to the
/// end: every retry decision is the core's, this client only does the I/O and the sleeping.
///
/// ```
/// use slackhook::Message;
/// use slackhook_emulator::Emulator;
/// use slackhook_ureq::WebhookClient;
///
/// // A local Slack stand-in; with real Slack, parse the URL Slack gave you instead.
/// let slack = Emulator::start()?;
/// let client = WebhookClient::new(slack.webhook_url());
///
/// let response = client.send(&Message::text("Deploy finished"))?;
/// assert_eq!(response.status(), 200);
/// assert_eq!(response.body(), "ok");
/// assert_eq!(slack.messages()[0].text(), Some("Deploy finished"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Slack allows about one message a second per webhook and may disable apps that keep sending
/// after a 429, so the client keeps one [`Pacer`](slackhook::pacer::Pacer) for all its clones
/// and threads: a 429 holds every send until its `Retry-After` has passed, and with
/// [`pacing`](WebhookClientBuilder::pacing) sends are also spaced to a rate, so that threads
/// sharing the client never meet the limit. Pace a little below the real limit (with Slack,
/// [`Rate::slack()`]); a send whose turn is further away than its caps fails at once with
/// [`Error::WaitTooLong`] and sends nothing.
///
/// ```
/// use std::thread;
/// use slackhook::Message;
/// use slackhook::pacer::{InFlight, Pacer, Rate, SharedPacer};
/// use slackhook_emulator::{Emulator, RateLimit};
/// use slackhook_ureq::WebhookClient;
///
/// // A stand-in that limits like Slack, twenty times faster.
/// let limit = RateLimit::per_second(20).with_burst(5);
/// let slack = Emulator::builder().rate_limit(limit).start()?;
/// let client = WebhookClient::builder(slack.webhook_url())
///     .pacing(Rate::per_second(20).with_burst(2))
///     .build()?;
///
/// let senders: Vec<_> = (0..8)
///     .map(|n| {
///         let client = client.clone();
///         thread::spawn(move || client.send(&Message::text(format!("shard {n} is done"))))
///     })
///     .collect();
/// for sender in senders {
///     assert_eq!(sender.join().expect("no panic")?.status(), 200);
/// }
/// assert_eq!(slack.rate_limited_count(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct WebhookClient {
    inner: Arc<Inner>,
}

struct Inner {
    webhook: Webhook,
    /// `Err` when the environment names a proxy that cannot be used: every send fails with it,
    /// rather than quietly going around the proxy.
    agent: Result<ureq::Agent, Error>,
    rng: SharedRng,
    pacer: SharedPacer,
    timeout: Duration,
    proxy: ProxySettings,
    custom_agent: bool,
    /// Whether each request must be told to return every status and follow no redirect: the
    /// agent is a caller's, configured otherwise.
    configure_each_request: bool,
    /// The name cache of the agent the client built itself; `None` with a caller's agent.
    names: Option<CachingResolver>,
}

impl WebhookClient {
    /// A client with the default configuration: a 30 s timeout per attempt, the proxy from the
    /// environment, validation on, and one retry of connection failures that provably sent
    /// nothing.
    ///
    /// Should the environment name a proxy that is not a usable address, every send fails with
    /// [`Error::InvalidProxy`]; [`WebhookClient::builder`] reports it up front instead.
    pub fn new(url: WebhookUrl) -> Self {
        let builder = Self::builder(url.clone());
        let proxy = builder.proxy.clone();
        match builder.build() {
            Ok(client) => client,
            Err(error) => Self {
                inner: Arc::new(Inner {
                    webhook: Webhook::new(url),
                    agent: Err(error),
                    rng: Arc::new(Mutex::new(Box::new(seeded_from_os()))),
                    pacer: SharedPacer::new(Pacer::new()),
                    timeout: DEFAULT_TIMEOUT,
                    proxy,
                    custom_agent: false,
                    configure_each_request: false,
                    names: None,
                }),
            },
        }
    }

    /// A builder for a client with custom transport, headers or retries.
    pub fn builder(url: WebhookUrl) -> WebhookClientBuilder {
        WebhookClientBuilder::new(url)
    }

    /// The webhook's configuration: address, headers, retry handlers, caps.
    pub fn webhook(&self) -> &Webhook {
        &self.inner.webhook
    }

    /// The rate this client spaces its sends to, if pacing is on.
    pub fn pacing(&self) -> Option<Rate> {
        self.inner.pacer.rate()
    }

    /// Validates and sends a message, retrying as the retry handlers decide.
    ///
    /// A response of any status is `Ok`: a 4xx or 5xx that no handler retried is Slack's answer
    /// (see [`WebhookResponse::slack_error`]). `Err` means the message failed validation, or the
    /// transport failed and was not retried; [`Error::is_not_sent`] says whether it may still
    /// have reached Slack.
    pub fn send(&self, message: &Message) -> Result<WebhookResponse, Error> {
        self.drive(self.inner.webhook.send(message)?)
    }

    /// Like [`send`](Self::send), with headers for this request only; they replace the
    /// client's default headers of the same name.
    pub fn send_with_headers(
        &self,
        message: &Message,
        headers: &HeaderMap,
    ) -> Result<WebhookResponse, Error> {
        self.drive(self.inner.webhook.send_with_headers(message, headers)?)
    }

    /// Validates and sends a raw JSON payload, as the Python SDK's `send_dict`.
    pub fn send_json(&self, payload: &serde_json::Value) -> Result<WebhookResponse, Error> {
        self.drive(self.inner.webhook.send_json(payload)?)
    }

    fn drive(&self, mut delivery: Delivery) -> Result<WebhookResponse, Error> {
        let agent = self.inner.agent.as_ref().map_err(Clone::clone)?;
        let url = self.inner.webhook.url();

        loop {
            let step = match delivery.poll() {
                Ok(step) => step,
                Err(error) => {
                    log_give_up(&delivery, url);
                    return Err(error);
                }
            };

            match step {
                Step::Transmit(request) => {
                    let attempt = delivery.attempts();
                    let _in_flight = self.enter_window();
                    self.wait_for_slot(&mut delivery)?;
                    match transmit(agent, self.inner.configure_each_request, request) {
                        Ok(response) => {
                            debug!("{url}: attempt {attempt}: status {}", response.status());
                            self.inner.pacer.handle_response(Instant::now(), &response);
                            delivery.handle_response(response, &mut *lock(&self.inner.rng))?;
                        }
                        Err(error) => {
                            debug!("{url}: attempt {attempt}: {error}");
                            self.forget_names();
                            delivery.handle_error(error, &mut *lock(&self.inner.rng))?;
                        }
                    }
                }
                Step::Wait(wait) => {
                    let next = delivery.attempts() + 1;
                    debug!("{url}: waiting {wait:?} before attempt {next}");
                    std::thread::sleep(wait);
                }
                Step::Done(response) => {
                    if !response.is_ok() {
                        log_give_up(&delivery, url);
                    }
                    return Ok(response);
                }
            }
        }
    }

    /// Empties the name cache after a failed attempt: the host may have moved, and a retry
    /// should not connect to the address that just failed.
    fn forget_names(&self) {
        if let Some(names) = &self.inner.names {
            names.forget();
        }
    }

    /// Waits for room in the pacer's start window: while a fresh client learns the webhook's
    /// limit, concurrent senders go out a few at a time (see [`SharedPacer::enter`]).
    fn enter_window(&self) -> InFlight<'_> {
        loop {
            match self.inner.pacer.enter() {
                Ok(in_flight) => return in_flight,
                Err(wait) => std::thread::sleep(wait),
            }
        }
    }

    /// Waits until the webhook's pacer lets the request just handed out go.
    fn wait_for_slot(&self, delivery: &mut Delivery) -> Result<(), Error> {
        let url = self.inner.webhook.url();
        let attempt = delivery.attempts();

        let pacer = &self.inner.pacer;
        let held_too_long = |error: &Error| warn!("{url}: attempt {attempt} not sent: {error}");

        let mut wait = pacer
            .claim(delivery, Instant::now())
            .inspect_err(held_too_long)?;
        while !wait.is_zero() {
            debug!("{url}: attempt {attempt}: paced, sending in {wait:?}");
            std::thread::sleep(wait);
            wait = pacer
                .reclaim_if_held(delivery, Instant::now())
                .inspect_err(held_too_long)?;
        }
        Ok(())
    }
}

/// One HTTP exchange: no redirects followed, every status returned as a response.
///
/// An agent configured so (the client's own, or a caller's set up alike) sends the request as
/// it is. Any other agent gets the two settings on the request, so that it can neither turn
/// statuses into errors without headers nor follow a redirect that takes the message
/// elsewhere; that copies the agent's whole configuration into each request.
fn transmit(
    agent: &ureq::Agent,
    configure_each_request: bool,
    request: Request<Bytes>,
) -> Result<Response<Bytes>, TransportError> {
    let (parts, body) = request.into_parts();
    let request = Request::from_parts(parts, &body[..]);

    let request = if configure_each_request {
        agent
            .configure_request(request)
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
    } else {
        request
    };
    let response = agent.run(request).map_err(|e| classify(&e))?;

    let (parts, body) = response.into_parts();
    let mut bytes = Vec::new();
    body.into_reader()
        .take(MAX_BODY)
        .read_to_end(&mut bytes)
        .map_err(classify_body)?;
    Ok(Response::from_parts(parts, Bytes::from(bytes)))
}

fn lock(rng: &SharedRng) -> std::sync::MutexGuard<'_, Box<dyn Rng + Send>> {
    // A panic while drawing jitter leaves the RNG as usable as before.
    rng.lock().unwrap_or_else(PoisonError::into_inner)
}

fn log_give_up(delivery: &Delivery, url: &WebhookUrl) {
    if let Some(reason) = delivery.give_up() {
        let attempts = delivery.attempts();
        warn!("{url}: giving up after {attempts} attempt(s): {reason:?}");
    }
}

impl fmt::Debug for WebhookClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookClient")
            .field("webhook", &self.inner.webhook)
            .field("timeout", &self.inner.timeout)
            .field("proxy", &self.inner.proxy)
            .field("custom_agent", &self.inner.custom_agent)
            .field("pacing", &self.inner.pacer.rate())
            .field("usable", &self.inner.agent.is_ok())
            .finish()
    }
}

/// Builds a [`WebhookClient`].
///
/// Everything about the requests themselves (headers, `User-Agent`, retries, caps,
/// validation) is the core's [`WebhookBuilder`]; this builder adds the transport: timeouts,
/// proxy, a caller-supplied [`ureq::Agent`], and the jitter source.
///
/// ```
/// use std::time::{Duration, Instant};
/// use slackhook::retry::RateLimitErrorRetryHandler;
/// use slackhook_ureq::WebhookClient;
///
/// let url = "https://hooks.slack.com/services/T000/B000/secret-token".parse()?;
/// let client = WebhookClient::builder(url)
///     .timeout(Duration::from_secs(10))
///     .user_agent_prefix("deploy-bot/2.1")
///     .header("x-request-source", "ci")
///     .retry_handler(RateLimitErrorRetryHandler::new())
///     .no_proxy()
///     .build()?;
/// # let _ = client;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct WebhookClientBuilder {
    url: WebhookUrl,
    webhook: WebhookBuilder,
    timeout: Duration,
    connect_timeout: Duration,
    proxy: ProxySettings,
    agent: Option<ureq::Agent>,
    rng: Option<Box<dyn Rng + Send>>,
    pacing: Option<Rate>,
    pacing_after_limit: Option<Rate>,
}

impl WebhookClientBuilder {
    fn new(url: WebhookUrl) -> Self {
        Self {
            webhook: Webhook::builder(url.clone()),
            url,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            proxy: ProxySettings::Environment,
            agent: None,
            rng: None,
            pacing: None,
            pacing_after_limit: None,
        }
    }

    /// Caps each attempt, from connecting to the last byte of the response (default 30 s).
    /// Waits between retries are not counted; [`max_total_wait`](Self::max_total_wait) caps
    /// those.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Caps connecting, TLS included (default 10 s, never more than
    /// [`timeout`](Self::timeout)). A connect that times out provably sent nothing, so the
    /// default handler retries it; when the overall timeout runs out first, ureq cannot say in
    /// which phase, and the failure counts as maybe delivered.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sends through this proxy (`http://` or `https://`, credentials allowed in the address)
    /// instead of the one from the environment. Checked at [`build`](Self::build); the address
    /// never appears in an error.
    pub fn proxy(mut self, address: &str) -> Self {
        self.proxy = ProxySettings::Explicit(address.to_owned());
        self
    }

    /// Connects directly, ignoring the environment's proxy.
    ///
    /// By default `HTTPS_PROXY`, `https_proxy`, `HTTP_PROXY` and `http_proxy` are read, in
    /// that order, when the client is built, unless `NO_PROXY` or `no_proxy` lists the host (a
    /// comma-separated list of hosts, parent domains, IP addresses, IP ranges or `*`) or the
    /// host is loopback; [`slackhook::proxy`] holds the rules.
    pub fn no_proxy(mut self) -> Self {
        self.proxy = ProxySettings::Direct;
        self
    }

    /// Adds a header to every request. Invalid names or values fail at [`build`](Self::build).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.webhook = self.webhook.header(name, value);
        self
    }

    /// Adds already-typed headers to every request.
    pub fn headers(mut self, headers: HeaderMap) -> Self {
        self.webhook = self.webhook.headers(headers);
        self
    }

    /// Puts a product token before slackhook's in the `User-Agent`.
    pub fn user_agent_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.webhook = self.webhook.user_agent_prefix(prefix);
        self
    }

    /// Puts a product token after slackhook's in the `User-Agent`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.webhook = self.webhook.user_agent_suffix(suffix);
        self
    }

    /// Adds a retry handler after the ones already configured; the first call replaces the
    /// default handler.
    pub fn retry_handler(mut self, handler: impl RetryHandler + 'static) -> Self {
        self.webhook = self.webhook.retry_handler(handler);
        self
    }

    /// Keeps the default connection-error handler and adds `handler` after it.
    pub fn add_retry_handler(mut self, handler: impl RetryHandler + 'static) -> Self {
        self.webhook = self.webhook.add_retry_handler(handler);
        self
    }

    /// Replaces the retry handlers.
    pub fn retry_handlers(mut self, handlers: Vec<Arc<dyn RetryHandler>>) -> Self {
        self.webhook = self.webhook.retry_handlers(handlers);
        self
    }

    /// No retries at all: every outcome is final.
    pub fn no_retries(mut self) -> Self {
        self.webhook = self.webhook.no_retries();
        self
    }

    /// Caps a single wait between attempts (default 60 s).
    pub fn max_wait(mut self, cap: Duration) -> Self {
        self.webhook = self.webhook.max_wait(cap);
        self
    }

    /// Caps the total waiting of one send (default 300 s).
    pub fn max_total_wait(mut self, cap: Duration) -> Self {
        self.webhook = self.webhook.max_total_wait(cap);
        self
    }

    /// Turns client-side validation of Slack's limits on or off (default on).
    pub fn validate(mut self, validate: bool) -> Self {
        self.webhook = self.webhook.validate(validate);
        self
    }

    /// Sends through this agent, sharing its connection pool.
    ///
    /// The agent's own timeouts, proxy and TLS settings then apply, and
    /// [`timeout`](Self::timeout), [`connect_timeout`](Self::connect_timeout),
    /// [`proxy`](Self::proxy) and [`no_proxy`](Self::no_proxy) are ignored. Redirects are still
    /// never followed and every status still comes back as a response: unless the agent is
    /// configured so (`http_status_as_error(false)` and `max_redirects(0)`), those are set on
    /// each request, which copies the agent's configuration into it.
    pub fn agent(mut self, agent: ureq::Agent) -> Self {
        self.agent = Some(agent);
        self
    }

    /// Draws retry jitter from this RNG instead of the operating system's; for tests that need
    /// the same waits every run.
    pub fn rng(mut self, rng: impl Rng + Send + 'static) -> Self {
        self.rng = Some(Box::new(rng));
        self
    }

    /// Spaces this client's sends to `rate`, across every clone and thread (default: off).
    ///
    /// With pacing off a send goes out at once, unless a 429 still holds the webhook: learning
    /// from 429s is always on. [`Rate::slack()`] is Slack's documented limit for incoming
    /// webhooks. A send whose slot is further away than [`max_wait`](Self::max_wait) (or what
    /// is left of [`max_total_wait`](Self::max_total_wait)) fails with
    /// [`Error::WaitTooLong`] and sends nothing.
    pub fn pacing(mut self, rate: Rate) -> Self {
        self.pacing = Some(rate);
        self
    }

    /// Sets the rate this client adopts once the webhook has answered 429, when
    /// [`pacing`](Self::pacing) is off (default [`Rate::slack()`], Slack's documented limit).
    ///
    /// Every 429 holds all senders until its `Retry-After`; the rate then releases them spaced
    /// out, instead of all at once into the limit again.
    pub fn pacing_after_rate_limit(mut self, rate: Rate) -> Self {
        self.pacing_after_limit = Some(rate);
        self
    }

    fn pacer(&self) -> Pacer {
        let pacer = self.pacing.map_or_else(Pacer::new, Pacer::with_rate);
        match self.pacing_after_limit {
            Some(rate) => pacer.with_rate_after_limit(rate),
            None => pacer,
        }
    }

    /// Checks the headers and the proxy, and builds the client.
    pub fn build(self) -> Result<WebhookClient, Error> {
        let pacer = SharedPacer::new(self.pacer());
        let webhook = self.webhook.runtime("ureq/3").build()?;

        let custom_agent = self.agent.is_some();
        let (agent, names) = match self.agent {
            Some(agent) => (agent, None),
            None => {
                let env = |name: &str| std::env::var(name).ok();
                let proxy = match self.proxy.resolve(&self.url, env)? {
                    Some(address) => Some(to_ureq_proxy(&address)?),
                    None => None,
                };
                let config = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .max_redirects(0)
                    .proxy(proxy)
                    .timeout_global(Some(self.timeout))
                    .timeout_connect(Some(self.connect_timeout.min(self.timeout)))
                    .build();

                // ureq resolves the host before every request, pooled connection or not, and
                // its default resolver spawns a thread per lookup once a timeout is set.
                let names = CachingResolver::new();
                let connector = DefaultConnector::default();
                let agent = ureq::Agent::with_parts(config, connector, names.clone());
                (agent, Some(names))
            }
        };
        let config = agent.config();
        let configure_each_request = config.http_status_as_error() || config.max_redirects() != 0;

        let rng = self.rng.unwrap_or_else(|| Box::new(seeded_from_os()));
        Ok(WebhookClient {
            inner: Arc::new(Inner {
                webhook,
                agent: Ok(agent),
                rng: Arc::new(Mutex::new(rng)),
                pacer,
                timeout: self.timeout,
                proxy: self.proxy,
                custom_agent,
                configure_each_request,
                names,
            }),
        })
    }
}

/// The core checked the address; ureq may still refuse what it cannot use.
fn to_ureq_proxy(address: &ProxyAddress) -> Result<ureq::Proxy, Error> {
    ureq::Proxy::new(address.expose_secret()).map_err(|_| Error::InvalidProxy {
        reason: "it is not a valid proxy url",
    })
}

impl fmt::Debug for WebhookClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The core builder's own Debug would show header values, which can be credentials.
        f.debug_struct("WebhookClientBuilder")
            .field("url", &self.url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("proxy", &self.proxy)
            .field("custom_agent", &self.agent.is_some())
            .field("custom_rng", &self.rng.is_some())
            .field("pacing", &self.pacing)
            .finish_non_exhaustive()
    }
}

/// The default jitter source: a fast generator, seeded once per client from the operating
/// system. Jitter only spreads retries apart and protects no secret, so should the operating
/// system fail to answer, the clock seeds it instead.
fn seeded_from_os() -> JitterRng {
    let seed = getrandom::u64().unwrap_or_else(|_| {
        let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH);
        since_epoch.map_or(0, |elapsed| elapsed.as_nanos() as u64)
    });
    JitterRng::seed_from_u64(seed)
}
