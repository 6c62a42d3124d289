//! Presets: JSON objects keyed by the plugin's parameter IDs, read and written through the
//! parameter schema ([`crate::schema`]), so the CLI and the plugin agree on every key, range and
//! option: a preset made by `bark-eq preset` opens in the plugin's editor and back.
//!
//! ```json
//! { "band_1": 0, ..., "band_25": 0, "output": 0, "curve": "smooth", "fft_size": 4096, "bypass": false }
//! ```
//! Every key is optional (missing keys keep their default); unknown keys and out-of-range
//! values are errors, so a typo never goes unnoticed. Choice options are written by their
//! frozen ID, as a JSON number when the ID is one (`"fft_size": 4096`); both forms are read.

use serde_json::Value;

use crate::bands::NUM_BANDS;
use crate::schema::{describe_kind, ParamId, ParamKind, ParamValue};
use crate::settings::EqSettings;

/// The values a preset file sets, in file order; parameters it leaves out keep what lies
/// below them.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Preset {
    /// Each parameter the file sets, with its checked value.
    pub values: Vec<(ParamId, ParamValue)>,
}

impl Preset {
    /// Writes the preset's values over `settings`.
    pub fn apply_to(&self, settings: &mut EqSettings) {
        for &(param, value) in &self.values {
            // Every value was checked against its parameter when the preset was parsed.
            let _ = param.set_in(settings, value);
        }
    }
}

/// Parses preset JSON; the error says which key is wrong and why.
pub fn parse(text: &str) -> Result<Preset, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let Value::Object(map) = value else {
        return Err("expected a JSON object like the one `bark-eq preset` prints".to_string());
    };
    let mut preset = Preset::default();
    for (key, value) in &map {
        let param = ParamId::from_id(key).ok_or_else(|| {
            let first = ParamId::ALL[0].id();
            let last_band = ParamId::Band(NUM_BANDS - 1).id();
            let others: Vec<&str> = ParamId::ALL[NUM_BANDS..].iter().map(|p| p.id()).collect();
            format!(
                "unknown key \"{key}\" (expected {first}..{last_band}, {})",
                others.join(", ")
            )
        })?;
        let parsed = parse_value(param, value)?;
        parsed.check(param)?;
        preset.values.push((param, parsed));
    }
    Ok(preset)
}

/// A JSON value read as the kind of value `param` holds (range checks come after).
fn parse_value(param: ParamId, value: &Value) -> Result<ParamValue, String> {
    let kind = param.kind();
    let wrong = || {
        format!(
            "\"{}\" must be {}, not {value}",
            param.id(),
            describe_kind(kind)
        )
    };
    match kind {
        ParamKind::GainDb { .. } => value
            .as_f64()
            .map(|gain_db| ParamValue::GainDb(gain_db as f32))
            .ok_or_else(wrong),
        ParamKind::Choice { choices, .. } => {
            let text = match value {
                Value::String(text) => text.clone(),
                Value::Number(number) => number.to_string(),
                _ => return Err(wrong()),
            };
            choices
                .index_of(&text)
                .map(ParamValue::Choice)
                .ok_or_else(wrong)
        }
        ParamKind::Toggle => value.as_bool().map(ParamValue::Toggle).ok_or_else(wrong),
    }
}

/// The band (0-based) of a parameter ID `band_1` … `band_25`.
pub fn band_of_id(id: &str) -> Option<usize> {
    match ParamId::from_id(id)? {
        ParamId::Band(band) => Some(band),
        _ => None,
    }
}

/// The JSON text of `settings`, keys in parameter order, ready to save as a preset.
pub fn to_json(settings: &EqSettings) -> String {
    let lines: Vec<String> = ParamId::ALL
        .iter()
        .map(|&param| {
            let value = match (param.value_in(settings), param.kind()) {
                (ParamValue::GainDb(gain_db), _) => gain_db.to_string(),
                (ParamValue::Choice(index), ParamKind::Choice { choices, .. }) => {
                    let id = choices.ids[index];
                    match id.parse::<u64>() {
                        Ok(number) => number.to_string(),
                        Err(_) => format!("\"{id}\""),
                    }
                }
                (ParamValue::Toggle(on), _) => on.to_string(),
                (ParamValue::Choice(index), _) => index.to_string(),
            };
            format!("  \"{}\": {value}", param.id())
        })
        .collect();
    format!("{{\n{}\n}}\n", lines.join(",\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CurveMode, FftSize};

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
