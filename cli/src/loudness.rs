//! Loudness (ITU-R BS.1770 / EBU R128, through the `ebur128` crate): integrated loudness,
//! loudness range and true peak of a file's input and output, and the `render --report`
//! table.

use ebur128::{EbuR128, Mode};
use serde::Serialize;

use crate::error::FileError;

/// True peak above which `--match-loudness` warns (EBU R128's limit for distribution).
pub const TRUE_PEAK_WARNING_DBTP: f64 = -1.0;

/// Measures one signal as it streams past.
pub struct Meter {
    /// The BS.1770 meter.
    ebu: EbuR128,
}

/// The loudness of one signal.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Loudness {
    /// Integrated (gated) loudness in LUFS; `None` for silence (below the −70 LUFS gate).
    pub integrated_lufs: Option<f64>,
    /// Loudness range in LU (EBU Tech 3342).
    pub range_lu: f64,
    /// Highest true peak over all channels in dBTP (4× oversampled); `None` for silence.
    pub true_peak_dbtp: Option<f64>,
}

/// Maps a meter error (only a channel count or rate it cannot measure) to the file's error.
fn meter_error(err: ebur128::Error) -> FileError {
    FileError::unsupported(format!("cannot measure loudness: {err}"))
}

impl Meter {
    /// A meter for `num_channels` channels at `sample_rate_hz` (BS.1770 weights by position:
    /// L, R, C, LFE (not counted), Ls, Rs).
    pub fn new(num_channels: usize, sample_rate_hz: u32) -> Result<Self, FileError> {
        let channels = u32::try_from(num_channels)
            .map_err(|_| FileError::unsupported(format!("{num_channels} channels")))?;
        let mode = Mode::I | Mode::LRA | Mode::TRUE_PEAK;
        let ebu = EbuR128::new(channels, sample_rate_hz, mode).map_err(|_| {
            FileError::unsupported(format!(
                "cannot measure loudness of {num_channels} channels at {sample_rate_hz} Hz"
            ))
        })?;
        Ok(Self { ebu })
    }

    /// Adds planar frames (channels of equal length).
    pub fn add(&mut self, channels: &[&[f32]]) -> Result<(), FileError> {
        self.ebu
            .add_frames_planar_f32(channels)
            .map_err(meter_error)
    }

    /// The loudness of everything added.
    pub fn loudness(&self) -> Result<Loudness, FileError> {
        let integrated = self.ebu.loudness_global().map_err(meter_error)?;
        let range_lu = self.ebu.loudness_range().map_err(meter_error)?;
        let mut peak = 0.0f64;
        for channel in 0..self.ebu.channels() {
            peak = peak.max(self.ebu.true_peak(channel).map_err(meter_error)?);
        }
        Ok(Loudness {
            integrated_lufs: integrated.is_finite().then_some(integrated),
            range_lu,
            true_peak_dbtp: (peak > 0.0).then(|| 20.0 * peak.log10()),
        })
    }
}

/// The output gain change in dB that makes `output` as loud as `input`, if both have a
/// loudness.
pub fn matching_gain_db(input: &Loudness, output: &Loudness) -> Option<f64> {
    Some(input.integrated_lufs? - output.integrated_lufs?)
}

/// A loudness value for the table: one decimal, or "-inf" for silence.
pub fn format_level(value: Option<f64>) -> String {
    value.map_or_else(|| "-inf".to_string(), |v| format!("{v:.1}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bark_eq_testkit::sine;

    /// A sine of `peak` amplitude in every one of `channels` channels, measured.
    fn measure_sine(freq_hz: f32, peak: f32, channels: usize, rate_hz: u32) -> Loudness {
        let tone = sine(freq_hz, rate_hz, peak, 20 * rate_hz as usize);
        let mut meter = Meter::new(channels, rate_hz).unwrap();
        let planes: Vec<&[f32]> = (0..channels).map(|_| tone.as_slice()).collect();
        meter.add(&planes).unwrap();
        meter.loudness().unwrap()
    }

    #[test]
    fn a_1_khz_sine_at_minus_23_dbfs_per_channel_reads_minus_23_lufs() {
        // EBU Tech 3341, test 1: stereo 1 kHz sine at -23 dBFS (peak) in both channels.
        let peak = 10f32.powf(-23.0 / 20.0);
        for rate_hz in [44_100, 48_000] {
            let loudness = measure_sine(1000.0, peak, 2, rate_hz);
            let lufs = loudness.integrated_lufs.unwrap();
            assert!((lufs + 23.0).abs() <= 0.1, "{rate_hz} Hz: {lufs:.2} LUFS");
            let true_peak = loudness.true_peak_dbtp.unwrap();
            assert!((true_peak + 23.0).abs() <= 0.1, "true peak {true_peak:.2}");
            // A steady tone has no loudness range.
            assert!(loudness.range_lu < 0.1, "range {}", loudness.range_lu);
        }
        // Test 2: -33 dBFS reads -33 LUFS.
        let quiet = measure_sine(1000.0, 10f32.powf(-33.0 / 20.0), 2, 48_000);
        assert!((quiet.integrated_lufs.unwrap() + 33.0).abs() <= 0.1);
    }

    #[test]
    fn silence_has_no_loudness_and_no_peak() {
        let mut meter = Meter::new(2, 48_000).unwrap();
        let zeros = vec![0.0f32; 48_000];
        meter.add(&[&zeros, &zeros]).unwrap();
        let loudness = meter.loudness().unwrap();
        assert_eq!(loudness.integrated_lufs, None);
        assert_eq!(loudness.true_peak_dbtp, None);
        assert_eq!(matching_gain_db(&loudness, &loudness), None);
    }
}
