//! Headless tests of the editor's options: analyzer options, UI scale and presets, each
//! driven by input events.

use std::path::PathBuf;

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use nice_plug::prelude::*;

use super::analyzer_options::Show;
use super::presets::{self, PRESETS_LABEL, SAVE_LABEL};
use super::scale::SCALE_LABEL;
use super::spectrum::tilt_db;
use super::tests::{Fixture, RATE_HZ};
use super::tools::{ANALYZER_LABEL, FREEZE_LABEL, PEAK_HOLD_LABEL, RESET_PEAKS_LABEL};
use super::EditorView;
use crate::analyzer::AnalyzerFrame;
use crate::params::BarkEqParams;
use bark_eq_dsp::preset;
use bark_eq_dsp::{EqSettings, NUM_BANDS};

/// A fresh, empty preset folder for one test.
fn preset_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bark-eq-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the temp folder is writable");
    dir
}

/// Clicks `label` inside a menu opened by clicking `menu`.
fn menu_click(fixture: &mut Fixture, menu: &str, label: &str) {
    fixture.harness.get_by_label(menu).click();
    fixture.harness.run();
    fixture.harness.get_by_label(label).click();
    fixture.harness.run();
}

#[test]
fn the_analyzer_menu_sets_tilt_peak_hold_freeze_and_show_and_they_are_saved() {
    let mut fixture = Fixture::without_analyzer();
    let defaults = fixture.params.analyzer.get();
    assert_eq!(defaults.tilt_db_per_octave, 4.5, "SPAN's default");
    assert_eq!((defaults.show, defaults.freeze), (Show::Both, false));
    menu_click(&mut fixture, ANALYZER_LABEL, "3");
    fixture.harness.get_by_label(PEAK_HOLD_LABEL).click();
    fixture.harness.run();
    fixture.harness.get_by_label(FREEZE_LABEL).click();
    fixture.harness.run();
    fixture.harness.get_by_label("Input").click();
    fixture.harness.run();
    let options = fixture.params.analyzer.get();
    assert_eq!(options.tilt_db_per_octave, 3.0);
    assert!(options.peak_hold && options.freeze);
    assert_eq!(options.show, Show::Input);
    assert!(!fixture.params.analyzer.analysis_wanted(), "frozen");

    let restored = BarkEqParams::default();
    restored.deserialize_fields(&fixture.params.serialize_fields());
    assert_eq!(restored.analyzer.get(), options);
}

#[test]
fn the_display_tilts_holds_peaks_until_reset_and_freezes() {
    let (mut input, output) = triple_buffer::triple_buffer(&AnalyzerFrame::default());
    let mut fixture = Fixture::new(EditorView::new(Some(output)));
    let point = 200;
    let mut publish = |level_db: f32, sequence: u64| {
        let mut frame = AnalyzerFrame {
            sample_rate_hz: RATE_HZ,
            sequence,
            ..AnalyzerFrame::default()
        };
        frame.output_db[point] = level_db;
        input.write(frame);
    };
    publish(-20.0, 1);
    fixture.harness.run();
    let tilt = tilt_db(4.5, point);
    assert!(
        tilt > 9.0,
        "4.5 dB/oct lifts point {point} (4.5 kHz) by 2.2 octaves"
    );
    assert_eq!(
        fixture.harness.state().display().output_db()[point],
        -20.0 + tilt
    );

    menu_click(&mut fixture, ANALYZER_LABEL, PEAK_HOLD_LABEL);
    publish(-20.0, 2);
    fixture.harness.run();
    publish(-40.0, 3);
    fixture.harness.run();
    let display = fixture.harness.state().display();
    assert_eq!(display.output_db()[point], -40.0 + tilt);
    assert_eq!(display.peak_output_db()[point], -20.0 + tilt, "held");
    fixture.harness.get_by_label(RESET_PEAKS_LABEL).click();
    fixture.harness.run();
    let peak = fixture.harness.state().display().peak_output_db()[point];
    assert!(peak < -20.0 + tilt, "reset: {peak}");

    fixture.harness.get_by_label(FREEZE_LABEL).click();
    fixture.harness.run();
    publish(-5.0, 4);
    fixture.harness.run();
    assert_eq!(
        fixture.harness.state().display().output_db()[point],
        -40.0 + tilt,
        "frozen"
    );
}

