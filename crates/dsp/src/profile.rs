//! Profiles: the long-term power per Bark band of some audio, in dB, measured with the
//! engine's own STFT frames, channels averaged in power, quiet passages left out.
//!
//! [`ProfileLearner`] takes one frame's input power per bin at a time (allocation-free, so the
//! audio thread feeds it) and sorts the frame into a histogram of frame levels: each level bin
//! holds the sum of its frames' 25 band powers and their count. [`ProfileLearner::profile`]
//! then gates without a second pass, as EBU R 128 and matchering do: frames below
//! [`ABSOLUTE_GATE_DBFS`] never count, and frames more than [`RELATIVE_GATE_DB`] under the
//! power mean of the others are left out, so fades and silence do not tilt the result.
//!
//! The window smears every bin over its neighbours (the Hann main lobe is four bins wide), so
//! next to a much louder band a narrow band reads too loud. The profile undoes this: the
//! measured band powers are the true ones through a fixed 25 × 25 leakage map (the Hann
//! kernel integrated over each band's bins, a pink density assumed within a band), which
//! [`ProfileLearner::profile`] inverts.
//!
//! A frame's band power is its share of the mean square: by Parseval, with a Hann window at
//! hop N/4, Σ|X\[k\]|² over the whole spectrum is N² · [`FRAME_POWER_SCALE`] times the mean
//! square of the frame's samples.

use serde::{Deserialize, Serialize};

use super::bands::NUM_BANDS;
use super::curve::BinLayout;
use super::math::solve_linear;
use super::window::{HOP_DIVISOR, WOLA_WINDOW_SUM};

/// The format version written into every profile; other versions are refused.
pub const PROFILE_FORMAT_VERSION: u32 = 1;
/// Frames whose mean-square level is below this (dBFS) never count.
pub const ABSOLUTE_GATE_DBFS: f32 = -70.0;
/// Frames more than this many dB under the power mean of the ungated frames are left out.
pub const RELATIVE_GATE_DB: f32 = 20.0;
/// Width of one bin of the frame-level histogram, dB.
pub const LEVEL_STEP_DB: f32 = 0.5;
/// The histogram's top level, dBFS; louder frames count in its last bin.
pub const LEVEL_CEILING_DBFS: f32 = 20.0;
/// Number of level bins, from [`ABSOLUTE_GATE_DBFS`] to [`LEVEL_CEILING_DBFS`].
pub const NUM_LEVELS: usize = ((LEVEL_CEILING_DBFS - ABSOLUTE_GATE_DBFS) / LEVEL_STEP_DB) as usize;
/// The level a band without any signal (e.g. above Nyquist) reads, dBFS.
pub const SILENT_BAND_DB: f32 = -150.0;
/// Σ w² / N of the periodic Hann window: hop N/4 frames overlap to [`WOLA_WINDOW_SUM`].
pub const FRAME_POWER_SCALE: f32 = WOLA_WINDOW_SUM / HOP_DIVISOR as f32;
/// Points per bin at which the leakage map integrates a band's spectrum.
const LEAKAGE_POINTS_PER_BIN: usize = 4;
/// The Hann kernel is followed this many bins to each side (its sidelobes are below −80 dB
/// beyond).
const LEAKAGE_REACH_BINS: i64 = 8;
/// Within a band the leakage map assumes a pink density, flat below this many bins.
const PINK_FLOOR_BINS: f64 = 0.5;
/// A band whose unsmeared power comes out below this share of its measured power keeps the
/// measured power (the correction is a small one; more means the model does not fit).
const MIN_UNSMEARED_SHARE: f64 = 0.1;

/// The long-term spectrum of some audio on the 25 Bark bands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Format version ([`PROFILE_FORMAT_VERSION`]).
    pub version: u32,
    /// Sample rate of the audio measured, Hz.
    pub sample_rate_hz: f32,
    /// Seconds of audio observed (gated frames included).
    pub duration_s: f32,
    /// STFT frames that passed the gates.
    pub frames_kept: u64,
    /// Mean-square level of each band over the kept frames, dBFS (channels averaged in power;
    /// [`SILENT_BAND_DB`] for a band without signal), band 1 first.
    pub band_levels_db: [f32; NUM_BANDS],
}

