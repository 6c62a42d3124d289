//! Construction of the solve's precomputed matrices (allocation allowed; runs once per rate).

use std::f64::consts::{LN_10, PI};

use super::complex::{state_responses, Complex};
use super::hilbert::segment_phase_integral;
use super::layout;
use super::linalg::{ridge_pseudo_inverse, Matrix};
use super::matvec::BlockedMatrix;
use crate::bands::NUM_BANDS;
use crate::curve::smooth_gain_db_at;

/// Nepers (natural-log magnitude units) per decibel.
pub(super) const NEPERS_PER_DB: f64 = LN_10 / 20.0;
/// Ridge added to each section weight's normal-equation diagonal, relative to that diagonal.
const RIDGE_RELATIVE: f64 = 1e-9;
/// Pole radii are pulled at least this far inside the unit circle after rounding to f32.
const MIN_POLE_MARGIN: f64 = 1e-7;

/// Number of unknowns of the fit: real and imaginary state weight per section, then the
/// direct gain (this is also the solve's parameter-vector order).
pub(super) fn unknown_count(sections: usize) -> usize {
    2 * sections + 1
}

/// Rounds the pole `radius·e^{jθ}` to f32 and pulls it inside the unit circle if rounding
/// pushed it out (or too close).
pub(super) fn rounded_stable_pole(radius: f64, theta_rad: f64) -> (f32, f32) {
    let mut r = radius.min(1.0 - MIN_POLE_MARGIN);
    loop {
        let (re, im) = ((r * theta_rad.cos()) as f32, (r * theta_rad.sin()) as f32);
        if f64::from(re).hypot(f64::from(im)) <= 1.0 - MIN_POLE_MARGIN {
            return (re, im);
        }
        r -= MIN_POLE_MARGIN;
    }
}

/// Band gains (dB) → `[log-magnitude (nepers); minimum phase (rad)]` at the fit points.
///
/// The log-magnitude comes from `smooth_gain_db_at` with a unit gain in one band. The phase
/// assumes the curve is linear in log-frequency between band centres and constant outside,
/// which is exactly how `smooth_gain_db_at` interpolates.
pub(super) fn gain_basis(
    points: &[(f64, f64)],
    omegas: &[f64],
    rate: f64,
    fit_len: usize,
) -> BlockedMatrix {
    let centres = layout::centres_hz();
    let knot_thetas: Vec<f64> = centres
        .iter()
        .map(|f| std::f64::consts::TAU * f / rate)
        .collect();
    let segments = segment_integrals(&knot_thetas, omegas);
    let mut values = vec![[0.0f64; NUM_BANDS]; 2 * fit_len];
    for band in 0..NUM_BANDS {
        let mut unit = [0.0f32; NUM_BANDS];
        unit[band] = 1.0;
        let knots: Vec<f64> = centres
            .iter()
            .map(|&c| f64::from(smooth_gain_db_at(&unit, c as f32)))
            .collect();
        for (i, &(freq_hz, _)) in points.iter().enumerate() {
            values[i][band] = NEPERS_PER_DB * f64::from(smooth_gain_db_at(&unit, freq_hz as f32));
            let mut phase = 0.0;
            for (s, integrals) in segments.iter().enumerate() {
                let slope = (knots[s + 1] - knots[s]) / (centres[s + 1] / centres[s]).ln();
                phase += slope * integrals[i];
            }
            values[fit_len + i][band] = NEPERS_PER_DB * phase / PI;
        }
    }
    BlockedMatrix::from_fn(2 * fit_len, NUM_BANDS, |r, c| {
        values.get(r).map_or(0.0, |row| row[c])
    })
}

