//! Quick min-of-N timing of the zero-latency bank pieces (complements the criterion bench).
use std::hint::black_box;
use std::time::Instant;

use bark_eq_dsp::iir::{ZeroLatencyCoeffs, ZeroLatencyDesign, ZeroLatencyFilter};
use bark_eq_dsp::NUM_BANDS;

/// Repetitions; the minimum is reported.
const REPEATS: usize = 30;
/// Samples per block.
const BLOCK_SAMPLES: usize = 256;
/// Sample rate in Hz.
const SAMPLE_RATE_HZ: f32 = 48_000.0;

fn min_time(mut f: impl FnMut()) -> f64 {
    (0..REPEATS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let design = ZeroLatencyDesign::new(SAMPLE_RATE_HZ);
    let mut filter = ZeroLatencyFilter::new(&design);
    let frames = SAMPLE_RATE_HZ as usize;
    let input: Vec<f32> = (0..frames)
        .map(|i| ((i * 7919) % 1000) as f32 / 1000.0 - 0.5)
        .collect();
    let (mut left, mut right) = (input.clone(), input.clone());
    let mut coeffs = ZeroLatencyCoeffs::FLAT;
    let mut gains: [f32; NUM_BANDS] = std::array::from_fn(|b| ((b as f32) * 1.7).sin() * 9.0);
    design.solve(&gains, &mut coeffs);
    filter.set_target(&coeffs);
    filter.snap();
    let static_s = min_time(|| {
        for (l, r) in left
            .chunks_mut(BLOCK_SAMPLES)
            .zip(right.chunks_mut(BLOCK_SAMPLES))
        {
            filter.process(&mut [l, r]);
        }
    });
    let mut toggle = false;
    let ramp_s = min_time(|| {
        for (l, r) in left
            .chunks_mut(BLOCK_SAMPLES)
            .zip(right.chunks_mut(BLOCK_SAMPLES))
        {
            toggle = !toggle;
            coeffs.scale_for_benchmark(if toggle { 1.001 } else { 0.999 });
            filter.set_target(&coeffs);
            filter.process(&mut [l, r]);
        }
    });
    let solves = frames / BLOCK_SAMPLES;
    let solve_s = min_time(|| {
        for i in 0..solves {
            gains[7] = (i as f32 * 0.1).sin() * 12.0;
            design.solve(black_box(&gains), &mut coeffs);
        }
    }) / solves as f64;
    let full_s = min_time(|| {
        for (i, (l, r)) in left
            .chunks_mut(BLOCK_SAMPLES)
            .zip(right.chunks_mut(BLOCK_SAMPLES))
            .enumerate()
        {
            gains[7] = (i as f32 * 0.1).sin() * 12.0;
            design.solve(&gains, &mut coeffs);
            filter.set_target(&coeffs);
            filter.process(&mut [l, r]);
        }
    });
    println!("sections {}", design.section_count());
    println!(
        "static  1 s stereo: {:.3} ms (RTF {:.0})",
        static_s * 1e3,
        1.0 / static_s
    );
    println!(
        "ramping 1 s stereo: {:.3} ms (RTF {:.0})",
        ramp_s * 1e3,
        1.0 / ramp_s
    );
    println!("solve: {:.2} us", solve_s * 1e6);
    println!(
        "automated 1 s stereo: {:.3} ms (RTF {:.0})",
        full_s * 1e3,
        1.0 / full_s
    );
}
