//! Branch-free complex exponential for the solve; plain arithmetic so LLVM vectorises it.
//!
//! The solve needs `exp(L + jφ)` at every fit point. `L` (nepers) and `φ` (radians) are bounded
//! (±12 dB bands give |L| ≤ 1.4 and |φ| well below 2π), so no general range reduction is needed:
//! the arguments are clamped, quartered, evaluated with Taylor polynomials that are exact to f32
//! precision on the quartered range, and then squared / double-angled twice.

/// Largest |log-magnitude| accepted, in nepers (±34.7 dB, far beyond the ±12 dB band range).
const MAX_LOG_MAG: f32 = 4.0;
/// Largest |phase| accepted, in radians.
const MAX_PHASE_RAD: f32 = 2.0 * std::f32::consts::PI;
/// Arguments are divided by this before the polynomials (undone by two squarings).
const ARGUMENT_DIVISOR: f32 = 4.0;

/// `exp(y)` for |y| ≤ 1 (degree-10 Taylor polynomial, relative error < 3e-8).
#[inline(always)]
fn exp_small(y: f32) -> f32 {
    let mut p = 1.0 / 3_628_800.0;
    for inverse_factorial in [
        1.0 / 362_880.0,
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
        1.0,
        1.0,
    ] {
        p = p * y + inverse_factorial;
    }
    p
}

/// `(cos y, sin y)` for |y| ≤ π/2 (Taylor polynomials of degree 14 and 13, error < 1e-8).
#[inline(always)]
fn cos_sin_small(y: f32) -> (f32, f32) {
    let y2 = y * y;
    // cos: Σ (−1)^k y^{2k} / (2k)!, k ≤ 7;  sin: y·Σ (−1)^k y^{2k} / (2k+1)!, k ≤ 6.
    let c = ((((((-1.0 / 87_178_291_200.0 * y2 + 1.0 / 479_001_600.0) * y2 - 1.0 / 3_628_800.0)
        * y2
        + 1.0 / 40_320.0)
        * y2
        - 1.0 / 720.0)
        * y2
        + 1.0 / 24.0)
        * y2
        - 0.5)
        * y2
        + 1.0;
    let s = (((((((-1.0 / 6_227_020_800.0) * y2 + 1.0 / 39_916_800.0) * y2 - 1.0 / 362_880.0)
        * y2
        + 1.0 / 5_040.0)
        * y2
        - 1.0 / 120.0)
        * y2
        + 1.0 / 6.0)
        * -y2
        + 1.0)
        * y;
    (c, s)
}

/// Writes `exp(log_mag[i] + j·phase_rad[i])` into `(out_re[i], out_im[i])` for every `i`.
pub(super) fn complex_exp(
    log_mag: &[f32],
    phase_rad: &[f32],
    out_re: &mut [f32],
    out_im: &mut [f32],
) {
    let points = log_mag
        .iter()
        .zip(phase_rad)
        .zip(out_re.iter_mut().zip(out_im.iter_mut()));
    for ((&l, &p), (re, im)) in points {
        let l = l.clamp(-MAX_LOG_MAG, MAX_LOG_MAG) / ARGUMENT_DIVISOR;
        let p = p.clamp(-MAX_PHASE_RAD, MAX_PHASE_RAD) / ARGUMENT_DIVISOR;
        let mut magnitude = exp_small(l);
        let (mut c, mut s) = cos_sin_small(p);
        for _ in 0..2 {
            magnitude *= magnitude;
            (c, s) = (c * c - s * s, 2.0 * c * s);
        }
        *re = magnitude * c;
        *im = magnitude * s;
    }
}

/// Smallest squared magnitude accepted by [`half_ln_norm`] (keeps the logarithm finite).
const MIN_NORM: f32 = 1e-12;
/// Mask of the f32 mantissa bits.
const MANTISSA_MASK: u32 = 0x007f_ffff;
/// Bits of 1.0f32 (exponent bias, zero mantissa).
const ONE_BITS: u32 = 0x3f80_0000;
/// Position of the f32 exponent field.
const EXPONENT_SHIFT: u32 = 23;
/// The f32 exponent bias.
const EXPONENT_BIAS: i32 = 127;

/// Writes `ln(sqrt(re[i]² + im[i]²))` into `out[i]`: exponent extraction plus an atanh series
/// for the mantissa (absolute error < 2e-6); exactly 0 for a magnitude of exactly 1.
pub(super) fn half_ln_norm(re: &[f32], im: &[f32], out: &mut [f32]) {
    for ((&r, &i), value) in re.iter().zip(im).zip(out.iter_mut()) {
        let norm = (r * r + i * i).max(MIN_NORM);
        let bits = norm.to_bits();
        let exponent = ((bits >> EXPONENT_SHIFT) as i32 - EXPONENT_BIAS) as f32;
        let mantissa = f32::from_bits((bits & MANTISSA_MASK) | ONE_BITS);
        let s = (mantissa - 1.0) / (mantissa + 1.0);
        let s2 = s * s;
        let series =
            s * (2.0 + s2 * (2.0 / 3.0 + s2 * (2.0 / 5.0 + s2 * (2.0 / 7.0 + s2 * (2.0 / 9.0)))));
        *value = 0.5 * (exponent * std::f32::consts::LN_2 + series);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complex_exp_matches_std_within_f32_precision() {
        let count = 97;
        let log_mag: Vec<f32> = (0..count)
            .map(|i| -1.5 + 3.0 * i as f32 / count as f32)
            .collect();
        let phase: Vec<f32> = (0..count)
            .map(|i| -6.0 + 12.0 * i as f32 / count as f32)
            .collect();
        let (mut re, mut im) = (vec![0.0; count], vec![0.0; count]);
        complex_exp(&log_mag, &phase, &mut re, &mut im);
        for i in 0..count {
            let m = f64::from(log_mag[i]).exp();
            let p = f64::from(phase[i]);
            let (er, ei) = (m * p.cos(), m * p.sin());
            let error = ((f64::from(re[i]) - er).hypot(f64::from(im[i]) - ei)) / m;
            assert!(error < 2e-6, "point {i}: relative error {error}");
        }
    }

    #[test]
    fn half_ln_norm_matches_std_and_is_exactly_zero_at_unit_magnitude() {
        let values: Vec<f32> = (0..200).map(|i| 0.01 * 1.05f32.powi(i)).collect();
        let zeros = vec![0.0; values.len()];
        let mut out = vec![0.0; values.len()];
        half_ln_norm(&values, &zeros, &mut out);
        for (&v, &o) in values.iter().zip(&out) {
            let error = f64::from(o) - f64::from(v).ln();
            assert!(error.abs() < 2e-6, "ln({v}): error {error}");
        }
        let mut unit = [1.0];
        half_ln_norm(&[1.0], &[0.0], &mut unit);
        assert_eq!(unit[0], 0.0);
    }
}
