//! Short-time Fourier transform with weighted overlap-add (WOLA).
//!
//! Periodic Hann analysis and synthesis windows, hop N/4. Hann² at 75 % overlap sums to
//! [`WOLA_WINDOW_SUM`](crate::window::WOLA_WINDOW_SUM), so with an unnormalised inverse FFT the output scale is
//! [`wola_scale`](crate::window::wola_scale) = 2 / (3N); the engine folds it into the gain curve.
//!
//! Channels go through in *lanes*: a pair of channels packed as `L + iR` into one complex FFT
//! (the curve is real and symmetric, so the real and imaginary parts come back as the two
//! filtered channels, exactly), or a lone channel through a real FFT. A pair lane never copies
//! its frame: the forward FFT reads the input ring in place, the analysis window is applied
//! to the spectrum (a 3-tap convolution, exact for periodic Hann) in the same pass as the
//! gains, and the inverse FFT writes into one of four frame slots. The synthesis window and
//! the overlap-add happen when the output is read, sample by sample: nothing is shifted.

use std::ops::Range;
use std::sync::Arc;

use bark_eq_fft::{Complex32, ComplexToReal, Fft, Planner, RealToComplex};

use super::kernels;
use super::math::OVERLAP;
use super::window::{fill_periodic_hann, HOP_DIVISOR};

/// Length of the input ring for an FFT of `fft_size` points: N + hop samples.
pub fn ring_len(fft_size: usize) -> usize {
    fft_size + fft_size / HOP_DIVISOR
}

/// Where the stream is, shared by every lane of an engine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StreamPosition {
    /// Where the next input sample goes in the input rings (0 … N + hop).
    pub ring_pos: usize,
    /// Samples already exchanged in the current hop (0 … hop).
    pub in_hop: usize,
    /// Frame slot (0 … [`OVERLAP`]) holding the newest frame.
    pub newest_frame: usize,
}

impl StreamPosition {
    /// Moves on by `run` samples of the current hop for an FFT of `fft_size` points. Returns
    /// `true` when that completes the hop: the next frame is then due, in slot `newest_frame`.
    pub fn advance(&mut self, fft_size: usize, run: usize) -> bool {
        self.ring_pos = wrap(self.ring_pos + run, ring_len(fft_size));
        self.in_hop += run;
        if self.in_hop < fft_size / HOP_DIVISOR {
            return false;
        }
        self.in_hop = 0;
        self.newest_frame = (self.newest_frame + 1) % OVERLAP;
        true
    }

    /// Ring position N samples before `ring_pos`: the first sample of the frame that ends
    /// there, and the input that the output sample written at `ring_pos` is a delayed copy of.
    pub fn history_start(&self, fft_size: usize) -> usize {
        let ring = ring_len(fft_size);
        wrap(self.ring_pos + ring - fft_size, ring)
    }
}

/// `position` (< 2 × `ring`) wrapped into the ring: a compare, not a division, per run.
fn wrap(position: usize, ring: usize) -> usize {
    if position >= ring {
        position - ring
    } else {
        position
    }
}

/// The STFT state of one lane: `T = f32` for a lone channel, `T = Complex32` for a channel
/// pair packed as `a + i·b`.
///
/// For the current FFT size N and hop H, the input ring holds the last R = N + H samples, each
/// written twice (at `p` and `p + R`) so that any N consecutive samples are one slice. The
/// inverse transforms of the last [`OVERLAP`] frames sit in as many slots of N samples; an
/// output sample is their synthesis-windowed sum, so the output is the input delayed by
/// exactly N samples.
pub struct StftLane<T> {
    /// Input ring, stored twice over: 2 × (N + hop) samples for the largest FFT.
    input: Vec<T>,
    /// [`OVERLAP`] frame slots of N samples (largest N), not yet synthesis-windowed.
    frames: Vec<T>,
}

impl<T: Copy + Default> StftLane<T> {
    /// Allocates a lane for FFT sizes up to `max_fft_size`.
    pub fn new(max_fft_size: usize) -> Self {
        Self {
            input: vec![T::default(); 2 * ring_len(max_fft_size)],
            frames: vec![T::default(); OVERLAP * max_fft_size],
        }
    }

