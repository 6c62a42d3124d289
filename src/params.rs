//! The 29 host-automatable parameters, plus the editor size saved with them. Parameter IDs are
//! frozen: saved projects depend on them.

use std::collections::BTreeMap;
use std::sync::Arc;

use nice_plug::params::persist::{self, PersistentField};
use nice_plug::prelude::*;

use crate::editor::size::{EditorSize, EditorSizeState, EDITOR_SIZE_KEY};
use bark_eq_dsp::settings::{BAND_GAIN_LIMIT_DB, OUTPUT_GAIN_LIMIT_DB};
use bark_eq_dsp::{band_name, CurveMode, EqSettings, FftSize, NUM_BANDS};

/// Resolution of the gain parameters in dB.
pub const GAIN_STEP_DB: f32 = 0.1;
/// ID of the output gain parameter.
pub const OUTPUT_ID: &str = "output";
/// ID of the curve mode parameter.
pub const CURVE_ID: &str = "curve";
/// ID of the FFT size parameter.
pub const FFT_SIZE_ID: &str = "fft_size";
/// ID of the bypass parameter.
pub const BYPASS_ID: &str = "bypass";

/// ID of band `band` (0-based): `band_1` … `band_25`.
pub fn band_param_id(band: usize) -> String {
    format!("band_{}", band + 1)
}

/// The curve mode as the host sees it.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurveParam {
    /// dB interpolated between band centres on a log-frequency axis.
    #[id = "smooth"]
    Smooth,
    /// Every bin takes its band's gain.
    #[id = "bands"]
    Bands,
}

impl From<CurveParam> for CurveMode {
    fn from(value: CurveParam) -> Self {
        match value {
            CurveParam::Smooth => CurveMode::Smooth,
            CurveParam::Bands => CurveMode::Bands,
        }
    }
}

/// The FFT size as the host sees it (nominal size at 44.1/48 kHz).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FftSizeParam {
    /// 1024 points.
    #[id = "1024"]
    #[name = "1024"]
    N1024,
    /// 2048 points.
    #[id = "2048"]
    #[name = "2048"]
    N2048,
    /// 4096 points.
    #[id = "4096"]
    #[name = "4096"]
    N4096,
    /// 8192 points.
    #[id = "8192"]
    #[name = "8192"]
    N8192,
    /// 16384 points.
    #[id = "16384"]
    #[name = "16384"]
    N16384,
}

impl From<FftSizeParam> for FftSize {
    fn from(value: FftSizeParam) -> Self {
        match value {
            FftSizeParam::N1024 => FftSize::N1024,
            FftSizeParam::N2048 => FftSize::N2048,
            FftSizeParam::N4096 => FftSize::N4096,
            FftSizeParam::N8192 => FftSize::N8192,
            FftSizeParam::N16384 => FftSize::N16384,
        }
    }
}

/// Formats a gain as "+6.0", "-3.5" or "0.0" (the unit " dB" is appended by the host layer).
pub fn format_gain_db(gain_db: f32) -> String {
    let rounded = (gain_db / GAIN_STEP_DB).round() * GAIN_STEP_DB;
    if rounded == 0.0 {
        "0.0".to_string()
    } else {
        format!("{rounded:+.1}")
    }
}

/// Parses "+6.0 dB", "6", "-3.5dB" into dB; anything else (or non-finite) is `None`.
pub fn parse_gain_db(text: &str) -> Option<f32> {
    let number = text.trim().trim_end_matches("dB").trim();
    let value: f32 = number.strip_prefix('+').unwrap_or(number).parse().ok()?;
    value.is_finite().then_some(value)
}

/// A gain parameter of ±`limit_db` in 0.1 dB steps, shown as "+6.0 dB".
fn gain_param(name: String, limit_db: f32) -> FloatParam {
    FloatParam::new(
        name,
        0.0,
        FloatRange::Linear {
            min: -limit_db,
            max: limit_db,
        },
    )
    .with_step_size(GAIN_STEP_DB)
    .with_unit(" dB")
    .with_value_to_string(Arc::new(format_gain_db))
    .with_string_to_value(Arc::new(parse_gain_db))
}

/// All parameters of the plugin.
pub struct BarkEqParams {
    /// Gain of each Bark band, named after its centre ("997 Hz").
    pub bands: [FloatParam; NUM_BANDS],
    /// Output gain.
    pub output: FloatParam,
    /// Smooth or Bands curve.
    pub curve: EnumParam<CurveParam>,
    /// FFT resolution (changes the latency).
    pub fft_size: EnumParam<FftSizeParam>,
    /// Host bypass: the input delayed by the latency, crossfaded over one hop.
    pub bypass: BoolParam,
    /// Editor window size, saved with the state (not a parameter).
    pub editor_size: EditorSizeState,
}