#[test]
fn ctrl_plus_and_minus_step_the_ui_scale_which_is_saved_and_applied_as_zoom() {
    let mut fixture = Fixture::without_analyzer();
    assert_eq!(fixture.params.ui_scale.percent(), 100);
    fixture
        .harness
        .key_press_modifiers(Modifiers::COMMAND, Key::Plus);
    fixture.harness.run();
    assert_eq!(fixture.params.ui_scale.percent(), 125);
    assert_eq!(fixture.harness.ctx.zoom_factor(), 1.25);
    for _ in 0..3 {
        fixture
            .harness
            .key_press_modifiers(Modifiers::CTRL, Key::Minus);
        fixture.harness.run();
    }
    assert_eq!(fixture.params.ui_scale.percent(), 75, "75 % is the least");
    fixture
        .harness
        .key_press_modifiers(Modifiers::COMMAND, Key::Equals);
    fixture.harness.run();
    assert_eq!(fixture.params.ui_scale.percent(), 100);

    menu_click(&mut fixture, SCALE_LABEL, "200 %");
    assert_eq!(fixture.params.ui_scale.percent(), 200);
    assert_eq!(fixture.harness.ctx.zoom_factor(), 2.0);
    let fields = fixture.params.serialize_fields();
    assert_eq!(fields.get("ui-scale").map(String::as_str), Some("200"));
    assert!(
        fixture.host.take_calls().is_empty(),
        "scale is no parameter"
    );
}

#[test]
fn factory_and_user_presets_load_as_one_undo_step_and_save_in_the_cli_format() {
    let dir = preset_dir("presets");
    let view = EditorView::with_preset_dir(None, Some(dir.clone()));
    let mut fixture = Fixture::new(view);
    menu_click(&mut fixture, PRESETS_LABEL, "Air");
    assert_eq!(fixture.band_gains()[24], 6.0);
    assert_eq!(fixture.band_gains()[0], 0.0);
    assert_eq!(fixture.harness.state().history().undo_len(), 1);
    assert_eq!(fixture.harness.state().preset_message(), Some("Loaded Air"));

    // Saved under a typed name, in the format `bark-eq preset` reads.
    fixture.harness.get_by_label(PRESETS_LABEL).click();
    fixture.harness.run();
    fixture.harness.get_by_role(Role::TextInput).click();
    fixture.harness.run();
    fixture
        .harness
        .get_by_role(Role::TextInput)
        .type_text("My air");
    fixture.harness.run();
    fixture.harness.get_by_label(SAVE_LABEL).click();
    fixture.harness.run();
    let message = fixture.harness.state().preset_message().map(str::to_string);
    let text = std::fs::read_to_string(dir.join("My air.json")).expect("saved");
    assert!(message.is_some_and(|m| m.starts_with("Saved")));
    let mut saved = EqSettings::default();
    preset::parse(&text).expect("valid").apply_to(&mut saved);
    assert_eq!(saved, fixture.params.settings());
    fixture.harness.key_press(Key::Escape);
    fixture.harness.run();

    // A preset written by the CLI opens here.
    let mut cli = EqSettings::default();
    cli.band_gains_db[8] = 4.0;
    std::fs::write(dir.join("from cli.json"), preset::to_json(&cli)).expect("written");
    menu_click(&mut fixture, PRESETS_LABEL, "from cli");
    let mut expected = [0.0; NUM_BANDS];
    expected[8] = 4.0;
    assert_eq!(fixture.band_gains(), expected);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_corrupt_or_foreign_preset_is_refused_with_a_message_and_nothing_changes() {
    let dir = preset_dir("refused");
    std::fs::write(dir.join("corrupt.json"), "{\"band_1\": 3,").expect("written");
    std::fs::write(dir.join("foreign.json"), r#"{"gain": 3, "q": 0.7}"#).expect("written");
    let view = EditorView::with_preset_dir(None, Some(dir.clone()));
    let mut fixture = Fixture::new(view);
    for name in ["corrupt", "foreign"] {
        menu_click(&mut fixture, PRESETS_LABEL, name);
        let message = fixture.harness.state().preset_message().unwrap_or_default();
        assert!(message.starts_with(&format!("Refused {name}")), "{message}");
        fixture.harness.get_by_label_contains("Refused");
        assert_eq!(fixture.band_gains(), [0.0; NUM_BANDS]);
        assert!(fixture.host.take_calls().is_empty());
        assert_eq!(fixture.harness.state().history().undo_len(), 0);
    }
    assert!(presets::settings_from_text("[]", &EqSettings::default()).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}