    /// `len` consecutive input samples starting at ring position `start` (< R).
    pub fn history(&self, start: usize, len: usize) -> &[T] {
        &self.input[start..start + len]
    }

    /// Where a run of `run` samples written at `ring_pos` goes: the ring and its mirror.
    fn ring_run(&mut self, fft_size: usize, ring_pos: usize, run: usize) -> (&mut [T], &mut [T]) {
        let (ring, mirror) = self.input.split_at_mut(ring_len(fft_size));
        let span = ring_pos..ring_pos + run;
        (&mut ring[span.clone()], &mut mirror[span])
    }

    /// Frame slot `slot` for an FFT of `fft_size` points.
    fn frame_mut(&mut self, fft_size: usize, slot: usize) -> &mut [T] {
        &mut self.frames[slot * fft_size..(slot + 1) * fft_size]
    }

    /// The pieces of the overlapping frames that sum to the current hop's output samples
    /// `in_hop .. in_hop + run`, newest frame first.
    fn overlapping(&self, fft_size: usize, at: StreamPosition, run: usize) -> [&[T]; OVERLAP] {
        std::array::from_fn(|age| {
            let slot = (at.newest_frame + OVERLAP - age) % OVERLAP;
            let start = slot * fft_size + frame_offset(fft_size, at, age);
            &self.frames[start..start + run]
        })
    }

    /// Forgets all history (silence in, silence out).
    pub fn clear(&mut self) {
        self.input.fill(T::default());
        self.frames.fill(T::default());
    }
}

