//! `bark-eq render` end to end: gains, length and alignment, identity, bit depths, channels.

mod common;

use common::*;

/// All 25 gains at 0 dB, as `--gains` takes them.
fn flat_gains() -> String {
    vec!["0"; 25].join(",")
}

#[test]
fn band_9_at_plus_6_raises_a_997_hz_sine_by_6_db() {
    let dir = temp_dir();
    let input = sine(SINE_HZ, RATE_HZ, 0.25, samples_in(3.0, RATE_HZ));
    write_float_wav(
        &dir.path().join("sine.wav"),
        RATE_HZ,
        std::slice::from_ref(&input),
    );
    let run = run_ok(
        dir.path(),
        &["render", "sine.wav", "-o", "boost.wav", "--band", "9=+6"],
    );
    // stderr is a pipe here, not a terminal: no progress bars, only the plain lines.
    let messages = stderr(&run);
    assert!(
        !messages.contains('\u{1b}') && !messages.contains("ETA"),
        "{messages}"
    );
    assert!(stdout(&run).contains("sine.wav -> boost.wav (3.00 s, 1 ch, 48000 Hz)"));
    let (_, output) = read_wav(&dir.path().join("boost.wav"));
    // Default Smooth curve and FFT 4096: the STFT averages the curve's peak at the band
    // centre over the window's main lobe, so this reads +5.84 dB (the Bands curve: +6.00).
    let gain_db = middle_rms_db(&output[0]) - middle_rms_db(&input);
    assert!((gain_db - 6.0).abs() <= 0.2, "measured {gain_db:.3} dB");
    // The band can also be named by a frequency inside it.
    run_ok(
        dir.path(),
        &["render", "sine.wav", "-o", "freq.wav", "--band", "1k=+6"],
    );
    let (_, by_freq) = read_wav(&dir.path().join("freq.wav"));
    assert_eq!(by_freq, output);
}

#[test]
fn output_has_the_input_length_and_is_sample_aligned() {
    let dir = temp_dir();
    // A sine plus clicks at known positions; an odd length that is no multiple of a hop.
    let frames = 2 * RATE_HZ as usize + 777;
    let mut input = sine(SINE_HZ, RATE_HZ, 0.1, frames);
    input.resize(frames, 0.0);
    let clicks = [20_000usize, 50_001, 80_123];
    for &at in &clicks {
        input[at] += 0.5;
    }
    write_float_wav(
        &dir.path().join("in.wav"),
        RATE_HZ,
        std::slice::from_ref(&input),
    );
    for fft in ["1024", "16384"] {
        let boosted = format!("boost{fft}.wav");
        let null = format!("null{fft}.wav");
        run_ok(
            dir.path(),
            &[
                "render",
                "in.wav",
                "-o",
                &boosted,
                "--band",
                "9=+6",
                "--fft-size",
                fft,
            ],
        );
        run_ok(
            dir.path(),
            &[
                "render",
                "in.wav",
                "-o",
                &null,
                "--gains",
                &flat_gains(),
                "--fft-size",
                fft,
            ],
        );
        let (_, boosted) = read_wav(&dir.path().join(boosted));
        let (_, null) = read_wav(&dir.path().join(null));
        assert_eq!(boosted[0].len(), frames, "FFT {fft}");
        assert_eq!(null[0].len(), frames, "FFT {fft}");
        // The null render is the input itself, so it is aligned to the sample.
        assert!(max_abs_diff(&null[0], &input) <= 1e-5, "FFT {fft}");
        // The boosted render lines up with the null render: no lag, and each click's
        // zero-phase response peaks at the click itself.
        assert_eq!(best_lag(&null[0], &boosted[0], 8), 0, "FFT {fft}");
        for &at in &clicks {
            let window = at - 40..at + 40;
            let peak = window
                .clone()
                .max_by(|&a, &b| boosted[0][a].abs().total_cmp(&boosted[0][b].abs()))
                .unwrap();
            assert_eq!(peak, at, "FFT {fft}: click at {at} peaks at {peak}");
        }
    }
}

#[test]
fn null_render_equals_the_input_in_every_channel_layout() {
    let dir = temp_dir();
    for num_channels in [1usize, 2, 6] {
        // Different content per channel, so a swapped channel would show.
        let channels: Vec<Vec<f32>> = (0..num_channels)
            .map(|c| scaled(mono_white_noise(c as u64 + 7, RATE_HZ as usize + 321), 1.0))
            .collect();
        let name = format!("in{num_channels}.wav");
        let out = format!("out{num_channels}.wav");
        write_float_wav(&dir.path().join(&name), RATE_HZ, &channels);
        run_ok(
            dir.path(),
            &["render", &name, "-o", &out, "--fft-size", "1024"],
        );
        let (spec, output) = read_wav(&dir.path().join(&out));
        assert_eq!(spec.channels as usize, num_channels);
        assert_eq!(spec.sample_rate, RATE_HZ);
        for (c, (out, input)) in output.iter().zip(&channels).enumerate() {
            let error = max_abs_diff(out, input);
            assert!(
                error <= 1e-5,
                "{num_channels} ch, channel {c}: error {error}"
            );
        }
    }
}

