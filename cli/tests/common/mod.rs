//! Helpers for the end-to-end tests: run the built `bark-eq`, make and read WAV files, measure.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

// Not every test file writes every kind of WAV.
#[allow(unused_imports)]
pub use bark_eq_testkit::wav::{to_i16, write_float_wav, write_int16_wav};
pub use bark_eq_testkit::{mono_white_noise, samples_in, scaled, sine};

/// Sample rate of most test signals.
pub const RATE_HZ: u32 = 48_000;
/// Frequency of the test sine: the centre of band 9.
pub const SINE_HZ: f32 = 997.0;

/// Runs the built `bark-eq` with `args` in `dir` and returns what it did.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bark-eq"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("bark-eq runs")
}

/// Like [`run_in`], and asserts success.
pub fn run_ok(dir: &Path, args: &[&str]) -> Output {
    let output = run_in(dir, args);
    assert!(
        output.status.success(),
        "bark-eq {args:?} failed ({:?}):\n{}",
        output.status,
        stderr(&output)
    );
    output
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A fresh temporary directory.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

/// Reads a WAV file: its spec and planar samples scaled to ±1.0.
pub fn read_wav(path: &Path) -> (hound::WavSpec, Vec<Vec<f32>>) {
    let mut reader =
        hound::WavReader::open(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let spec = reader.spec();
    let interleaved: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => reader.samples::<f32>().map(|s| s.unwrap()).collect(),
        hound::SampleFormat::Int => {
            let scale = (1u32 << (spec.bits_per_sample - 1)) as f32;
            reader
                .samples::<i32>()
                .map(|s| s.unwrap() as f32 / scale)
                .collect()
        }
    };
    let num_channels = spec.channels as usize;
    let planar = (0..num_channels)
        .map(|c| {
            interleaved
                .iter()
                .skip(c)
                .step_by(num_channels)
                .copied()
                .collect()
        })
        .collect();
    (spec, planar)
}

/// RMS level in dB of the middle half of `signal`.
pub fn middle_rms_db(signal: &[f32]) -> f64 {
    let middle = &signal[signal.len() / 4..signal.len() * 3 / 4];
    let mean_square =
        middle.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / middle.len() as f64;
    10.0 * mean_square.log10()
}

/// Largest absolute difference between two signals of equal length.
pub fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len(), "lengths differ");
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

/// The lag in -`max_lag`..=`max_lag` at which `output` best matches `reference` (normalised
/// cross-correlation over the middle half).
pub fn best_lag(reference: &[f32], output: &[f32], max_lag: isize) -> isize {
    let start = reference.len() / 4;
    let end = reference.len() * 3 / 4;
    (-max_lag..=max_lag)
        .max_by(|&a, &b| {
            let score = |lag: isize| -> f64 {
                (start..end)
                    .map(|i| {
                        f64::from(reference[i]) * f64::from(output[(i as isize + lag) as usize])
                    })
                    .sum()
            };
            score(a).total_cmp(&score(b))
        })
        .unwrap()
}

/// The path `name` inside `dir`, as a string for the command line.
pub fn arg(dir: &Path, name: &str) -> String {
    dir.join(name).to_string_lossy().into_owned()
}

/// Every file name in `dir`, sorted.
pub fn list_dir(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The path of a checked-in test fixture.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}
