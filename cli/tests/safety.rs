//! Bad inputs, unsafe outputs and interrupts: a clear error per file, nothing else touched,
//! the rest of the batch rendered.

mod common;

use std::path::Path;

use common::*;

/// Snapshot of a directory: every file's name and bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    list_dir(dir)
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(dir.join(&name)).unwrap_or_default();
            (name, bytes)
        })
        .collect()
}

/// A short valid WAV named `name` in `dir`.
fn good_wav(dir: &Path, name: &str) {
    write_float_wav(
        &dir.join(name),
        RATE_HZ,
        &[sine(SINE_HZ, RATE_HZ, 0.2, samples_in(0.5, RATE_HZ))],
    );
}

/// The stderr line reporting `name`.
fn error_line<'a>(stderr: &'a str, name: &str) -> &'a str {
    stderr
        .lines()
        .find(|l| l.starts_with("error:") && l.contains(name))
        .unwrap_or_else(|| panic!("no error line for {name} in:\n{stderr}"))
}

#[test]
fn bad_inputs_fail_one_by_one_and_the_batch_still_renders() {
    let dir = temp_dir();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    good_wav(&inputs, "good.wav");
    std::fs::write(inputs.join("empty.wav"), b"").unwrap();
    let random: Vec<u8> = scaled(mono_white_noise(5, 4096), 2.0)
        .iter()
        .map(|&x| (x * 127.0) as i8 as u8)
        .collect();
    std::fs::write(inputs.join("random.wav"), random).unwrap();
    let whole = std::fs::read(inputs.join("good.wav")).unwrap();
    std::fs::write(inputs.join("truncated.wav"), &whole[..whole.len() / 2 + 1]).unwrap();
    std::fs::create_dir(inputs.join("folder.wav")).unwrap();
    good_wav(&inputs, "also-good.wav");
    let before = snapshot(&inputs);

    let names = [
        "good.wav",
        "empty.wav",
        "random.wav",
        "truncated.wav",
        "folder.wav",
        "also-good.wav",
    ];
    let mut args = vec!["render".to_string()];
    args.extend(names.iter().map(|n| arg(&inputs, n)));
    args.extend([
        "-o".into(),
        arg(dir.path(), "out"),
        "--fft-size".into(),
        "1024".into(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run_in(dir.path(), &args);

    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr(&output);
    assert!(error_line(&stderr, "empty.wav").contains("file is empty"));
    assert!(error_line(&stderr, "random.wav").contains("not a supported audio file"));
    assert!(error_line(&stderr, "truncated.wav").contains("truncated"));
    assert!(error_line(&stderr, "folder.wav").contains("is a directory"));
    assert!(
        stderr.contains("4 of 6 files failed (2 rendered)"),
        "{stderr}"
    );
    // The good files rendered, nothing else appeared, the inputs are untouched.
    assert_eq!(
        list_dir(&dir.path().join("out")),
        ["also-good.wav", "good.wav"]
    );
    assert_eq!(snapshot(&inputs), before);
}

#[test]
fn truncated_data_chunk_is_an_error_even_at_a_frame_boundary() {
    let dir = temp_dir();
    good_wav(dir.path(), "good.wav");
    let whole = std::fs::read(dir.path().join("good.wav")).unwrap();
    // Cut the data after 1000 whole float frames; the header still declares 24000.
    let header_len = whole.len() - 4 * 24_000;
    std::fs::write(dir.path().join("cut.wav"), &whole[..header_len + 4 * 1000]).unwrap();
    // In one pass, and split over two threads (each reading its regions itself).
    for jobs in ["1", "2"] {
        let output = run_in(
            dir.path(),
            &["render", "cut.wav", "-o", "out.wav", "--jobs", jobs],
        );
        assert_eq!(output.status.code(), Some(1), "--jobs {jobs}");
        assert!(error_line(&stderr(&output), "cut.wav").contains("truncated"));
        assert_eq!(list_dir(dir.path()), ["cut.wav", "good.wav"]);
    }
}

#[test]
fn the_input_file_is_never_overwritten() {
    let dir = temp_dir();
    good_wav(dir.path(), "a.wav");
    good_wav(dir.path(), "b.wav");
    let before = snapshot(dir.path());
    // As the output file, even with --force.
    let output = run_in(dir.path(), &["render", "a.wav", "-o", "a.wav", "--force"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(error_line(&stderr(&output), "a.wav").contains("refusing to overwrite the input"));
    assert_eq!(snapshot(dir.path()), before);
    // As the output directory holding the inputs: both refused, nothing written.
    let output = run_in(
        dir.path(),
        &["render", "a.wav", "b.wav", "-o", ".", "--force"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(error_line(&stderr(&output), "b.wav").contains("refusing to overwrite the input"));
    assert_eq!(snapshot(dir.path()), before);
    // With a suffix the same directory works.
    run_ok(
        dir.path(),
        &["render", "a.wav", "b.wav", "-o", ".", "--suffix", "_eq"],
    );
    assert_eq!(
        list_dir(dir.path()),
        ["a.wav", "a_eq.wav", "b.wav", "b_eq.wav"]
    );
}

#[test]
fn existing_outputs_need_force_and_duplicate_names_are_caught() {
    let dir = temp_dir();
    good_wav(dir.path(), "a.wav");
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    good_wav(&dir.path().join("sub"), "a.wav");
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::fs::write(dir.path().join("out/a.wav"), b"keep me").unwrap();

    let output = run_in(dir.path(), &["render", "a.wav", "-o", "out"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(error_line(&stderr(&output), "a.wav").contains("already exists (use --force"));
    assert_eq!(
        std::fs::read(dir.path().join("out/a.wav")).unwrap(),
        b"keep me"
    );

    // Two inputs named a.wav would write the same output: the first wins, the second fails.
    let output = run_in(
        dir.path(),
        &["render", "a.wav", "sub/a.wav", "-o", "out", "--force"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(error_line(&stderr(&output), "sub/a.wav").contains("also the output of another input"));
    let (_, rendered) = read_wav(&dir.path().join("out/a.wav"));
    assert_eq!(rendered[0].len(), RATE_HZ as usize / 2);
    assert_eq!(list_dir(&dir.path().join("out")), ["a.wav"]);
}

#[test]
fn an_unwritable_output_directory_is_a_clear_error() {
    let dir = temp_dir();
    good_wav(dir.path(), "a.wav");
    std::fs::write(dir.path().join("plain-file"), b"x").unwrap();
    let before = snapshot(dir.path());
    // A directory below a regular file can never be created, not even by root.
    let output = run_in(dir.path(), &["render", "a.wav", "-o", "plain-file/out"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("output directory plain-file/out"),
        "{}",
        stderr(&output)
    );
    assert_eq!(snapshot(dir.path()), before);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = dir.path().join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
        // Root ignores permission bits; the check only means something for other users.
        let probe = locked.join("probe");
        if std::fs::write(&probe, b"").is_err() {
            let output = run_in(dir.path(), &["render", "a.wav", "-o", "locked"]);
            assert_eq!(output.status.code(), Some(1));
            let line = error_line(&stderr(&output), "a.wav").to_string();
            assert!(
                line.contains("cannot write") && line.contains("ermission denied"),
                "{line}"
            );
            assert!(list_dir(&locked).is_empty());
        } else {
            std::fs::remove_file(probe).unwrap();
        }
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn invalid_settings_stop_before_any_file_is_written() {
    let dir = temp_dir();
    good_wav(dir.path(), "a.wav");
    std::fs::write(
        dir.path().join("typo.json"),
        br#"{"band_9": 6, "bnad_10": 3}"#,
    )
    .unwrap();
    let cases: [(&[&str], &str); 5] = [
        (&["--band", "9=+13"], "outside ±12 dB"),
        (&["--output-gain", "-30"], "outside ±24 dB"),
        (&["--gains", "1,2,3"], "needs 25 comma-separated values"),
        (&["--band", "hello=1"], "neither a band number"),
        (&["--preset", "typo.json"], "unknown key \"bnad_10\""),
    ];
    for (options, message) in cases {
        let mut args = vec!["render", "a.wav", "-o", "out"];
        args.extend_from_slice(options);
        let output = run_in(dir.path(), &args);
        assert_eq!(output.status.code(), Some(2), "{options:?}");
        assert!(
            stderr(&output).contains(message),
            "{options:?}: {}",
            stderr(&output)
        );
        assert_eq!(list_dir(dir.path()), ["a.wav", "typo.json"], "{options:?}");
    }
}

#[test]
fn output_argument_mistakes_are_usage_errors() {
    let dir = temp_dir();
    good_wav(dir.path(), "a.wav");
    good_wav(dir.path(), "b.wav");
    let cases: [(&[&str], &str); 5] = [
        (
            &["a.wav", "-o", "a.mp3"],
            "writes WAV and FLAC files, not .mp3",
        ),
        (
            &["a.wav", "b.wav", "-o", "both.flac"],
            "names a file, but 2 inputs",
        ),
        (
            &["a.wav", "-o", "a-eq.wav", "--format", "flac"],
            "does not end in .flac",
        ),
        (
            &["a.wav", "-o", "a-eq.flac", "--bits", "32"],
            "FLAC cannot hold",
        ),
        (
            &["a.wav", "-o", "out", "--suffix", "/../x"],
            "path separator",
        ),
    ];
    for (args, message) in cases {
        let mut full = vec!["render"];
        full.extend_from_slice(args);
        let output = run_in(dir.path(), &full);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_eq!(list_dir(dir.path()), ["a.wav", "b.wav"], "{args:?}");
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_leaves_no_partial_output() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let dir = temp_dir();
    // Long enough (6 channels, largest FFT, debug build) to be caught in the middle.
    let channels: Vec<Vec<f32>> = (0..6)
        .map(|c| scaled(mono_white_noise(c, RATE_HZ as usize * 20), 0.6))
        .collect();
    write_float_wav(&dir.path().join("long.wav"), RATE_HZ, &channels);
    let out = dir.path().join("out");
    let child = Command::new(env!("CARGO_BIN_EXE_bark-eq"))
        .current_dir(dir.path())
        // Split over two threads, each writing its regions in place (positional).
        .args([
            "render",
            "long.wav",
            "-o",
            "out",
            "--fft-size",
            "16384",
            "--jobs",
            "2",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the temporary output exists, so the interrupt lands mid-render.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !(out.is_dir() && list_dir(&out).iter().any(|n| n.ends_with(".tmp"))) {
        assert!(Instant::now() < deadline, "render never started");
        std::thread::sleep(Duration::from_millis(5));
    }
    // The shell's built-in `kill`, so no extra package is needed.
    let killed = Command::new("sh")
        .args(["-c", &format!("kill -INT {}", child.id())])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", stderr(&output));
    assert!(stderr(&output).contains("interrupted"));
    assert!(
        list_dir(&out).is_empty(),
        "left behind: {:?}",
        list_dir(&out)
    );
}
