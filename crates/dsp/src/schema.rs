//! The parameter schema: every parameter's frozen ID, display name, range, step, unit,
//! default, text formatting and parsing, as plain data. The plugin builds its host parameters
//! from it, the editor takes its labels and limits from it, and the CLI reads and writes
//! presets with it, so each fact is written once. Clamping lives beside the values it clamps
//! ([`EqSettings::clamped`]).
//!
//! IDs, their order and the saved state are public: DAW projects and presets depend on them.
//! New parameters are appended to [`ParamId::ALL`].

use super::bands::{band_name, NUM_BANDS};
use super::curve::CurveMode;
use super::settings::{
    EqSettings, FftSize, PhaseMode, StereoTarget, BAND_GAIN_LIMIT_DB, OUTPUT_GAIN_LIMIT_DB,
};

/// Resolution of the gain parameters in dB.
pub const GAIN_STEP_DB: f32 = 0.1;
/// Unit the host shows after a gain value.
pub const GAIN_UNIT: &str = " dB";

/// Frozen IDs of the band gains, band 1 (50 Hz) first.
pub const BAND_IDS: [&str; NUM_BANDS] = [
    "band_1", "band_2", "band_3", "band_4", "band_5", "band_6", "band_7", "band_8", "band_9",
    "band_10", "band_11", "band_12", "band_13", "band_14", "band_15", "band_16", "band_17",
    "band_18", "band_19", "band_20", "band_21", "band_22", "band_23", "band_24", "band_25",
];
/// Frozen ID of the output gain.
pub const OUTPUT_ID: &str = "output";
/// Frozen ID of the curve mode.
pub const CURVE_ID: &str = "curve";
/// Frozen ID of the FFT size.
pub const FFT_SIZE_ID: &str = "fft_size";
/// Frozen ID of bypass.
pub const BYPASS_ID: &str = "bypass";
/// Frozen ID of the phase mode (added in release 0.2).
pub const PHASE_ID: &str = "phase";
/// Frozen ID of the stereo target (added in release 0.2).
pub const STEREO_ID: &str = "stereo";
/// Frozen ID of auto gain (added in release 0.2).
pub const AUTO_GAIN_ID: &str = "auto_gain";
/// Frozen ID of delta listening (added in release 0.2).
pub const DELTA_ID: &str = "delta";

/// A choice parameter's options: frozen IDs (saved in states and presets) and display names,
/// in host order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choices {
    /// Frozen ID of each option.
    pub ids: &'static [&'static str],
    /// Display name of each option.
    pub names: &'static [&'static str],
}

/// The curve modes, in the order of [`CurveMode::ALL`].
pub const CURVE_CHOICES: Choices = Choices {
    ids: &["smooth", "bands"],
    names: &["Smooth", "Bands"],
};

/// The FFT sizes, in the order of [`FftSize::ALL`].
pub const FFT_SIZE_CHOICES: Choices = Choices {
    ids: &["1024", "2048", "4096", "8192", "16384"],
    names: &["1024", "2048", "4096", "8192", "16384"],
};

/// The phase modes, in the order of [`PhaseMode::ALL`].
pub const PHASE_CHOICES: Choices = Choices {
    ids: &["linear", "zero_latency"],
    names: &["Linear", "Zero latency"],
};

/// The stereo targets, in the order of [`StereoTarget::ALL`].
pub const STEREO_CHOICES: Choices = Choices {
    ids: &["stereo", "mid", "side", "left", "right"],
    names: &["Stereo", "Mid", "Side", "Left", "Right"],
};

impl Choices {
    /// Number of options.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are no options (never, for the schema's choices).
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The index of the option with this ID or display name (case-insensitive).
    pub fn index_of(&self, text: &str) -> Option<usize> {
        let text = text.trim();
        let matches =
            |candidates: &[&str]| candidates.iter().position(|c| c.eq_ignore_ascii_case(text));
        matches(self.ids).or_else(|| matches(self.names))
    }

