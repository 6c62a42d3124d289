//! Parallel batches give exactly the single-file results; presets and options layer in order.

mod common;

use common::*;

#[test]
fn eight_files_with_two_jobs_match_single_renders_bit_for_bit() {
    let dir = temp_dir();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    let mut names = Vec::new();
    for i in 0..8u64 {
        // Mixed layouts, rates and lengths, so every file's work differs.
        let num_channels = 1 + (i % 3) as usize;
        let rate = if i % 2 == 0 { 48_000 } else { 44_100 };
        let frames = rate as usize / 4 + 1_000 * i as usize;
        let channels: Vec<Vec<f32>> = (0..num_channels)
            .map(|c| scaled(mono_white_noise(i * 10 + c as u64, frames), 0.8))
            .collect();
        let name = format!("track{i}.wav");
        write_float_wav(&inputs.join(&name), rate, &channels);
        names.push(name);
    }
    let eq = [
        "--band",
        "9=+6",
        "--band",
        "2=-4",
        "--band",
        "20=+3",
        "--fft-size",
        "2048",
    ];
    for bits in ["32", "16"] {
        let batch_dir = format!("batch{bits}");
        let mut args: Vec<String> = vec!["render".into()];
        args.extend(names.iter().map(|n| arg(&inputs, n)));
        args.extend(["-o", &batch_dir, "--jobs", "2", "--bits", bits].map(String::from));
        args.extend(eq.map(String::from));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run_ok(dir.path(), &args);
        for name in &names {
            let single = format!("single{bits}-{name}");
            let mut args = vec!["render", &arg(&inputs, name)]
                .into_iter()
                .map(String::from)
                .collect::<Vec<_>>();
            args.extend(["-o", &single, "--jobs", "1", "--bits", bits].map(String::from));
            args.extend(eq.map(String::from));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            run_ok(dir.path(), &args);
            let from_batch = std::fs::read(dir.path().join(&batch_dir).join(name)).unwrap();
            let alone = std::fs::read(dir.path().join(&single)).unwrap();
            assert!(
                from_batch == alone,
                "{bits}-bit {name}: batch and single renders differ"
            );
        }
    }
}

#[test]
fn preset_template_round_trips_and_later_options_win() {
    let dir = temp_dir();
    write_float_wav(
        &dir.path().join("in.wav"),
        RATE_HZ,
        &[scaled(mono_white_noise(1, RATE_HZ as usize), 0.6)],
    );
    // The template is flat; a printed preset reproduces the options it was made from.
    let template = stdout(&run_ok(dir.path(), &["preset"]));
    assert!(template.contains("\"band_1\": 0") && template.contains("\"band_25\": 0"));
    assert!(template.contains("\"curve\": \"smooth\"") && template.contains("\"fft_size\": 4096"));
    let options = [
        "--band",
        "9=+6",
        "--output-gain",
        "-2",
        "--curve",
        "bands",
        "--fft-size",
        "1024",
    ];
    let mut args = vec!["preset"];
    args.extend(options);
    let preset = stdout(&run_ok(dir.path(), &args));
    std::fs::write(dir.path().join("p.json"), preset).unwrap();
    let mut args = vec!["render", "in.wav", "-o", "direct.wav"];
    args.extend(options);
    run_ok(dir.path(), &args);
    run_ok(
        dir.path(),
        &["render", "in.wav", "-o", "preset.wav", "--preset", "p.json"],
    );
    let read = |name: &str| std::fs::read(dir.path().join(name)).unwrap();
    assert!(read("direct.wav") == read("preset.wav"));
    // preset < --gains < --band: the preset's band 9 and the list's band 9 are overridden.
    let mut gains = vec!["0"; 25];
    gains[8] = "-12";
    let gains = gains.join(",");
    run_ok(
        dir.path(),
        &[
            "render",
            "in.wav",
            "-o",
            "layered.wav",
            "--preset",
            "p.json",
            "--gains",
            &gains,
            "--band",
            "9=+6",
        ],
    );
    assert!(read("layered.wav") == read("preset.wav"));
}

