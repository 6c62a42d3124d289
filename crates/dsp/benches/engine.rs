//! The full engine against its floor: stereo 48 kHz noise in host blocks of 512 with the band
//! gains automated, every FFT size and both curve modes; the bare FFTs the engine performs,
//! same sizes, preallocated; the curve rebuild; and the heap `activate` takes.
//!
//! Each iteration processes one second of audio, so the time per iteration is the CPU time per
//! second of audio and its inverse the real-time factor (`scripts/bench_report.py` tabulates).
//! Run: `cargo bench --bench engine`; smoke: `BARK_EQ_BENCH_QUICK=1 cargo bench`.

mod bench_common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use bark_eq_dsp::kernels;
use bark_eq_dsp::window::HOP_DIVISOR;
use bark_eq_dsp::{fill_gain_curve, BinLayout, CurveMode, Engine, EqSettings, FftSize, NUM_BANDS};
use bark_eq_fft::{Complex32, Fft, Planner};
use bark_eq_testkit::mono_white_noise;
use criterion::{BatchSize, BenchmarkId, Criterion};

/// Counts heap allocations so the harness can report what `activate` takes and prove that
/// processing takes nothing.
struct CountingAllocator;

/// Bytes allocated so far (never decremented).
static ALLOCATED_BYTES: AtomicUsize = AtomicUsize::new(0);
/// Number of allocations so far.
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator and only adds relaxed counters.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED_BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED_BYTES.fetch_add(new_size, Ordering::Relaxed);
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Allocations and bytes allocated while running `f`.
fn count_allocations<R>(f: impl FnOnce() -> R) -> (R, usize, usize) {
    let (count, bytes) = (
        ALLOCATIONS.load(Ordering::SeqCst),
        ALLOCATED_BYTES.load(Ordering::SeqCst),
    );
    let result = f();
    let count = ALLOCATIONS.load(Ordering::SeqCst) - count;
    let bytes = ALLOCATED_BYTES.load(Ordering::SeqCst) - bytes;
    (result, count, bytes)
}

const RATE_HZ: f32 = 48_000.0;
const HOST_BLOCK: usize = 512;
const CHANNELS: usize = 2;

/// One second of stereo noise.
fn stereo_second(seconds: f32) -> Vec<Vec<f32>> {
    let len = (RATE_HZ * seconds) as usize;
    (0..CHANNELS as u64)
        .map(|c| mono_white_noise(7 + c, len))
        .collect()
}

/// A stereo 48 kHz engine settled at FFT size `size` in curve mode `mode`, and its settings.
fn engine_at(size: FftSize, mode: CurveMode) -> (Engine, EqSettings) {
    let settings = EqSettings {
        curve_mode: mode,
        fft_size: size,
        ..EqSettings::default()
    };
    let engine = Engine::new(RATE_HZ, CHANNELS, &settings).expect("48 kHz");
    (engine, settings)
}

/// Runs `audio` through `engine` in host blocks, automating one band per block.
fn process_automated(engine: &mut Engine, settings: &mut EqSettings, audio: &mut [Vec<f32>]) {
    let len = audio[0].len();
    let (left, right) = audio.split_at_mut(1);
    for (block, start) in (0..len).step_by(HOST_BLOCK).enumerate() {
        let end = (start + HOST_BLOCK).min(len);
        let band = block % NUM_BANDS;
        settings.band_gains_db[band] = ((block % 49) as f32 - 24.0) * 0.5;
        engine.apply(settings);
        engine.process(&mut [&mut left[0][start..end], &mut right[0][start..end]]);
    }
}

/// The engine's own floor at one FFT size: one forward and one inverse complex FFT of N
/// points per frame (both channels packed as L + iR), called exactly as the engine calls
/// them: the forward reads its input without changing it, the inverse writes a separate
/// output. Optionally with one curve pass in between, the least any FFT equalizer adds.
struct ComplexFloor {
    forward: std::sync::Arc<dyn Fft<f32>>,
    inverse: std::sync::Arc<dyn Fft<f32>>,
    input: Vec<Complex32>,
    spectrum: Vec<Complex32>,
    output: Vec<Complex32>,
    scratch: Vec<Complex32>,
    /// A flat curve, interleaved like the engine's.
    gains: Vec<f32>,
}