    /// The IDs as a readable list: `"smooth" or "bands"`.
    pub fn describe(&self) -> String {
        let quoted: Vec<String> = self.ids.iter().map(|id| format!("\"{id}\"")).collect();
        match quoted.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }
}

/// What kind of value a parameter holds, with its range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParamKind {
    /// A gain in dB within ±`limit_db`, in [`GAIN_STEP_DB`] steps, default 0 dB.
    GainDb {
        /// Largest magnitude in dB.
        limit_db: f32,
    },
    /// One of several options; `default` is an index into `choices`.
    Choice {
        /// The options.
        choices: Choices,
        /// Index of the default option.
        default: usize,
    },
    /// On or off, default off.
    Toggle,
}

/// One parameter of the plugin, as the host, the editor and presets know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamId {
    /// Gain of a band (0-based).
    Band(usize),
    /// Output gain.
    Output,
    /// Smooth or Bands curve.
    Curve,
    /// FFT resolution.
    FftSize,
    /// Bypass (the host's bypass switch).
    Bypass,
    /// Linear phase or zero latency.
    Phase,
    /// Stereo, Mid, Side, Left or Right.
    Stereo,
    /// Loudness-matched output.
    AutoGain,
    /// Output only what the EQ changes.
    Delta,
}

/// Number of parameters.
pub const NUM_PARAMS: usize = NUM_BANDS + 8;

impl ParamId {
    /// Every parameter in host order: the 25 bands, then output, curve, FFT size, bypass
    /// (release 0.1), then phase, stereo, auto gain, delta (release 0.2). The order is frozen;
    /// new parameters are appended.
    pub const ALL: [ParamId; NUM_PARAMS] = {
        let mut all = [ParamId::Output; NUM_PARAMS];
        let mut band = 0;
        while band < NUM_BANDS {
            all[band] = ParamId::Band(band);
            band += 1;
        }
        all[NUM_BANDS] = ParamId::Output;
        all[NUM_BANDS + 1] = ParamId::Curve;
        all[NUM_BANDS + 2] = ParamId::FftSize;
        all[NUM_BANDS + 3] = ParamId::Bypass;
        all[NUM_BANDS + 4] = ParamId::Phase;
        all[NUM_BANDS + 5] = ParamId::Stereo;
        all[NUM_BANDS + 6] = ParamId::AutoGain;
        all[NUM_BANDS + 7] = ParamId::Delta;
        all
    };

