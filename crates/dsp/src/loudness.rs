//! Auto gain: the output correction that keeps perceived loudness constant as the curve
//! changes. It cancels the loudness change the curve causes on the input's own long-term
//! spectrum, K-weighted as in ITU-R BS.1770:
//!
//! `change = Σ P·K²·G² / Σ P·K²` over bins, `correction_db = −10·log10(change)`,
//!
//! where P is a slow average of the input's power spectrum, K the K-weighting magnitude and G
//! the curve (output gain excluded). Before enough signal has been seen, P is blended with a
//! pink spectrum (−3 dB per octave), which it replaces over [`AVERAGE_SECONDS`] of audio.
//! With every band at 0 dB the change is exactly 1, so the correction is exactly 0 dB.

use std::f64::consts::PI;

use super::bands::bin_freq_hz;

/// Time constant of the input spectrum's average, and of the pink model's fade-out.
pub const AVERAGE_SECONDS: f32 = 3.0;
/// Once the curve holds still, the correction drifts (because the input's spectrum changes) by
/// at most this many dB per second: no pumping.
pub const MAX_DRIFT_DB_PER_SECOND: f32 = 1.0;
/// Frames quieter than this power sum per bin (about −120 dBFS) teach the average nothing.
const SILENT_FRAME_POWER: f32 = 1e-12;
/// The correction is limited to ± this many dB.
pub const MAX_CORRECTION_DB: f32 = 24.0;

/// BS.1770 stage 1, the high shelf: centre frequency, gain and Q (libebur128's values).
const SHELF_HZ: f64 = 1681.974450955533;
/// Gain of the high shelf in dB.
const SHELF_GAIN_DB: f64 = 3.999843853973347;
/// Q of the high shelf.
const SHELF_Q: f64 = 0.7071752369554196;
/// Exponent that sets the shelf's mid-band gain from its high gain.
const SHELF_MID_EXPONENT: f64 = 0.4996667741545416;
/// BS.1770 stage 2, the RLB high-pass: corner frequency.
const HIGH_PASS_HZ: f64 = 38.13547087602444;
/// Q of the high-pass.
const HIGH_PASS_Q: f64 = 0.5003270373238773;

/// Squared magnitude of a biquad `b`/`a` (a[0] = 1) at `omega` radians per sample.
fn biquad_power(b: [f64; 3], a: [f64; 3], omega: f64) -> f64 {
    let power = |c: [f64; 3]| {
        let re = c[0] + c[1] * omega.cos() + c[2] * (2.0 * omega).cos();
        let im = -c[1] * omega.sin() - c[2] * (2.0 * omega).sin();
        re * re + im * im
    };
    power(b) / power(a).max(f64::MIN_POSITIVE)
}

/// The K-weighting's squared magnitude at `freq_hz` for a filter at `sample_rate_hz`.
pub fn k_weight_power(freq_hz: f32, sample_rate_hz: f32) -> f32 {
    let rate = f64::from(sample_rate_hz);
    let omega = 2.0 * PI * f64::from(freq_hz) / rate;
    let k = (PI * SHELF_HZ / rate).tan();
    let high = 10f64.powf(SHELF_GAIN_DB / 20.0);
    let mid = high.powf(SHELF_MID_EXPONENT);
    let a0 = 1.0 + k / SHELF_Q + k * k;
    let shelf_b = [
        (high + mid * k / SHELF_Q + k * k) / a0,
        2.0 * (k * k - high) / a0,
        (high - mid * k / SHELF_Q + k * k) / a0,
    ];
    let shelf_a = [
        1.0,
        2.0 * (k * k - 1.0) / a0,
        (1.0 - k / SHELF_Q + k * k) / a0,
    ];
    let k = (PI * HIGH_PASS_HZ / rate).tan();
    let a0 = 1.0 + k / HIGH_PASS_Q + k * k;
    let pass_b = [1.0, -2.0, 1.0];
    let pass_a = [
        1.0,
        2.0 * (k * k - 1.0) / a0,
        (1.0 - k / HIGH_PASS_Q + k * k) / a0,
    ];
    (biquad_power(shelf_b, shelf_a, omega) * biquad_power(pass_b, pass_a, omega)) as f32
}

/// The K-weighting and pink model per bin of one FFT size.
#[derive(Clone, Debug)]
struct Weights {
    /// K² per bin.
    k_power: Vec<f32>,
    /// K² times a pink power spectrum (1 / f, bin 0 taken as bin 1) per bin.
    pink_k_power: Vec<f32>,
}

/// The auto-gain state of one engine: weights per FFT size, the input's long-term spectrum and
/// the correction. [`AutoGain::new`] allocates; everything else is allocation-free.
#[derive(Clone, Debug)]
pub struct AutoGain {
    /// Weights per FFT size (the engine's plan indices).
    weights: Vec<Weights>,
    /// Long-term average of the input's power per bin (largest FFT).
    average: Vec<f32>,
    /// FFT size index the average was taken at; a new size starts over.
    averaged_size: usize,
    /// Seconds of non-silent signal in the average.
    seen_seconds: f32,
    /// Correction in force, dB.
    correction_db: f32,
}

impl AutoGain {
    /// Weights for FFT sizes `fft_sizes` at `sample_rate_hz`.
    pub fn new(fft_sizes: &[usize], sample_rate_hz: f32) -> Self {
        let weights: Vec<Weights> = fft_sizes
            .iter()
            .map(|&n| {
                let freq = |bin: usize| bin_freq_hz(bin.max(1), n, sample_rate_hz);
                let k_power: Vec<f32> = (0..=n / 2)
                    .map(|bin| k_weight_power(freq(bin), sample_rate_hz))
                    .collect();
                let pink_k_power = k_power
                    .iter()
                    .enumerate()
                    .map(|(bin, k)| k / freq(bin))
                    .collect();
                Weights {
                    k_power,
                    pink_k_power,
                }
            })
            .collect();
        let max_bins = fft_sizes.iter().map(|n| n / 2 + 1).max().unwrap_or(0);
        Self {
            weights,
            average: vec![0.0; max_bins],
            averaged_size: 0,
            seen_seconds: 0.0,
            correction_db: 0.0,
        }
    }

