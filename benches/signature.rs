//! `SignatureVerifier::verify` against one raw HMAC-SHA256 over the same bytes.
//!
//! The baseline is the least a verifier must do: an HMAC-SHA256 keyed once with the signing
//! secret, run over `v0:<timestamp>:<body>`, compared with the expected tag. The core adds the
//! parsing of both headers, the freshness check and the constant-time comparison.
//!
//! `cargo bench --bench signature` prints criterion's estimates, then the paired throughput
//! ratio slackhook / raw for each body size (goal: at least 0.90).

mod support;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use slackhook::signature::{SignatureVerifier, sign};

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const TIMESTAMP: u64 = 1_531_420_618;
const THROUGHPUT_GOAL: f64 = 0.90;

/// A request as Slack would send it.
struct Signed {
    body: Vec<u8>,
    timestamp: String,
    signature: String,
    tag: Vec<u8>,
}

impl Signed {
    fn new(len: usize) -> Self {
        // Form-encoded bytes, like a slash command's body.
        let body: Vec<u8> = b"token=abc&team_id=T1&text="
            .iter()
            .copied()
            .cycle()
            .take(len)
            .collect();
        let signature = sign(SECRET, TIMESTAMP, &body);
        let tag = decode_hex(&signature["v0=".len()..]);
        Self {
            body,
            timestamp: TIMESTAMP.to_string(),
            signature,
            tag,
        }
    }
}

fn decode_hex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("sign writes hex"))
        .collect()
}

/// One HMAC-SHA256 over the signed base string, keyed once up front, as a hand-written
/// verifier would do it.
fn raw_hmac(keyed: &Hmac<Sha256>, signed: &Signed) -> bool {
    let mut mac = keyed.clone();
    mac.update(b"v0:");
    mac.update(signed.timestamp.as_bytes());
    mac.update(b":");
    mac.update(&signed.body);
    mac.verify_slice(&signed.tag).is_ok()
}

fn slackhook(verifier: &SignatureVerifier, signed: &Signed) -> bool {
    let now = TIMESTAMP + 60;
    verifier
        .verify(&signed.body, &signed.timestamp, &signed.signature, now)
        .is_ok()
}

fn setup() -> (Hmac<Sha256>, SignatureVerifier, [(&'static str, Signed); 2]) {
    let keyed = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("any key length");
    let verifier = SignatureVerifier::new(SECRET).expect("a non-empty secret");
    let bodies = [
        ("1KiB", Signed::new(1024)),
        ("64KiB", Signed::new(64 * 1024)),
    ];
    for (_, signed) in &bodies {
        assert!(raw_hmac(&keyed, signed));
        assert!(slackhook(&verifier, signed));
    }
    (keyed, verifier, bodies)
}

fn bench_verify(c: &mut Criterion) {
    let (keyed, verifier, bodies) = setup();

    for (name, signed) in &bodies {
        let mut group = c.benchmark_group(format!("verify/{name}"));
        group.throughput(Throughput::Bytes(signed.body.len() as u64));
        group.bench_function("raw_hmac", |b| {
            b.iter(|| raw_hmac(&keyed, black_box(signed)))
        });
        group.bench_function("slackhook", |b| {
            b.iter(|| slackhook(&verifier, black_box(signed)))
        });
        group.finish();
    }
}

fn print_ratios() {
    let (keyed, verifier, bodies) = setup();

    println!(
        "\npaired ratios, slackhook / raw HMAC throughput (goal: at least {THROUGHPUT_GOAL:.2})"
    );
    for (name, signed) in &bodies {
        let paired = support::paired(
            Duration::from_secs(3),
            || assert!(raw_hmac(&keyed, black_box(signed))),
            || assert!(slackhook(&verifier, black_box(signed))),
        );
        let throughput = 1.0 / paired.ratio;
        let verdict = if throughput >= THROUGHPUT_GOAL {
            "meets goal"
        } else {
            "MISSES goal"
        };
        let mib_s = |ns: f64| signed.body.len() as f64 / ns * 1e9 / (1024.0 * 1024.0);
        println!(
            "verify/{name:<6} raw {:>9.0} ns ({:>6.0} MiB/s)  \
             slackhook {:>9.0} ns ({:>6.0} MiB/s)  throughput ratio {throughput:.3}  {verdict}",
            paired.baseline_ns,
            mib_s(paired.baseline_ns),
            paired.candidate_ns,
            mib_s(paired.candidate_ns),
        );
    }
}

fn main() {
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    bench_verify(&mut criterion);
    criterion.final_summary();

    if support::is_bench_run() {
        print_ratios();
    }
}
