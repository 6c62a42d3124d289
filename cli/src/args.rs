//! Command-line arguments (clap derive) and the help text users learn from.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Text shown after `bark-eq --help`.
const MAIN_AFTER_HELP: &str = "\
Examples:
  bark-eq demo -o demo/                      hear and see the EQ work, no files needed
  bark-eq render song.flac -o song-eq.wav --band 9=+6
  bark-eq render stems/*.wav -o out/ --preset vocal.json --jobs 4
  bark-eq analyze mix.wav --json mix-bands.json
  bark-eq preset > my-preset.json            a template to edit
  bark-eq match mix.wav --reference ref.wav --save-preset match.json

Bands are the 25 Bark critical bands (1 = 0-100 Hz ... 25 = 15.5-20 kHz);
`bark-eq analyze` lists them with their frequencies.";

/// Text shown after `bark-eq render --help`.
const RENDER_AFTER_HELP: &str = "\
Examples:
  bark-eq render in.wav -o out.wav --band 9=+6           band 9 (920-1080 Hz) up 6 dB
  bark-eq render in.wav -o out.wav --band 1k=+6          the band holding 1 kHz, same thing
  bark-eq render *.flac -o eq/ --band 100hz=-3 --band 2.5k=+2 --bits 24
  bark-eq render album/*.wav -o album-eq/ --preset master.json --band 25=-2
  bark-eq render a.wav b.mp3 -o . --suffix _eq           writes ./a_eq.wav, ./b_eq.wav
  bark-eq render mix.wav -o mix-eq.flac --bits 16         FLAC, dithered to 16 bits
  bark-eq render mix.wav -o out/ --report --match-loudness  as loud as the input

Settings are layered: defaults < --preset < --gains < --band; --curve, --fft-size
and --output-gain override the preset. Gains outside ±12 dB (output ±24 dB) are
errors, never clamped.

Output is a WAV (or FLAC: --format flac, or -o x.flac) with the input's sample
rate and channels, exactly as long as the input and sample-aligned with it (the
engine's latency is compensated). With fewer files than --jobs, each file is cut
into segments rendered on all threads; the bytes are those of one pass. Each file
is written to a temporary file in the output directory and renamed when complete;
inputs are never overwritten, existing outputs only with --force. A file that
fails is reported and skipped; the others still render, and the exit code is 1.";

/// Text shown after `bark-eq analyze --help`.
const ANALYZE_AFTER_HELP: &str = "\
Energy is the mean-square level of the part of the signal in each band, in dB
relative to full scale (a full-scale sine reads -3.0 dB in its band), averaged
over channels. Compare two files' tables to see what a correction did, or pick
bands to cut or boost from one.";

/// Text shown after `bark-eq demo --help`.
const DEMO_AFTER_HELP: &str = "\
Writes demo-input.wav (6 s of pink noise), demo-output.wav (the same through the
EQ, by default a telephone-like curve: lows and highs cut, 1 kHz boosted) and
prints the measured change per band next to the setting. Any EQ option replaces
the default curve, e.g. `bark-eq demo --band 9=+12`.";

/// `bark-eq`: the Bark EQ engine over audio files.
#[derive(Debug, Parser)]
#[command(name = "bark-eq", version, about, after_help = MAIN_AFTER_HELP)]
#[command(
    long_about = "Renders audio files through the Bark EQ, the 25-band spectral graphic \
                  equalizer of the Bark EQ plugin, using the very same engine, offline and in \
                  parallel."
)]
pub struct Cli {
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,
}

/// What `bark-eq` does.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Equalize audio files into WAV or FLAC files.
    #[command(after_help = RENDER_AFTER_HELP)]
    Render(RenderArgs),
    /// Print the energy of each Bark band of a file.
    #[command(after_help = ANALYZE_AFTER_HELP)]
    Analyze(AnalyzeArgs),
    /// Print a preset (JSON with the plugin's parameter IDs): a template, or your settings.
    #[command(
        after_help = "With no options this prints the flat template. With EQ options it prints \
                      those settings, e.g. `bark-eq preset --band 9=+6 > mid.json`."
    )]
    Preset(PresetArgs),
    /// Write a short test signal and its equalized version, and show what changed.
    #[command(after_help = DEMO_AFTER_HELP)]
    Demo(DemoArgs),
    /// Match the tonal balance of files to a reference, pink noise or a tilt (Bark Match).
    Match(crate::matching::MatchArgs),
}

/// The EQ settings, shared by `render`, `preset` and `demo`.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "EQ settings")]
pub struct EqArgs {
    /// Load settings from a JSON preset (keys band_1..band_25, output, curve, fft_size, bypass;
    /// see `bark-eq preset`).
    #[arg(long, value_name = "FILE")]
    pub preset: Option<PathBuf>,
    /// All 25 band gains in dB, comma-separated, band 1 first.
    #[arg(long, value_name = "DB,DB,...", allow_hyphen_values = true)]
    pub gains: Option<String>,
    /// Set one band: BAND=DB, where BAND is a band number 1-25 (as in the parameter IDs
    /// band_1..band_25) or a frequency whose band is meant (`1k`, `997hz`, `2.5k`, `440`).
    /// Repeatable; later ones win.
    #[arg(long = "band", value_name = "BAND=DB", allow_hyphen_values = true)]
    pub bands: Vec<String>,
    /// Curve between band centres: smooth (dB interpolated on a log-frequency axis) or bands
    /// (a flat step per band).
    #[arg(long, value_enum, value_name = "MODE")]
    pub curve: Option<CurveArg>,
    /// FFT size (resolution at 44.1/48 kHz; doubled per octave of higher sample rates).
    /// Larger: finer low bands, longer latency; it does not change the output length.
    #[arg(long, value_name = "POINTS", value_parser = ["1024", "2048", "4096", "8192", "16384"])]
    pub fft_size: Option<String>,
    /// Output gain in dB, -24 to +24.
    #[arg(long, value_name = "DB", allow_hyphen_values = true)]
    pub output_gain: Option<f32>,
    /// Phase mode: linear (the STFT: no phase shift, latency compensated) or zero (minimum
    /// phase IIR sections solved to the Smooth curve: no pre-ringing, a slight phase shift).
    #[arg(long, value_name = "MODE", value_parser = ["linear", "zero"])]
    pub phase: Option<String>,
    /// Which part of a stereo file the curve applies to: stereo, mid, side, left or right
    /// (the rest passes unchanged; no effect on one channel).
    #[arg(long, value_name = "PART", value_parser = ["stereo", "mid", "side", "left", "right"])]
    pub stereo: Option<String>,
    /// Keep the loudness constant as the curve changes (K-weighted, on the input's own
    /// long-term spectrum).
    #[arg(long)]
    pub auto_gain: bool,
    /// Write only what the EQ changes: the processed signal minus the input.
    #[arg(long)]
    pub delta: bool,
}

/// The curve mode as typed on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CurveArg {
    /// dB interpolated between band centres on a log-frequency axis.
    Smooth,
    /// every frequency takes its band's gain (a step curve).
    Bands,
}

/// Bit depth of written WAV files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BitsArg {
    /// 16-bit integer with TPDF dither.
    #[value(name = "16")]
    Int16,
    /// 24-bit integer.
    #[value(name = "24")]
    Int24,
    /// 32-bit float (no clipping, no rounding).
    #[value(name = "32")]
    Float32,
}

/// Container of written files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// RIFF WAVE (16, 24 or 32-bit float).
    Wav,
    /// FLAC, lossless (16 or 24-bit).
    Flac,
}

/// Options of `bark-eq render`.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Input files: WAV, FLAC, MP3, OGG/Vorbis or AIFF; any sample rate and channel count.
    #[arg(required = true, value_name = "IN")]
    pub inputs: Vec<PathBuf>,
    /// Output directory (created if missing; files keep their names with the output format's
    /// extension), or a .wav or .flac file when there is one input.
    #[arg(short, long, value_name = "OUT")]
    pub output: PathBuf,
    /// Appended to each output file's name before the extension (e.g. `_eq`).
    #[arg(
        long,
        value_name = "TEXT",
        default_value = "",
        hide_default_value = true
    )]
    pub suffix: String,
    /// Output sample format: 16 (dithered), 24 or 32 (float, WAV only) [default: 32 for WAV,
    /// 24 for FLAC].
    #[arg(long, value_enum, value_name = "BITS")]
    pub bits: Option<BitsArg>,
    /// Output file format [default: from the extension of -o when it names a file, else wav].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<FormatArg>,
    /// Print the loudness (integrated LUFS, loudness range, true peak) of each input and
    /// output, and the change measured in every band.
    #[arg(long)]
    pub report: bool,
    /// Write the report as JSON to this file (`-` for standard output, instead of the table).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Set each file's output gain so that the output is as loud as the input (integrated
    /// loudness, ±0.1 LU); warns when the true peak then exceeds -1 dBTP.
    #[arg(long)]
    pub match_loudness: bool,
    /// Threads: files rendered at once, and the segments of a long file when there are fewer
    /// files than threads [default: number of CPU cores].
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Overwrite existing output files (never the inputs).
    #[arg(short, long)]
    pub force: bool,
    /// Print only errors and the failure summary; no progress bars.
    #[arg(short, long)]
    pub quiet: bool,
    /// The EQ settings.
    #[command(flatten)]
    pub eq: EqArgs,
}

/// Options of `bark-eq analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// The audio file to analyse.
    #[arg(value_name = "IN")]
    pub input: PathBuf,
    /// Also write the result as JSON to this file (`-` for standard output instead of the
    /// table).
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// FFT size of the analysis (as for render).
    #[arg(long, value_name = "POINTS", default_value = "4096",
          value_parser = ["1024", "2048", "4096", "8192", "16384"])]
    pub fft_size: String,
}

/// Options of `bark-eq preset`.
#[derive(Debug, Args)]
pub struct PresetArgs {
    /// The EQ settings to print (none: the flat template).
    #[command(flatten)]
    pub eq: EqArgs,
}

/// Options of `bark-eq demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Directory to write demo-input.wav and demo-output.wav into (created if missing).
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    pub output: PathBuf,
    /// Overwrite demo files that already exist.
    #[arg(short, long)]
    pub force: bool,
    /// EQ settings replacing the demo's telephone curve.
    #[command(flatten)]
    pub eq: EqArgs,
}