/// `result[s][i]`: π × phase at `omegas[i]` from a unit-slope (nepers per ln-frequency)
/// segment between knots `s` and `s + 1` (clipped at π).
fn segment_integrals(knot_thetas: &[f64], omegas: &[f64]) -> Vec<Vec<f64>> {
    knot_thetas
        .windows(2)
        .map(|pair| {
            let (lo, hi) = (pair[0], pair[1].min(PI));
            omegas
                .iter()
                .map(|&w| {
                    if hi > lo {
                        segment_phase_integral(w, lo.ln(), hi.ln())
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect()
}

/// Log-magnitude error at the correction points → `[Δ log-magnitude; Δ phase]` at the fit
/// points: the error is interpolated linearly in ln-frequency (held constant outside the
/// correction points) and its minimum phase is taken exactly for that interpolation.
pub(super) fn correction_matrix(
    check_omegas: &[f64],
    fit_omegas: &[f64],
    fit_len: usize,
    check_len: usize,
) -> BlockedMatrix {
    let m = check_omegas.len();
    let segments = segment_integrals(check_omegas, fit_omegas);
    let widths: Vec<f64> = check_omegas
        .windows(2)
        .map(|p| (p[1] / p[0]).ln())
        .collect();
    BlockedMatrix::from_fn(2 * fit_len, check_len, |r, j| {
        let (i, phase) = if r < fit_len {
            (r, false)
        } else {
            (r - fit_len, true)
        };
        let Some(&omega) = fit_omegas.get(i) else {
            return 0.0;
        };
        if j >= m {
            return 0.0;
        }
        if phase {
            // Knot j raises the segment ending at it and lowers the one starting at it.
            let rising = if j > 0 {
                segments[j - 1][i] / widths[j - 1]
            } else {
                0.0
            };
            let falling = if j + 1 < m {
                segments[j][i] / widths[j]
            } else {
                0.0
            };
            return (rising - falling) / PI;
        }
        interpolation_weight(check_omegas, j, omega)
    })
}

/// Weight of knot `j` in the ln-frequency linear interpolation at `omega` (constant outside).
fn interpolation_weight(knots: &[f64], j: usize, omega: f64) -> f64 {
    let last = knots.len() - 1;
    if omega <= knots[0] {
        return if j == 0 { 1.0 } else { 0.0 };
    }
    if omega >= knots[last] {
        return if j == last { 1.0 } else { 0.0 };
    }
    let upper = knots.partition_point(|&k| k <= omega).min(last);
    let lower = upper - 1;
    let t = (omega / knots[lower]).ln() / (knots[upper] / knots[lower]).ln();
    if j == lower {
        1.0 - t
    } else if j == upper {
        t
    } else {
        0.0
    }
}

/// Band gains (dB) → wanted log-magnitude (nepers) at the correction points.
pub(super) fn check_gain_basis(check_freqs_hz: &[f64], check_len: usize) -> BlockedMatrix {
    BlockedMatrix::from_fn(check_len, NUM_BANDS, |k, band| {
        let mut unit = [0.0f32; NUM_BANDS];
        unit[band] = 1.0;
        check_freqs_hz.get(k).map_or(0.0, |&f| {
            NEPERS_PER_DB * f64::from(smooth_gain_db_at(&unit, f as f32))
        })
    })
}

/// Real and imaginary parts of the response of unknown `m` at `omega`.
fn unknown_response(poles: &[Complex], m: usize, omega: f64) -> Complex {
    let sections = poles.len();
    if m == 2 * sections {
        return Complex::new(1.0, 0.0);
    }
    let (re_response, im_response) = state_responses(poles[m % sections.max(1)], omega);
    if m < sections {
        re_response
    } else {
        im_response
    }
}

/// The weighted, ridge-regularised least-squares pseudo-inverse in f64:
/// `unknowns × 2·points`, column `2i` (`2i + 1`) taking `Re(T − 1)` (`Im(T − 1)`) at point `i`,
/// with the point weights folded in.
pub(super) fn pseudo_inverse(poles: &[Complex], points: &[(f64, f64)], omegas: &[f64]) -> Matrix {
    let unknowns = unknown_count(poles.len());
    let mut basis = Matrix::zeros(2 * points.len(), unknowns);
    for (i, (&(_, weight), &omega)) in points.iter().zip(omegas).enumerate() {
        let sqrt_weight = weight.sqrt();
        for m in 0..unknowns {
            let response = unknown_response(poles, m, omega);
            *basis.at_mut(2 * i, m) = sqrt_weight * response.re;
            *basis.at_mut(2 * i + 1, m) = sqrt_weight * response.im;
        }
    }
    let ridge: Vec<f64> = (0..unknowns)
        .map(|m| {
            if m + 1 == unknowns {
                return 0.0;
            }
            RIDGE_RELATIVE * (0..basis.rows).map(|r| basis.at(r, m).powi(2)).sum::<f64>()
        })
        .collect();
    let mut pinv = ridge_pseudo_inverse(&basis, &ridge);
    for m in 0..unknowns {
        for (i, &(_, weight)) in points.iter().enumerate() {
            *pinv.at_mut(m, 2 * i) *= weight.sqrt();
            *pinv.at_mut(m, 2 * i + 1) *= weight.sqrt();
        }
    }
    pinv
}

/// Column of the f64 pseudo-inverse for solve-vector entry `c` (real parts, then imaginary).
fn pinv_column(c: usize, fit_len: usize) -> usize {
    if c < fit_len {
        2 * c
    } else {
        2 * (c - fit_len) + 1
    }
}

/// The pseudo-inverse in the solve's layout: `[Re(T − 1); Im(T − 1)]` → parameter deltas.
pub(super) fn blocked_pseudo_inverse(pinv: &Matrix, fit_len: usize) -> BlockedMatrix {
    BlockedMatrix::from_fn(pinv.rows, 2 * fit_len, |m, c| {
        let column = pinv_column(c, fit_len);
        if m < pinv.rows && column < pinv.cols {
            pinv.at(m, column)
        } else {
            0.0
        }
    })
}

/// `[Re(T − 1); Im(T − 1)]` at the fit points → `[Re(H − 1); Im(H − 1)]` of the fitted bank at
/// the correction points (the response basis times the pseudo-inverse, formed in f64).
pub(super) fn check_response(
    poles: &[Complex],
    pinv: &Matrix,
    check_omegas: &[f64],
    fit_len: usize,
    check_len: usize,
) -> BlockedMatrix {
    let responses: Vec<Vec<Complex>> = check_omegas
        .iter()
        .map(|&w| {
            (0..pinv.rows)
                .map(|m| unknown_response(poles, m, w))
                .collect()
        })
        .collect();
    BlockedMatrix::from_fn(2 * check_len, 2 * fit_len, |r, c| {
        let (k, imaginary) = if r < check_len {
            (r, false)
        } else {
            (r - check_len, true)
        };
        let column = pinv_column(c, fit_len);
        match responses.get(k) {
            Some(response) if column < pinv.cols => (0..pinv.rows)
                .map(|m| {
                    pinv.at(m, column)
                        * if imaginary {
                            response[m].im
                        } else {
                            response[m].re
                        }
                })
                .sum(),
            _ => 0.0,
        }
    })
}
