//! Minimum-phase phase of a log-magnitude curve that is piecewise linear in log-frequency.
//!
//! For a minimum-phase filter with log-magnitude `L(ϕ)` (nepers) on the unit circle the phase is
//! `φ(θ) = −(1/2π)·PV∫ L(ϕ)·cot((θ − ϕ)/2) dϕ`. Integrating by parts over `0…π` gives the
//! singularity-free form `φ(θ) = (1/π)·∫₀^π L′(ϕ)·G(θ, ϕ) dϕ` with
//! `G = ln|sin((θ + ϕ)/2) / sin((θ − ϕ)/2)|`. On a segment where `L` is linear in `ln ϕ`,
//! `L′(ϕ) = slope/ϕ`, so each segment contributes `slope·∫ G(θ, e^u) du` over its `u = ln ϕ`
//! range. The remaining weak (logarithmic) singularity at `ϕ = θ` is handled by splitting the
//! range there and integrating with tanh-sinh quadrature, which is exact to ~1e-9 here.

use std::f64::consts::FRAC_PI_2;
#[cfg(test)]
use std::f64::consts::PI;

/// Step of the tanh-sinh quadrature in its transformed variable.
const TANH_SINH_STEP: f64 = 0.125;
/// Half-width of the transformed quadrature range (integrand weights beyond it are < 1e-15).
const TANH_SINH_HALF_RANGE: f64 = 3.0;

/// Integral over `u ∈ [u_lo, u_hi]` of `G(θ, e^u)`, where `u_theta = ln θ`.
///
/// This is the phase (times π) contributed at `θ` by a segment of unit slope in nepers per
/// natural-log unit of frequency.
pub(super) fn segment_phase_integral(theta_rad: f64, u_lo: f64, u_hi: f64) -> f64 {
    if u_hi <= u_lo {
        return 0.0;
    }
    let u_theta = theta_rad.ln();
    if u_theta > u_lo && u_theta < u_hi {
        // Split at the singularity so that it sits on an endpoint.
        tanh_sinh(theta_rad, u_lo - u_theta, 0.0) + tanh_sinh(theta_rad, 0.0, u_hi - u_theta)
    } else {
        tanh_sinh(theta_rad, u_lo - u_theta, u_hi - u_theta)
    }
}

/// Tanh-sinh quadrature of `G` over `d = u − ln θ ∈ [d_lo, d_hi]`.
///
/// Abscissae are computed as distances from the nearer endpoint, so a singular endpoint at
/// `d = 0` is approached without cancellation.
fn tanh_sinh(theta_rad: f64, d_lo: f64, d_hi: f64) -> f64 {
    let width = d_hi - d_lo;
    let steps = (TANH_SINH_HALF_RANGE / TANH_SINH_STEP).round() as i32;
    let mut sum = 0.0;
    for k in -steps..=steps {
        let t = f64::from(k) * TANH_SINH_STEP;
        let s = FRAC_PI_2 * t.sinh();
        let cosh_s = s.cosh();
        let weight = FRAC_PI_2 * t.cosh() / (cosh_s * cosh_s);
        let d = if k <= 0 {
            d_lo + width / (1.0 + (-2.0 * s).exp())
        } else {
            d_hi - width / (1.0 + (2.0 * s).exp())
        };
        sum += weight * kernel(theta_rad, d);
    }
    sum * TANH_SINH_STEP * width * 0.5
}

/// `G(θ, ϕ) = ln|sin((θ + ϕ)/2)| − ln|sin((θ − ϕ)/2)|` at `ϕ = θ·e^d`, accurate for small `d`.
fn kernel(theta_rad: f64, d: f64) -> f64 {
    let phi_rad = theta_rad * d.exp();
    let difference_rad = -theta_rad * d.exp_m1();
    let sum_term = (0.5 * (theta_rad + phi_rad)).sin().abs();
    let difference_term = (0.5 * difference_rad).sin().abs();
    if difference_term == 0.0 || sum_term == 0.0 {
        return 0.0;
    }
    sum_term.ln() - difference_term.ln()
}

/// Minimum-phase phase in radians at `theta_rad` of a log-magnitude (nepers) that is linear in
/// `ln θ` between the knots `(knot_theta_rad[i], knot_log_mag[i])` and constant outside them.
///
/// Knots must be increasing and positive; parts above π are ignored.
#[cfg(test)]
pub(super) fn min_phase_rad(knot_theta_rad: &[f64], knot_log_mag: &[f64], theta_rad: f64) -> f64 {
    let mut phase = 0.0;
    for (thetas, mags) in knot_theta_rad.windows(2).zip(knot_log_mag.windows(2)) {
        let (lo, hi) = (thetas[0], thetas[1].min(PI));
        if hi <= lo {
            continue;
        }
        let slope = (mags[1] - mags[0]) / (thetas[1] / thetas[0]).ln();
        if slope != 0.0 {
            phase += slope * segment_phase_integral(theta_rad, lo.ln(), hi.ln());
        }
    }
    phase / PI
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Largest phase error tolerated against an analytic minimum-phase filter, in radians.
    const PHASE_TOLERANCE_RAD: f64 = 2e-3;

    #[test]
    fn phase_matches_an_analytic_minimum_phase_biquad() {
        // RBJ peaking filter, 1 kHz, +10 dB, Q = 1 at 48 kHz: poles and zeros inside the circle.
        let sample_rate_hz = 48_000.0;
        let w0 = 2.0 * PI * 1000.0 / sample_rate_hz;
        let a = 10f64.powf(10.0 / 40.0);
        let alpha = w0.sin() / 2.0;
        let (b0, b1, b2) = (1.0 + alpha * a, -2.0 * w0.cos(), 1.0 - alpha * a);
        let (a0, a1, a2) = (1.0 + alpha / a, -2.0 * w0.cos(), 1.0 - alpha / a);
        let response = |theta: f64| {
            let (c1, s1, c2, s2) = (
                theta.cos(),
                theta.sin(),
                (2.0 * theta).cos(),
                (2.0 * theta).sin(),
            );
            let (nr, ni) = (b0 + b1 * c1 + b2 * c2, -b1 * s1 - b2 * s2);
            let (dr, di) = (a0 + a1 * c1 + a2 * c2, -a1 * s1 - a2 * s2);
            let log_mag = 0.5 * ((nr * nr + ni * ni) / (dr * dr + di * di)).ln();
            (log_mag, ni.atan2(nr) - di.atan2(dr))
        };
        let knot_count = 600;
        let lowest_rad = 2.0 * PI * 1.0 / sample_rate_hz;
        let knots: Vec<f64> = (0..knot_count)
            .map(|i| lowest_rad * (PI / lowest_rad).powf(i as f64 / (knot_count - 1) as f64))
            .collect();
        let mags: Vec<f64> = knots.iter().map(|&t| response(t).0).collect();
        for freq_hz in [20.0, 300.0, 900.0, 1000.0, 1100.0, 3000.0, 15_000.0] {
            let theta = 2.0 * PI * freq_hz / sample_rate_hz;
            let error = min_phase_rad(&knots, &mags, theta) - response(theta).1;
            assert!(
                error.abs() < PHASE_TOLERANCE_RAD,
                "{freq_hz} Hz: phase error {error}"
            );
        }
    }
}