impl ComplexFloor {
    fn new(n: usize) -> Self {
        let mut planner = Planner::new();
        let (forward, inverse) = (planner.complex_forward(n), planner.complex_inverse(n));
        let noise = mono_white_noise(3, n);
        let input: Vec<Complex32> = noise.iter().map(|&x| Complex32::new(x, -x)).collect();
        let scratch_len = forward
            .get_immutable_scratch_len()
            .max(inverse.get_outofplace_scratch_len());
        Self {
            forward,
            inverse,
            spectrum: input.clone(),
            output: input.clone(),
            input,
            scratch: vec![Complex32::default(); scratch_len],
            gains: vec![1.0 / n as f32; 2 * n],
        }
    }

    /// `frames` forward + inverse pairs, with the curve pass between them if `curve`.
    fn run(&mut self, frames: usize, curve: bool) {
        for _ in 0..frames {
            let spectrum = &mut self.spectrum;
            let scratch = &mut self.scratch;
            self.forward
                .process_immutable_with_scratch(&self.input, spectrum, scratch);
            if curve {
                kernels::apply_gains(kernels::as_floats_mut(spectrum), &self.gains);
            }
            self.inverse
                .process_outofplace_with_scratch(spectrum, &mut self.output, scratch);
            black_box(&mut self.output);
        }
    }
}

/// Engine / floor measured in alternation: on a shared machine whose speed drifts by ±15 %
/// within minutes, Criterion's tables (engine and floor measured seconds apart) cannot
/// resolve a ratio near 1. Here every round times one second of audio through the engine
/// (both modes) and the same frames through the floors back to back; the fastest of the
/// rounds is each one's least-disturbed time.
fn print_paired_ratios() {
    let rounds = if bench_common::quick() { 2 } else { 200 };
    let input = stereo_second(seconds_per_iteration());
    let seconds = seconds_per_iteration();
    println!(
        "engine vs floor, fastest of {rounds} alternating rounds (ms per {seconds} s of audio):"
    );
    println!(
        "| FFT | floor | floor + curve pass | Smooth | Bands | Smooth / floor | Bands / floor \
         | Smooth / (floor + curve) | Bands / (floor + curve) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for size in FftSize::ALL {
        let n = size.base_size();
        let frames = input[0].len() / (n / HOP_DIVISOR);
        let mut floor = ComplexFloor::new(n);
        let mut engines = [CurveMode::Smooth, CurveMode::Bands].map(|mode| engine_at(size, mode));
        let mut audio = input.clone();
        let mut fastest = [f64::MAX; 4];
        let mut time = |slot: usize, run: &mut dyn FnMut()| {
            let start = Instant::now();
            run();
            fastest[slot] = fastest[slot].min(start.elapsed().as_secs_f64() * 1e3);
        };
        for _ in 0..rounds {
            time(0, &mut || floor.run(frames, false));
            time(1, &mut || floor.run(frames, true));
            for (slot, (engine, settings)) in engines.iter_mut().enumerate() {
                audio.clone_from(&input);
                time(2 + slot, &mut || {
                    process_automated(engine, settings, &mut audio)
                });
            }
        }
        let [bare, curve, smooth, bands] = fastest;
        println!(
            "| {n} | {bare:.3} | {curve:.3} | {smooth:.3} | {bands:.3} | {:.2} | {:.2} | {:.2} | {:.2} |",
            smooth / bare,
            bands / bare,
            smooth / curve,
            bands / curve
        );
    }
}

