//! Headless tests of the Bark Match panel (docs/DESIGN.md#bark-match): **Load reference**
//! reads an audio file in the background the way `bark-eq match --reference` does, and the
//! plot shows the proposed curve until it is applied or the panel closes; **Browse…** opens the
//! file dialog and loads the file chosen in it like a typed one.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};

use super::file_dialog::{FileDialog, PickRequest, PickSender};
use super::plot::PROPOSAL_LABEL;
use super::reference::{self, reference_filters};
use super::response::ResponseCurve;
use super::test_host::{load_reference, type_reference_path, wait_for_reference};
use super::tests::{assert_one_gesture, Fixture, RATE_HZ};
use super::{matching, theme};
use crate::learn::MatchProfiles;
use bark_eq_dsp::matching::{match_gains, MatchOptions, MatchResult, Target};
use bark_eq_dsp::profile::{Profile, PROFILE_FORMAT_VERSION};
use bark_eq_dsp::{EqSettings, FftSize, NUM_BANDS};
use bark_eq_testkit::signals::white_noise;
use bark_eq_testkit::wav::write_float_wav;

/// A fresh directory for one test's files, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    /// `bark-match-<name>-<process id>` in the system's temporary directory.
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("bark-match-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temporary directory");
        Self(dir)
    }

    /// `name` inside the directory.
    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The editor with the Match panel open.
pub(super) fn fixture_with_panel() -> Fixture {
    let mut fixture = Fixture::without_analyzer();
    fixture.harness.get_by_label(matching::MATCH_LABEL).click();
    fixture.harness.run();
    fixture
}

/// The panel's one-line message (the label that starts with `start`), if shown.
fn message_starting_with(fixture: &Fixture, start: &str) -> Option<String> {
    fixture
        .harness
        .query_all(egui_kittest::kittest::by().role(Role::Label))
        .filter_map(|node| node.accesskit_node().value())
        .find(|text| text.starts_with(start))
}

/// A source and a reference that differ by a slope and a ripple.
fn profiles() -> MatchProfiles {
    let profile = |level: &dyn Fn(f32) -> f32| Profile {
        version: PROFILE_FORMAT_VERSION,
        sample_rate_hz: RATE_HZ,
        duration_s: 20.0,
        frames_kept: 2000,
        band_levels_db: std::array::from_fn(|band| level(band as f32)),
    };
    MatchProfiles {
        source: Some(profile(&|b| -30.0 + 0.4 * b)),
        reference: Some(profile(&|b| -28.0 - 0.3 * b + 2.0 * (b * 0.7).sin())),
    }
}

/// [`match_gains`] of the stored profiles with the panel's default options, at the engine's
/// layout and curve mode: what the panel must propose.
fn expected_match(fixture: &Fixture) -> MatchResult {
    let stored = fixture.params.match_profiles.get();
    let (source, reference) = stored.source.zip(stored.reference).expect("both stored");
    let (layout, rate) = matching::layout(&fixture.params, &fixture.status);
    let options = MatchOptions {
        curve_mode: fixture.params.curve.value().0,
        ..MatchOptions::default()
    };
    match_gains(
        &source,
        &Target::Reference(reference),
        &options,
        &layout,
        rate,
    )
    .expect("matches")
}

#[test]
fn match_apply_writes_the_match_gains_as_one_gesture_per_band() {
    let mut fixture = fixture_with_panel();
    fixture.params.match_profiles.store(profiles());
    fixture.harness.run();
    fixture.harness.get_by_label(matching::PANEL_TITLE);
    fixture.harness.get_by_label(matching::APPLY_LABEL).click();
    fixture.harness.run();

    let expected = expected_match(&fixture);
    let gains = fixture.band_gains();
    for (band, (gain, wanted)) in gains.iter().zip(expected.gains_db).enumerate() {
        assert!(
            (gain - wanted).abs() <= 0.051,
            "band {band}: {gain} vs {wanted}"
        );
    }
    assert!(expected.gains_db.iter().any(|g| g.abs() > 1.0));
    let calls = fixture.host.take_calls();
    assert_eq!(calls.len(), 3 * NUM_BANDS, "{calls:?}");
    for (band, gesture) in calls.chunks(3).enumerate() {
        assert_one_gesture(gesture, &format!("band_{}", band + 1));
    }
}