#[test]
fn analyze_reports_a_sine_in_its_band() {
    let dir = temp_dir();
    // Peak 0.5: mean square 0.125, -9.03 dB, all of it in band 9 (920-1080 Hz). Short fades
    // keep the on- and offset from spreading energy into other bands.
    let mut signal = sine(SINE_HZ, RATE_HZ, 0.5, samples_in(2.0, RATE_HZ));
    let fade = 2_400;
    let len = signal.len();
    for i in 0..fade {
        let ramp = (0.5 - 0.5 * (std::f32::consts::PI * i as f32 / fade as f32).cos()).sqrt();
        signal[i] *= ramp;
        signal[len - 1 - i] *= ramp;
    }
    write_float_wav(&dir.path().join("sine.wav"), RATE_HZ, &[signal]);
    let output = run_ok(dir.path(), &["analyze", "sine.wav", "--json", "bands.json"]);
    let table = stdout(&output);
    assert!(
        table.contains("997 Hz") && table.contains("total"),
        "{table}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("bands.json")).unwrap()).unwrap();
    let bands = json["bands"].as_array().unwrap();
    assert_eq!(bands.len(), 25);
    let energy = |band: usize| {
        bands[band]["energy_db"]
            .as_f64()
            .unwrap_or(f64::NEG_INFINITY)
    };
    // The fades remove 2 × 25 ms × half the power: 0.11 dB of 2 s.
    assert!((energy(8) + 9.14).abs() < 0.05, "band 9: {}", energy(8));
    assert!((json["total_db"].as_f64().unwrap() + 9.14).abs() < 0.05);
    for band in (0..25).filter(|&b| b != 7 && b != 8 && b != 9) {
        assert!(
            energy(band) < energy(8) - 60.0,
            "band {}: {}",
            band + 1,
            energy(band)
        );
    }
    assert_eq!(bands[8]["id"], "band_9");
    assert_eq!(json["sample_rate_hz"], 48_000);
}

#[test]
fn demo_writes_both_files_and_shows_the_change() {
    let dir = temp_dir();
    let output = run_ok(dir.path(), &["demo", "-o", "demo", "--band", "9=+12"]);
    let report = stdout(&output);
    let (_, input) = read_wav(&dir.path().join("demo/demo-input.wav"));
    let (_, processed) = read_wav(&dir.path().join("demo/demo-output.wav"));
    assert_eq!(input[0].len(), processed[0].len());
    // Band 9's line shows the setting and a measured change close to it.
    let line = report.lines().find(|l| l.contains("997 Hz")).unwrap();
    let numbers: Vec<f64> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let (set, measured) = (numbers[numbers.len() - 2], numbers[numbers.len() - 1]);
    assert_eq!(set, 12.0, "{line}");
    assert!(measured > 9.0 && measured <= 12.5, "{line}");
    // A second run refuses to overwrite without --force (and fails before any work).
    let before = std::fs::read(dir.path().join("demo/demo-output.wav")).unwrap();
    let again = run_in(dir.path(), &["demo", "-o", "demo"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already exists"));
    assert!(std::fs::read(dir.path().join("demo/demo-output.wav")).unwrap() == before);
    assert_eq!(
        list_dir(&dir.path().join("demo")),
        ["demo-input.wav", "demo-output.wav"]
    );
}

/// Writes `long.wav` in `dir`: `frames` of stereo float white noise at half scale, from seeds
/// `seed` and `seed + 1`.
fn write_long_noise(dir: &std::path::Path, frames: usize, seed: u64) {
    let channels = vec![
        scaled(mono_white_noise(seed, frames), 0.5),
        scaled(mono_white_noise(seed + 1, frames), 0.5),
    ];
    write_float_wav(&dir.join("long.wav"), RATE_HZ, &channels);
}

#[test]
fn one_long_file_renders_the_same_bytes_with_any_number_of_jobs() {
    let dir = temp_dir();
    // 20 s: five segments of at least 4 s, so two and three threads all get work.
    write_long_noise(dir.path(), 20 * RATE_HZ as usize + 999, 3);
    let mut renders = Vec::new();
    for jobs in ["1", "2", "3"] {
        for fft in ["1024", "16384"] {
            let out = format!("out-{jobs}-{fft}.wav");
            run_ok(
                dir.path(),
                &[
                    "render",
                    "long.wav",
                    "-o",
                    &out,
                    "--band",
                    "9=+6",
                    "--band",
                    "2=-4",
                    "--fft-size",
                    fft,
                    "--jobs",
                    jobs,
                    "--bits",
                    "16",
                ],
            );
            renders.push((jobs, fft, std::fs::read(dir.path().join(&out)).unwrap()));
        }
    }
    for (jobs, fft, bytes) in &renders {
        let (_, _, sequential) = renders
            .iter()
            .find(|(j, f, _)| *j == "1" && f == fft)
            .unwrap();
        assert!(
            bytes == sequential,
            "--jobs {jobs} at FFT {fft} differs from --jobs 1"
        );
    }
}

#[test]
fn zero_latency_renders_one_long_file_in_one_pass_whatever_the_jobs() {
    // An IIR filter's output depends on all input before it, so no segment could be restarted
    // exactly: Zero latency renders are never split, and --jobs changes nothing.
    let dir = temp_dir();
    write_long_noise(dir.path(), 12 * RATE_HZ as usize + 999, 5);
    let mut renders = Vec::new();
    for jobs in ["1", "2", "3"] {
        let out = format!("zero-{jobs}.wav");
        run_ok(
            dir.path(),
            &[
                "render", "long.wav", "-o", &out, "--phase", "zero", "--band", "9=+6", "--jobs",
                jobs,
            ],
        );
        renders.push(std::fs::read(dir.path().join(&out)).unwrap());
    }
    assert!(renders[1] == renders[0], "--jobs 2 differs from --jobs 1");
    assert!(renders[2] == renders[0], "--jobs 3 differs from --jobs 1");
}
