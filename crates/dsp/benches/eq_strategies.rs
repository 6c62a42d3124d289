//! The origin's experiment, done in Rust: per 4096-sample chunk of a 48 kHz signal,
//! rfft → apply 25 band gains → irfft, five ways, for 5 s, 30 s and 180 s of audio.
//! Accuracy of each against the per-band loop computed in f64 is printed first.
//!
//! Run: `cargo bench --bench eq_strategies`; smoke: `BARK_EQ_BENCH_QUICK=1 cargo bench`.

mod bench_common;

use std::ops::Range;
use std::sync::Arc;

use bark_eq_dsp::bands::{bin_freq_hz, BAND_EDGES_HZ};
use bark_eq_dsp::math::db_to_gain;
use bark_eq_dsp::{BinLayout, NUM_BANDS};
use bark_eq_testkit::mono_white_noise;
use criterion::{BenchmarkId, Criterion};
use rayon::prelude::*;
use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};

/// The origin's chunk length.
const CHUNK: usize = 4096;
/// Bins of one chunk's spectrum.
const BINS: usize = CHUNK / 2 + 1;
/// Sample rate of the test signal.
const RATE_HZ: f32 = 48_000.0;
/// Audio lengths of the origin's table, in seconds.
const LENGTHS_S: [usize; 3] = [5, 30, 180];

/// A fixed, non-flat set of band gains.
fn gains_db() -> [f32; NUM_BANDS] {
    std::array::from_fn(|b| [6.0, -3.0, 2.0, -12.0, 9.0][b % 5])
}

/// FFT plans and the lookup tables each strategy may use.
struct Chunker<T: realfft::FftNum> {
    /// Forward real FFT of one chunk.
    forward: Arc<dyn RealToComplex<T>>,
    /// Inverse real FFT of one chunk.
    inverse: Arc<dyn ComplexToReal<T>>,
    /// Frequency of every bin in Hz.
    bin_freq_hz: Vec<f32>,
    /// Band of every bin.
    band_of_bin: Vec<u8>,
    /// Bins of each band (contiguous, in order).
    band_bins: Vec<Range<usize>>,
    /// Linear gain of each band, including the 1/N of the unnormalised inverse.
    gains_linear: [T; NUM_BANDS],
    /// Precomputed per-bin curve (our engine's way).
    curve: Vec<T>,
}

impl<T: realfft::FftNum + From<f32>> Chunker<T> {
    fn new() -> Self {
        let mut planner = RealFftPlanner::<T>::new();
        let layout = BinLayout::new(CHUNK, RATE_HZ);
        let band_of_bin = layout.band_of_bin.clone();
        let band_bins = (0..NUM_BANDS).map(|band| layout.band_bins(band)).collect();
        let gains = gains_db();
        let norm = 1.0 / CHUNK as f32;
        let gains_linear: [T; NUM_BANDS] =
            std::array::from_fn(|b| T::from(db_to_gain(gains[b]) * norm));
        let curve = band_of_bin
            .iter()
            .map(|&b| gains_linear[b as usize])
            .collect();
        Self {
            forward: planner.plan_fft_forward(CHUNK),
            inverse: planner.plan_fft_inverse(CHUNK),
            bin_freq_hz: (0..BINS).map(|i| bin_freq_hz(i, CHUNK, RATE_HZ)).collect(),
            band_of_bin,
            band_bins,
            gains_linear,
            curve,
        }
    }

    /// rfft → `apply` → irfft for every chunk of `input` into `output`.
    fn run(
        &self,
        input: &[T],
        output: &mut [T],
        scratch: &mut Scratch<T>,
        mut apply: impl FnMut(&mut [Complex<T>], &mut Vec<T>),
    ) {
        for (x, y) in input
            .chunks_exact(CHUNK)
            .zip(output.chunks_exact_mut(CHUNK))
        {
            self.chunk(x, y, scratch, &mut apply);
        }
    }

