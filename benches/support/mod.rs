//! Paired, interleaved timing of a candidate against its baseline.
//!
//! Criterion measures each function on its own, one after the other; the machine's load can
//! change in between (a fuzzer shares this machine), which skews a ratio of two separate
//! runs. Here the two are timed in alternating batches, each batch of one right after a batch of
//! the other, and the ratio is the median of the per-round ratios: steady load cancels out and
//! bursts land in the tails.

use std::time::{Duration, Instant};

/// How long one timed batch should take.
const BATCH: Duration = Duration::from_millis(2);

/// The median cost of a candidate and of its baseline, timed in the same rounds.
pub struct Paired {
    /// Median nanoseconds per call of the baseline.
    pub baseline_ns: f64,
    /// Median nanoseconds per call of the candidate.
    pub candidate_ns: f64,
    /// Median over rounds of candidate time / baseline time.
    pub ratio: f64,
}

/// Whether the benchmark binary was started by `cargo bench` to measure (rather than by `cargo
/// test --benches`, which passes no `--bench` and only wants to know that the benches run, or
/// to list or profile them).
pub fn is_bench_run() -> bool {
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    has("--bench") && !has("--list") && !has("--profile-time")
}

/// Times `baseline` and `candidate` in alternating batches for about `budget`.
pub fn paired(budget: Duration, mut baseline: impl FnMut(), mut candidate: impl FnMut()) -> Paired {
    let iters = calibrate(&mut baseline);

    // Warm both up: caches, branch predictors, the allocator's free lists.
    time(&mut baseline, iters * 20);
    time(&mut candidate, iters * 20);

    let mut base = Vec::new();
    let mut cand = Vec::new();
    let mut ratios = Vec::new();
    let start = Instant::now();
    while start.elapsed() < budget || ratios.len() < 30 {
        // Alternate which one goes first, so neither always runs on a warmer cache.
        let (b, c) = if ratios.len() % 2 == 0 {
            let b = time(&mut baseline, iters);
            (b, time(&mut candidate, iters))
        } else {
            let c = time(&mut candidate, iters);
            (time(&mut baseline, iters), c)
        };
        base.push(b / iters as f64);
        cand.push(c / iters as f64);
        ratios.push(c / b);
    }

    Paired {
        baseline_ns: median(&mut base),
        candidate_ns: median(&mut cand),
        ratio: median(&mut ratios),
    }
}

/// Calls per batch so that a batch of `f` takes about [`BATCH`].
fn calibrate(f: &mut impl FnMut()) -> u64 {
    let mut iters = 1;
    loop {
        let ns = time(f, iters);
        if ns >= BATCH.as_nanos() as f64 / 4.0 || iters >= 1 << 24 {
            let per_call = ns / iters as f64;
            return ((BATCH.as_nanos() as f64 / per_call) as u64).max(1);
        }
        iters *= 2;
    }
}

/// Nanoseconds taken by `iters` calls of `f`.
fn time(f: &mut impl FnMut(), iters: u64) -> f64 {
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    start.elapsed().as_nanos() as f64
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
