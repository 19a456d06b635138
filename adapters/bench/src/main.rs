//! `loopback`: slackhook's clients against bare ureq and reqwest, side by side, over loopback.
//!
//! The parent process starts a keep-alive HTTP server in a child process (`--serve`), so that
//! the server's CPU time is never charged to a client. Then:
//!
//! - each client runs alone in a fresh process (`--client KIND`), a few rounds with the order
//!   alternating, for its peak RSS, the TCP connections the server accepted from it, msgs/s and
//!   CPU time per message;
//! - each pair (bare and slackhook) runs in one process (`--interleave KIND`), in alternating
//!   batches, for the ratios slackhook / bare: load that comes and goes on a busy machine then
//!   hits both alike, where separate runs seconds apart can differ several-fold.
//!
//! ```text
//! cargo run --release -p slackhook-bench -- [--messages N] [--rounds R] [--concurrency C]
//!                                           [--payload text|blocks] [--server minimal|emulator]
//!                                           [--ureq-timeouts] [--no-pin]
//! ```
//!
//! Each run measures a 70-byte text and then a message of 50 blocks, each with its own report;
//! `--payload` picks one.
//!
//! Both ureq clients use ureq's default agent settings, without timeouts, unless
//! `--ureq-timeouts` gives both slackhook's default of a 30 s timeout per attempt.
//!
//! On two or more cores the server runs on cores of its own and the clients on the others (see
//! [`cores`]); `--no-pin` leaves the placement to the scheduler.

mod client;
mod cores;
mod server;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use client::{Interleaved, Kind, Measured, Payload, Plan, UREQ_TIMEOUTS_VAR, median};
use cores::{CPUS_VAR, Split};

/// How long one client process may take before it is stopped.
const CHILD_DEADLINE: Duration = Duration::from_secs(300);

const UREQ_GOAL: f64 = 0.95;
const REQWEST_GOAL: f64 = 0.90;

/// The benchmark's settings, from the command line.
#[derive(Clone, Debug)]
struct Options {
    messages: usize,
    rounds: usize,
    concurrency: usize,
    /// Each payload gets its own rounds and report, in this order.
    payloads: Vec<Payload>,
    server: server::Kind,
    ureq_timeouts: bool,
    pin: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            messages: 3_000,
            rounds: 3,
            concurrency: 64,
            payloads: vec![Payload::Text, Payload::Blocks],
            server: server::Kind::Minimal,
            ureq_timeouts: false,
            pin: true,
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("--serve") => cores::pin_from_env().and_then(|()| serve(&args[1..])),
        Some("--client") => cores::pin_from_env().and_then(|()| client(&args[1..], false)),
        Some("--interleave") => cores::pin_from_env().and_then(|()| client(&args[1..], true)),
        Some("--help" | "-h") => {
            println!("{}", usage());
            Ok(())
        }
        _ => parse_options(&args).and_then(|options| benchmark(&options)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("loopback: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> &'static str {
    "usage: loopback [--messages N] [--rounds R] [--concurrency C] \
     [--payload text|blocks] [--server minimal|emulator] [--ureq-timeouts] [--no-pin]\n\
     \n\
     Sends N messages per run through slackhook's ureq and reqwest clients and through bare\n\
     ureq and reqwest clients, over loopback, R rounds each, then N or more in alternating\n\
     batches, for a 70-byte text and then 50 blocks (or the one --payload names), and prints\n\
     msgs/s, client CPU per message, client peak RSS, TCP connections used, and the ratios\n\
     slackhook / bare. Both ureq clients run without timeouts, as ureq's defaults have it,\n\
     unless --ureq-timeouts gives both a 30 s timeout per attempt. The server runs on cores\n\
     of its own and the clients on the others, unless --no-pin leaves that to the scheduler."
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{flag} needs a value\n\n{}", usage()))
        };
        match flag.as_str() {
            "--messages" => options.messages = number(flag, value()?)?,
            "--rounds" => options.rounds = number(flag, value()?)?,
            "--concurrency" => options.concurrency = number(flag, value()?)?,
            "--payload" => options.payloads = vec![value()?.parse()?],
            "--server" => options.server = server_kind(value()?)?,
            "--ureq-timeouts" => options.ureq_timeouts = true,
            "--no-pin" => options.pin = false,
            _ => return Err(format!("unknown argument {flag:?}\n\n{}", usage())),
        }
    }
    Ok(options)
}

fn number(flag: &str, value: &str) -> Result<usize, String> {
    match value.parse() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{flag} takes a positive number, not {value:?}")),
    }
}

fn server_kind(value: &str) -> Result<server::Kind, String> {
    match value {
        "minimal" => Ok(server::Kind::Minimal),
        "emulator" => Ok(server::Kind::Emulator),
        _ => Err(format!(
            "unknown server {value:?}, expected minimal or emulator"
        )),
    }
}

