//! Presets: JSON objects keyed by the plugin's parameter IDs.
//!
//! ```json
//! { "band_1": 0, ..., "band_25": 0, "output": 0, "curve": "smooth", "fft_size": 4096, "bypass": false }
//! ```
//! Every key is optional (missing keys keep their default); unknown keys are errors, so a
//! typo never goes unnoticed.

use std::path::Path;

use bark_eq_dsp::settings::{BAND_GAIN_LIMIT_DB, OUTPUT_GAIN_LIMIT_DB};
use bark_eq_dsp::{CurveMode, EqSettings, FftSize, NUM_BANDS};
use serde_json::Value;

use crate::error::CliError;

/// Parameter ID of the output gain.
const OUTPUT_ID: &str = "output";
/// Parameter ID of the curve mode.
const CURVE_ID: &str = "curve";
/// Parameter ID of the FFT size.
const FFT_SIZE_ID: &str = "fft_size";
/// Parameter ID of bypass.
const BYPASS_ID: &str = "bypass";
/// Prefix of the band gain IDs `band_1` … `band_25`.
const BAND_ID_PREFIX: &str = "band_";

/// The settings a preset file sets; `None` keeps what lies below it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Preset {
    /// Band gains in dB, band 1 first.
    pub band_gains_db: [Option<f32>; NUM_BANDS],
    /// Output gain in dB.
    pub output_gain_db: Option<f32>,
    /// Curve mode.
    pub curve_mode: Option<CurveMode>,
    /// FFT size.
    pub fft_size: Option<FftSize>,
    /// Bypass.
    pub bypass: Option<bool>,
}

impl Preset {
    /// Writes the preset's values over `settings`.
    pub fn apply_to(&self, settings: &mut EqSettings) {
        for (gain, preset) in settings.band_gains_db.iter_mut().zip(&self.band_gains_db) {
            if let Some(value) = preset {
                *gain = *value;
            }
        }
        if let Some(value) = self.output_gain_db {
            settings.output_gain_db = value;
        }
        if let Some(value) = self.curve_mode {
            settings.curve_mode = value;
        }
        if let Some(value) = self.fft_size {
            settings.fft_size = value;
        }
        if let Some(value) = self.bypass {
            settings.bypass = value;
        }
    }
}

