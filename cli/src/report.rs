//! `render --report` / `--json`: per file, the loudness of input and output and the change
//! measured in every band.

use std::path::{Path, PathBuf};

use bark_eq_audio::AudioFileError;
use bark_eq_dsp::{band_centre_hz, band_name, NUM_BANDS};
use serde::Serialize;

use crate::analyze::analyze_file;
use crate::error::FileError;
use crate::loudness::{format_level, Loudness};
use crate::render::RenderReport;

/// The change in one band.
#[derive(Debug, Clone, Serialize)]
pub struct BandChange {
    /// Band number, 1-based as in the parameter IDs.
    pub band: usize,
    /// Parameter ID of the band (`band_9`).
    pub id: String,
    /// Centre frequency in Hz.
    pub centre_hz: f32,
    /// The gain set for the band plus the output gain, in dB.
    pub set_db: f32,
    /// Measured change of the band's energy in dB (`None` if the band holds no energy).
    pub change_db: Option<f64>,
}

/// The report of one rendered file.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// The input file.
    pub input: PathBuf,
    /// The output file.
    pub output: PathBuf,
    /// Length in seconds.
    pub seconds: f64,
    /// Output gain applied, in dB (set by `--match-loudness` when given).
    pub output_gain_db: f32,
    /// Loudness of the input.
    pub input_loudness: Loudness,
    /// Loudness of the output.
    pub output_loudness: Loudness,
    /// Output minus input integrated loudness in LU.
    pub loudness_change_lu: Option<f64>,
    /// One entry per band, band 1 first.
    pub bands: Vec<BandChange>,
}

/// Builds the report of a rendered file, measuring the band energies of input and output.
pub fn build(
    input: &Path,
    output: &Path,
    rendered: &RenderReport,
) -> Result<FileReport, FileError> {
    let loudness = rendered
        .loudness
        .ok_or(AudioFileError::NoAudio("the loudness was not measured"))?;
    let fft_size = rendered.settings.fft_size;
    let before = analyze_file(input, fft_size)?;
    let after = analyze_file(output, fft_size)?;
    let bands = (0..NUM_BANDS)
        .map(|band| BandChange {
            band: band + 1,
            id: format!("band_{}", band + 1),
            centre_hz: band_centre_hz(band),
            set_db: rendered.settings.band_gains_db[band] + rendered.settings.output_gain_db,
            change_db: match (before.bands[band].energy_db, after.bands[band].energy_db) {
                (Some(b), Some(a)) => Some(a - b),
                _ => None,
            },
        })
        .collect();
    Ok(FileReport {
        input: input.to_path_buf(),
        output: output.to_path_buf(),
        seconds: rendered.seconds(),
        output_gain_db: rendered.settings.output_gain_db,
        input_loudness: loudness.input,
        output_loudness: loudness.output,
        loudness_change_lu: match (
            loudness.output.integrated_lufs,
            loudness.input.integrated_lufs,
        ) {
            (Some(after), Some(before)) => Some(after - before),
            _ => None,
        },
        bands,
    })
}

/// The human-readable table of a report.
pub fn table(report: &FileReport) -> String {
    let row = |name: &str, l: &Loudness| {
        format!(
            "  {name:<7} {:>7} LUFS  range {:>5.1} LU  true peak {:>6} dBTP",
            format_level(l.integrated_lufs),
            l.range_lu,
            format_level(l.true_peak_dbtp)
        )
    };
    let mut lines = vec![
        format!(
            "{} -> {} (output gain {:+.2} dB)",
            report.input.display(),
            report.output.display(),
            report.output_gain_db
        ),
        row("input", &report.input_loudness),
        row("output", &report.output_loudness),
        "  band  centre     set (dB)  measured (dB)".to_string(),
    ];
    for band in &report.bands {
        let change = band
            .change_db
            .map_or_else(|| format!("{:>13}", "-"), |db| format!("{db:>+13.1}"));
        lines.push(format!(
            "  {:>4}  {:>8}  {:>+8.1}  {change}",
            band.band,
            band_name(band.band - 1),
            band.set_db
        ));
    }
    lines.join("\n")
}
