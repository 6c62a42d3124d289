//! Specification tests of the zero-latency bank.
mod accuracy;
mod behaviour;
mod noise;
mod reference;
mod sample_rates;

use crate::bands::NUM_BANDS;
use crate::iir::{ZeroLatencyCoeffs, ZeroLatencyDesign, ZeroLatencyFilter};

/// A design, the coefficients for `gains_db`, and a filter snapped to them.
pub(super) fn snapped_filter(
    sample_rate_hz: f32,
    gains_db: &[f32; NUM_BANDS],
) -> (ZeroLatencyDesign, ZeroLatencyCoeffs, ZeroLatencyFilter) {
    let design = ZeroLatencyDesign::new(sample_rate_hz);
    let mut coeffs = ZeroLatencyCoeffs::FLAT;
    design.solve(gains_db, &mut coeffs);
    let mut filter = ZeroLatencyFilter::new(&design);
    filter.set_target(&coeffs);
    filter.snap();
    (design, coeffs, filter)
}

/// Deterministic white-ish noise in ±`amplitude` (xorshift).
pub(super) fn noise(len: usize, amplitude: f32, seed: u32) -> Vec<f32> {
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x as f32 / u32::MAX as f32 * 2.0 - 1.0) * amplitude
        })
        .collect()
}

/// Processes a mono buffer in blocks of `block` samples.
pub(super) fn process_mono(filter: &mut ZeroLatencyFilter, buffer: &mut [f32], block: usize) {
    for chunk in buffer.chunks_mut(block) {
        filter.process(&mut [chunk]);
    }
}
