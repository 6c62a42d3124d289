//! Headless tests of the Bark Match panel (docs/DESIGN.md#bark-match): **Load reference**
//! reads an audio file in the background the way `bark-eq match --reference` does, and the
//! plot shows the proposed curve until it is applied or the panel closes.

use std::path::PathBuf;

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};

use super::plot::PROPOSAL_LABEL;
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
    wait_for_reference(&mut fixture.harness);
    let expected = bark_eq_audio::read_profile(&noise, FftSize::default()).expect("noise");
    assert_eq!(
        fixture.params.match_profiles.get().reference,
        Some(expected)
    );
    assert!(message_starting_with(&fixture, "Reference loaded: ").is_some());
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
