//! Rendering a file's segments: in order on one engine (sequential), or on every thread of
//! the pool with one reset engine per segment (split), decoding the next wave of segments and
//! writing the previous one while the current one renders.

use std::ops::Range;
use std::sync::Mutex;

use bark_eq_dsp::{Engine, EqSettings};
use rayon::prelude::*;

use crate::encode::{ChunkEncoder, EncodedChunk};
use crate::error::FileError;
use crate::loudness::Meter;
use crate::output::OutputFile;
use crate::segments::{Feeder, Segment, SegmentPlan, Spare};

/// Segments per pool thread in one wave of a split render (2: a thread that finishes early
/// finds work while the slowest segment of the wave still runs).
const SEGMENTS_PER_THREAD: usize = 2;

/// Where rendered segments go, in order.
pub struct Sink<'a> {
    /// Encodes the output (none: the output is only measured).
    pub encoder: Option<&'a ChunkEncoder>,
    /// The file written (none: the output is only measured).
    pub file: Option<&'a mut OutputFile>,
    /// Measures the output (`--report`, `--match-loudness`).
    pub meter: Option<&'a mut Meter>,
}

/// A rendered segment and its encoded output.
pub struct Rendered {
    /// The segment, its planes now holding output.
    segment: Segment,
    /// Where the segment's output frames are in its planes.
    range: Range<usize>,
    /// The encoded output, if there is an encoder.
    encoded: Option<EncodedChunk>,
}

impl Sink<'_> {
    /// Takes the next rendered segment (segments arrive in file order) and hands back its
    /// buffers.
    fn take(&mut self, rendered: Rendered) -> Result<Spare, FileError> {
        if let Some(meter) = self.meter.as_deref_mut() {
            meter.add(&output_views(&rendered.segment, &rendered.range))?;
        }
        if let (Some(file), Some(chunk)) = (self.file.as_deref_mut(), &rendered.encoded) {
            file.write_chunk(chunk)?;
        }
        Ok(Spare {
            planes: rendered.segment.planes,
            bytes: rendered.encoded.map(|c| c.bytes).unwrap_or_default(),
        })
    }
}

/// The output frames of a rendered segment, one slice per channel.
fn output_views<'s>(segment: &'s Segment, range: &Range<usize>) -> Vec<&'s [f32]> {
    segment
        .planes
        .iter()
        .map(|plane| &plane[range.clone()])
        .collect()
}

/// Renders one segment on `engine` and encodes its output.
fn render_segment(
    mut segment: Segment,
    engine: &mut Engine,
    latency: usize,
    encoder: Option<&ChunkEncoder>,
) -> Result<Rendered, FileError> {
    let range = segment.render(engine, latency);
    let encoded = match encoder {
        Some(encoder) => {
            let buffer = std::mem::take(&mut segment.bytes);
            let views = output_views(&segment, &range);
            Some(encoder.encode(&views, segment.output_start, buffer)?)
        }
        None => None,
    };
    Ok(Rendered {
        segment,
        range,
        encoded,
    })
}

/// Renders everything `feeder` hands out into `sink`, on `engine` alone (sequential plan) or
/// on every thread of the current rayon pool (split plan; further engines are made with
/// `settings`).
pub fn run(
    feeder: &mut Feeder<'_>,
    mut engine: Engine,
    plan: SegmentPlan,
    settings: &EqSettings,
    sink: &mut Sink<'_>,
) -> Result<(), FileError> {
    if plan.warmup.is_none() {
        while let Some(segment) = feeder.next_segment()? {
            let rendered = render_segment(segment, &mut engine, plan.latency, sink.encoder)?;
            feeder.recycle(sink.take(rendered)?);
        }
        return Ok(());
    }
    let (rate_hz, num_channels) = (engine.sample_rate_hz(), engine.num_channels());
    let engines = Mutex::new(vec![engine]);
    let encoder = sink.encoder;
    let render_pooled = |segment: Segment| -> Result<Rendered, FileError> {
        // A poisoned pool only means another segment panicked; its engines are still whole.
        let spare = engines.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut engine = match spare {
            Some(engine) => engine,
            None => Engine::new(rate_hz, num_channels, settings)?,
        };
        let rendered = render_segment(segment, &mut engine, plan.latency, encoder);
        engines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(engine);
        rendered
    };
    let wave_len = rayon::current_num_threads() * SEGMENTS_PER_THREAD;
    let mut current = read_wave(feeder, wave_len)?;
    let mut finished: Vec<Rendered> = Vec::new();
    while !current.is_empty() {
        let (rendered, next) = rayon::join(
            || {
                current
                    .into_par_iter()
                    .map(render_pooled)
                    .collect::<Result<Vec<_>, _>>()
            },
            || -> Result<Vec<Segment>, FileError> {
                for done in finished.drain(..) {
                    feeder.recycle(sink.take(done)?);
                }
                read_wave(feeder, wave_len)
            },
        );
        finished = rendered?;
        current = next?;
    }
    for done in finished {
        sink.take(done)?;
    }
    Ok(())
}

/// Up to `len` next segments.
fn read_wave(feeder: &mut Feeder<'_>, len: usize) -> Result<Vec<Segment>, FileError> {
    let mut wave = Vec::with_capacity(len);
    while wave.len() < len {
        match feeder.next_segment()? {
            Some(segment) => wave.push(segment),
            None => break,
        }
    }
    Ok(wave)
}

#[cfg(test)]
#[path = "pipeline_tests.rs"]
mod tests;
