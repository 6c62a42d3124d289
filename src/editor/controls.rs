//! The control bar: output gain, curve mode, FFT size, bypass, Flat and the latency readout.

use egui::{self, Align2, CornerRadius, Pos2, Rect, RichText, Sense, Stroke, Ui};
use nice_plug::prelude::Param;

use super::setter::Setter;

use super::gesture::{self, DragTarget, FINE_FACTOR};
use super::theme;
use super::typed::{self, TypedTarget};
use crate::params::{BarkEqParams, CurveParam, FftSizeParam};
use crate::status::EngineStatus;
use crate::LatencySettings;
use bark_eq_dsp::schema::{format_gain_db, CURVE_CHOICES, FFT_SIZE_CHOICES, PHASE_CHOICES};
use bark_eq_dsp::settings::PhaseMode;
use bark_eq_dsp::CurveMode;
use bark_eq_dsp::FftSize;
use bark_eq_dsp::NUM_BANDS;

/// Width of the output gain bar.
const OUTPUT_WIDTH: f32 = 110.0;
/// Width of the output value text beside the bar.
const OUTPUT_VALUE_WIDTH: f32 = 60.0;
/// Height of the output gain slider.
const OUTPUT_HEIGHT: f32 = 22.0;
/// Label of the button that resets every band.
pub const FLAT_LABEL: &str = "Flat";
/// Label (and accessible name) of the FFT size menu.
pub const FFT_LABEL: &str = "FFT";
/// Accessible name of the output slider.
pub const OUTPUT_LABEL: &str = "Output";

/// Draws the control bar (one row) into the current layout.
pub fn control_bar(ui: &mut Ui, params: &BarkEqParams, setter: &Setter, status: &EngineStatus) {
    ui.label(RichText::new("Bark EQ").heading().strong());
    ui.add_space(10.0);

    ui.label(RichText::new(OUTPUT_LABEL).color(theme::TEXT_DIM));
    output_slider(ui, params, setter);
    ui.add_space(6.0);

    let mode = params.curve.value();
    let linear = params.phase.value().0 == PhaseMode::Linear;
    for (mode_choice, label) in CurveMode::ALL.into_iter().zip(CURVE_CHOICES.names) {
        let choice = CurveParam(mode_choice);
        let button = ui
            .add_enabled(linear, egui::Button::selectable(mode == choice, *label))
            .on_disabled_hover_text(
                "Zero latency always follows the Smooth curve: Curve applies to Linear only",
            );
        if button.clicked() && mode != choice {
            gesture::set_once(setter, &params.curve, choice);
        }
    }
    ui.add_space(6.0);

    let fft_size = params.fft_size.value();
    let fft_choices = FftSize::ALL.into_iter().zip(FFT_SIZE_CHOICES.names);
    let label = ui.label(RichText::new(FFT_LABEL).color(theme::TEXT_DIM));
    egui::ComboBox::from_id_salt("fft_size")
        .selected_text(FFT_SIZE_CHOICES.names[fft_size.0.index()])
        .width(64.0)
        .show_ui(ui, |ui| {
            for (size, label) in fft_choices {
                let choice = FftSizeParam(size);
                if ui.selectable_label(fft_size == choice, *label).clicked() && fft_size != choice {
                    gesture::set_once(setter, &params.fft_size, choice);
                }
            }
        })
        .response
        .labelled_by(label.id)
        .on_hover_text(
            "Frequency resolution; larger sizes add latency in Linear mode. 1024 and 2048 points \
             are too coarse for the bands below about 300 Hz (up to 3.4 and 0.9 dB off the curve)",
        );
    let selected = LatencySettings::of(&params.settings());
    if let Some(text) = pending_restart_text(selected, status.active()) {
        ui.label(RichText::new(text).color(theme::ACCENT))
            .on_hover_text(
                "FFT size and phase mode set the latency, so they change when the host restarts the plugin",
            );
    }

    let mut bypass = params.bypass.value();
    if ui.toggle_value(&mut bypass, "Bypass").changed() {
        gesture::set_once(setter, &params.bypass, bypass);
    }
    if ui
        .button(FLAT_LABEL)
        .on_hover_text("Reset every band to 0 dB")
        .clicked()
    {
        flatten(params, setter);
    }

    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        let text = match status.latency_ms() {
            Some(ms) => format!("Latency {ms:.1} ms"),
            None => "Latency –".to_string(),
        };
        ui.label(RichText::new(text).color(theme::TEXT_DIM))
            .on_hover_text(
                "Delay the host compensates: one FFT frame in Linear mode, none in Zero latency",
            );
    });
}

