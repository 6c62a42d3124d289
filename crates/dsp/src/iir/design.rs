//! Sample-rate-dependent design (poles and the solve's precomputed matrices) and responses.

use std::f64::consts::TAU;

use super::complex::{state_responses, Complex};
use super::kernel::Isa;
use super::matvec::{BlockedMatrix, BLOCK};
use super::{build, layout, Lane, LANES, MAX_CHUNKS, MAX_SECTIONS};
use crate::bands::NUM_BANDS;

/// Most fit points a design can have (a multiple of `BLOCK`).
pub(super) const MAX_FIT_POINTS: usize = 192;
/// Longest parameter vector: real and imaginary state weights, the direct gain, padding.
pub(super) const MAX_PARAMS: usize = (2 * MAX_SECTIONS + 1).div_ceil(BLOCK) * BLOCK;
/// Most correction points (band centres and midpoints, padded to `FIT_PADDING`).
pub(super) const MAX_CHECK_POINTS: usize = (2 * NUM_BANDS - 1).div_ceil(FIT_PADDING) * FIT_PADDING;
/// Fit-point vectors are padded to a multiple of this (so their two halves fill whole blocks).
const FIT_PADDING: usize = BLOCK / 2;
/// Sample rate used when a non-positive or non-finite rate is requested, in Hz.
const FALLBACK_SAMPLE_RATE_HZ: f32 = 48_000.0;

/// Coefficients of the parallel bank: plain fixed-size data, cheap to copy.
///
/// Output `y = direct_gain·x + Σ_k (re_weight[k]·Re s_k + im_weight[k]·Im s_k)`, where each
/// section state is a complex one-pole `s_k ← pole_k·s_k + x`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ZeroLatencyCoeffs {
    /// Weight of each section's real state, `LANES` sections per chunk.
    pub(super) re_weight: [Lane; MAX_CHUNKS],
    /// Weight of each section's imaginary state, `LANES` sections per chunk.
    pub(super) im_weight: [Lane; MAX_CHUNKS],
    /// Weight of the dry input.
    pub(super) direct_gain: f32,
}

impl ZeroLatencyCoeffs {
    /// The identity: every section weight 0 and direct gain exactly 1 (a unit impulse response).
    pub const FLAT: Self = Self {
        re_weight: [[0.0; LANES]; MAX_CHUNKS],
        im_weight: [[0.0; LANES]; MAX_CHUNKS],
        direct_gain: 1.0,
    };

    /// Scales every section weight (benchmark helper that forces a glide).
    #[doc(hidden)]
    pub fn scale_for_benchmark(&mut self, factor: f32) {
        for chunk in self.re_weight.iter_mut().chain(self.im_weight.iter_mut()) {
            for weight in chunk {
                *weight *= factor;
            }
        }
    }
}

impl Default for ZeroLatencyCoeffs {
    fn default() -> Self {
        Self::FLAT
    }
}

/// Everything that depends only on the sample rate. Built once per sample rate (allocates).
#[derive(Clone, Debug)]
pub struct ZeroLatencyDesign {
    /// Sample rate the design was built for, in Hz.
    pub(super) sample_rate_hz: f32,
    /// Instruction set used by the solve.
    pub(super) isa: Isa,
    /// Number of sections with a pole (the rest of the last chunk is inactive).
    pub(super) section_count: usize,
    /// Number of `LANES`-section chunks that are processed.
    pub(super) chunk_count: usize,
    /// Real parts of the section poles, exactly as processed (inactive lanes 0).
    pub(super) pole_re: [Lane; MAX_CHUNKS],
    /// Imaginary parts of the section poles, exactly as processed (inactive lanes 0).
    pub(super) pole_im: [Lane; MAX_CHUNKS],
    /// Fit points rounded up to `FIT_PADDING`; point vectors hold `fit_len` log-magnitudes (or real
    /// parts) followed by `fit_len` phases (or imaginary parts).
    pub(super) fit_len: usize,
    /// Band gains (dB) → `[log-magnitude (nepers); minimum phase (rad)]` at the fit points.
    pub(super) gain_basis: BlockedMatrix,
    /// Weighted least-squares pseudo-inverse: `[Re(T − 1); Im(T − 1)]` → parameter deltas.
    pub(super) pseudo_inverse: BlockedMatrix,
    /// Correction points rounded up to `FIT_PADDING`.
    pub(super) check_len: usize,
    /// Band gains (dB) → wanted log-magnitude (nepers) at the correction points.
    pub(super) check_gain_basis: BlockedMatrix,
    /// `[Re(T − 1); Im(T − 1)]` at the fit points → `[Re(H − 1); Im(H − 1)]` of the fitted bank
    /// at the correction points.
    pub(super) check_response: BlockedMatrix,
    /// Log-magnitude error at the correction points → `[Δ log-magnitude; Δ phase]` at the fit
    /// points.
    pub(super) correction: BlockedMatrix,
}

