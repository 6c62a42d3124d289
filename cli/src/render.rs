//! Rendering one file: decode → engine → latency-compensated WAV or FLAC, in segments
//! (see `segments.rs`), on one thread or on all of them.

use std::path::Path;

use bark_eq_audio::{engine_for, AudioReader};
use bark_eq_dsp::schema::{ParamId, ParamValue};
use bark_eq_dsp::EqSettings;
use indicatif::ProgressBar;

use crate::cancel;
use crate::encode::{ChunkEncoder, OutputFormat};
use crate::error::FileError;
use crate::loudness::{matching_gain_db, Loudness, Meter};
use crate::output::OutputFile;
use crate::pipeline::{self, Sink};
use crate::progress::Progress;
use crate::segments::{can_split, Feeder, SegmentPlan};

/// How every file of a render is written.
#[derive(Debug, Clone, Copy)]
pub struct RenderConfig {
    /// The EQ settings.
    pub settings: EqSettings,
    /// Container and sample format written.
    pub format: OutputFormat,
    /// Replace existing outputs.
    pub overwrite: bool,
    /// Render each file in segments on all threads of the pool (when the engine allows it).
    pub split: bool,
    /// Measure the loudness of input and output.
    pub measure_loudness: bool,
    /// Set the output gain so that the output is as loud as the input.
    pub match_loudness: bool,
}

/// The loudness of a file before and after.
#[derive(Debug, Clone, Copy)]
pub struct LoudnessReport {
    /// The input's loudness.
    pub input: Loudness,
    /// The output's loudness.
    pub output: Loudness,
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
    /// The settings the file was rendered with (`--match-loudness` changes the output gain).
    pub settings: EqSettings,
    /// Loudness of input and output, when measured.
    pub loudness: Option<LoudnessReport>,
}

impl RenderReport {
    /// Length in seconds.
    pub fn seconds(&self) -> f64 {
        self.frames as f64 / f64::from(self.sample_rate_hz)
    }
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
    let mut settings = config.settings;
    if config.match_loudness {
        let (before, after) = measure(input, config, &settings)?;
        if let Some(change_db) = matching_gain_db(&before, &after) {
            settings.output_gain_db = matched_output_gain_db(settings.output_gain_db, change_db)?;
        }
    }
    let mut reader = AudioReader::open(input)?;
    let (rate_hz, num_channels) = (reader.sample_rate_hz(), reader.num_channels());
    let engine = engine_for(&reader, &settings)?;
    let plan = SegmentPlan::new(&engine, config.split && can_split(&engine));
    let encoder = ChunkEncoder::new(config.format, rate_hz, num_channels)?;
    let mut file = OutputFile::create(output, rate_hz, num_channels, config.format)?;
    let mut meters = if config.measure_loudness || config.match_loudness {
        Some((
            Meter::new(num_channels, rate_hz)?,
            Meter::new(num_channels, rate_hz)?,
        ))
    } else {
        None
    };
    let bar = progress.file_bar(&display_name(input), reader.expected_frames());
    let (input_meter, output_meter) = match &mut meters {
        Some((a, b)) => (Some(a), Some(b)),
        None => (None, None),
    };
    let mut feeder = Feeder::new(&mut reader, plan, input_meter, bar.bar());
    let mut sink = Sink {
        encoder: Some(&encoder),
        file: Some(&mut file),
        meter: output_meter,
    };
    pipeline::run(&mut feeder, engine, plan, &settings, &mut sink)?;
    let frames = feeder.total_frames().unwrap_or(0);
    let loudness = match &meters {
        Some((a, b)) => Some(LoudnessReport {
            input: a.loudness()?,
            output: b.loudness()?,
        }),
        None => None,
    };
    let clipped_samples = file.clipped_samples();
    debug_assert_eq!(file.frames(), frames);
    file.commit(config.overwrite)?;
    Ok(RenderReport {
        frames,
        sample_rate_hz: rate_hz,
        num_channels,
        clipped_samples,
        settings,
        loudness,
    })
}

/// The loudness of `input` and of its render with `settings`, without writing anything.
fn measure(
    input: &Path,
    config: &RenderConfig,
    settings: &EqSettings,
) -> Result<(Loudness, Loudness), FileError> {
    let mut reader = AudioReader::open(input)?;
    let (rate_hz, num_channels) = (reader.sample_rate_hz(), reader.num_channels());
    let engine = engine_for(&reader, settings)?;
    let plan = SegmentPlan::new(&engine, config.split && can_split(&engine));
    let mut input_meter = Meter::new(num_channels, rate_hz)?;
    let mut output_meter = Meter::new(num_channels, rate_hz)?;
    let hidden = ProgressBar::hidden();
    let mut feeder = Feeder::new(&mut reader, plan, Some(&mut input_meter), &hidden);
    let mut sink = Sink {
        encoder: None,
        file: None,
        meter: Some(&mut output_meter),
    };
    pipeline::run(&mut feeder, engine, plan, settings, &mut sink)?;
    Ok((input_meter.loudness()?, output_meter.loudness()?))
}

/// The output gain after adding `change_db`, refused beyond the parameter's range.
fn matched_output_gain_db(output_gain_db: f32, change_db: f64) -> Result<f32, FileError> {
    let gain_db = output_gain_db + change_db as f32;
    ParamValue::GainDb(gain_db)
        .check(ParamId::Output)
        .map(|()| gain_db)
        .map_err(|reason| {
            FileError::unsupported(format!(
                "--match-loudness needs an output gain of {gain_db:+.1} dB: {reason}"
            ))
        })
}

/// The file name shown on a progress bar.
pub fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
