//! f64 reference implementation of the bank (same coefficients) for numerical comparisons.

use crate::iir::{ZeroLatencyCoeffs, ZeroLatencyDesign, LANES};

/// Processes `input` through `coeffs` in f64 (no glide), starting from zero state.
pub(super) fn process_f64(
    design: &ZeroLatencyDesign,
    coeffs: &ZeroLatencyCoeffs,
    input: &[f64],
) -> Vec<f64> {
    let sections = design.section_count();
    let pole = |k: usize| {
        (
            f64::from(design.pole_re[k / LANES][k % LANES]),
            f64::from(design.pole_im[k / LANES][k % LANES]),
        )
    };
    let weight = |k: usize| {
        (
            f64::from(coeffs.re_weight[k / LANES][k % LANES]),
            f64::from(coeffs.im_weight[k / LANES][k % LANES]),
        )
    };
    let mut state = vec![(0.0f64, 0.0f64); sections];
    input
        .iter()
        .map(|&x| {
            let mut y = f64::from(coeffs.direct_gain) * x;
            for (k, s) in state.iter_mut().enumerate() {
                let (pr, pi) = pole(k);
                let (wr, wi) = weight(k);
                *s = (pr * s.0 - pi * s.1 + x, pi * s.0 + pr * s.1);
                y += wr * s.0 + wi * s.1;
            }
            y
        })
        .collect()
}