/// Why a profile could not be made or read.
#[derive(Clone, Debug, PartialEq)]
pub enum ProfileError {
    /// No frame passed the gates: the audio is silent (or below [`ABSOLUTE_GATE_DBFS`]).
    Silent,
    /// The text is not a profile; the message says why.
    Invalid(String),
    /// The profile was written in another format version.
    WrongVersion(u32),
    /// The profile does not hold exactly 25 band levels.
    WrongBandCount(usize),
}

impl std::fmt::Display for ProfileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProfileError::Silent => write!(
                f,
                "the audio is silent (no frame above {ABSOLUTE_GATE_DBFS} dBFS), so it has no profile"
            ),
            ProfileError::Invalid(reason) => write!(
                f,
                "not a Bark EQ profile ({reason}); write one with `bark-eq analyze FILE --json OUT`"
            ),
            ProfileError::WrongVersion(version) => write!(
                f,
                "profile format version {version} is not supported (this build reads version {PROFILE_FORMAT_VERSION})"
            ),
            ProfileError::WrongBandCount(count) => write!(
                f,
                "the profile has {count} band levels; it needs all {NUM_BANDS}, band 1 first"
            ),
        }
    }
}

impl std::error::Error for ProfileError {}

impl Profile {
    /// The profile as pretty JSON (one object, the fields above).
    pub fn to_json(&self) -> String {
        // A struct of numbers always serializes.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a profile from JSON: the object [`Profile::to_json`] writes, or any object that
    /// holds its fields (such as `bark-eq analyze --json` output). A wrong version, a band
    /// missing or a non-finite level is refused with a one-line reason.
    pub fn from_json(text: &str) -> Result<Self, ProfileError> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|err| ProfileError::Invalid(format!("invalid JSON: {err}")))?;
        let object = value
            .as_object()
            .ok_or_else(|| ProfileError::Invalid("not a JSON object".to_string()))?;
        let version = object
            .get("version")
            .ok_or_else(|| ProfileError::Invalid("no \"version\"".to_string()))?
            .as_u64()
            .ok_or_else(|| ProfileError::Invalid("\"version\" is not a number".to_string()))?;
        if version != u64::from(PROFILE_FORMAT_VERSION) {
            return Err(ProfileError::WrongVersion(
                u32::try_from(version).unwrap_or(u32::MAX),
            ));
        }
        let levels = object
            .get("band_levels_db")
            .and_then(|v| v.as_array())
            .ok_or_else(|| ProfileError::Invalid("no \"band_levels_db\" list".to_string()))?;
        if levels.len() != NUM_BANDS {
            return Err(ProfileError::WrongBandCount(levels.len()));
        }
        let mut band_levels_db = [0.0; NUM_BANDS];
        for (band, (level, value)) in band_levels_db.iter_mut().zip(levels).enumerate() {
            *level = value
                .as_f64()
                .map(|db| db as f32)
                .filter(|db| db.is_finite())
                .ok_or_else(|| {
                    ProfileError::Invalid(format!("band {} level is {value}", band + 1))
                })?;
        }
        let number = |key: &str| object.get(key).and_then(|v| v.as_f64()).unwrap_or(0.0);
        Ok(Self {
            version: PROFILE_FORMAT_VERSION,
            sample_rate_hz: number("sample_rate_hz") as f32,
            duration_s: number("duration_s") as f32,
            frames_kept: number("frames_kept") as u64,
            band_levels_db,
        })
    }

    /// Whether band `band` holds any signal.
    pub fn has_signal(&self, band: usize) -> bool {
        self.band_levels_db[band] > SILENT_BAND_DB
    }
}

