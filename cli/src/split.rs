//! A split render: one worker per thread of the current rayon pool, each with its own engine,
//! takes the next segment from the feeder (decoding it), renders and encodes it and hands it
//! in; whoever hands in the segment that is next in file order writes it, and every later one
//! already done. Decoding, rendering, encoding and writing so overlap on all threads with no
//! barrier between rounds of segments, and the file is still written in order. An
//! uncompressed WAV file is not even decoded under the feeder's lock: the feeder hands out
//! segments unread and each worker reads its segment's input with a file handle of its own.
//!
//! Two locks, always taken in this order: the intake (the feeder) and the queue (segments
//! done, the next one to write, spare buffers). The writer holds neither while it writes.

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex, MutexGuard};

use bark_eq_audio::PcmFrames;
use bark_eq_dsp::{Engine, EqSettings};

use crate::encode::ChunkEncoder;
use crate::error::FileError;
use crate::pipeline::{render_segment, EngineSpec, Rendered, Sink};
use crate::segments::{Feeder, Segment, SegmentPlan, Spare};

/// Segments that may be taken beyond the oldest one not yet written, besides one per pool
/// thread: enough that a thread need not wait while another writes, few enough that a stalled
/// thread holds up little memory (every segment holds its input and its encoded output, and
/// fresh buffers cost page faults).
const SEGMENTS_AHEAD: u64 = 1;

/// The feeder side: who takes the next segment.
struct Intake<'f, 'a> {
    /// Cuts the input into segments.
    feeder: &'f mut Feeder<'a>,
    /// Index of the next segment the feeder hands out.
    next_index: u64,
}

/// The writer side.
struct Queue {
    /// Rendered segments waiting for the ones before them, by index.
    done: BTreeMap<u64, Rendered>,
    /// Index of the next segment to write.
    next_to_write: u64,
    /// A worker is writing (others leave their segment in `done`).
    writing: bool,
    /// Buffers of written segments, for the feeder.
    spares: Vec<Spare>,
    /// The first error; once set, no more segments are taken or written.
    error: Option<FileError>,
}

/// What all workers of one file share.
struct Shared<'f, 'a, 's, 'k> {
    /// The feeder.
    intake: Mutex<Intake<'f, 'a>>,
    /// Segments done and the writer's state.
    queue: Mutex<Queue>,
    /// Signalled when a segment was written or an error stopped the render.
    progressed: Condvar,
    /// Where segments are written (only the worker that is writing locks it).
    sink: Mutex<&'s mut Sink<'k>>,
    /// The sink's encoder, used by every worker.
    encoder: Option<&'k ChunkEncoder>,
    /// The plan's latency, for rendering.
    latency: usize,
    /// How the other threads make their engines.
    engine_spec: EngineSpec,
    /// Where the input is, if every thread reads its segments' input itself.
    random_access: Option<PcmFrames>,
    /// Segments that may be taken beyond the oldest one not yet written.
    max_ahead: u64,
}

/// Renders everything `feeder` hands out into `sink` on every thread of the current rayon
/// pool: `engine` on this thread, a new one made with `settings` (for their FFT size only) on
/// each of the others once it takes a segment.
pub fn run(
    feeder: &mut Feeder<'_>,
    engine: Engine,
    plan: SegmentPlan,
    settings: &EqSettings,
    sink: &mut Sink<'_>,
) -> Result<(), FileError> {
    let threads = rayon::current_num_threads();
    let random_access = feeder.random_access().cloned();
    let shared = Shared {
        intake: Mutex::new(Intake {
            feeder,
            next_index: 0,
        }),
        queue: Mutex::new(Queue {
            done: BTreeMap::new(),
            next_to_write: 0,
            writing: false,
            spares: Vec::new(),
            error: None,
        }),
        progressed: Condvar::new(),
        encoder: sink.encoder,
        sink: Mutex::new(sink),
        latency: plan.latency,
        engine_spec: EngineSpec::of(&engine, settings),
        random_access,
        max_ahead: threads as u64 + SEGMENTS_AHEAD,
    };
    rayon::scope(|scope| {
        let shared = &shared;
        for _ in 1..threads {
            scope.spawn(move |_| shared.stop_on_error(shared.work(None)));
        }
        shared.stop_on_error(shared.work(Some(engine)));
    });
    let queue = shared.queue.into_inner().unwrap_or_else(|e| e.into_inner());
    match queue.error {
        Some(error) => Err(error),
        None => {
            debug_assert!(queue.done.is_empty(), "segments left unwritten");
            Ok(())
        }
    }
}

impl Shared<'_, '_, '_, '_> {
    /// One worker: takes, renders and hands in segments until there are none left, on
    /// `engine` or, from its first segment on, on a new one (a thread that comes late to a
    /// finished file makes none).
    fn work(&self, mut engine: Option<Engine>) -> Result<(), FileError> {
        let mut reader = None;
        while let Some((index, mut segment)) = self.take()? {
            if let Some(frames) = &self.random_access {
                let reader = match &mut reader {
                    Some(reader) => reader,
                    None => reader.insert(frames.reader()?),
                };
                segment.read_input(reader)?;
            }
            let engine = match &mut engine {
                Some(engine) => engine,
                None => engine.insert(self.engine_spec.build()?),
            };
            let rendered = render_segment(segment, engine, self.latency, self.encoder)?;
            self.hand_in(index, rendered)?;
        }
        Ok(())
    }

    /// The next segment and its index, once it is no more than `max_ahead` segments beyond
    /// the oldest one not yet written; `None` when the file is done or the render stopped.
    fn take(&self) -> Result<Option<(u64, Segment)>, FileError> {
        let mut intake = self.intake.lock().unwrap_or_else(|e| e.into_inner());
        let mut queue = self.lock_queue();
        while queue.error.is_none() && intake.next_index >= queue.next_to_write + self.max_ahead {
            queue = self
                .progressed
                .wait(queue)
                .unwrap_or_else(|e| e.into_inner());
        }
        if queue.error.is_some() {
            return Ok(None);
        }
        for spare in queue.spares.drain(..) {
            intake.feeder.recycle(spare);
        }
        drop(queue);
        let index = intake.next_index;
        let segment = intake.feeder.next_segment()?;
        intake.next_index += u64::from(segment.is_some());
        Ok(segment.map(|segment| (index, segment)))
    }

    /// Hands in segment `index`; writes it, and the segments after it that are done, if it is
    /// the next one to write and no other worker is writing.
    fn hand_in(&self, index: u64, rendered: Rendered) -> Result<(), FileError> {
        let mut queue = self.lock_queue();
        queue.done.insert(index, rendered);
        if queue.writing {
            return Ok(());
        }
        queue.writing = true;
        loop {
            let next = queue.next_to_write;
            let Some(rendered) = queue.done.remove(&next).filter(|_| queue.error.is_none()) else {
                queue.writing = false;
                return Ok(());
            };
            drop(queue);
            let written = self
                .sink
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take(rendered);
            queue = self.lock_queue();
            match written {
                Ok(spare) => {
                    queue.spares.push(spare);
                    queue.next_to_write += 1;
                    self.progressed.notify_all();
                }
                Err(error) => {
                    queue.writing = false;
                    return Err(error);
                }
            }
        }
    }

    /// Records the first error of any worker and wakes the others so that they stop.
    fn stop_on_error(&self, result: Result<(), FileError>) {
        if let Err(error) = result {
            let mut queue = self.lock_queue();
            queue.error.get_or_insert(error);
            self.progressed.notify_all();
        }
    }

    /// The queue (a poisoned lock only means another worker panicked; its state is whole).
    fn lock_queue(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}
