//! A webhook's configuration, and where deliveries come from.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request};
use serde_json::{Map, Value};

use crate::delivery::WaitCaps;
use crate::retry::{ConnectionErrorRetryHandler, RetryHandler};
use crate::{Delivery, Error, Message, WebhookUrl};

/// The `User-Agent` product token of this crate.
pub const USER_AGENT: &str = concat!("slackhook/", env!("CARGO_PKG_VERSION"));

const CONTENT_TYPE_JSON: &str = "application/json; charset=utf-8";

/// An incoming webhook or `response_url`, with everything that shapes its requests.
///
/// Immutable and cheap to clone: clones share one configuration. [`Webhook::send`] validates a
/// message and returns the [`Delivery`] that an adapter drives.
///
/// ```
/// use std::time::Duration;
/// use slackhook::{Message, Webhook};
/// use slackhook::retry::RateLimitErrorRetryHandler;
///
/// let url = "https://hooks.slack.com/services/T000/B000/secret-token".parse()?;
/// let webhook = Webhook::builder(url)
///     .user_agent_prefix("deploy-bot/2.1")
///     .retry_handler(RateLimitErrorRetryHandler::new())
///     .max_wait(Duration::from_secs(30))
///     .build()?;
///
/// let delivery = webhook.send(&Message::text("Deploy finished"))?;
/// # let _ = delivery;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Webhook {
    config: Arc<Config>,
}

struct Config {
    url: WebhookUrl,
    headers: HeaderMap,
    handlers: Arc<[Arc<dyn RetryHandler>]>,
    caps: WaitCaps,
    validate: bool,
}

impl Webhook {
    /// A webhook with the default configuration: validation on, one retry of connection
    /// failures that provably sent nothing, waits capped at 60 s each and 300 s in total.
    pub fn new(url: WebhookUrl) -> Self {
        Self::builder(url)
            .build()
            .expect("the default configuration has no headers that could be invalid")
    }

    /// A builder for a webhook with custom headers, retries or caps.
    pub fn builder(url: WebhookUrl) -> WebhookBuilder {
        WebhookBuilder::new(url)
    }

    /// The address.
    pub fn url(&self) -> &WebhookUrl {
        &self.config.url
    }

    /// The headers every request carries.
    pub fn headers(&self) -> &HeaderMap {
        &self.config.headers
    }

    /// The retry handlers, in the order they are asked.
    pub fn retry_handlers(&self) -> &[Arc<dyn RetryHandler>] {
        &self.config.handlers
    }

    /// The cap on a single wait.
    pub fn max_wait(&self) -> Duration {
        self.config.caps.single
    }

    /// The cap on one delivery's total waiting.
    pub fn max_total_wait(&self) -> Duration {
        self.config.caps.total
    }

    /// Validates `message` and starts its delivery. Nothing is sent until the delivery is
    /// driven; an invalid message is an error and no request exists for it.
    pub fn send(&self, message: &Message) -> Result<Delivery, Error> {
        self.send_with_headers(message, &HeaderMap::new())
    }

    /// Like [`send`](Self::send), with headers for this request only; they replace default
    /// headers of the same name.
    pub fn send_with_headers(
        &self,
        message: &Message,
        headers: &HeaderMap,
    ) -> Result<Delivery, Error> {
        self.deliver(message.as_map(), headers)
    }

    /// Validates and starts the delivery of a raw JSON payload, as the Python SDK's
    /// `send_dict`.
    pub fn send_json(&self, payload: &Value) -> Result<Delivery, Error> {
        let Some(map) = payload.as_object() else {
            return Err(Error::NotAnObject {
                found: crate::message::json_type_name(payload),
            });
        };
        self.deliver(map, &HeaderMap::new())
    }

    /// Validates and serializes a payload, typed or raw alike, and builds its delivery.
    fn deliver(&self, payload: &Map<String, Value>, extra: &HeaderMap) -> Result<Delivery, Error> {
        check_reserved(extra)?;
        let body = if self.config.validate {
            crate::validate::to_vec_validated(payload)?
        } else {
            crate::json::object_to_vec(payload)
        };
        Ok(Delivery::new(
            self.clone(),
            Bytes::from(body),
            extra.clone(),
        ))
    }

    /// The request of one attempt: a POST of `body` to the webhook with its headers, where
    /// `extra` replaces default headers of the same name.
    pub(crate) fn request(&self, body: Bytes, extra: &HeaderMap) -> Request<Bytes> {
        let mut request = Request::new(body);
        *request.method_mut() = Method::POST;
        *request.uri_mut() = self.config.url.as_uri().clone();
        let headers = request.headers_mut();
        *headers = self.config.headers.clone();
        if !extra.is_empty() {
            for name in extra.keys() {
                headers.remove(name);
            }
            for (name, value) in extra {
                headers.append(name.clone(), value.clone());
            }
        }
        request
    }

    pub(crate) fn caps(&self) -> WaitCaps {
        self.config.caps
    }
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values are left out: one may well be a credential for a proxy in between.
        let header_names: Vec<&str> = self.config.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("Webhook")
            .field("url", &self.config.url)
            .field("headers", &header_names)
            .field("retry_handlers", &self.config.handlers)
            .field("max_wait", &self.config.caps.single)
            .field("max_total_wait", &self.config.caps.total)
            .field("validate", &self.config.validate)
            .finish()
    }
}

/// Builds a [`Webhook`].
pub struct WebhookBuilder {
    url: WebhookUrl,
    headers: Vec<(String, String)>,
    typed_headers: HeaderMap,
    prefix: Option<String>,
    suffix: Option<String>,
    runtime: Option<String>,
    handlers: Option<Vec<Arc<dyn RetryHandler>>>,
    caps: WaitCaps,
    validate: bool,
}