/// Band power sums of one level bin of the histogram.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct LevelBin {
    /// Σ over its frames of each band's mean square.
    band_power: [f64; NUM_BANDS],
    /// Frames in the bin.
    frames: u64,
}

/// Accumulates frames into a gated profile. [`ProfileLearner::new`] allocates; everything
/// else except [`ProfileLearner::profile`] is allocation-free (`clone_from` included).
#[derive(Clone, Debug, PartialEq)]
pub struct ProfileLearner {
    /// Sample rate of the audio, Hz.
    sample_rate_hz: f32,
    /// FFT size of the latest frames observed (0 before any).
    fft_size: usize,
    /// One bin per [`LEVEL_STEP_DB`] of frame level, from [`ABSOLUTE_GATE_DBFS`] up.
    levels: Vec<LevelBin>,
    /// Frames observed below the absolute gate.
    frames_below_gate: u64,
    /// Seconds of audio observed.
    observed_s: f64,
    /// Level bins touched since the last [`ProfileLearner::drain_from`]: lowest, highest + 1.
    touched: (usize, usize),
}

impl ProfileLearner {
    /// An empty learner for audio at `sample_rate_hz`. Allocates.
    pub fn new(sample_rate_hz: f32) -> Self {
        Self {
            sample_rate_hz,
            fft_size: 0,
            levels: vec![LevelBin::default(); NUM_LEVELS],
            frames_below_gate: 0,
            observed_s: 0.0,
            touched: (NUM_LEVELS, 0),
        }
    }

    /// Forgets everything observed.
    pub fn clear(&mut self) {
        self.levels.fill(LevelBin::default());
        self.frames_below_gate = 0;
        self.observed_s = 0.0;
        self.touched = (NUM_LEVELS, 0);
    }

    /// Sample rate of the audio, Hz.
    pub fn sample_rate_hz(&self) -> f32 {
        self.sample_rate_hz
    }

    /// Seconds of audio observed.
    pub fn observed_s(&self) -> f64 {
        self.observed_s
    }

    /// Whether nothing was observed since the last clear.
    pub fn is_empty(&self) -> bool {
        self.observed_s == 0.0
    }

    /// Adds one hop's frame: `frame_power` holds |X\[k\]|² per bin of `layout`, summed over
    /// `num_channels` channels (as the engine computes it), for a hop of `hop_s` seconds.
    pub fn observe(
        &mut self,
        frame_power: &[f32],
        layout: &BinLayout,
        num_channels: usize,
        hop_s: f32,
    ) {
        let num_bins = layout.num_bins().min(frame_power.len());
        self.fft_size = layout.fft_size;
        let fft_len = layout.fft_size as f64;
        let norm = 1.0 / (f64::from(FRAME_POWER_SCALE) * fft_len * fft_len * num_channels as f64);
        let mut band_power = [0.0f64; NUM_BANDS];
        for (band, power) in band_power.iter_mut().enumerate() {
            let bins = layout.band_bins(band);
            let bins = bins.start.min(num_bins)..bins.end.min(num_bins);
            let sum: f64 = frame_power[bins].iter().map(|&p| f64::from(p)).sum();
            *power = 2.0 * sum * norm;
        }
        // DC and Nyquist have no negative-frequency twin: count them once.
        if num_bins > 1 {
            let last = num_bins - 1;
            band_power[0] -= f64::from(frame_power[0]) * norm;
            band_power[usize::from(layout.band_of_bin[last])] -=
                f64::from(frame_power[last]) * norm;
        }
        self.add_frame(&band_power, f64::from(hop_s));
    }

