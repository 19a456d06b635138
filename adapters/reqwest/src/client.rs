//! The async client and its builder.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use log::{debug, warn};
use slackhook::bytes::{Bytes, BytesMut};
use slackhook::http::{HeaderMap, Request, Response};
use slackhook::pacer::{InFlight, Pacer, Rate, SharedPacer};
use slackhook::proxy::{ProxyAddress, ProxySettings};
use slackhook::rand_core::Rng;
use slackhook::retry::{JitterRng, RetryHandler};
use slackhook::{
    Delivery, Error, Message, Step, TransportError, TransportErrorKind, Webhook, WebhookBuilder,
    WebhookResponse, WebhookUrl,
};

use crate::classify::classify;

/// The most of a response body that is kept. Slack answers with a few bytes; a proxy's error
/// page still fits, and anything longer is cut rather than buffered without bound.
const MAX_BODY: usize = 64 * 1024;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// An async client for one Slack incoming webhook or `response_url`.
///
/// `Clone + Send + Sync` and cheap to clone: clones share one connection pool, one
/// configuration, one jitter source and one pacer, so one client can serve every task that
/// posts to the webhook. The futures it returns are `Send`. Each send drives a [`Delivery`] to
/// the end: every retry decision is the core's, this client only does the I/O and the waiting,
/// with [`tokio::time::sleep`]; it needs a Tokio runtime with its time driver enabled.
///
/// ```
/// use slackhook::Message;
/// use slackhook_emulator::Emulator;
/// use slackhook_reqwest::AsyncWebhookClient;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // A local Slack stand-in; with real Slack, parse the URL Slack gave you instead.
/// let slack = Emulator::start()?;
/// let client = AsyncWebhookClient::new(slack.webhook_url());
///
/// let response = client.send(&Message::text("Deploy finished")).await?;
/// assert_eq!(response.status(), 200);
/// assert_eq!(response.body(), "ok");
/// assert_eq!(slack.messages()[0].text(), Some("Deploy finished"));
/// # Ok(())
/// # }
/// ```
///
/// Slack allows about one message a second per webhook and may disable apps that keep sending
/// after a 429, so the client keeps one [`Pacer`](slackhook::pacer::Pacer) for all its clones
/// and tasks: a 429 holds every send until its `Retry-After` has passed, and with
/// [`pacing`](AsyncWebhookClientBuilder::pacing) sends are also spaced to a rate, so that
/// tasks sharing the client never meet the limit. Pace a little below the real limit (with
/// Slack, [`Rate::slack()`]); a send whose turn is further away than its caps fails at once
/// with [`Error::WaitTooLong`] and sends nothing.
///
/// ```
/// use slackhook::Message;
/// use slackhook::pacer::{InFlight, Pacer, Rate, SharedPacer};
/// use slackhook_emulator::{Emulator, RateLimit};
/// use slackhook_reqwest::AsyncWebhookClient;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // A stand-in that limits like Slack, twenty times faster.
/// let limit = RateLimit::per_second(20).with_burst(5);
/// let slack = Emulator::builder().rate_limit(limit).start()?;
/// let client = AsyncWebhookClient::builder(slack.webhook_url())
///     .pacing(Rate::per_second(20).with_burst(2))
///     .build()?;
///
/// let senders: Vec<_> = (0..8)
///     .map(|n| {
///         let client = client.clone();
///         tokio::spawn(async move {
///             client.send(&Message::text(format!("shard {n} is done"))).await
///         })
///     })
///     .collect();
/// for sender in senders {
///     assert_eq!(sender.await??.status(), 200);
/// }
/// assert_eq!(slack.rate_limited_count(), 0);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct AsyncWebhookClient {
    inner: Arc<Inner>,
}

