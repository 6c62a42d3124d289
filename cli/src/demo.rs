//! `bark-eq demo`: pink noise in, the same through the EQ out, and a table of what changed.

use std::path::{Path, PathBuf};

use bark_eq_dsp::signal::PinkNoise;
use bark_eq_dsp::{band_name, CurveMode, EqSettings, FftSize, NUM_BANDS};

use crate::analyze::analyze_file;
use crate::args::{BitsArg, DemoArgs};
use crate::encode::{ChunkEncoder, Container, OutputFormat};
use crate::eq;
use crate::error::{CliError, FileError};
use crate::output::OutputFile;
use crate::paths::ensure_dir;
use crate::progress::{write_line, Progress};
use crate::render::{render_file, RenderConfig};

/// Sample rate of the demo signal.
const DEMO_RATE_HZ: u32 = 48_000;
/// Channels of the demo signal (independent noise in each).
const DEMO_CHANNELS: usize = 2;
/// Length of the demo signal.
const DEMO_SECONDS: f32 = 6.0;
/// RMS level of the demo signal in dB re full scale.
const DEMO_LEVEL_DB: f32 = -20.0;
/// Fade in and out, so the file starts and ends without a click.
const FADE_SECONDS: f32 = 0.01;
/// Format of both demo files.
const DEMO_FORMAT: OutputFormat = OutputFormat {
    container: Container::Wav,
    bits: BitsArg::Float32,
};
/// Name of the test signal file.
const INPUT_NAME: &str = "demo-input.wav";
/// Name of the processed file.
const OUTPUT_NAME: &str = "demo-output.wav";
/// The default demo curve, band 1 first: a telephone-like band-pass with a 1 kHz lift.
const DEMO_GAINS_DB: [f32; NUM_BANDS] = [
    -12.0, -12.0, -12.0, -12.0, -6.0, 0.0, 0.0, 3.0, 6.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -3.0,
    -9.0, -12.0, -12.0, -12.0, -12.0, -12.0, -12.0, -12.0,
];
/// Runs `bark-eq demo`.
pub fn run(args: &DemoArgs) -> Result<(), CliError> {
    let settings = if eq::is_empty(&args.eq) {
        EqSettings {
            band_gains_db: DEMO_GAINS_DB,
            ..EqSettings::default()
        }
    } else {
        eq::settings_from_args(&args.eq)?
    };
    ensure_dir(&args.output)?;
    let input = args.output.join(INPUT_NAME);
    let output = args.output.join(OUTPUT_NAME);
    let file_error = |path: &PathBuf| {
        let path = path.clone();
        move |source| CliError::File { path, source }
    };
    for path in [&input, &output] {
        if !args.force && path.exists() {
            return Err(file_error(path)(FileError::OutputExists(path.clone())));
        }
    }
    write_signal(&input, args.force).map_err(file_error(&input))?;
    let config = RenderConfig {
        settings,
        format: DEMO_FORMAT,
        overwrite: args.force,
        split: false,
        measure_loudness: false,
        match_loudness: false,
    };
    let progress = Progress::new(1, false);
    render_file(&input, &output, &config, &progress).map_err(file_error(&output))?;
    let before = analyze_file(&input, FftSize::default()).map_err(file_error(&input))?;
    let after = analyze_file(&output, FftSize::default()).map_err(file_error(&output))?;

    let mut out = std::io::stdout();
    write_line(
        &mut out,
        &format!(
            "wrote {} ({DEMO_SECONDS} s of pink noise) and {} (the same through the EQ)",
            input.display(),
            output.display()
        ),
    );
    let mode = match settings.curve_mode {
        CurveMode::Smooth => "smooth curve: between band centres the gain is interpolated",
        CurveMode::Bands => "bands curve: each band flat at its gain",
    };
    write_line(
        &mut out,
        &format!("band  centre     set (dB)  measured (dB)   [{mode}]"),
    );
    for band in 0..NUM_BANDS {
        let change = match (before.bands[band].energy_db, after.bands[band].energy_db) {
            (Some(b), Some(a)) => format!("{:>+13.1}", a - b),
            _ => format!("{:>13}", "-"),
        };
        write_line(
            &mut out,
            &format!(
                "{:>4}  {:>8}  {:>+8.1}  {change}",
                band + 1,
                band_name(band),
                settings.band_gains_db[band] + settings.output_gain_db
            ),
        );
    }
    write_line(
        &mut out,
        &format!(
            "listen to both files; render your own with `bark-eq render FILE -o OUT.wav --band 9=+6`,\nor inspect one with `bark-eq analyze {}`",
            output.display()
        ),
    );
    Ok(())
}

/// Writes the pink-noise test signal to `path`.
fn write_signal(path: &Path, overwrite: bool) -> Result<(), FileError> {
    let frames = (DEMO_SECONDS * DEMO_RATE_HZ as f32) as usize;
    let channels: Vec<Vec<f32>> = (0..DEMO_CHANNELS)
        .map(|channel| pink_noise(frames, 0x5EED + channel as u64))
        .collect();
    let mut wav = OutputFile::create(path, DEMO_RATE_HZ, DEMO_CHANNELS, DEMO_FORMAT)?;
    let encoder = ChunkEncoder::new(DEMO_FORMAT, DEMO_RATE_HZ, DEMO_CHANNELS)?;
    let planes: Vec<&[f32]> = channels.iter().map(Vec::as_slice).collect();
    wav.write_chunk(&encoder.encode(&planes, 0, Vec::new())?)?;
    wav.commit(overwrite)
}

/// `frames` samples of pink noise at [`DEMO_LEVEL_DB`] RMS with short fades.
fn pink_noise(frames: usize, seed: u64) -> Vec<f32> {
    let mut noise = PinkNoise::new(seed);
    let mut signal: Vec<f32> = (0..frames).map(|_| noise.next_sample()).collect();
    let rms = (signal.iter().map(|x| x * x).sum::<f32>() / frames.max(1) as f32).sqrt();
    let scale = 10f32.powf(DEMO_LEVEL_DB / 20.0) / rms.max(f32::MIN_POSITIVE);
    let fade = ((FADE_SECONDS * DEMO_RATE_HZ as f32) as usize).min(frames / 2);
    for (i, x) in signal.iter_mut().enumerate() {
        let edge = i.min(frames - 1 - i);
        let ramp = if edge < fade {
            edge as f32 / fade as f32
        } else {
            1.0
        };
        *x *= scale * ramp;
    }
    signal
}
