//! The phase mode and the mixing controls on the command line (docs/DESIGN.md#mixing-controls):
//! `--phase zero`, `--stereo`, `--delta`, `--auto-gain`, and presets that carry them.

mod common;

use common::*;

/// Writes a stereo file of a 997 Hz sine left and noise right; returns both channels.
fn stereo_input(dir: &std::path::Path) -> Vec<Vec<f32>> {
    let len = samples_in(2.0, RATE_HZ);
    let channels = vec![
        sine(SINE_HZ, RATE_HZ, 0.25, len),
        scaled(mono_white_noise(9, len), 0.2),
    ];
    write_float_wav(&dir.join("in.wav"), RATE_HZ, &channels);
    channels
}

#[test]
fn zero_latency_boosts_band_9_by_six_db_with_the_output_aligned() {
    let dir = temp_dir();
    let input = stereo_input(dir.path());
    run_ok(
        dir.path(),
        &[
            "render", "in.wav", "-o", "out.wav", "--phase", "zero", "--band", "9=+6",
        ],
    );
    let (_, output) = read_wav(&dir.path().join("out.wav"));
    let gain_db = middle_rms_db(&output[0]) - middle_rms_db(&input[0]);
    assert!((gain_db - 6.0).abs() <= 0.5, "{gain_db:.2} dB");
    // The noise channel: a minimum-phase boost keeps its peak at lag 0.
    assert_eq!(
        best_lag(&input[1], &output[1], 64),
        0,
        "no latency to compensate"
    );
}

#[test]
fn stereo_left_leaves_the_right_channel_and_delta_of_a_flat_curve_is_silence() {
    let dir = temp_dir();
    let input = stereo_input(dir.path());
    run_ok(
        dir.path(),
        &[
            "render", "in.wav", "-o", "left.wav", "--stereo", "left", "--band", "9=+6",
        ],
    );
    let (_, output) = read_wav(&dir.path().join("left.wav"));
    assert!(
        max_abs_diff(&output[1], &input[1]) < 1e-6,
        "right untouched"
    );
    let gain_db = middle_rms_db(&output[0]) - middle_rms_db(&input[0]);
    assert!(gain_db > 5.0, "left boosted: {gain_db:.2} dB");

    run_ok(
        dir.path(),
        &["render", "in.wav", "-o", "delta.wav", "--delta"],
    );
    let (_, delta) = read_wav(&dir.path().join("delta.wav"));
    let loudest = delta.iter().flatten().fold(0.0f32, |m, x| m.max(x.abs()));
    assert!(loudest < 1e-5, "flat delta: {loudest:e}");
}

#[test]
fn presets_carry_the_new_settings_and_bad_values_are_usage_errors() {
    let dir = temp_dir();
    let preset = run_ok(
        dir.path(),
        &[
            "preset",
            "--phase",
            "zero",
            "--stereo",
            "mid",
            "--auto-gain",
            "--delta",
        ],
    );
    let text = stdout(&preset);
    for line in [
        "\"phase\": \"zero_latency\"",
        "\"stereo\": \"mid\"",
        "\"auto_gain\": true",
        "\"delta\": true",
    ] {
        assert!(text.contains(line), "{line} missing from {text}");
    }
    let bad = run_in(dir.path(), &["preset", "--stereo", "centre"]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("--stereo"), "{}", stderr(&bad));
}
