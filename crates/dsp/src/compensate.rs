//! Pre-compensation of the STFT's own smoothing, so that the curve heard is the curve drawn.
//!
//! With periodic Hann analysis and synthesis windows at 75 % overlap, a steady sine at the
//! frequency of bin j comes out with the gain `(G[j−1] + 4·G[j] + G[j+1]) / 6`, not `G[j]`:
//! the two windows' transforms, each three bins wide at bin centres, average each bin's gain
//! with its neighbours. Where the Smooth curve bends sharply across few bins (the low bands at
//! small FFT sizes, a ±12 dB zigzag) that flattens the peaks audibly. Filtering the curve with
//! the inverse kernel `6 / (z⁻¹ + 4 + z)` first makes the heard gain equal the target at every
//! bin centre. The inverse is a causal and an anti-causal one-pole pass with pole
//! [`INVERSE_POLE`] = √3 − 2 (|pole| < 1, so both passes are stable and errors fade by 3.7×
//! per bin).

use super::bands::{band_centre_hz, NUM_BANDS};
use super::curve::{fill_gain_curve, BinLayout, CurveMode};

/// A band centre's gain is corrected by at most this many dB for what falls between bins.
const MAX_CENTRE_CORRECTION_DB: f32 = 6.0;
/// Shortfalls smaller than this (dB) are left alone, so a flat curve stays exactly flat.
const CENTRE_CORRECTION_DEAD_BAND_DB: f32 = 1e-3;

/// Pole of the inverse kernel's one-pole factors: the root of r² + 4r + 1 inside the unit
/// circle, √3 − 2.
pub const INVERSE_POLE: f32 = -0.267_949_2;
/// Gain applied after both passes: 6 / (z⁻¹ + 4 + z) = −6r / ((1 − r·z⁻¹)(1 − r·z)), and
/// −6r = (1 − r)², so a constant curve comes out unchanged.
const INVERSE_GAIN: f32 = -6.0 * INVERSE_POLE;
/// Compensated gains are kept at or above this fraction of the target (a sharp dip could ask
/// for a negative gain).
const MIN_FRACTION_OF_TARGET: f32 = 0.25;

/// Writes into `out` the curve whose STFT-smoothed response is `target` at every bin centre
/// (`out.len() == target.len()`, one linear gain per bin from DC to Nyquist).
pub fn compensate_smoothing(target: &[f32], out: &mut [f32]) {
    let len = target.len().min(out.len());
    if len < 2 {
        out[..len].copy_from_slice(&target[..len]);
        return;
    }
    let (target, out) = (&target[..len], &mut out[..len]);
    let r = INVERSE_POLE;
    // Filtered as deviations from the first bin's gain, so that a flat curve (and every flat
    // stretch far from a bend) comes out exactly as it went in. The causal pass
    // y[j] = x[j] + r·y[j−1] starts at 0 (an error that fades by 3.7× per bin above DC).
    let reference = target[0];
    let mut state = 0.0;
    for (y, &x) in out.iter_mut().zip(target) {
        state = (x - reference) + r * state;
        *y = state;
    }
    // Anti-causal pass z[j] = y[j] + r·z[j+1], started at its steady state beyond Nyquist.
    let mut state = out[len - 1] / (1.0 - r);
    for y in out.iter_mut().rev() {
        state = *y + r * state;
        *y = state;
    }
    for (y, &x) in out.iter_mut().zip(target) {
        *y = (reference + *y * INVERSE_GAIN).max(x * MIN_FRACTION_OF_TARGET);
    }
}

/// Fills `out` with the Smooth curve of `gains_db` (plus `offset_db`) pre-compensated so that
/// the STFT at `layout` plays it as drawn: exact at every bin centre, and at the band centres
/// too, which often fall between bins, where a sharp peak or dip of the curve cannot be
/// resolved by the bins alone. So after a first compensation, the gain heard at each band
/// centre is measured ([`heard_gain`]) and the centre's gain moved by the shortfall before the
/// final compensation. `scratch` holds the intermediate curve; both hold at least
/// `layout.num_bins()` values. Allocation-free.
pub fn compensated_smooth_curve(
    layout: &BinLayout,
    sample_rate_hz: f32,
    gains_db: &[f32; NUM_BANDS],
    offset_db: f32,
    scratch: &mut [f32],
    out: &mut [f32],
) {
    let num_bins = layout.num_bins();
    let (scratch, out) = (&mut scratch[..num_bins], &mut out[..num_bins]);
    let smooth = CurveMode::Smooth;
    fill_gain_curve(smooth, layout, gains_db, offset_db, 1.0, scratch);
    compensate_smoothing(scratch, out);
    let bins_per_hz = layout.fft_size as f32 / sample_rate_hz;
    let mut corrected = *gains_db;
    for (band, gain_db) in corrected.iter_mut().enumerate() {
        let position = band_centre_hz(band) * bins_per_hz;
        if position >= (num_bins - 1) as f32 {
            continue;
        }
        let wanted = 10f32.powf((*gain_db + offset_db) / 20.0);
        let heard = heard_gain(out, position).max(f32::MIN_POSITIVE);
        let shortfall_db = 20.0 * (wanted / heard).log10();
        if shortfall_db.abs() > CENTRE_CORRECTION_DEAD_BAND_DB {
            *gain_db += shortfall_db.clamp(-MAX_CENTRE_CORRECTION_DB, MAX_CENTRE_CORRECTION_DB);
        }
    }
    fill_gain_curve(smooth, layout, &corrected, offset_db, 1.0, scratch);
    compensate_smoothing(scratch, out);
}