#[test]
fn every_channel_is_equalized_in_stereo_and_six_channels() {
    let dir = temp_dir();
    for num_channels in [2usize, 6] {
        let channels: Vec<Vec<f32>> = (0..num_channels)
            .map(|c| {
                sine(
                    SINE_HZ,
                    RATE_HZ,
                    0.05 * (c + 1) as f32,
                    samples_in(1.5, RATE_HZ),
                )
            })
            .collect();
        let name = format!("in{num_channels}.wav");
        let out = format!("out{num_channels}.wav");
        write_float_wav(&dir.path().join(&name), RATE_HZ, &channels);
        run_ok(dir.path(), &["render", &name, "-o", &out, "--band", "9=-6"]);
        let (_, output) = read_wav(&dir.path().join(&out));
        for (c, (out, input)) in output.iter().zip(&channels).enumerate() {
            let gain_db = middle_rms_db(out) - middle_rms_db(input);
            assert!(
                (gain_db + 6.0).abs() <= 0.2,
                "{num_channels} ch, channel {c}: {gain_db:.3} dB"
            );
        }
    }
}

#[test]
fn bit_depths_16_24_and_float() {
    let dir = temp_dir();
    let input = scaled(mono_white_noise(3, RATE_HZ as usize), 1.0);
    write_float_wav(
        &dir.path().join("in.wav"),
        RATE_HZ,
        std::slice::from_ref(&input),
    );
    for (bits, format, lsb, max_error_lsb) in [
        ("16", hound::SampleFormat::Int, 1.0 / 32_768.0, 1.5),
        ("24", hound::SampleFormat::Int, 1.0 / 8_388_608.0, 0.5),
        ("32", hound::SampleFormat::Float, 0.0, 0.0),
    ] {
        let out = format!("out{bits}.wav");
        run_ok(
            dir.path(),
            &[
                "render",
                "in.wav",
                "-o",
                &out,
                "--bits",
                bits,
                "--fft-size",
                "1024",
            ],
        );
        let (spec, output) = read_wav(&dir.path().join(&out));
        assert_eq!(spec.bits_per_sample.to_string(), bits);
        assert_eq!(spec.sample_format, format);
        let error = max_abs_diff(&output[0], &input);
        assert!(
            error <= max_error_lsb * lsb + 1e-5,
            "{bits} bit: error {error}"
        );
        if bits == "16" {
            // TPDF dither: the error has the spread of rounding plus triangular noise
            // (RMS sqrt(1/12 + 1/6) = 0.5 LSB), not plain rounding's 0.29 LSB.
            let error_rms_lsb = (output[0]
                .iter()
                .zip(&input)
                .map(|(o, i)| f64::from((o - i) / lsb).powi(2))
                .sum::<f64>()
                / input.len() as f64)
                .sqrt();
            assert!(
                (0.45..0.55).contains(&error_rms_lsb),
                "dither RMS {error_rms_lsb} LSB"
            );
        }
    }
}

#[test]
fn integer_input_at_another_sample_rate_stays_exact() {
    let dir = temp_dir();
    let rate = 44_100;
    let input: Vec<f32> = sine(SINE_HZ, rate, 0.5, samples_in(1.0, rate))
        .iter()
        .map(|&x| to_i16(x) as f32 / 32_768.0)
        .collect();
    write_int16_wav(
        &dir.path().join("in16.wav"),
        rate,
        std::slice::from_ref(&input),
    );
    run_ok(
        dir.path(),
        &["render", "in16.wav", "-o", "out.wav", "--fft-size", "2048"],
    );
    let (spec, output) = read_wav(&dir.path().join("out.wav"));
    assert_eq!(spec.sample_rate, rate);
    assert!(max_abs_diff(&output[0], &input) <= 1e-5);
}

#[test]
fn output_gain_and_bands_curve_apply() {
    let dir = temp_dir();
    let input = sine(SINE_HZ, RATE_HZ, 0.1, samples_in(1.5, RATE_HZ));
    write_float_wav(
        &dir.path().join("in.wav"),
        RATE_HZ,
        std::slice::from_ref(&input),
    );
    run_ok(
        dir.path(),
        &[
            "render",
            "in.wav",
            "-o",
            "out.wav",
            "--band",
            "9=+3",
            "--output-gain",
            "-9",
            "--curve",
            "bands",
        ],
    );
    let (_, output) = read_wav(&dir.path().join("out.wav"));
    let gain_db = middle_rms_db(&output[0]) - middle_rms_db(&input);
    assert!((gain_db + 6.0).abs() <= 0.1, "measured {gain_db:.3} dB");
}
