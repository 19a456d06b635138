//! The client side, run in a child process per measurement (`loopback --client KIND`), so
//! that its CPU time and peak RSS are its own.
//!
//! Each child warms up (which also opens its connections), then sends the measured messages
//! and prints one `result` line for the parent.

use std::cell::Cell;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use nix::sys::resource::{UsageWho, getrusage};
use nix::sys::time::TimeValLike;
use serde_json::{Value, json};
use slackhook::http::header::USER_AGENT;
use slackhook::{Message, WebhookUrl};

const CONTENT_TYPE: &str = "application/json; charset=utf-8";
const TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Set in a client's environment when the ureq clients run with per-attempt timeouts.
pub const UREQ_TIMEOUTS_VAR: &str = "SLACKHOOK_BENCH_UREQ_TIMEOUTS";

/// A 70-byte text, the same as the core's `send` benchmark.
const TEXT: &str = "Deploy of api-gateway v2.14.3 to production finished in 4m 12s :rocket";

/// Which client posts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A bare `ureq::Agent`, sequential.
    UreqBare,
    /// `slackhook_ureq::WebhookClient`, sequential.
    UreqSlackhook,
    /// A bare `reqwest::Client`, shared by concurrent tasks.
    ReqwestBare,
    /// `slackhook_reqwest::AsyncWebhookClient`, cloned into concurrent tasks.
    ReqwestSlackhook,
}

impl Kind {
    /// Every kind, in the order the report lists them.
    pub const ALL: [Kind; 4] = [
        Kind::UreqBare,
        Kind::UreqSlackhook,
        Kind::ReqwestBare,
        Kind::ReqwestSlackhook,
    ];

    /// The name on the command line and in the report.
    pub fn name(self) -> &'static str {
        match self {
            Kind::UreqBare => "ureq-bare",
            Kind::UreqSlackhook => "ureq-slackhook",
            Kind::ReqwestBare => "reqwest-bare",
            Kind::ReqwestSlackhook => "reqwest-slackhook",
        }
    }

    /// Whether this client is slackhook's rather than a bare one.
    pub fn is_slackhook(self) -> bool {
        matches!(self, Kind::UreqSlackhook | Kind::ReqwestSlackhook)
    }

    /// slackhook's client of the same family as this bare one, and the reverse.
    pub fn twin(self) -> Kind {
        match self {
            Kind::UreqBare => Kind::UreqSlackhook,
            Kind::UreqSlackhook => Kind::UreqBare,
            Kind::ReqwestBare => Kind::ReqwestSlackhook,
            Kind::ReqwestSlackhook => Kind::ReqwestBare,
        }
    }

    /// Whether this client sends from concurrent tasks.
    pub fn is_concurrent(self) -> bool {
        matches!(self, Kind::ReqwestBare | Kind::ReqwestSlackhook)
    }
}

impl FromStr for Kind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .into_iter()
            .find(|kind| kind.name() == s)
            .ok_or_else(|| format!("unknown client {s:?}"))
    }
}

/// The message every client sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Payload {
    /// A 70-byte text.
    Text,
    /// 50 section blocks with a button each: the most blocks Slack takes.
    Blocks,
}

impl Payload {
    /// The message.
    pub fn message(self) -> Message {
        match self {
            Payload::Text => Message::text(TEXT),
            Payload::Blocks => {
                let blocks = (0..50).map(|i| -> Value {
                    json!({
                        "type": "section",
                        "text": {
                            "type": "mrkdwn",
                            "text": format!("*api-{i}* p99 182 ms, errors 0.02%")
                        },
                        "accessory": {
                            "type": "button",
                            "text": {"type": "plain_text", "text": "Open"},
                            "url": "https://example.com/dashboards/api",
                            "action_id": format!("open-{i}")
                        }
                    })
                });
                Message::text("Hourly service report").with_blocks(blocks)
            }
        }
    }

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Payload::Text => "text",
            Payload::Blocks => "blocks",
        }
    }
}

impl FromStr for Payload {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" => Ok(Payload::Text),
            "blocks" => Ok(Payload::Blocks),
            _ => Err(format!("unknown payload {s:?}, expected text or blocks")),
        }
    }
}

/// What one child measured.
#[derive(Clone, Copy, Debug, Default)]
pub struct Measured {
    /// Messages sent in the measured phase.
    pub messages: usize,
    /// Wall-clock seconds of the measured phase.
    pub secs: f64,
    /// User plus system CPU microseconds of the whole client process in the measured phase.
    pub cpu_us: f64,
    /// Peak resident set size of the client process, in KiB.
    pub max_rss_kib: i64,
    /// Sends that failed or were not answered `200 ok`, warm-up included.
    pub errors: usize,
}

