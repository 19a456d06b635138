//! The server: an accept thread, one thread per connection, and the state they share.

use std::collections::{HashMap, VecDeque};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime};

use slackhook::WebhookUrl;
use socket2::SockRef;

use crate::http1::{Conn, Head, ReadError, Response};
use crate::rate::Bucket;
use crate::{Fault, RateLimit, ReceivedMessage, Target, ids, slack};

/// A callback run for every accepted message.
pub(crate) type OnMessage = Box<dyn Fn(&ReceivedMessage) + Send + Sync + 'static>;

/// Settings fixed at start.
pub(crate) struct Config {
    pub(crate) rate_limit: Option<RateLimit>,
    pub(crate) signing_secret: String,
    pub(crate) on_message: Option<OnMessage>,
    pub(crate) idle_timeout: Duration,
    pub(crate) response_url_lifetime: Duration,
    pub(crate) response_url_uses: u32,
}

/// A registered URL.
struct Endpoint {
    url: WebhookUrl,
    target: Target,
    registered_at: Instant,
    uses: u32,
}

/// A live connection, as seen from outside its thread.
struct Slot {
    /// A second handle on the socket, to shut it down from another thread.
    stream: TcpStream,
    /// Waiting for a request to start, with nothing buffered.
    idle: bool,
}

#[derive(Default)]
struct Connections {
    live: HashMap<u64, Slot>,
    threads: Vec<JoinHandle<()>>,
}

/// How a connection thread leaves its socket.
#[derive(Debug, PartialEq, Eq)]
enum End {
    /// Close normally (FIN).
    Close,
    /// Abort with a reset (RST): linger zero, then close.
    Reset,
}

/// State shared by the emulator handle and its threads.
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) base_url: String,
    team_id: String,
    endpoints: Mutex<HashMap<String, Endpoint>>,
    messages: Mutex<Vec<ReceivedMessage>>,
    arrived: Condvar,
    faults: Mutex<VecDeque<Fault>>,
    buckets: Mutex<HashMap<String, Bucket>>,
    connections: Mutex<Connections>,
    stopping: AtomicBool,
    stop_flag: Mutex<bool>,
    stop_signal: Condvar,
    next_connection: AtomicU64,
    pub(crate) request_count: AtomicUsize,
    pub(crate) connection_count: AtomicUsize,
    pub(crate) rate_limited_count: AtomicUsize,
}