    /// Adds one frame given as the mean square of each band.
    fn add_frame(&mut self, band_power: &[f64; NUM_BANDS], hop_s: f64) {
        self.observed_s += hop_s;
        let total: f64 = band_power.iter().sum();
        let level_db = 10.0 * total.max(f64::MIN_POSITIVE).log10();
        if level_db.is_nan() || level_db < f64::from(ABSOLUTE_GATE_DBFS) {
            self.frames_below_gate += 1;
            return;
        }
        let index = ((level_db - f64::from(ABSOLUTE_GATE_DBFS)) / f64::from(LEVEL_STEP_DB))
            .min((NUM_LEVELS - 1) as f64) as usize;
        let bin = &mut self.levels[index];
        for (sum, &power) in bin.band_power.iter_mut().zip(band_power) {
            *sum += power.max(0.0);
        }
        bin.frames += 1;
        self.touched = (self.touched.0.min(index), self.touched.1.max(index + 1));
    }

    /// Adds everything `other` observed since it was last drained (only the level bins it
    /// touched), then marks `other` untouched. Allocation-free.
    pub fn drain_from(&mut self, other: &mut ProfileLearner) {
        let (low, high) = other.touched;
        for index in low..high.min(NUM_LEVELS) {
            let from = &mut other.levels[index];
            let to = &mut self.levels[index];
            for (sum, power) in to.band_power.iter_mut().zip(&mut from.band_power) {
                *sum += std::mem::take(power);
            }
            to.frames += std::mem::take(&mut from.frames);
        }
        if low < high {
            self.touched = (self.touched.0.min(low), self.touched.1.max(high));
        }
        self.fft_size = other
            .fft_size
            .max(self.fft_size * usize::from(other.fft_size == 0));
        self.frames_below_gate += std::mem::take(&mut other.frames_below_gate);
        self.observed_s += std::mem::take(&mut other.observed_s);
        other.touched = (NUM_LEVELS, 0);
    }

    /// Adds everything `other` observed (pooling several files into one profile).
    pub fn merge(&mut self, other: &ProfileLearner) {
        for (to, from) in self.levels.iter_mut().zip(&other.levels) {
            for (sum, power) in to.band_power.iter_mut().zip(&from.band_power) {
                *sum += power;
            }
            to.frames += from.frames;
        }
        self.frames_below_gate += other.frames_below_gate;
        self.observed_s += other.observed_s;
        if self.fft_size == 0 {
            self.fft_size = other.fft_size;
        }
    }

    /// The gated profile of everything observed, or [`ProfileError::Silent`].
    pub fn profile(&self) -> Result<Profile, ProfileError> {
        let frames: u64 = self.levels.iter().map(|bin| bin.frames).sum();
        if frames == 0 {
            return Err(ProfileError::Silent);
        }
        let total_power: f64 = self.levels.iter().flat_map(|bin| bin.band_power).sum();
        let mean_level_db = 10.0 * (total_power / frames as f64).log10();
        let gate_db = mean_level_db - f64::from(RELATIVE_GATE_DB);
        let mut band_power = [0.0f64; NUM_BANDS];
        let mut frames_kept = 0;
        for (index, bin) in self.levels.iter().enumerate() {
            let centre_db =
                f64::from(ABSOLUTE_GATE_DBFS) + (index as f64 + 0.5) * f64::from(LEVEL_STEP_DB);
            if centre_db < gate_db || bin.frames == 0 {
                continue;
            }
            for (sum, power) in band_power.iter_mut().zip(&bin.band_power) {
                *sum += power;
            }
            frames_kept += bin.frames;
        }
        if frames_kept == 0 {
            return Err(ProfileError::Silent);
        }
        let layout = BinLayout::new(self.fft_size, self.sample_rate_hz);
        let band_power = unsmear(&band_power, &leakage_map(&layout));
        let band_levels_db = band_power.map(|power| {
            let mean_square = power / frames_kept as f64;
            if mean_square > 0.0 {
                (10.0 * mean_square.log10()).max(f64::from(SILENT_BAND_DB)) as f32
            } else {
                SILENT_BAND_DB
            }
        });
        Ok(Profile {
            version: PROFILE_FORMAT_VERSION,
            sample_rate_hz: self.sample_rate_hz,
            duration_s: self.observed_s as f32,
            frames_kept,
            band_levels_db,
        })
    }
}

