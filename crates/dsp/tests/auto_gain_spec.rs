//! Auto gain (docs/DESIGN.md#mixing-controls): the output keeps its integrated loudness, as
//! the `ebur128` meter measures it, whatever the curve; no correction for a flat curve; no
//! pumping on a steady signal.

mod engine_common;

use bark_eq_dsp::EqSettings;
use bark_eq_testkit::{integrated_lufs, music, pink_noise};
use engine_common::*;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// Sample rate of the tests.
const RATE_HZ: u32 = 48_000;

/// Random band gains in ±12 dB with auto gain on.
fn random_auto_curve(rng: &mut SmallRng) -> EqSettings {
    EqSettings {
        band_gains_db: std::array::from_fn(|_| rng.random_range(-12.0..12.0)),
        auto_gain: true,
        ..EqSettings::default()
    }
}

/// Loudness change in LU from `input` to `output` (delayed by `delay`), over input samples
/// `from..`.
fn loudness_change_lu(input: &[Vec<f32>], output: &[Vec<f32>], delay: usize, from: usize) -> f64 {
    let end = input[0].len() - delay;
    let before: Vec<&[f32]> = input.iter().map(|c| &c[from..end]).collect();
    let after: Vec<&[f32]> = output.iter().map(|c| &c[from + delay..]).collect();
    integrated_lufs(&after, RATE_HZ) - integrated_lufs(&before, RATE_HZ)
}

#[test]
fn pink_noise_keeps_its_loudness_within_half_a_lu_for_50_random_curves() {
    let mut rng = SmallRng::seed_from_u64(51);
    let seconds = 6;
    let len = seconds * RATE_HZ as usize;
    let input = vec![pink_noise(1, 0.1, len), pink_noise(2, 0.1, len)];
    let mut worst = 0.0f64;
    for _ in 0..50 {
        let settings = random_auto_curve(&mut rng);
        let mut engine = engine_with(RATE_HZ as f32, 2, &settings);
        let delay = engine.latency_samples() as usize;
        let output = render(&mut engine, &input);
        let change = loudness_change_lu(&input, &output, delay, RATE_HZ as usize);
        worst = worst.max(change.abs());
        assert!(
            change.abs() <= 0.5,
            "{:?}: {change:+.2} LU",
            settings.band_gains_db
        );
    }
    println!("pink noise, 50 random curves: worst {worst:.2} LU");
}

#[test]
fn music_keeps_its_loudness_within_one_lu_for_20_random_curves_after_10_seconds() {
    let mut rng = SmallRng::seed_from_u64(52);
    let input = music(7, RATE_HZ, 16.0);
    let mut worst = 0.0f64;
    for _ in 0..20 {
        let settings = random_auto_curve(&mut rng);
        let mut engine = engine_with(RATE_HZ as f32, 2, &settings);
        let delay = engine.latency_samples() as usize;
        let output = render(&mut engine, &input);
        let change = loudness_change_lu(&input, &output, delay, 10 * RATE_HZ as usize);
        worst = worst.max(change.abs());
        assert!(
            change.abs() <= 1.0,
            "{:?}: {change:+.2} LU",
            settings.band_gains_db
        );
    }
    println!("music, 20 random curves: worst {worst:.2} LU");
}

#[test]
fn a_flat_curve_gets_exactly_no_correction() {
    let settings = EqSettings {
        auto_gain: true,
        ..EqSettings::default()
    };
    let input = music(8, RATE_HZ, 3.0);
    let mut engine = engine_with(RATE_HZ as f32, 2, &settings);
    let delay = engine.latency_samples() as usize;
    let output = render(&mut engine, &input);
    assert_eq!(engine.auto_gain_db(), 0.0);
    for (x, y) in input.iter().zip(&output) {
        assert!(max_delayed_error(x, y, delay, 1.0) < 1e-6);
    }
}

#[test]
fn on_a_steady_signal_the_correction_moves_less_than_a_tenth_of_a_db_per_second() {
    let mut rng = SmallRng::seed_from_u64(53);
    let settings = random_auto_curve(&mut rng);
    let mut engine = engine_with(RATE_HZ as f32, 2, &settings);
    let second = RATE_HZ as usize;
    let mut readings = Vec::new();
    for s in 0..20u64 {
        let block = vec![
            pink_noise(100 + s, 0.1, second),
            pink_noise(200 + s, 0.1, second),
        ];
        render(&mut engine, &block);
        readings.push(engine.auto_gain_db());
    }
    assert!(readings[19].abs() > 0.1, "the curve needs a correction");
    for pair in readings[10..].windows(2) {
        let drift = (pair[1] - pair[0]).abs();
        assert!(drift < 0.1, "{drift:.3} dB in one second: {readings:?}");
    }
}
