//! Typed values: Ctrl/Cmd+click or right-click on a fader (its readout included), the output bar
//! or a band's point on the plot opens a text field. Enter sets the value as one gesture;
//! text that is not a gain or lies outside the range turns the field red and changes nothing
//! (never a silent clamp); Escape or a click elsewhere closes it.
//!
//! Accepted: "-3.5", "+2 dB", "2,5" (a decimal comma), "6db".

use egui::{self, Color32, Id, Key, Pos2, Response, Ui};
use nice_plug::prelude::Param;

use super::setter::{set_once, Setter};
use super::theme;
use crate::params::BarkEqParams;
use bark_eq_dsp::schema::{format_gain_db, parse_gain_db, ParamId, ParamValue};

/// Background of a field whose text is refused.
const INVALID_FILL: Color32 = Color32::from_rgb(0x8c, 0x2a, 0x2a);
/// Width of the field.
const FIELD_WIDTH: f32 = 84.0;

/// What a typed value sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypedTarget {
    /// A band's gain (0-based).
    Band(usize),
    /// The output gain.
    Output,
}

impl TypedTarget {
    /// The schema's parameter.
    fn param_id(self) -> ParamId {
        match self {
            TypedTarget::Band(band) => ParamId::Band(band),
            TypedTarget::Output => ParamId::Output,
        }
    }
}

/// An open field, kept in egui's memory.
#[derive(Clone, Debug)]
struct Typing {
    /// What it sets.
    target: TypedTarget,
    /// The text so far.
    text: String,
    /// Top-left corner of the field.
    pos: Pos2,
    /// Whether the field still has to take the keyboard focus.
    needs_focus: bool,
}

/// Where the open field lives in egui's memory.
fn memory_id() -> Id {
    Id::unique("bark-eq-typed-value")
}

/// Whether `response` asks for a typed value: a right-click, or a click with Ctrl/Cmd held.
pub fn wants_typing(ui: &Ui, response: &Response) -> bool {
    let command = ui.input(|i| i.modifiers.ctrl || i.modifiers.command || i.modifiers.mac_cmd);
    response.secondary_clicked() || (response.clicked() && command)
}

/// Opens the field for `target` at `pos`.
pub fn open(ui: &Ui, target: TypedTarget, pos: Pos2) {
    let typing = Typing {
        target,
        text: String::new(),
        pos,
        needs_focus: true,
    };
    ui.data_mut(|d| d.insert_temp(memory_id(), typing));
}

/// Whether a field is open.
pub fn is_open(ctx: &egui::Context) -> bool {
    ctx.data(|d| d.get_temp::<Typing>(memory_id())).is_some()
}

/// Whether the open field's text is refused (`None` when no field is open).
pub fn is_refused(ctx: &egui::Context) -> Option<bool> {
    let typing = ctx.data(|d| d.get_temp::<Typing>(memory_id()))?;
    Some(!typing.text.trim().is_empty() && checked_gain_db(typing.target, &typing.text).is_err())
}

/// Reads a typed gain: a decimal point or comma, an optional sign and "dB".
pub fn parse_typed_db(text: &str) -> Option<f32> {
    let text = text.trim().replace(',', ".");
    let lower = text.to_ascii_lowercase();
    let number = lower.strip_suffix("db").unwrap_or(&lower);
    parse_gain_db(number)
}

/// The gain `text` asks for, if it is one and lies within the target's range.
fn checked_gain_db(target: TypedTarget, text: &str) -> Result<f32, String> {
    let gain_db = parse_typed_db(text).ok_or_else(|| format!("\"{text}\" is not a gain"))?;
    ParamValue::GainDb(gain_db).check(target.param_id())?;
    Ok(gain_db)
}

/// Draws the open field, if any, and sets its value on Enter.
pub fn show(ui: &Ui, params: &BarkEqParams, setter: &Setter) {
    let Some(mut typing) = ui.data(|d| d.get_temp::<Typing>(memory_id())) else {
        return;
    };
    let param = match typing.target {
        TypedTarget::Band(band) => &params.bands[band].gain,
        TypedTarget::Output => &params.output,
    };
    let refused =
        !typing.text.trim().is_empty() && checked_gain_db(typing.target, &typing.text).is_err();
    let mut keep_open = true;
    egui::Area::new(memory_id().with("area"))
        .order(egui::Order::Foreground)
        .fixed_pos(typing.pos)
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                let hint = format!("{} dB", format_gain_db(param.modulated_plain_value()));
                let mut edit = egui::TextEdit::singleline(&mut typing.text)
                    .hint_text(hint)
                    .desired_width(FIELD_WIDTH);
                if refused {
                    edit = edit.background_color(INVALID_FILL).text_color(theme::TEXT);
                }
                let response = ui.add(edit);
                if typing.needs_focus {
                    response.request_focus();
                    typing.needs_focus = false;
                }
                if response.lost_focus() {
                    if ui.input(|i| i.key_pressed(Key::Enter)) {
                        match checked_gain_db(typing.target, &typing.text) {
                            Ok(gain_db) => {
                                set_once(setter, param, gain_db);
                                keep_open = false;
                            }
                            // Refused: stay open (red) with the text, nothing changes.
                            Err(_) => typing.needs_focus = true,
                        }
                    } else {
                        keep_open = false;
                    }
                }
            });
        });
    ui.data_mut(|d| {
        if keep_open {
            d.insert_temp(memory_id(), typing);
        } else {
            d.remove::<Typing>(memory_id());
        }
    });
}
