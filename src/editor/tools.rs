//! The tools bar (third row): undo / redo, A/B compare, presets, analyzer options and the
//! UI scale.

use egui::containers::menu::{MenuButton, MenuConfig};
use egui::{PopupCloseBehavior, RichText, Ui};

use super::ab::{self, Slot};
use super::analyzer_options::{Show, TILTS_DB_PER_OCTAVE};
use super::presets::PresetBrowser;
use super::scale::{SCALES_PERCENT, SCALE_LABEL};
use super::setter::Setter;
use super::spectrum::SpectrumDisplay;
use super::theme;
use super::undo::{History, REDO_LABEL, UNDO_LABEL};
use crate::params::BarkEqParams;

/// Label of the A/B copy button.
pub const COPY_LABEL: &str = "Copy";
/// Label of the analyzer menu.
pub const ANALYZER_LABEL: &str = "Analyzer";
/// Label of the peak-hold switch.
pub const PEAK_HOLD_LABEL: &str = "Peak hold";
/// Label of the peak reset button.
pub const RESET_PEAKS_LABEL: &str = "Reset peaks";
/// Label of the freeze switch.
pub const FREEZE_LABEL: &str = "Freeze";

/// The GUI state the tools bar works on.
pub struct Tools<'a> {
    /// Undo history.
    pub history: &'a mut History,
    /// Presets menu state.
    pub presets: &'a mut PresetBrowser,
    /// The analyzer display (for the peak reset).
    pub spectrum: &'a mut SpectrumDisplay,
}

/// Draws the tools bar (one row) into the current layout.
pub fn tools_bar(ui: &mut Ui, params: &BarkEqParams, setter: &Setter, tools: Tools) {
    let undo = ui
        .add_enabled(tools.history.undo_len() > 0, egui::Button::new(UNDO_LABEL))
        .on_hover_text("Undo the last change (Ctrl+Z)");
    if undo.clicked() {
        tools.history.undo(params, setter);
    }
    let redo = ui
        .add_enabled(tools.history.redo_len() > 0, egui::Button::new(REDO_LABEL))
        .on_hover_text("Redo (Ctrl+Shift+Z)");
    if redo.clicked() {
        tools.history.redo(params, setter);
    }
    ui.add_space(8.0);

    let active = params.ab.get().active;
    for slot in [Slot::A, Slot::B] {
        let button = ui
            .selectable_label(active == slot, slot.label())
            .on_hover_text("Compare two settings: click the other slot to switch");
        if button.clicked() && active != slot {
            ab::switch(params, setter);
        }
    }
    let copy_text = format!("Copy to {}", active.other().label());
    if ui.button(COPY_LABEL).on_hover_text(copy_text).clicked() {
        ab::copy_to_other(params, setter);
    }
    ui.add_space(8.0);

    tools.presets.menu(ui, params, setter);
    analyzer_menu(ui, params, tools.spectrum);
    scale_menu(ui, params);
}

/// Tilt, peak hold (with reset), freeze and shown spectra.
fn analyzer_menu(ui: &mut Ui, params: &BarkEqParams, spectrum: &mut SpectrumDisplay) {
    let mut options = params.analyzer.get();
    let before = options;
    sticky_menu(ui, ANALYZER_LABEL, |ui| {
        ui.label(RichText::new("Show").color(theme::TEXT_DIM));
        ui.horizontal(|ui| {
            for show in Show::ALL {
                ui.selectable_value(&mut options.show, show, show.label());
            }
        });
        ui.label(RichText::new("Slope (dB/oct, pivot 1 kHz)").color(theme::TEXT_DIM));
        ui.horizontal(|ui| {
            for tilt in TILTS_DB_PER_OCTAVE {
                let label = format!("{tilt}");
                ui.selectable_value(&mut options.tilt_db_per_octave, tilt, label);
            }
        });
        ui.separator();
        ui.toggle_value(&mut options.peak_hold, PEAK_HOLD_LABEL);
        if ui.button(RESET_PEAKS_LABEL).clicked() {
            spectrum.reset_peaks();
        }
        ui.toggle_value(&mut options.freeze, FREEZE_LABEL)
            .on_hover_text("Stop the display; the audio goes on");
    });
    if options != before {
        params.analyzer.store(options);
    }
}

/// The scale choices.
fn scale_menu(ui: &mut Ui, params: &BarkEqParams) {
    let current = params.ui_scale.percent();
    let label = ui.label(RichText::new(SCALE_LABEL).color(theme::TEXT_DIM));
    egui::ComboBox::from_id_salt("ui_scale")
        .selected_text(format!("{current} %"))
        .width(64.0)
        .show_ui(ui, |ui| {
            for percent in SCALES_PERCENT {
                if ui
                    .selectable_label(percent == current, format!("{percent} %"))
                    .clicked()
                {
                    params.ui_scale.store(percent);
                }
            }
        })
        .response
        .labelled_by(label.id)
        .on_hover_text("Editor size (Ctrl + and Ctrl -)");
}

/// A menu that stays open while its own widgets are used (a click outside closes it).
pub fn sticky_menu(ui: &mut Ui, label: &str, add_contents: impl FnOnce(&mut Ui)) {
    let config = MenuConfig::new().close_behavior(PopupCloseBehavior::CloseOnClickOutside);
    MenuButton::new(label).config(config).ui(ui, add_contents);
}
