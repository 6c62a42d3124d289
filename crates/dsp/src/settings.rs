//! What the user sets: band gains, output gain, curve mode, FFT size, bypass.

use super::bands::NUM_BANDS;
use super::curve::CurveMode;

/// Band gains are limited to ± this many dB.
pub const BAND_GAIN_LIMIT_DB: f32 = 12.0;
/// The output gain is limited to ± this many dB.
pub const OUTPUT_GAIN_LIMIT_DB: f32 = 24.0;
/// Sample rate at which the FFT sizes have their nominal value.
pub const REFERENCE_RATE_HZ: f32 = 48_000.0;

/// FFT resolution as named at 44.1/48 kHz; higher rates scale it (see [`rate_multiplier`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FftSize {
    /// 1024 points (hop 256).
    N1024,
    /// 2048 points (hop 512).
    N2048,
    /// 4096 points (hop 1024), the default.
    #[default]
    N4096,
    /// 8192 points (hop 2048).
    N8192,
    /// 16384 points (hop 4096).
    N16384,
}

impl FftSize {
    /// Every size, smallest first.
    pub const ALL: [FftSize; 5] = [
        FftSize::N1024,
        FftSize::N2048,
        FftSize::N4096,
        FftSize::N8192,
        FftSize::N16384,
    ];

    /// Position in [`FftSize::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Nominal size in points (at rates up to 48 kHz).
    pub fn base_size(self) -> usize {
        1024 << self.index()
    }

    /// The size with nominal value `points`, if it is one of the five.
    pub fn from_base_size(points: usize) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.base_size() == points)
    }

    /// Actual size at `sample_rate_hz`: the nominal size times [`rate_multiplier`].
    pub fn size_at_rate(self, sample_rate_hz: f32) -> usize {
        self.base_size() * rate_multiplier(sample_rate_hz)
    }
}

/// The FFT grows with the rate up to this factor (rates from about 1.09 MHz on): ×32 makes
/// the largest FFT 524 288 points, about 75 MB for a stereo engine (measured). Higher rates
/// keep ×32 and simply get wider bins.
pub const MAX_RATE_MULTIPLIER: usize = 32;

/// At rates above 48 kHz the FFT grows by the power of two nearest (on a log scale) to
/// rate / 48 kHz, so the bin spacing stays about the same: 96 kHz → ×2, 192 kHz → ×4, up to
/// [`MAX_RATE_MULTIPLIER`].
pub fn rate_multiplier(sample_rate_hz: f32) -> usize {
    if sample_rate_hz.is_nan() || sample_rate_hz <= REFERENCE_RATE_HZ {
        return 1;
    }
    let octaves = (sample_rate_hz / REFERENCE_RATE_HZ).log2().round();
    let max_octaves = MAX_RATE_MULTIPLIER.trailing_zeros();
    1 << (octaves as u32).min(max_octaves)
}

/// Everything the user controls, as plain values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EqSettings {
    /// Gain of each band in dB, ±[`BAND_GAIN_LIMIT_DB`].
    pub band_gains_db: [f32; NUM_BANDS],
    /// Output gain in dB, ±[`OUTPUT_GAIN_LIMIT_DB`].
    pub output_gain_db: f32,
    /// Smooth or Bands curve.
    pub curve_mode: CurveMode,
    /// FFT resolution.
    pub fft_size: FftSize,
    /// Pass the input through, delayed by the latency.
    pub bypass: bool,
    /// Linear phase (the STFT) or zero latency (minimum-phase IIR sections).
    pub phase: PhaseMode,
    /// Which part of a stereo signal the curve applies to.
    pub stereo: StereoTarget,
    /// Keep the loudness constant as the curve changes.
    pub auto_gain: bool,
    /// Output only what the EQ changes: processed minus the delayed input.
    pub delta: bool,
}

impl Default for EqSettings {
    fn default() -> Self {
        Self {
            band_gains_db: [0.0; NUM_BANDS],
            output_gain_db: 0.0,
            curve_mode: CurveMode::default(),
            fft_size: FftSize::default(),
            bypass: false,
            phase: PhaseMode::default(),
            stereo: StereoTarget::default(),
            auto_gain: false,
            delta: false,
        }
    }
}

