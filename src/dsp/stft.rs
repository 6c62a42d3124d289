//! Short-time Fourier transform with weighted overlap-add (WOLA).
//!
//! Periodic Hann analysis and synthesis windows, hop N/4. Hann² at 75 % overlap sums to
//! [`WOLA_WINDOW_SUM`], so with realfft's unnormalised inverse the one output scale is
//! [`wola_scale`] = 2 / (3N); the engine folds it into the gain curve.

use std::f64::consts::PI;
use std::sync::Arc;

use realfft::num_complex::Complex32;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};
use rustfft::{Fft, FftPlanner};

use super::kernels;

/// The hop is the FFT size divided by this (75 % overlap).
pub const HOP_DIVISOR: usize = 4;
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

/// Forward and inverse plans and the window for one FFT size.
struct FftPlan {
    /// FFT size N.
    fft_size: usize,
    /// Real → complex transform of N points.
    forward: Arc<dyn RealToComplex<f32>>,
    /// Complex → real transform of N points (unnormalised).
    inverse: Arc<dyn ComplexToReal<f32>>,
    /// Complex forward transform of N points, for two channels packed as L + iR.
    packed_forward: Arc<dyn Fft<f32>>,
    /// Complex inverse transform of N points (unnormalised), for packed channel pairs.
    packed_inverse: Arc<dyn Fft<f32>>,
    /// Periodic Hann window of N points, used for analysis and synthesis.
    window: Vec<f32>,
}

/// The FFT plans for a set of sizes plus the scratch buffers shared by all channels.
/// Everything is allocated in [`SpectralFilter::new`]; filtering a frame allocates nothing.
pub struct SpectralFilter {
    /// One plan per supported size, in the order given to `new`.
    plans: Vec<FftPlan>,
    /// Windowed time-domain frame (largest size).
    time: Vec<f32>,
    /// Spectrum of the frame (largest size / 2 + 1 bins).
    spectrum: Vec<Complex32>,
    /// realfft scratch, long enough for every plan.
    scratch: Vec<Complex32>,
    /// A channel pair's frame packed as L + iR, then its spectrum (largest size).
    packed: Vec<Complex32>,
    /// rustfft in-place scratch, long enough for every plan.
    packed_scratch: Vec<Complex32>,
    /// The curve, mirrored to all N bins and duplicated for `re, im` (2 × largest size).
    gains: Vec<f32>,
}

impl SpectralFilter {
    /// Plans forward and inverse FFTs and windows for every size in `fft_sizes`.
    pub fn new(fft_sizes: &[usize]) -> Self {
        let mut planner = RealFftPlanner::<f32>::new();
        let mut complex_planner = FftPlanner::<f32>::new();
        let plans: Vec<FftPlan> = fft_sizes
            .iter()
            .map(|&fft_size| {
                let mut window = vec![0.0; fft_size];
                fill_periodic_hann(&mut window);
                FftPlan {
                    fft_size,
                    forward: planner.plan_fft_forward(fft_size),
                    inverse: planner.plan_fft_inverse(fft_size),
                    packed_forward: complex_planner.plan_fft_forward(fft_size),
                    packed_inverse: complex_planner.plan_fft_inverse(fft_size),
                    window,
                }
            })
            .collect();
        let max_size = fft_sizes.iter().copied().max().unwrap_or(0);
        let scratch_len = plans
            .iter()
            .map(|p| p.forward.get_scratch_len().max(p.inverse.get_scratch_len()))
            .max()
            .unwrap_or(0);
        let packed_scratch_len = plans
            .iter()
            .map(|p| {
                let forward = p.packed_forward.get_inplace_scratch_len();
                forward.max(p.packed_inverse.get_inplace_scratch_len())
            })
            .max()
            .unwrap_or(0);
        Self {
            plans,
            time: vec![0.0; max_size],
            spectrum: vec![Complex32::default(); max_size / 2 + 1],
            scratch: vec![Complex32::default(); scratch_len],
            packed: vec![Complex32::default(); max_size],
            packed_scratch: vec![Complex32::default(); packed_scratch_len],
            gains: vec![0.0; 2 * max_size],
        }
    }

    /// FFT size of plan `plan_index`.
    pub fn fft_size(&self, plan_index: usize) -> usize {
        self.plans[plan_index].fft_size
    }

    /// Sets the gain curve (`fft_size / 2 + 1` linear gains) the next frames of plan
    /// `plan_index` are multiplied by. Stored mirrored and interleaved (one gain per float of
    /// the full complex spectrum) so applying it is one straight vectorized pass.
    pub fn set_curve(&mut self, plan_index: usize, curve: &[f32]) {
        let fft_size = self.plans[plan_index].fft_size;
        let half = fft_size / 2;
        let gains = &mut self.gains[..2 * fft_size];
        let (low, high) = gains.split_at_mut(2 * (half + 1));
        for (pair, &gain) in low.chunks_exact_mut(2).zip(&curve[..=half]) {
            pair.fill(gain);
        }
        // Bins N/2+1..N mirror bins N/2-1..1.
        for (pair, &gain) in high.chunks_exact_mut(2).zip(curve[1..half].iter().rev()) {
            pair.fill(gain);
        }
    }