    /// The frozen string ID.
    pub fn id(self) -> &'static str {
        match self {
            ParamId::Band(band) => BAND_IDS[band.min(NUM_BANDS - 1)],
            ParamId::Output => OUTPUT_ID,
            ParamId::Curve => CURVE_ID,
            ParamId::FftSize => FFT_SIZE_ID,
            ParamId::Bypass => BYPASS_ID,
            ParamId::Phase => PHASE_ID,
            ParamId::Stereo => STEREO_ID,
            ParamId::AutoGain => AUTO_GAIN_ID,
            ParamId::Delta => DELTA_ID,
        }
    }

    /// The parameter with this string ID.
    pub fn from_id(id: &str) -> Option<ParamId> {
        Self::ALL.into_iter().find(|param| param.id() == id)
    }

    /// The display name: a band's centre ("50 Hz", "1.17 kHz"), "Output", "Curve", …
    pub fn name(self) -> String {
        match self {
            ParamId::Band(band) => band_name(band),
            ParamId::Output => "Output".to_string(),
            ParamId::Curve => "Curve".to_string(),
            ParamId::FftSize => "FFT Size".to_string(),
            ParamId::Bypass => "Bypass".to_string(),
            ParamId::Phase => "Phase".to_string(),
            ParamId::Stereo => "Stereo".to_string(),
            ParamId::AutoGain => "Auto Gain".to_string(),
            ParamId::Delta => "Delta".to_string(),
        }
    }

    /// The kind of value and its range.
    pub fn kind(self) -> ParamKind {
        match self {
            ParamId::Band(_) => ParamKind::GainDb {
                limit_db: BAND_GAIN_LIMIT_DB,
            },
            ParamId::Output => ParamKind::GainDb {
                limit_db: OUTPUT_GAIN_LIMIT_DB,
            },
            ParamId::Curve => ParamKind::Choice {
                choices: CURVE_CHOICES,
                default: CurveMode::default().index(),
            },
            ParamId::FftSize => ParamKind::Choice {
                choices: FFT_SIZE_CHOICES,
                default: FftSize::default().index(),
            },
            ParamId::Phase => ParamKind::Choice {
                choices: PHASE_CHOICES,
                default: PhaseMode::default().index(),
            },
            ParamId::Stereo => ParamKind::Choice {
                choices: STEREO_CHOICES,
                default: StereoTarget::default().index(),
            },
            ParamId::Bypass | ParamId::AutoGain | ParamId::Delta => ParamKind::Toggle,
        }
    }

    /// The parameter's value in `settings`.
    pub fn value_in(self, settings: &EqSettings) -> ParamValue {
        match self {
            ParamId::Band(band) => ParamValue::GainDb(settings.band_gains_db[band]),
            ParamId::Output => ParamValue::GainDb(settings.output_gain_db),
            ParamId::Curve => ParamValue::Choice(settings.curve_mode.index()),
            ParamId::FftSize => ParamValue::Choice(settings.fft_size.index()),
            ParamId::Bypass => ParamValue::Toggle(settings.bypass),
            ParamId::Phase => ParamValue::Choice(settings.phase.index()),
            ParamId::Stereo => ParamValue::Choice(settings.stereo.index()),
            ParamId::AutoGain => ParamValue::Toggle(settings.auto_gain),
            ParamId::Delta => ParamValue::Toggle(settings.delta),
        }
    }

    /// Writes `value` into `settings`; a value of the wrong kind or out of range is refused
    /// with a message and changes nothing.
    pub fn set_in(self, settings: &mut EqSettings, value: ParamValue) -> Result<(), String> {
        value.check(self)?;
        match (self, value) {
            (ParamId::Band(band), ParamValue::GainDb(gain_db)) => {
                settings.band_gains_db[band] = gain_db
            }
            (ParamId::Output, ParamValue::GainDb(gain_db)) => settings.output_gain_db = gain_db,
            (ParamId::Curve, ParamValue::Choice(index)) => {
                settings.curve_mode = CurveMode::ALL[index]
            }
            (ParamId::FftSize, ParamValue::Choice(index)) => {
                settings.fft_size = FftSize::ALL[index]
            }
            (ParamId::Bypass, ParamValue::Toggle(on)) => settings.bypass = on,
            (ParamId::Phase, ParamValue::Choice(index)) => settings.phase = PhaseMode::ALL[index],
            (ParamId::Stereo, ParamValue::Choice(index)) => {
                settings.stereo = StereoTarget::ALL[index]
            }
            (ParamId::AutoGain, ParamValue::Toggle(on)) => settings.auto_gain = on,
            (ParamId::Delta, ParamValue::Toggle(on)) => settings.delta = on,
            // `check` refused every other pairing.
            _ => {}
        }
        Ok(())
    }
}

/// A parameter value as presets and the CLI carry it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParamValue {
    /// A gain in dB.
    GainDb(f32),
    /// An option index.
    Choice(usize),
    /// On or off.
    Toggle(bool),
}

impl ParamValue {
    /// Whether this value fits `param`: the right kind, a finite gain within the range, an
    /// existing option. Out-of-range gains are refused, not clamped.
    pub fn check(self, param: ParamId) -> Result<(), String> {
        let id = param.id();
        match (param.kind(), self) {
            (ParamKind::GainDb { limit_db }, ParamValue::GainDb(gain_db)) => {
                if gain_db.is_finite() && gain_db.abs() <= limit_db {
                    Ok(())
                } else {
                    Err(format!("\"{id}\" is {gain_db} dB, outside ±{limit_db} dB"))
                }
            }
            (ParamKind::Choice { choices, .. }, ParamValue::Choice(index)) => {
                if index < choices.len() {
                    Ok(())
                } else {
                    Err(format!("\"{id}\" must be {}", choices.describe()))
                }
            }
            (ParamKind::Toggle, ParamValue::Toggle(_)) => Ok(()),
            (kind, _) => Err(format!("\"{id}\" must be {}", describe_kind(kind))),
        }
    }
}

