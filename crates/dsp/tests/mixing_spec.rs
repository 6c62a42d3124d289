//! Stereo targeting and delta listening (docs/DESIGN.md#mixing-controls): the curve applies to
//! Mid, Side, Left or Right only, the rest passes as the delayed input, and delta is exactly
//! what the EQ changes. Checked in every phase mode.

mod engine_common;

use bark_eq_dsp::settings::{PhaseMode, StereoTarget};
use bark_eq_dsp::{band_centre_hz, CurveMode, EqSettings};
use engine_common::*;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// Sample rate of the tests.
const RATE_HZ: f32 = 48_000.0;
/// Agreement required where outputs must be equal.
const EXACT: f32 = 1e-6;

/// Random band gains in ±12 dB.
fn random_curve(rng: &mut SmallRng) -> EqSettings {
    EqSettings {
        band_gains_db: std::array::from_fn(|_| rng.random_range(-12.0..12.0)),
        ..EqSettings::default()
    }
}

/// Renders a stereo input with `settings` in blocks that vary.
fn render_stereo(settings: &EqSettings, input: &[Vec<f32>]) -> Vec<Vec<f32>> {
    let mut engine = engine_with(RATE_HZ, 2, settings);
    render_blocks(&mut engine, input, &[1, 17, 512, 4096, 333])
}

/// Latency of the engine `settings` build.
fn latency_of(settings: &EqSettings) -> usize {
    engine_with(RATE_HZ, 2, settings).latency_samples() as usize
}

/// Largest difference between `output` and `input` delayed by `delay`, over every channel.
fn delayed_error(input: &[Vec<f32>], output: &[Vec<f32>], delay: usize) -> f32 {
    input
        .iter()
        .zip(output)
        .map(|(x, y)| max_delayed_error(x, y, delay, 1.0))
        .fold(0.0, f32::max)
}