impl WebhookBuilder {
    fn new(url: WebhookUrl) -> Self {
        Self {
            url,
            headers: Vec::new(),
            typed_headers: HeaderMap::new(),
            prefix: None,
            suffix: None,
            runtime: None,
            handlers: None,
            caps: WaitCaps {
                single: Duration::from_secs(60),
                total: Duration::from_secs(300),
            },
            validate: true,
        }
    }

    /// Adds a header to every request. Invalid names or values fail at [`build`](Self::build).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Adds already-typed headers to every request.
    pub fn headers(mut self, headers: HeaderMap) -> Self {
        self.typed_headers.extend(headers);
        self
    }

    /// Puts a product token before slackhook's in the `User-Agent`.
    pub fn user_agent_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// Puts a product token after slackhook's in the `User-Agent`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.suffix = Some(suffix.into());
        self
    }

    /// Names the runtime in the `User-Agent`, e.g. `ureq/3`; adapters set it.
    pub fn runtime(mut self, runtime: impl Into<String>) -> Self {
        self.runtime = Some(runtime.into());
        self
    }

    /// Adds a retry handler after the ones already configured. The first call replaces the
    /// default handler.
    pub fn retry_handler(mut self, handler: impl RetryHandler + 'static) -> Self {
        self.handlers
            .get_or_insert_with(Vec::new)
            .push(Arc::new(handler));
        self
    }

    /// Replaces the retry handlers.
    pub fn retry_handlers(mut self, handlers: Vec<Arc<dyn RetryHandler>>) -> Self {
        self.handlers = Some(handlers);
        self
    }

    /// Keeps the default connection-error handler and adds `handler` after it.
    pub fn add_retry_handler(mut self, handler: impl RetryHandler + 'static) -> Self {
        let handlers = self.handlers.get_or_insert_with(default_handlers);
        handlers.push(Arc::new(handler));
        self
    }

    /// No retries at all: every outcome is final.
    pub fn no_retries(mut self) -> Self {
        self.handlers = Some(Vec::new());
        self
    }

    /// Caps a single wait (default 60 s). A retry that asks for longer is not made: the
    /// delivery ends with the outcome that asked for it.
    pub fn max_wait(mut self, cap: Duration) -> Self {
        self.caps.single = cap;
        self
    }

    /// Caps the total waiting of one delivery (default 300 s).
    pub fn max_total_wait(mut self, cap: Duration) -> Self {
        self.caps.total = cap;
        self
    }

    /// Turns client-side validation of Slack's limits on or off (default on).
    pub fn validate(mut self, validate: bool) -> Self {
        self.validate = validate;
        self
    }

    /// Checks the headers and builds the webhook.
    pub fn build(self) -> Result<Webhook, Error> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(CONTENT_TYPE_JSON),
        );
        headers.insert(header::USER_AGENT, self.user_agent()?);

        check_reserved(&self.typed_headers)?;
        for (name, value) in self.typed_headers {
            if let Some(name) = name {
                headers.insert(name, value);
            }
        }
        for (name, value) in &self.headers {
            let invalid = || Error::InvalidHeader {
                name: printable(name),
            };
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
            let value = HeaderValue::from_str(value).map_err(|_| invalid())?;
            if let Some(reserved) = reserved(&name) {
                return Err(Error::ReservedHeader { name: reserved });
            }
            headers.insert(name, value);
        }

        let handlers = self.handlers.unwrap_or_else(default_handlers);
        Ok(Webhook {
            config: Arc::new(Config {
                url: self.url,
                headers,
                handlers: handlers.into(),
                caps: self.caps,
                validate: self.validate,
            }),
        })
    }

    fn user_agent(&self) -> Result<HeaderValue, Error> {
        let parts = [
            self.prefix.as_deref(),
            Some(USER_AGENT),
            self.runtime.as_deref(),
            self.suffix.as_deref(),
        ];
        let agent = parts.into_iter().flatten().collect::<Vec<_>>().join(" ");
        HeaderValue::from_str(&agent).map_err(|_| Error::InvalidHeader {
            name: "user-agent".into(),
        })
    }
}

impl fmt::Debug for WebhookBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values are left out, as in `Webhook`'s Debug: one may be a credential.
        let names: Vec<&str> = self
            .headers
            .iter()
            .map(|(name, _)| name.as_str())
            .chain(self.typed_headers.keys().map(HeaderName::as_str))
            .collect();
        f.debug_struct("WebhookBuilder")
            .field("url", &self.url)
            .field("headers", &names)
            .field("user_agent_prefix", &self.prefix)
            .field("user_agent_suffix", &self.suffix)
            .field("runtime", &self.runtime)
            .field("retry_handlers", &self.handlers)
            .field("caps", &self.caps)
            .field("validate", &self.validate)
            .finish()
    }
}

fn default_handlers() -> Vec<Arc<dyn RetryHandler>> {
    vec![Arc::new(ConnectionErrorRetryHandler::new())]
}

/// Headers whose value slackhook or the HTTP client must own: the body is always JSON, and
/// framing and routing headers would corrupt the request.
fn reserved(name: &HeaderName) -> Option<&'static str> {
    [
        (header::CONTENT_TYPE, "content-type"),
        (header::CONTENT_LENGTH, "content-length"),
        (header::TRANSFER_ENCODING, "transfer-encoding"),
        (header::HOST, "host"),
    ]
    .into_iter()
    .find(|(reserved, _)| reserved == name)
    .map(|(_, label)| label)
}

fn check_reserved(headers: &HeaderMap) -> Result<(), Error> {
    match headers.keys().find_map(reserved) {
        Some(name) => Err(Error::ReservedHeader { name }),
        None => Ok(()),
    }
}

fn printable(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_graphic())
        .take(64)
        .collect()
}