/// Waits for the reference being read and asserts it is `file`'s profile, exactly what the
/// CLI's reader gives at the engine's FFT size, and that the panel says so.
fn assert_loaded_as_the_cli_reads(fixture: &mut Fixture, file: &Path) {
    wait_for_reference(&mut fixture.harness);
    let expected = bark_eq_audio::read_profile(file, FftSize::default()).expect("readable");
    assert_eq!(
        fixture.params.match_profiles.get().reference,
        Some(expected)
    );
    assert!(message_starting_with(fixture, "Reference loaded: ").is_some());
}

#[test]
fn load_reference_analyses_an_audio_file_in_the_background_and_a_bad_file_changes_nothing() {
    let dir = TempDir::new("load");
    let mut fixture = fixture_with_panel();
    let before = Profile {
        version: PROFILE_FORMAT_VERSION,
        sample_rate_hz: RATE_HZ,
        duration_s: 7.0,
        frames_kept: 700,
        band_levels_db: [-40.0; NUM_BANDS],
    };
    fixture.params.match_profiles.store(MatchProfiles {
        source: None,
        reference: Some(before.clone()),
    });
    let (text, silent, noise) = (
        dir.join("notes.wav"),
        dir.join("silent.wav"),
        dir.join("noise.wav"),
    );
    std::fs::write(&text, "a text file with a .wav name").expect("write");
    write_float_wav(&silent, RATE_HZ as u32, &[vec![0.0; RATE_HZ as usize]]);
    let rate_hz = RATE_HZ as u32;
    write_float_wav(&noise, rate_hz, &white_noise(7, 2, 2 * rate_hz as usize));

    // Unreadable, not audio, silent: one line each, and the stored reference stays.
    for (path, reason) in [
        (dir.join("missing.flac"), "no such file"),
        (text, "not a supported audio file"),
        (silent, "the audio is silent"),
    ] {
        type_reference_path(&mut fixture.harness, &path);
        load_reference(&mut fixture.harness);
        let shown = format!("{}: ", path.display());
        let message = message_starting_with(&fixture, &shown).expect("an error is shown");
        assert!(message.contains(reason), "{message}");
        assert!(!message.contains('\n'), "{message}");
        assert_eq!(
            fixture.params.match_profiles.get().reference.as_ref(),
            Some(&before)
        );
    }

    // An audio file: "Analysing …" while the thread runs, then its profile,
    // exactly what the CLI's reader gives at the engine's FFT size.
    type_reference_path(&mut fixture.harness, &noise);
    fixture.harness.get_by_label(matching::LOAD_LABEL).click();
    fixture.harness.step();
    assert!(matching::loading(&fixture.harness.ctx));
    let analysing = format!("Analysing {}", noise.display());
    assert!(message_starting_with(&fixture, &analysing).is_some());
    assert_loaded_as_the_cli_reads(&mut fixture, &noise);
}

/// Dashes of the proposed curve in the last frame's shapes (the panel's own drawing of the
/// proposal is one solid line, so only the plot paints dashes in this colour).
fn proposal_dashes(fixture: &Fixture) -> usize {
    fixture
        .harness
        .output()
        .shapes
        .iter()
        .filter(|clipped| {
            matches!(&clipped.shape, egui::Shape::LineSegment { stroke, .. }
                if stroke.color == theme::PROPOSAL)
        })
        .count()
}

