//! `bark-eq analyze`: the energy of each Bark band, measured with the engine's own STFT.
//!
//! The engine's analyzer sums the input power |X\[k\]|² of every frame. With Hann analysis
//! windows at hop N/4, every sample is covered by frames whose squared windows add up to
//! `WOLA_WINDOW_SUM`, so by Parseval the bins of a band, summed over all frames and divided
//! by `WOLA_WINDOW_SUM · N · frames · channels`, give that band's share of the mean square.
//!
//! The JSON also carries the Bark Match profile of the file (`bark_eq_dsp::profile`: the
//! gated levels `band_levels_db` and a format `version`), so it serves as a reference.

use std::path::{Path, PathBuf};

use bark_eq_audio::{analysis_engine, analyze_reader, AudioReader};
use bark_eq_dsp::bands::BAND_EDGES_HZ;
use bark_eq_dsp::window::WOLA_WINDOW_SUM;
use bark_eq_dsp::{band_centre_hz, band_name, Engine, FftSize, NUM_BANDS};
use serde::Serialize;

use crate::args::AnalyzeArgs;
use crate::eq::parse_fft_size;
use crate::error::{CliError, FileError};
use crate::progress::write_line;

/// Width of the bar drawn per band, in characters, for `BAR_RANGE_DB`.
const BAR_WIDTH: usize = 40;
/// Dynamic range the bars show below the loudest band.
const BAR_RANGE_DB: f64 = 60.0;

/// The energy of one band.
#[derive(Debug, Clone, Serialize)]
pub struct BandEnergy {
    /// Band number, 1-based as in the parameter IDs.
    pub band: usize,
    /// Parameter ID of the band (`band_9`).
    pub id: String,
    /// Centre frequency in Hz.
    pub centre_hz: f32,
    /// Lower edge in Hz.
    pub low_hz: f32,
    /// Upper edge in Hz (the last band also holds everything above).
    pub high_hz: f32,
    /// Mean-square level of the band in dB re full scale; `None` if it holds no energy
    /// (or lies above the Nyquist frequency).
    pub energy_db: Option<f64>,
}

/// The analysis of one file.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// The file analysed.
    pub file: PathBuf,
    /// Sample rate in Hz.
    pub sample_rate_hz: u32,
    /// Number of channels (energies are averaged over them).
    pub channels: usize,
    /// Length in frames.
    pub frames: u64,
    /// FFT size used (after sample-rate scaling).
    pub fft_size: usize,
    /// Mean-square level of the whole signal in dB re full scale.
    pub total_db: Option<f64>,
    /// One entry per band, band 1 first.
    pub bands: Vec<BandEnergy>,
    /// The Bark Match profile's fields (format version, gated levels), so that this JSON is a
    /// profile `bark-eq match --reference` and the plugin read; absent for a silent file.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub profile: Option<ProfileFields>,
}

/// The fields a profile adds to an analysis (its sample rate is the analysis's own).
#[derive(Debug, Clone, Serialize)]
pub struct ProfileFields {
    /// Profile format version.
    pub version: u32,
    /// Seconds of audio observed.
    pub duration_s: f32,
    /// STFT frames that passed the gates.
    pub frames_kept: u64,
    /// Gated long-term level of each band, dBFS, band 1 first.
    pub band_levels_db: [f32; NUM_BANDS],
}

/// Runs `bark-eq analyze`.
pub fn run(args: &AnalyzeArgs) -> Result<(), CliError> {
    let fft_size = parse_fft_size(&args.fft_size).map_err(CliError::Usage)?;
    let analysis = analyze_file(&args.input, fft_size).map_err(|source| CliError::File {
        path: args.input.clone(),
        source,
    })?;
    let json = serde_json::to_string_pretty(&analysis).unwrap_or_default() + "\n";
    match &args.json {
        Some(path) if path.as_os_str() == "-" => {
            write_line(&mut std::io::stdout(), json.trim_end());
            return Ok(());
        }
        Some(path) => std::fs::write(path, json).map_err(|source| CliError::Write {
            path: path.clone(),
            source,
        })?,
        None => {}
    }
    write_line(&mut std::io::stdout(), &table(&analysis));
    Ok(())
}

