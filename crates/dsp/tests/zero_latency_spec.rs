//! Zero latency mode through the engine (docs/DESIGN.md#zero-latency): no delay, the IIR
//! bank's response where the Smooth curve asks for it, bypass, block sizes, bad input.

mod engine_common;

use bark_eq_dsp::settings::PhaseMode;
use bark_eq_dsp::{band_centre_hz, EqSettings, NUM_BANDS};
use bark_eq_testkit::impulse;
use engine_common::*;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// Sample rate of the tests.
const RATE_HZ: f32 = 48_000.0;

/// Zero latency settings with `gains_db`.
fn zero_latency(gains_db: [f32; NUM_BANDS]) -> EqSettings {
    EqSettings {
        band_gains_db: gains_db,
        phase: PhaseMode::ZeroLatency,
        ..EqSettings::default()
    }
}

#[test]
fn latency_is_zero_and_a_flat_setting_passes_an_impulse_unchanged_at_sample_0() {
    for rate in [44_100.0, 48_000.0, 96_000.0] {
        let mut engine = engine_with(rate, 1, &zero_latency([0.0; NUM_BANDS]));
        assert_eq!(engine.latency_samples(), 0, "{rate} Hz");
        let output = render(&mut engine, &[impulse(0, 4096)]);
        assert_eq!(output[0][0], 1.0, "{rate} Hz: the peak at sample 0");
        assert!(
            output[0][1..].iter().all(|&x| x == 0.0),
            "{rate} Hz: nothing after"
        );
    }
}

#[test]
fn sines_at_the_band_centres_come_out_at_the_designed_gain() {
    let mut rng = SmallRng::seed_from_u64(61);
    let gains: [f32; NUM_BANDS] = std::array::from_fn(|_| rng.random_range(-12.0..12.0));
    let settings = zero_latency(gains);
    let engine = engine_with(RATE_HZ, 1, &settings);
    let design = engine.iir_design().expect("created in Zero latency");
    let coeffs = *engine.iir_coeffs();
    let len = 48_000;
    for band in (1..NUM_BANDS).step_by(3) {
        let freq = band_centre_hz(band);
        let tone = sine(freq, RATE_HZ, 0.25, len);
        let mut engine = engine_with(RATE_HZ, 1, &settings);
        let output = render(&mut engine, std::slice::from_ref(&tone));
        let measured = gain_db(&tone, &output[0], 0, len / 2, len);
        let designed = f64::from(design.magnitude_db(&coeffs, freq));
        assert!(
            (measured - designed).abs() < 0.05,
            "{freq} Hz: {measured:.3} vs {designed:.3}"
        );
        let target = f64::from(gains[band]);
        assert!(
            (measured - target).abs() < 1.0,
            "{freq} Hz: {measured:.3} vs {target:.3}"
        );
    }
}

#[test]
fn the_output_does_not_depend_on_the_host_block_size() {
    let mut rng = SmallRng::seed_from_u64(62);
    let settings = zero_latency(std::array::from_fn(|_| rng.random_range(-12.0..12.0)));
    let input = vec![mono_white_noise(1, 30_000), mono_white_noise(2, 30_000)];
    let mut one = engine_with(RATE_HZ, 2, &settings);
    let reference = render_blocks(&mut one, &input, &[4096]);
    for sizes in [&[1usize][..], &[7, 333, 64], &[16_384]] {
        let mut engine = engine_with(RATE_HZ, 2, &settings);
        let output = render_blocks(&mut engine, &input, sizes);
        for (a, b) in reference.iter().zip(&output) {
            let worst = a
                .iter()
                .zip(b)
                .fold(0.0f32, |m, (x, y)| m.max((x - y).abs()));
            assert!(worst < 1e-6, "{sizes:?}: {worst:e}");
        }
    }
}

#[test]
fn bypass_passes_the_input_itself_and_crossfades_back() {
    let mut settings = zero_latency([6.0; NUM_BANDS]);
    settings.bypass = true;
    let input = vec![mono_white_noise(3, 20_000)];
    let mut engine = engine_with(RATE_HZ, 1, &settings);
    let output = render(&mut engine, &input);
    assert_eq!(output[0], input[0], "bypassed: the input, undelayed");
    settings.bypass = false;
    engine.apply(&settings);
    let output = render(&mut engine, &input);
    let tail = gain_db(&input[0], &output[0], 0, 10_000, 20_000);
    assert!(
        (tail - 6.0).abs() < 0.5,
        "after the crossfade: {tail:.2} dB"
    );
}

#[test]
fn non_finite_input_never_reaches_the_output_and_the_filter_recovers() {
    let settings = zero_latency([3.0; NUM_BANDS]);
    let mut input = mono_white_noise(4, 20_000);
    for x in &mut input[5000..5100] {
        *x = f32::NAN;
    }
    input[7000] = f32::INFINITY;
    let mut engine = engine_with(RATE_HZ, 1, &settings);
    let output = render(&mut engine, &[input]);
    assert!(output[0].iter().all(|x| x.is_finite()));
    assert!(rms(&output[0][15_000..]) > 0.1, "still filtering");
}

#[test]
fn output_gain_and_auto_gain_work_in_zero_latency_too() {
    let mut settings = zero_latency([0.0; NUM_BANDS]);
    settings.output_gain_db = -6.0;
    let tone = sine(1000.0, RATE_HZ, 0.25, 20_000);
    let mut engine = engine_with(RATE_HZ, 1, &settings);
    let output = render(&mut engine, std::slice::from_ref(&tone));
    let gain = gain_db(&tone, &output[0], 0, 10_000, 20_000);
    assert!((gain + 6.0).abs() < 0.01, "output gain {gain:.3} dB");
    settings.output_gain_db = 0.0;
    settings.band_gains_db = [9.0; NUM_BANDS];
    settings.auto_gain = true;
    let mut engine = engine_with(RATE_HZ, 1, &settings);
    let output = render(&mut engine, std::slice::from_ref(&tone));
    let gain = gain_db(&tone, &output[0], 0, 10_000, 20_000);
    assert!(gain.abs() < 0.5, "a uniform +9 dB cancelled: {gain:.2} dB");
}

#[test]
fn an_engine_created_linear_has_no_iir_bank_and_stays_linear() {
    let mut engine = engine_with(RATE_HZ, 2, &EqSettings::default());
    assert!(engine.iir_design().is_none());
    let changed = engine.apply(&zero_latency([3.0; NUM_BANDS]));
    assert!(!changed, "no switch without the IIR bank");
    assert_eq!(engine.phase(), PhaseMode::Linear);
    assert_eq!(engine.latency_samples(), 4096);
}
