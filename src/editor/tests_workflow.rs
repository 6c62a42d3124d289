//! Headless tests of the editing workflow: undo/redo, A/B, typed values, arrow keys and curve
//! painting, each driven by input events.

use egui::accesskit::Role;
use egui::TouchPhase;
use egui::{vec2, Event, Key, Modifiers, MouseWheelSource, MouseWheelUnit, PointerButton, Pos2};
use egui_kittest::kittest::Queryable;
use nice_plug::prelude::*;

use super::ab::Slot;
use super::plot::{PlotAxes, PLOT_LABEL};
use super::test_host::{set_from_host, Call};
use super::tests::{assert_one_gesture, Fixture};
use super::{controls, tools, typed, undo};
use bark_eq_dsp::bands::band_centre_hz;
use bark_eq_dsp::{band_name, NUM_BANDS};

impl Fixture {
    /// One wheel notch up over `pos`.
    fn wheel_at(&mut self, pos: Pos2) {
        self.harness.hover_at(pos);
        self.harness.event(Event::MouseWheel {
            unit: MouseWheelUnit::Line,
            delta: vec2(0.0, 1.0),
            phase: TouchPhase::Move,
            source: MouseWheelSource::Wheel,
            modifiers: Modifiers::NONE,
        });
        self.harness.run();
    }

    /// Presses `key` with `modifiers` and runs the frames it causes.
    fn key(&mut self, modifiers: Modifiers, key: Key) {
        self.harness.key_press_modifiers(modifiers, key);
        self.harness.run();
    }

    /// Clicks the widget labelled `label`.
    fn click(&mut self, label: &str) {
        self.harness.get_by_label(label).click();
        self.harness.run();
    }