/// `--serve KIND`: the server child.
fn serve(args: &[String]) -> Result<(), String> {
    let kind = server_kind(args.first().map_or("minimal", String::as_str))?;
    server::serve(kind).map_err(|e| format!("server: {e}"))
}

/// `--client KIND MESSAGES WARMUP CONCURRENCY PAYLOAD`: one client's measurement;
/// `--interleave` with the same arguments: the client and its twin, in alternating batches. The
/// URL comes in the environment, so that it is not on the process list.
fn client(args: &[String], interleave: bool) -> Result<(), String> {
    let [kind, messages, warmup, concurrency, payload] = args else {
        return Err("a client takes KIND MESSAGES WARMUP CONCURRENCY PAYLOAD".into());
    };
    let plan = Plan {
        kind: kind.parse()?,
        url: std::env::var(URL_VAR).map_err(|_| format!("{URL_VAR} is not set"))?,
        messages: number("messages", messages)?,
        warmup: warmup.parse().map_err(|_| "warmup is not a number")?,
        concurrency: number("concurrency", concurrency)?,
        payload: payload.parse()?,
    };
    let line = if interleave {
        client::run_interleaved(&plan)?.to_line()
    } else {
        client::run(&plan)?.to_line()
    };
    println!("{line}");
    Ok(())
}

const URL_VAR: &str = "SLACKHOOK_BENCH_URL";

/// The running server child.
struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    url: String,
    /// The cores its clients are to run on, when the server runs on others.
    client_cores: Option<String>,
}

impl Server {
    /// Starts the server, on the split's server cores if there is a split.
    fn start(kind: server::Kind, split: Option<&Split>) -> Result<Self, String> {
        let kind = match kind {
            server::Kind::Minimal => "minimal",
            server::Kind::Emulator => "emulator",
        };
        let server_cores = split.map(|split| (CPUS_VAR, cores::to_list(&split.server)));
        let mut child = Command::new(current_exe()?)
            .args(["--serve", kind])
            .envs(server_cores)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start the server: {e}"))?;
        let stdin = child.stdin.take().expect("stdin was piped");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout was piped"));

        let mut line = String::new();
        stdout
            .read_line(&mut line)
            .map_err(|e| format!("server: {e}"))?;
        let url = line
            .trim()
            .strip_prefix("url ")
            .ok_or("the server did not say where it listens")?
            .to_owned();
        Ok(Self {
            child,
            stdin,
            stdout,
            url,
            client_cores: split.map(|split| cores::to_list(&split.clients)),
        })
    }

    /// TCP connections the server has accepted so far.
    fn connections(&mut self) -> Result<usize, String> {
        writeln!(self.stdin, "count").map_err(|e| format!("server: {e}"))?;
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .map_err(|e| format!("server: {e}"))?;
        line.trim()
            .parse()
            .map_err(|_| "the server's count is not a number".into())
    }

    fn stop(mut self) {
        // Closing its standard input is the server's signal to exit.
        drop(self.stdin);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn current_exe() -> Result<std::path::PathBuf, String> {
    std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))
}

/// One client run, as the parent saw it.
#[derive(Clone, Copy, Debug)]
struct Run {
    measured: Measured,
    connections: usize,
}

impl Run {
    fn msgs_per_sec(&self) -> f64 {
        self.measured.messages as f64 / self.measured.secs
    }

    fn cpu_us_per_msg(&self) -> f64 {
        self.measured.cpu_us / self.measured.messages as f64
    }

    fn rss_mib(&self) -> f64 {
        self.measured.max_rss_kib as f64 / 1024.0
    }
}

fn run_client(
    server: &mut Server,
    options: &Options,
    payload: Payload,
    kind: Kind,
) -> Result<Run, String> {
    let before = server.connections()?;
    let output = run_child(server, options, payload, "--client", kind)?;
    let after = server.connections()?;

    let measured = output
        .lines()
        .find_map(Measured::from_line)
        .ok_or_else(|| format!("{} printed no result", kind.name()))?;
    check_errors(kind, measured.errors)?;
    Ok(Run {
        measured,
        connections: after - before,
    })
}

fn run_interleaved(
    server: &mut Server,
    options: &Options,
    payload: Payload,
    kind: Kind,
) -> Result<Interleaved, String> {
    let output = run_child(server, options, payload, "--interleave", kind)?;
    let interleaved = output
        .lines()
        .find_map(Interleaved::from_line)
        .ok_or_else(|| format!("{} printed no result", kind.name()))?;
    check_errors(kind, interleaved.errors)?;
    Ok(interleaved)
}

