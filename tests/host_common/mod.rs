//! Shared by the real-host tests (`clap_host.rs`, `vst3_host.rs`): where the built plugin
//! library is, the parameters every host must see, test signals, and one small host per API.
//!
//! Each test binary uses its own part of this module.
#![allow(dead_code)]

pub use bark_eq_testkit::hosts::*;
pub use bark_eq_testkit::*;

use rand::rngs::SmallRng;
use rand::Rng;

/// Display names of the 25 bands: their centres (√(lo·hi), band 1 at 50 Hz) to 3 digits.
pub const BAND_NAMES: [&str; 25] = [
    "50 Hz", "141 Hz", "245 Hz", "346 Hz", "452 Hz", "567 Hz", "696 Hz", "842 Hz", "997 Hz",
    "1.17 kHz", "1.37 kHz", "1.60 kHz", "1.85 kHz", "2.15 kHz", "2.50 kHz", "2.92 kHz", "3.41 kHz",
    "4.03 kHz", "4.83 kHz", "5.82 kHz", "7.02 kHz", "8.55 kHz", "10.7 kHz", "13.6 kHz", "17.6 kHz",
];

/// Band gains are ± this many dB.
pub const BAND_LIMIT_DB: f64 = 12.0;
/// The output gain is ± this many dB.
pub const OUTPUT_LIMIT_DB: f64 = 24.0;
/// Labels of the `curve` choices, default first.
pub const CURVE_LABELS: &[&str] = &["Smooth", "Bands"];
/// Labels of the `fft_size` choices; the default is 4096.
pub const FFT_SIZE_LABELS: &[&str] = &["1024", "2048", "4096", "8192", "16384"];
/// Labels of the `phase` choices, default first.
pub const PHASE_LABELS: &[&str] = &["Linear", "Zero latency"];
/// Labels of the `stereo` choices, default first.
pub const STEREO_LABELS: &[&str] = &["Stereo", "Mid", "Side", "Left", "Right"];
/// Parameters of release 0.1, before those added in 0.2.
pub const RELEASE_0_1_PARAMS: usize = 29;

/// What kind of value a parameter holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParamKind {
    /// A gain in dB, ±`limit_db` in 0.1 dB steps, default 0 dB.
    Gain {
        /// Largest gain in dB.
        limit_db: f64,
    },
    /// One of `labels`, default `labels[default]`.
    Choice {
        /// Display text of every choice.
        labels: &'static [&'static str],
        /// Index of the default choice.
        default: usize,
    },
    /// On/off, default off.
    Switch,
}

impl ParamKind {
    /// Number of steps nice-plug reports for the parameter (`None` for continuous ones).
    pub fn step_count(self) -> Option<usize> {
        match self {
            ParamKind::Gain { .. } => None,
            ParamKind::Choice { labels, .. } => Some(labels.len() - 1),
            ParamKind::Switch => Some(1),
        }
    }

    /// The largest CLAP value: nice-plug reports stepped parameters as step indices.
    pub fn clap_max(self) -> f64 {
        self.step_count().unwrap_or(1) as f64
    }

    /// A random normalized value: gains on their 0.1 dB grid, choices on a step; switches off.
    pub fn random_normalized(self, rng: &mut SmallRng) -> f64 {
        match self {
            ParamKind::Gain { limit_db } => {
                let steps = (20.0 * limit_db) as u32;
                f64::from(rng.random_range(0..=steps)) / f64::from(steps)
            }
            ParamKind::Choice { labels, .. } => {
                let steps = labels.len() - 1;
                rng.random_range(0..=steps) as f64 / steps as f64
            }
            ParamKind::Switch => 0.0,
        }
    }

    /// Default value, normalized to 0…1.
    pub fn default_normalized(self) -> f64 {
        match self {
            ParamKind::Gain { .. } => 0.5,
            ParamKind::Choice { labels, default } => default as f64 / (labels.len() - 1) as f64,
            ParamKind::Switch => 0.0,
        }
    }
}

