//! The host-automatable parameters, built from the schema in `bark_eq_dsp::schema` (IDs,
//! names, ranges, steps, units, defaults, formatting), plus the editor size saved with them.
//! Parameter IDs are frozen: saved projects depend on them.
//!
//! nice-plug's derive needs the IDs as literals in the `#[id]` attributes below; a unit test
//! holds them equal to the schema's, in the schema's order.

use std::sync::Arc;

use bark_eq_dsp::schema::{
    format_gain_db, parse_gain_db, ParamId, ParamKind, CURVE_CHOICES, FFT_SIZE_CHOICES,
    GAIN_STEP_DB, GAIN_UNIT, PHASE_CHOICES, STEREO_CHOICES,
};
use bark_eq_dsp::settings::{PhaseMode, StereoTarget};
use bark_eq_dsp::{CurveMode, EqSettings, FftSize, NUM_BANDS};
use nice_plug::prelude::*;

use crate::editor::ab::AbState;
use crate::editor::analyzer_options::AnalyzerOptionsState;
use crate::editor::scale::UiScaleState;
use crate::editor::size::EditorSizeState;
use crate::learn::MatchProfilesState;

/// A host-facing choice type wrapping a DSP enum, whose options are the schema's `Choices`.
macro_rules! schema_choice {
    ($(#[$doc:meta])* $name:ident, $inner:ty, $choices:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name(pub $inner);

        impl Enum for $name {
            fn variants() -> &'static [&'static str] {
                $choices.names
            }

            fn ids() -> Option<&'static [&'static str]> {
                Some($choices.ids)
            }

            fn to_index(self) -> usize {
                self.0.index()
            }

            fn from_index(index: usize) -> Self {
                Self(<$inner>::ALL.get(index).copied().unwrap_or_default())
            }
        }
    };
}

schema_choice!(
    /// The curve mode as the host sees it: the schema's [`CURVE_CHOICES`].
    CurveParam,
    CurveMode,
    CURVE_CHOICES
);
schema_choice!(
    /// The FFT size as the host sees it (nominal size at 44.1/48 kHz): [`FFT_SIZE_CHOICES`].
    FftSizeParam,
    FftSize,
    FFT_SIZE_CHOICES
);
schema_choice!(
    /// The phase mode as the host sees it: [`PHASE_CHOICES`].
    PhaseParam,
    PhaseMode,
    PHASE_CHOICES
);
schema_choice!(
    /// The stereo target as the host sees it: [`STEREO_CHOICES`].
    StereoParam,
    StereoTarget,
    STEREO_CHOICES
);

/// A gain parameter as the schema describes `param`: ±limit in 0.1 dB steps, shown as
/// "+6.0 dB".
fn gain_param(param: ParamId) -> FloatParam {
    let limit_db = match param.kind() {
        ParamKind::GainDb { limit_db } => limit_db,
        _ => 0.0,
    };
    FloatParam::new(
        param.name(),
        0.0,
        FloatRange::Linear {
            min: -limit_db,
            max: limit_db,
        },
    )
    .with_step_size(GAIN_STEP_DB)
    .with_unit(GAIN_UNIT)
    .with_value_to_string(Arc::new(format_gain_db))
    .with_string_to_value(Arc::new(parse_gain_db))
}

/// The default option of a choice parameter.
fn default_choice(param: ParamId) -> usize {
    match param.kind() {
        ParamKind::Choice { default, .. } => default,
        _ => 0,
    }
}

/// One band's parameters (nested as an array: IDs `band_1` … `band_25`).
#[derive(Params)]
pub struct BandParams {
    /// Gain of the band in dB, named after its centre ("997 Hz").
    #[id = "band"]
    pub gain: FloatParam,
}

/// All parameters of the plugin, in host order.
#[derive(Params)]
pub struct BarkEqParams {
    /// Gain of each Bark band.
    #[nested(array)]
    pub bands: [BandParams; NUM_BANDS],
    /// Output gain.
    #[id = "output"]
    pub output: FloatParam,
    /// Smooth or Bands curve.
    #[id = "curve"]
    pub curve: EnumParam<CurveParam>,
    /// FFT resolution (changes the latency, so it takes effect on the host's restart).
    #[id = "fft_size"]
    pub fft_size: EnumParam<FftSizeParam>,
    /// Host bypass: the input delayed by the latency, crossfaded over one hop.
    #[id = "bypass"]
    pub bypass: BoolParam,
    /// Linear phase or zero latency (changes the latency: takes effect on the host's restart).
    #[id = "phase"]
    pub phase: EnumParam<PhaseParam>,
    /// Which part of a stereo signal the curve applies to.
    #[id = "stereo"]
    pub stereo: EnumParam<StereoParam>,
    /// Loudness-matched output.
    #[id = "auto_gain"]
    pub auto_gain: BoolParam,
    /// Output only what the EQ changes.
    #[id = "delta"]
    pub delta: BoolParam,
    /// Editor window size, saved with the state (not a parameter).
    #[persist = "editor-size"]
    pub editor_size: EditorSizeState,
    /// Bark Match's learned and loaded profiles (not parameters).
    #[persist = "match-profiles"]
    pub match_profiles: MatchProfilesState,
    /// The A/B slots: which is active and the inactive one (not parameters).
    #[persist = "ab"]
    pub ab: AbState,
    /// Analyzer tilt, peak hold, freeze and shown spectra.
    #[persist = "analyzer"]
    pub analyzer: AnalyzerOptionsState,
    /// Editor scale in percent.
    #[persist = "ui-scale"]
    pub ui_scale: UiScaleState,
}

