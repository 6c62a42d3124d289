//! Rendering one file: decode → engine → latency-compensated WAV, streamed block by block.

use std::ops::Range;
use std::path::Path;

use bark_eq_dsp::{Engine, EqSettings};
use indicatif::ProgressBar;

use crate::args::BitsArg;
use crate::cancel;
use crate::decode::AudioReader;
use crate::encode::WavOutput;
use crate::error::FileError;
use crate::progress::Progress;

/// Frames of silence fed per call while flushing the engine's tail.
const FLUSH_BLOCK_FRAMES: usize = 4096;

/// How every file of a render is written.
#[derive(Debug, Clone, Copy)]
pub struct RenderConfig {
    /// The EQ settings.
    pub settings: EqSettings,
    /// Output sample format.
    pub bits: BitsArg,
    /// Replace existing outputs.
    pub overwrite: bool,
}

/// What rendering one file produced.
#[derive(Debug, Clone, Copy)]
pub struct RenderReport {
    /// Frames written (equal to the input's).
    pub frames: u64,
    /// Sample rate in Hz.
    pub sample_rate_hz: u32,
    /// Number of channels.
    pub num_channels: usize,
    /// Integer samples clipped (0 for float output).
    pub clipped_samples: u64,
}

impl RenderReport {
    /// Length in seconds.
    pub fn seconds(&self) -> f64 {
        self.frames as f64 / f64::from(self.sample_rate_hz)
    }
}

/// An engine for `reader`'s format with `settings` in force from the first sample.
pub fn engine_for(reader: &AudioReader, settings: &EqSettings) -> Result<Engine, FileError> {
    // Settled: the file starts at the set gains.
    Ok(Engine::new(
        reader.sample_rate_hz() as f32,
        reader.num_channels(),
        settings,
    )?)
}

/// Renders `input` to `output` (through a temporary file), with a progress bar while it runs.
pub fn render_file(
    input: &Path,
    output: &Path,
    config: &RenderConfig,
    progress: &Progress,
) -> Result<RenderReport, FileError> {
    if cancel::is_cancelled() {
        return Err(FileError::Cancelled);
    }
    let mut reader = AudioReader::open(input)?;
    let mut engine = engine_for(&reader, &config.settings)?;
    let bar = progress.file_bar(&display_name(input), reader.expected_frames());
    let mut wav = WavOutput::create(
        output,
        reader.sample_rate_hz(),
        reader.num_channels(),
        config.bits,
    )?;
    let frames = stream_through(&mut reader, &mut engine, bar.bar(), |planes, range| {
        wav.write(planes, range)
    })?;
    let clipped_samples = wav.clipped_samples();
    wav.commit(config.overwrite)?;
    Ok(RenderReport {
        frames,
        sample_rate_hz: reader.sample_rate_hz(),
        num_channels: reader.num_channels(),
        clipped_samples,
    })
}

/// The file name shown on a progress bar.
pub fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Streams the whole file through `engine` and hands the output to `emit` (planar channels
/// and the range of valid frames), latency-compensated: the first `latency` output frames
/// are dropped and `latency` frames of silence flush the tail, so exactly as many frames come
/// out as went in, each at its input's position. Returns that number of frames.
/// Stops with [`FileError::Cancelled`] at the first block after Ctrl-C.
pub fn stream_through(
    reader: &mut AudioReader,
    engine: &mut Engine,
    progress: &ProgressBar,
    mut emit: impl FnMut(&[Vec<f32>], Range<usize>) -> Result<(), FileError>,
) -> Result<u64, FileError> {
    let latency = engine.latency_samples() as usize;
    let mut to_drop = latency;
    let mut planes: Vec<Vec<f32>> = vec![Vec::new(); reader.num_channels()];
    let mut frames_in = 0u64;
    let mut run_block = |planes: &mut Vec<Vec<f32>>, to_drop: &mut usize| {
        let len = planes.first().map_or(0, Vec::len);
        let mut channels: Vec<&mut [f32]> = planes.iter_mut().map(Vec::as_mut_slice).collect();
        engine.process(&mut channels);
        let skip = (*to_drop).min(len);
        *to_drop -= skip;
        emit(planes, skip..len)
    };
    while reader.next_block(&mut planes)? {
        if cancel::is_cancelled() {
            return Err(FileError::Cancelled);
        }
        let len = planes.first().map_or(0, Vec::len);
        frames_in += len as u64;
        run_block(&mut planes, &mut to_drop)?;
        progress.inc(len as u64);
    }
    let mut flush_left = latency;
    while flush_left > 0 {
        let len = flush_left.min(FLUSH_BLOCK_FRAMES);
        for plane in planes.iter_mut() {
            plane.clear();
            plane.resize(len, 0.0);
        }
        run_block(&mut planes, &mut to_drop)?;
        flush_left -= len;
    }
    Ok(frames_in)
}
