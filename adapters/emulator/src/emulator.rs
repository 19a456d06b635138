//! The emulator handle and its builder.

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use slackhook::WebhookUrl;
use socket2::SockRef;

use crate::server::{Config, OnMessage, Shared};
use crate::{Fault, RateLimit, ReceivedMessage, SlashCommandRequest, SlashResponse, Target, ids};

/// A running local Slack stand-in. Dropping it stops the server.
///
/// It listens on a loopback port, serves webhook and `response_url` paths that it hands out
/// ([`Emulator::webhook_url`], [`Emulator::response_url`], [`Emulator::action_url`]), answers
/// like Slack and records every message it accepts. `Emulator` is `Send + Sync`: share
/// `&Emulator` between threads freely.
///
/// Dropping it ends the accept thread and every connection thread (open connections are shut
/// down, [`Fault::Delay`]s are cut short) and unbinds the port before `drop` returns. It waits
/// for an `on_message` callback that is running.
///
/// ```
/// use std::time::Duration;
/// use slackhook_emulator::{Emulator, Fault};
///
/// let emulator = Emulator::start()?;
/// let url = emulator.webhook_url();
///
/// let agent: ureq::Agent = ureq::Agent::config_builder()
///     .http_status_as_error(false)
///     .proxy(None)
///     .build()
///     .into();
/// let post = |text: &str| -> Result<(u16, String), ureq::Error> {
///     let json = serde_json::json!({ "text": text }).to_string();
///     let mut response = agent.post(url.expose_secret()).send(json)?;
///     let body = response.body_mut().read_to_string()?;
///     Ok((response.status().as_u16(), body))
/// };
///
/// emulator.inject(Fault::status(503, "service_unavailable"));
/// assert_eq!(post("first try")?, (503, "service_unavailable".to_owned()));
/// assert_eq!(post("second try")?, (200, "ok".to_owned()));
///
/// let messages = emulator.wait_for_messages(1, Duration::from_secs(5));
/// assert_eq!(messages.len(), 1);
/// assert_eq!(messages[0].text(), Some("second try"));
/// assert_eq!(emulator.request_count(), 2);
/// assert_eq!(emulator.connection_count(), 1); // ureq kept the connection alive
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Emulator {
    shared: Arc<Shared>,
    local_addr: SocketAddr,
    /// Where a client on this machine reaches the server (loopback even when bound to `0.0.0.0`).
    connect_addr: SocketAddr,
    accept_thread: Option<JoinHandle<()>>,
    /// A second handle on the listener, to wake a blocked accept if connecting to it fails.
    listener: Option<TcpListener>,
}

impl Emulator {
    /// Starts an emulator on `127.0.0.1` and an ephemeral port, with default settings.
    pub fn start() -> io::Result<Emulator> {
        Self::builder().start()
    }

    /// A builder for other settings.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// The address the server is bound to.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The workspace id (`T…`) in every URL this emulator hands out and in its slash commands'
    /// `team_id`.
    pub fn team_id(&self) -> &str {
        self.shared.team_id()
    }

    /// Registers a new incoming webhook, `/services/T…/B…/<24 characters>`, and returns its URL.
    pub fn webhook_url(&self) -> WebhookUrl {
        self.shared.register(Target::Webhook)
    }

    /// Registers a new slash-command `response_url`, `/commands/T…/<id>/<token>`: 5 uses
    /// within 30 minutes (see [`EmulatorBuilder::response_url_uses`]).
    pub fn response_url(&self) -> WebhookUrl {
        self.shared.register(Target::Command)
    }

    /// Registers a new interaction `response_url`, `/actions/T…/<id>/<token>`, with the same
    /// limits as [`Emulator::response_url`].
    pub fn action_url(&self) -> WebhookUrl {
        self.shared.register(Target::Action)
    }

    /// Every accepted message, in arrival order.
    pub fn messages(&self) -> Vec<ReceivedMessage> {
        self.shared.messages()
    }

    /// The accepted messages posted to `url` (compared by path), in arrival order.
    pub fn messages_to(&self, url: &WebhookUrl) -> Vec<ReceivedMessage> {
        let path = url.as_uri().path();
        let mut messages = self.messages();
        messages.retain(|message| message.path() == path);
        messages
    }

    /// Waits until at least `n` messages were accepted, or `timeout` passed, and returns all
    /// accepted messages (possibly fewer than `n` after a timeout).
    pub fn wait_for_messages(&self, n: usize, timeout: Duration) -> Vec<ReceivedMessage> {
        self.shared.wait_for_messages(n, timeout)
    }

    /// HTTP requests whose head was read: any path, faulted and refused ones too.
    pub fn request_count(&self) -> usize {
        self.shared.request_count.load(Ordering::SeqCst)
    }