struct Inner {
    webhook: Webhook,
    /// `Err` when the HTTP client could not be built from the configuration (a proxy from the
    /// environment that is not usable, a TLS setup failure): every send fails with it, rather
    /// than quietly going around the proxy.
    client: Result<reqwest::Client, Error>,
    /// Never held across an await: a delivery only draws from it while it decides a wait.
    rng: Mutex<Box<dyn Rng + Send>>,
    pacer: SharedPacer,
    timeout: Duration,
    proxy: ProxySettings,
    via_proxy: bool,
    custom_client: bool,
}

impl AsyncWebhookClient {
    /// A client with the default configuration: a 30 s timeout per attempt, the proxy from the
    /// environment, validation on, and one retry of connection failures that provably sent
    /// nothing.
    ///
    /// Should the environment name a proxy that is not a usable address, every send fails with
    /// [`Error::InvalidProxy`]; [`AsyncWebhookClient::builder`] reports it up front instead.
    pub fn new(url: WebhookUrl) -> Self {
        let builder = Self::builder(url.clone());
        let proxy = builder.proxy.clone();
        match builder.build() {
            Ok(client) => client,
            Err(error) => Self {
                inner: Arc::new(Inner {
                    webhook: Webhook::new(url),
                    client: Err(error),
                    rng: Mutex::new(Box::new(seeded_from_os())),
                    pacer: SharedPacer::new(Pacer::new()),
                    timeout: DEFAULT_TIMEOUT,
                    proxy,
                    via_proxy: false,
                    custom_client: false,
                }),
            },
        }
    }

