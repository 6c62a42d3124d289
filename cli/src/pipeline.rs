//! Rendering a file's segments: in order on one engine (sequential), or on every thread of
//! the pool with one engine per thread, reset for every segment (split, `split.rs`), or, for
//! an uncompressed WAV file rendered to WAV with nothing measured, in long regions written at
//! their places (`positional.rs`).

use std::ops::Range;

use bark_eq_dsp::{Engine, EqSettings};

use crate::encode::{ChunkEncoder, EncodedChunk};
use crate::error::FileError;
use crate::loudness::Meter;
use crate::output::OutputFile;
use crate::segments::{Feeder, Segment, SegmentPlan, Spare};
use crate::{positional, split};

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
    pub fn take(&mut self, rendered: Rendered) -> Result<Spare, FileError> {
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

/// How the other threads of a split render make engines like the first one (for its FFT size
/// only, [`Engine::for_one_fft_size`]).
#[derive(Debug, Clone, Copy)]
pub struct EngineSpec {
    /// Sample rate in Hz.
    rate_hz: f32,
    /// Channels.
    num_channels: usize,
    /// The EQ settings.
    settings: EqSettings,
}

impl EngineSpec {
    /// Engines like `engine`, with `settings`.
    pub fn of(engine: &Engine, settings: &EqSettings) -> Self {
        Self {
            rate_hz: engine.sample_rate_hz(),
            num_channels: engine.num_channels(),
            settings: *settings,
        }
    }

    /// Channels of the engines.
    pub fn num_channels(&self) -> usize {
        self.num_channels
    }

    /// A new engine.
    pub fn build(&self) -> Result<Engine, FileError> {
        Ok(Engine::for_one_fft_size(
            self.rate_hz,
            self.num_channels,
            &self.settings,
        )?)
    }
}

/// Renders one segment on `engine` and encodes its output.
pub fn render_segment(
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
/// on every thread of the current rayon pool (split plan; the other threads' engines are made
/// with `settings`).
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
    let input = feeder.random_access().cloned();
    if let (Some(input), None, Some(encoder), Some(file)) =
        (&input, &sink.meter, sink.encoder, sink.file.as_deref_mut())
    {
        if let Some(writer) = file.positional(input.frames())? {
            let progress = feeder.progress();
            positional::run(input, engine, plan, settings, encoder, &writer, progress)?;
            writer.finish();
            feeder.skip_to_end();
            return Ok(());
        }
    }
    split::run(feeder, engine, plan, settings, sink)
}

#[cfg(test)]
#[path = "pipeline_tests.rs"]
mod tests;