/// Locks, ignoring poison: a panic in a user callback must not take the whole emulator down.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub(crate) fn new(config: Config, base_url: String) -> Self {
        Self {
            config,
            base_url,
            team_id: ids::slack_id('T', 10),
            endpoints: Mutex::default(),
            messages: Mutex::default(),
            arrived: Condvar::new(),
            faults: Mutex::default(),
            buckets: Mutex::default(),
            connections: Mutex::default(),
            stopping: AtomicBool::new(false),
            stop_flag: Mutex::new(false),
            stop_signal: Condvar::new(),
            next_connection: AtomicU64::new(0),
            request_count: AtomicUsize::new(0),
            connection_count: AtomicUsize::new(0),
            rate_limited_count: AtomicUsize::new(0),
        }
    }

    pub(crate) fn team_id(&self) -> &str {
        &self.team_id
    }

    /// Registers a fresh URL of this kind and returns it.
    pub(crate) fn register(&self, target: Target) -> WebhookUrl {
        let middle = match target {
            Target::Webhook => ids::slack_id('B', 10),
            Target::Command | Target::Action => ids::digits(12),
        };
        let path = format!(
            "/{}/{}/{middle}/{}",
            target.path_prefix(),
            self.team_id,
            ids::token(24)
        );
        let url = WebhookUrl::parse(&format!("{}{path}", self.base_url))
            .expect("an http url to a loopback address with a generated path is valid");

        let endpoint = Endpoint {
            url: url.clone(),
            target,
            registered_at: Instant::now(),
            uses: 0,
        };
        lock(&self.endpoints).insert(path, endpoint);
        url
    }

    // ---- recorded messages and faults ----

    pub(crate) fn messages(&self) -> Vec<ReceivedMessage> {
        lock(&self.messages).clone()
    }

    pub(crate) fn wait_for_messages(&self, n: usize, timeout: Duration) -> Vec<ReceivedMessage> {
        let deadline = Instant::now() + timeout;
        let mut messages = lock(&self.messages);
        loop {
            let now = Instant::now();
            if messages.len() >= n || now >= deadline {
                return messages.clone();
            }
            messages = self
                .arrived
                .wait_timeout(messages, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    pub(crate) fn inject(&self, fault: Fault, n: usize) {
        let mut faults = lock(&self.faults);
        faults.extend(std::iter::repeat_n(fault, n));
    }

    fn next_fault(&self) -> Option<Fault> {
        lock(&self.faults).pop_front()
    }

    // ---- connections ----

    pub(crate) fn close_idle_connections(&self) {
        let connections = lock(&self.connections);
        for slot in connections.live.values().filter(|slot| slot.idle) {
            // Shutting down both halves sends the FIN and wakes the thread's blocked read.
            let _ = slot.stream.shutdown(Shutdown::Both);
        }
    }

    fn set_idle(&self, id: u64, idle: bool) {
        if let Some(slot) = lock(&self.connections).live.get_mut(&id) {
            slot.idle = idle;
        }
    }

    fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Marks the server as stopping and cuts every `Fault::Delay` short.
    pub(crate) fn begin_stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        *lock(&self.stop_flag) = true;
        self.stop_signal.notify_all();
    }

    /// Shuts every connection down and waits for every connection thread to end. Called once
    /// the accept thread has ended, so that no new connection can appear meanwhile.
    pub(crate) fn close_all_and_join(&self) {
        let threads = {
            let mut connections = lock(&self.connections);
            for slot in connections.live.values() {
                let _ = slot.stream.shutdown(Shutdown::Both);
            }
            std::mem::take(&mut connections.threads)
        };
        for thread in threads {
            let _ = thread.join();
        }
    }

    /// Sleeps, unless the emulator stops first; true when the whole time passed.
    fn sleep_unless_stopped(&self, duration: Duration) -> bool {
        let stopped = lock(&self.stop_flag);
        let stopped = self
            .stop_signal
            .wait_timeout_while(stopped, duration, |stopped| !*stopped)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
        !*stopped
    }

    /// The accept thread's body: runs until [`Shared::begin_stop`] and one more connection
    /// (the emulator wakes it with a connection of its own).
    pub(crate) fn accept_loop(self: Arc<Self>, listener: TcpListener) {
        loop {
            match listener.accept() {
                Ok((stream, _)) => {
                    if self.is_stopping() {
                        return;
                    }
                    self.connection_count.fetch_add(1, Ordering::SeqCst);
                    if let Err(error) = self.spawn_connection(stream) {
                        log::warn!("emulator could not start a connection thread: {error}");
                    }
                }
                Err(error) => {
                    if self.is_stopping() {
                        return;
                    }
                    // Out of file descriptors, or a connection aborted before accept: both
                    // pass; a short pause keeps the loop from spinning meanwhile.
                    log::debug!("emulator accept failed: {error}");
                    thread::sleep(Duration::from_millis(10));
                }
            }
        }
    }

    fn spawn_connection(self: &Arc<Self>, stream: TcpStream) -> std::io::Result<()> {
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(self.config.idle_timeout))?;
        stream.set_write_timeout(Some(self.config.idle_timeout))?;

        let id = self.next_connection.fetch_add(1, Ordering::SeqCst);
        let slot = Slot {
            stream: stream.try_clone()?,
            idle: true,
        };

        let mut connections = lock(&self.connections);
        connections.threads.retain(|thread| !thread.is_finished());
        connections.live.insert(id, slot);

        let shared = Arc::clone(self);
        let spawned = thread::Builder::new()
            .name("slackhook-emulator-conn".into())
            .spawn(move || shared.serve(id, stream));
        match spawned {
            Ok(thread) => {
                connections.threads.push(thread);
                Ok(())
            }
            Err(error) => {
                connections.live.remove(&id);
                Err(error)
            }
        }
    }

    /// A connection thread's body.
    fn serve(&self, id: u64, stream: TcpStream) {
        let mut conn = Conn::new(stream);
        let end = self.serve_requests(id, &mut conn);
        let stream = conn.into_stream();

        if end == End::Reset {
            // With linger zero, closing the last handle aborts the connection with a RST.
            let _ = SockRef::from(&stream).set_linger(Some(Duration::ZERO));
        }
        // The registry's handle goes first, so that dropping ours closes the socket.
        lock(&self.connections).live.remove(&id);
        drop(stream);
    }

    fn serve_requests(&self, id: u64, conn: &mut Conn) -> End {
        loop {
            if conn.buffered() == 0 {
                self.set_idle(id, true);
                match conn.fill() {
                    Ok(n) if n > 0 => {}
                    _ => return End::Close,
                }
            }
            self.set_idle(id, false);

            let head = match conn.read_head() {
                Ok(head) => head,
                Err(error) => return refuse(conn, error),
            };
            self.request_count.fetch_add(1, Ordering::SeqCst);

            let fault = self.next_fault();
            if fault == Some(Fault::ResetBeforeBody) {
                log::debug!("emulator fault: reset before the body");
                return End::Reset;
            }
            if head.expects_continue() && conn.write_continue().is_err() {
                return End::Close;
            }
            let body = match conn.read_body(&head) {
                Ok(body) => body,
                Err(error) => return refuse(conn, error),
            };

            let response = match fault {
                Some(Fault::ResetAfterBody) => {
                    log::debug!("emulator fault: reset after the body");
                    return End::Reset;
                }
                Some(Fault::CloseAfterBody) => {
                    log::debug!("emulator fault: close after the body");
                    return End::Close;
                }
                Some(Fault::Respond {
                    status,
                    headers,
                    body,
                }) => {
                    log::debug!("emulator fault: answering {status}");
                    Response {
                        status,
                        headers,
                        body: body.into_bytes(),
                    }
                }
                Some(Fault::Delay(delay)) => {
                    log::debug!("emulator fault: delaying {delay:?}");
                    if !self.sleep_unless_stopped(delay) {
                        return End::Close;
                    }
                    self.handle(&head, &body)
                }
                Some(Fault::ResetBeforeBody) | None => self.handle(&head, &body),
            };

            let close = head.wants_close() || response.closes() || self.is_stopping();
            if !close && conn.buffered() == 0 {
                // Idle from before the client can see the answer, so that a test which calls
                // `close_idle_connections` right after reading it finds this connection idle.
                self.set_idle(id, true);
            }
            let head_only = head.method == "HEAD";
            if conn.write_response(&response, head_only, close).is_err() || close {
                return End::Close;
            }
        }
    }

    // ---- Slack's behaviour ----

    /// Answers one complete request as Slack would.
    fn handle(&self, head: &Head, body: &[u8]) -> Response {
        match self.accept_message(head, body) {
            Ok(()) => Response {
                status: 200,
                headers: vec![("Content-Type".into(), "text/html".into())],
                body: b"ok".to_vec(),
            },
            Err(response) => {
                log::debug!(
                    "emulator answered {} {}",
                    response.status,
                    String::from_utf8_lossy(&response.body)
                );
                response
            }
        }
    }

    fn accept_message(&self, head: &Head, body: &[u8]) -> Result<(), Response> {
        if head.method != "POST" {
            return Err(Response::text(405, "method_not_allowed").with_header("Allow", "POST"));
        }

        let path = head.path();
        let (url, target) = self.check_endpoint(path).map_err(reject)?;
        self.take_token(path)?;

        let payload = slack::parse_payload(body).map_err(reject)?;
        slack::check_message(target, &payload).map_err(reject)?;
        self.use_endpoint(path).map_err(reject)?;

        let message = ReceivedMessage {
            url,
            kind: target,
            payload,
            headers: head.headers.clone(),
            raw_body: body.to_vec(),
            received_at: SystemTime::now(),
        };
        log::debug!(
            "emulator accepted a {target} message ({} bytes) at {}",
            body.len(),
            message.url
        );
        self.record(message);
        Ok(())
    }

    /// Whether `path` is registered and still usable.
    fn check_endpoint(&self, path: &str) -> Result<(WebhookUrl, Target), slack::Rejection> {
        let endpoints = lock(&self.endpoints);
        let endpoint = endpoints.get(path).ok_or((404, "no_service"))?;
        self.usable(endpoint)?;
        Ok((endpoint.url.clone(), endpoint.target))
    }

    /// Counts one use, checking again: another connection may have used the last one.
    fn use_endpoint(&self, path: &str) -> Result<(), slack::Rejection> {
        let mut endpoints = lock(&self.endpoints);
        let endpoint = endpoints.get_mut(path).ok_or((404, "no_service"))?;
        self.usable(endpoint)?;
        endpoint.uses += 1;
        Ok(())
    }

    /// Slack: a response_url takes up to 5 uses within 30 minutes of the interaction.
    fn usable(&self, endpoint: &Endpoint) -> Result<(), slack::Rejection> {
        if !endpoint.target.is_response_url() {
            return Ok(());
        }
        if endpoint.registered_at.elapsed() > self.config.response_url_lifetime {
            return Err((404, "expired_url"));
        }
        if endpoint.uses >= self.config.response_url_uses {
            return Err((404, "used_url"));
        }
        Ok(())
    }

    fn take_token(&self, path: &str) -> Result<(), Response> {
        let Some(limit) = self.config.rate_limit else {
            return Ok(());
        };
        let now = Instant::now();
        let taken = lock(&self.buckets)
            .entry(path.to_owned())
            .or_insert_with(|| Bucket::full(limit, now))
            .take(limit, now);

        taken.map_err(|retry_after| {
            self.rate_limited_count.fetch_add(1, Ordering::SeqCst);
            let body = serde_json::json!({
                "ok": false,
                "error": "rate_limited",
                "retry_after": retry_after,
            });
            Response {
                status: 429,
                headers: vec![
                    (
                        "Content-Type".into(),
                        "application/json; charset=utf-8".into(),
                    ),
                    ("Retry-After".into(), retry_after.to_string()),
                ],
                body: body.to_string().into_bytes(),
            }
        })
    }

    fn record(&self, message: ReceivedMessage) {
        lock(&self.messages).push(message.clone());
        self.arrived.notify_all();
        if let Some(on_message) = &self.config.on_message {
            on_message(&message);
        }
    }
}

fn reject((status, code): slack::Rejection) -> Response {
    Response::text(status, code)
}

/// Answers a malformed request (if the peer is still there) and ends the connection.
fn refuse(conn: &mut Conn, error: ReadError) -> End {
    if let ReadError::Bad(status, code) = error {
        log::debug!("emulator refused a malformed request: {status} {code}");
        let _ = conn.write_response(&Response::text(status, code), false, true);
    }
    End::Close
}
