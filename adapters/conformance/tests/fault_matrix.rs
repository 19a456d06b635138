//! One table of faults, run against both HTTP adapters over real loopback sockets.
//!
//! Each row says what the emulator does, which retry handlers the client has and whether it
//! paces its sends, and what must come out: the response status or the error and its
//! *not sent* / *maybe delivered* verdict, how many requests the emulator saw, and how many
//! messages it accepted. The table is written once;
//! [`blocking_client_passes_the_fault_matrix`] and [`async_client_passes_the_fault_matrix`] run
//! every row against `slackhook-ureq` and `slackhook-reqwest`. Rows run a few at a time,
//! each against its own emulator, with waits shortened so that the whole matrix takes seconds.

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use slackhook::pacer::Rate;
use slackhook::retry::{
    ConnectionErrorRetryHandler, FixedInterval, RandomJitter, RateLimitErrorRetryHandler,
    RetryHandler, ServerErrorRetryHandler,
};
use slackhook::{Error, Message, SlackError, TransportErrorKind, WebhookResponse, WebhookUrl};
use slackhook_emulator::{Emulator, Fault};

/// A generous bound on waiting for the emulator; rows finish far sooner.
const SETTLE: Duration = Duration::from_secs(5);
/// How long a row waits for a message it does not expect before calling it absent.
const QUIET: Duration = Duration::from_millis(200);
const NORMAL_TIMEOUT: Duration = Duration::from_secs(5);
const SHORT_TIMEOUT: Duration = Duration::from_millis(500);
/// How long a slow server takes to answer: well past [`SHORT_TIMEOUT`].
const SLOW: Duration = Duration::from_secs(2);
/// Rows run at once per adapter: enough to finish in seconds, few enough that a loaded
/// two-core machine still gives every client its share of time within [`SHORT_TIMEOUT`].
const PARALLEL_ROWS: usize = 8;
const QUICK: Duration = Duration::from_millis(50);

/// The retry handlers a row's client has. Intervals are shortened to [`QUICK`].
#[derive(Debug, Clone, Copy)]
enum Handlers {
    /// The default: one retry of failures that provably sent nothing.
    Default,
    /// The default plus [`RateLimitErrorRetryHandler`].
    RateLimit,
    /// The default plus [`ServerErrorRetryHandler`].
    ServerError,
    /// The connection handler with `retry_maybe_delivered(true)`.
    RetryMaybeDelivered,
}

impl Handlers {
    fn build(self) -> Vec<Arc<dyn RetryHandler>> {
        let quick = || FixedInterval::new(QUICK);
        let connection = ConnectionErrorRetryHandler::new().with_interval(quick());
        match self {
            Self::Default => vec![Arc::new(connection)],
            Self::RateLimit => vec![
                Arc::new(connection),
                Arc::new(
                    RateLimitErrorRetryHandler::new()
                        .with_jitter(RandomJitter::up_to(QUICK))
                        .with_interval(quick()),
                ),
            ],
            Self::ServerError => vec![
                Arc::new(connection),
                Arc::new(ServerErrorRetryHandler::new().with_interval(quick())),
            ],
            Self::RetryMaybeDelivered => vec![Arc::new(connection.retry_maybe_delivered(true))],
        }
    }
}