    /// TCP connections accepted.
    pub fn connection_count(&self) -> usize {
        self.shared.connection_count.load(Ordering::SeqCst)
    }

    /// `429`s answered by the rate limiter (not those injected with [`Fault::rate_limited`]).
    pub fn rate_limited_count(&self) -> usize {
        self.shared.rate_limited_count.load(Ordering::SeqCst)
    }

    /// Queues a fault for the next request: faults are taken first in first out, one per
    /// request, on any path.
    pub fn inject(&self, fault: Fault) {
        self.shared.inject(fault, 1);
    }

    /// Queues the same fault for the next `n` requests.
    pub fn inject_n(&self, fault: Fault, n: usize) {
        self.shared.inject(fault, n);
    }

    /// Closes (TCP FIN) every keep-alive connection that is waiting for its next request, the
    /// way a server drops idle connections, to test how clients cope with stale pooled ones.
    ///
    /// A connection counts as idle from the moment its last response is written, so calling
    /// this right after a client read a response closes that client's connection.
    pub fn close_idle_connections(&self) {
        self.shared.close_idle_connections();
    }

    /// The signing secret that [`Emulator::slash_command`] signs with.
    pub fn signing_secret(&self) -> &str {
        &self.shared.config.signing_secret
    }

    /// Sends a slash command to the app at `app_url` (plain `http` to a loopback host) as Slack
    /// does, and returns the app's answer.
    ///
    /// The form body carries a fresh `response_url` registered on this emulator (returned in
    /// [`SlashResponse::response_url`]) and is signed with the signing secret and the current
    /// time: `X-Slack-Request-Timestamp` and `X-Slack-Signature: v0=<hex HMAC-SHA256>`. Any
    /// status is an `Ok`; an unreachable app, a transport failure or no answer within the
    /// command's timeout (3 s, like Slack) is an `Err`, `TimedOut` for the last.
    ///
    /// ```
    /// use std::io::{BufRead, BufReader, Read, Write};
    /// use std::net::TcpListener;
    /// use slackhook_emulator::{Emulator, SlashCommandRequest};
    ///
    /// let emulator = Emulator::start()?;
    ///
    /// // A tiny app: reads one request, answers with a message.
    /// let app = TcpListener::bind("127.0.0.1:0")?;
    /// let app_url = format!("http://{}/slack/commands", app.local_addr()?);
    /// let server = std::thread::spawn(move || -> std::io::Result<String> {
    ///     let (mut stream, _) = app.accept()?;
    ///     let mut reader = BufReader::new(stream.try_clone()?);
    ///     let mut length = 0;
    ///     loop {
    ///         let mut line = String::new();
    ///         reader.read_line(&mut line)?;
    ///         let line = line.trim_end().to_ascii_lowercase();
    ///         if line.is_empty() {
    ///             break;
    ///         }
    ///         if let Some(value) = line.strip_prefix("content-length:") {
    ///             length = value.trim().parse().expect("a number");
    ///         }
    ///     }
    ///     let mut form = vec![0; length];
    ///     reader.read_exact(&mut form)?;
    ///
    ///     let reply = r#"{"text":"hi"}"#;
    ///     write!(stream, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{reply}", reply.len())?;
    ///     Ok(String::from_utf8_lossy(&form).into_owned())
    /// });
    ///
    /// let command = SlashCommandRequest::new("/reply-this", "hello there");
    /// let answer = emulator.slash_command(&app_url, command)?;
    /// assert_eq!(answer.status, 200);
    /// assert_eq!(answer.body, r#"{"text":"hi"}"#);
    ///
    /// let form = server.join().expect("the app thread ends")?;
    /// assert!(form.contains("command=%2Freply-this"));
    /// assert!(form.contains("text=hello+there"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn slash_command(
        &self,
        app_url: &str,
        command: SlashCommandRequest,
    ) -> io::Result<SlashResponse> {
        let response_url = self.response_url();
        crate::slash::send(&self.shared, app_url, command, response_url)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.shared.begin_stop();

        if let Some(accept_thread) = self.accept_thread.take() {
            // The accept thread is blocked in accept(): a connection of our own wakes it, and
            // it sees the stop flag. Shutting the listener down wakes it too on Linux, as a
            // fallback when connecting fails.
            let woke = TcpStream::connect_timeout(&self.connect_addr, Duration::from_secs(1));
            if woke.is_err() {
                if let Some(listener) = &self.listener {
                    let _ = SockRef::from(listener).shutdown(std::net::Shutdown::Both);
                }
            }
            let _ = accept_thread.join();
        }
        drop(self.listener.take());

        self.shared.close_all_and_join();
    }
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("local_addr", &self.local_addr)
            .field("connections", &self.connection_count())
            .field("requests", &self.request_count())
            .field("rate_limit", &self.shared.config.rate_limit)
            .finish_non_exhaustive()
    }
}

