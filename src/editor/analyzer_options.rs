//! Analyzer options: slope tilt, peak hold, freeze and which spectra to show. Saved with the
//! plugin state (persisted field `analyzer`); the audio thread reads [`AnalyzerOptionsState::
//! analysis_wanted`] (two relaxed atomic loads) and skips its analyzer work while the analyzer is
//! hidden or frozen.

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use nice_plug::params::persist::PersistentField;
use serde::{Deserialize, Serialize};

/// Key of the options in the plugin state's persisted fields.
pub const ANALYZER_KEY: &str = "analyzer";

/// Slope tilts offered, dB per octave (pivot 1 kHz). 4.5 is Voxengo SPAN's default.
pub const TILTS_DB_PER_OCTAVE: [f32; 3] = [0.0, 3.0, 4.5];
/// Index of the default tilt in [`TILTS_DB_PER_OCTAVE`] (4.5 dB/oct).
const DEFAULT_TILT: u8 = 2;

/// Which spectra the plot shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Show {
    /// None: the analyzer is hidden and the audio thread does no analyzer work.
    Off,
    /// The input spectrum.
    Input,
    /// The output spectrum.
    Output,
    /// Both.
    #[default]
    Both,
}

impl Show {
    /// Every choice, in menu order.
    pub const ALL: [Show; 4] = [Show::Both, Show::Input, Show::Output, Show::Off];

    /// Menu label, also the saved name (lower case).
    pub fn label(self) -> &'static str {
        match self {
            Show::Off => "Off",
            Show::Input => "Input",
            Show::Output => "Output",
            Show::Both => "Both",
        }
    }

    /// Whether the input spectrum is drawn.
    pub fn input(self) -> bool {
        matches!(self, Show::Input | Show::Both)
    }

    /// Whether the output spectrum is drawn.
    pub fn output(self) -> bool {
        matches!(self, Show::Output | Show::Both)
    }

    fn to_u8(self) -> u8 {
        match self {
            Show::Off => 0,
            Show::Input => 1,
            Show::Output => 2,
            Show::Both => 3,
        }
    }

    fn from_u8(value: u8) -> Self {
        match value {
            0 => Show::Off,
            1 => Show::Input,
            2 => Show::Output,
            _ => Show::Both,
        }
    }
}

/// The options as one value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AnalyzerOptions {
    /// Slope tilt in dB per octave, one of [`TILTS_DB_PER_OCTAVE`].
    pub tilt_db_per_octave: f32,
    /// Whether the highest level per point is held (until reset).
    pub peak_hold: bool,
    /// Whether the display is frozen (the audio goes on).
    pub freeze: bool,
    /// Which spectra are shown.
    pub show: Show,
}

impl Default for AnalyzerOptions {
    fn default() -> Self {
        Self {
            tilt_db_per_octave: TILTS_DB_PER_OCTAVE[usize::from(DEFAULT_TILT)],
            peak_hold: false,
            freeze: false,
            show: Show::Both,
        }
    }
}

/// The options as saved; every field may be absent (then it keeps its default).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct StoredOptions {
    /// Tilt in dB per octave (the nearest offered tilt is taken).
    pub tilt_db_per_octave: f32,
    /// Peak hold on.
    pub peak_hold: bool,
    /// Display frozen.
    pub freeze: bool,
    /// "both", "input", "output" or "off" (anything else: both).
    pub show: String,
}

impl Default for StoredOptions {
    fn default() -> Self {
        Self::from(AnalyzerOptions::default())
    }
}

impl From<AnalyzerOptions> for StoredOptions {
    fn from(options: AnalyzerOptions) -> Self {
        Self {
            tilt_db_per_octave: options.tilt_db_per_octave,
            peak_hold: options.peak_hold,
            freeze: options.freeze,
            show: options.show.label().to_ascii_lowercase(),
        }
    }
}

/// Index of the offered tilt nearest to `tilt_db_per_octave` (non-finite: the default).
fn tilt_index(tilt_db_per_octave: f32) -> u8 {
    if !tilt_db_per_octave.is_finite() {
        return DEFAULT_TILT;
    }
    let distance = |i: &usize| (TILTS_DB_PER_OCTAVE[*i] - tilt_db_per_octave).abs();
    (0..TILTS_DB_PER_OCTAVE.len())
        .min_by(|a, b| distance(a).total_cmp(&distance(b)))
        .map_or(DEFAULT_TILT, |i| i as u8)
}

/// The options shared by the editor, the state loader and the audio thread: atomics only.
#[derive(Debug)]
pub struct AnalyzerOptionsState {
    /// Index into [`TILTS_DB_PER_OCTAVE`].
    tilt: AtomicU8,
    /// Peak hold on.
    peak_hold: AtomicBool,
    /// Display frozen.
    freeze: AtomicBool,
    /// [`Show`] as a number.
    show: AtomicU8,
}

impl Default for AnalyzerOptionsState {
    fn default() -> Self {
        let state = Self {
            tilt: AtomicU8::new(DEFAULT_TILT),
            peak_hold: AtomicBool::new(false),
            freeze: AtomicBool::new(false),
            show: AtomicU8::new(Show::Both.to_u8()),
        };
        state.store(AnalyzerOptions::default());
        state
    }
}

impl AnalyzerOptionsState {
    /// The current options.
    pub fn get(&self) -> AnalyzerOptions {
        let tilt = usize::from(self.tilt.load(Ordering::Relaxed));
        AnalyzerOptions {
            tilt_db_per_octave: TILTS_DB_PER_OCTAVE.get(tilt).copied().unwrap_or(0.0),
            peak_hold: self.peak_hold.load(Ordering::Relaxed),
            freeze: self.freeze.load(Ordering::Relaxed),
            show: Show::from_u8(self.show.load(Ordering::Relaxed)),
        }
    }

    /// Stores new options (the tilt snaps to the nearest offered one).
    pub fn store(&self, options: AnalyzerOptions) {
        self.tilt
            .store(tilt_index(options.tilt_db_per_octave), Ordering::Relaxed);
        self.peak_hold.store(options.peak_hold, Ordering::Relaxed);
        self.freeze.store(options.freeze, Ordering::Relaxed);
        self.show.store(options.show.to_u8(), Ordering::Relaxed);
    }

    /// Whether the audio thread should analyze: the analyzer is shown and not frozen.
    /// Real-time safe (two relaxed loads).
    pub fn analysis_wanted(&self) -> bool {
        !self.freeze.load(Ordering::Relaxed) && self.show.load(Ordering::Relaxed) != 0
    }
}

impl PersistentField<'_, StoredOptions> for AnalyzerOptionsState {
    fn set(&self, new_value: StoredOptions) {
        let show = Show::ALL
            .into_iter()
            .find(|s| s.label().eq_ignore_ascii_case(&new_value.show))
            .unwrap_or_default();
        self.store(AnalyzerOptions {
            tilt_db_per_octave: new_value.tilt_db_per_octave,
            peak_hold: new_value.peak_hold,
            freeze: new_value.freeze,
            show,
        });
    }

    fn map<F, R>(&self, f: F) -> R
    where
        F: Fn(&StoredOptions) -> R,
    {
        f(&StoredOptions::from(self.get()))
    }
}