/// What a value of `kind` looks like, for error messages.
pub fn describe_kind(kind: ParamKind) -> String {
    match kind {
        ParamKind::GainDb { limit_db } => format!("a number of dB within ±{limit_db}"),
        ParamKind::Choice { choices, .. } => choices.describe(),
        ParamKind::Toggle => "true or false".to_string(),
    }
}

/// Formats a gain as "+6.0", "-3.5" or "0.0" (the unit [`GAIN_UNIT`] is appended by the host).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parameters_keep_their_frozen_ids_in_host_order() {
        let ids: Vec<&str> = ParamId::ALL.iter().map(|p| p.id()).collect();
        let mut expected: Vec<String> = (1..=NUM_BANDS).map(|n| format!("band_{n}")).collect();
        expected.extend(["output", "curve", "fft_size", "bypass"].map(String::from));
        expected.extend(["phase", "stereo", "auto_gain", "delta"].map(String::from));
        assert_eq!(ids, expected);
        for param in ParamId::ALL {
            assert_eq!(ParamId::from_id(param.id()), Some(param));
        }
        assert_eq!(ParamId::from_id("band_26"), None);
    }

    #[test]
    fn band_names_are_their_centres() {
        assert_eq!(ParamId::Band(0).name(), "50 Hz");
        assert_eq!(ParamId::Band(8).name(), "997 Hz");
        assert_eq!(ParamId::Band(9).name(), "1.17 kHz");
        assert_eq!(ParamId::Band(24).name(), "17.6 kHz");
        assert_eq!(ParamId::FftSize.name(), "FFT Size");
    }

    #[test]
    fn choices_follow_the_enums_and_parse_by_id_or_name() {
        for (index, mode) in CurveMode::ALL.into_iter().enumerate() {
            assert_eq!(mode.index(), index);
        }
        for (index, size) in FftSize::ALL.into_iter().enumerate() {
            assert_eq!(FFT_SIZE_CHOICES.ids[index], size.base_size().to_string());
        }
        assert_eq!(PHASE_CHOICES.len(), PhaseMode::ALL.len());
        assert_eq!(STEREO_CHOICES.len(), StereoTarget::ALL.len());
        assert_eq!(PHASE_CHOICES.index_of("zero latency"), Some(1));
        assert_eq!(STEREO_CHOICES.index_of("side"), Some(2));
        assert_eq!(CURVE_CHOICES.index_of("Bands"), Some(1));
        assert_eq!(CURVE_CHOICES.index_of(" SMOOTH "), Some(0));
        assert_eq!(CURVE_CHOICES.index_of("wavy"), None);
        assert_eq!(CURVE_CHOICES.describe(), "\"smooth\" or \"bands\"");
    }

    #[test]
    fn values_out_of_range_or_of_the_wrong_kind_are_refused_and_change_nothing() {
        let mut settings = EqSettings::default();
        assert!(ParamId::Band(2)
            .set_in(&mut settings, ParamValue::GainDb(13.0))
            .unwrap_err()
            .contains("band_3"));
        assert!(ParamId::Output
            .set_in(&mut settings, ParamValue::GainDb(f32::NAN))
            .is_err());
        assert!(ParamId::Curve
            .set_in(&mut settings, ParamValue::Choice(2))
            .is_err());
        assert!(ParamId::Bypass
            .set_in(&mut settings, ParamValue::GainDb(1.0))
            .is_err());
        assert_eq!(settings, EqSettings::default());
        ParamId::FftSize
            .set_in(&mut settings, ParamValue::Choice(0))
            .expect("in range");
        ParamId::Output
            .set_in(&mut settings, ParamValue::GainDb(-24.0))
            .expect("in range");
        assert_eq!(settings.fft_size, FftSize::N1024);
        assert_eq!(
            ParamId::Output.value_in(&settings),
            ParamValue::GainDb(-24.0)
        );
    }

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
}
