//! Headless tests of the Bark Match panel (docs/DESIGN.md#bark-match): **Load reference**
//! reads an audio file in the background the way `bark-eq match --reference` does.

use std::path::{Path, PathBuf};

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};

use super::matching;
use super::tests::{Fixture, RATE_HZ};
use crate::learn::MatchProfiles;
use bark_eq_dsp::profile::{Profile, PROFILE_FORMAT_VERSION};
use bark_eq_dsp::FftSize;
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

/// Replaces the panel's reference path by `path`, as typed.
pub(super) fn type_reference_path(fixture: &mut Fixture, path: &Path) {
    fixture
        .harness
        .get_by_role(Role::TextInput)
        .set_text_value_accesskit(&path.display().to_string());
    fixture.harness.run();
}

/// The panel's one-line message (the label that starts with `start`), if shown.
fn message_starting_with(fixture: &Fixture, start: &str) -> Option<String> {
    fixture
        .harness
        .query_all(egui_kittest::kittest::by().role(Role::Label))
        .filter_map(|node| node.accesskit_node().value())
        .find(|text| text.starts_with(start))
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
        band_levels_db: [-40.0; bark_eq_dsp::NUM_BANDS],
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
        type_reference_path(&mut fixture, &path);
        fixture.load_reference();
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
    type_reference_path(&mut fixture, &noise);
    fixture.harness.get_by_label(matching::LOAD_LABEL).click();
    fixture.harness.step();
    assert!(matching::loading(&fixture.harness.ctx));
    let analysing = format!("Analysing {}", noise.display());
    assert!(message_starting_with(&fixture, &analysing).is_some());
    fixture.wait_for_reference();
    let expected = bark_eq_audio::read_profile(&noise, FftSize::default()).expect("noise");
    assert_eq!(
        fixture.params.match_profiles.get().reference,
        Some(expected)
    );
    assert!(message_starting_with(&fixture, "Reference loaded: ").is_some());
}
