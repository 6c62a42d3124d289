//! The STFT's windows: periodic Hann analysis and synthesis, hop N / 4, and the one
//! weighted-overlap-add scale. Hann² at 75 % overlap sums to [`WOLA_WINDOW_SUM`], so with an
//! unnormalised inverse FFT the output scale is [`wola_scale`] = 2 / (3N).

use std::f64::consts::PI;

use super::math::OVERLAP;

/// The hop is the FFT size divided by this (75 % overlap).
pub const HOP_DIVISOR: usize = OVERLAP;
/// Sum over overlapping frames of analysis × synthesis window (Hann² at hop N/4).
pub const WOLA_WINDOW_SUM: f32 = 1.5;

/// Scale that turns analysis → unnormalised FFT → inverse → synthesis → overlap-add into the
/// identity for an FFT of `fft_size` points.
pub fn wola_scale(fft_size: usize) -> f32 {
    1.0 / (WOLA_WINDOW_SUM * fft_size as f32)
}

/// Fills `window` with a periodic Hann window of `window.len()` points.
pub fn fill_periodic_hann(window: &mut [f32]) {
    let len = window.len() as f64;
    for (i, w) in window.iter_mut().enumerate() {
        *w = (0.5 - 0.5 * (2.0 * PI * i as f64 / len).cos()) as f32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periodic_hann_squared_sums_to_one_and_a_half_at_quarter_hop() {
        for fft_size in [16, 1024, 4096] {
            let mut window = vec![0.0; fft_size];
            fill_periodic_hann(&mut window);
            assert_eq!(window[0], 0.0);
            assert!((window[fft_size / 2] - 1.0).abs() < 1e-7);
            let hop = fft_size / HOP_DIVISOR;
            for offset in 0..hop {
                let sum: f32 = (0..HOP_DIVISOR)
                    .map(|k| window[offset + k * hop].powi(2))
                    .sum();
                assert!(
                    (sum - WOLA_WINDOW_SUM).abs() < 1e-5,
                    "offset {offset}: {sum}"
                );
            }
        }
    }
}