impl Default for BarkEqParams {
    fn default() -> Self {
        Self {
            bands: std::array::from_fn(|band| gain_param(band_name(band), BAND_GAIN_LIMIT_DB)),
            output: gain_param("Output".to_string(), OUTPUT_GAIN_LIMIT_DB),
            curve: EnumParam::new("Curve", CurveParam::Smooth),
            fft_size: EnumParam::new("FFT Size", FftSizeParam::N4096),
            bypass: BoolParam::new("Bypass", false).make_bypass(),
            editor_size: EditorSizeState::default(),
        }
    }
}

impl BarkEqParams {
    /// The current (unsmoothed) values as engine settings; the engine smooths the gains.
    /// Allocation-free, so the audio thread calls it every block.
    pub fn settings(&self) -> EqSettings {
        EqSettings {
            band_gains_db: std::array::from_fn(|band| self.bands[band].value()),
            output_gain_db: self.output.value(),
            curve_mode: self.curve.value().into(),
            fft_size: self.fft_size.value().into(),
            bypass: self.bypass.value(),
        }
    }
}

// SAFETY: every `ParamPtr` points into `self`, which the wrapper keeps alive in an `Arc`
// for as long as it uses the map (the same contract the derive macro relies on).
unsafe impl Params for BarkEqParams {
    fn param_map(&self) -> Vec<(String, ParamPtr, String)> {
        let mut map: Vec<(String, ParamPtr, String)> = self
            .bands
            .iter()
            .enumerate()
            .map(|(band, param)| (band_param_id(band), param.as_ptr(), String::new()))
            .collect();
        map.push((OUTPUT_ID.to_string(), self.output.as_ptr(), String::new()));
        map.push((CURVE_ID.to_string(), self.curve.as_ptr(), String::new()));
        map.push((
            FFT_SIZE_ID.to_string(),
            self.fft_size.as_ptr(),
            String::new(),
        ));
        map.push((BYPASS_ID.to_string(), self.bypass.as_ptr(), String::new()));
        map
    }

    // Written out like the `#[persist = "..."]` code of nice-plug's derive macro.
    fn serialize_fields(&self) -> BTreeMap<String, String> {
        let mut serialized = BTreeMap::new();
        match self.editor_size.map(persist::serialize_field) {
            Ok(data) => {
                serialized.insert(EDITOR_SIZE_KEY.to_string(), data);
            }
            Err(err) => nice_debug_assert_failure!("Could not serialize the editor size: {}", err),
        }
        serialized
    }

    fn deserialize_fields(&self, serialized: &BTreeMap<String, String>) {
        // A missing or unreadable size keeps the current one: the state may be old or damaged.
        if let Some(data) = serialized.get(EDITOR_SIZE_KEY) {
            match persist::deserialize_field::<EditorSize>(data) {
                Ok(size) => self.editor_size.set(size),
                Err(err) => nice_warn!("Ignoring a bad editor size in the state: {}", err),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gains_format_with_sign_and_parse_back() {
        assert_eq!(format_gain_db(6.0), "+6.0");
        assert_eq!(format_gain_db(-3.45), "-3.5");
        assert_eq!(format_gain_db(-0.04), "0.0");
        assert_eq!(format_gain_db(0.0), "0.0");
        assert_eq!(parse_gain_db("+6.0 dB"), Some(6.0));
        assert_eq!(parse_gain_db(" -3.5dB "), Some(-3.5));
        assert_eq!(parse_gain_db("12"), Some(12.0));
        assert_eq!(parse_gain_db("loud"), None);
        assert_eq!(parse_gain_db("inf dB"), None);
        assert_eq!(parse_gain_db("NaN"), None);
    }

    #[test]
    fn editor_size_round_trips_through_the_persisted_fields() {
        let params = BarkEqParams::default();
        params.editor_size.store(EditorSize {
            width: 1200,
            height: 700,
        });
        let fields = params.serialize_fields();
        assert_eq!(
            fields.get(EDITOR_SIZE_KEY).map(String::as_str),
            Some(r#"{"width":1200,"height":700}"#)
        );
        let restored = BarkEqParams::default();
        restored.deserialize_fields(&fields);
        assert_eq!(restored.editor_size.get(), params.editor_size.get());
    }

    #[test]
    fn damaged_editor_size_is_ignored_or_limited() {
        let params = BarkEqParams::default();
        let mut fields = BTreeMap::new();
        fields.insert(EDITOR_SIZE_KEY.to_string(), "{\"width\":12".to_string());
        params.deserialize_fields(&fields);
        assert_eq!(params.editor_size.get(), EditorSize::default());
        fields.insert(
            EDITOR_SIZE_KEY.to_string(),
            r#"{"width":99999999,"height":1}"#.to_string(),
        );
        params.deserialize_fields(&fields);
        let size = params.editor_size.get();
        assert_eq!(size, size.clamped());
        assert!(size.width > size.height);
    }
}