impl Measured {
    /// The line a child prints.
    pub fn to_line(self) -> String {
        format!(
            "result messages={} secs={} cpu_us={} max_rss_kib={} errors={}",
            self.messages, self.secs, self.cpu_us, self.max_rss_kib, self.errors
        )
    }

    /// Reads the line a child printed.
    pub fn from_line(line: &str) -> Option<Self> {
        let mut measured = Measured::default();
        for field in line.strip_prefix("result ")?.split(' ') {
            let (key, value) = field.split_once('=')?;
            match key {
                "messages" => measured.messages = value.parse().ok()?,
                "secs" => measured.secs = value.parse().ok()?,
                "cpu_us" => measured.cpu_us = value.parse().ok()?,
                "max_rss_kib" => measured.max_rss_kib = value.parse().ok()?,
                "errors" => measured.errors = value.parse().ok()?,
                _ => return None,
            }
        }
        Some(measured)
    }
}

/// Both clients of one family in one process, timed in alternating batches: load that comes
/// and goes on the machine then hits both alike.
#[derive(Clone, Copy, Debug, Default)]
pub struct Interleaved {
    /// Messages per batch.
    pub batch: usize,
    /// Batch pairs timed.
    pub pairs: usize,
    /// Median over pairs of slackhook's msgs/s divided by bare's.
    pub throughput_ratio: f64,
    /// Median over pairs of slackhook's CPU per message divided by bare's.
    pub cpu_ratio: f64,
    /// Bare client's messages per second over all its batches.
    pub bare_msgs_per_sec: f64,
    /// slackhook's messages per second over all its batches.
    pub slackhook_msgs_per_sec: f64,
    /// Bare client's CPU microseconds per message over all its batches.
    pub bare_cpu_us: f64,
    /// slackhook's CPU microseconds per message over all its batches.
    pub slackhook_cpu_us: f64,
    /// Sends that failed or were not answered `200 ok`, warm-up included.
    pub errors: usize,
}

impl Interleaved {
    /// The line a child prints.
    pub fn to_line(self) -> String {
        format!(
            "interleaved batch={} pairs={} throughput_ratio={} cpu_ratio={} bare_msgs_per_sec={} \
             slackhook_msgs_per_sec={} bare_cpu_us={} slackhook_cpu_us={} errors={}",
            self.batch,
            self.pairs,
            self.throughput_ratio,
            self.cpu_ratio,
            self.bare_msgs_per_sec,
            self.slackhook_msgs_per_sec,
            self.bare_cpu_us,
            self.slackhook_cpu_us,
            self.errors
        )
    }

    /// Reads the line a child printed.
    pub fn from_line(line: &str) -> Option<Self> {
        let mut out = Interleaved::default();
        for field in line.strip_prefix("interleaved ")?.split(' ') {
            let (key, value) = field.split_once('=')?;
            match key {
                "batch" => out.batch = value.parse().ok()?,
                "pairs" => out.pairs = value.parse().ok()?,
                "throughput_ratio" => out.throughput_ratio = value.parse().ok()?,
                "cpu_ratio" => out.cpu_ratio = value.parse().ok()?,
                "bare_msgs_per_sec" => out.bare_msgs_per_sec = value.parse().ok()?,
                "slackhook_msgs_per_sec" => out.slackhook_msgs_per_sec = value.parse().ok()?,
                "bare_cpu_us" => out.bare_cpu_us = value.parse().ok()?,
                "slackhook_cpu_us" => out.slackhook_cpu_us = value.parse().ok()?,
                "errors" => out.errors = value.parse().ok()?,
                _ => return None,
            }
        }
        Some(out)
    }

    fn from_samples(samples: &[(Measured, Measured)], batch: usize, errors: usize) -> Self {
        let total = |pick: fn(&(Measured, Measured)) -> f64| samples.iter().map(pick).sum::<f64>();
        let messages = (batch * samples.len()) as f64;
        Interleaved {
            batch,
            pairs: samples.len(),
            throughput_ratio: median(samples.iter().map(|(b, s)| b.secs / s.secs)),
            cpu_ratio: median(
                samples
                    .iter()
                    .filter(|(b, _)| b.cpu_us > 0.0)
                    .map(|(b, s)| s.cpu_us / b.cpu_us),
            ),
            bare_msgs_per_sec: messages / total(|(b, _)| b.secs),
            slackhook_msgs_per_sec: messages / total(|(_, s)| s.secs),
            bare_cpu_us: total(|(b, _)| b.cpu_us) / messages,
            slackhook_cpu_us: total(|(_, s)| s.cpu_us) / messages,
            errors,
        }
    }
}

