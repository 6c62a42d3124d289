//! The mixing bar: phase mode, stereo target, auto gain (with its correction) and delta.

use super::setter::Setter;
use egui::{RichText, Ui};

use super::gesture;
use super::theme;
use crate::params::{BarkEqParams, PhaseParam, StereoParam};
use crate::status::EngineStatus;
use bark_eq_dsp::schema::{format_gain_db, PHASE_CHOICES, STEREO_CHOICES};
use bark_eq_dsp::settings::{PhaseMode, StereoTarget};
use bark_eq_dsp::NUM_BANDS;

/// Label (and accessible name) of the stereo target menu.
pub const STEREO_LABEL: &str = "Apply to";
/// Label of the auto-gain switch.
pub const AUTO_GAIN_LABEL: &str = "Auto gain";
/// Label of the delta switch.
pub const DELTA_LABEL: &str = "Delta";
/// Shown instead of the stereo menu's effect on a mono track.
pub const MONO_NOTE: &str = "(mono: no effect)";

/// Draws the mixing bar (one row) into the current layout and writes the Match panel's gains
/// when it applies them; returns the match the panel proposes, not applied yet.
pub fn mixing_bar(
    ui: &mut Ui,
    params: &BarkEqParams,
    setter: &Setter,
    status: &EngineStatus,
) -> Option<[f32; NUM_BANDS]> {
    ui.label(RichText::new("Phase").color(theme::TEXT_DIM));
    let phase = params.phase.value();
    for (mode, label) in PhaseMode::ALL.into_iter().zip(PHASE_CHOICES.names) {
        let choice = PhaseParam(mode);
        let hover = match mode {
            PhaseMode::Linear => "Linear phase: no phase shift, latency of one FFT frame",
            PhaseMode::ZeroLatency => "Minimum phase: no latency, a slight phase shift",
        };
        if ui
            .selectable_label(phase == choice, *label)
            .on_hover_text(hover)
            .clicked()
            && phase != choice
        {
            gesture::set_once(setter, &params.phase, choice);
        }
    }
    ui.add_space(10.0);

    let target = params.stereo.value();
    let mono = status.num_channels() == 1;
    let label = ui.label(RichText::new(STEREO_LABEL).color(theme::TEXT_DIM));
    ui.add_enabled_ui(!mono, |ui| {
        egui::ComboBox::from_id_salt("stereo")
            .selected_text(STEREO_CHOICES.names[target.0.index()])
            .width(70.0)
            .show_ui(ui, |ui| {
                for (option, name) in StereoTarget::ALL.into_iter().zip(STEREO_CHOICES.names) {
                    let choice = StereoParam(option);
                    if ui.selectable_label(target == choice, *name).clicked() && target != choice {
                        gesture::set_once(setter, &params.stereo, choice);
                    }
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text("Which part of the stereo signal the curve changes; the rest passes");
    });
    if mono {
        ui.label(RichText::new(MONO_NOTE).color(theme::TEXT_DIM));
    }
    ui.add_space(10.0);

    let mut auto_gain = params.auto_gain.value();
    if ui
        .toggle_value(&mut auto_gain, AUTO_GAIN_LABEL)
        .on_hover_text("Keep the loudness constant as the curve changes")
        .changed()
    {
        gesture::set_once(setter, &params.auto_gain, auto_gain);
    }
    if auto_gain {
        let text = format!("{} dB", format_gain_db(status.auto_gain_db()));
        ui.label(RichText::new(text).color(theme::TEXT_DIM))
            .on_hover_text("The correction auto gain applies");
    }
    let mut delta = params.delta.value();
    if ui
        .toggle_value(&mut delta, DELTA_LABEL)
        .on_hover_text("Hear only what the EQ changes")
        .changed()
    {
        gesture::set_once(setter, &params.delta, delta);
    }
    ui.add_space(10.0);
    let matched = super::matching::match_toggle_and_panel(ui, params, status);
    if let Some(gains) = matched.apply {
        for (band, gain_db) in gains.into_iter().enumerate() {
            gesture::set_once(setter, &params.bands[band].gain, gain_db);
        }
    }
    matched.proposal
}
