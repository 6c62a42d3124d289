//! `bark-eq match`: the band gains that move one or more sources toward a reference (an
//! audio file or a profile JSON), pink noise or a tilt, through `bark_eq_dsp::matching` (the
//! same code as the plugin's Match panel). Prints the gains beside the levels, saves them as a
//! preset and renders the sources with them. Every input is read and checked before anything
//! is written.

use std::path::{Path, PathBuf};

use bark_eq_audio::{profile_of_files, read_profile, ProfileReadError};
use bark_eq_dsp::matching::{
    match_gains, MatchOptions, MatchResult, Target, DEFAULT_AMOUNT_PERCENT, MAX_SMOOTHING_BANDS,
};
use bark_eq_dsp::profile::Profile;
use bark_eq_dsp::{band_name, BinLayout, CurveMode, EqSettings, FftSize, NUM_BANDS};
use clap::Args;
use serde::Serialize;

use crate::args::{CurveArg, EqArgs, RenderArgs};
use crate::eq::parse_fft_size;
use crate::error::CliError;
use crate::progress::write_line;
use crate::{batch, preset};

/// Text shown after `bark-eq match --help`.
const MATCH_AFTER_HELP: &str = "\
Examples:
  bark-eq analyze reference.wav --json ref.json          a reference's profile, once
  bark-eq match mix.wav --reference ref.json --save-preset match.json
  bark-eq render mix.wav -o mix-matched.wav --preset match.json
  bark-eq match stems/*.wav --reference ref.wav --amount 50 -o matched/
  bark-eq match mix.wav --tilt -4.5 --bands 2-24 --curve bands

A profile is the long-term level of each Bark band, quiet passages left out (frames
20 dB under the mean or below -70 dBFS). The gains are the reference's levels minus
the source's, less one offset that keeps the source's loudness (K-weighted) as it
was: level is the output gain's job. Several sources are pooled into one profile.";

/// Options of `bark-eq match`.
#[derive(Debug, Args)]
#[command(after_help = MATCH_AFTER_HELP)]
#[command(group(clap::ArgGroup::new("target_kind").required(true).args(["reference", "target", "tilt"])))]
pub struct MatchArgs {
    /// The audio files to correct (pooled into one profile).
    #[arg(required = true, value_name = "SOURCE")]
    pub sources: Vec<PathBuf>,
    /// The reference: an audio file, or a profile JSON (`bark-eq analyze --json`).
    #[arg(long, value_name = "FILE")]
    pub reference: Option<PathBuf>,
    /// A built-in target instead of a reference.
    #[arg(long, value_enum, value_name = "TARGET")]
    pub target: Option<TargetArg>,
    /// A straight power slope in dB per octave as the target (-3 is pink).
    #[arg(long, value_name = "DB_PER_OCT", allow_hyphen_values = true)]
    pub tilt: Option<f32>,
    /// How much of the correction to apply, -100 to 200 percent.
    #[arg(long, value_name = "PERCENT", default_value_t = DEFAULT_AMOUNT_PERCENT, allow_hyphen_values = true)]
    pub amount: f32,
    /// Smooth the correction across neighbouring bands (a Gaussian of this many bands, 0-4).
    #[arg(long, value_name = "BANDS", default_value_t = 0.0)]
    pub smoothing: f32,
    /// Only these bands move (FIRST-LAST, 1-25); the others stay at 0 dB.
    #[arg(long, value_name = "FIRST-LAST", default_value = "1-25")]
    pub bands: String,
    /// The curve mode the gains are solved for and saved with.
    #[arg(long, value_enum, value_name = "MODE", default_value = "smooth")]
    pub curve: CurveArg,
    /// FFT size of the analysis and of the curve the gains are solved for.
    #[arg(long, value_name = "POINTS", default_value = "4096",
          value_parser = ["1024", "2048", "4096", "8192", "16384"])]
    pub fft_size: String,
    /// Write the result as a preset (loadable by `render --preset` and by the plugin).
    #[arg(long, value_name = "FILE")]
    pub save_preset: Option<PathBuf>,
    /// Also render the sources with the result into this directory (or .wav/.flac file).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Write a machine-readable report to this file (`-` for standard output instead of the
    /// table).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Overwrite existing output files (never the inputs).
    #[arg(short, long)]
    pub force: bool,
}

/// The built-in targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TargetArg {
    /// Pink noise: power falling 3 dB per octave.
    Pink,
}

/// The `--json` report.
#[derive(Debug, Serialize)]
struct Report {
    /// The source files, pooled.
    sources: Vec<PathBuf>,
    /// What the sources were matched to.
    target: String,
    /// The sources' pooled profile.
    source_profile: Profile,
    /// The target's band levels, dB.
    target_levels_db: [f32; NUM_BANDS],
    /// The loudness-neutral offset removed, dB.
    offset_db: f32,
    /// The change asked of each band, dB.
    wanted_db: [f32; NUM_BANDS],
    /// The band gains, dB.
    gains_db: [f32; NUM_BANDS],
    /// The curve mode they were solved for.
    curve: &'static str,
    /// Amount, percent.
    amount_percent: f32,
    /// Smoothing, bands.
    smoothing_bands: f32,
    /// First and last band that may move (1-based).
    bands: [usize; 2],
}

/// Runs `bark-eq match`.
pub fn run(args: &MatchArgs) -> Result<batch::BatchOutcome, CliError> {
    let fft_size = parse_fft_size(&args.fft_size).map_err(CliError::Usage)?;
    let (first_band, last_band) = parse_band_range(&args.bands).map_err(CliError::Usage)?;
    let curve_mode = match args.curve {
        CurveArg::Smooth => CurveMode::Smooth,
        CurveArg::Bands => CurveMode::Bands,
    };
    let options = MatchOptions {
        amount_percent: args.amount,
        smoothing_bands: args.smoothing,
        first_band,
        last_band,
        curve_mode,
    };
    options
        .check()
        .map_err(|err| CliError::Usage(format!("{err} (smoothing: 0-{MAX_SMOOTHING_BANDS})")))?;
    let (target, target_name) = read_target(args, fft_size)?;
    let (source, sample_rate_hz) =
        profile_of_files(&args.sources, fft_size).map_err(profile_error)?;
    let layout = BinLayout::new(fft_size.size_at_rate(sample_rate_hz), sample_rate_hz);
    let result = match_gains(&source, &target, &options, &layout, sample_rate_hz)
        .map_err(|err| CliError::Usage(err.to_string()))?;
    let settings = EqSettings {
        band_gains_db: result.gains_db,
        curve_mode,
        fft_size,
        ..EqSettings::default()
    };
    let report = Report {
        sources: args.sources.clone(),
        target: target_name,
        source_profile: source,
        target_levels_db: result.target_db,
        offset_db: result.offset_db,
        wanted_db: result.wanted_db,
        gains_db: result.gains_db,
        curve: bark_eq_dsp::schema::CURVE_CHOICES.ids[curve_mode.index()],
        amount_percent: args.amount,
        smoothing_bands: args.smoothing,
        bands: [first_band + 1, last_band + 1],
    };
    let json = serde_json::to_string_pretty(&report).unwrap_or_default();
    let json_to_stdout = args.json.as_ref().is_some_and(|p| p.as_os_str() == "-");
    if json_to_stdout {
        write_line(&mut std::io::stdout(), &json);
    } else {
        write_line(&mut std::io::stdout(), &table(&report.target, &result));
    }
    if let Some(path) = args.json.as_ref().filter(|_| !json_to_stdout) {
        write_file(path, &(json + "\n"))?;
    }
    if let Some(path) = &args.save_preset {
        write_file(path, &preset::to_json(&settings))?;
    }
    match &args.output {
        Some(output) => batch::run(&render_args(args, output, &settings)),
        None => Ok(batch::BatchOutcome::AllRendered),
    }
}

/// Parses `--bands FIRST-LAST` (1-based, inclusive) into 0-based bands.
pub fn parse_band_range(text: &str) -> Result<(usize, usize), String> {
    let wrong =
        || format!("--bands {text}: expected FIRST-LAST with bands 1-{NUM_BANDS}, e.g. 2-24");
    let (first, last) = text.split_once('-').ok_or_else(wrong)?;
    let parse = |s: &str| {
        s.trim()
            .parse::<usize>()
            .ok()
            .filter(|b| (1..=NUM_BANDS).contains(b))
    };
    match (parse(first), parse(last)) {
        (Some(first), Some(last)) if first <= last => Ok((first - 1, last - 1)),
        _ => Err(wrong()),
    }
}

/// The target and how the report names it. A reference is read (and checked) first, so a
/// bad one stops the command before any source is analysed.
fn read_target(args: &MatchArgs, fft_size: FftSize) -> Result<(Target, String), CliError> {
    if let Some(tilt) = args.tilt {
        if !tilt.is_finite() {
            return Err(CliError::Usage(format!(
                "--tilt {tilt}: not a slope in dB per octave"
            )));
        }
        return Ok((
            Target::Tilt {
                db_per_octave: tilt,
            },
            format!("tilt {tilt:+} dB/oct"),
        ));
    }
    let Some(path) = &args.reference else {
        return Ok((Target::Pink, "pink".to_string()));
    };
    let profile = read_profile(path, fft_size).map_err(|err| match err {
        ProfileReadError::Json { reason, .. } => {
            CliError::Usage(format!("reference {}: {reason}", path.display()))
        }
        other => profile_error(other),
    })?;
    Ok((Target::Reference(profile), path.display().to_string()))
}

/// A failed profile as the command reports it: an unreadable audio file fails like a render
/// (exit code 1), anything else is a usage error (exit code 2).
fn profile_error(err: ProfileReadError) -> CliError {
    match err {
        ProfileReadError::File { path, source } => CliError::File {
            path,
            source: source.into(),
        },
        other => CliError::Usage(other.to_string()),
    }
}

/// The render of the sources with `settings`, as `bark-eq render` would do it.
fn render_args(args: &MatchArgs, output: &Path, settings: &EqSettings) -> RenderArgs {
    let gains: Vec<String> = settings
        .band_gains_db
        .iter()
        .map(|g| format!("{g:.4}"))
        .collect();
    RenderArgs {
        inputs: args.sources.clone(),
        output: output.to_path_buf(),
        suffix: String::new(),
        bits: None,
        format: None,
        report: false,
        json: None,
        match_loudness: false,
        jobs: None,
        force: args.force,
        quiet: false,
        eq: EqArgs {
            gains: Some(gains.join(",")),
            curve: Some(args.curve),
            fft_size: Some(args.fft_size.clone()),
            ..EqArgs::default()
        },
    }
}

/// Writes a side file.
fn write_file(path: &Path, text: &str) -> Result<(), CliError> {
    std::fs::write(path, text).map_err(|source| CliError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// The table of gains beside the levels.
fn table(target: &str, result: &MatchResult) -> String {
    let mut lines = vec![
        format!("matched to {target} ({:?} curve)", result.curve_mode),
        "band  centre      source  target    gain (dB)".to_string(),
    ];
    for band in 0..NUM_BANDS {
        lines.push(format!(
            "{:>4}  {:>8}  {:>7.1} {:>7.1}  {:>+6.1}",
            band + 1,
            band_name(band),
            result.source_db[band],
            result.target_db[band],
            result.gains_db[band]
        ));
    }
    lines.push(format!(
        "level offset {:+.1} dB not applied: the bands keep the source's loudness (level is the output gain's job)",
        result.offset_db
    ));
    lines.join("\n")
}
