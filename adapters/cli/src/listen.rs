//! `slackhook listen`: the emulator in the foreground, printing what it receives.

use std::fs::{File, OpenOptions};
use std::io::{self, Write as _};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::{SystemTime, UNIX_EPOCH};

use slackhook_emulator::{Emulator, RateLimit, ReceivedMessage};

use crate::cli::ListenArgs;
use crate::{Failure, render};

/// Runs `slackhook listen` until Ctrl-C (or SIGTERM).
pub fn run(args: ListenArgs) -> Result<(), Failure> {
    let address = address(&args)?;
    let log = args.log.as_ref().map(|path| open_log(path)).transpose()?;
    let printer = Arc::new(Printer {
        count: AtomicUsize::new(0),
        log: Mutex::new(log),
    });

    // Installed before the URL is printed: whoever reads the URL may stop us straight away.
    let (stop, stopped) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = stop.send(());
    })
    .map_err(|e| Failure::transport(format!("cannot handle Ctrl-C: {e}")))?;

    let on_message = {
        let printer = Arc::clone(&printer);
        move |message: &ReceivedMessage| printer.print(message)
    };
    let mut builder = Emulator::builder().bind(address).on_message(on_message);
    if let Some(n) = args.rate_limit {
        builder = builder.rate_limit(RateLimit::per_second(n));
    }
    let emulator = builder.start().map_err(|e| match e.kind() {
        io::ErrorKind::InvalidInput => Failure::usage(format!("--bind {address}: {e}")),
        _ => Failure::transport(format!("cannot listen on {address}: {e}")),
    })?;

    // The one place a webhook URL is printed in full: it is a local test URL, and the user
    // needs all of it to post anything.
    let mut stdout = io::stdout().lock();
    let _ = writeln!(stdout, "{}", emulator.webhook_url().expose_secret());
    let _ = stdout.flush();
    drop(stdout);
    errln!(
        "listening on {}: post Slack messages to the URL above \
         (e.g. slackhook send --url URL --text hi); Ctrl-C stops",
        emulator.base_url()
    );

    // An error means the handler is gone, which only happens at exit: stop either way.
    let _ = stopped.recv();
    let count = printer.count.load(Ordering::SeqCst);
    drop(emulator);
    errln!(
        "stopped after {count} {}",
        if count == 1 { "message" } else { "messages" }
    );
    Ok(())
}

/// `--bind` and `--port` as one socket address.
fn address(args: &ListenArgs) -> Result<SocketAddr, Failure> {
    let bad = || {
        Failure::usage(format!(
            "--bind {}: expected an IP address such as 127.0.0.1, or IP:PORT",
            args.bind
        ))
    };
    if let Ok(with_port) = args.bind.parse::<SocketAddr>() {
        if args.port.is_some() {
            return Err(Failure::usage(
                "--bind names a port already; drop --port or the port in --bind",
            ));
        }
        return Ok(with_port);
    }
    let ip: IpAddr = args.bind.parse().map_err(|_| bad())?;
    Ok(SocketAddr::new(ip, args.port.unwrap_or(0)))
}

fn open_log(path: &std::path::Path) -> Result<File, Failure> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Failure::usage(format!("--log {}: cannot open it: {e}", path.display())))
}

/// Prints each message as it arrives, from the emulator's connection threads.
struct Printer {
    count: AtomicUsize,
    log: Mutex<Option<File>>,
}

impl Printer {
    fn print(&self, message: &ReceivedMessage) {
        let n = self.count.fetch_add(1, Ordering::SeqCst) + 1;
        let heading = format!(
            "message {n} · {} · {}",
            message.kind(),
            clock(message.received_at())
        );

        // One write per message, so that messages from parallel connections do not interleave.
        let text = format!("{heading}\n{}", render::message(message.payload(), "  "));
        let mut stdout = io::stdout().lock();
        let _ = stdout.write_all(text.as_bytes());
        let _ = stdout.flush();
        drop(stdout);

        let mut log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(file) = log.as_mut() {
            if let Err(e) = writeln!(file, "{}", message.payload()) {
                errln!("slackhook: cannot append to the --log file, no longer logging: {e}");
                *log = None;
            }
        }
    }
}

/// `HH:MM:SS UTC`, without a date library: the day's seconds are all that is needed.
fn clock(at: SystemTime) -> String {
    let secs = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) % 86_400;
    format!(
        "{:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn args(bind: &str, port: Option<u16>) -> ListenArgs {
        ListenArgs {
            bind: bind.into(),
            port,
            rate_limit: None,
            log: None,
        }
    }

    #[test]
    fn bind_and_port_combine_into_one_address() {
        let combined = address(&args("127.0.0.1", Some(3000))).expect("valid");
        assert_eq!(combined, "127.0.0.1:3000".parse().expect("literal"));
        let ephemeral = address(&args("::1", None)).expect("valid");
        assert_eq!(ephemeral, "[::1]:0".parse().expect("literal"));
    }

    #[test]
    fn a_port_may_be_given_once_only() {
        assert!(address(&args("127.0.0.1:3000", None)).is_ok());
        assert!(address(&args("127.0.0.1:3000", Some(3001))).is_err());
        assert!(address(&args("localhost", None)).is_err());
    }

    #[test]
    fn the_clock_shows_the_time_of_day_in_utc() {
        let at = UNIX_EPOCH + Duration::from_secs(86_400 * 3 + 3600 * 13 + 60 * 4 + 5);
        assert_eq!(clock(at), "13:04:05 UTC");
    }
}