/// Bins on each side of a frequency whose gains reach it through the windows' transforms
/// (the next ones weigh under 10⁻⁶).
const KERNEL_REACH_BINS: isize = 3;
/// The windows' transforms sum to this at any offset (Hann² at hop N/4).
const KERNEL_SUM: f32 = 1.5;

/// The transform of a periodic Hann window at `offset_bins` from its centre, relative to its
/// value there (the large-N form: sinc(δ) / (1 − δ²)).
fn hann_transform(offset_bins: f32) -> f32 {
    let d = offset_bins.abs();
    if d < 1e-6 {
        1.0
    } else if (d - 1.0).abs() < 1e-6 {
        0.5
    } else {
        let x = std::f32::consts::PI * d;
        x.sin() / x / (1.0 - d * d)
    }
}

/// The gain the STFT applies to a steady sine at fractional bin `position` when the bins carry
/// `gains`: each bin's gain weighted by the product of the analysis and synthesis windows'
/// transforms at its distance.
pub fn heard_gain(gains: &[f32], position: f32) -> f32 {
    let centre = position.round() as isize;
    let last = gains.len() as isize - 1;
    let (mut sum, mut weights) = (0.0, 0.0);
    for k in centre - KERNEL_REACH_BINS..=centre + KERNEL_REACH_BINS {
        // Even extension beyond DC and Nyquist.
        let index = if k < 0 {
            -k
        } else if k > last {
            2 * last - k
        } else {
            k
        };
        if let Some(&gain) = gains.get(index.max(0) as usize) {
            let w = hann_transform(k as f32 - position);
            sum += gain * w * w;
            weights += w * w;
        }
    }
    // The taps' weights sum to KERNEL_SUM up to the truncated tails; dividing by their
    // actual sum keeps a flat curve flat.
    sum / weights.max(KERNEL_SUM * f32::EPSILON)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The STFT's smoothing of a curve at bin centres, with even extension at both ends.
    fn smoothed(curve: &[f32]) -> Vec<f32> {
        let at = |j: isize| {
            let last = curve.len() as isize - 1;
            let mirrored = if j < 0 {
                -j
            } else if j > last {
                2 * last - j
            } else {
                j
            };
            curve[mirrored as usize]
        };
        (0..curve.len() as isize)
            .map(|j| (at(j - 1) + 4.0 * at(j) + at(j + 1)) / 6.0)
            .collect()
    }

    #[test]
    fn the_smoothed_compensated_curve_is_the_target_away_from_the_ends() {
        let target: Vec<f32> = (0..200)
            .map(|j| 1.0 + 2.5 * ((j as f32) * 0.7).sin().max(0.0))
            .collect();
        let mut compensated = vec![0.0; 200];
        compensate_smoothing(&target, &mut compensated);
        let heard = smoothed(&compensated);
        for j in 3..197 {
            assert!(
                (heard[j] - target[j]).abs() < 1e-4,
                "bin {j}: {} vs {}",
                heard[j],
                target[j]
            );
        }
    }

    #[test]
    fn the_heard_gain_at_bin_centres_is_the_three_bin_average() {
        let gains: Vec<f32> = (0..40).map(|j| 1.0 + (j as f32 * 0.3).cos()).collect();
        let expected = smoothed(&gains);
        for (j, &want) in expected.iter().enumerate().take(38).skip(2) {
            let heard = heard_gain(&gains, j as f32);
            assert!((heard - want).abs() < 1e-5, "bin {j}");
        }
        let flat = vec![2.0f32; 40];
        assert!((heard_gain(&flat, 17.37) - 2.0).abs() < 1e-3);
    }

    #[test]
    fn a_constant_curve_stays_constant() {
        let target = vec![0.5f32; 64];
        let mut compensated = vec![0.0; 64];
        compensate_smoothing(&target, &mut compensated);
        assert!(
            compensated.iter().all(|&g| g == 0.5),
            "exactly: {compensated:?}"
        );
    }
}