/// Reads and validates a preset file.
pub fn load(path: &Path) -> Result<Preset, CliError> {
    let error = |reason: String| CliError::Preset {
        path: path.to_path_buf(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
    parse(&text).map_err(error)
}

/// Parses preset JSON; the error says which key is wrong and why.
pub fn parse(text: &str) -> Result<Preset, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let Value::Object(map) = value else {
        return Err("expected a JSON object like the one `bark-eq preset` prints".to_string());
    };
    let mut preset = Preset::default();
    for (key, value) in &map {
        if let Some(band) = band_of_id(key) {
            preset.band_gains_db[band] = Some(gain(key, value, BAND_GAIN_LIMIT_DB)?);
        } else if key == OUTPUT_ID {
            preset.output_gain_db = Some(gain(key, value, OUTPUT_GAIN_LIMIT_DB)?);
        } else if key == CURVE_ID {
            let name = value.as_str().unwrap_or_default();
            preset.curve_mode = Some(parse_curve(name).ok_or_else(|| {
                format!("\"{CURVE_ID}\" must be \"smooth\" or \"bands\", not {value}")
            })?);
        } else if key == FFT_SIZE_ID {
            let points = match value {
                Value::Number(n) => n.as_u64().map(|p| p as usize),
                Value::String(s) => s.parse().ok(),
                _ => None,
            };
            preset.fft_size = Some(points.and_then(FftSize::from_base_size).ok_or_else(|| {
                format!("\"{FFT_SIZE_ID}\" must be 1024, 2048, 4096, 8192 or 16384, not {value}")
            })?);
        } else if key == BYPASS_ID {
            preset.bypass = Some(
                value
                    .as_bool()
                    .ok_or_else(|| format!("\"{BYPASS_ID}\" must be true or false"))?,
            );
        } else {
            return Err(format!(
                "unknown key \"{key}\" (expected band_1..band_25, output, curve, fft_size, bypass)"
            ));
        }
    }
    Ok(preset)
}

/// The band (0-based) of a parameter ID `band_1` … `band_25`.
pub fn band_of_id(id: &str) -> Option<usize> {
    let number: usize = id.strip_prefix(BAND_ID_PREFIX)?.parse().ok()?;
    (1..=NUM_BANDS).contains(&number).then(|| number - 1)
}

/// Parses a curve mode name, case-insensitively.
pub fn parse_curve(name: &str) -> Option<CurveMode> {
    match name.to_ascii_lowercase().as_str() {
        "smooth" => Some(CurveMode::Smooth),
        "bands" => Some(CurveMode::Bands),
        _ => None,
    }
}

/// A gain value of key `key`, within ±`limit_db`.
fn gain(key: &str, value: &Value, limit_db: f32) -> Result<f32, String> {
    let gain_db = value
        .as_f64()
        .ok_or_else(|| format!("\"{key}\" must be a number of dB, not {value}"))?
        as f32;
    if gain_db.abs() > limit_db {
        return Err(format!("\"{key}\" is {gain_db} dB, outside ±{limit_db} dB"));
    }
    Ok(gain_db)
}

/// The JSON text of `settings`, keys in parameter order, ready to save as a preset.
pub fn to_json(settings: &EqSettings) -> String {
    let mut lines: Vec<String> = settings
        .band_gains_db
        .iter()
        .enumerate()
        .map(|(band, gain_db)| format!("  \"{BAND_ID_PREFIX}{}\": {gain_db}", band + 1))
        .collect();
    lines.push(format!("  \"{OUTPUT_ID}\": {}", settings.output_gain_db));
    let curve = match settings.curve_mode {
        CurveMode::Smooth => "smooth",
        CurveMode::Bands => "bands",
    };
    lines.push(format!("  \"{CURVE_ID}\": \"{curve}\""));
    lines.push(format!(
        "  \"{FFT_SIZE_ID}\": {}",
        settings.fft_size.base_size()
    ));
    lines.push(format!("  \"{BYPASS_ID}\": {}", settings.bypass));
    format!("{{\n{}\n}}\n", lines.join(",\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_round_trips() {
        let mut settings = EqSettings::default();
        settings.band_gains_db[8] = 6.0;
        settings.band_gains_db[24] = -2.5;
        settings.output_gain_db = -3.0;
        settings.curve_mode = CurveMode::Bands;
        settings.fft_size = FftSize::N1024;
        let mut back = EqSettings::default();
        parse(&to_json(&settings)).unwrap().apply_to(&mut back);
        assert_eq!(back, settings);
    }

    #[test]
    fn bad_presets_name_the_key() {
        assert!(parse("{\"band_26\": 1}").unwrap_err().contains("band_26"));
        assert!(parse("{\"band_3\": 13}").unwrap_err().contains("band_3"));
        assert!(parse("{\"output\": -30}").unwrap_err().contains("output"));
        assert!(parse("{\"curve\": \"wavy\"}")
            .unwrap_err()
            .contains("curve"));
        assert!(parse("{\"fft_size\": 3000}")
            .unwrap_err()
            .contains("fft_size"));
        assert!(parse("[1, 2]").unwrap_err().contains("object"));
        assert!(parse("{").unwrap_err().contains("invalid JSON"));
    }

    #[test]
    fn partial_presets_keep_the_rest() {
        let preset = parse("{\"band_9\": 6, \"fft_size\": \"2048\"}").unwrap();
        let mut settings = EqSettings::default();
        preset.apply_to(&mut settings);
        assert_eq!(settings.band_gains_db[8], 6.0);
        assert_eq!(settings.fft_size, FftSize::N2048);
        assert_eq!(settings.output_gain_db, 0.0);
    }
}