    /// A builder for a client with custom transport, headers or retries.
    pub fn builder(url: WebhookUrl) -> AsyncWebhookClientBuilder {
        AsyncWebhookClientBuilder::new(url)
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
    pub async fn send(&self, message: &Message) -> Result<WebhookResponse, Error> {
        let delivery = self.inner.webhook.send(message)?;
        self.drive(delivery).await
    }

    /// Like [`send`](Self::send), with headers for this request only; they replace the
    /// client's default headers of the same name.
    pub async fn send_with_headers(
        &self,
        message: &Message,
        headers: &HeaderMap,
    ) -> Result<WebhookResponse, Error> {
        let delivery = self.inner.webhook.send_with_headers(message, headers)?;
        self.drive(delivery).await
    }

    /// Validates and sends a raw JSON payload, as the Python SDK's `send_dict`.
    pub async fn send_json(&self, payload: &serde_json::Value) -> Result<WebhookResponse, Error> {
        let delivery = self.inner.webhook.send_json(payload)?;
        self.drive(delivery).await
    }

    async fn drive(&self, mut delivery: Delivery) -> Result<WebhookResponse, Error> {
        let client = self.inner.client.as_ref().map_err(Clone::clone)?;
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
                    let _in_flight = self.enter_window().await;
                    self.wait_for_slot(&mut delivery).await?;
                    match transmit(client, request, self.inner.via_proxy).await {
                        Ok(response) => {
                            debug!("{url}: attempt {attempt}: status {}", response.status());
                            self.inner.pacer.handle_response(Instant::now(), &response);
                            delivery.handle_response(response, &mut **self.rng())?;
                        }
                        Err(error) => {
                            debug!("{url}: attempt {attempt}: {error}");
                            delivery.handle_error(error, &mut **self.rng())?;
                        }
                    }
                }
                Step::Wait(wait) => {
                    let next = delivery.attempts() + 1;
                    debug!("{url}: waiting {wait:?} before attempt {next}");
                    tokio::time::sleep(wait).await;
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

    /// Waits for room in the pacer's start window: while a fresh client learns the webhook's
    /// limit, concurrent senders go out a few at a time (see [`SharedPacer::enter`]).
    async fn enter_window(&self) -> InFlight<'_> {
        loop {
            match self.inner.pacer.enter() {
                Ok(in_flight) => return in_flight,
                Err(wait) => tokio::time::sleep(wait).await,
            }
        }
    }

    /// Waits until the webhook's pacer lets the request just handed out go. The pacer's lock
    /// is taken and released inside each call to it, never held across the sleep.
    async fn wait_for_slot(&self, delivery: &mut Delivery) -> Result<(), Error> {
        let url = self.inner.webhook.url();
        let attempt = delivery.attempts();

        let pacer = &self.inner.pacer;
        let held_too_long = |error: &Error| warn!("{url}: attempt {attempt} not sent: {error}");

        let mut wait = pacer
            .claim(delivery, Instant::now())
            .inspect_err(held_too_long)?;
        while !wait.is_zero() {
            debug!("{url}: attempt {attempt}: paced, sending in {wait:?}");
            tokio::time::sleep(wait).await;
            wait = pacer
                .reclaim_if_held(delivery, Instant::now())
                .inspect_err(held_too_long)?;
        }
        Ok(())
    }

    fn rng(&self) -> MutexGuard<'_, Box<dyn Rng + Send>> {
        // A panic while drawing jitter leaves the RNG as usable as before.
        self.inner
            .rng
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// One HTTP exchange: the body is read up to [`MAX_BODY`]; the rest is dropped with the
/// connection.
///
/// hyper learns that a server closed an idle pooled connection only when that connection's
/// task reads the end-of-file, after the runtime's I/O driver has reported it. A send that
/// follows the close before the driver runs would write the post into the dead connection and
/// fail as maybe delivered. So each attempt first yields: Tokio wakes a yielded task only after
/// polling its driver, and on a current-thread runtime the connection's task runs first, so the
/// pool drops the dead connection, or hyper hands the unwritten request back and hyper-util
/// retries it on a fresh one. On a multi-thread runtime this narrows the window without closing
/// it (see the crate docs).
async fn transmit(
    client: &reqwest::Client,
    request: Request<Bytes>,
    via_proxy: bool,
) -> Result<Response<Bytes>, TransportError> {
    let request = reqwest::Request::try_from(request).map_err(|e| classify(e, via_proxy))?;

    tokio::task::yield_now().await;

    let mut response = client
        .execute(request)
        .await
        .map_err(|e| classify(e, via_proxy))?;

    let mut head = Response::new(());
    *head.status_mut() = response.status();
    *head.version_mut() = response.version();
    *head.headers_mut() = std::mem::take(response.headers_mut());

    let mut body = BytesMut::new();
    while body.len() < MAX_BODY {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = MAX_BODY - body.len();
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(None) => break,
            Err(e) => return Err(classify(e, via_proxy)),
        }
    }
    Ok(head.map(|()| body.freeze()))
}

fn log_give_up(delivery: &Delivery, url: &WebhookUrl) {
    if let Some(reason) = delivery.give_up() {
        let attempts = delivery.attempts();
        warn!("{url}: giving up after {attempts} attempt(s): {reason:?}");
    }
}

impl fmt::Debug for AsyncWebhookClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncWebhookClient")
            .field("webhook", &self.inner.webhook)
            .field("timeout", &self.inner.timeout)
            .field("proxy", &self.inner.proxy)
            .field("custom_client", &self.inner.custom_client)
            .field("pacing", &self.inner.pacer.rate())
            .field("usable", &self.inner.client.is_ok())
            .finish()
    }
}

/// Builds an [`AsyncWebhookClient`].
///
/// Everything about the requests themselves (headers, `User-Agent`, retries, caps,
/// validation) is the core's [`WebhookBuilder`]; this builder adds the transport: timeouts,
/// proxy, a caller-supplied [`reqwest::Client`], and the jitter source.
///
/// ```
/// use std::time::{Duration, Instant};
/// use slackhook::retry::RateLimitErrorRetryHandler;
/// use slackhook_reqwest::AsyncWebhookClient;
///
/// let url = "https://hooks.slack.com/services/T000/B000/secret-token".parse()?;
/// let client = AsyncWebhookClient::builder(url)
///     .timeout(Duration::from_secs(10))
///     .user_agent_prefix("deploy-bot/2.1")
///     .header("x-request-source", "ci")
///     .retry_handler(RateLimitErrorRetryHandler::new())
///     .no_proxy()
///     .build()?;
/// # let _ = client;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct AsyncWebhookClientBuilder {
    url: WebhookUrl,
    webhook: WebhookBuilder,
    timeout: Duration,
    connect_timeout: Duration,
    proxy: ProxySettings,
    client: Option<reqwest::Client>,
    rng: Option<Box<dyn Rng + Send>>,
    pacing: Option<Rate>,
    pacing_after_limit: Option<Rate>,
}

