//! Band solo (docs/DESIGN.md#mixing-controls): one band alone at unity, the others silent.

mod engine_common;

use bark_eq_dsp::settings::PhaseMode;
use bark_eq_dsp::{band_centre_hz, EqSettings, NUM_BANDS};
use engine_common::*;

/// Sample rate of the tests.
const RATE_HZ: f32 = 48_000.0;

/// Level in dB of `freq_hz` through an engine with `settings` while `solo` is held.
fn soloed_gain_db(settings: &EqSettings, solo: usize, freq_hz: f32) -> f64 {
    let mut engine = engine_with(RATE_HZ, 1, settings);
    engine.set_solo(Some(solo));
    let delay = engine.latency_samples() as usize;
    let len = delay + 24_000;
    let tone = sine(freq_hz, RATE_HZ, 0.5, len);
    let output = render(&mut engine, std::slice::from_ref(&tone));
    gain_db(&tone, &output[0], delay, len - 12_000, len)
}

#[test]
fn a_soloed_band_passes_its_centre_at_unity_and_silences_bands_two_away() {
    // Whatever the curve: solo plays the band at unity.
    let settings = EqSettings {
        band_gains_db: std::array::from_fn(|band| if band % 2 == 0 { 9.0 } else { -7.0 }),
        output_gain_db: -5.0,
        ..EqSettings::default()
    };
    for band in 0..NUM_BANDS {
        let centre = soloed_gain_db(&settings, band, band_centre_hz(band));
        assert!(centre.abs() <= 0.2, "band {band}: centre at {centre:.2} dB");
        for other in [band.checked_sub(2), Some(band + 2)].into_iter().flatten() {
            if other < NUM_BANDS {
                let away = soloed_gain_db(&settings, band, band_centre_hz(other));
                assert!(away <= -40.0, "band {band}: band {other} at {away:.1} dB");
            }
        }
    }
}

#[test]
fn in_zero_latency_a_band_pass_plays_the_soloed_band() {
    let settings = EqSettings {
        phase: PhaseMode::ZeroLatency,
        band_gains_db: [6.0; NUM_BANDS],
        ..EqSettings::default()
    };
    for band in [2, 12, 20] {
        let centre = soloed_gain_db(&settings, band, band_centre_hz(band));
        assert!(centre.abs() <= 0.2, "band {band}: centre at {centre:.2} dB");
        let away = soloed_gain_db(&settings, band, band_centre_hz(band + 4));
        assert!(away <= -12.0, "band {band}: four bands up at {away:.1} dB");
    }
}

#[test]
fn releasing_solo_returns_to_the_normal_output() {
    for phase in PhaseMode::ALL {
        let settings = EqSettings {
            phase,
            ..EqSettings::default()
        };
        let mut engine = engine_with(RATE_HZ, 1, &settings);
        let delay = engine.latency_samples() as usize;
        let noise = mono_white_noise(3, delay + 30_000);
        engine.set_solo(Some(9));
        let mut first = vec![noise[..10_000].to_vec()];
        render(&mut engine, &first);
        engine.set_solo(None);
        first[0] = noise[10_000..].to_vec();
        let output = render(&mut engine, &first);
        // One FFT length (Linear) or one hop later, the flat curve passes the noise again.
        let settle = delay + 4096;
        let error = output[0][settle..]
            .iter()
            .zip(&noise[10_000 + settle - delay..])
            .fold(0.0f32, |m, (y, x)| m.max((y - x).abs()));
        assert!(error < 1e-5, "{phase:?}: {error:e}");
    }
}
