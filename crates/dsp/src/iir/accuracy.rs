//! Accuracy measurement against the smooth curve (used by tests and `examples/accuracy.rs`).

use super::{ZeroLatencyCoeffs, ZeroLatencyDesign};
use crate::bands::{band_centre_hz, NUM_BANDS};
use crate::curve::smooth_gain_db_at;

/// Largest band gain magnitude in dB.
pub const MAX_BAND_GAIN_DB: f32 = 12.0;
/// Band that the "one band alone" preset boosts.
const SINGLE_BAND_PRESET_BAND: usize = 12;

/// Error figures of one coefficient set (or the worst over several) against the smooth curve.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ErrorSummary {
    /// Largest |error| in dB at band centres.
    pub worst_centre_db: f32,
    /// Largest |error| in dB at geometric midpoints between adjacent centres.
    pub worst_midpoint_db: f32,
    /// Sum of squared errors in dB² over the checked points.
    pub squared_error_sum_db2: f64,
    /// Number of checked points.
    pub point_count: usize,
}

impl ErrorSummary {
    /// RMS error in dB over all checked points.
    pub fn rms_db(&self) -> f32 {
        if self.point_count == 0 {
            return 0.0;
        }
        (self.squared_error_sum_db2 / self.point_count as f64).sqrt() as f32
    }

    /// Largest |error| in dB at any checked point.
    pub fn worst_db(&self) -> f32 {
        self.worst_centre_db.max(self.worst_midpoint_db)
    }

    /// Combines two summaries (worst of the worsts, pooled squared errors).
    pub fn merge(&self, other: &Self) -> Self {
        Self {
            worst_centre_db: self.worst_centre_db.max(other.worst_centre_db),
            worst_midpoint_db: self.worst_midpoint_db.max(other.worst_midpoint_db),
            squared_error_sum_db2: self.squared_error_sum_db2 + other.squared_error_sum_db2,
            point_count: self.point_count + other.point_count,
        }
    }
}

/// The 49 checked frequencies: `(freq_hz, is_band_centre)` for every centre and every geometric
/// midpoint between adjacent centres.
pub fn check_points_hz() -> Vec<(f32, bool)> {
    let mut points = Vec::with_capacity(2 * NUM_BANDS - 1);
    for band in 0..NUM_BANDS {
        points.push((band_centre_hz(band), true));
        if band + 1 < NUM_BANDS {
            points.push((
                (band_centre_hz(band) * band_centre_hz(band + 1)).sqrt(),
                false,
            ));
        }
    }
    points
}

/// Errors of `coeffs` against the smooth curve of `gains_db` at the check points below Nyquist.
pub fn error_summary(
    design: &ZeroLatencyDesign,
    gains_db: &[f32; NUM_BANDS],
    coeffs: &ZeroLatencyCoeffs,
) -> ErrorSummary {
    let nyquist_hz = 0.5 * design.sample_rate_hz();
    let mut summary = ErrorSummary::default();
    for (freq_hz, is_centre) in check_points_hz() {
        if freq_hz >= nyquist_hz {
            continue;
        }
        let error_db =
            (design.magnitude_db(coeffs, freq_hz) - smooth_gain_db_at(gains_db, freq_hz)).abs();
        if is_centre {
            summary.worst_centre_db = summary.worst_centre_db.max(error_db);
        } else {
            summary.worst_midpoint_db = summary.worst_midpoint_db.max(error_db);
        }
        summary.squared_error_sum_db2 += f64::from(error_db).powi(2);
        summary.point_count += 1;
    }
    summary
}

/// Named fixed settings: ±12 dB zigzag (both phases), all +12, all −12, a tilt, one band alone.
pub fn preset_settings() -> Vec<(&'static str, [f32; NUM_BANDS])> {
    let zigzag: [f32; NUM_BANDS] = std::array::from_fn(|b| {
        if b % 2 == 0 {
            MAX_BAND_GAIN_DB
        } else {
            -MAX_BAND_GAIN_DB
        }
    });
    let tilt: [f32; NUM_BANDS] = std::array::from_fn(|b| {
        -MAX_BAND_GAIN_DB + 2.0 * MAX_BAND_GAIN_DB * b as f32 / (NUM_BANDS - 1) as f32
    });
    let mut single = [0.0; NUM_BANDS];
    single[SINGLE_BAND_PRESET_BAND] = MAX_BAND_GAIN_DB;
    vec![
        ("zigzag +12/-12", zigzag),
        ("zigzag -12/+12", zigzag.map(|g| -g)),
        ("all +12", [MAX_BAND_GAIN_DB; NUM_BANDS]),
        ("all -12", [-MAX_BAND_GAIN_DB; NUM_BANDS]),
        ("tilt -12..+12", tilt),
        ("band 12 alone +12", single),
    ]
}
