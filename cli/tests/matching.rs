//! `bark-eq match` end to end: the three-command workflow (analyze a reference, match,
//! render) lands on the reference; a file matched to itself needs nothing; the amount scales;
//! bad input is one clear line and writes nothing; the plugin's Match panel gives the same
//! gains for the same audio.

#[allow(unused_imports)]
mod common;

use std::path::Path;

use bark_eq_dsp::profile::Profile;
use bark_eq_dsp::NUM_BANDS;
use bark_eq_testkit::music;
use common::*;
use serde_json::Value;

/// Seconds of generated music in the test files.
const SECONDS: f32 = 10.0;
/// The colour that makes the reference: band gains in dB, 4–5 dB RMS from the source.
const COLOUR: &str = "0,1,2,3,3,2,0,-3,-5,-6,-6,-5,-3,0,3,6,8,8,7,5,2,-1,-3,-4,-4";

/// Largest difference between the gains of `bark-eq match` and the Match panel's proposal.
/// Both run the same code on the same numbers: the source profile reaches the panel through
/// the JSON of `bark-eq analyze` (f32 values written so that they read back exactly), the
/// reference through the same `bark_eq_audio::read_profile` at the same FFT size and rate, then
/// the same `match_gains` with the same options. So they agree to the last bit; 0.01 dB leaves
/// room for nothing but number formatting and is a tenth of the parameters' step.
const SAME_GAINS_DB: f64 = 0.01;

/// Writes the source (generated music) and the reference (the music coloured by `COLOUR`).
fn source_and_reference(dir: &Path) {
    write_float_wav(
        &dir.join("source.wav"),
        RATE_HZ,
        &music(9, RATE_HZ, SECONDS),
    );
    run_ok(
        dir,
        &[
            "render",
            "source.wav",
            "-o",
            "reference.wav",
            "--gains",
            COLOUR,
        ],
    );
}