impl ZeroLatencyDesign {
    /// Builds the design for `sample_rate_hz` (any positive finite rate; others use 48 kHz).
    pub fn new(sample_rate_hz: f32) -> Self {
        let sample_rate_hz = if sample_rate_hz.is_finite() && sample_rate_hz > 0.0 {
            sample_rate_hz
        } else {
            FALLBACK_SAMPLE_RATE_HZ
        };
        let rate = f64::from(sample_rate_hz);
        let pole_thetas: Vec<f64> = layout::pole_frequencies_hz(rate)
            .iter()
            .map(|f| TAU * f / rate)
            .collect();
        let radii = layout::pole_radii(&pole_thetas);
        let section_count = pole_thetas.len();
        let mut pole_re = [[0.0; LANES]; MAX_CHUNKS];
        let mut pole_im = [[0.0; LANES]; MAX_CHUNKS];
        let mut poles = Vec::with_capacity(section_count);
        for (k, (&theta, &radius)) in pole_thetas.iter().zip(&radii).enumerate() {
            let (re, im) = build::rounded_stable_pole(radius, theta);
            pole_re[k / LANES][k % LANES] = re;
            pole_im[k / LANES][k % LANES] = im;
            poles.push(Complex::new(f64::from(re), f64::from(im)));
        }
        let mut points = layout::fit_points(rate);
        points.truncate(MAX_FIT_POINTS);
        let fit_len = points.len().div_ceil(FIT_PADDING) * FIT_PADDING;
        let omegas: Vec<f64> = points.iter().map(|(f, _)| TAU * f / rate).collect();
        let chunk_count = section_count.div_ceil(LANES);
        let check_freqs_hz = layout::correction_points_hz(rate);
        let check_omegas: Vec<f64> = check_freqs_hz.iter().map(|f| TAU * f / rate).collect();
        let check_len = check_freqs_hz.len().div_ceil(FIT_PADDING) * FIT_PADDING;
        let pinv = build::pseudo_inverse(&poles, &points, &omegas);
        Self {
            sample_rate_hz,
            isa: Isa::detect(),
            section_count,
            chunk_count,
            pole_re,
            pole_im,
            fit_len,
            gain_basis: build::gain_basis(&points, &omegas, rate, fit_len),
            pseudo_inverse: build::blocked_pseudo_inverse(&pinv, fit_len),
            check_len,
            check_gain_basis: build::check_gain_basis(&check_freqs_hz, check_len),
            check_response: build::check_response(&poles, &pinv, &check_omegas, fit_len, check_len),
            correction: build::correction_matrix(&check_omegas, &omegas, fit_len, check_len),
        }
    }

    /// Sample rate the design was built for, in Hz.
    pub fn sample_rate_hz(&self) -> f32 {
        self.sample_rate_hz
    }

    /// Number of second-order (complex-pole-pair) sections in the bank.
    pub fn section_count(&self) -> usize {
        self.section_count
    }

    /// Largest pole radius of the bank as processed (f32 coefficients evaluated in f64).
    pub fn max_pole_radius(&self) -> f64 {
        (0..self.section_count)
            .map(|k| {
                let (re, im) = (
                    self.pole_re[k / LANES][k % LANES],
                    self.pole_im[k / LANES][k % LANES],
                );
                f64::from(re).hypot(f64::from(im))
            })
            .fold(0.0, f64::max)
    }

    /// Complex response of `coeffs` at `freq_hz`, evaluated in f64 from the f32 coefficients.
    pub(super) fn response(&self, coeffs: &ZeroLatencyCoeffs, freq_hz: f32) -> Complex {
        let omega = TAU * f64::from(freq_hz) / f64::from(self.sample_rate_hz);
        let mut sum = Complex::new(f64::from(coeffs.direct_gain), 0.0);
        for k in 0..self.section_count {
            let (chunk, lane) = (k / LANES, k % LANES);
            let pole = Complex::new(
                f64::from(self.pole_re[chunk][lane]),
                f64::from(self.pole_im[chunk][lane]),
            );
            let (re_response, im_response) = state_responses(pole, omega);
            sum = sum
                + re_response.scale(f64::from(coeffs.re_weight[chunk][lane]))
                + im_response.scale(f64::from(coeffs.im_weight[chunk][lane]));
        }
        sum
    }

    /// Magnitude in dB of `coeffs` at `freq_hz` (what the filter actually does; for the editor).
    pub fn magnitude_db(&self, coeffs: &ZeroLatencyCoeffs, freq_hz: f32) -> f32 {
        let power = self
            .response(coeffs, freq_hz)
            .norm_sqr()
            .max(f64::MIN_POSITIVE);
        (10.0 * power.log10()) as f32
    }
}
