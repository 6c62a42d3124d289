//! Throughput of the zero-latency bank: stereo, 48 kHz, 1 s of audio in 256-sample blocks with a
//! new gain set solved and glided to every block. Set `BARK_EQ_BENCH_QUICK` for a smoke run.

use std::hint::black_box;
use std::time::Duration;

use bark_eq_dsp::iir::{ZeroLatencyCoeffs, ZeroLatencyDesign, ZeroLatencyFilter};
use bark_eq_dsp::NUM_BANDS;
use bark_eq_testkit::mono_white_noise;
use criterion::{criterion_group, criterion_main, Criterion};

/// Sample rate of the benchmark in Hz.
const SAMPLE_RATE_HZ: f32 = 48_000.0;
/// Samples per processing block.
const BLOCK_SAMPLES: usize = 256;
/// Band that is automated.
const AUTOMATED_BAND: usize = 7;
/// Gain swing of the automated band in dB.
const AUTOMATION_DEPTH_DB: f32 = 12.0;
/// Blocks per automation cycle.
const AUTOMATION_PERIOD_BLOCKS: f32 = 40.0;

/// A busy base setting (every section active).
fn base_gains() -> [f32; NUM_BANDS] {
    std::array::from_fn(|b| ((b as f32) * 1.7).sin() * 9.0)
}

fn bench_zero_latency(c: &mut Criterion) {
    let design = ZeroLatencyDesign::new(SAMPLE_RATE_HZ);
    let mut filter = ZeroLatencyFilter::new(&design);
    let frames = SAMPLE_RATE_HZ as usize;
    let (left_in, right_in) = (mono_white_noise(1, frames), mono_white_noise(2, frames));
    let (mut left, mut right) = (left_in.clone(), right_in.clone());
    let mut coeffs = ZeroLatencyCoeffs::FLAT;
    let mut gains = base_gains();

    let mut group = c.benchmark_group("zero_latency");
    if std::env::var_os("BARK_EQ_BENCH_QUICK").is_some() {
        group.warm_up_time(Duration::from_millis(50));
        group.measurement_time(Duration::from_millis(200));
        group.sample_size(10);
    }
    group.bench_function("stereo_48k_1s_automated_256", |b| {
        b.iter(|| {
            left.copy_from_slice(&left_in);
            right.copy_from_slice(&right_in);
            for (block, (l, r)) in left
                .chunks_mut(BLOCK_SAMPLES)
                .zip(right.chunks_mut(BLOCK_SAMPLES))
                .enumerate()
            {
                let phase = block as f32 / AUTOMATION_PERIOD_BLOCKS * std::f32::consts::TAU;
                gains[AUTOMATED_BAND] = AUTOMATION_DEPTH_DB * phase.sin();
                design.solve(&gains, &mut coeffs);
                filter.set_target(&coeffs);
                filter.process(&mut [l, r]);
            }
            black_box(&left);
        })
    });
    group.bench_function("stereo_48k_1s_static", |b| {
        design.solve(&base_gains(), &mut coeffs);
        filter.set_target(&coeffs);
        filter.snap();
        b.iter(|| {
            left.copy_from_slice(&left_in);
            right.copy_from_slice(&right_in);
            for (l, r) in left
                .chunks_mut(BLOCK_SAMPLES)
                .zip(right.chunks_mut(BLOCK_SAMPLES))
            {
                filter.process(&mut [l, r]);
            }
            black_box(&left);
        })
    });
    group.bench_function("solve", |b| {
        let mut band_gain = 0.0f32;
        b.iter(|| {
            band_gain = if band_gain > 11.0 {
                -12.0
            } else {
                band_gain + 0.37
            };
            gains[AUTOMATED_BAND] = band_gain;
            design.solve(black_box(&gains), &mut coeffs);
            black_box(&coeffs);
        })
    });
    group.finish();
}

criterion_group!(benches, bench_zero_latency);
criterion_main!(benches);
