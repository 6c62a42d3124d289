//! The per-gain solve: fixed-size stack buffers and precomputed matrices only (no allocation).
//!
//! 1. `[L; φ] = gain_basis · gains` — the smooth curve's log-magnitude and minimum phase at
//!    the fit points.
//! 2. `CORRECTION_PASSES` times: predict the fitted bank's response at the band centres and
//!    midpoints (`check_response`, i.e. response basis × pseudo-inverse, precomputed), take its
//!    log-magnitude error, and move the target against it (`correction`: the error interpolated
//!    to the fit points, plus its minimum phase). Plain complex least squares weights absolute
//!    error, so −12 dB dips would otherwise be fitted four times less accurately (in dB) than
//!    +12 dB peaks; the correction makes the fit accurate in dB.
//! 3. `params = pseudo_inverse · (exp(L + jφ) − 1)`. The fit is made on target − 1 so that flat
//!    gains give exactly the identity (every intermediate vector is then exactly zero).

use super::design::{MAX_CHECK_POINTS, MAX_FIT_POINTS, MAX_PARAMS};
use super::fastmath::{complex_exp, half_ln_norm};
use super::{ZeroLatencyCoeffs, ZeroLatencyDesign, LANES};
use crate::bands::NUM_BANDS;

/// Number of log-magnitude correction passes after the first solve.
pub const CORRECTION_PASSES: usize = 1;
/// Gains beyond this magnitude (dB) are clamped in the solve (the product clamps to ±12 dB).
const MAX_SOLVE_GAIN_DB: f32 = 24.0;

impl ZeroLatencyDesign {
    /// Solves section weights for 25 band gains in dB (clamped to ±12 by the caller; non-finite
    /// gains count as 0). No allocation. All-zero gains give exactly [`ZeroLatencyCoeffs::FLAT`].
    pub fn solve(&self, gains_db: &[f32; NUM_BANDS], out: &mut ZeroLatencyCoeffs) {
        let (n, m) = (self.fit_len, self.check_len);
        let gains = gains_db.map(|g| {
            if g.is_finite() {
                g.clamp(-MAX_SOLVE_GAIN_DB, MAX_SOLVE_GAIN_DB)
            } else {
                0.0
            }
        });
        // target[..n] = log-magnitude, target[n..2n] = phase; rhs = exp(target) − 1 as re, im.
        let mut target = [0.0f32; 2 * MAX_FIT_POINTS];
        self.gain_basis
            .apply(self.isa, &gains, &mut target[..self.gain_basis.rows()]);
        let mut rhs = [0.0f32; 2 * MAX_FIT_POINTS];
        exp_minus_one(&target[..2 * n], &mut rhs[..2 * n]);
        if m > 0 {
            let mut wanted = [0.0f32; MAX_CHECK_POINTS];
            self.check_gain_basis.apply(
                self.isa,
                &gains,
                &mut wanted[..self.check_gain_basis.rows()],
            );
            for _ in 0..CORRECTION_PASSES {
                let mut response = [0.0f32; 2 * MAX_CHECK_POINTS];
                self.check_response.apply(
                    self.isa,
                    &rhs[..2 * n],
                    &mut response[..self.check_response.rows()],
                );
                let (response_re, response_im) = response.split_at_mut(m);
                for value in response_re.iter_mut() {
                    *value += 1.0;
                }
                let mut error = [0.0f32; MAX_CHECK_POINTS];
                half_ln_norm(response_re, &response_im[..m], &mut error[..m]);
                for (e, &w) in error[..m].iter_mut().zip(&wanted[..m]) {
                    *e -= w;
                }
                let mut delta = [0.0f32; 2 * MAX_FIT_POINTS];
                self.correction
                    .apply(self.isa, &error[..m], &mut delta[..self.correction.rows()]);
                for (value, &d) in target[..2 * n].iter_mut().zip(&delta[..2 * n]) {
                    *value -= d;
                }
                exp_minus_one(&target[..2 * n], &mut rhs[..2 * n]);
            }
        }
        let mut params = [0.0f32; MAX_PARAMS];
        self.pseudo_inverse.apply(
            self.isa,
            &rhs[..2 * n],
            &mut params[..self.pseudo_inverse.rows()],
        );

        *out = ZeroLatencyCoeffs::FLAT;
        let sections = self.section_count;
        for k in 0..sections {
            out.re_weight[k / LANES][k % LANES] = params[k];
            out.im_weight[k / LANES][k % LANES] = params[sections + k];
        }
        out.direct_gain = 1.0 + params[2 * sections];
    }
}

/// `rhs = [Re; Im](exp(log_mag + j·phase)) − [1; 0]` for `target = [log_mag; phase]` (equal halves).
fn exp_minus_one(target: &[f32], rhs: &mut [f32]) {
    let half = target.len() / 2;
    let (log_mag, phase) = target.split_at(half);
    let (rhs_re, rhs_im) = rhs.split_at_mut(half);
    complex_exp(log_mag, phase, rhs_re, rhs_im);
    for value in rhs_re.iter_mut() {
        *value -= 1.0;
    }
}
