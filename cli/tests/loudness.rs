//! `render --report`, `--json` and `--match-loudness`: EBU Tech 3341 readings, and outputs
//! matched to their input's loudness within ±0.1 LU.

// Not every helper of the shared test module is used here.
#[allow(unused_imports)]
mod common;

use std::path::Path;

use bark_eq_testkit::pink_noise;
use common::*;
use ebur128::{EbuR128, Mode};

/// Integrated loudness of a WAV file in LUFS, measured here (not by bark-eq).
fn integrated_lufs(path: &Path) -> f64 {
    let (spec, planes) = read_wav(path);
    let mut meter = EbuR128::new(planes.len() as u32, spec.sample_rate, Mode::I).unwrap();
    let views: Vec<&[f32]> = planes.iter().map(Vec::as_slice).collect();
    meter.add_frames_planar_f32(&views).unwrap();
    meter.loudness_global().unwrap()
}

/// Runs `render` with `--json -` and returns the one file's report.
fn json_report(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut full = vec!["render"];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--json", "-", "-q"]);
    let run = run_ok(dir, &full);
    let reports: serde_json::Value = serde_json::from_str(&stdout(&run)).expect("JSON on stdout");
    assert_eq!(reports.as_array().map(Vec::len), Some(1));
    reports[0].clone()
}

/// A number from the report.
fn number(report: &serde_json::Value, pointer: &str) -> f64 {
    report
        .pointer(pointer)
        .and_then(|v| v.as_f64())
        .unwrap_or_else(|| panic!("{pointer} in {report}"))
}

#[test]
fn a_1_khz_sine_at_minus_23_dbfs_per_channel_reports_minus_23_lufs() {
    let dir = temp_dir();
    // EBU Tech 3341 test 1: 1 kHz, -23 dBFS in both channels of a stereo file.
    let peak = 10f32.powf(-23.0 / 20.0);
    let tone = sine(1000.0, RATE_HZ, peak, samples_in(20.0, RATE_HZ));
    write_float_wav(&dir.path().join("tone.wav"), RATE_HZ, &[tone.clone(), tone]);
    let report = json_report(dir.path(), &["tone.wav", "-o", "out.wav"]);
    for side in ["input_loudness", "output_loudness"] {
        let lufs = number(&report, &format!("/{side}/integrated_lufs"));
        assert!((lufs + 23.0).abs() <= 0.1, "{side}: {lufs:.2} LUFS");
        let peak_dbtp = number(&report, &format!("/{side}/true_peak_dbtp"));
        assert!(
            (peak_dbtp + 23.0).abs() <= 0.2,
            "{side}: {peak_dbtp:.2} dBTP"
        );
    }
    assert_eq!(report["bands"].as_array().map(Vec::len), Some(25));
    // The table names both loudnesses.
    let table = stdout(&run_ok(
        dir.path(),
        &[
            "render",
            "tone.wav",
            "-o",
            "again.wav",
            "--report",
            "--band",
            "9=+6",
        ],
    ));
    assert!(
        table.contains("input") && table.contains("-23.0 LUFS"),
        "{table}"
    );
    assert!(table.contains("+6.0"), "{table}");
}

#[test]
fn match_loudness_makes_the_output_as_loud_as_the_input() {
    let dir = temp_dir();
    let frames = samples_in(15.0, RATE_HZ);
    let noise = vec![pink_noise(1, 0.1, frames), pink_noise(2, 0.1, frames)];
    write_float_wav(&dir.path().join("pink.wav"), RATE_HZ, &noise);
    for (name, bands) in [
        ("presence", ["9=+12", "14=+9", "3=-6"]),
        ("dull", ["20=-12", "22=-12", "24=-12"]),
    ] {
        let out = format!("{name}.wav");
        let mut args = vec!["pink.wav", "-o", &out, "--match-loudness", "--jobs", "2"];
        for band in &bands {
            args.extend_from_slice(&["--band", band]);
        }
        let report = json_report(dir.path(), &args);
        let before = integrated_lufs(&dir.path().join("pink.wav"));
        let after = integrated_lufs(&dir.path().join(&out));
        assert!(
            (after - before).abs() <= 0.1,
            "{name}: {before:.2} -> {after:.2} LUFS"
        );
        let reported = number(&report, "/loudness_change_lu");
        assert!(
            reported.abs() <= 0.1,
            "{name}: reported change {reported:.2} LU"
        );
        let gain_db = number(&report, "/output_gain_db");
        assert!(
            gain_db.abs() > 1.0,
            "{name}: the gain moved ({gain_db:+.2} dB)"
        );
    }
}

#[test]
fn match_loudness_warns_when_the_true_peak_exceeds_minus_1_dbtp() {
    let dir = temp_dir();
    let tone = sine(SINE_HZ, RATE_HZ, 0.95, samples_in(5.0, RATE_HZ));
    write_float_wav(&dir.path().join("loud.wav"), RATE_HZ, &[tone]);
    // Cutting the band and matching the loudness gives back the level, and the peak.
    let run = run_ok(
        dir.path(),
        &[
            "render",
            "loud.wav",
            "-o",
            "out.wav",
            "--band",
            "9=-6",
            "--match-loudness",
        ],
    );
    let messages = stderr(&run);
    assert!(
        messages.contains("warning") && messages.contains("above -1 dBTP"),
        "{messages}"
    );
    // A quiet file gets no warning.
    let quiet = sine(SINE_HZ, RATE_HZ, 0.1, samples_in(5.0, RATE_HZ));
    write_float_wav(&dir.path().join("quiet.wav"), RATE_HZ, &[quiet]);
    let run = run_ok(
        dir.path(),
        &[
            "render",
            "quiet.wav",
            "-o",
            "q.wav",
            "--band",
            "9=-6",
            "--match-loudness",
        ],
    );
    assert!(!stderr(&run).contains("warning"), "{}", stderr(&run));
}
