//! The loopback bench, run for real: a short run of the binary, its server and its clients,
//! over loopback sockets, must finish and print a whole report.

use std::io::Read;
use std::process::{Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Far above what the short run takes, even unoptimized on a loaded machine.
const DEADLINE: Duration = Duration::from_secs(240);

/// Runs the bench with `args` and returns what it printed, or panics with its stderr.
fn run(args: &[&str]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_loopback"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the bench starts");
    // Drained while the bench runs, so that a full pipe never stalls it.
    let stdout = drain(child.stdout.take().expect("piped"));
    let stderr = drain(child.stderr.take().expect("piped"));

    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the bench can be waited for") {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the bench took longer than {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };

    let stdout = stdout.join().expect("stdout read");
    let stderr = stderr.join().expect("stderr read");
    assert!(status.success(), "the bench failed: {status}\n{stderr}");
    stdout
}

/// Reads `pipe` to its end on a thread of its own.
fn drain(mut pipe: impl Read + Send + 'static) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        pipe.read_to_string(&mut text)
            .expect("the bench prints text");
        text
    })
}

/// The first report line that starts with `label`, split into its columns.
fn row<'a>(report: &'a str, label: &str) -> Vec<&'a str> {
    report
        .lines()
        .find(|line| line.starts_with(label))
        .unwrap_or_else(|| panic!("no {label:?} row in:\n{report}"))
        .split_whitespace()
        .collect()
}

#[test]
fn a_short_run_reports_every_client_and_both_ratios() {
    let report = run(&["--messages", "50", "--rounds", "1", "--payload", "text"]);

    assert!(report.contains("payload text:"), "{report}");
    assert!(!report.contains("payload blocks:"), "{report}");
    for client in [
        "ureq-bare",
        "ureq-slackhook",
        "reqwest-bare",
        "reqwest-slackhook",
    ] {
        row(&report, client);
    }

    // A sequential sender keeps one keep-alive connection: the TCP column reads `1 (<=1)`.
    for client in ["ureq-bare", "ureq-slackhook"] {
        let columns = row(&report, client);
        assert_eq!(columns[columns.len() - 2..], ["1", "(<=1)"], "{report}");
    }

    for family in ["ureq (", "reqwest ("] {
        let columns = row(&report, family);
        // family, "(N", "pairs", "of", "M)", msgs/s, cpu, RSS, ">=goal", verdict
        let ratio: f64 = columns[5].parse().expect("a throughput ratio");
        assert!(ratio > 0.0, "{report}");
    }
}

#[test]
fn a_bad_argument_is_refused_with_the_usage() {
    let output = Command::new(env!("CARGO_BIN_EXE_loopback"))
        .args(["--payload", "video"])
        .output()
        .expect("the bench runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("video"), "{stderr}");
}