fn check_errors(kind: Kind, errors: usize) -> Result<(), String> {
    if errors == 0 {
        return Ok(());
    }
    Err(format!(
        "{}: {errors} sends failed; the numbers would mean nothing",
        kind.name()
    ))
}

/// Runs a client process to the end and returns what it printed.
fn run_child(
    server: &Server,
    options: &Options,
    payload: Payload,
    mode: &str,
    kind: Kind,
) -> Result<String, String> {
    let concurrency = if kind.is_concurrent() {
        options.concurrency
    } else {
        1
    };
    // Enough to open every connection and reach a steady state, small next to the run.
    let warmup = (options.messages / 10).max(concurrency * 4).max(100);

    let mut child = Command::new(current_exe()?)
        .arg(mode)
        .arg(kind.name())
        .arg(options.messages.to_string())
        .arg(warmup.to_string())
        .arg(concurrency.to_string())
        .arg(payload.name())
        .env(URL_VAR, &server.url)
        .envs(options.ureq_timeouts.then_some((UREQ_TIMEOUTS_VAR, "1")))
        .envs(server.client_cores.as_ref().map(|list| (CPUS_VAR, list)))
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start a client: {e}"))?;

    let deadline = Instant::now() + CHILD_DEADLINE;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{} took longer than {CHILD_DEADLINE:?}",
                    kind.name()
                ));
            }
            Err(e) => return Err(format!("{}: {e}", kind.name())),
        }
    };

    let mut output = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        std::io::Read::read_to_string(&mut stdout, &mut output)
            .map_err(|e| format!("{}: {e}", kind.name()))?;
    }
    if !status.success() {
        return Err(format!("{} failed: {status}", kind.name()));
    }
    Ok(output)
}

fn benchmark(options: &Options) -> Result<(), String> {
    let split = if options.pin {
        Split::of_this_process()?
    } else {
        None
    };
    print_machine(options, split.as_ref());
    let mut server = Server::start(options.server, split.as_ref())?;
    let result = options
        .payloads
        .iter()
        .try_for_each(|&payload| measure(&mut server, options, payload));
    server.stop();
    result
}

/// The rounds, the interleaved runs and the report for one payload.
fn measure(server: &mut Server, options: &Options, payload: Payload) -> Result<(), String> {
    println!();
    println!("payload {}:", payload.name());
    let mut runs: Vec<(Kind, usize, Run)> = Vec::new();
    let pairs = [
        (Kind::UreqBare, Kind::UreqSlackhook),
        (Kind::ReqwestBare, Kind::ReqwestSlackhook),
    ];
    for round in 0..options.rounds {
        for (bare, slackhook) in pairs {
            // Alternate which goes first, so that neither always meets a warmer machine.
            let order = if round % 2 == 0 {
                [bare, slackhook]
            } else {
                [slackhook, bare]
            };
            for kind in order {
                let run = run_client(server, options, payload, kind)?;
                eprintln!(
                    "{} round {} {:<18} {:>9.0} msgs/s {:>7.1} us cpu/msg",
                    payload.name(),
                    round + 1,
                    kind.name(),
                    run.msgs_per_sec(),
                    run.cpu_us_per_msg()
                );
                runs.push((kind, round, run));
            }
        }
    }
    let interleaved = pairs
        .iter()
        .map(|(bare, _)| run_interleaved(server, options, payload, *bare))
        .collect::<Result<Vec<_>, String>>()?;

    print_report(options, &runs, &pairs, &interleaved);
    Ok(())
}

fn print_machine(options: &Options, split: Option<&Split>) {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown cpu".into());
    println!("machine: {cores} cores, {model}");
    println!(
        "settings: {} messages per run, {} rounds, concurrency {} for reqwest, payloads {}, \
         server {:?}, ureq {}",
        options.messages,
        options.rounds,
        options.concurrency,
        options
            .payloads
            .iter()
            .map(|payload| payload.name())
            .collect::<Vec<_>>()
            .join(" and "),
        options.server,
        if options.ureq_timeouts {
            "with 30 s timeouts"
        } else {
            "without timeouts"
        }
    );
    match split {
        Some(split) => println!(
            "cores: server on {}, clients on {}",
            cores::to_list(&split.server),
            cores::to_list(&split.clients)
        ),
        None => println!("cores: server and clients where the scheduler puts them"),
    }
}

