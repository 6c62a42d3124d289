//! Bark Match's profiling against rendering: learning the profile of a 3-minute stereo file
//! (the analysis-only pass `bark-eq analyze` and `bark-eq match` run) must cost at most the
//! time of rendering it through the engine. Prints both and fails if profiling is slower.
//!
//! Run: `cargo bench --bench profile`; smoke: `BARK_EQ_BENCH_QUICK=1 cargo bench --bench profile`.

mod bench_common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use bark_eq_dsp::engine::learn_profile;
use bark_eq_dsp::{Engine, EqSettings, FftSize};
use bark_eq_testkit::music;

/// Sample rate of the file.
const RATE_HZ: u32 = 48_000;
/// Length of the file: 3 minutes (a few seconds in quick mode).
const FULL_SECONDS: f32 = 180.0;
/// Length in quick mode.
const QUICK_SECONDS: f32 = 5.0;
/// Host block size of the render.
const BLOCK: usize = 4096;
/// Runs of each; the fastest counts.
const RUNS: usize = 3;

/// The fastest of [`RUNS`] runs of `f`.
fn fastest(mut f: impl FnMut()) -> Duration {
    (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let seconds = if bench_common::quick() {
        QUICK_SECONDS
    } else {
        FULL_SECONDS
    };
    let song = music(1, RATE_HZ, seconds);
    let settings = EqSettings {
        band_gains_db: std::array::from_fn(|b| (b % 5) as f32 - 2.0),
        ..EqSettings::default()
    };
    let profiling = fastest(|| {
        let channels: Vec<&[f32]> = song.iter().map(Vec::as_slice).collect();
        let learner = learn_profile(&channels, RATE_HZ as f32, FftSize::N4096).expect("48 kHz");
        black_box(learner.profile().ok());
    });
    let rendering = fastest(|| {
        let mut engine = Engine::new(RATE_HZ as f32, 2, &settings).expect("48 kHz");
        let mut output = song.clone();
        let (left, right) = output.split_at_mut(1);
        for (l, r) in left[0].chunks_mut(BLOCK).zip(right[0].chunks_mut(BLOCK)) {
            engine.process(&mut [l, r]);
        }
        black_box(output);
    });
    println!(
        "profile of {seconds} s stereo at 48 kHz: {:.1} ms; render: {:.1} ms; ratio {:.2}",
        profiling.as_secs_f64() * 1e3,
        rendering.as_secs_f64() * 1e3,
        profiling.as_secs_f64() / rendering.as_secs_f64()
    );
    // A timing goal, checked in full benchmark runs only: the smoke run (test profile, one
    // pass, a loaded CI machine) checks that the benchmark still runs, not how fast.
    if !bench_common::quick() {
        assert!(
            profiling <= rendering,
            "profiling ({profiling:?}) must not cost more than rendering ({rendering:?})"
        );
    }
}