    /// Filters one frame of `channel` with plan `plan_index`: window the last N input samples,
    /// FFT, multiply bin by bin with the curve, inverse FFT, window again and overlap-add into
    /// the channel's output; then advance the channel's history by one hop.
    ///
    /// When `input_power` is given, the power |X[k]|² of the frame's (unfiltered) spectrum is
    /// added to it bin by bin, for the analyzer.
    pub fn filter_frame(
        &mut self,
        plan_index: usize,
        channel: &mut StftChannel,
        frame_start: usize,
        input_power: Option<&mut [f32]>,
    ) {
        let plan = &self.plans[plan_index];
        let fft_size = plan.fft_size;
        let hop = fft_size / HOP_DIVISOR;
        let num_bins = fft_size / 2 + 1;
        let time = &mut self.time[..fft_size];
        let spectrum = &mut self.spectrum[..num_bins];
        let scratch = &mut self.scratch[..];

        kernels::window_into(time, channel.history(frame_start, fft_size), &plan.window);
        let transformed = plan
            .forward
            .process_with_scratch(time, spectrum, scratch)
            .is_ok();
        if let Some(power) = input_power {
            for (acc, bin) in power.iter_mut().zip(spectrum.iter()) {
                *acc += bin.norm_sqr();
            }
        }
        kernels::apply_gains(kernels::as_floats_mut(spectrum), &self.gains);
        // A real signal's DC and Nyquist bins are real; realfft's inverse requires it.
        spectrum[0].im = 0.0;
        spectrum[num_bins - 1].im = 0.0;
        let restored = transformed
            && plan
                .inverse
                .process_with_scratch(spectrum, time, scratch)
                .is_ok();
        if !restored {
            // Lengths are fixed at construction, so this cannot happen; stay silent if it does.
            time.fill(0.0);
        }

        let (next, current) = (&mut channel.output_spare, &channel.output);
        kernels::overlap_add(&mut next[..fft_size], current, time, &plan.window, hop);
        std::mem::swap(&mut channel.output, &mut channel.output_spare);
    }

    /// Filters one frame of two channels at once: the curve is real and symmetric, so one
    /// complex FFT of `a + i·b`, scaled by the curve and inverted, gives `a` filtered in the real
    /// part and `b` filtered in the imaginary part, exactly. Same effect as calling
    /// [`SpectralFilter::filter_frame`] on each channel, for less transform work.
    ///
    /// `input_power` receives |A[k]|² + |B[k]|² = (|Z[k]|² + |Z[N−k]|²) / 2 per bin.
    pub fn filter_frame_pair(
        &mut self,
        plan_index: usize,
        a: &mut StftChannel,
        b: &mut StftChannel,
        frame_start: usize,
        input_power: Option<&mut [f32]>,
    ) {
        let plan = &self.plans[plan_index];
        let fft_size = plan.fft_size;
        let hop = fft_size / HOP_DIVISOR;
        let half = fft_size / 2;
        let packed = &mut self.packed[..fft_size];
        let scratch = &mut self.packed_scratch[..];
        let window = &plan.window[..fft_size];

        let history_a = a.history(frame_start, fft_size);
        let history_b = b.history(frame_start, fft_size);
        kernels::pack_windowed(packed, history_a, history_b, window);
        plan.packed_forward.process_with_scratch(packed, scratch);
        if let Some(power) = input_power {
            power[0] += packed[0].norm_sqr();
            let mirrored = packed[half..].iter().rev();
            let bins = power[1..=half].iter_mut().zip(&packed[1..=half]);
            for ((acc, z), z_mirror) in bins.zip(mirrored) {
                *acc += 0.5 * (z.norm_sqr() + z_mirror.norm_sqr());
            }
        }
        kernels::apply_gains(kernels::as_floats_mut(packed), &self.gains);
        plan.packed_inverse.process_with_scratch(packed, scratch);

        let next = [
            &mut a.output_spare[..fft_size],
            &mut b.output_spare[..fft_size],
        ];
        kernels::overlap_add_pair(next, [&a.output, &b.output], packed, window, hop);
        std::mem::swap(&mut a.output, &mut a.output_spare);
        std::mem::swap(&mut b.output, &mut b.output_spare);
    }
}

/// Length of the input ring for an FFT of `fft_size` points: N + hop samples.
pub fn ring_len(fft_size: usize) -> usize {
    fft_size + fft_size / HOP_DIVISOR
}

/// The per-channel STFT state: input ring and overlap-add accumulator.
///
/// For the current FFT size N and hop H, the input ring holds the last R = N + H samples, each
/// written twice (at `p` and `p + R`) so that any N consecutive samples are one slice:
/// no history is ever shifted. `output[..H]` holds the finished output samples of the current
/// hop. Output is the input delayed by exactly N samples.
pub struct StftChannel {
    /// Input ring, stored twice over: 2 × (N + hop) samples for the largest FFT.
    pub input: Vec<f32>,
    /// Overlap-add accumulator, sized for the largest FFT: N samples.
    pub output: Vec<f32>,
    /// The accumulator being built by the next frame; swapped with `output` after each frame.
    output_spare: Vec<f32>,
}