/// One parameter as hosts must see it.
#[derive(Clone, Debug)]
pub struct ParamSpec {
    /// Frozen string ID (`band_1`, `output`, …).
    pub string_id: String,
    /// Display name.
    pub name: &'static str,
    /// Value kind, range and default.
    pub kind: ParamKind,
}

impl ParamSpec {
    /// Whether this is the host's bypass switch.
    pub fn is_bypass(&self) -> bool {
        self.string_id == "bypass"
    }

    /// The ID hosts see.
    pub fn host_id(&self) -> u32 {
        host_param_id(&self.string_id)
    }
}

/// The 33 parameters in host order: `band_1` … `band_25`, `output`, `curve`, `fft_size`,
/// `bypass` (release 0.1), then `phase`, `stereo`, `auto_gain`, `delta` (appended in 0.2).
pub fn expected_params() -> Vec<ParamSpec> {
    let bands = BAND_NAMES
        .iter()
        .enumerate()
        .map(|(band, &name)| ParamSpec {
            string_id: format!("band_{}", band + 1),
            name,
            kind: ParamKind::Gain {
                limit_db: BAND_LIMIT_DB,
            },
        });
    let others = [
        (
            "output",
            "Output",
            ParamKind::Gain {
                limit_db: OUTPUT_LIMIT_DB,
            },
        ),
        (
            "curve",
            "Curve",
            ParamKind::Choice {
                labels: CURVE_LABELS,
                default: 0,
            },
        ),
        (
            "fft_size",
            "FFT Size",
            ParamKind::Choice {
                labels: FFT_SIZE_LABELS,
                default: 2,
            },
        ),
        ("bypass", "Bypass", ParamKind::Switch),
        (
            "phase",
            "Phase",
            ParamKind::Choice {
                labels: PHASE_LABELS,
                default: 0,
            },
        ),
        (
            "stereo",
            "Stereo",
            ParamKind::Choice {
                labels: STEREO_LABELS,
                default: 0,
            },
        ),
        ("auto_gain", "Auto Gain", ParamKind::Switch),
        ("delta", "Delta", ParamKind::Switch),
    ]
    .map(|(string_id, name, kind)| ParamSpec {
        string_id: string_id.to_string(),
        name,
        kind,
    });
    bands.chain(others).collect()
}

/// Normalized value of a gain of `gain_db` on a ±`limit_db` parameter.
pub fn normalized_gain(gain_db: f64, limit_db: f64) -> f64 {
    (gain_db + limit_db) / (2.0 * limit_db)
}

/// Host ID of band `band_number` (1-based, as in `band_9`).
pub fn band_id(band_number: usize) -> u32 {
    host_param_id(&format!("band_{band_number}"))
}

/// A state saved by release 0.1.0 (band k at (k − 13) × 0.7 dB, output −3.5 dB, Bands, FFT
/// 8192, bypass on) and, per parameter ID, the normalized value the host read back then.
pub struct StateFixture {
    /// The state bytes as the format's host received them.
    pub bytes: Vec<u8>,
    /// `(string ID, normalized value)` for each of the 29 parameters of 0.1.0.
    pub values: Vec<(String, f64)>,
}

/// Reads the 0.1.0 state fixture of one format (`"clap"` or `"vst3"`).
pub fn state_fixture_0_1_0(format: &str) -> StateFixture {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let bytes = std::fs::read(dir.join(format!("state-0.1.0.{format}.bin"))).expect("fixture");
    let text = std::fs::read_to_string(dir.join("state-0.1.0.values.txt")).expect("fixture");
    let values = text
        .lines()
        .map(|line| {
            let (id, value) = line.split_once(' ').expect("`id value` lines");
            (id.to_string(), value.parse().expect("a number"))
        })
        .collect();
    StateFixture { bytes, values }
}