/// Largest difference between two renders.
fn difference(a: &[Vec<f32>], b: &[Vec<f32>]) -> f32 {
    a.iter()
        .flatten()
        .zip(b.iter().flatten())
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

/// A stereo signal whose right channel is `sign` × its left.
fn linked(seed: u64, sign: f32, len: usize) -> Vec<Vec<f32>> {
    let left = mono_white_noise(seed, len);
    let right = left.iter().map(|x| sign * x).collect();
    vec![left, right]
}

/// The phase modes every mixing control must work in.
fn phase_modes() -> [PhaseMode; 2] {
    PhaseMode::ALL
}

#[test]
fn mid_leaves_a_pure_side_signal_as_the_delayed_input_and_treats_mono_like_stereo() {
    let mut rng = SmallRng::seed_from_u64(41);
    for phase in phase_modes() {
        for _ in 0..3 {
            let stereo = EqSettings {
                phase,
                ..random_curve(&mut rng)
            };
            let mid = EqSettings {
                stereo: StereoTarget::Mid,
                ..stereo
            };
            let delay = latency_of(&mid);
            let side_only = linked(1, -1.0, delay + 9000);
            let error = delayed_error(&side_only, &render_stereo(&mid, &side_only), delay);
            assert!(error < EXACT, "{phase:?}: side through Mid: {error:e}");
            let mono = linked(2, 1.0, delay + 9000);
            let gap = difference(&render_stereo(&mid, &mono), &render_stereo(&stereo, &mono));
            assert!(
                gap < EXACT,
                "{phase:?}: mono through Mid vs Stereo: {gap:e}"
            );
        }
    }
}

#[test]
fn side_leaves_a_mono_signal_as_the_delayed_input_and_treats_pure_side_like_stereo() {
    let mut rng = SmallRng::seed_from_u64(42);
    for phase in phase_modes() {
        let stereo = EqSettings {
            phase,
            ..random_curve(&mut rng)
        };
        let side = EqSettings {
            stereo: StereoTarget::Side,
            ..stereo
        };
        let delay = latency_of(&side);
        let mono = linked(3, 1.0, delay + 9000);
        let error = delayed_error(&mono, &render_stereo(&side, &mono), delay);
        assert!(error < EXACT, "{phase:?}: mono through Side: {error:e}");
        let side_only = linked(4, -1.0, delay + 9000);
        let gap = difference(
            &render_stereo(&side, &side_only),
            &render_stereo(&stereo, &side_only),
        );
        assert!(
            gap < EXACT,
            "{phase:?}: side through Side vs Stereo: {gap:e}"
        );
    }
}

#[test]
fn left_and_right_leave_the_other_channel_as_the_delayed_input() {
    let mut rng = SmallRng::seed_from_u64(43);
    for phase in phase_modes() {
        let curve = EqSettings {
            phase,
            ..random_curve(&mut rng)
        };
        let delay = latency_of(&curve);
        let input = vec![
            mono_white_noise(5, delay + 9000),
            mono_white_noise(6, delay + 9000),
        ];
        let full = render_stereo(&curve, &input);
        for (target, kept, filtered) in [(StereoTarget::Left, 1, 0), (StereoTarget::Right, 0, 1)] {
            let settings = EqSettings {
                stereo: target,
                ..curve
            };
            let output = render_stereo(&settings, &input);
            let error = max_delayed_error(&input[kept], &output[kept], delay, 1.0);
            assert!(
                error < EXACT,
                "{phase:?} {target:?}: untouched channel {error:e}"
            );
            let gap = difference(&[output[filtered].clone()], &[full[filtered].clone()]);
            assert!(
                gap < EXACT,
                "{phase:?} {target:?}: filtered channel {gap:e}"
            );
        }
    }
}

#[test]
fn a_band_boost_on_a_mid_only_tone_measures_six_db() {
    // Bands mode: the band's bins all get +6 dB, so the tone must too.
    let mut settings = EqSettings {
        stereo: StereoTarget::Mid,
        curve_mode: CurveMode::Bands,
        ..EqSettings::default()
    };
    settings.band_gains_db[8] = 6.0;
    for phase in phase_modes() {
        let settings = EqSettings { phase, ..settings };
        let delay = latency_of(&settings);
        let len = delay + 48_000;
        let tone = sine(band_centre_hz(8), RATE_HZ, 0.25, len);
        let input = vec![tone.clone(), tone.clone()];
        let output = render_stereo(&settings, &input);
        let stereo = render_stereo(
            &EqSettings {
                stereo: StereoTarget::Stereo,
                ..settings
            },
            &input,
        );
        for (channel, reference) in output.iter().zip(&stereo) {
            let gain = gain_db(&tone, channel, delay, len - 24_000, len);
            let expected = gain_db(&tone, reference, delay, len - 24_000, len);
            assert!((gain - expected).abs() <= 0.01, "{phase:?}: {gain:.3} dB");
            if phase == PhaseMode::Linear {
                assert!((gain - 6.0).abs() <= 0.1, "{phase:?}: {gain:.3} dB");
            }
        }
    }
}

#[test]
fn delta_plus_the_delayed_input_is_the_normal_output_for_every_curve_and_block_size() {
    let mut rng = SmallRng::seed_from_u64(44);
    for phase in phase_modes() {
        for target in StereoTarget::ALL {
            let normal = EqSettings {
                phase,
                stereo: target,
                ..random_curve(&mut rng)
            };
            let delta = EqSettings {
                delta: true,
                ..normal
            };
            let delay = latency_of(&normal);
            let input = vec![
                mono_white_noise(7, delay + 9000),
                mono_white_noise(8, delay + 9000),
            ];
            let wet = render_stereo(&normal, &input);
            let mut engine = engine_with(RATE_HZ, 2, &delta);
            let changes = render_blocks(&mut engine, &input, &[4096, 1, 2, 3, 777]);
            for ((x, y), d) in input.iter().zip(&wet).zip(&changes) {
                for n in 0..y.len() {
                    let dry = if n >= delay { x[n - delay] } else { 0.0 };
                    let error = (d[n] + dry - y[n]).abs();
                    assert!(error < EXACT, "{phase:?} {target:?} sample {n}: {error:e}");
                }
            }
        }
    }
    // With every band at 0 dB there is nothing to hear.
    let flat = EqSettings {
        delta: true,
        ..EqSettings::default()
    };
    let input = vec![mono_white_noise(9, 20_000), mono_white_noise(10, 20_000)];
    let silence = render_stereo(&flat, &input);
    let loudest = silence.iter().flatten().fold(0.0f32, |m, x| m.max(x.abs()));
    assert!(loudest < 1e-5, "flat delta: {loudest:e}");
}