/// The median; the upper one of an even count, NaN of none.
pub fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.collect();
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// What a child is told to do.
#[derive(Clone, Debug)]
pub struct Plan {
    pub kind: Kind,
    pub url: String,
    pub messages: usize,
    pub warmup: usize,
    pub concurrency: usize,
    pub payload: Payload,
}

/// Runs one measurement in this process.
pub fn run(plan: &Plan) -> Result<Measured, String> {
    let url: WebhookUrl = plan
        .url
        .parse()
        .map_err(|_| "the server's url is invalid")?;
    let message = plan.payload.message();

    let (measured, errors) = if plan.kind.is_concurrent() {
        run_async(plan, url, message)?
    } else {
        run_sync(plan, url, &message)?
    };

    Ok(Measured {
        messages: plan.messages,
        max_rss_kib: usage()?.max_rss_kib,
        errors,
        ..measured
    })
}

/// Runs `plan.kind` and its twin in this process, in alternating batches.
pub fn run_interleaved(plan: &Plan) -> Result<Interleaved, String> {
    let url: WebhookUrl = plan
        .url
        .parse()
        .map_err(|_| "the server's url is invalid")?;
    let message = plan.payload.message();
    let (bare, ours) = if plan.kind.is_slackhook() {
        (plan.kind.twin(), plan.kind)
    } else {
        (plan.kind, plan.kind.twin())
    };

    if plan.kind.is_concurrent() {
        let runtime = runtime()?;
        let clients = [
            AsyncClient::new(bare, url.clone()),
            AsyncClient::new(ours, url),
        ];
        let message = Arc::new(message);
        let errors = Arc::new(AtomicUsize::new(0));
        let send = |client: &AsyncClient, count: usize| {
            let task = send_concurrently(
                client.clone(),
                Arc::clone(&message),
                Arc::clone(&errors),
                count,
                plan.concurrency,
            );
            runtime.block_on(task);
        };

        // Four messages per task and batch: long enough to time, short enough to interleave
        // often. At least 20 pairs, as many messages as the sequential clients send or more.
        let batch = plan.concurrency * 4;
        for client in &clients {
            send(client, plan.warmup);
        }
        let samples = alternate(
            (plan.messages / batch).max(20),
            || send(&clients[0], batch),
            || send(&clients[1], batch),
        )?;
        let errors = errors.load(Ordering::Relaxed);
        Ok(Interleaved::from_samples(&samples, batch, errors))
    } else {
        let clients = [
            SyncClient::new(bare, url.clone()),
            SyncClient::new(ours, url),
        ];
        let errors = Cell::new(0);
        let send = |client: &SyncClient, count: usize| {
            for _ in 0..count {
                if let Err(e) = client.send(&message) {
                    report_first(errors.get(), &e);
                    errors.set(errors.get() + 1);
                }
            }
        };

        let batch = 100;
        for client in &clients {
            send(client, plan.warmup);
        }
        let samples = alternate(
            (plan.messages / batch).max(20),
            || send(&clients[0], batch),
            || send(&clients[1], batch),
        )?;
        Ok(Interleaved::from_samples(&samples, batch, errors.get()))
    }
}

/// Times `pairs` batches of each, alternating which goes first.
fn alternate(
    pairs: usize,
    mut bare: impl FnMut(),
    mut ours: impl FnMut(),
) -> Result<Vec<(Measured, Measured)>, String> {
    let mut samples = Vec::with_capacity(pairs);
    for pair in 0..pairs {
        let sample = if pair % 2 == 0 {
            let b = measure(&mut bare)?;
            (b, measure(&mut ours)?)
        } else {
            let s = measure(&mut ours)?;
            (measure(&mut bare)?, s)
        };
        samples.push(sample);
    }
    Ok(samples)
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("no tokio runtime: {e}"))
}