/// Asserts whether the plot shows the proposed match: the view's flag, the dashes and the
/// legend agree.
fn assert_proposal_shown(fixture: &Fixture, shown: bool) {
    assert_eq!(fixture.harness.state().proposal().is_some(), shown);
    assert_eq!(proposal_dashes(fixture) > 0, shown);
    let legend = fixture.harness.query_by_label(PROPOSAL_LABEL).is_some();
    assert_eq!(legend, shown);
}

#[test]
fn the_proposed_match_is_drawn_dashed_on_the_plot_until_apply_or_the_panel_closes() {
    let mut fixture = Fixture::without_analyzer();
    fixture.params.match_profiles.store(profiles());
    fixture.harness.run();
    assert_proposal_shown(&fixture, false);

    // Open: the curve the settings would have after Apply, not the current one.
    fixture.harness.get_by_label(matching::MATCH_LABEL).click();
    fixture.harness.run();
    assert_proposal_shown(&fixture, true);
    let wanted = expected_match(&fixture);
    let mut after_apply = ResponseCurve::default();
    let settings = EqSettings {
        band_gains_db: wanted.gains_db,
        ..fixture.params.settings()
    };
    after_apply.update(&settings, RATE_HZ);
    let view = fixture.harness.state();
    let proposal = view.proposal().expect("shown");
    assert_eq!(proposal.gains(), after_apply.gains());
    assert_ne!(proposal.gains(), view.curve().gains());

    // Apply: it is the curve now; a new amount proposes again; closing the panel hides it.
    fixture.harness.get_by_label(matching::APPLY_LABEL).click();
    fixture.harness.run();
    assert_proposal_shown(&fixture, false);
    fixture
        .harness
        .get(
            egui_kittest::kittest::by()
                .label("Amount %")
                .role(Role::Slider),
        )
        .set_value_accesskit(50.0);
    fixture.harness.run();
    assert_proposal_shown(&fixture, true);
    fixture.harness.get_by_label(matching::MATCH_LABEL).click();
    fixture.harness.run();
    assert_proposal_shown(&fixture, false);
}

/// The dialogs the panel asked for, each with the sender that answers it.
type Asked = Arc<Mutex<Vec<(PickRequest, PickSender)>>>;

/// Puts a stand-in for the system's file dialog in the panel: it records each request and
/// leaves the answer to the test, which sends it through the same channel the dialog's thread
/// uses.
fn stand_in_dialog(fixture: &mut Fixture) -> Asked {
    let asked = Asked::default();
    let record = asked.clone();
    let dialog = FileDialog::new(move |request, sender| {
        record.lock().expect("not poisoned").push((request, sender));
        Ok(())
    });
    matching::set_file_dialog(&fixture.harness.ctx, dialog);
    fixture.harness.run();
    asked
}

/// The one dialog asked for since the last call.
fn take_one(asked: &Asked) -> (PickRequest, PickSender) {
    let mut asked = asked.lock().expect("not poisoned");
    assert_eq!(asked.len(), 1, "one dialog");
    asked.pop().expect("one")
}

/// Answers a dialog from another thread, as the dialog's own thread does.
fn answer(sender: PickSender, picked: Option<PathBuf>) {
    std::thread::spawn(move || sender.send(picked))
        .join()
        .expect("answered");
}

/// The text in the panel's path field.
fn path_field(fixture: &Fixture) -> String {
    let field = fixture.harness.get_by_role(Role::TextInput);
    field.accesskit_node().value().unwrap_or_default()
}

/// Every label the editor shows, in order.
fn labels(fixture: &Fixture) -> Vec<String> {
    fixture
        .harness
        .query_all(egui_kittest::kittest::by().role(Role::Label))
        .filter_map(|node| node.accesskit_node().value())
        .collect()
}

/// Whether the panel's buttons wait for a dialog or a read: (**Load reference**, **Browse…**).
fn buttons_disabled(fixture: &Fixture) -> (bool, bool) {
    let disabled = |label| {
        let node = fixture.harness.get_by_label(label);
        node.accesskit_node().is_disabled()
    };
    (
        disabled(matching::LOAD_LABEL),
        disabled(matching::BROWSE_LABEL),
    )
}