/// Power of the periodic Hann window's spectrum at `offset_bins` from a bin, normalised so
/// that a sinusoid's power summed over all bins is 1 wherever it lies.
fn hann_power(offset_bins: f64) -> f64 {
    let sinc = |x: f64| {
        if x.abs() < 1e-9 {
            1.0
        } else {
            let px = std::f64::consts::PI * x;
            px.sin() / px
        }
    };
    let amplitude =
        0.5 * sinc(offset_bins) + 0.25 * (sinc(offset_bins - 1.0) + sinc(offset_bins + 1.0));
    amplitude * amplitude / f64::from(FRAME_POWER_SCALE)
}

/// Column j, row b: the share of band j's power (a pink density over its bins) that the
/// Hann-windowed frames show in band b's bins. Bands without bins get an identity column.
pub fn leakage_map(layout: &BinLayout) -> [[f64; NUM_BANDS]; NUM_BANDS] {
    let mut map = [[0.0f64; NUM_BANDS]; NUM_BANDS];
    let num_bins = layout.num_bins() as i64;
    let step = 1.0 / LEAKAGE_POINTS_PER_BIN as f64;
    for band in 0..NUM_BANDS {
        let bins = layout.band_bins(band);
        if bins.is_empty() {
            map[band][band] = 1.0;
            continue;
        }
        let points = bins.len() * LEAKAGE_POINTS_PER_BIN;
        let mut column = [0.0f64; NUM_BANDS];
        for point in 0..points {
            let freq_bins = bins.start as f64 - 0.5 + (point as f64 + 0.5) * step;
            let density = 1.0 / freq_bins.max(PINK_FLOOR_BINS);
            let nearest = freq_bins.round() as i64;
            let reach = (nearest - LEAKAGE_REACH_BINS).max(0)..=(nearest + LEAKAGE_REACH_BINS);
            for bin in reach.take_while(|&bin| bin < num_bins) {
                let into = usize::from(layout.band_of_bin[bin as usize]);
                column[into] += density * hann_power(freq_bins - bin as f64);
            }
        }
        let total: f64 = column.iter().sum();
        for (row, share) in map.iter_mut().zip(column) {
            row[band] = share / total;
        }
    }
    map
}

