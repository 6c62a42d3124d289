//! UI scale: 75–200 % in steps of 25, chosen from a menu or with Ctrl/Cmd + and −, saved with
//! the plugin state (persisted field `ui-scale`). It is egui's zoom factor, applied on top of
//! the host's scale factor (which nice-plug-egui passes to egui as its native pixels per point),
//! so 100 % is the host's scale, text is drawn at the final resolution and stays sharp, and the
//! window grows and shrinks with it (egui-baseview resizes the window when the zoom changes).

use std::sync::atomic::{AtomicU32, Ordering};

use egui::{Key, Ui};
use nice_plug::params::persist::PersistentField;

use super::shortcut::take_command_key;

/// Key of the scale in the plugin state's persisted fields.
pub const UI_SCALE_KEY: &str = "ui-scale";
/// The scales offered, in percent.
pub const SCALES_PERCENT: [u32; 6] = [75, 100, 125, 150, 175, 200];
/// The scale of a new instance: the host's own.
pub const DEFAULT_PERCENT: u32 = 100;
/// Label (and accessible name) of the scale menu.
pub const SCALE_LABEL: &str = "Scale";

/// The nearest offered scale to `percent`.
pub fn nearest(percent: u32) -> u32 {
    SCALES_PERCENT
        .into_iter()
        .min_by_key(|&s| s.abs_diff(percent))
        .unwrap_or(DEFAULT_PERCENT)
}

/// The scale in percent, shared by the editor and the state loader.
#[derive(Debug)]
pub struct UiScaleState(AtomicU32);

impl Default for UiScaleState {
    fn default() -> Self {
        Self(AtomicU32::new(DEFAULT_PERCENT))
    }
}

impl UiScaleState {
    /// The scale in percent (one of [`SCALES_PERCENT`]).
    pub fn percent(&self) -> u32 {
        self.0.load(Ordering::Relaxed)
    }

    /// Stores a scale, snapped to the nearest offered one.
    pub fn store(&self, percent: u32) {
        self.0.store(nearest(percent), Ordering::Relaxed);
    }

    /// The scale as egui's zoom factor.
    pub fn zoom_factor(&self) -> f32 {
        self.percent() as f32 / 100.0
    }

    /// One step up (`+1`) or down (`-1`), limited to the offered range.
    pub fn step(&self, direction: i32) {
        let current = SCALES_PERCENT
            .iter()
            .position(|&s| s == self.percent())
            .unwrap_or(1) as i32;
        let next = (current + direction).clamp(0, SCALES_PERCENT.len() as i32 - 1);
        self.store(SCALES_PERCENT[next as usize]);
    }
}

impl PersistentField<'_, u32> for UiScaleState {
    fn set(&self, new_value: u32) {
        self.store(new_value);
    }

    fn map<F, R>(&self, f: F) -> R
    where
        F: Fn(&u32) -> R,
    {
        f(&self.percent())
    }
}

/// Ctrl/Cmd with + (or =) and − pressed this frame, consumed: +1, −1 or 0.
pub fn scale_key(ui: &Ui) -> i32 {
    take_command_key(ui, |key, _| match key {
        Key::Plus | Key::Equals => Some(1),
        Key::Minus => Some(-1),
        _ => None,
    })
    .unwrap_or(0)
}

/// Makes egui draw at `scale`: sets the zoom factor when it differs, and turns off egui's own
/// zoom keys (this module handles them, in steps it can save).
pub fn apply(ctx: &egui::Context, scale: &UiScaleState) {
    ctx.options_mut(|o| o.zoom_with_keyboard = false);
    let zoom = scale.zoom_factor();
    if ctx.zoom_factor() != zoom {
        ctx.set_zoom_factor(zoom);
    }
}

#[cfg(test)]
mod tests {
    use egui::Modifiers;
    use nice_plug_egui::keyboard_types::{Code, Key as KeyValue, KeyboardEvent, NamedKey};
    use nice_plug_egui::translate_key_event;

    use super::*;

    /// What `scale_key` makes of one keyboard event from baseview, through the egui event the
    /// editor window builds from it (vendor/egui-baseview/PATCHES.md), with `modifiers` held.
    fn scale_key_of(event: KeyboardEvent, modifiers: Modifiers) -> i32 {
        let input = egui::RawInput {
            events: translate_key_event(&event, modifiers).into_iter().collect(),
            ..Default::default()
        };
        let ctx = egui::Context::default();
        let mut step = 0;
        let mut output = ctx.run_ui(input, |ui| step = scale_key(ui));
        // No renderer takes the font atlas here.
        output.textures_delta.clear();
        step
    }

    fn character(text: &str) -> KeyValue {
        KeyValue::Character(text.into())
    }

    #[test]
    fn ctrl_plus_and_minus_from_a_real_keyboard_reach_scale_key() {
        let ctrl_shift = Modifiers::CTRL | Modifiers::SHIFT;
        let dead = KeyValue::Named(NamedKey::Dead);
        // As baseview delivers them: X11 gives the unshifted character while Ctrl is held,
        // Windows and macOS the shifted one; the numpad's + and − are characters too.
        let presses = [
            (character("="), Code::Equal, Modifiers::CTRL, 1),
            (character("="), Code::Equal, ctrl_shift, 1),
            (character("+"), Code::Equal, ctrl_shift, 1),
            (character("+"), Code::NumpadAdd, Modifiers::CTRL, 1),
            (character("="), Code::Equal, Modifiers::COMMAND, 1),
            (character("-"), Code::Minus, Modifiers::CTRL, -1),
            (character("-"), Code::NumpadSubtract, Modifiers::CTRL, -1),
            // Another layout: the key in the + and − positions means what their position says.
            (dead, Code::Equal, Modifiers::CTRL, 1),
            (character("ß"), Code::Minus, Modifiers::CTRL, -1),
            // Not the shortcut: no Ctrl/Cmd, or another key.
            (character("="), Code::Equal, Modifiers::NONE, 0),
            (character("0"), Code::Digit0, Modifiers::CTRL, 0),
        ];
        for (key, code, modifiers, expected) in presses {
            let event = KeyboardEvent::key_down(key.clone(), code);
            assert_eq!(
                scale_key_of(event, modifiers),
                expected,
                "{key:?} ({code:?}) with {modifiers:?}"
            );
        }
        let release = KeyboardEvent::key_up(character("="), Code::Equal);
        assert_eq!(scale_key_of(release, Modifiers::CTRL), 0, "a release");
    }
}
