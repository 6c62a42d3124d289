//! What you see is what you hear (docs/DESIGN.md#curve-modes): the response measured through
//! the Linear engine matches the Smooth curve at every band centre and every geometric midpoint
//! between centres above 100 Hz, at FFT sizes from 4096 up.

mod engine_common;

use bark_eq_dsp::{band_centre_hz, gain_db_at, CurveMode, EqSettings, FftSize, NUM_BANDS};
use engine_common::*;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// Sample rate of the tests.
const RATE_HZ: f32 = 48_000.0;
/// Only points above this are held to the tolerance (the lowest band spans few bins).
const LOWEST_CHECKED_HZ: f32 = 100.0;
/// Samples the tones are measured over.
const MEASURE_LEN: usize = 48_000;

/// Band centres and the geometric midpoints between them, above [`LOWEST_CHECKED_HZ`].
fn check_points_hz() -> Vec<f32> {
    let mut points = Vec::new();
    for band in 0..NUM_BANDS {
        points.push(band_centre_hz(band));
        if band + 1 < NUM_BANDS {
            points.push((band_centre_hz(band) * band_centre_hz(band + 1)).sqrt());
        }
    }
    points.retain(|&f| f > LOWEST_CHECKED_HZ);
    points
}

/// Amplitude of `freq_hz` in `signal`, by a Hann-windowed correlation.
fn tone_level(signal: &[f32], freq_hz: f32) -> f64 {
    let n = signal.len() as f64;
    let step = std::f64::consts::TAU * f64::from(freq_hz) / f64::from(RATE_HZ);
    let (mut re, mut im) = (0.0, 0.0);
    for (i, &x) in signal.iter().enumerate() {
        let window = 0.5 - 0.5 * (std::f64::consts::TAU * i as f64 / n).cos();
        re += f64::from(x) * window * (step * i as f64).cos();
        im += f64::from(x) * window * (step * i as f64).sin();
    }
    (re * re + im * im).sqrt()
}

/// The largest deviation in dB of the measured response from the Smooth target over the check
/// points, for `gains_db` at `fft_size`.
fn worst_deviation_db(gains_db: [f32; NUM_BANDS], fft_size: FftSize) -> f64 {
    let settings = EqSettings {
        band_gains_db: gains_db,
        fft_size,
        ..EqSettings::default()
    };
    let mut engine = engine_with(RATE_HZ, 1, &settings);
    let delay = engine.latency_samples() as usize;
    let points = check_points_hz();
    let len = delay + MEASURE_LEN + 8192;
    let mut input = vec![0.0f32; len];
    for (index, &freq) in points.iter().enumerate() {
        // Spread phases so the peaks do not add up.
        let phase = index as f64 * 2.399;
        let step = std::f64::consts::TAU * f64::from(freq) / f64::from(RATE_HZ);
        for (n, x) in input.iter_mut().enumerate() {
            *x += (0.02 * (step * n as f64 + phase).sin()) as f32;
        }
    }
    let output = render(&mut engine, std::slice::from_ref(&input));
    let from = delay + 8192;
    let measured_in = &input[from - delay..from - delay + MEASURE_LEN];
    let measured_out = &output[0][from..from + MEASURE_LEN];
    points
        .iter()
        .map(|&freq| {
            let gain =
                20.0 * (tone_level(measured_out, freq) / tone_level(measured_in, freq)).log10();
            let target = f64::from(gain_db_at(CurveMode::Smooth, &gains_db, freq));
            if (gain - target).abs() > 0.45 {
                println!("  {freq:.0} Hz: heard {gain:.2} dB, drawn {target:.2} dB");
            }
            (gain - target).abs()
        })
        .fold(0.0, f64::max)
}

#[test]
fn random_curves_are_heard_within_half_a_db_of_the_drawn_curve_from_fft_4096() {
    let mut rng = SmallRng::seed_from_u64(71);
    for fft_size in [FftSize::N4096, FftSize::N8192] {
        for _ in 0..4 {
            let gains: [f32; NUM_BANDS] = std::array::from_fn(|_| rng.random_range(-12.0..12.0));
            let worst = worst_deviation_db(gains, fft_size);
            println!("{fft_size:?} random: worst {worst:.2} dB");
            assert!(worst <= 0.5, "{fft_size:?} {gains:?}: {worst:.2} dB");
        }
    }
}

#[test]
fn a_12_db_zigzag_is_heard_within_one_db_of_the_drawn_curve_from_fft_4096() {
    let zigzag: [f32; NUM_BANDS] = std::array::from_fn(|b| if b % 2 == 0 { 12.0 } else { -12.0 });
    for fft_size in [FftSize::N4096, FftSize::N8192, FftSize::N16384] {
        let worst = worst_deviation_db(zigzag, fft_size);
        println!("{fft_size:?} zigzag: worst {worst:.2} dB");
        assert!(worst <= 1.0, "{fft_size:?}: {worst:.2} dB");
    }
}
