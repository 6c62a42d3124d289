//! A positional split render: an uncompressed WAV file rendered to WAV on every thread of the
//! rayon pool, each thread streaming whole regions of the file through its own engine and
//! writing every block of output at its place in the output file. Nothing is handed between
//! threads, nothing waits for the file order, and the buffers are one block per thread, so
//! regions can be long: a 120 s file at FFT 4096 on two threads is 16 regions (15 restarts of
//! an engine, each costing its warm-up and lookahead) where segments written in order need 28.
//!
//! Regions are guided self-scheduling ([`SegmentPlan::region_len`]): a thread that is free
//! takes the next region, half of what is left per thread, never under the plan's tail length,
//! so the threads finish within a short region of each other. Every region is rendered exactly
//! as a split segment is (`segments.rs`): a reset engine fed from the warm-up before the
//! region's first output frame to its last frame plus the latency, silence past the end of the
//! file. The output is byte-identical to one pass (tests in `pipeline_tests.rs`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use bark_eq_audio::{PcmFrameReader, PcmFrames};
use bark_eq_dsp::{Engine, EqSettings};
use indicatif::ProgressBar;

use crate::cancel;
use crate::encode::ChunkEncoder;
use crate::error::FileError;
use crate::output::{PositionalWriter, Unsynced};
use crate::pipeline::EngineSpec;
use crate::segments::SegmentPlan;

/// Written bytes of a region handed to the disk at a time (and whatever is left at the region's
/// end, so the `fsync` before the rename waits only for the last, short regions). Twice the
/// in-order writer's [`crate::output::WRITEBACK_BYTES`]: two threads submit, and on this
/// project's 2-core virtual machine 4 MiB gave a 120 s render with `--jobs 2` 78.5 ms against
/// 84.1 ms with 2 MiB (medians of 31 runs in alternation, 2026-11-30).
const REGION_WRITEBACK_BYTES: u64 = 4 << 20;

/// A run of output frames rendered by one engine from a restart.
#[derive(Debug, Clone, Copy)]
struct Region {
    /// First output frame.
    start: u64,
    /// One past the last output frame.
    end: u64,
}

/// What the threads of one file share.
struct Shared<'w, 'f, 'k> {
    /// Where the input frames are.
    input: &'f PcmFrames,
    /// Writes output blocks at their places.
    writer: &'w PositionalWriter<'f>,
    /// Encodes output blocks.
    encoder: &'k ChunkEncoder,
    /// How regions and blocks are cut.
    plan: SegmentPlan,
    /// How the other threads make their engines.
    engine_spec: EngineSpec,
    /// First output frame of the next region to take.
    next_start: Mutex<u64>,
    /// Set by the first error; the other threads stop at their next block.
    stopped: AtomicBool,
    /// The first error.
    error: Mutex<Option<FileError>>,
    /// Advanced by the output frames written.
    progress: &'f ProgressBar,
}

/// One thread's engine and buffers, made when it takes its first region.
struct Worker {
    /// The engine (reset for every region).
    engine: Engine,
    /// Reads the input with a file handle of its own.
    reader: PcmFrameReader,
    /// One block of input planes, rendered in place.
    planes: Vec<Vec<f32>>,
    /// One block of encoded output.
    bytes: Vec<u8>,
}

