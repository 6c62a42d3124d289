use std::f64::consts::TAU;

use super::accuracy::all_settings;
use super::{noise, process_mono, snapped_filter};
use crate::bands::{band_centre_hz, NUM_BANDS};
use crate::iir::accuracy::MAX_BAND_GAIN_DB;
use crate::iir::{ZeroLatencyCoeffs, ZeroLatencyDesign, ZeroLatencyFilter, GLIDE_TIME_S};

/// Block size used by the tests, in samples.
const BLOCK: usize = 256;
/// Tolerance for the editor magnitude against a measured response, in dB.
const MAGNITUDE_TOLERANCE_DB: f64 = 0.05;

#[test]
fn every_pole_lies_inside_the_unit_circle_at_every_supported_rate() {
    for rate in [
        1000.0,
        8000.0,
        44_100.0,
        48_000.0,
        96_000.0,
        192_000.0,
        384_000.0,
        1_234_567.8,
    ] {
        let design = ZeroLatencyDesign::new(rate);
        assert!(design.section_count() > 0);
        assert!(
            design.max_pole_radius() < 1.0,
            "{rate} Hz: radius {}",
            design.max_pole_radius()
        );
    }
}

#[test]
fn zero_gains_solve_to_exactly_flat_coefficients() {
    let design = ZeroLatencyDesign::new(48_000.0);
    let mut coeffs = ZeroLatencyCoeffs::FLAT;
    design.solve(&[MAX_BAND_GAIN_DB; NUM_BANDS], &mut coeffs);
    assert_ne!(coeffs, ZeroLatencyCoeffs::FLAT);
    design.solve(&[0.0; NUM_BANDS], &mut coeffs);
    assert_eq!(coeffs, ZeroLatencyCoeffs::FLAT);
}

#[test]
fn flat_gains_give_an_exact_unit_impulse_peaking_at_sample_zero() {
    let (_, _, mut filter) = snapped_filter(48_000.0, &[0.0; NUM_BANDS]);
    // Run noise first so the section states are busy: flat must still be exactly transparent.
    let mut busy = noise(4096, 1.0, 3);
    process_mono(&mut filter, &mut busy, BLOCK);
    filter.reset();
    let mut impulse = vec![0.0f32; 4096];
    impulse[0] = 1.0;
    process_mono(&mut filter, &mut impulse, BLOCK);
    assert_eq!(impulse[0], 1.0);
    assert!(impulse[1..].iter().all(|&v| v == 0.0));
}

#[test]
fn impulse_responses_are_finite_and_decay_to_exactly_zero_within_one_second() {
    let rate = 48_000.0;
    for gains in all_settings().iter().step_by(20) {
        let (_, _, mut filter) = snapped_filter(rate, gains);
        let one_second = rate as usize;
        let mut impulse = vec![0.0f32; one_second + one_second / 2];
        impulse[0] = 1.0;
        process_mono(&mut filter, &mut impulse, BLOCK);
        assert!(impulse.iter().all(|v| v.is_finite()));
        let early: f32 = impulse[..BLOCK].iter().map(|v| v * v).sum();
        let late: f32 = impulse[one_second / 4..one_second / 2]
            .iter()
            .map(|v| v * v)
            .sum();
        assert!(
            late < 1e-9 * early,
            "decays: late energy {late:e} vs early {early:e}"
        );
        assert!(
            impulse[one_second..].iter().all(|&v| v == 0.0),
            "tail after 1 s is exactly 0"
        );
    }
}

#[test]
fn state_is_exactly_zero_after_one_second_of_silence_following_loud_noise() {
    for rate in [48_000.0, 192_000.0] {
        let (_, _, mut filter) = snapped_filter(rate, &[MAX_BAND_GAIN_DB; NUM_BANDS]);
        let mut loud = noise(rate as usize, 4.0, 9);
        process_mono(&mut filter, &mut loud, BLOCK);
        let mut silence = vec![0.0f32; rate as usize];
        process_mono(&mut filter, &mut silence, BLOCK);
        assert!(filter.state_is_zero(), "{rate} Hz: state not flushed");
        assert!(silence[silence.len() - BLOCK..].iter().all(|&v| v == 0.0));
    }
}

