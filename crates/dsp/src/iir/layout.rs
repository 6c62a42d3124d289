//! Where the fixed poles and the least-squares fit points sit (depends on sample rate only).

use super::MAX_SECTIONS;
use crate::bands::{band_centre_hz, NUM_BANDS};

/// Above this frequency grids continue with their coarse ratio (inaudible region).
const AUDIBLE_LIMIT_HZ: f64 = 24_000.0;
/// No pole or fit point is placed above this frequency.
const HIGHEST_DESIGN_HZ: f64 = 40_000.0;
/// Poles must lie below this fraction of Nyquist.
const POLE_NYQUIST_FRACTION: f64 = 0.95;
/// Fit points must lie below this fraction of Nyquist.
const FIT_NYQUIST_FRACTION: f64 = 0.98;
/// Pole bandwidth relative to the local pole spacing (Rämö, Välimäki & Bank use 1).
const POLE_BANDWIDTH_SCALE: f64 = 1.0;
/// Least-squares weight of fit points outside the band-centre range (inside it is 1).
const EXTENSION_FIT_WEIGHT: f64 = 0.5;

/// How a log-frequency grid is laid over the band centres.
struct GridSpec {
    /// Steps per interval between adjacent centres (at least).
    min_per_gap: usize,
    /// Largest step inside an interval, in octaves (wide intervals get more steps).
    max_step_octaves: f64,
    /// Whether the steps per interval must be even (so geometric midpoints are included).
    even: bool,
    /// Ratio between grid points below the first centre.
    low_ratio: f64,
    /// Lowest grid frequency in Hz.
    lowest_hz: f64,
    /// Ratio between grid points above the last centre, up to `AUDIBLE_LIMIT_HZ`.
    high_ratio: f64,
    /// Ratio between grid points above `AUDIBLE_LIMIT_HZ`, up to `HIGHEST_DESIGN_HZ`.
    coarse_ratio: f64,
}

/// Poles: three per interval between band centres (three times the band density).
const POLE_GRID: GridSpec = GridSpec {
    min_per_gap: 3,
    max_step_octaves: f64::INFINITY,
    even: false,
    low_ratio: 1.413,
    lowest_hz: 20.0,
    high_ratio: 1.081,
    coarse_ratio: 1.25,
};

/// Fit points: four per interval between band centres (centres and midpoints included).
const FIT_GRID: GridSpec = GridSpec {
    min_per_gap: 4,
    max_step_octaves: f64::INFINITY,
    even: true,
    low_ratio: 1.296,
    lowest_hz: 20.0,
    high_ratio: 1.06,
    coarse_ratio: 1.25,
};

/// Band centres in Hz as f64.
pub(super) fn centres_hz() -> [f64; NUM_BANDS] {
    std::array::from_fn(|band| f64::from(band_centre_hz(band)))
}

/// The frequencies of `spec` in Hz, ascending (band centres always included).
fn log_grid_hz(spec: &GridSpec) -> Vec<f64> {
    let centres = centres_hz();
    let mut freqs = Vec::new();
    let mut low = centres[0] / spec.low_ratio;
    while low >= spec.lowest_hz {
        freqs.push(low);
        low /= spec.low_ratio;
    }
    for pair in centres.windows(2) {
        let octaves = (pair[1] / pair[0]).log2();
        let mut steps = spec
            .min_per_gap
            .max((octaves / spec.max_step_octaves).ceil() as usize);
        if spec.even {
            steps = steps.div_ceil(2) * 2;
        }
        for j in 0..steps {
            freqs.push(pair[0] * (pair[1] / pair[0]).powf(j as f64 / steps as f64));
        }
    }
    let mut high = centres[NUM_BANDS - 1];
    freqs.push(high);
    while high * spec.high_ratio <= AUDIBLE_LIMIT_HZ {
        high *= spec.high_ratio;
        freqs.push(high);
    }
    while high * spec.coarse_ratio <= HIGHEST_DESIGN_HZ {
        high *= spec.coarse_ratio;
        freqs.push(high);
    }
    freqs.sort_by(f64::total_cmp);
    freqs
}

/// Pole frequencies in Hz, ascending (`POLE_GRID`, below `POLE_NYQUIST_FRACTION` of Nyquist,
/// at most `MAX_SECTIONS`).
pub(super) fn pole_frequencies_hz(sample_rate_hz: f64) -> Vec<f64> {
    let limit_hz = POLE_NYQUIST_FRACTION * 0.5 * sample_rate_hz;
    let mut freqs = log_grid_hz(&POLE_GRID);
    freqs.retain(|&f| f < limit_hz);
    freqs.truncate(MAX_SECTIONS);
    freqs
}

/// Pole radii for angular frequencies `thetas_rad` (sorted): `r = exp(−Δθ/2)` with `Δθ` the
/// local spacing `(θ[k+1] − θ[k−1])/2` (one-sided at the ends), after Bank's pole placement.
pub(super) fn pole_radii(thetas_rad: &[f64]) -> Vec<f64> {
    let n = thetas_rad.len();
    (0..n)
        .map(|k| {
            let spacing = match (k.checked_sub(1), thetas_rad.get(k + 1)) {
                (Some(prev), Some(next)) => 0.5 * (next - thetas_rad[prev]),
                (None, Some(next)) => next - thetas_rad[k],
                (Some(prev), None) => thetas_rad[k] - thetas_rad[prev],
                // A lone pole: give it an octave-wide bandwidth.
                (None, None) => thetas_rad[k] * 0.5,
            };
            (-0.5 * POLE_BANDWIDTH_SCALE * spacing).exp()
        })
        .collect()
}

/// Least-squares fit points `(freq_hz, weight)`, ascending (`FIT_GRID`, below
/// `FIT_NYQUIST_FRACTION` of Nyquist); points outside the centre range get
/// `EXTENSION_FIT_WEIGHT`.
pub(super) fn fit_points(sample_rate_hz: f64) -> Vec<(f64, f64)> {
    let centres = centres_hz();
    let limit_hz = FIT_NYQUIST_FRACTION * 0.5 * sample_rate_hz;
    log_grid_hz(&FIT_GRID)
        .into_iter()
        .filter(|&f| f < limit_hz)
        .map(|f| {
            let inside = f >= centres[0] && f <= centres[NUM_BANDS - 1];
            (f, if inside { 1.0 } else { EXTENSION_FIT_WEIGHT })
        })
        .collect()
}

/// Points where the solve measures and corrects its log-magnitude error: every band centre
/// and every geometric midpoint between adjacent centres below `FIT_NYQUIST_FRACTION` of
/// Nyquist (all of them are also fit points), ascending.
pub(super) fn correction_points_hz(sample_rate_hz: f64) -> Vec<f64> {
    let centres = centres_hz();
    let limit_hz = FIT_NYQUIST_FRACTION * 0.5 * sample_rate_hz;
    let mut points: Vec<f64> = centres
        .windows(2)
        .map(|p| (p[0] * p[1]).sqrt())
        .chain(centres)
        .collect();
    points.retain(|&f| f < limit_hz);
    points.sort_by(f64::total_cmp);
    points
}