/// Settings for an [`Emulator`].
///
/// ```
/// use std::time::Duration;
/// use slackhook_emulator::{Emulator, RateLimit};
///
/// let emulator = Emulator::builder()
///     .bind("127.0.0.1:0".parse().expect("literal address"))
///     .rate_limit(RateLimit::per_second(1))
///     .signing_secret("8f742231b10e8888abcd99yyyzzz85a5")
///     .on_message(|message| println!("got a {} message", message.kind()))
///     .idle_timeout(Duration::from_secs(5))
///     .start()?;
/// assert_eq!(emulator.signing_secret(), "8f742231b10e8888abcd99yyyzzz85a5");
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct EmulatorBuilder {
    bind: SocketAddr,
    rate_limit: Option<RateLimit>,
    signing_secret: Option<String>,
    on_message: Option<OnMessage>,
    idle_timeout: Duration,
    response_url_lifetime: Duration,
    response_url_uses: u32,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            bind: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            rate_limit: None,
            signing_secret: None,
            on_message: None,
            idle_timeout: Duration::from_secs(30),
            response_url_lifetime: Duration::from_secs(30 * 60),
            response_url_uses: 5,
        }
    }
}

impl EmulatorBuilder {
    /// The address to listen on: a loopback address (default `127.0.0.1:0`), or an unspecified
    /// one (`0.0.0.0`, `[::]`), in which case the URLs handed out still use loopback.
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// Emulates Slack's rate limit on every registered URL; off by default.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// The signing secret for [`Emulator::slash_command`]; random by default.
    pub fn signing_secret(mut self, secret: impl Into<String>) -> Self {
        self.signing_secret = Some(secret.into());
        self
    }

    /// Runs `callback` for every accepted message, on the connection's thread, after it is
    /// recorded and before the `200 ok` is written.
    pub fn on_message(
        mut self,
        callback: impl Fn(&ReceivedMessage) + Send + Sync + 'static,
    ) -> Self {
        self.on_message = Some(Box::new(callback));
        self
    }

    /// How long a connection may sit idle (or stall mid-request) before the server closes it;
    /// 30 seconds by default.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// How long a `response_url` stays usable after registration; Slack's 30 minutes by default.
    pub fn response_url_lifetime(mut self, lifetime: Duration) -> Self {
        self.response_url_lifetime = lifetime;
        self
    }

    /// How many messages a `response_url` accepts; Slack's 5 by default.
    pub fn response_url_uses(mut self, uses: u32) -> Self {
        self.response_url_uses = uses;
        self
    }

    /// Binds the port and starts serving.
    pub fn start(self) -> io::Result<Emulator> {
        let ip = self.bind.ip();
        if !(ip.is_loopback() || ip.is_unspecified()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the emulator listens on loopback or unspecified addresses only",
            ));
        }
        if self.idle_timeout.is_zero() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the idle timeout must be longer than zero",
            ));
        }

        let listener = TcpListener::bind(self.bind)?;
        let local_addr = listener.local_addr()?;
        let connect_ip = match ip {
            IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            other => other,
        };
        let connect_addr = SocketAddr::new(connect_ip, local_addr.port());

        let config = Config {
            rate_limit: self.rate_limit,
            signing_secret: self.signing_secret.unwrap_or_else(|| ids::hex(32)),
            on_message: self.on_message,
            idle_timeout: self.idle_timeout,
            response_url_lifetime: self.response_url_lifetime,
            response_url_uses: self.response_url_uses,
        };
        let shared = Arc::new(Shared::new(config, format!("http://{connect_addr}")));

        let spare = listener.try_clone()?;
        let accept_shared = Arc::clone(&shared);
        let accept_thread = thread::Builder::new()
            .name("slackhook-emulator-accept".into())
            .spawn(move || accept_shared.accept_loop(listener))?;

        Ok(Emulator {
            shared,
            local_addr,
            connect_addr,
            accept_thread: Some(accept_thread),
            listener: Some(spare),
        })
    }
}

impl fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("bind", &self.bind)
            .field("rate_limit", &self.rate_limit)
            .field(
                "signing_secret",
                &self.signing_secret.as_ref().map(|_| "***"),
            )
            .field("on_message", &self.on_message.is_some())
            .field("idle_timeout", &self.idle_timeout)
            .field("response_url_lifetime", &self.response_url_lifetime)
            .field("response_url_uses", &self.response_url_uses)
            .finish()
    }
}