#[test]
fn browse_opens_the_dialog_in_the_typed_paths_folder_and_loads_the_chosen_file() {
    let dir = TempDir::new("browse");
    let noise = dir.join("noise.wav");
    let rate_hz = RATE_HZ as u32;
    write_float_wav(&noise, rate_hz, &white_noise(11, 2, 2 * rate_hz as usize));
    let mut fixture = fixture_with_panel();
    let asked = stand_in_dialog(&mut fixture);
    type_reference_path(&mut fixture.harness, &dir.join("not-yet-there.flac"));

    // The dialog opens in the typed path's folder with the reference filters; while it is
    // open, both buttons wait and nothing loads.
    fixture.harness.get_by_label(matching::BROWSE_LABEL).click();
    fixture.harness.run();
    let (request, sender) = take_one(&asked);
    assert_eq!(request.title, reference::DIALOG_TITLE);
    assert_eq!(request.start_dir, Some(dir.0.clone()));
    assert_eq!(request.filters, reference_filters());
    let first = &request.filters[0].extensions;
    for extension in ["json", "wav", "flac", "mp3", "ogg", "aif", "aiff"] {
        assert!(first.contains(&extension), "{extension} in {first:?}");
    }
    assert_eq!(buttons_disabled(&fixture), (true, true));
    assert!(!matching::loading(&fixture.harness.ctx));

    // The chosen file fills the field and is read in the background, as if typed and loaded.
    answer(sender, Some(noise.clone()));
    fixture.harness.step();
    assert_eq!(path_field(&fixture), noise.display().to_string());
    assert!(matching::loading(&fixture.harness.ctx));
    assert_loaded_as_the_cli_reads(&mut fixture, &noise);
    assert_eq!(buttons_disabled(&fixture), (false, false));
}

#[test]
fn a_cancelled_failed_or_unavailable_dialog_changes_nothing_but_the_failures_say_so() {
    let mut fixture = fixture_with_panel();
    fixture.params.match_profiles.store(profiles());
    let asked = stand_in_dialog(&mut fixture);
    let typed = PathBuf::from("typed/by/hand.json");
    type_reference_path(&mut fixture.harness, &typed);
    let unchanged = |fixture: &Fixture| {
        assert_eq!(path_field(fixture), typed.display().to_string());
        assert_eq!(fixture.params.match_profiles.get(), profiles());
        assert!(!matching::loading(&fixture.harness.ctx));
        assert_eq!(buttons_disabled(fixture), (false, false));
    };

    // Cancelled: the same labels as before, no read, the field as typed (its folder does not
    // exist, so the dialog opened where the system chose).
    let before = labels(&fixture);
    fixture.harness.get_by_label(matching::BROWSE_LABEL).click();
    fixture.harness.run();
    let (request, sender) = take_one(&asked);
    assert_eq!(request.start_dir, None);
    answer(sender, None);
    fixture.harness.run();
    unchanged(&fixture);
    assert_eq!(labels(&fixture), before);

    // The dialog's thread ended without an answer: one line says so.
    fixture.harness.get_by_label(matching::BROWSE_LABEL).click();
    fixture.harness.run();
    drop(take_one(&asked));
    fixture.harness.run();
    unchanged(&fixture);
    let failed = message_starting_with(&fixture, "The file dialog failed").expect("said");
    assert!(failed.contains("type the path"), "{failed}");

    // No dialog could be shown at all: its one line, and nothing else.
    matching::set_file_dialog(
        &fixture.harness.ctx,
        FileDialog::new(|_, _| Err("cannot open the file dialog (no display)".into())),
    );
    fixture.harness.get_by_label(matching::BROWSE_LABEL).click();
    fixture.harness.run();
    unchanged(&fixture);
    assert!(message_starting_with(&fixture, "cannot open the file dialog").is_some());
}
