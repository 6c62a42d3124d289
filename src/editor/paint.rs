//! Painting the curve: dragging across the plot with the right mouse button sets every band
//! the pointer passes to the gain under the pointer (the output gain taken off), so a tilt or a
//! smooth shape is one stroke. Bands between two pointer positions take the gain along the
//! line joining them, so a fast stroke skips none. Each band touched gets one begin, its sets
//! and one end when the button is released: one undo step for the stroke.

use egui::{self, Align2, Id, PointerButton, Pos2, Response, Ui};
use nice_plug::prelude::Param;

use super::gesture::snap_gain_db;
use super::plot::PlotAxes;
use super::setter::Setter;
use super::theme;
use crate::params::BarkEqParams;
use bark_eq_dsp::bands::{band_centre_hz, band_of_freq, format_freq_hz};
use bark_eq_dsp::schema::format_gain_db;
use bark_eq_dsp::NUM_BANDS;

/// The stroke in progress, kept in egui's memory.
#[derive(Clone, Copy, Debug)]
struct PaintStroke {
    /// Bands whose gesture has begun.
    began: [bool; NUM_BANDS],
    /// The pointer in the previous frame.
    last: Pos2,
}

/// What is shown while painting: the band under the pointer and its gain.
#[derive(Clone, Copy, Debug)]
pub struct PaintReadout {
    /// The pointer.
    pub pos: Pos2,
    /// The band under it (0-based).
    pub band: usize,
    /// The gain it set, dB.
    pub gain_db: f32,
}

/// Handles a right-button stroke on the plot; returns the readout while one is in progress.
pub fn paint(
    ui: &Ui,
    response: &Response,
    axes: &PlotAxes,
    params: &BarkEqParams,
    setter: &Setter,
) -> Option<PaintReadout> {
    let id: Id = response.id.with("paint");
    let pos = response.interact_pointer_pos();
    if response.drag_started_by(PointerButton::Secondary) {
        let origin = ui.input(|i| i.pointer.press_origin()).or(pos);
        if let Some(pos) = origin {
            let stroke = PaintStroke {
                began: [false; NUM_BANDS],
                last: pos,
            };
            ui.data_mut(|d| d.insert_temp(id, stroke));
        }
    }
    let mut stroke: PaintStroke = ui.data(|d| d.get_temp(id))?;
    let mut readout = None;
    if let Some(pos) = pos.filter(|_| response.dragged_by(PointerButton::Secondary)) {
        let output_db = params.output.modulated_plain_value();
        let gain_at = |x: f32| {
            let (from, to) = (stroke.last, pos);
            let t = if (to.x - from.x).abs() < f32::EPSILON {
                1.0
            } else {
                ((x - from.x) / (to.x - from.x)).clamp(0.0, 1.0)
            };
            axes.y_to_db(from.y + t * (to.y - from.y)) - output_db
        };
        let (low_x, high_x) = (stroke.last.x.min(pos.x), stroke.last.x.max(pos.x));
        let under = band_of_freq(axes.x_to_freq(pos.x));
        for band in 0..NUM_BANDS {
            let centre_x = axes.freq_to_x(band_centre_hz(band));
            let passed = (low_x..=high_x).contains(&centre_x);
            if !passed && band != under {
                continue;
            }
            let x = if band == under { pos.x } else { centre_x };
            let param = &params.bands[band].gain;
            let gain_db = snap_gain_db(param, gain_at(x));
            if !stroke.began[band] {
                setter.begin_set_parameter(param);
                stroke.began[band] = true;
            }
            if param.modulated_plain_value() != gain_db {
                setter.set_parameter(param, gain_db);
            }
            if band == under {
                readout = Some(PaintReadout { pos, band, gain_db });
            }
        }
        stroke.last = pos;
    }
    if response.drag_stopped() || !ui.input(|i| i.pointer.secondary_down()) {
        for band in (0..NUM_BANDS).filter(|&b| stroke.began[b]) {
            setter.end_set_parameter(&params.bands[band].gain);
        }
        ui.data_mut(|d| d.remove::<PaintStroke>(id));
        return None;
    }
    ui.data_mut(|d| d.insert_temp(id, stroke));
    readout
}

/// Shows the band and gain being painted beside the pointer.
pub fn draw_readout(painter: &egui::Painter, readout: &PaintReadout) {
    let text = format!(
        "{}  {} dB",
        format_freq_hz(band_centre_hz(readout.band)),
        format_gain_db(readout.gain_db)
    );
    painter.text(
        readout.pos + egui::vec2(12.0, -14.0),
        Align2::LEFT_BOTTOM,
        text,
        theme::value_font(),
        theme::gain_color(readout.gain_db),
    );
}