/// Measures the band energies of `path` at `fft_size`.
pub fn analyze_file(path: &Path, fft_size: FftSize) -> Result<Analysis, FileError> {
    let mut reader = AudioReader::open(path)?;
    let mut engine = analysis_engine(&reader, fft_size)?;
    engine.set_analyzer_enabled(true);
    engine.set_profile_learning(true);
    let mut power_sums = [0.0f64; NUM_BANDS];
    let frames = analyze_reader(&mut reader, &mut engine, |engine| {
        take_band_powers(engine, &mut power_sums)
    })?;

    let norm = f64::from(WOLA_WINDOW_SUM)
        * engine.fft_len() as f64
        * frames as f64
        * reader.num_channels() as f64;
    let to_db = |power: f64| {
        let mean_square = power / norm;
        (mean_square > 0.0 && norm > 0.0).then(|| 10.0 * mean_square.log10())
    };
    let bands = (0..NUM_BANDS)
        .map(|band| BandEnergy {
            band: band + 1,
            id: format!("band_{}", band + 1),
            centre_hz: band_centre_hz(band),
            low_hz: BAND_EDGES_HZ[band],
            high_hz: BAND_EDGES_HZ[band + 1],
            energy_db: to_db(power_sums[band]),
        })
        .collect();
    Ok(Analysis {
        file: path.to_path_buf(),
        sample_rate_hz: reader.sample_rate_hz(),
        channels: reader.num_channels(),
        frames,
        fft_size: engine.fft_len(),
        total_db: to_db(power_sums.iter().sum()),
        bands,
        profile: engine
            .profile_learner()
            .profile()
            .ok()
            .map(|profile| ProfileFields {
                version: profile.version,
                duration_s: profile.duration_s,
                frames_kept: profile.frames_kept,
                band_levels_db: profile.band_levels_db,
            }),
    })
}

/// Moves the analyzer's per-bin power of the block just analysed into per-band sums; the
/// engine's profile learner keeps the rest.
fn take_band_powers(engine: &mut Engine, power_sums: &mut [f64; NUM_BANDS]) {
    let (power, _) = engine.analyzer_power();
    let last_bin = power.len().saturating_sub(1);
    for (bin, (&p, &band)) in power.iter().zip(&engine.layout().band_of_bin).enumerate() {
        // Bins strictly between DC and Nyquist stand for their negative-frequency twin too.
        let weight = if bin == 0 || bin == last_bin {
            1.0
        } else {
            2.0
        };
        power_sums[usize::from(band)] += weight * f64::from(p);
    }
    engine.clear_analyzer();
}

/// The human-readable table of an analysis.
pub fn table(analysis: &Analysis) -> String {
    let seconds = analysis.frames as f64 / f64::from(analysis.sample_rate_hz);
    let mut lines = vec![
        format!(
            "{}: {} Hz, {} ch, {seconds:.2} s (FFT {})",
            analysis.file.display(),
            analysis.sample_rate_hz,
            analysis.channels,
            analysis.fft_size
        ),
        "band  centre     range (Hz)      energy (dB re full scale)".to_string(),
    ];
    let loudest = analysis
        .bands
        .iter()
        .filter_map(|b| b.energy_db)
        .fold(f64::NEG_INFINITY, f64::max);
    let nyquist_hz = analysis.sample_rate_hz as f32 / 2.0;
    for band in &analysis.bands {
        let range = format!("{:>5.0}-{:<5.0}", band.low_hz, band.high_hz);
        let level = match band.energy_db {
            Some(db) => {
                let filled = ((db - loudest + BAR_RANGE_DB) / BAR_RANGE_DB * BAR_WIDTH as f64)
                    .clamp(0.0, BAR_WIDTH as f64) as usize;
                format!("{db:>7.1}  {}", "#".repeat(filled))
            }
            None if band.low_hz >= nyquist_hz => "      -  (above Nyquist)".to_string(),
            None => "   -inf".to_string(),
        };
        lines.push(format!(
            "{:>4}  {:>8}  {range}  {level}",
            band.band,
            band_name(band.band - 1)
        ));
    }
    let total = analysis
        .total_db
        .map_or_else(|| "-inf".to_string(), |db| format!("{db:.1}"));
    lines.push(format!("total {total:>30} dB"));
    lines.join("\n")
}