/// The `--json -` report of `bark-eq match` with `args`.
fn report(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["match"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--json", "-"]);
    let output = run_ok(dir, &all);
    serde_json::from_str(&stdout(&output)).expect("the report is JSON")
}

/// The 25 gains of a report.
fn gains(report: &Value) -> Vec<f64> {
    report["gains_db"]
        .as_array()
        .expect("gains")
        .iter()
        .map(|g| g.as_f64().expect("number"))
        .collect()
}

/// The profile in an analysis JSON file.
fn profile_in(path: &Path) -> Profile {
    Profile::from_json(&std::fs::read_to_string(path).expect("read")).expect("a valid profile")
}

/// RMS of `a − b` over bands 2–24, the mean removed.
fn rms_distance_db(a: &Profile, b: &Profile) -> f32 {
    let diffs: Vec<f32> = (1..NUM_BANDS - 1)
        .map(|band| a.band_levels_db[band] - b.band_levels_db[band])
        .collect();
    let mean = diffs.iter().sum::<f32>() / diffs.len() as f32;
    (diffs.iter().map(|d| (d - mean).powi(2)).sum::<f32>() / diffs.len() as f32).sqrt()
}

#[test]
fn analyze_match_render_brings_music_to_its_reference() {
    let dir = temp_dir();
    let dir = dir.path();
    source_and_reference(dir);
    run_ok(
        dir,
        &["analyze", "reference.wav", "--json", "reference.json"],
    );
    run_ok(dir, &["analyze", "source.wav", "--json", "source.json"]);
    let reference = profile_in(&dir.join("reference.json"));
    let start = rms_distance_db(&profile_in(&dir.join("source.json")), &reference);
    assert!(start > 4.0, "start {start} dB RMS");
    let output = run_ok(
        dir,
        &[
            "match",
            "source.wav",
            "--reference",
            "reference.json",
            "--save-preset",
            "match.json",
        ],
    );
    assert!(stdout(&output).contains("17.6 kHz"), "{}", stdout(&output));
    run_ok(
        dir,
        &[
            "render",
            "source.wav",
            "-o",
            "matched.wav",
            "--preset",
            "match.json",
        ],
    );
    run_ok(dir, &["analyze", "matched.wav", "--json", "matched.json"]);
    let after = rms_distance_db(&profile_in(&dir.join("matched.json")), &reference);
    eprintln!("bark-eq match: {start:.2} -> {after:.3} dB RMS from the reference");
    assert!(after <= 0.6, "from {start} to {after} dB RMS");
    // `-o` renders in the same run, with the same result.
    run_ok(
        dir,
        &[
            "match",
            "source.wav",
            "--reference",
            "reference.wav",
            "-o",
            "same-run.wav",
        ],
    );
    let (_, matched) = read_wav(&dir.join("matched.wav"));
    let (_, same_run) = read_wav(&dir.join("same-run.wav"));
    assert!(max_abs_diff(&matched[0], &same_run[0]) < 1e-4);
}

#[test]
fn a_file_matched_to_itself_needs_no_gain_and_the_amount_scales() {
    let dir = temp_dir();
    let dir = dir.path();
    source_and_reference(dir);
    let own = gains(&report(dir, &["source.wav", "--reference", "source.wav"]));
    assert!(own.iter().all(|g| g.abs() <= 0.05), "{own:?}");
    for curve in ["smooth", "bands"] {
        let with = |amount: &str| {
            gains(&report(
                dir,
                &[
                    "source.wav",
                    "--reference",
                    "reference.wav",
                    "--curve",
                    curve,
                    "--amount",
                    amount,
                ],
            ))
        };
        let (full, half, negated) = (with("100"), with("50"), with("-100"));
        for band in 0..NUM_BANDS {
            assert!(
                (half[band] - full[band] / 2.0).abs() <= 0.05,
                "{curve} band {band}"
            );
            assert!(
                (negated[band] + full[band]).abs() <= 0.05,
                "{curve} band {band}"
            );
        }
    }
    let ranged = gains(&report(
        dir,
        &[
            "source.wav",
            "--target",
            "pink",
            "--bands",
            "2-24",
            "--smoothing",
            "1",
        ],
    ));
    assert_eq!((ranged[0], ranged[24]), (0.0, 0.0));
    assert!(ranged[1..24].iter().any(|g| g.abs() > 0.5), "{ranged:?}");
}

#[test]
fn bad_input_is_one_line_and_writes_nothing() {
    let dir = temp_dir();
    let dir = dir.path();
    write_float_wav(&dir.join("source.wav"), RATE_HZ, &music(9, RATE_HZ, 2.0));
    write_float_wav(
        &dir.join("silent.wav"),
        RATE_HZ,
        &[vec![0.0; RATE_HZ as usize]],
    );
    run_ok(dir, &["analyze", "source.wav", "--json", "good.json"]);
    let good = std::fs::read_to_string(dir.join("good.json")).expect("read");
    std::fs::write(
        dir.join("v2.json"),
        good.replace("\"version\": 1", "\"version\": 2"),
    )
    .expect("write");
    let mut short: Value = serde_json::from_str(&good).expect("JSON");
    short["band_levels_db"].as_array_mut().expect("list").pop();
    std::fs::write(dir.join("short.json"), short.to_string()).expect("write");
    let cases: [(&[&str], &str); 5] = [
        (
            &["source.wav", "--reference", "missing.wav"],
            "no such file",
        ),
        (
            &["source.wav", "--reference", "missing.json"],
            "missing.json",
        ),
        (&["source.wav", "--reference", "v2.json"], "version 2"),
        (
            &["source.wav", "--reference", "short.json"],
            "24 band levels",
        ),
        (&["silent.wav", "--target", "pink"], "silent"),
    ];
    for (args, expected) in cases {
        let mut all = vec!["match"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--save-preset", "out.json", "-o", "out.wav"]);
        let output = run_in(dir, &all);
        let message = stderr(&output);
        assert!(!output.status.success(), "{args:?} succeeded");
        assert_eq!(message.trim().lines().count(), 1, "{args:?}: {message}");
        assert!(message.contains(expected), "{args:?}: {message}");
        assert!(!dir.join("out.json").exists() && !dir.join("out.wav").exists());
    }
}

#[test]
fn the_match_panel_and_bark_eq_match_give_the_same_gains_for_the_same_audio() {
    use std::sync::Arc;

    use bark_eq::editor::test_host::egui_kittest::kittest::Queryable;
    use bark_eq::editor::test_host::{
        editor_harness, load_reference, type_reference_path, RecordingHost,
    };
    use bark_eq::editor::{matching, EditorView};
    use bark_eq::learn::MatchProfiles;
    use bark_eq::params::BarkEqParams;
    use bark_eq::status::EngineStatus;
    use bark_eq::LatencySettings;
    use bark_eq_dsp::schema::GAIN_STEP_DB;

    let dir = temp_dir();
    let dir = dir.path();
    source_and_reference(dir);
    let cli = gains(&report(
        dir,
        &["source.wav", "--reference", "reference.wav"],
    ));
    run_ok(dir, &["analyze", "source.wav", "--json", "source.json"]);

    // The plugin at the CLI's defaults (48 kHz, FFT 4096, Smooth, amount 100 %): the source as
    // `bark-eq analyze` wrote it, the reference loaded from the audio file in the panel.
    let params = Arc::new(BarkEqParams::default());
    let host = Arc::new(RecordingHost::new(params.clone()));
    let status = Arc::new(EngineStatus::default());
    let latency_samples = 4096;
    status.set(
        RATE_HZ as f32,
        latency_samples,
        LatencySettings::default(),
        2,
    );
    params.match_profiles.store(MatchProfiles {
        source: Some(profile_in(&dir.join("source.json"))),
        reference: None,
    });
    let mut harness = editor_harness(params.clone(), host, status, EditorView::new(None));
    harness.run();
    harness.get_by_label(matching::MATCH_LABEL).click();
    harness.run();
    type_reference_path(&mut harness, &dir.join("reference.wav"));
    load_reference(&mut harness);
    let proposed = harness.state().proposal_gains().expect("a proposal");
    let largest = proposed
        .iter()
        .zip(&cli)
        .map(|(&panel, &cli)| (f64::from(panel) - cli).abs())
        .fold(0.0, f64::max);
    eprintln!("Match panel vs bark-eq match: {largest:.6} dB at most");
    assert!(largest <= SAME_GAINS_DB, "panel {proposed:?}\nCLI {cli:?}");
    assert!(cli.iter().any(|g| g.abs() > 3.0), "{cli:?}");

    // Apply writes them, each rounded to the parameter's step.
    harness.get_by_label(matching::APPLY_LABEL).click();
    harness.run();
    let applied = params.settings().band_gains_db;
    let rounding_db = f64::from(GAIN_STEP_DB) / 2.0 + SAME_GAINS_DB;
    for (band, (&applied, &cli)) in applied.iter().zip(&cli).enumerate() {
        let difference = (f64::from(applied) - cli).abs();
        assert!(
            difference <= rounding_db,
            "band {}: applied {applied} vs CLI {cli}",
            band + 1
        );
    }
}