/// How the curve is realised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PhaseMode {
    /// The STFT: linear phase, latency = the FFT size.
    #[default]
    Linear,
    /// Minimum-phase IIR sections solved to the Smooth curve: latency 0.
    ZeroLatency,
}

impl PhaseMode {
    /// Every mode, in host order.
    pub const ALL: [PhaseMode; 2] = [PhaseMode::Linear, PhaseMode::ZeroLatency];

    /// Position in [`PhaseMode::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Which part of a stereo signal the curve applies to; the rest passes unchanged, delayed by
/// the same latency. Mid = (L + R) / 2, Side = (L − R) / 2. No effect on one channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum StereoTarget {
    /// Both channels.
    #[default]
    Stereo,
    /// The mid (L + R) / 2 only.
    Mid,
    /// The side (L − R) / 2 only.
    Side,
    /// The left channel only.
    Left,
    /// The right channel only.
    Right,
}

impl StereoTarget {
    /// Every target, in host order.
    pub const ALL: [StereoTarget; 5] = [
        StereoTarget::Stereo,
        StereoTarget::Mid,
        StereoTarget::Side,
        StereoTarget::Left,
        StereoTarget::Right,
    ];

    /// Position in [`StereoTarget::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl EqSettings {
    /// The settings with every gain limited to its range and non-finite gains at 0 dB: what
    /// the engine applies, and what the editor draws.
    pub fn clamped(&self) -> Self {
        Self {
            band_gains_db: self
                .band_gains_db
                .map(|gain_db| clamp_gain_db(gain_db, BAND_GAIN_LIMIT_DB)),
            output_gain_db: clamp_gain_db(self.output_gain_db, OUTPUT_GAIN_LIMIT_DB),
            ..*self
        }
    }
}

/// Limits a gain to ±`limit_db`; a non-finite gain becomes 0 dB.
pub fn clamp_gain_db(gain_db: f32, limit_db: f32) -> f32 {
    if gain_db.is_finite() {
        gain_db.clamp(-limit_db, limit_db)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fft_size_scales_with_the_rate() {
        assert_eq!(FftSize::N4096.size_at_rate(22_050.0), 4096);
        assert_eq!(FftSize::N4096.size_at_rate(44_100.0), 4096);
        assert_eq!(FftSize::N4096.size_at_rate(48_000.0), 4096);
        assert_eq!(FftSize::N4096.size_at_rate(88_200.0), 8192);
        assert_eq!(FftSize::N4096.size_at_rate(96_000.0), 8192);
        assert_eq!(FftSize::N4096.size_at_rate(192_000.0), 16384);
        assert_eq!(FftSize::N16384.size_at_rate(768_000.0), 262_144);
        assert_eq!(FftSize::N1024.size_at_rate(1_000.0), 1024);
        assert_eq!(rate_multiplier(f32::NAN), 1);
        // The validators' extremes: 1234.5678 Hz and 1234567.8 Hz (×32, the cap).
        assert_eq!(FftSize::N4096.size_at_rate(1_234.567_8), 4096);
        assert_eq!(FftSize::N4096.size_at_rate(1_234_567.8), 131_072);
        assert_eq!(rate_multiplier(1.0e9), MAX_RATE_MULTIPLIER);
        assert_eq!(rate_multiplier(f32::INFINITY), MAX_RATE_MULTIPLIER);
    }

    #[test]
    fn base_sizes_round_trip() {
        for size in FftSize::ALL {
            assert_eq!(FftSize::from_base_size(size.base_size()), Some(size));
        }
        assert_eq!(FftSize::from_base_size(3000), None);
        assert_eq!(FftSize::default().base_size(), 4096);
    }

    #[test]
    fn gains_are_clamped_and_non_finite_ones_ignored() {
        assert_eq!(clamp_gain_db(20.0, BAND_GAIN_LIMIT_DB), 12.0);
        assert_eq!(clamp_gain_db(-30.0, OUTPUT_GAIN_LIMIT_DB), -24.0);
        assert_eq!(clamp_gain_db(f32::NAN, 12.0), 0.0);
        assert_eq!(clamp_gain_db(f32::INFINITY, 12.0), 0.0);
        assert_eq!(clamp_gain_db(-3.5, 12.0), -3.5);
    }
}
