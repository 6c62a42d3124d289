//! The response curve the editor draws: computed per FFT bin by the engine's own
//! [`fill_gain_curve`], from the same settings, so the picture is what the audio gets; in Zero
//! latency mode, the IIR bank's actual magnitude, solved the way the engine solves it.

use bark_eq_dsp::bands::{bin_freq_hz, NUM_BANDS};
use bark_eq_dsp::iir::{ZeroLatencyCoeffs, ZeroLatencyDesign};
use bark_eq_dsp::math::db_to_gain;
use bark_eq_dsp::settings::PhaseMode;
use bark_eq_dsp::{fill_gain_curve, BinLayout, CurveMode, EqSettings};

/// Sample rate assumed before the host activated the plugin.
pub const PREVIEW_RATE_HZ: f32 = 48_000.0;

/// What the curve was last computed from.
#[derive(Clone, Copy, Debug, PartialEq)]
struct CurveInputs {
    /// Band gains in dB, limited like the engine limits them.
    gains_db: [f32; NUM_BANDS],
    /// Output gain in dB, limited like the engine limits it.
    output_db: f32,
    /// Smooth or Bands.
    mode: CurveMode,
    /// Linear (the curve itself) or Zero latency (the IIR bank's actual response).
    phase: PhaseMode,
}

/// The response per FFT bin, recomputed only when a setting, the FFT size or the rate changes.
#[derive(Default)]
pub struct ResponseCurve {
    /// Bin tables for the current FFT size and rate.
    layout: Option<BinLayout>,
    /// Sample rate of `layout`.
    sample_rate_hz: f32,
    /// Inputs of the current `gains`, `None` until the first update.
    inputs: Option<CurveInputs>,
    /// Linear gain per bin, output gain included, without the engine's overlap-add scale.
    gains: Vec<f32>,
    /// The IIR bank's design at `sample_rate_hz`, built when Zero latency is first drawn.
    design: Option<ZeroLatencyDesign>,
}

impl ResponseCurve {
    /// Brings the curve up to date with `settings` at `sample_rate_hz` (0 = not yet known).
    pub fn update(&mut self, settings: &EqSettings, sample_rate_hz: f32) {
        let sample_rate_hz = if sample_rate_hz > 0.0 {
            sample_rate_hz
        } else {
            PREVIEW_RATE_HZ
        };
        let fft_len = settings.fft_size.size_at_rate(sample_rate_hz);
        let layout_stale = self.layout.as_ref().map(|l| l.fft_size) != Some(fft_len)
            || self.sample_rate_hz != sample_rate_hz;
        if layout_stale {
            self.layout = Some(BinLayout::new(fft_len, sample_rate_hz));
            self.sample_rate_hz = sample_rate_hz;
            self.inputs = None;
        }
        // The engine clamps before it builds its curve; do the same.
        let clamped = settings.clamped();
        let inputs = CurveInputs {
            gains_db: clamped.band_gains_db,
            output_db: clamped.output_gain_db,
            mode: clamped.curve_mode,
            phase: clamped.phase,
        };
        if self.inputs == Some(inputs) {
            return;
        }
        let Some(layout) = &self.layout else {
            return;
        };
        self.gains.resize(layout.num_bins(), 0.0);
        match inputs.phase {
            PhaseMode::Linear => fill_gain_curve(
                inputs.mode,
                layout,
                &inputs.gains_db,
                inputs.output_db,
                1.0,
                &mut self.gains,
            ),
            PhaseMode::ZeroLatency => {
                let rate = self.sample_rate_hz;
                if self.design.as_ref().map(ZeroLatencyDesign::sample_rate_hz) != Some(rate) {
                    self.design = Some(ZeroLatencyDesign::new(rate));
                }
                if let Some(design) = &self.design {
                    let mut coeffs = ZeroLatencyCoeffs::FLAT;
                    design.solve(&inputs.gains_db, &mut coeffs);
                    for (bin, gain) in self.gains.iter_mut().enumerate() {
                        let freq_hz = bin_freq_hz(bin, layout.fft_size, rate);
                        let db = design.magnitude_db(&coeffs, freq_hz) + inputs.output_db;
                        *gain = db_to_gain(db);
                    }
                }
            }
        }
        self.inputs = Some(inputs);
    }

    /// Linear gain per FFT bin (bin k is at `k · rate / N`), output gain included.
    pub fn gains(&self) -> &[f32] {
        &self.gains
    }

    /// FFT size N the curve is computed for (0 before the first update).
    pub fn fft_len(&self) -> usize {
        self.layout.as_ref().map_or(0, |l| l.fft_size)
    }

    /// Frequency of bin `bin` in Hz.
    pub fn bin_freq_hz(&self, bin: usize) -> f32 {
        bin_freq_hz(bin, self.fft_len().max(1), self.sample_rate_hz)
    }
}