/// Offset into the frame `age` hops old of the current hop's output sample `at.in_hop`.
fn frame_offset(fft_size: usize, at: StreamPosition, age: usize) -> usize {
    at.in_hop + age * (fft_size / HOP_DIVISOR)
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

/// The FFT plans for a set of sizes plus the scratch buffers shared by all lanes.
/// Everything is allocated in [`SpectralFilter::new`]; exchanging samples and filtering
/// frames allocate nothing.
pub struct SpectralFilter {
    /// One plan per supported size, in the order given to `new`.
    plans: Vec<FftPlan>,
    /// A lone channel's windowed time-domain frame (largest size).
    time: Vec<f32>,
    /// A lone channel's spectrum (largest size / 2 + 1 bins).
    spectrum: Vec<Complex32>,
    /// realfft scratch, long enough for every plan.
    scratch: Vec<Complex32>,
    /// A pair's spectrum, straight from the forward FFT (largest size).
    packed: Vec<Complex32>,
    /// A pair's windowed and filtered spectrum, the inverse FFT's input (largest size).
    filtered: Vec<Complex32>,
    /// rustfft scratch for reading the ring and writing a slot, long enough for every plan.
    packed_scratch: Vec<Complex32>,
    /// The curve, mirrored to all N bins and duplicated for `re, im` (2 × largest size).
    gains: Vec<f32>,
}

impl SpectralFilter {
    /// Plans forward and inverse FFTs and windows for every size in `fft_sizes`.
    pub fn new(fft_sizes: &[usize]) -> Self {
        let mut planner = Planner::new();
        let plans: Vec<FftPlan> = fft_sizes
            .iter()
            .map(|&fft_size| {
                let mut window = vec![0.0; fft_size];
                fill_periodic_hann(&mut window);
                FftPlan {
                    fft_size,
                    forward: planner.real_forward(fft_size),
                    inverse: planner.real_inverse(fft_size),
                    packed_forward: planner.complex_forward(fft_size),
                    packed_inverse: planner.complex_inverse(fft_size),
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
                let forward = p.packed_forward.get_immutable_scratch_len();
                forward.max(p.packed_inverse.get_outofplace_scratch_len())
            })
            .max()
            .unwrap_or(0);
        Self {
            plans,
            time: vec![0.0; max_size],
            spectrum: vec![Complex32::default(); max_size / 2 + 1],
            scratch: vec![Complex32::default(); scratch_len],
            packed: vec![Complex32::default(); max_size],
            filtered: vec![Complex32::default(); max_size],
            packed_scratch: vec![Complex32::default(); packed_scratch_len],
            gains: vec![0.0; 2 * max_size],
        }
    }

    /// FFT size of plan `plan_index`.
    pub fn fft_size(&self, plan_index: usize) -> usize {
        self.plans[plan_index].fft_size
    }

    /// Sets the gains of `bins` of the curve (`fft_size / 2 + 1` linear gains, each multiplied
    /// by `scale`, where the engine folds in the overlap-add normalisation) the next frames of
    /// plan `plan_index` are multiplied by; the other bins keep theirs. Stored mirrored and
    /// interleaved (one gain per float of the full complex spectrum), so applying it is one
    /// straight vectorized pass.
    pub fn set_curve(&mut self, plan_index: usize, curve: &[f32], bins: Range<usize>, scale: f32) {
        let fft_size = self.plans[plan_index].fft_size;
        let half = fft_size / 2;
        let bins = bins.start.min(half + 1)..bins.end.min(half + 1);
        let low = &mut self.gains[2 * bins.start..2 * bins.end];
        for (pair, &gain) in low.chunks_exact_mut(2).zip(&curve[bins.clone()]) {
            pair.fill(gain * scale);
        }
        // Bin N − k mirrors bin k for 0 < k < N/2.
        let mirrored = bins.start.max(1)..bins.end.min(half);
        if !mirrored.is_empty() {
            let high = &mut self.gains
                [2 * (fft_size + 1 - mirrored.end)..2 * (fft_size + 1 - mirrored.start)];
            for (pair, &gain) in high.chunks_exact_mut(2).zip(curve[mirrored].iter().rev()) {
                pair.fill(gain * scale);
            }
        }
    }

    /// The synthesis-window pieces that go with [`StftLane::overlapping`].
    fn windows(&self, plan_index: usize, at: StreamPosition, run: usize) -> [&[f32]; OVERLAP] {
        let plan = &self.plans[plan_index];
        std::array::from_fn(|age| {
            let start = frame_offset(plan.fft_size, at, age);
            &plan.window[start..start + run]
        })
    }

    /// Exchanges one run (within the current hop, at `at`) with a lone channel: stores `io`,
    /// sanitized (see [`kernels::store_sanitized`]) and limited to ±`input_limit`, in the ring,
    /// and overwrites it with the run's finished output.
    pub fn exchange(
        &self,
        plan_index: usize,
        lane: &mut StftLane<f32>,
        io: &mut [f32],
        at: StreamPosition,
        input_limit: f32,
    ) {
        let fft_size = self.plans[plan_index].fft_size;
        let (ring, mirror) = lane.ring_run(fft_size, at.ring_pos, io.len());
        kernels::store_sanitized(ring, mirror, io, input_limit);
        let frames = lane.overlapping(fft_size, at, io.len());
        kernels::overlap_read(io, frames, self.windows(plan_index, at, io.len()));
    }

    /// [`SpectralFilter::exchange`] for a channel pair.
    pub fn exchange_pair(
        &self,
        plan_index: usize,
        lane: &mut StftLane<Complex32>,
        io: [&mut [f32]; 2],
        at: StreamPosition,
        input_limit: f32,
    ) {
        let fft_size = self.plans[plan_index].fft_size;
        let [a, b] = io;
        let run = a.len().min(b.len());
        let (ring, mirror) = lane.ring_run(fft_size, at.ring_pos, run);
        kernels::store_sanitized_pair(ring, mirror, a, b, input_limit);
        let frames = lane.overlapping(fft_size, at, run);
        kernels::overlap_read_pair([a, b], frames, self.windows(plan_index, at, run));
    }

    /// Stores one run of a lone channel's input in its ring (sanitized like
    /// [`SpectralFilter::exchange`] does) without producing output: the analysis side only,
    /// for a mode that filters otherwise.
    pub fn store(
        &self,
        plan_index: usize,
        lane: &mut StftLane<f32>,
        input: &[f32],
        at: StreamPosition,
        input_limit: f32,
    ) {
        let fft_size = self.plans[plan_index].fft_size;
        let (ring, mirror) = lane.ring_run(fft_size, at.ring_pos, input.len());
        kernels::store_sanitized(ring, mirror, input, input_limit);
    }

    /// [`SpectralFilter::store`] for a channel pair.
    pub fn store_pair(
        &self,
        plan_index: usize,
        lane: &mut StftLane<Complex32>,
        input: [&[f32]; 2],
        at: StreamPosition,
        input_limit: f32,
    ) {
        let fft_size = self.plans[plan_index].fft_size;
        let [a, b] = input;
        let run = a.len().min(b.len());
        let (ring, mirror) = lane.ring_run(fft_size, at.ring_pos, run);
        kernels::store_sanitized_pair(ring, mirror, a, b, input_limit);
    }

    /// Adds the power |X\[k\]|² of the windowed frame of a lone channel that ends at
    /// `at.ring_pos` to `input_power`, without filtering it.
    pub fn analyze_frame(
        &mut self,
        plan_index: usize,
        lane: &StftLane<f32>,
        at: StreamPosition,
        input_power: &mut [f32],
    ) {
        let plan = &self.plans[plan_index];
        let fft_size = plan.fft_size;
        let time = &mut self.time[..fft_size];
        let spectrum = &mut self.spectrum[..fft_size / 2 + 1];
        let history = lane.history(at.history_start(fft_size), fft_size);
        kernels::window_into(time, history, &plan.window);
        if plan
            .forward
            .process_with_scratch(time, spectrum, &mut self.scratch)
            .is_ok()
        {
            for (acc, bin) in input_power.iter_mut().zip(spectrum.iter()) {
                *acc += bin.norm_sqr();
            }
        }
    }

    /// [`SpectralFilter::analyze_frame`] for a channel pair: |A\[k\]|² + |B\[k\]|² per bin.
    pub fn analyze_frame_pair(
        &mut self,
        plan_index: usize,
        lane: &StftLane<Complex32>,
        at: StreamPosition,
        input_power: &mut [f32],
    ) {
        let plan = &self.plans[plan_index];
        let fft_size = plan.fft_size;
        let spectrum = &mut self.packed[..fft_size];
        let windowed = &mut self.filtered[..fft_size];
        let history = lane.history(at.history_start(fft_size), fft_size);
        plan.packed_forward.process_immutable_with_scratch(
            history,
            spectrum,
            &mut self.packed_scratch,
        );
        kernels::hann_spectrum(windowed, spectrum, None);
        add_pair_power(input_power, windowed);
    }

    /// Filters the frame of a lone channel that ends at `at.ring_pos` with plan `plan_index`:
    /// window the last N input samples, FFT, multiply bin by bin with the curve, inverse FFT
    /// into frame slot `at.newest_frame`.
    ///
    /// When `input_power` is given, the power |X\[k\]|² of the frame's (unfiltered, windowed)
    /// spectrum is added to it bin by bin, for the analyzer.
    pub fn filter_frame(
        &mut self,
        plan_index: usize,
        lane: &mut StftLane<f32>,
        at: StreamPosition,
        input_power: Option<&mut [f32]>,
    ) {
        let plan = &self.plans[plan_index];
        let fft_size = plan.fft_size;
        let num_bins = fft_size / 2 + 1;
        let time = &mut self.time[..fft_size];
        let spectrum = &mut self.spectrum[..num_bins];
        let scratch = &mut self.scratch[..];

        let history = lane.history(at.history_start(fft_size), fft_size);
        kernels::window_into(time, history, &plan.window);
        let transformed = plan
            .forward
            .process_with_scratch(time, spectrum, scratch)
            .is_ok();
        if let Some(power) = input_power {
            for (acc, bin) in power.iter_mut().zip(spectrum.iter()) {
                *acc += bin.norm_sqr();
            }
        }
        kernels::apply_gains(
            kernels::as_floats_mut(spectrum),
            &self.gains[..2 * num_bins],
        );
        // A real signal's DC and Nyquist bins are real; realfft's inverse requires it.
        spectrum[0].im = 0.0;
        spectrum[num_bins - 1].im = 0.0;
        let frame = lane.frame_mut(fft_size, at.newest_frame);
        let restored = transformed
            && plan
                .inverse
                .process_with_scratch(spectrum, frame, scratch)
                .is_ok();
        if !restored {
            // Lengths are fixed at construction, so this cannot happen; stay silent if it does.
            frame.fill(0.0);
        }
    }

    /// [`SpectralFilter::filter_frame`] for a channel pair packed as `a + i·b`, in one complex
    /// FFT each way: the forward FFT reads the ring in place, the analysis window and the
    /// curve are applied to the spectrum in one pass, the inverse writes the frame slot.
    ///
    /// `input_power` receives |A\[k\]|² + |B\[k\]|² = (|Z\[k\]|² + |Z\[N−k\]|²) / 2 per bin.
    pub fn filter_frame_pair(
        &mut self,
        plan_index: usize,
        lane: &mut StftLane<Complex32>,
        at: StreamPosition,
        input_power: Option<&mut [f32]>,
    ) {
        let plan = &self.plans[plan_index];
        let fft_size = plan.fft_size;
        let spectrum = &mut self.packed[..fft_size];
        let filtered = &mut self.filtered[..fft_size];
        let scratch = &mut self.packed_scratch[..];
        let gains = &self.gains[..2 * fft_size];

        let history = lane.history(at.history_start(fft_size), fft_size);
        plan.packed_forward
            .process_immutable_with_scratch(history, spectrum, scratch);
        match input_power {
            Some(power) => {
                kernels::hann_spectrum(filtered, spectrum, None);
                add_pair_power(power, filtered);
                kernels::apply_gains(kernels::as_floats_mut(filtered), gains);
            }
            None => kernels::hann_spectrum(filtered, spectrum, Some(gains)),
        }
        let frame = lane.frame_mut(fft_size, at.newest_frame);
        plan.packed_inverse
            .process_outofplace_with_scratch(filtered, frame, scratch);
    }
}

/// Adds |A\[k\]|² + |B\[k\]|² = (|Z\[k\]|² + |Z\[N−k\]|²) / 2 of the packed spectrum `packed`
/// (N bins of `a + i·b`) to `power` (N/2 + 1 bins).
fn add_pair_power(power: &mut [f32], packed: &[Complex32]) {
    let half = packed.len() / 2;
    power[0] += packed[0].norm_sqr();
    let mirrored = packed[half..].iter().rev();
    let bins = power[1..=half].iter_mut().zip(&packed[1..=half]);
    for ((acc, z), z_mirror) in bins.zip(mirrored) {
        *acc += 0.5 * (z.norm_sqr() + z_mirror.norm_sqr());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::window::wola_scale;

    fn test_signal(len: usize, seed: usize) -> Vec<f32> {
        (0..len)
            .map(|i| (((i * seed) % 23) as f32 - 11.0) / 11.0)
            .collect()
    }

    /// Runs `left` and `right` through a pair lane and through two lone-channel lanes in runs
    /// of `run` samples with `curve`; returns (pair outputs, lone outputs, pair power, lone
    /// power).
    #[allow(clippy::type_complexity)]
    fn run_both_ways(
        fft_size: usize,
        curve: &[f32],
        left: &[f32],
        right: &[f32],
        run: usize,
    ) -> ([Vec<f32>; 2], [Vec<f32>; 2], Vec<f32>, Vec<f32>) {
        let mut filter = SpectralFilter::new(&[fft_size]);
        filter.set_curve(0, curve, 0..curve.len(), 1.0);
        let mut pair = StftLane::<Complex32>::new(fft_size);
        let mut lone = [
            StftLane::<f32>::new(fft_size),
            StftLane::<f32>::new(fft_size),
        ];
        let (mut packed_out, mut lone_out) = (
            [left.to_vec(), right.to_vec()],
            [left.to_vec(), right.to_vec()],
        );
        let bins = fft_size / 2 + 1;
        let (mut packed_power, mut lone_power) = (vec![0.0; bins], vec![0.0; bins]);
        let mut at = StreamPosition::default();
        let mut start = 0;
        while start < left.len() {
            let len = (fft_size / HOP_DIVISOR - at.in_hop)
                .min(run)
                .min(left.len() - start);
            let span = start..start + len;
            let [a, b] = &mut packed_out;
            filter.exchange_pair(
                0,
                &mut pair,
                [&mut a[span.clone()], &mut b[span.clone()]],
                at,
                1e6,
            );
            for (lane, out) in lone.iter_mut().zip(&mut lone_out) {
                filter.exchange(0, lane, &mut out[span.clone()], at, 1e6);
            }
            if at.advance(fft_size, len) {
                filter.filter_frame_pair(0, &mut pair, at, Some(&mut packed_power));
                for lane in &mut lone {
                    filter.filter_frame(0, lane, at, Some(&mut lone_power));
                }
            }
            start += len;
        }
        (packed_out, lone_out, packed_power, lone_power)
    }

    #[test]
    fn packed_pair_equals_two_real_frames_for_any_symmetric_curve() {
        let fft_size = 256;
        let curve: Vec<f32> = (0..=fft_size / 2)
            .map(|k| wola_scale(fft_size) * (1.0 + (k % 7) as f32 * 0.5))
            .collect();
        let (left, right) = (test_signal(12 * fft_size, 5), test_signal(12 * fft_size, 9));
        let (packed, lone, packed_power, lone_power) =
            run_both_ways(fft_size, &curve, &left, &right, 37);
        for (p, l) in packed.iter().zip(&lone) {
            for (i, (x, y)) in p.iter().zip(l).enumerate() {
                assert!((x - y).abs() < 1e-5, "sample {i}: {x} vs {y}");
            }
        }
        assert!(lone_power.iter().sum::<f32>() > 0.0);
        for (x, y) in lone_power.iter().zip(&packed_power) {
            assert!((x - y).abs() <= 1e-3 * x.abs().max(1.0), "power {x} vs {y}");
        }
    }

    #[test]
    fn flat_curve_reconstructs_the_input_delayed_by_n_in_any_runs() {
        let fft_size = 64;
        let curve = vec![wola_scale(fft_size); fft_size / 2 + 1];
        let (left, right) = (
            test_signal(20 * fft_size, 37),
            test_signal(20 * fft_size, 11),
        );
        for run in [1, 7, 16, 1000] {
            let (packed, lone, _, _) = run_both_ways(fft_size, &curve, &left, &right, run);
            for (input, outputs) in [
                (&left, [&packed[0], &lone[0]]),
                (&right, [&packed[1], &lone[1]]),
            ] {
                for output in outputs {
                    for (i, &y) in output.iter().enumerate() {
                        let expected = if i >= fft_size {
                            input[i - fft_size]
                        } else {
                            0.0
                        };
                        assert!(
                            (y - expected).abs() < 1e-5,
                            "run {run} sample {i}: {y} vs {expected}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn setting_part_of_the_curve_equals_setting_all_of_it() {
        let fft_size = 64;
        let old: Vec<f32> = (0..=fft_size / 2).map(|k| k as f32).collect();
        let mut new = old.clone();
        for gain in &mut new[3..20] {
            *gain *= -2.0;
        }
        let mut partial = SpectralFilter::new(&[fft_size]);
        partial.set_curve(0, &old, 0..old.len(), 1.0);
        partial.set_curve(0, &new, 3..20, 1.0);
        let mut full = SpectralFilter::new(&[fft_size]);
        full.set_curve(0, &new, 0..new.len(), 1.0);
        assert_eq!(partial.gains, full.gains);
        for k in 0..fft_size {
            let mirrored = if k <= fft_size / 2 { k } else { fft_size - k };
            assert_eq!(full.gains[2 * k..2 * k + 2], [new[mirrored]; 2], "bin {k}");
        }
    }
}
