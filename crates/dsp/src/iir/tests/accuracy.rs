use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::bands::NUM_BANDS;
use crate::iir::accuracy::{error_summary, preset_settings, ErrorSummary, MAX_BAND_GAIN_DB};
use crate::iir::{ZeroLatencyCoeffs, ZeroLatencyDesign};

/// Number of random settings in the sweep.
const RANDOM_SETTING_COUNT: usize = 200;
/// Seed of the random sweep.
const RANDOM_SEED: u64 = 0x0BA4_CE9E;
/// Largest error allowed at centres and midpoints at 48, 96 and 192 kHz, in dB.
const MAX_ERROR_DB: f32 = 1.0;
/// Largest error allowed at centres and midpoints at 44.1 kHz, in dB.
const MAX_ERROR_44K1_DB: f32 = 1.5;
/// Largest RMS error over the 49 points at any rate, in dB.
const MAX_RMS_ERROR_DB: f32 = 0.3;

/// Random settings (uniform ±12 dB per band, seeded) followed by the presets.
pub(super) fn all_settings() -> Vec<[f32; NUM_BANDS]> {
    let mut rng = SmallRng::seed_from_u64(RANDOM_SEED);
    let mut settings: Vec<[f32; NUM_BANDS]> = (0..RANDOM_SETTING_COUNT)
        .map(|_| std::array::from_fn(|_| rng.random_range(-MAX_BAND_GAIN_DB..=MAX_BAND_GAIN_DB)))
        .collect();
    settings.extend(preset_settings().into_iter().map(|(_, gains)| gains));
    settings
}

/// Worst-case summary over all settings at `sample_rate_hz` (printed for the record).
fn sweep(sample_rate_hz: f32) -> ErrorSummary {
    let design = ZeroLatencyDesign::new(sample_rate_hz);
    let mut coeffs = ZeroLatencyCoeffs::FLAT;
    let mut total = ErrorSummary::default();
    for gains in all_settings() {
        design.solve(&gains, &mut coeffs);
        total = total.merge(&error_summary(&design, &gains, &coeffs));
    }
    println!(
        "{sample_rate_hz} Hz: worst centre {:.3} dB, worst midpoint {:.3} dB, rms {:.3} dB",
        total.worst_centre_db,
        total.worst_midpoint_db,
        total.rms_db()
    );
    total
}

/// Asserts the sweep at `sample_rate_hz` against `max_error_db` and the RMS limit.
fn assert_sweep_within(sample_rate_hz: f32, max_error_db: f32) {
    let summary = sweep(sample_rate_hz);
    assert_eq!(
        summary.point_count,
        all_settings().len() * (2 * NUM_BANDS - 1),
        "all 49 points count"
    );
    assert!(summary.worst_centre_db <= max_error_db, "{summary:?}");
    assert!(summary.worst_midpoint_db <= max_error_db, "{summary:?}");
    assert!(
        summary.rms_db() <= MAX_RMS_ERROR_DB,
        "rms {} dB",
        summary.rms_db()
    );
}

#[test]
fn random_curves_and_presets_are_within_one_and_a_half_db_at_centres_and_midpoints_at_44_1_khz() {
    assert_sweep_within(44_100.0, MAX_ERROR_44K1_DB);
}

#[test]
fn random_curves_and_presets_are_within_one_db_at_centres_and_midpoints_at_48_khz() {
    assert_sweep_within(48_000.0, MAX_ERROR_DB);
}

#[test]
fn random_curves_and_presets_are_within_one_db_at_centres_and_midpoints_at_96_khz() {
    assert_sweep_within(96_000.0, MAX_ERROR_DB);
}

#[test]
fn random_curves_and_presets_are_within_one_db_at_centres_and_midpoints_at_192_khz() {
    assert_sweep_within(192_000.0, MAX_ERROR_DB);
}

#[test]
fn the_accuracy_check_fails_for_a_deliberately_wrong_curve() {
    // Guards against a vacuous check: flat coefficients judged against a +12 dB curve.
    let design = ZeroLatencyDesign::new(48_000.0);
    let summary = error_summary(
        &design,
        &[MAX_BAND_GAIN_DB; NUM_BANDS],
        &ZeroLatencyCoeffs::FLAT,
    );
    assert!(summary.worst_db() > MAX_ERROR_DB && summary.rms_db() > MAX_RMS_ERROR_DB);
}