fn run_sync(plan: &Plan, url: WebhookUrl, message: &Message) -> Result<(Measured, usize), String> {
    let client = SyncClient::new(plan.kind, url);
    let mut errors = 0;
    let mut send = || {
        if let Err(e) = client.send(message) {
            report_first(errors, &e);
            errors += 1;
        }
    };

    for _ in 0..plan.warmup {
        send();
    }
    let measured = measure(|| {
        for _ in 0..plan.messages {
            send();
        }
    })?;
    Ok((measured, errors))
}

fn run_async(plan: &Plan, url: WebhookUrl, message: Message) -> Result<(Measured, usize), String> {
    let runtime = runtime()?;
    let client = AsyncClient::new(plan.kind, url);
    let message = Arc::new(message);
    let errors = Arc::new(AtomicUsize::new(0));

    let batch = |count: usize| {
        let client = client.clone();
        let message = Arc::clone(&message);
        let errors = Arc::clone(&errors);
        runtime.block_on(send_concurrently(
            client,
            message,
            errors,
            count,
            plan.concurrency,
        ))
    };

    // The warm-up also opens the pool's connections, one per task at most.
    batch(plan.warmup);
    let measured = measure(|| batch(plan.messages))?;
    Ok((measured, errors.load(Ordering::Relaxed)))
}

/// Sends `count` messages from `concurrency` tasks, each taking the next message as soon as
/// its previous one is answered.
async fn send_concurrently(
    client: AsyncClient,
    message: Arc<Message>,
    errors: Arc<AtomicUsize>,
    count: usize,
    concurrency: usize,
) {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let (client, message, errors, next) = (
            client.clone(),
            Arc::clone(&message),
            Arc::clone(&errors),
            Arc::clone(&next),
        );
        tasks.push(tokio::spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < count {
                if let Err(e) = client.send(&message).await {
                    report_first(errors.fetch_add(1, Ordering::Relaxed), &e);
                }
            }
        }));
    }
    for task in tasks {
        if task.await.is_err() {
            errors.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Prints the first error of a run, so that a broken setup is seen without flooding.
fn report_first(errors_so_far: usize, error: &str) {
    if errors_so_far == 0 {
        eprintln!("loopback: first send error: {error}");
    }
}

/// Wall time and process CPU time of `f`.
fn measure(f: impl FnOnce()) -> Result<Measured, String> {
    let before = usage()?;
    let start = Instant::now();
    f();
    let secs = start.elapsed().as_secs_f64();
    let after = usage()?;
    Ok(Measured {
        secs,
        cpu_us: after.cpu_us - before.cpu_us,
        ..Measured::default()
    })
}

struct Usage {
    cpu_us: f64,
    max_rss_kib: i64,
}

fn usage() -> Result<Usage, String> {
    let usage = getrusage(UsageWho::RUSAGE_SELF).map_err(|e| format!("getrusage: {e}"))?;
    let cpu = usage.user_time().num_microseconds() + usage.system_time().num_microseconds();
    Ok(Usage {
        cpu_us: cpu as f64,
        // Linux reports ru_maxrss in KiB.
        max_rss_kib: usage.max_rss(),
    })
}

/// A blocking client, slackhook's or a bare one configured like it.
enum SyncClient {
    Bare {
        agent: ureq::Agent,
        url: String,
        user_agent: String,
    },
    Slackhook(slackhook_ureq::WebhookClient),
}

impl SyncClient {
    fn new(kind: Kind, url: WebhookUrl) -> Self {
        // Both sides use the same agent configuration, so that the ratio is what slackhook
        // itself costs. By default that is ureq's own default, without timeouts. With
        // timeouts, ureq sets a socket timeout before each read and write, and a bare agent
        // also spawns a thread per request for the name lookup, which slackhook's client
        // avoids with its own resolver.
        let timeouts = std::env::var_os(UREQ_TIMEOUTS_VAR).is_some();
        let bare_agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(timeouts.then_some(TIMEOUT))
            .timeout_connect(timeouts.then_some(CONNECT_TIMEOUT))
            .build()
            .new_agent();
        // With timeouts, slackhook's own agent and resolver; without, the bare agent's settings.
        let client = slackhook_ureq::WebhookClient::builder(url.clone())
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT);
        let client = if timeouts {
            client
        } else {
            client.agent(bare_agent.clone())
        };
        let client = client
            .build()
            .expect("the bench's client configuration is valid");
        if kind.is_slackhook() {
            return SyncClient::Slackhook(client);
        }

        SyncClient::Bare {
            agent: bare_agent,
            url: url.expose_secret().to_owned(),
            user_agent: user_agent(client.webhook()),
        }
    }

    fn send(&self, message: &Message) -> Result<(), String> {
        match self {
            SyncClient::Bare {
                agent,
                url,
                user_agent,
            } => {
                let body = serde_json::to_vec(message.as_map()).map_err(|e| e.to_string())?;
                let mut response = agent
                    .post(url.as_str())
                    .header("content-type", CONTENT_TYPE)
                    .header("user-agent", user_agent.as_str())
                    .send(&body[..])
                    .map_err(|e| format!("ureq: {}", ureq_kind(&e)))?;
                let status = response.status().as_u16();
                let text = response
                    .body_mut()
                    .read_to_string()
                    .map_err(|e| format!("ureq body: {}", ureq_kind(&e)))?;
                check(status, &text)
            }
            SyncClient::Slackhook(client) => {
                let response = client.send(message).map_err(|e| e.to_string())?;
                check(response.status(), &response.body())
            }
        }
    }
}

/// An async client, slackhook's or a bare one configured like it.
#[derive(Clone)]
enum AsyncClient {
    Bare {
        client: reqwest::Client,
        url: Arc<str>,
        user_agent: Arc<str>,
    },
    Slackhook(slackhook_reqwest::AsyncWebhookClient),
}

impl AsyncClient {
    fn new(kind: Kind, url: WebhookUrl) -> Self {
        let client = slackhook_reqwest::AsyncWebhookClient::new(url.clone());
        if kind.is_slackhook() {
            return AsyncClient::Slackhook(client);
        }

        // What slackhook's client sets up, without slackhook.
        let bare = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .build()
            .expect("a plain-http client with no proxy always builds");
        AsyncClient::Bare {
            client: bare,
            url: url.expose_secret().into(),
            user_agent: user_agent(client.webhook()).into(),
        }
    }

    async fn send(&self, message: &Message) -> Result<(), String> {
        match self {
            AsyncClient::Bare {
                client,
                url,
                user_agent,
            } => {
                let body = serde_json::to_vec(message.as_map()).map_err(|e| e.to_string())?;
                let response = client
                    .post(&**url)
                    .header("content-type", CONTENT_TYPE)
                    .header("user-agent", &**user_agent)
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| format!("reqwest: {}", e.without_url()))?;
                let status = response.status().as_u16();
                let text = response
                    .text()
                    .await
                    .map_err(|e| format!("reqwest body: {}", e.without_url()))?;
                check(status, &text)
            }
            AsyncClient::Slackhook(client) => {
                let response = client.send(message).await.map_err(|e| e.to_string())?;
                check(response.status(), &response.body())
            }
        }
    }
}