fn print_report(
    options: &Options,
    runs: &[(Kind, usize, Run)],
    pairs: &[(Kind, Kind)],
    interleaved: &[Interleaved],
) {
    let of = |kind: Kind| -> Vec<Run> {
        runs.iter()
            .filter(|(k, _, _)| *k == kind)
            .map(|(_, _, run)| *run)
            .collect()
    };

    println!();
    println!("each client in its own process, {} rounds:", options.rounds);
    println!(
        "{:<30} {:>9} {:>11} {:>13} {:>13}",
        "client (median of rounds)", "msgs/s", "cpu us/msg", "peak RSS MiB", "TCP conns"
    );
    for (bare, slackhook) in pairs {
        for kind in [*bare, *slackhook] {
            let kind_runs = of(kind);
            let conns = median(kind_runs.iter().map(|r| r.connections as f64));
            let max_conns = kind_runs.iter().map(|r| r.connections).max().unwrap_or(0);
            println!(
                "{:<30} {:>9.0} {:>11.1} {:>13.1} {:>13}",
                label(kind, options),
                median(kind_runs.iter().map(Run::msgs_per_sec)),
                median(kind_runs.iter().map(Run::cpu_us_per_msg)),
                median(kind_runs.iter().map(Run::rss_mib)),
                format!("{conns:.0} (<={max_conns})"),
            );
        }
    }

    println!();
    println!(
        "both clients in one process, alternating batches (the fairer ratio on a busy machine):"
    );
    println!(
        "{:<30} {:>9} {:>11}",
        "client (all batches)", "msgs/s", "cpu us/msg"
    );
    for ((bare, slackhook), result) in pairs.iter().zip(interleaved) {
        println!(
            "{:<30} {:>9.0} {:>11.1}",
            label(*bare, options),
            result.bare_msgs_per_sec,
            result.bare_cpu_us
        );
        println!(
            "{:<30} {:>9.0} {:>11.1}",
            label(*slackhook, options),
            result.slackhook_msgs_per_sec,
            result.slackhook_cpu_us
        );
    }

    println!();
    println!(
        "{:<30} {:>9} {:>11} {:>13} {:>13}",
        "slackhook / bare", "msgs/s", "cpu us/msg", "peak RSS", "goal msgs/s"
    );
    for ((bare, slackhook), result) in pairs.iter().zip(interleaved) {
        let (bare_runs, ours) = (of(*bare), of(*slackhook));
        let rss = median(
            bare_runs
                .iter()
                .zip(&ours)
                .map(|(b, s)| s.rss_mib() / b.rss_mib()),
        );
        let goal = if bare.is_concurrent() {
            REQWEST_GOAL
        } else {
            UREQ_GOAL
        };
        let throughput = result.throughput_ratio;
        let verdict = if throughput >= goal {
            "meets"
        } else {
            "MISSES"
        };
        let family = if bare.is_concurrent() {
            "reqwest"
        } else {
            "ureq"
        };
        println!(
            "{:<30} {throughput:>9.3} {:>11.3} {rss:>13.3} {:>13}",
            format!("{family} ({} pairs of {})", result.pairs, result.batch),
            result.cpu_ratio,
            format!(">={goal:.2} {verdict}")
        );
    }
}

fn label(kind: Kind, options: &Options) -> String {
    if kind.is_concurrent() {
        format!("{} (c={})", kind.name(), options.concurrency)
    } else {
        format!("{} (sequential)", kind.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn options_default_to_a_short_run() {
        let options = parse_options(&[]).expect("no arguments");
        assert_eq!(options.messages, 3_000);
        assert_eq!(options.concurrency, 64);
        assert!(!options.ureq_timeouts, "ureq's own default has no timeouts");
        assert!(options.pin, "the server gets cores of its own");
        assert_eq!(options.payloads, [Payload::Text, Payload::Blocks]);
    }

    #[test]
    fn ureq_timeouts_are_a_flag_that_takes_no_value() {
        let options = parse_options(&args(&["--ureq-timeouts", "--messages", "10"]))
            .expect("valid arguments");
        assert!(options.ureq_timeouts);
        assert_eq!(options.messages, 10);
    }

    #[test]
    fn no_pin_leaves_the_cores_to_the_scheduler() {
        let options = parse_options(&args(&["--no-pin"])).expect("valid arguments");
        assert!(!options.pin);
    }

    #[test]
    fn messages_and_payload_are_read_from_the_command_line() {
        let options = parse_options(&args(&["--messages", "200", "--payload", "blocks"]))
            .expect("valid arguments");
        assert_eq!(options.messages, 200);
        assert_eq!(options.payloads, [Payload::Blocks]);
    }

    #[test]
    fn a_zero_or_missing_count_is_refused() {
        assert!(parse_options(&args(&["--messages", "0"])).is_err());
        assert!(parse_options(&args(&["--rounds"])).is_err());
    }

    #[test]
    fn the_median_of_an_odd_count_is_the_middle_value() {
        assert_eq!(median([3.0, 1.0, 2.0].into_iter()), 2.0);
    }
}