    /// One chunk through the FFT pair with `apply` on its spectrum.
    fn chunk(
        &self,
        x: &[T],
        y: &mut [T],
        s: &mut Scratch<T>,
        apply: &mut impl FnMut(&mut [Complex<T>], &mut Vec<T>),
    ) {
        s.time.copy_from_slice(x);
        let ok = self
            .forward
            .process_with_scratch(&mut s.time, &mut s.spectrum, &mut s.fft)
            .is_ok();
        apply(&mut s.spectrum, &mut s.curve);
        let last = s.spectrum.len() - 1;
        s.spectrum[0].im = T::zero();
        s.spectrum[last].im = T::zero();
        let ok = ok
            && self
                .inverse
                .process_with_scratch(&mut s.spectrum, y, &mut s.fft)
                .is_ok();
        assert!(ok, "FFT lengths are fixed");
    }
}

/// Buffers for one thread.
struct Scratch<T: realfft::FftNum> {
    /// One chunk of input.
    time: Vec<T>,
    /// Its spectrum.
    spectrum: Vec<Complex<T>>,
    /// realfft scratch.
    fft: Vec<Complex<T>>,
    /// Per-chunk curve (vectorized strategy).
    curve: Vec<T>,
}

impl<T: realfft::FftNum> Scratch<T> {
    fn new(chunker: &Chunker<T>) -> Self {
        let fft_len = chunker
            .forward
            .get_scratch_len()
            .max(chunker.inverse.get_scratch_len());
        Self {
            time: vec![T::zero(); CHUNK],
            spectrum: vec![Complex::new(T::zero(), T::zero()); BINS],
            fft: vec![Complex::new(T::zero(), T::zero()); fft_len],
            curve: vec![T::zero(); BINS],
        }
    }
}

/// The five strategies of the origin's table.
#[derive(Clone, Copy, Debug)]
enum Strategy {
    /// For each band, find its bins by frequency and scale them.
    PerBandLoop,
    /// `curve = gains_linear[band_of_bin]` every chunk, then `spectrum *= curve`.
    VectorizedCurve,
    /// The curve built once, applied in one pass (the engine's way).
    PrecomputedCurve,
    /// Rayon over the 25 bands of every chunk.
    ThreadsPerBand,
    /// Rayon over chunks, each with the precomputed curve ("multi-chunk").
    ParallelChunks,
}

const STRATEGIES: [Strategy; 5] = [
    Strategy::PerBandLoop,
    Strategy::VectorizedCurve,
    Strategy::PrecomputedCurve,
    Strategy::ThreadsPerBand,
    Strategy::ParallelChunks,
];

/// Scales the bins of each band found by comparing frequencies with the band edges.
fn per_band_loop<T: realfft::FftNum>(c: &Chunker<T>, spectrum: &mut [Complex<T>]) {
    for band in 0..NUM_BANDS {
        let (lo, hi) = (BAND_EDGES_HZ[band], BAND_EDGES_HZ[band + 1]);
        let last = band == NUM_BANDS - 1;
        for (bin, &freq) in spectrum.iter_mut().zip(&c.bin_freq_hz) {
            if freq >= lo && (freq < hi || last) {
                *bin = *bin * c.gains_linear[band];
            }
        }
    }
}

