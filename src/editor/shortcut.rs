//! Keyboard shortcuts: Ctrl/Cmd + key presses taken out of egui's input, so no widget sees
//! them too.

use egui::{Event, Key, Modifiers, Ui};

/// Consumes every Ctrl/Cmd key press this frame that `meaning` recognises (it gets the key and
/// the modifiers held) and returns the meaning of the last one; all other events stay in the
/// input for the widgets.
pub fn take_command_key<T>(ui: &Ui, meaning: impl Fn(Key, Modifiers) -> Option<T>) -> Option<T> {
    ui.input_mut(|input| {
        let mut found = None;
        input.events.retain(|event| {
            let Event::Key {
                key,
                pressed: true,
                modifiers,
                ..
            } = event
            else {
                return true;
            };
            if !(modifiers.ctrl || modifiers.command || modifiers.mac_cmd) {
                return true;
            }
            match meaning(*key, *modifiers) {
                Some(wanted) => {
                    found = Some(wanted);
                    false
                }
                None => true,
            }
        });
        found
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key event of `key` pressed (or released) with `modifiers`.
    fn key_event(key: Key, pressed: bool, modifiers: Modifiers) -> Event {
        Event::Key {
            key,
            physical_key: None,
            pressed,
            repeat: false,
            modifiers,
        }
    }

    #[test]
    fn only_recognised_ctrl_or_cmd_presses_are_consumed_and_the_last_one_wins() {
        let ctx = egui::Context::default();
        let events = vec![
            key_event(Key::A, true, Modifiers::CTRL),
            key_event(Key::Z, true, Modifiers::NONE),
            key_event(Key::Z, true, Modifiers::CTRL),
            key_event(Key::Z, false, Modifiers::CTRL),
            key_event(Key::Y, true, Modifiers::COMMAND),
        ];
        let input = egui::RawInput {
            events: events.clone(),
            ..Default::default()
        };
        let mut taken = None;
        let mut left = Vec::new();
        let mut output = ctx.run_ui(input, |ui| {
            taken = take_command_key(ui, |key, _| matches!(key, Key::Z | Key::Y).then_some(key));
            left = ui.input(|i| i.events.clone());
        });
        // No renderer takes the font atlas here.
        output.textures_delta.clear();
        assert_eq!(taken, Some(Key::Y));
        let expected_left = [&events[0], &events[1], &events[3]];
        assert_eq!(left.iter().collect::<Vec<_>>(), expected_left);
    }
}
