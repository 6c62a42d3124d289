//! Mouse gestures on gain parameters. Every change reaches the host as one
//! begin / set… / end gesture, so it is recorded as automation and undone in one step.

use egui::{self, Event, Id, MouseWheelUnit, Response, Ui};
use nice_plug::prelude::{FloatParam, Param};

pub use super::setter::set_once;
use super::setter::Setter;

use bark_eq_dsp::schema::GAIN_STEP_DB;

/// Shift or Ctrl makes drags and wheel steps this much finer.
pub const FINE_FACTOR: f32 = 0.1;
/// One wheel notch moves a gain by this much (Shift/Ctrl: × [`FINE_FACTOR`]).
pub const WHEEL_STEP_DB: f32 = 0.5;
/// Pixel-precise wheels (touchpads) report points; this many make one notch.
const POINTS_PER_NOTCH: f32 = 50.0;
/// Notches per page for wheels that scroll by page.
const NOTCHES_PER_PAGE: f32 = 10.0;

/// Rounds a gain to the parameter resolution and limits it to the parameter's range.
pub fn snap_gain_db(param: &FloatParam, gain_db: f32) -> f32 {
    let (min_db, max_db) = (param.preview_plain(0.0), param.preview_plain(1.0));
    ((gain_db / GAIN_STEP_DB).round() * GAIN_STEP_DB).clamp(min_db, max_db)
}

/// Whether the pointer holds a band soloed over `response`: Alt held, or the middle button
/// down, while hovering it.
pub fn solo_held(ui: &Ui, response: &Response) -> bool {
    response.hovered() && ui.input(|i| i.modifiers.alt || i.pointer.middle_down())
}

/// Whether the fine modifier (Shift or Ctrl/Cmd) is held.
pub fn fine_held(ui: &Ui) -> bool {
    ui.input(|i| i.modifiers.shift || i.modifiers.ctrl || i.modifiers.command)
}

/// A drag in progress, kept in egui's memory under the widget's id between frames.
#[derive(Clone, Copy, Debug)]
struct DragMemory {
    /// Unrounded gain the drag has reached.
    gain_db: f32,
    /// The last value sent to the host.
    sent_db: f32,
    /// Whether `begin_set_parameter` was sent (only once the value actually changes).
    began: bool,
}

/// Where a drag takes the gain, given the gain it has reached so far.
pub enum DragTarget {
    /// Add this many dB (already scaled for fine mode) to the gain.
    Relative(f32),
    /// Go to this gain.
    Absolute(f32),
}

/// Handles a drag of `response` on `param`: `target` maps each frame's pointer motion to a gain.
/// Sends begin with the first change, set for every change, end when the button is released.
/// `memory_id` keys the drag state (one drag at a time per id).
pub fn drag_gain(
    ui: &Ui,
    response: &Response,
    memory_id: Id,
    param: &FloatParam,
    setter: &Setter,
    target: impl FnOnce() -> DragTarget,
) {
    if response.drag_started() {
        let gain_db = param.modulated_plain_value();
        let memory = DragMemory {
            gain_db,
            sent_db: gain_db,
            began: false,
        };
        ui.data_mut(|d| d.insert_temp(memory_id, memory));
    }
    if response.dragged() {
        if let Some(mut memory) = ui.data(|d| d.get_temp::<DragMemory>(memory_id)) {
            memory.gain_db = match target() {
                DragTarget::Relative(delta_db) => memory.gain_db + delta_db,
                DragTarget::Absolute(gain_db) => gain_db,
            };
            let (min_db, max_db) = (param.preview_plain(0.0), param.preview_plain(1.0));
            memory.gain_db = memory.gain_db.clamp(min_db, max_db);
            let snapped_db = snap_gain_db(param, memory.gain_db);
            if snapped_db != memory.sent_db {
                if !memory.began {
                    setter.begin_set_parameter(param);
                    memory.began = true;
                }
                setter.set_parameter(param, snapped_db);
                memory.sent_db = snapped_db;
            }
            ui.data_mut(|d| d.insert_temp(memory_id, memory));
        }
    }
    if response.drag_stopped() {
        let memory = ui.data_mut(|d| {
            let memory = d.get_temp::<DragMemory>(memory_id);
            d.remove::<DragMemory>(memory_id);
            memory
        });
        if memory.is_some_and(|m| m.began) {
            setter.end_set_parameter(param);
        }
    }
}

/// Wheel notches over `response` this frame (positive = up), from the raw wheel events.
pub fn wheel_notches(ui: &Ui, response: &Response) -> f32 {
    if !response.hovered() {
        return 0.0;
    }
    ui.input(|i| {
        i.events
            .iter()
            .map(|event| match event {
                Event::MouseWheel { unit, delta, .. } => {
                    // Shift turns vertical wheels horizontal on some systems: count both axes.
                    let amount = delta.x + delta.y;
                    match unit {
                        MouseWheelUnit::Point => amount / POINTS_PER_NOTCH,
                        MouseWheelUnit::Line => amount,
                        MouseWheelUnit::Page => amount * NOTCHES_PER_PAGE,
                    }
                }
                _ => 0.0,
            })
            .sum()
    })
}

/// The mouse gestures every gain control shares: the wheel nudges (one gesture per frame) and a
/// double-click resets to the default (0 dB).
pub fn wheel_and_reset(ui: &Ui, response: &Response, param: &FloatParam, setter: &Setter) {
    if response.double_clicked() {
        set_once(setter, param, param.default_plain_value());
        return;
    }
    let notches = wheel_notches(ui, response);
    if notches != 0.0 && !response.dragged() {
        let step_db = if fine_held(ui) {
            WHEEL_STEP_DB * FINE_FACTOR
        } else {
            WHEEL_STEP_DB
        };
        let current_db = param.modulated_plain_value();
        let target_db = snap_gain_db(param, current_db + notches * step_db);
        if target_db != current_db {
            set_once(setter, param, target_db);
        }
    }
}

/// Accessibility description of a gain control: its name, value in dB and the value as text.
pub fn gain_widget_info(name: &str, gain_db: f32, text: String) -> egui::WidgetInfo {
    let mut info = egui::WidgetInfo::slider(true, f64::from(gain_db), name);
    info.current_text_value = Some(text);
    info
}