/// "4096 -> 8192 on restart", "Linear -> Zero latency on restart" (the editor font has no
/// arrow glyph) while selected settings that set the latency wait for the host to restart the
/// plugin; `None` when the engine runs at the selected ones (or is not active).
pub fn pending_restart_text(
    selected: LatencySettings,
    active: Option<LatencySettings>,
) -> Option<String> {
    let active = active?;
    let mut changes = Vec::new();
    if active.fft_size != selected.fft_size {
        let name = |size: FftSize| FFT_SIZE_CHOICES.names[size.index()];
        changes.push(format!(
            "{} -> {}",
            name(active.fft_size),
            name(selected.fft_size)
        ));
    }
    if active.phase != selected.phase {
        let name = |phase: PhaseMode| PHASE_CHOICES.names[phase.index()];
        changes.push(format!(
            "{} -> {}",
            name(active.phase),
            name(selected.phase)
        ));
    }
    (!changes.is_empty()).then(|| format!("{} on restart", changes.join(", ")))
}

/// Sets every band that is not at 0 dB to 0 dB, one begin/set/end gesture per band.
pub fn flatten(params: &BarkEqParams, setter: &Setter) {
    for band in params.bands.iter().take(NUM_BANDS).map(|b| &b.gain) {
        let default_db = band.default_plain_value();
        if band.modulated_plain_value() != default_db {
            gesture::set_once(setter, band, default_db);
        }
    }
}

/// The output gain as a horizontal bar drawn from 0 dB, its value beside it; drag sideways
/// (Shift/Ctrl: fine), double-click resets, the wheel nudges.
fn output_slider(ui: &mut Ui, params: &BarkEqParams, setter: &Setter) {
    let param = &params.output;
    let (min_db, max_db) = (param.preview_plain(0.0), param.preview_plain(1.0));
    let size = egui::vec2(OUTPUT_WIDTH + OUTPUT_VALUE_WIDTH, OUTPUT_HEIGHT);
    let (rect, response) = ui.allocate_exact_size(size, Sense::click_and_drag());
    let db_per_point = (max_db - min_db) / OUTPUT_WIDTH;
    let fine = if gesture::fine_held(ui) {
        FINE_FACTOR
    } else {
        1.0
    };
    let delta_db = response.drag_delta().x * db_per_point * fine;
    gesture::drag_gain(ui, &response, response.id, param, setter, || {
        DragTarget::Relative(delta_db)
    });
    gesture::wheel_and_reset(ui, &response, param, setter);
    if typed::wants_typing(ui, &response) {
        typed::open(ui, TypedTarget::Output, rect.left_bottom());
    }

    let gain_db = param.modulated_plain_value();
    let text = format!("{} dB", format_gain_db(gain_db));
    response.widget_info(|| gesture::gain_widget_info(OUTPUT_LABEL, gain_db, text.clone()));

    let painter = ui.painter_at(rect);
    let bar = Rect::from_min_size(rect.min, egui::vec2(OUTPUT_WIDTH, OUTPUT_HEIGHT));
    painter.rect_filled(bar, CornerRadius::same(3), theme::TRACK);
    let to_x = |db: f32| bar.left() + (db - min_db) / (max_db - min_db) * bar.width();
    let (zero_x, value_x) = (to_x(0.0), to_x(gain_db));
    let fill = Rect::from_x_y_ranges(zero_x.min(value_x)..=zero_x.max(value_x), bar.y_range());
    let color = theme::gain_color(gain_db);
    painter.rect_filled(fill, CornerRadius::ZERO, color.gamma_multiply(0.55));
    painter.vline(zero_x, bar.y_range(), Stroke::new(1.0, theme::GRID_ZERO));
    painter.vline(value_x, bar.y_range(), Stroke::new(2.0, color));
    let outline = if response.hovered() || response.dragged() {
        theme::TEXT_DIM
    } else {
        theme::GRID
    };
    painter.rect_stroke(
        bar,
        CornerRadius::same(3),
        Stroke::new(1.0, outline),
        egui::StrokeKind::Inside,
    );
    painter.text(
        Pos2::new(bar.right() + 8.0, rect.center().y),
        Align2::LEFT_CENTER,
        text,
        theme::value_font(),
        color,
    );
}