    /// A press of `button` at `pos`, with or without release.
    fn button(&mut self, pos: Pos2, button: PointerButton, pressed: bool) {
        self.harness.event(Event::PointerButton {
            pos,
            button,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }

    /// The plot's axes.
    fn axes(&self) -> PlotAxes {
        PlotAxes {
            rect: self.harness.get_by_label(PLOT_LABEL).rect(),
        }
    }

    /// Types `text` into the open value field and presses Enter.
    fn type_value(&mut self, text: &str) {
        self.harness.get_by_role(Role::TextInput).type_text(text);
        self.harness.run();
        self.key(Modifiers::NONE, Key::Enter);
    }
}

#[test]
fn ctrl_z_undoes_a_fader_drag_in_one_step_and_ctrl_shift_z_redoes_it_as_gestures() {
    let mut fixture = Fixture::without_analyzer();
    fixture.drag(fixture.fader_centre(8), vec2(0.0, -40.0), Modifiers::NONE);
    let dragged_db = fixture.band_gains()[8];
    assert!(dragged_db > 5.0);
    fixture.host.take_calls();
    assert_eq!(
        fixture.harness.state().history().undo_len(),
        1,
        "one drag, one step"
    );

    for (undo_keys, redo_keys) in [
        (Modifiers::CTRL, Modifiers::CTRL | Modifiers::SHIFT),
        (Modifiers::COMMAND, Modifiers::COMMAND | Modifiers::SHIFT),
    ] {
        fixture.key(undo_keys, Key::Z);
        assert_eq!(fixture.band_gains(), [0.0; NUM_BANDS]);
        let id = "band_9".to_string();
        assert_eq!(
            fixture.host.take_calls(),
            [
                Call::Begin(id.clone()),
                Call::Set(id.clone(), 0.0),
                Call::End(id)
            ]
        );
        fixture.key(redo_keys, Key::Z);
        assert_eq!(fixture.band_gains()[8], dragged_db);
        assert_one_gesture(&fixture.host.take_calls(), "band_9");
    }
    // The buttons do the same.
    fixture.click(undo::UNDO_LABEL);
    assert_eq!(fixture.band_gains()[8], 0.0);
    fixture.click(undo::REDO_LABEL);
    assert_eq!(fixture.band_gains()[8], dragged_db);
    assert_eq!(fixture.harness.state().history().redo_len(), 0);
}

#[test]
fn the_history_holds_more_than_100_steps_and_ignores_host_automation() {
    let mut fixture = Fixture::without_analyzer();
    set_from_host(&fixture.params.output, -3.0);
    fixture.harness.run();
    assert_eq!(
        fixture.harness.state().history().undo_len(),
        0,
        "automation"
    );
    let pos = fixture.fader_centre(2);
    for _ in 0..24 {
        fixture.wheel_at(pos);
    }
    let pos = fixture.fader_centre(3);
    for _ in 0..24 {
        fixture.wheel_at(pos);
    }
    fixture.click(controls::FLAT_LABEL);
    for band in 4..8 {
        let pos = fixture.fader_centre(band);
        for _ in 0..14 {
            fixture.wheel_at(pos);
        }
    }
    // 24 + 24 + Flat + 4 × 14 = 105 steps, every one undoable.
    assert_eq!(fixture.harness.state().history().undo_len(), 105);
    for _ in 0..105 {
        fixture.key(Modifiers::COMMAND, Key::Z);
    }
    assert_eq!(fixture.band_gains(), [0.0; NUM_BANDS]);
    assert_eq!(
        fixture.params.output.value(),
        -3.0,
        "automation is not undone"
    );
    assert_eq!(fixture.harness.state().history().redo_len(), 105);
}

#[test]
fn a_b_switches_the_sound_as_gestures_keeps_auto_gain_and_saves_the_inactive_slot() {
    let mut fixture = Fixture::without_analyzer();
    fixture.click(super::mixing::AUTO_GAIN_LABEL);
    fixture.wheel_at(fixture.fader_centre(0));
    let slot_a = fixture.band_gains();
    fixture.click("B");
    assert_eq!(fixture.params.ab.get().active, Slot::B);
    assert_eq!(fixture.band_gains(), slot_a, "B starts as a copy of A");
    fixture.wheel_at(fixture.fader_centre(24));
    fixture.wheel_at(fixture.fader_centre(24));
    let slot_b = fixture.band_gains();
    fixture.host.take_calls();

    fixture.click("A");
    assert_eq!(fixture.band_gains(), slot_a);
    let id = "band_25".to_string();
    assert_eq!(
        fixture.host.take_calls(),
        [
            Call::Begin(id.clone()),
            Call::Set(id.clone(), 0.0),
            Call::End(id)
        ]
    );
    assert!(
        fixture.params.auto_gain.value(),
        "both slots at matched loudness"
    );
    // Saved with the state, restored into a fresh instance.
    let fields = fixture.params.serialize_fields();
    let restored = crate::params::BarkEqParams::default();
    restored.deserialize_fields(&fields);
    assert_eq!(restored.ab.get(), fixture.params.ab.get());
    assert_eq!(
        restored.ab.get().inactive.map(|s| s.band_gains_db),
        Some(slot_b)
    );

    // Copy A over B, switch: nothing changes. Undo the copy: B is B again.
    fixture.click(tools::COPY_LABEL);
    fixture.click("B");
    assert_eq!(fixture.band_gains(), slot_a);
    fixture.key(Modifiers::COMMAND, Key::Z);
    fixture.key(Modifiers::COMMAND, Key::Z);
    assert_eq!(fixture.params.ab.get().active, Slot::A);
    fixture.click("B");
    assert_eq!(fixture.band_gains(), slot_b);
}

#[test]
fn ctrl_click_or_right_click_types_a_value_and_out_of_range_text_is_refused() {
    let mut fixture = Fixture::without_analyzer();
    let fader = band_name(4);
    fixture
        .harness
        .get_by_label(&fader)
        .click_modifiers(Modifiers::CTRL);
    fixture.harness.run();
    fixture.type_value("-3.5");
    assert_eq!(fixture.band_gains()[4], -3.5);
    let id = "band_5".to_string();
    assert_eq!(
        fixture.host.take_calls(),
        [
            Call::Begin(id.clone()),
            Call::Set(id.clone(), -3.5),
            Call::End(id)
        ]
    );
    assert!(!typed::is_open(&fixture.harness.ctx));

    let output = fixture
        .harness
        .get_by_role_and_label(Role::Slider, controls::OUTPUT_LABEL)
        .rect()
        .center();
    fixture.harness.hover_at(output);
    fixture.button(output, PointerButton::Secondary, true);
    fixture.button(output, PointerButton::Secondary, false);
    fixture.harness.run();
    fixture.type_value("+2 dB");
    assert_eq!(fixture.params.output.value(), 2.0);

    let axes = fixture.axes();
    let point = Pos2::new(axes.freq_to_x(band_centre_hz(8)), axes.db_to_y(2.0));
    fixture.harness.hover_at(point);
    fixture.button(point, PointerButton::Secondary, true);
    fixture.button(point, PointerButton::Secondary, false);
    fixture.harness.run();
    fixture.type_value("2,5");
    assert_eq!(fixture.band_gains()[8], 2.5);
    fixture.host.take_calls();

    // Out of range: the field turns red, stays open, nothing changes.
    fixture
        .harness
        .get_by_label(&fader)
        .click_modifiers(Modifiers::CTRL);
    fixture.harness.run();
    fixture.type_value("15");
    assert_eq!(typed::is_refused(&fixture.harness.ctx), Some(true));
    assert_eq!(fixture.band_gains()[4], -3.5);
    assert!(fixture.host.take_calls().is_empty());
    fixture.key(Modifiers::NONE, Key::Escape);
    assert!(!typed::is_open(&fixture.harness.ctx));
    assert_eq!(fixture.band_gains()[4], -3.5);
}

#[test]
fn arrow_keys_nudge_the_focused_band_by_half_a_db_or_a_tenth_with_shift() {
    let mut fixture = Fixture::without_analyzer();
    fixture.harness.get_by_label(&band_name(9)).click();
    fixture.harness.run();
    fixture.host.take_calls();
    fixture.key(Modifiers::NONE, Key::ArrowUp);
    assert_eq!(fixture.band_gains()[9], 0.5);
    fixture.key(Modifiers::SHIFT, Key::ArrowDown);
    assert!((fixture.band_gains()[9] - 0.4).abs() < 1e-6);
    fixture.key(Modifiers::NONE, Key::ArrowRight);
    fixture.key(Modifiers::NONE, Key::ArrowUp);
    assert_eq!(fixture.band_gains()[10], 0.5);
    assert_eq!(
        fixture.host.take_calls().len(),
        9,
        "three one-press gestures"
    );
    assert_eq!(fixture.harness.state().history().undo_len(), 3);
}

#[test]
fn a_right_button_stroke_paints_every_band_it_passes_in_one_undo_step() {
    let mut fixture = Fixture::without_analyzer();
    let axes = fixture.axes();
    let from = Pos2::new(axes.freq_to_x(band_centre_hz(4)), axes.db_to_y(6.0));
    let to = Pos2::new(axes.freq_to_x(band_centre_hz(14)), axes.db_to_y(-6.0));
    fixture.harness.hover_at(from);
    fixture.button(from, PointerButton::Secondary, true);
    fixture.harness.run();
    for step in 1..=4 {
        fixture
            .harness
            .hover_at(from + (to - from) * (step as f32 / 4.0));
        fixture.harness.run();
    }
    fixture.button(to, PointerButton::Secondary, false);
    fixture.harness.run();

    let gains = fixture.band_gains();
    assert!((gains[4] - 6.0).abs() <= 0.15, "{gains:?}");
    assert!((gains[14] + 6.0).abs() <= 0.15, "{gains:?}");
    for band in 5..=14 {
        assert!(gains[band] < gains[band - 1], "a falling line: {gains:?}");
    }
    for band in (0..4).chain(15..NUM_BANDS) {
        assert_eq!(gains[band], 0.0, "band {band} was not passed");
    }
    let calls = fixture.host.take_calls();
    for band in 4..=14 {
        let id = format!("band_{}", band + 1);
        let count = |f: fn(&Call) -> Option<&String>| {
            calls.iter().filter_map(f).filter(|i| **i == id).count()
        };
        let begins = count(|c| {
            if let Call::Begin(i) = c {
                Some(i)
            } else {
                None
            }
        });
        let ends = count(|c| if let Call::End(i) = c { Some(i) } else { None });
        assert_eq!((begins, ends), (1, 1), "{id}");
    }
    assert_eq!(fixture.harness.state().history().undo_len(), 1);
    fixture.key(Modifiers::COMMAND, Key::Z);
    assert_eq!(fixture.band_gains(), [0.0; NUM_BANDS]);
}