    /// Forgets the input's spectrum (back to the pink model) and the correction.
    pub fn reset(&mut self) {
        self.average.fill(0.0);
        self.seen_seconds = 0.0;
        self.correction_db = 0.0;
    }

    /// The correction in force, dB.
    pub fn correction_db(&self) -> f32 {
        self.correction_db
    }

    /// Adds one hop's input power per bin (`frame_power`, any scale) at FFT size index
    /// `size`, a hop of `hop_seconds`.
    pub fn observe(&mut self, size: usize, frame_power: &[f32], hop_seconds: f32) {
        if size != self.averaged_size {
            self.reset();
            self.averaged_size = size;
        }
        let total: f32 = frame_power.iter().sum();
        if total < SILENT_FRAME_POWER * frame_power.len() as f32 {
            return;
        }
        self.seen_seconds += hop_seconds;
        // A running mean at first, then an exponential average with AVERAGE_SECONDS.
        let exponential = 1.0 - (-hop_seconds / AVERAGE_SECONDS).exp();
        let weight = (hop_seconds / self.seen_seconds).max(exponential);
        for (mean, &power) in self.average.iter_mut().zip(frame_power) {
            *mean += (power - *mean) * weight;
        }
    }

    /// The loudness change the curve `gains` (linear per bin, `output_gain` included) makes
    /// at FFT size index `size`, as the power ratio `Σ P·K²·G² / Σ P·K²`.
    pub fn loudness_change(&self, size: usize, gains: &[f32], output_gain: f32) -> f32 {
        let Some(weights) = self.weights.get(size) else {
            return 1.0;
        };
        let unscale = 1.0 / output_gain.max(f32::MIN_POSITIVE);
        let mut sums = [0.0f32; 4];
        let measured = self.average.iter().zip(&weights.k_power);
        for ((&g, (&p, &k)), &pink) in gains.iter().zip(measured).zip(&weights.pink_k_power) {
            let g2 = (g * unscale) * (g * unscale);
            sums[0] += p * k * g2;
            sums[1] += p * k;
            sums[2] += pink * g2;
            sums[3] += pink;
        }
        let pink_change = sums[2] / sums[3].max(f32::MIN_POSITIVE);
        if sums[1] <= 0.0 {
            return pink_change;
        }
        let measured_change = sums[0] / sums[1];
        let trust = 1.0 - (-self.seen_seconds / AVERAGE_SECONDS).exp();
        pink_change + (measured_change - pink_change) * trust
    }

    /// Moves the correction towards cancelling `loudness_change`: at once when the curve
    /// moved this hop, else by at most [`MAX_DRIFT_DB_PER_SECOND`]. Returns the new correction.
    pub fn update(&mut self, loudness_change: f32, curve_moved: bool, hop_seconds: f32) -> f32 {
        let target = (-10.0 * loudness_change.max(f32::MIN_POSITIVE).log10())
            .clamp(-MAX_CORRECTION_DB, MAX_CORRECTION_DB);
        self.correction_db = if curve_moved {
            target
        } else {
            let limit = MAX_DRIFT_DB_PER_SECOND * hop_seconds;
            self.correction_db + (target - self.correction_db).clamp(-limit, limit)
        };
        self.correction_db
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_weighting_is_flat_at_1_khz_and_lifts_the_highs_by_four_db() {
        for rate in [44_100.0, 48_000.0, 96_000.0] {
            let at = |f: f32| 10.0 * k_weight_power(f, rate).log10();
            // +0.69 dB at 1 kHz: what BS.1770's -0.691 offset cancels.
            assert!((at(1000.0) - 0.69).abs() < 0.05, "{rate}: {}", at(1000.0));
            assert!((at(10_000.0) - 4.0).abs() < 0.2, "{rate}: {}", at(10_000.0));
            assert!(at(20.0) < -10.0, "{rate}: {}", at(20.0));
        }
    }

    #[test]
    fn a_flat_curve_changes_nothing_exactly() {
        let mut auto = AutoGain::new(&[1024], 48_000.0);
        let power: Vec<f32> = (0..513).map(|k| 1.0 / (1 + k) as f32).collect();
        for _ in 0..50 {
            auto.observe(0, &power, 0.005);
        }
        let flat = vec![1.0; 513];
        assert_eq!(auto.loudness_change(0, &flat, 1.0), 1.0);
        assert_eq!(auto.update(1.0, true, 0.005), 0.0);
        let louder = vec![2.0; 513];
        let change = auto.loudness_change(0, &louder, 2.0);
        assert_eq!(change, 1.0, "the output gain is not the curve's doing");
    }

    #[test]
    fn a_uniform_boost_is_cancelled_and_drift_is_slew_limited() {
        let mut auto = AutoGain::new(&[1024], 48_000.0);
        let boost = vec![2.0; 513];
        let change = auto.loudness_change(0, &boost, 1.0);
        assert!((change - 4.0).abs() < 1e-4, "{change}");
        let db = auto.update(change, true, 0.005);
        assert!((db + 6.0206).abs() < 1e-3, "{db}");
        let drifted = auto.update(1.0, false, 0.5);
        assert!((drifted - (db + 0.5)).abs() < 1e-4, "{drifted}");
    }
}