/// The `User-Agent` slackhook's client sends, so that both put the same bytes on the wire.
fn user_agent(webhook: &slackhook::Webhook) -> String {
    webhook
        .headers()
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or(slackhook::USER_AGENT)
        .to_owned()
}

/// ureq's errors can quote the URL; only their kind is shown.
fn ureq_kind(error: &ureq::Error) -> &'static str {
    match error {
        ureq::Error::Timeout(_) => "timeout",
        ureq::Error::Io(_) => "i/o error",
        ureq::Error::ConnectionFailed => "connection failed",
        _ => "other error",
    }
}

fn check(status: impl Into<u16>, body: &str) -> Result<(), String> {
    let status = status.into();
    if status == 200 && body == "ok" {
        Ok(())
    } else {
        Err(format!("unexpected answer: status {status}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_line_round_trips() {
        let measured = Measured {
            messages: 10,
            secs: 1.5,
            cpu_us: 250.0,
            max_rss_kib: 4096,
            errors: 1,
        };
        let parsed = Measured::from_line(&measured.to_line()).expect("a result line");
        assert_eq!(parsed.messages, 10);
        assert_eq!(parsed.secs, 1.5);
        assert_eq!(parsed.cpu_us, 250.0);
        assert_eq!(parsed.max_rss_kib, 4096);
        assert_eq!(parsed.errors, 1);
    }

    #[test]
    fn every_client_kind_parses_from_its_name() {
        for kind in Kind::ALL {
            assert_eq!(kind.name().parse::<Kind>(), Ok(kind));
        }
    }

    #[test]
    fn both_payloads_pass_slackhook_validation() {
        for payload in [Payload::Text, Payload::Blocks] {
            let message = payload.message();
            assert!(slackhook::validate::validate(message.as_map()).is_ok());
        }
        assert_eq!(TEXT.len(), 70);
    }
}