/// Prints the heap taken by activation (per rate, and per FFT size at 48 kHz) and the
/// allocations made while processing (must be 0).
fn print_heap_report() {
    println!("heap allocated by Engine::new (activate), stereo:");
    println!("| sample rate | bytes | allocations |\n|---|---|---|");
    for rate in [44_100.0, 48_000.0, 96_000.0, 192_000.0] {
        let (engine, count, bytes) =
            count_allocations(|| Engine::new(rate, CHANNELS, &EqSettings::default()));
        drop(black_box(engine));
        println!("| {rate} | {bytes} | {count} |");
    }
    println!("per FFT size at 48 kHz (plans + windows + tables + 2 channels' buffers):");
    println!("| FFT size | bytes |\n|---|---|");
    for size in FftSize::ALL {
        let n = size.base_size();
        let (parts, _, bytes) = count_allocations(|| {
            let filter = bark_eq_dsp::stft::SpectralFilter::new(&[n]);
            let layout = BinLayout::new(n, RATE_HZ);
            let pair = bark_eq_dsp::stft::StftLane::<Complex32>::new(n);
            (filter, layout, pair, vec![0.0f32; n / 2 + 1])
        });
        drop(black_box(parts));
        println!("| {n} | {bytes} |");
    }
    let mut settings = EqSettings::default();
    let mut engine = Engine::new(RATE_HZ, CHANNELS, &settings).expect("48 kHz");
    let mut audio = stereo_second(2.0);
    let ((), count, bytes) =
        count_allocations(|| process_automated(&mut engine, &mut settings, &mut audio));
    println!("allocations while processing 2 s with automation: {count} ({bytes} bytes)");
    assert_eq!(count, 0, "the audio path allocated");
}

/// Seconds of audio per iteration.
fn seconds_per_iteration() -> f32 {
    if bench_common::quick() {
        0.1
    } else {
        1.0
    }
}