/// The band powers whose smearing through `map` gives `measured`.
fn unsmear(measured: &[f64; NUM_BANDS], map: &[[f64; NUM_BANDS]; NUM_BANDS]) -> [f64; NUM_BANDS] {
    let mut system: Vec<Vec<f64>> = map
        .iter()
        .zip(measured)
        .map(|(row, &power)| row.iter().copied().chain([power]).collect())
        .collect();
    let solution = solve_linear(&mut system);
    std::array::from_fn(|band| {
        let (true_power, measured) = (solution[band], measured[band]);
        if true_power >= measured * MIN_UNSMEARED_SHARE {
            true_power
        } else {
            measured
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bands::band_of_freq;

    /// One frame's power per bin of `layout` for a full-spectrum white signal of mean square
    /// `mean_square` per channel (flat: every bin the same), `channels` channels.
    fn white_frame(layout: &BinLayout, mean_square: f32, channels: usize) -> Vec<f32> {
        let n = layout.fft_size as f32;
        // Σ over the full spectrum (2 × one-sided, minus DC and Nyquist) = N² · scale · ms.
        let per_bin = FRAME_POWER_SCALE * n * n * mean_square / n;
        vec![per_bin * channels as f32; layout.num_bins()]
    }

    #[test]
    fn a_white_frame_reads_its_mean_square_split_by_bandwidth() {
        let layout = BinLayout::new(4096, 48_000.0);
        let mut learner = ProfileLearner::new(48_000.0);
        for _ in 0..10 {
            learner.observe(&white_frame(&layout, 0.01, 2), &layout, 2, 0.02);
        }
        let profile = learner.profile().expect("not silent");
        let total: f64 = profile
            .band_levels_db
            .iter()
            .map(|&db| 10f64.powf(f64::from(db) / 10.0))
            .sum();
        assert!((10.0 * total.log10() + 20.0).abs() < 0.01, "{total}");
        // Band 9 (920-1080 Hz) holds 160 Hz of the 24 kHz.
        let expected = 10.0 * (0.01f32 * 160.0 / 24_000.0).log10();
        assert!((profile.band_levels_db[8] - expected).abs() < 0.15);
        assert_eq!(profile.frames_kept, 10);
        assert!((profile.duration_s - 0.2).abs() < 1e-6);
        assert_eq!(band_of_freq(1000.0), 8);
    }

    #[test]
    fn quiet_frames_are_gated_and_silence_has_no_profile() {
        let layout = BinLayout::new(1024, 48_000.0);
        let mut learner = ProfileLearner::new(48_000.0);
        assert_eq!(learner.profile(), Err(ProfileError::Silent));
        learner.observe(&vec![0.0; layout.num_bins()], &layout, 1, 0.01);
        assert_eq!(learner.profile(), Err(ProfileError::Silent));
        for _ in 0..100 {
            learner.observe(&white_frame(&layout, 0.1, 1), &layout, 1, 0.01);
        }
        let loud = learner.profile().expect("loud frames");
        // 30 dB quieter frames of another colour: left out by the relative gate.
        let mut quiet = white_frame(&layout, 0.000_01, 1);
        quiet[..50].iter_mut().for_each(|p| *p *= 100.0);
        for _ in 0..100 {
            learner.observe(&quiet, &layout, 1, 0.01);
        }
        let gated = learner.profile().expect("loud frames");
        assert_eq!(gated.band_levels_db, loud.band_levels_db);
        assert_eq!(gated.frames_kept, 100);
    }

    #[test]
    fn draining_and_merging_equal_observing_in_one_learner() {
        let layout = BinLayout::new(2048, 44_100.0);
        let mut whole = ProfileLearner::new(44_100.0);
        let mut audio_side = ProfileLearner::new(44_100.0);
        let mut drained = ProfileLearner::new(44_100.0);
        for i in 0..40 {
            let frame = white_frame(&layout, 0.001 * (1 + i % 7) as f32, 2);
            whole.observe(&frame, &layout, 2, 0.01);
            audio_side.observe(&frame, &layout, 2, 0.01);
            if i % 3 == 0 {
                drained.drain_from(&mut audio_side);
            }
        }
        drained.drain_from(&mut audio_side);
        assert_eq!(drained.profile(), whole.profile());
        let mut merged = ProfileLearner::new(44_100.0);
        merged.merge(&whole);
        assert_eq!(merged.profile(), whole.profile());
    }

    #[test]
    fn profiles_round_trip_through_json_and_bad_ones_are_refused() {
        let profile = Profile {
            version: PROFILE_FORMAT_VERSION,
            sample_rate_hz: 48_000.0,
            duration_s: 12.5,
            frames_kept: 500,
            band_levels_db: std::array::from_fn(|b| -20.0 - b as f32 * 0.5),
        };
        assert_eq!(Profile::from_json(&profile.to_json()), Ok(profile.clone()));
        let wrong_version = profile
            .to_json()
            .replace("\"version\": 1", "\"version\": 2");
        assert_eq!(
            Profile::from_json(&wrong_version),
            Err(ProfileError::WrongVersion(2))
        );
        let text = serde_json::to_string(&profile).expect("serializes");
        let missing = text.replace(",-32.0]", "]");
        assert_eq!(
            Profile::from_json(&missing),
            Err(ProfileError::WrongBandCount(24))
        );
        for bad in ["{", "[]", "{\"band_levels_db\": []}"] {
            let err = Profile::from_json(bad).unwrap_err().to_string();
            assert!(err.contains("not a Bark EQ profile"), "{err}");
            assert!(!err.contains('\n'), "one line: {err}");
        }
        let error = ProfileError::WrongBandCount(24).to_string();
        assert!(error.contains("24 band levels"), "{error}");
    }
}