#[test]
fn magnitude_db_matches_a_dft_of_the_processed_impulse_within_0_05_db() {
    let rate = 48_000.0;
    let gains: [f32; NUM_BANDS] = std::array::from_fn(|b| {
        if b % 3 == 0 {
            9.0
        } else {
            -5.0 + b as f32 * 0.3
        }
    });
    let (design, coeffs, mut filter) = snapped_filter(rate, &gains);
    let mut impulse = vec![0.0f32; rate as usize];
    impulse[0] = 1.0;
    process_mono(&mut filter, &mut impulse, BLOCK);
    for freq_hz in [
        30.0, 50.0, 141.0, 1000.0, 1234.5, 6394.0, 17_607.0, 22_000.0,
    ] {
        let omega = TAU * f64::from(freq_hz) / f64::from(rate);
        let (re, im) = impulse
            .iter()
            .enumerate()
            .fold((0.0, 0.0), |(re, im), (n, &h)| {
                let phase = omega * n as f64;
                (
                    re + f64::from(h) * phase.cos(),
                    im - f64::from(h) * phase.sin(),
                )
            });
        let measured_db = 10.0 * (re * re + im * im).log10();
        let predicted_db = f64::from(design.magnitude_db(&coeffs, freq_hz));
        assert!(
            (measured_db - predicted_db).abs() < MAGNITUDE_TOLERANCE_DB,
            "{freq_hz} Hz: measured {measured_db:.3} dB, predicted {predicted_db:.3} dB"
        );
    }
}

#[test]
fn portable_and_simd_kernels_agree() {
    let gains: [f32; NUM_BANDS] = all_settings()[0];
    let (_, _, mut simd) = snapped_filter(48_000.0, &gains);
    let mut portable = simd.clone();
    portable.force_portable_kernel();
    let input = noise(20_000, 0.5, 5);
    let (mut a, mut b) = (input.clone(), input);
    process_mono(&mut simd, &mut a, BLOCK);
    process_mono(&mut portable, &mut b, BLOCK);
    let worst = a
        .iter()
        .zip(&b)
        .fold(0.0f32, |w, (x, y)| w.max((x - y).abs()));
    assert!(worst < 1e-5, "kernels differ by {worst}");
}

#[test]
fn gain_changes_glide_without_discontinuities_and_settle_on_the_target() {
    let rate = 48_000.0;
    let band = 8;
    let freq_hz = f64::from(band_centre_hz(band));
    let design = ZeroLatencyDesign::new(rate);
    let mut filter = ZeroLatencyFilter::new(&design);
    let mut boosted = [0.0; NUM_BANDS];
    boosted[band] = MAX_BAND_GAIN_DB;
    let mut coeffs = ZeroLatencyCoeffs::FLAT;
    design.solve(&boosted, &mut coeffs);
    let frames = rate as usize / 4;
    let mut signal: Vec<f32> = (0..frames)
        .map(|n| (TAU * freq_hz * n as f64 / f64::from(rate)).sin() as f32 * 0.1)
        .collect();
    let switch_at = frames / 4;
    process_mono(&mut filter, &mut signal[..switch_at], BLOCK);
    filter.set_target(&coeffs);
    process_mono(&mut filter, &mut signal[switch_at..], BLOCK);
    assert!(!filter.is_gliding());
    assert_eq!(filter.current_coeffs(), &coeffs);
    // A sine of peak A changes by at most A·ω per sample; a click would exceed that.
    let omega = TAU * freq_hz / f64::from(rate);
    let peak = signal.iter().fold(0.0f32, |a, v| a.max(v.abs()));
    let max_step = signal
        .windows(2)
        .fold(0.0f32, |a, w| a.max((w[1] - w[0]).abs()));
    assert!(
        f64::from(max_step) <= 1.05 * f64::from(peak) * omega,
        "step {max_step}, peak {peak}"
    );
    // The glide lasts GLIDE_TIME_S: half-way through, the level is still in between.
    let glide_samples = (GLIDE_TIME_S * rate) as usize;
    let level = |at: usize| {
        signal[at..at + 200]
            .iter()
            .fold(0.0f32, |a, v| a.max(v.abs()))
    };
    let (before, middle, after) = (
        level(switch_at - 400),
        level(switch_at + glide_samples / 2),
        level(switch_at + 2 * glide_samples),
    );
    assert!(
        before < middle && middle < after,
        "{before} {middle} {after}"
    );
}
