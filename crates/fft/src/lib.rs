//! FFT plans for 32-bit floats, made here rather than where they are used.
//!
//! rustfft and realfft are generic over the sample type, so their planners and every FFT
//! algorithm they can choose are compiled into the crate that calls a planner, once for each
//! build of it. Planned in the DSP crate, they were three quarters of its code and compiled twice
//! in every test run (the library and its unit tests). Planned here, behind functions that are
//! not generic, they are compiled once; the plans are the same `Arc<dyn …>` objects the planners
//! return, so nothing changes at run time.

use std::sync::Arc;

pub use realfft::num_complex::{Complex, Complex32};
pub use realfft::{ComplexToReal, RealToComplex};
pub use rustfft::Fft;

/// Plans FFTs of 32-bit floats; plans of one planner share their twiddle tables.
pub struct Planner {
    /// Real-to-complex and complex-to-real plans.
    real: realfft::RealFftPlanner<f32>,
    /// Complex plans.
    complex: rustfft::FftPlanner<f32>,
}

impl Default for Planner {
    fn default() -> Self {
        Self::new()
    }
}

impl Planner {
    /// A planner with no plans yet (rustfft chooses its AVX, SSE or scalar algorithms here).
    pub fn new() -> Self {
        Self {
            real: realfft::RealFftPlanner::new(),
            complex: rustfft::FftPlanner::new(),
        }
    }

    /// A forward FFT of `len` real samples (`len / 2 + 1` bins out).
    pub fn real_forward(&mut self, len: usize) -> Arc<dyn RealToComplex<f32>> {
        self.real.plan_fft_forward(len)
    }

    /// An inverse FFT of `len / 2 + 1` bins to `len` real samples (unnormalised).
    pub fn real_inverse(&mut self, len: usize) -> Arc<dyn ComplexToReal<f32>> {
        self.real.plan_fft_inverse(len)
    }

    /// A forward FFT of `len` complex samples.
    pub fn complex_forward(&mut self, len: usize) -> Arc<dyn Fft<f32>> {
        self.complex.plan_fft_forward(len)
    }

    /// An inverse FFT of `len` complex samples (unnormalised).
    pub fn complex_inverse(&mut self, len: usize) -> Arc<dyn Fft<f32>> {
        self.complex.plan_fft_inverse(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_real_round_trip_and_a_complex_one_give_the_input_back_scaled_by_the_length() {
        let mut planner = Planner::new();
        let len = 4096;
        let input: Vec<f32> = (0..len)
            .map(|i| ((i * 7919) % 113) as f32 / 113.0 - 0.5)
            .collect();
        let forward = planner.real_forward(len);
        let inverse = planner.real_inverse(len);
        let mut time = input.clone();
        let mut bins = forward.make_output_vec();
        forward.process(&mut time, &mut bins).expect("forward");
        let mut back = inverse.make_output_vec();
        inverse.process(&mut bins, &mut back).expect("inverse");
        let complex_forward = planner.complex_forward(len);
        let complex_inverse = planner.complex_inverse(len);
        let mut signal: Vec<Complex32> = input.iter().map(|&x| Complex32::new(x, -x)).collect();
        complex_forward.process(&mut signal);
        complex_inverse.process(&mut signal);
        for (i, &x) in input.iter().enumerate() {
            let n = len as f32;
            assert!((back[i] / n - x).abs() < 1e-5, "real, sample {i}");
            assert!(
                (signal[i].re / n - x).abs() < 1e-5,
                "complex re, sample {i}"
            );
            assert!(
                (signal[i].im / n + x).abs() < 1e-5,
                "complex im, sample {i}"
            );
        }
    }
}