/// What happens on the server's side.
enum Setup {
    /// The emulator answers with this status and plain-text body, as Slack does.
    Answer(u16, &'static str),
    /// These faults are queued before the send.
    Faults(fn(&Emulator) -> Vec<Fault>),
    /// The webhook points at a loopback port that nothing listens on.
    Refused,
    /// One send succeeds, the emulator closes the idle keep-alive connection, then the send
    /// under test goes out.
    StaleKeepAlive,
    /// One send succeeds, then the send under test goes out right after it.
    AfterASend,
    /// One send is answered 429 with this `Retry-After`, then the send under test goes out.
    AfterA429(&'static str),
}

/// What the send under test must return.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// A response with this status.
    Status(u16),
    /// A response with this status, whose body carries this Slack error code.
    SlackError(u16, &'static str),
    /// A transport error that proves nothing was sent, after this many attempts.
    NotSent(TransportErrorKind, u32),
    /// A transport error after which the message may have been delivered.
    MaybeDelivered(TransportErrorKind),
    /// The pacer would hold the send past its caps: nothing was sent.
    WaitTooLong,
}

struct Row {
    name: &'static str,
    setup: Setup,
    handlers: Handlers,
    timeout: Duration,
    pacing: Option<Rate>,
    expect: Expect,
    /// Requests the emulator saw, every send of the row included.
    requests: usize,
    /// Messages the emulator accepted, every send of the row included.
    accepted: usize,
    /// Bounds on the send under test's duration.
    took: (Duration, Duration),
}

fn row(name: &'static str, setup: Setup, handlers: Handlers, expect: Expect) -> Row {
    Row {
        name,
        setup,
        handlers,
        timeout: NORMAL_TIMEOUT,
        pacing: None,
        expect,
        requests: 1,
        accepted: 0,
        took: (Duration::ZERO, Duration::from_secs(10)),
    }
}

impl Row {
    fn seen(mut self, requests: usize, accepted: usize) -> Self {
        self.requests = requests;
        self.accepted = accepted;
        self
    }

    fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn paced(mut self, rate: Rate) -> Self {
        self.pacing = Some(rate);
        self
    }

    fn took_at_least(mut self, at_least: Duration) -> Self {
        self.took.0 = at_least;
        self
    }

    fn took_at_most(mut self, at_most: Duration) -> Self {
        self.took.1 = at_most;
        self
    }
}

/// Every 4xx that Slack documents for webhooks (SLACK.md), none retried.
const SLACK_4XX: &[(u16, &str)] = &[
    (400, "invalid_payload"),
    (400, "user_not_found"),
    (400, "no_text"),
    (400, "invalid_blocks"),
    (400, "invalid_blocks_format"),
    (400, "too_many_attachments"),
    (403, "action_prohibited"),
    (403, "posting_to_general_channel_denied"),
    (403, "invalid_token"),
    (404, "channel_not_found"),
    (404, "no_service"),
    (404, "no_service_id"),
    (404, "no_active_hooks"),
    (410, "channel_is_archived"),
];

/// The matrix.
fn matrix() -> Vec<Row> {
    use Expect::*;
    use Handlers::*;
    use Setup::*;
    use TransportErrorKind as Kind;

    let mut rows = vec![
        row("200 ok", Faults(|_| vec![]), Default, Status(200)).seen(1, 1),
        // Rate limits.
        row(
            "429 retry-after 1, default handlers",
            Faults(|_| vec![Fault::rate_limited("1")]),
            Default,
            SlackError(429, "rate_limited"),
        ),
        row(
            "429 retry-after 1, rate-limit handler",
            Faults(|_| vec![Fault::rate_limited("1")]),
            RateLimit,
            Status(200),
        )
        .seen(2, 1)
        .took_at_least(Duration::from_secs(1)),
        row(
            "429 retry-after as an http-date, rate-limit handler",
            Faults(|_| {
                vec![Fault::rate_limited(&http_date_from_now(
                    Duration::from_secs(1),
                ))]
            }),
            RateLimit,
            Status(200),
        )
        .seen(2, 1),
        row(
            "429 retry-after garbage, default handlers",
            Faults(|_| vec![Fault::rate_limited("soon-ish")]),
            Default,
            Status(429),
        ),
        row(
            "429 retry-after garbage, rate-limit handler backs off",
            Faults(|_| vec![Fault::rate_limited("soon-ish")]),
            RateLimit,
            Status(200),
        )
        .seen(2, 1),
        row(
            "429 retry-after 99999 is over the cap and returned at once",
            Faults(|_| vec![Fault::rate_limited("99999")]),
            RateLimit,
            Status(429),
        )
        // Sleeping would take 60 s at least, the cap on a single wait.
        .took_at_most(Duration::from_secs(5)),
        row(
            "429 message_limit_exceeded is not retried",
            Faults(|_| vec![Fault::status(429, "message_limit_exceeded")]),
            RateLimit,
            SlackError(429, "message_limit_exceeded"),
        ),
        // Server errors.
        row(
            "500 rollup_error, default handlers",
            Faults(|_| vec![Fault::status(500, "rollup_error")]),
            Default,
            SlackError(500, "rollup_error"),
        ),
        row(
            "500 rollup_error, server-error handler",
            Faults(|_| vec![Fault::status(500, "rollup_error")]),
            ServerError,
            Status(200),
        )
        .seen(2, 1),
        row(
            "503, default handlers",
            Faults(|_| vec![Fault::status(503, "service_unavailable")]),
            Default,
            Status(503),
        ),
        row(
            "503, server-error handler",
            Faults(|_| vec![Fault::status(503, "service_unavailable")]),
            ServerError,
            Status(200),
        )
        .seen(2, 1),
        row(
            "503 twice, server-error handler spends its one retry",
            Faults(|_| vec![Fault::status(503, "service_unavailable"); 2]),
            ServerError,
            Status(503),
        )
        .seen(2, 0),
        // Transport failures.
        row(
            "connection refused is not sent and retried once",
            Refused,
            Default,
            NotSent(Kind::ConnectionRefused, 2),
        )
        .seen(0, 0),
        row(
            "reset after the body may have been delivered",
            Faults(|_| vec![Fault::ResetAfterBody]),
            Default,
            MaybeDelivered(Kind::ConnectionReset),
        ),
        row(
            "reset after the body, retried when the caller accepts duplicates",
            Faults(|_| vec![Fault::ResetAfterBody]),
            RetryMaybeDelivered,
            Status(200),
        )
        .seen(2, 1),
        row(
            "close after the body may have been delivered",
            Faults(|_| vec![Fault::CloseAfterBody]),
            Default,
            MaybeDelivered(Kind::ConnectionClosed),
        ),
        row(
            "close after the body, retried when the caller accepts duplicates",
            Faults(|_| vec![Fault::CloseAfterBody]),
            RetryMaybeDelivered,
            Status(200),
        )
        .seen(2, 1),
        // The client cannot tell how much of the body the server read before the reset.
        row(
            "reset before the body is still maybe delivered",
            Faults(|_| vec![Fault::ResetBeforeBody]),
            Default,
            MaybeDelivered(Kind::ConnectionReset),
        ),
        row(
            "reset before the body, retried when the caller accepts duplicates",
            Faults(|_| vec![Fault::ResetBeforeBody]),
            RetryMaybeDelivered,
            Status(200),
        )
        .seen(2, 1),
        // The slow server still posts the message after the client gave up on it.
        row(
            "read timeout may have been delivered, and was",
            Faults(|_| vec![Fault::Delay(SLOW)]),
            Default,
            MaybeDelivered(Kind::Timeout),
        )
        .seen(1, 1)
        .timeout(SHORT_TIMEOUT),
        row(
            "read timeout retried when the caller accepts duplicates posts twice",
            Faults(|_| vec![Fault::Delay(SLOW)]),
            RetryMaybeDelivered,
            Status(200),
        )
        .seen(2, 2)
        .timeout(SHORT_TIMEOUT),
        // Connections and redirects.
        row(
            "a keep-alive connection closed while idle is replaced",
            StaleKeepAlive,
            Default,
            Status(200),
        )
        .seen(2, 2),
        // Pacing: one pacer per client, shared by all its sends.
        row(
            "a 429 holds the client's next send until retry-after",
            AfterA429("1"),
            Default,
            Status(200),
        )
        .seen(2, 1)
        .took_at_least(Duration::from_millis(900)),
        row(
            "a hold past the cap fails at once and sends nothing",
            AfterA429("99999"),
            Default,
            WaitTooLong,
        )
        .seen(1, 0)
        .took_at_most(Duration::from_secs(1)),
        row(
            "a paced send right after another waits its turn",
            AfterASend,
            Default,
            Status(200),
        )
        .paced(Rate::per_second(4))
        .seen(2, 2)
        .took_at_least(Duration::from_millis(200)),
        row(
            "302 is returned, not followed",
            Faults(|slack| {
                let elsewhere = format!("{}/services/T0/B0/elsewhere", slack.base_url());
                vec![Fault::redirect(elsewhere)]
            }),
            Default,
            Status(302),
        ),
    ];

    for &(status, code) in SLACK_4XX {
        rows.push(row(
            code,
            Answer(status, code),
            Default,
            SlackError(status, code),
        ));
    }
    rows
}

/// `Retry-After` as an HTTP-date `after` from now, as the emulator's `Date` header will say.
fn http_date_from_now(after: Duration) -> String {
    httpdate::fmt_http_date(SystemTime::now() + after)
}

/// A client under test, whatever its runtime: one blocking send at a time.
trait Sender {
    fn send(&self, message: &Message) -> Result<WebhookResponse, Error>;
}

/// How a row's client is configured.
struct Config {
    handlers: Vec<Arc<dyn RetryHandler>>,
    timeout: Duration,
    pacing: Option<Rate>,
}

type Build = fn(WebhookUrl, Config) -> Box<dyn Sender>;

impl Sender for slackhook_ureq::WebhookClient {
    fn send(&self, message: &Message) -> Result<WebhookResponse, Error> {
        slackhook_ureq::WebhookClient::send(self, message)
    }
}

fn build_ureq(url: WebhookUrl, config: Config) -> Box<dyn Sender> {
    let mut builder = slackhook_ureq::WebhookClient::builder(url)
        .retry_handlers(config.handlers)
        .timeout(config.timeout);
    if let Some(rate) = config.pacing {
        builder = builder.pacing(rate);
    }
    Box::new(builder.build().expect("a valid client configuration"))
}

/// The async client on a current-thread runtime of its own, the runtime `#[tokio::test]` uses.
struct AsyncSender {
    runtime: tokio::runtime::Runtime,
    client: slackhook_reqwest::AsyncWebhookClient,
}

impl Sender for AsyncSender {
    fn send(&self, message: &Message) -> Result<WebhookResponse, Error> {
        self.runtime.block_on(self.client.send(message))
    }
}

fn build_reqwest(url: WebhookUrl, config: Config) -> Box<dyn Sender> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let mut builder = slackhook_reqwest::AsyncWebhookClient::builder(url)
        .retry_handlers(config.handlers)
        .timeout(config.timeout);
    if let Some(rate) = config.pacing {
        builder = builder.pacing(rate);
    }
    let client = builder.build().expect("a valid client configuration");
    Box::new(AsyncSender { runtime, client })
}

/// What running one row found.
struct Outcome {
    /// What went wrong, if anything.
    problems: Vec<String>,
    /// How long the send under test took.
    took: Duration,
}

/// Runs one row.
fn run_row(row: &Row, build: Build) -> Outcome {
    let slack = Emulator::start().expect("the emulator starts on loopback");
    let url = match row.setup {
        Setup::Refused => refused_url(),
        _ => slack.webhook_url(),
    };
    let config = Config {
        handlers: row.handlers.build(),
        timeout: row.timeout,
        pacing: row.pacing,
    };
    let client = build(url, config);
    let message = Message::text(format!("matrix: {}", row.name));

    match &row.setup {
        Setup::Answer(status, code) => slack.inject(Fault::status(*status, *code)),
        Setup::Faults(faults) => {
            for fault in faults(&slack) {
                slack.inject(fault);
            }
        }
        Setup::Refused => {}
        Setup::StaleKeepAlive => {
            let warm_up = client.send(&Message::text("warm-up"));
            assert!(
                warm_up.is_ok_and(|r| r.is_ok()),
                "{}: warm-up send failed",
                row.name
            );
            slack.close_idle_connections();
        }
        Setup::AfterASend => {
            let first = client.send(&Message::text("first"));
            assert!(
                first.is_ok_and(|r| r.is_ok()),
                "{}: first send failed",
                row.name
            );
        }
        Setup::AfterA429(retry_after) => {
            slack.inject(Fault::rate_limited(retry_after));
            let first = client.send(&Message::text("rate limited"));
            assert!(
                first.is_ok_and(|r| r.status() == 429),
                "{}: first send was not rate limited",
                row.name
            );
        }
    }

    let started = Instant::now();
    let result = client.send(&message);
    let took = started.elapsed();

    let mut problems = check_result(row, &result);
    if took < row.took.0 || took > row.took.1 {
        problems.push(format!(
            "took {took:?}, expected {:?}..={:?}",
            row.took.0, row.took.1
        ));
    }

    let accepted = slack.wait_for_messages(row.accepted, SETTLE).len();
    let accepted = slack.wait_for_messages(accepted + 1, QUIET).len();
    if accepted != row.accepted {
        problems.push(format!(
            "{accepted} messages accepted, expected {}",
            row.accepted
        ));
    }
    if slack.request_count() != row.requests {
        let seen = slack.request_count();
        problems.push(format!("{seen} requests seen, expected {}", row.requests));
    }
    Outcome { problems, took }
}

fn check_result(row: &Row, result: &Result<WebhookResponse, Error>) -> Vec<String> {
    let mut problems = Vec::new();
    let mut problem = |text: String| problems.push(text);

    match (row.expect, result) {
        (Expect::Status(status), Ok(response)) => {
            if response.status() != status {
                problem(format!("status {}, expected {status}", response.status()));
            }
        }
        (Expect::SlackError(status, code), Ok(response)) => {
            let error = response.slack_error();
            if response.status() != status || error.as_ref().map(SlackError::code) != Some(code) {
                let got = (response.status(), error);
                problem(format!("got {got:?}, expected ({status}, {code:?})"));
            }
        }
        (Expect::NotSent(kind, attempts), Err(error)) => {
            let transport = error.transport();
            if !transport.is_some_and(|t| t.is_not_sent() && t.kind() == kind) {
                problem(format!("error {error:?}, expected {kind:?} not sent"));
            }
            if !matches!(error, Error::Transport { attempts: a, .. } if *a == attempts) {
                problem(format!("error {error:?}, expected {attempts} attempts"));
            }
            if !error.to_string().contains("not sent") {
                problem(format!("message {error} does not say it was not sent"));
            }
        }
        (Expect::MaybeDelivered(kind), Err(error)) => {
            let transport = error.transport();
            if !transport.is_some_and(|t| t.may_have_been_delivered() && t.kind() == kind) {
                problem(format!(
                    "error {error:?}, expected {kind:?} maybe delivered"
                ));
            }
            if error.is_not_sent() {
                problem("a maybe-delivered failure claims nothing was sent".into());
            }
        }
        (Expect::WaitTooLong, Err(error)) => {
            if !matches!(error, Error::WaitTooLong { .. }) {
                problem(format!("error {error:?}, expected a wait too long"));
            }
            if !error.is_not_sent() {
                problem("a send held back claims it may have been delivered".into());
            }
        }
        (expect, got) => problem(format!("got {got:?}, expected {expect:?}")),
    }
    problems
}

/// A webhook URL on a loopback port that nothing listens on.
fn refused_url() -> WebhookUrl {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    let port = listener.local_addr().expect("bound address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}/services/T0/B0/refused")
        .parse()
        .expect("a loopback url")
}

/// Runs every row in parallel against one adapter and fails with every row that went wrong.
fn run_matrix(adapter: &str, build: Build) {
    let rows = matrix();
    let started = Instant::now();

    let next = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<Option<Outcome>>> = Mutex::new(rows.iter().map(|_| None).collect());
    thread::scope(|scope| {
        for _ in 0..PARALLEL_ROWS {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    let Some(row) = rows.get(index) else { break };
                    let outcome = run_row(row, build);
                    outcomes.lock().unwrap_or_else(PoisonError::into_inner)[index] = Some(outcome);
                }
            });
        }
    });
    let outcomes: Vec<Outcome> = outcomes
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .into_iter()
        .map(|outcome| outcome.expect("every row ran to the end"))
        .collect();

    let total = started.elapsed();
    let mut failures = Vec::new();
    for (row, outcome) in rows.iter().zip(&outcomes) {
        println!(
            "{adapter}: {:>6} ms  {}",
            outcome.took.as_millis(),
            row.name
        );
        for problem in &outcome.problems {
            failures.push(format!("{adapter}: {}: {problem}", row.name));
        }
    }
    println!("{adapter}: {} rows in {} ms", rows.len(), total.as_millis());
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn blocking_client_passes_the_fault_matrix() {
    run_matrix("slackhook-ureq", build_ureq);
}

#[test]
fn async_client_passes_the_fault_matrix() {
    run_matrix("slackhook-reqwest", build_reqwest);
}

#[test]
fn the_matrix_covers_every_documented_slack_4xx_once() {
    let rows = matrix();
    for &(_, code) in SLACK_4XX {
        let count = rows.iter().filter(|row| row.name == code).count();
        assert_eq!(count, 1, "{code}");
    }
}