impl Default for BarkEqParams {
    fn default() -> Self {
        Self {
            bands: std::array::from_fn(|band| BandParams {
                gain: gain_param(ParamId::Band(band)),
            }),
            output: gain_param(ParamId::Output),
            curve: EnumParam::new(
                ParamId::Curve.name(),
                CurveParam::from_index(default_choice(ParamId::Curve)),
            ),
            fft_size: EnumParam::new(
                ParamId::FftSize.name(),
                FftSizeParam::from_index(default_choice(ParamId::FftSize)),
            ),
            bypass: BoolParam::new(ParamId::Bypass.name(), false).make_bypass(),
            phase: EnumParam::new(
                ParamId::Phase.name(),
                PhaseParam::from_index(default_choice(ParamId::Phase)),
            ),
            stereo: EnumParam::new(
                ParamId::Stereo.name(),
                StereoParam::from_index(default_choice(ParamId::Stereo)),
            ),
            auto_gain: BoolParam::new(ParamId::AutoGain.name(), false),
            delta: BoolParam::new(ParamId::Delta.name(), false),
            editor_size: EditorSizeState::default(),
            match_profiles: MatchProfilesState::default(),
            ab: AbState::default(),
            analyzer: AnalyzerOptionsState::default(),
            ui_scale: UiScaleState::default(),
        }
    }
}

impl BarkEqParams {
    /// The current (unsmoothed) values as engine settings; the engine smooths the gains.
    /// Allocation-free, so the audio thread calls it every block.
    pub fn settings(&self) -> EqSettings {
        EqSettings {
            band_gains_db: std::array::from_fn(|band| self.bands[band].gain.value()),
            output_gain_db: self.output.value(),
            curve_mode: self.curve.value().0,
            fft_size: self.fft_size.value().0,
            bypass: self.bypass.value(),
            phase: self.phase.value().0,
            stereo: self.stereo.value().0,
            auto_gain: self.auto_gain.value(),
            delta: self.delta.value(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::editor::size::{EditorSize, EDITOR_SIZE_KEY};

    #[test]
    fn the_derived_parameters_are_the_schema_in_its_order() {
        let params = BarkEqParams::default();
        let map = params.param_map();
        let ids: Vec<&str> = map.iter().map(|(id, _, _)| id.as_str()).collect();
        let schema: Vec<&str> = ParamId::ALL.iter().map(|p| p.id()).collect();
        assert_eq!(ids, schema);
        for ((_, ptr, group), param) in map.iter().zip(ParamId::ALL) {
            assert!(group.is_empty(), "{}: no groups", param.id());
            // SAFETY: the pointers point into `params`, alive for this test.
            let name = unsafe { ptr.name() };
            assert_eq!(name, param.name());
        }
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
    fn an_oversized_editor_size_is_limited() {
        // (An unreadable size is ignored with a warning: `tests/clap_host.rs` loads one, since
        // nice-plug turns the warning into a panic inside this crate's own unit tests.)
        let params = BarkEqParams::default();
        let mut fields = BTreeMap::new();
        fields.insert(
            EDITOR_SIZE_KEY.to_string(),
            r#"{"width":99999999,"height":1}"#.to_string(),
        );
        params.deserialize_fields(&fields);
        let size = params.editor_size.get();
        assert_eq!(size, size.clamped());
        assert!(size.width > size.height);
    }

    #[test]
    fn the_editor_state_round_trips_and_a_state_without_it_keeps_the_defaults() {
        use crate::editor::ab::{AbSlots, Slot, AB_KEY};
        use crate::editor::analyzer_options::{AnalyzerOptions, Show, ANALYZER_KEY};
        use crate::editor::scale::UI_SCALE_KEY;

        let params = BarkEqParams::default();
        let mut slot_b = EqSettings::default();
        slot_b.band_gains_db[3] = -4.5;
        params.ab.store(AbSlots {
            active: Slot::B,
            inactive: Some(slot_b),
        });
        let options = AnalyzerOptions {
            tilt_db_per_octave: 3.0,
            peak_hold: true,
            freeze: false,
            show: Show::Output,
        };
        params.analyzer.store(options);
        params.ui_scale.store(150);
        let fields = params.serialize_fields();
        for key in [AB_KEY, ANALYZER_KEY, UI_SCALE_KEY] {
            assert!(fields.contains_key(key), "{key}");
        }
        let restored = BarkEqParams::default();
        restored.deserialize_fields(&fields);
        assert_eq!(restored.ab.get(), params.ab.get());
        assert_eq!(restored.analyzer.get(), options);
        assert_eq!(restored.ui_scale.percent(), 150);

        // A state from before these fields (0.1.0) has none of them: defaults stay.
        let old = BarkEqParams::default();
        let mut fields = BTreeMap::new();
        fields.insert(
            EDITOR_SIZE_KEY.to_string(),
            r#"{"width":1000,"height":600}"#.to_string(),
        );
        old.deserialize_fields(&fields);
        assert_eq!(old.ab.get(), AbSlots::default());
        assert_eq!(old.analyzer.get(), AnalyzerOptions::default());
        assert_eq!(old.ui_scale.percent(), 100);
        // Odd values are tolerated: an unknown spectrum choice shows both, a scale snaps.
        let mut fields = BTreeMap::new();
        fields.insert(
            ANALYZER_KEY.to_string(),
            r#"{"show":"sideways"}"#.to_string(),
        );
        fields.insert(UI_SCALE_KEY.to_string(), "130".to_string());
        fields.insert(
            AB_KEY.to_string(),
            r#"{"active":"b","inactive":"{oops"}"#.to_string(),
        );
        old.deserialize_fields(&fields);
        assert_eq!(old.analyzer.get(), AnalyzerOptions::default());
        assert_eq!(old.ui_scale.percent(), 125);
        assert_eq!(old.ab.get().inactive, None);
    }
}
