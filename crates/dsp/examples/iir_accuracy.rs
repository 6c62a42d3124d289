//! Prints the accuracy table of the zero-latency bank: worst error at band centres and at
//! midpoints, and RMS error over the 49 points, for 200 seeded random settings plus presets, at
//! 44.1, 48, 96 and 192 kHz. Also prints the worst error on a dense grid between the points.

use bark_eq_dsp::bands::{band_centre_hz, NUM_BANDS};
use bark_eq_dsp::curve::smooth_gain_db_at;
use bark_eq_dsp::iir::accuracy::{error_summary, preset_settings, ErrorSummary, MAX_BAND_GAIN_DB};
use bark_eq_dsp::iir::{ZeroLatencyCoeffs, ZeroLatencyDesign};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// Number of random settings.
const RANDOM_SETTING_COUNT: usize = 200;
/// Seed of the random settings (the same as the tests').
const RANDOM_SEED: u64 = 0x0BA4_CE9E;
/// Points of the dense log-frequency grid between the first and last centre.
const DENSE_POINTS: usize = 600;

fn main() {
    let mut rng = SmallRng::seed_from_u64(RANDOM_SEED);
    let mut settings: Vec<[f32; NUM_BANDS]> = (0..RANDOM_SETTING_COUNT)
        .map(|_| std::array::from_fn(|_| rng.random_range(-MAX_BAND_GAIN_DB..=MAX_BAND_GAIN_DB)))
        .collect();
    settings.extend(preset_settings().into_iter().map(|(_, gains)| gains));
    let (low_hz, high_hz) = (band_centre_hz(0), band_centre_hz(NUM_BANDS - 1));
    println!(
        "rate_hz  sections  worst_centre_db  worst_midpoint_db  rms_db  dense_worst_db  dense_rms_db"
    );
    for rate in [44_100.0, 48_000.0, 96_000.0, 192_000.0] {
        let design = ZeroLatencyDesign::new(rate);
        let mut coeffs = ZeroLatencyCoeffs::FLAT;
        let mut total = ErrorSummary::default();
        let mut dense_worst_db = 0.0f32;
        let mut dense_squares = 0.0f64;
        for gains in &settings {
            design.solve(gains, &mut coeffs);
            total = total.merge(&error_summary(&design, gains, &coeffs));
            for i in 0..DENSE_POINTS {
                let freq_hz =
                    low_hz * (high_hz / low_hz).powf(i as f32 / (DENSE_POINTS - 1) as f32);
                let error_db = (design.magnitude_db(&coeffs, freq_hz)
                    - smooth_gain_db_at(gains, freq_hz))
                .abs();
                dense_worst_db = dense_worst_db.max(error_db);
                dense_squares += f64::from(error_db).powi(2);
            }
        }
        println!(
            "{rate:7}  {:8}  {:15.3}  {:17.3}  {:6.3}  {:14.3}  {:12.3}",
            design.section_count(),
            total.worst_centre_db,
            total.worst_midpoint_db,
            total.rms_db(),
            dense_worst_db,
            (dense_squares / (settings.len() * DENSE_POINTS) as f64).sqrt()
        );
    }
}