/// The engine at FFT size `size` in both curve modes.
fn bench_engine(c: &mut Criterion, size: FftSize) {
    let input = stereo_second(seconds_per_iteration());
    let mut group = c.benchmark_group("engine");
    for mode in [CurveMode::Smooth, CurveMode::Bands] {
        let (mut engine, mut settings) = engine_at(size, mode);
        let id = BenchmarkId::new(format!("{mode:?}"), size.base_size());
        // Fresh input for every iteration, copied outside the timed part.
        group.bench_function(id, |b| {
            b.iter_batched_ref(
                || input.clone(),
                |audio| process_automated(&mut engine, &mut settings, audio),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

/// The floor at FFT size `size`: the FFTs the engine performs for one second of stereo
/// audio, nothing else.
fn bench_floor(c: &mut Criterion, size: FftSize) {
    let seconds = seconds_per_iteration();
    let mut group = c.benchmark_group("floor");
    let n = size.base_size();
    let frames = (RATE_HZ * seconds) as usize / (n / HOP_DIVISOR);
    // Two real FFT pairs per frame (one per channel).
    let mut planner = Planner::new();
    let forward = planner.real_forward(n);
    let inverse = planner.real_inverse(n);
    // Zeros, so the unnormalised round trips stay finite (as below).
    let mut time = vec![0.0f32; n];
    let mut spectrum = vec![Complex32::default(); n / 2 + 1];
    let scratch_len = forward.get_scratch_len().max(inverse.get_scratch_len());
    let mut scratch = vec![Complex32::default(); scratch_len];
    group.bench_function(BenchmarkId::new("real_pair_x2", n), |b| {
        b.iter(|| {
            for _ in 0..frames * CHANNELS {
                let _ = forward.process_with_scratch(&mut time, &mut spectrum, &mut scratch);
                spectrum[0].im = 0.0;
                spectrum[n / 2].im = 0.0;
                let _ = inverse.process_with_scratch(&mut spectrum, &mut time, &mut scratch);
            }
        })
    });
    // The engine's own floor, and the same with one curve pass (see `ComplexFloor`).
    let mut floor = ComplexFloor::new(n);
    group.bench_function(BenchmarkId::new("complex_pair", n), |b| {
        b.iter(|| floor.run(frames, false))
    });
    group.bench_function(BenchmarkId::new("complex_pair_curve", n), |b| {
        b.iter(|| floor.run(frames, true))
    });
    // The same transforms in place, for comparison. An unnormalised round trip grows the
    // values N-fold, so the buffer holds zeros and stays finite (FFT time does not depend
    // on the values).
    let mut buffer = vec![Complex32::default(); n];
    let ComplexFloor {
        forward, inverse, ..
    } = &mut floor;
    let mut scratch = vec![Complex32::default(); forward.get_inplace_scratch_len()];
    group.bench_function(BenchmarkId::new("complex_pair_inplace", n), |b| {
        b.iter(|| {
            for _ in 0..frames {
                forward.process_with_scratch(&mut buffer, &mut scratch);
                inverse.process_with_scratch(&mut buffer, &mut scratch);
                black_box(&mut buffer);
            }
        })
    });
    group.finish();
}

/// The parts of one hop of the engine at FFT size `size`, for one channel pair, so the
/// report can say where the time above the floor goes: the sample exchange (store the hop's
/// input, read its output), the Hann + curve pass, a bare curve pass for comparison, the
/// whole frame (FFTs included) and the FFT pair alone.
fn bench_parts(c: &mut Criterion, size: FftSize) {
    use bark_eq_dsp::stft::{SpectralFilter, StftLane, StreamPosition};
    use bark_eq_dsp::window::wola_scale;
    // As in `Engine::process`: the curve pass below repeats on its own output, which decays
    // towards subnormals that would otherwise take microcode assists.
    let _flush_denormals = bark_eq_dsp::denormal::DenormalGuard::new();
    let mut group = c.benchmark_group("parts");
    let n = size.base_size();
    let hop = n / HOP_DIVISOR;
    let mut filter = SpectralFilter::new(&[n]);
    filter.set_curve(0, &vec![1.0; n / 2 + 1], 0..n / 2 + 1, wola_scale(n));
    let mut lane = StftLane::<Complex32>::new(n);
    let at = StreamPosition::default();
    let (mut a, mut b) = (mono_white_noise(1, hop), mono_white_noise(2, hop));
    group.bench_function(BenchmarkId::new("exchange_pair_per_hop", n), |bench| {
        bench.iter(|| filter.exchange_pair(0, &mut lane, [&mut a, &mut b], at, 1.0e6))
    });
    group.bench_function(BenchmarkId::new("frame_pair", n), |bench| {
        bench.iter(|| filter.filter_frame_pair(0, &mut lane, at, None))
    });
    let mut floor = ComplexFloor::new(n);
    group.bench_function(BenchmarkId::new("fft_pair", n), |bench| {
        bench.iter(|| floor.run(1, false))
    });
    let gains = vec![wola_scale(n); 2 * n];
    let mut spectrum = floor.input.clone();
    let mut filtered = floor.input.clone();
    group.bench_function(BenchmarkId::new("hann_curve_pass", n), |bench| {
        bench.iter(|| kernels::hann_spectrum(black_box(&mut filtered), &spectrum, Some(&gains)))
    });
    group.bench_function(BenchmarkId::new("curve_pass", n), |bench| {
        bench
            .iter(|| kernels::apply_gains(kernels::as_floats_mut(black_box(&mut spectrum)), &gains))
    });
    group.finish();
}

/// Rebuilding the curve when a gain moves (at most once per hop).
fn bench_curve_rebuild(c: &mut Criterion) {
    let mut group = c.benchmark_group("curve_rebuild");
    let gains: [f32; NUM_BANDS] = std::array::from_fn(|b| (b as f32 * 0.7) % 24.0 - 12.0);
    for size in [FftSize::N4096, FftSize::N16384] {
        let layout = BinLayout::new(size.base_size(), RATE_HZ);
        let mut curve = vec![0.0f32; layout.num_bins()];
        for mode in [CurveMode::Smooth, CurveMode::Bands] {
            let id = BenchmarkId::new(format!("{mode:?}"), size.base_size());
            group.bench_function(id, |b| {
                b.iter(|| fill_gain_curve(mode, &layout, black_box(&gains), 0.0, 1.0, &mut curve))
            });
        }
    }
    group.finish();
}

fn main() {
    print_heap_report();
    print_paired_ratios();
    let mut criterion = bench_common::criterion();
    bench_curve_rebuild(&mut criterion);
    for size in [FftSize::N1024, FftSize::N4096] {
        bench_parts(&mut criterion, size);
    }
    // Each size's floor right before its engine runs, so both see the same machine load.
    for size in FftSize::ALL {
        bench_floor(&mut criterion, size);
        bench_engine(&mut criterion, size);
    }
    criterion.final_summary();
}