impl StftChannel {
    /// Allocates a channel for FFT sizes up to `max_fft_size`.
    pub fn new(max_fft_size: usize) -> Self {
        Self {
            input: vec![0.0; 2 * ring_len(max_fft_size)],
            output: vec![0.0; max_fft_size],
            output_spare: vec![0.0; max_fft_size],
        }
    }

    /// Writes `samples` into the ring of an FFT of `fft_size` points at `write_pos` (< R, and
    /// `write_pos + samples.len() <= R`) and its mirror, each made safe by `sanitize`.
    pub fn store(
        &mut self,
        fft_size: usize,
        write_pos: usize,
        samples: &[f32],
        sanitize: impl Fn(f32) -> f32,
    ) {
        let (first, mirror) = self.input.split_at_mut(ring_len(fft_size));
        let incoming = &mut first[write_pos..write_pos + samples.len()];
        for (stored, &sample) in incoming.iter_mut().zip(samples) {
            *stored = sanitize(sample);
        }
        mirror[write_pos..write_pos + samples.len()].copy_from_slice(incoming);
    }

    /// `len` consecutive input samples starting at ring position `start` (< R).
    pub fn history(&self, start: usize, len: usize) -> &[f32] {
        &self.input[start..start + len]
    }

    /// Forgets all history (silence in, silence out).
    pub fn clear(&mut self) {
        self.input.fill(0.0);
        self.output.fill(0.0);
        self.output_spare.fill(0.0);
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

    #[test]
    fn packed_pair_equals_two_real_frames_for_any_symmetric_curve() {
        let fft_size = 256;
        let hop = fft_size / HOP_DIVISOR;
        let mut filter = SpectralFilter::new(&[fft_size]);
        let curve: Vec<f32> = (0..=fft_size / 2)
            .map(|k| wola_scale(fft_size) * (1.0 + (k % 7) as f32 * 0.5))
            .collect();
        let signal = |seed: usize| -> Vec<f32> {
            (0..12 * hop)
                .map(|i| (((i * seed) % 23) as f32 - 11.0) / 11.0)
                .collect()
        };
        let (left, right) = (signal(5), signal(9));
        let mut real = [StftChannel::new(fft_size), StftChannel::new(fft_size)];
        let mut packed = [StftChannel::new(fft_size), StftChannel::new(fft_size)];
        filter.set_curve(0, &curve);
        let bins = fft_size / 2 + 1;
        let (mut power_real, mut power_packed) = (vec![0.0; bins], vec![0.0; bins]);
        let ring = ring_len(fft_size);
        for (hop_index, (l, r)) in left.chunks(hop).zip(right.chunks(hop)).enumerate() {
            let write_pos = (hop_index * hop) % ring;
            for (channels, block) in [(&mut real, [l, r]), (&mut packed, [l, r])] {
                for (channel, samples) in channels.iter_mut().zip(block) {
                    channel.store(fft_size, write_pos, samples, |x| x);
                }
            }
            let frame_start = (write_pos + hop + ring - fft_size) % ring;
            for channel in &mut real {
                filter.filter_frame(0, channel, frame_start, Some(&mut power_real));
            }
            let [a, b] = &mut packed;
            filter.filter_frame_pair(0, a, b, frame_start, Some(&mut power_packed));
            for (r, p) in real.iter().zip(&packed) {
                for (x, y) in r.output.iter().zip(&p.output) {
                    assert!((x - y).abs() < 1e-5, "{x} vs {y}");
                }
            }
        }
        for (x, y) in power_real.iter().zip(&power_packed) {
            assert!((x - y).abs() <= 1e-3 * x.abs().max(1.0), "power {x} vs {y}");
        }
    }

    #[test]
    fn flat_curve_reconstructs_the_input_delayed_by_n() {
        let fft_size = 64;
        let hop = fft_size / HOP_DIVISOR;
        let mut filter = SpectralFilter::new(&[fft_size]);
        let mut channel = StftChannel::new(fft_size);
        let curve = vec![wola_scale(fft_size); fft_size / 2 + 1];
        filter.set_curve(0, &curve);
        let input: Vec<f32> = (0..20 * hop)
            .map(|i| ((i * 37) % 11) as f32 - 5.0)
            .collect();
        let mut output = Vec::new();
        let ring = ring_len(fft_size);
        for (hop_index, block) in input.chunks(hop).enumerate() {
            let write_pos = (hop_index * hop) % ring;
            channel.store(fft_size, write_pos, block, |x| x);
            output.extend_from_slice(&channel.output[..hop]);
            let frame_start = (write_pos + hop + ring - fft_size) % ring;
            filter.filter_frame(0, &mut channel, frame_start, None);
        }
        for (i, &y) in output.iter().enumerate() {
            let expected = if i >= fft_size {
                input[i - fft_size]
            } else {
                0.0
            };
            assert!((y - expected).abs() < 1e-5, "sample {i}: {y} vs {expected}");
        }
    }
}