/// Renders the file whose frames are `input` through `writer` on every thread of the current
/// rayon pool: `engine` on this thread, one made with `settings` on each other thread that
/// takes a region. The caller finishes the writer.
pub fn run(
    input: &PcmFrames,
    engine: Engine,
    plan: SegmentPlan,
    settings: &EqSettings,
    encoder: &ChunkEncoder,
    writer: &PositionalWriter<'_>,
    progress: &ProgressBar,
) -> Result<(), FileError> {
    debug_assert!(plan.warmup.is_some(), "a positional render is a split one");
    let shared = Shared {
        input,
        writer,
        encoder,
        plan,
        engine_spec: EngineSpec::of(&engine, settings),
        next_start: Mutex::new(0),
        stopped: AtomicBool::new(false),
        error: Mutex::new(None),
        progress,
    };
    rayon::scope(|scope| {
        let shared = &shared;
        for _ in 1..rayon::current_num_threads() {
            scope.spawn(move |_| shared.stop_on_error(shared.work(None)));
        }
        shared.stop_on_error(shared.work(Some(engine)));
    });
    match shared.error.into_inner().unwrap_or_else(|e| e.into_inner()) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

impl Shared<'_, '_, '_> {
    /// One thread: takes and renders regions until there are none left or a thread failed.
    fn work(&self, engine: Option<Engine>) -> Result<(), FileError> {
        let mut engine = engine;
        let mut worker = None;
        while let Some(region) = self.take() {
            let worker = match &mut worker {
                Some(worker) => worker,
                None => worker.insert(self.worker(engine.take())?),
            };
            self.render(region, worker)?;
        }
        Ok(())
    }

    /// The next region, or `None` when the file is done or the render stopped.
    fn take(&self) -> Option<Region> {
        let total = self.input.frames();
        let mut next_start = self.next_start.lock().unwrap_or_else(|e| e.into_inner());
        let start = *next_start;
        if start >= total || self.stopped.load(Ordering::Relaxed) {
            return None;
        }
        let end = (start + self.plan.region_len(start, total)).min(total);
        *next_start = end;
        Some(Region { start, end })
    }

    /// A thread's engine (`engine`, or a new one) and buffers.
    fn worker(&self, engine: Option<Engine>) -> Result<Worker, FileError> {
        let engine = match engine {
            Some(engine) => engine,
            None => self.engine_spec.build()?,
        };
        Ok(Worker {
            engine,
            reader: self.input.reader()?,
            planes: vec![
                Vec::with_capacity(self.plan.block_frames);
                self.engine_spec.num_channels()
            ],
            bytes: Vec::new(),
        })
    }

    /// Renders `region` block by block and writes its output frames.
    fn render(&self, region: Region, worker: &mut Worker) -> Result<(), FileError> {
        let Worker {
            engine,
            reader,
            planes,
            bytes,
        } = worker;
        let warmup = self.plan.warmup.unwrap_or(0) as u64;
        let latency = self.plan.latency as u64;
        engine.reset();
        let mut unsynced = Unsynced::new(REGION_WRITEBACK_BYTES);
        // The engine's output frame at input frame i is output frame i − latency.
        let mut at = region.start.saturating_sub(warmup);
        let input_end = region.end + latency;
        while at < input_end {
            if cancel::is_cancelled() {
                return Err(FileError::Cancelled);
            }
            if self.stopped.load(Ordering::Relaxed) {
                return Ok(());
            }
            let frames = (input_end - at).min(self.plan.block_frames as u64) as usize;
            reader.read_padded(at, frames, planes)?;
            let mut channels: Vec<&mut [f32]> = planes.iter_mut().map(Vec::as_mut_slice).collect();
            engine.process(&mut channels);
            // Output frames [first, last) of this block that belong to the region.
            let block_output = at.saturating_sub(latency);
            let first = region.start.max(block_output);
            let last = region.end.min((at + frames as u64).saturating_sub(latency));
            if first < last {
                let from = (first + latency - at) as usize;
                let to = (last + latency - at) as usize;
                let views: Vec<&[f32]> = planes.iter().map(|p| &p[from..to]).collect();
                let chunk = self.encoder.encode(&views, first, std::mem::take(bytes))?;
                self.writer.write(&chunk, &mut unsynced)?;
                *bytes = chunk.bytes;
                self.progress.inc(last - first);
            }
            at += frames as u64;
        }
        self.writer.flush(&mut unsynced);
        Ok(())
    }

    /// Records the first error of any thread and tells the others to stop.
    fn stop_on_error(&self, result: Result<(), FileError>) {
        if let Err(error) = result {
            self.stopped.store(true, Ordering::Relaxed);
            let mut first = self.error.lock().unwrap_or_else(|e| e.into_inner());
            first.get_or_insert(error);
        }
    }
}