/// Processes `input` with `strategy`.
fn render(strategy: Strategy, c: &Chunker<f32>, input: &[f32], output: &mut [f32]) {
    let mut scratch = Scratch::new(c);
    match strategy {
        Strategy::PerBandLoop => c.run(input, output, &mut scratch, |s, _| per_band_loop(c, s)),
        Strategy::VectorizedCurve => c.run(input, output, &mut scratch, |s, curve| {
            for (g, &band) in curve.iter_mut().zip(&c.band_of_bin) {
                *g = c.gains_linear[band as usize];
            }
            for (bin, &g) in s.iter_mut().zip(curve.iter()) {
                *bin *= g;
            }
        }),
        Strategy::PrecomputedCurve => c.run(input, output, &mut scratch, |s, _| {
            for (bin, &g) in s.iter_mut().zip(&c.curve) {
                *bin *= g;
            }
        }),
        Strategy::ThreadsPerBand => c.run(input, output, &mut scratch, |s, _| {
            let mut rest = s;
            let mut slices = Vec::with_capacity(NUM_BANDS);
            for range in &c.band_bins {
                let (band, tail) = rest.split_at_mut(range.len());
                slices.push(band);
                rest = tail;
            }
            slices
                .into_par_iter()
                .zip(c.gains_linear.par_iter())
                .for_each(|(band, &g)| band.iter_mut().for_each(|bin| *bin *= g));
        }),
        Strategy::ParallelChunks => input
            .par_chunks_exact(CHUNK)
            .zip(output.par_chunks_exact_mut(CHUNK))
            .for_each_init(
                || Scratch::new(c),
                |s, (x, y)| {
                    c.chunk(x, y, s, &mut |spec, _| {
                        for (bin, &g) in spec.iter_mut().zip(&c.curve) {
                            *bin *= g;
                        }
                    })
                },
            ),
    }
}

/// Pearson correlation and mean squared error of `a` against the f64 reference.
fn accuracy(reference: &[f64], a: &[f32]) -> (f64, f64) {
    let n = reference.len() as f64;
    let mean_r = reference.iter().sum::<f64>() / n;
    let mean_a = a.iter().map(|&x| x as f64).sum::<f64>() / n;
    let (mut cov, mut var_r, mut var_a, mut sq) = (0.0, 0.0, 0.0, 0.0);
    for (&r, &x) in reference.iter().zip(a) {
        let (dr, da) = (r - mean_r, x as f64 - mean_a);
        cov += dr * da;
        var_r += dr * dr;
        var_a += da * da;
        sq += (r - x as f64).powi(2);
    }
    (cov / (var_r * var_a).sqrt(), sq / n)
}

/// Prints the accuracy table: every strategy against the per-band loop in f64.
fn print_accuracy(input: &[f32]) {
    let reference_chunker = Chunker::<f64>::new();
    let input_f64: Vec<f64> = input.iter().map(|&x| x as f64).collect();
    let mut reference = vec![0.0f64; input.len()];
    let mut scratch = Scratch::new(&reference_chunker);
    reference_chunker.run(&input_f64, &mut reference, &mut scratch, |s, _| {
        per_band_loop(&reference_chunker, s)
    });
    let chunker = Chunker::<f32>::new();
    println!(
        "accuracy against the per-band loop in f64 ({} samples):",
        input.len()
    );
    println!("| strategy | correlation | MSE |\n|---|---|---|");
    for strategy in STRATEGIES {
        let mut output = vec![0.0f32; input.len()];
        render(strategy, &chunker, input, &mut output);
        let (correlation, mse) = accuracy(&reference, &output);
        println!("| {strategy:?} | {correlation:.12} | {mse:.3e} |");
    }
}

fn bench_strategies(c: &mut Criterion) {
    let quick = bench_common::quick();
    let lengths: Vec<usize> = if quick { vec![1] } else { LENGTHS_S.to_vec() };
    let longest = lengths.iter().max().copied().unwrap_or(1) * RATE_HZ as usize / CHUNK * CHUNK;
    let signal = mono_white_noise(42, longest);
    print_accuracy(&signal[..(RATE_HZ as usize * lengths[0]) / CHUNK * CHUNK]);

    let chunker = Chunker::<f32>::new();
    let mut group = c.benchmark_group("eq_strategies");
    for &seconds in &lengths {
        let len = seconds * RATE_HZ as usize / CHUNK * CHUNK;
        let input = &signal[..len];
        let mut output = vec![0.0f32; len];
        for strategy in STRATEGIES {
            let id = BenchmarkId::new(format!("{strategy:?}"), format!("{seconds}s"));
            group.bench_function(id, |b| {
                b.iter(|| render(strategy, &chunker, input, &mut output));
            });
        }
    }
    group.finish();
}

fn main() {
    let mut criterion = bench_common::criterion();
    bench_strategies(&mut criterion);
    criterion.final_summary();
}