impl AsyncWebhookClientBuilder {
    fn new(url: WebhookUrl) -> Self {
        Self {
            webhook: Webhook::builder(url.clone()),
            url,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            proxy: ProxySettings::Environment,
            client: None,
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
    /// default handler retries it; when the overall timeout runs out first, reqwest cannot say
    /// in which phase, and the failure counts as maybe delivered.
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

    /// Sends through this client, sharing its connection pool.
    ///
    /// The client's own settings then apply: its timeouts, its proxies and its redirect policy,
    /// and [`timeout`](Self::timeout), [`connect_timeout`](Self::connect_timeout),
    /// [`proxy`](Self::proxy) and [`no_proxy`](Self::no_proxy) are ignored. reqwest follows
    /// redirects by default, which would take the post elsewhere: build the client with
    /// `redirect(reqwest::redirect::Policy::none())`.
    pub fn client(mut self, client: reqwest::Client) -> Self {
        self.client = Some(client);
        self
    }

    /// Draws retry jitter from this RNG instead of the operating system's; for tests that need
    /// the same waits every run.
    pub fn rng(mut self, rng: impl Rng + Send + 'static) -> Self {
        self.rng = Some(Box::new(rng));
        self
    }

    /// Spaces this client's sends to `rate`, across every clone and task (default: off).
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
    ///
    /// Fails with [`Error::InvalidProxy`] for an unusable proxy address, and with a *not sent*
    /// [`Error::Transport`] of kind [`TransportErrorKind::Tls`] when reqwest cannot set up its
    /// TLS backend.
    pub fn build(self) -> Result<AsyncWebhookClient, Error> {
        let pacer = SharedPacer::new(self.pacer());
        let webhook = self.webhook.runtime("reqwest/0.13").build()?;

        let custom_client = self.client.is_some();
        let (client, via_proxy) = match self.client {
            Some(client) => (client, false),
            None => {
                let env = |name: &str| std::env::var(name).ok();
                let proxy = self.proxy.resolve(&self.url, env)?;
                let via_proxy = proxy.is_some();
                (
                    build_client(proxy, self.timeout, self.connect_timeout)?,
                    via_proxy,
                )
            }
        };

        let rng = self.rng.unwrap_or_else(|| Box::new(seeded_from_os()));
        Ok(AsyncWebhookClient {
            inner: Arc::new(Inner {
                webhook,
                client: Ok(client),
                rng: Mutex::new(rng),
                pacer,
                timeout: self.timeout,
                proxy: self.proxy,
                via_proxy,
                custom_client,
            }),
        })
    }
}

fn build_client(
    proxy: Option<ProxyAddress>,
    timeout: Duration,
    connect_timeout: Duration,
) -> Result<reqwest::Client, Error> {
    // Never the environment's proxy settings as reqwest reads them: the choice was made above.
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(connect_timeout.min(timeout));
    if let Some(address) = proxy {
        // The core checked the address; reqwest may still refuse what it cannot use.
        let proxy =
            reqwest::Proxy::all(address.expose_secret()).map_err(|_| Error::InvalidProxy {
                reason: "it is not a valid proxy url",
            })?;
        builder = builder.proxy(proxy);
    }

    builder.build().map_err(|_| Error::Transport {
        error: TransportError::not_sent(TransportErrorKind::Tls)
            .with_detail("the http client could not be set up"),
        attempts: 0,
    })
}

impl fmt::Debug for AsyncWebhookClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The core builder's own Debug would show header values, which can be credentials.
        f.debug_struct("AsyncWebhookClientBuilder")
            .field("url", &self.url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("proxy", &self.proxy)
            .field("custom_client", &self.client.is_some())
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
