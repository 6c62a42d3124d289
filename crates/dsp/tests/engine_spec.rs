//! The engine's specification (docs/DESIGN.md#specification, sections 1–8): null, band accuracy,
//! block-size independence, sample rates, automation, bypass and bad audio.

mod engine_common;

use bark_eq_dsp::bands::BAND_EDGES_HZ;
use bark_eq_dsp::{band_centre_hz, CurveMode, Engine, EqSettings, FftSize, NUM_BANDS};
use engine_common::*;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

const RATE_HZ: f32 = 48_000.0;
const RATES_HZ: [f32; 5] = [22_050.0, 44_100.0, 48_000.0, 96_000.0, 192_000.0];
const MODES: [CurveMode; 2] = [CurveMode::Smooth, CurveMode::Bands];

fn settings(mode: CurveMode, fft_size: FftSize) -> EqSettings {
    EqSettings {
        curve_mode: mode,
        fft_size,
        ..EqSettings::default()
    }
}

/// All gains at 0 dB: the output is the input delayed by exactly the latency.
fn assert_null(sample_rate_hz: f32, mode: CurveMode, fft_size: FftSize) {
    let mut engine = engine_with(sample_rate_hz, 2, &settings(mode, fft_size));
    let latency = engine.latency_samples() as usize;
    assert_eq!(latency, fft_size.size_at_rate(sample_rate_hz));
    let input = vec![
        mono_white_noise(1, latency * 5 + 333),
        mono_white_noise(2, latency * 5 + 333),
    ];
    let output = render(&mut engine, &input);
    for (x, y) in input.iter().zip(&output) {
        let error = max_delayed_error(x, y, latency, 1.0);
        assert!(
            error <= 1e-5,
            "{sample_rate_hz} Hz {mode:?} {fft_size:?}: error {error}"
        );
    }
}

#[test]
fn null_at_every_fft_size_in_both_modes() {
    for mode in MODES {
        for fft_size in FftSize::ALL {
            assert_null(RATE_HZ, mode, fft_size);
        }
    }
}

#[test]
fn null_and_latency_follow_the_sample_rate() {
    for rate in RATES_HZ {
        for mode in MODES {
            assert_null(rate, mode, FftSize::N4096);
        }
    }
    // Odd rates at the ends of the supported range work too.
    assert_null(1_000.0, CurveMode::Smooth, FftSize::N1024);
    assert_null(44_056.7, CurveMode::Bands, FftSize::N2048);
    assert_null(768_000.0, CurveMode::Smooth, FftSize::N1024);
}

/// Gain in dB a sine at each band centre gets with only that band at +6 dB, Bands mode.
fn band_gains_measured(sample_rate_hz: f32) -> Vec<(usize, f64)> {
    let mut engine =
        Engine::new(sample_rate_hz, 1, &EqSettings::default()).expect("supported rate");
    let fft_len = FftSize::N4096.size_at_rate(sample_rate_hz);
    let len = fft_len * 5;
    (0..NUM_BANDS)
        .filter(|&band| band_centre_hz(band) < 0.45 * sample_rate_hz)
        .map(|band| {
            let mut gains = EqSettings {
                curve_mode: CurveMode::Bands,
                ..EqSettings::default()
            };
            gains.band_gains_db[band] = 6.0;
            engine.apply(&gains);
            engine.reset();
            let input = vec![sine(band_centre_hz(band), sample_rate_hz, 0.5, len)];
            let output = render(&mut engine, &input);
            let measured = gain_db(&input[0], &output[0], fft_len, 2 * fft_len, len);
            (band, measured)
        })
        .collect()
}

#[test]
fn each_band_boosts_its_centre_by_six_db_at_48k() {
    let measured = band_gains_measured(RATE_HZ);
    assert_eq!(measured.len(), NUM_BANDS);
    for (band, gain) in measured {
        assert!((gain - 6.0).abs() <= 0.2, "band {}: {gain:.3} dB", band + 1);
    }
}

#[test]
fn band_accuracy_holds_at_every_rate_below_0_45_fs() {
    for rate in RATES_HZ {
        let measured = band_gains_measured(rate);
        let expected = (0..NUM_BANDS)
            .filter(|&b| band_centre_hz(b) < 0.45 * rate)
            .count();
        assert_eq!(measured.len(), expected);
        for (band, gain) in measured {
            assert!(
                (gain - 6.0).abs() <= 0.2,
                "{rate} Hz band {}: {gain:.3}",
                band + 1
            );
        }
    }
}

#[test]
fn all_bands_at_minus_12_give_minus_12_everywhere() {
    let expected_gain = 10f32.powf(-12.0 / 20.0);
    for mode in MODES {
        let mut all_cut = settings(mode, FftSize::N4096);
        all_cut.band_gains_db = [-12.0; NUM_BANDS];
        let mut engine = engine_with(RATE_HZ, 1, &all_cut);
        let latency = engine.latency_samples() as usize;
        let noise = vec![mono_white_noise(7, latency * 5)];
        let output = render(&mut engine, &noise);
        let error = max_delayed_error(&noise[0], &output[0], latency, expected_gain);
        assert!(error <= 1e-5, "{mode:?}: sample error {error}");
        // And measured as level at band centres, edges and between them.
        let probes = (0..NUM_BANDS)
            .map(band_centre_hz)
            .chain(BAND_EDGES_HZ[1..].iter().copied());
        for freq in probes.filter(|&f| f < 0.45 * RATE_HZ) {
            engine.reset();
            let tone = vec![sine(freq, RATE_HZ, 0.5, latency * 4)];
            let output = render(&mut engine, &tone);
            let gain = gain_db(&tone[0], &output[0], latency, 2 * latency, 4 * latency);
            assert!(
                (gain + 12.0).abs() <= 0.05,
                "{mode:?} {freq} Hz: {gain:.4} dB"
            );
        }
    }
}

#[test]
fn output_does_not_depend_on_the_host_block_size() {
    let mut shaped = settings(CurveMode::Smooth, FftSize::N4096);
    shaped.band_gains_db = std::array::from_fn(|b| ((b * 5) % 25) as f32 - 12.0);
    shaped.output_gain_db = -3.0;
    let len = 8192 * 4 + 777;
    let input = vec![mono_white_noise(11, len), mono_white_noise(12, len)];
    let reference = render_blocks(&mut engine_with(RATE_HZ, 2, &shaped), &input, &[len]);
    let mut rng = SmallRng::seed_from_u64(5);
    let random_mix: Vec<usize> = (0..200).map(|_| rng.random_range(1..3000)).collect();
    let chunkings: [&[usize]; 7] = [&[1], &[7], &[64], &[512], &[4096], &[8192], &random_mix];
    for blocks in chunkings {
        let output = render_blocks(&mut engine_with(RATE_HZ, 2, &shaped), &input, blocks);
        for (a, b) in reference.iter().zip(&output) {
            let diff = a
                .iter()
                .zip(b)
                .map(|(x, y)| (x - y).abs())
                .fold(0.0, f32::max);
            assert!(
                diff <= 1e-6,
                "blocks {:?}…: differs by {diff}",
                &blocks[..1]
            );
        }
    }
}

/// Largest sample-to-sample step of a signal.
fn max_step(samples: &[f32]) -> f32 {
    samples
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0, f32::max)
}

#[test]
fn automating_a_band_from_0_to_12_db_in_one_block_is_smooth() {
    for mode in MODES {
        let flat = settings(mode, FftSize::N4096);
        let mut engine = engine_with(RATE_HZ, 1, &flat);
        let latency = engine.latency_samples() as usize;
        let len = latency * 8;
        let tone = sine(band_centre_hz(8), RATE_HZ, 0.2, len);
        let mut output = tone.clone();
        let (before, after) = output.split_at_mut(latency * 3 + 100);
        engine.process(&mut [before]);
        let mut boosted = flat;
        boosted.band_gains_db[8] = 12.0;
        engine.apply(&boosted);
        engine.process(&mut [after]);

        let settled = &output[len - latency..];
        // It ends where a static +12 dB setting is.
        let mut static_engine = engine_with(RATE_HZ, 1, &boosted);
        let reference = render(&mut static_engine, std::slice::from_ref(&tone));
        let expected = gain_db(&tone, &reference[0], latency, len - latency, len);
        let final_gain = gain_db(&tone, &output, latency, len - latency, len);
        assert!(
            expected > 11.5,
            "{mode:?}: static boost only {expected:.3} dB"
        );
        assert!(
            (final_gain - expected).abs() <= 0.01,
            "{mode:?}: {final_gain:.3} dB"
        );
        let steady_step = max_step(settled);
        let worst_step = max_step(&output);
        assert!(
            worst_step <= steady_step * 1.001,
            "{mode:?}: jump {worst_step} larger than the boosted sine's own {steady_step}"
        );
    }
}

#[test]
fn bypass_passes_the_delayed_input_and_crossfades_in_one_hop() {
    let mut boosted = settings(CurveMode::Smooth, FftSize::N2048);
    boosted.band_gains_db = [6.0; NUM_BANDS];
    let mut engine = engine_with(RATE_HZ, 1, &boosted);
    let latency = engine.latency_samples() as usize;
    let hop = engine.hop_len();
    let len = latency * 8;
    let tone = sine(440.0, RATE_HZ, 0.25, len);
    let switch_at = latency * 3 + 37;
    let mut output = tone.clone();
    let (before, after) = output.split_at_mut(switch_at);
    engine.process(&mut [before]);
    engine.apply(&EqSettings {
        bypass: true,
        ..boosted
    });
    engine.process(&mut [after]);

    // After the crossfade the output is the input delayed by the latency, exactly.
    for i in switch_at + hop..len {
        assert_eq!(output[i], tone[i - latency], "sample {i}");
    }
    // The crossfade from +6 dB to 0 dB never jumps more than the boosted sine itself.
    let boosted_step = max_step(&output[latency * 2..switch_at]);
    assert!(max_step(&output[switch_at - 1..switch_at + hop + 1]) <= boosted_step * 1.001);
}

#[test]
fn changing_the_fft_size_changes_the_latency_and_still_nulls() {
    let mut engine = engine_with(RATE_HZ, 1, &EqSettings::default());
    assert_eq!(engine.latency_samples(), 4096);
    assert!(!engine.apply(&EqSettings::default()));
    let small = settings(CurveMode::Smooth, FftSize::N1024);
    assert!(engine.apply(&small));
    assert_eq!(engine.latency_samples(), 1024);
    let noise = vec![mono_white_noise(3, 1024 * 6)];
    let output = render(&mut engine, &noise);
    assert!(max_delayed_error(&noise[0], &output[0], 1024, 1.0) <= 1e-5);
}

#[test]
fn non_finite_bursts_never_reach_the_output() {
    let mut shaped = settings(CurveMode::Bands, FftSize::N4096);
    shaped.band_gains_db[3] = 12.0;
    let mut engine = engine_with(RATE_HZ, 2, &shaped);
    let latency = engine.latency_samples() as usize;
    let hop = engine.hop_len();
    let len = latency * 6;
    let mut input = vec![mono_white_noise(21, len), mono_white_noise(22, len)];
    let burst = latency..latency + 700;
    for (i, sample) in input[0][burst.clone()].iter_mut().enumerate() {
        *sample = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY][i % 3];
    }
    input[1][latency + 5] = f32::NAN;
    input[1][latency + 9] = 3.0e38;
    let output = render(&mut engine, &input);
    let clean_from = burst.end + latency + hop;
    for channel in &output {
        assert!(channel[clean_from..].iter().all(|y| y.is_finite()));
        // Stronger than the specification: nothing non-finite ever comes out.
        assert!(channel.iter().all(|y| y.is_finite() && y.abs() < 1e8));
    }
}

#[test]
fn silence_gives_exact_zeros_and_no_denormals() {
    let mut shaped = settings(CurveMode::Smooth, FftSize::N4096);
    shaped.band_gains_db = std::array::from_fn(|b| if b % 2 == 0 { -12.0 } else { 12.0 });
    let mut engine = engine_with(RATE_HZ, 1, &shaped);
    let latency = engine.latency_samples() as usize;
    let len = latency * 8;
    let mut input = mono_white_noise(31, len);
    input[latency * 2..].fill(0.0);
    // A decaying tail of tiny values that would be subnormal without flushing.
    for (i, sample) in input[latency * 2..latency * 2 + 200].iter_mut().enumerate() {
        *sample = 1e-36 * 0.5f32.powi(i as i32 % 24);
    }
    let output = render(&mut engine, &[input])[0].clone();
    assert!(output.iter().all(|y| !y.is_subnormal()), "subnormal output");
    assert!(
        output[latency * 4..].iter().all(|&y| y == 0.0),
        "tail not exactly zero"
    );
    let silent = render(&mut engine_with(RATE_HZ, 1, &shaped), &[vec![0.0; len]]);
    assert!(silent[0].iter().all(|&y| y == 0.0));
}

#[test]
fn only_non_positive_or_non_finite_rates_and_no_channels_are_errors() {
    for rate in [
        0.0,
        -48_000.0,
        -0.0,
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
    ] {
        assert!(
            Engine::new(rate, 2, &EqSettings::default()).is_err(),
            "{rate} Hz accepted"
        );
    }
    assert!(Engine::new(48_000.0, 0, &EqSettings::default()).is_err());
    let message = Engine::new(-500.0, 2, &EqSettings::default())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        message.contains("-500"),
        "error should name the rate: {message}"
    );
}

#[test]
fn any_positive_finite_rate_passes_noise_through_delayed_by_the_latency() {
    // From far below audio rates to the VST3 validator's 1234567.8 Hz; bands above Nyquist
    // own no bins, and nothing divides by zero.
    for rate in [1.0, 100.0, 999.0, 1_234.567_8, 1.0e7] {
        let mut engine = Engine::new(rate, 2, &EqSettings::default()).expect("any positive rate");
        let latency = engine.latency_samples() as usize;
        let input = [
            mono_white_noise(1, latency + 3000),
            mono_white_noise(2, latency + 3000),
        ];
        let mut output = input.clone();
        {
            let [left, right] = &mut output;
            engine.process(&mut [&mut left[..], &mut right[..]]);
        }
        for (inp, out) in input.iter().zip(&output) {
            let error = out[latency..]
                .iter()
                .zip(inp)
                .map(|(o, i)| (o - i).abs())
                .fold(0.0f32, f32::max);
            assert!(error < 1e-5, "{rate} Hz: error {error}");
        }
    }
}

#[test]
fn extra_channels_are_silenced_and_short_channels_limit_the_block() {
    let mut engine = engine_with(RATE_HZ, 1, &EqSettings::default());
    let mut first = mono_white_noise(1, 512);
    let mut second = mono_white_noise(2, 512);
    engine.process(&mut [&mut first, &mut second]);
    assert!(second.iter().all(|&y| y == 0.0));
}

/// Energy of `a - b` relative to the energy of `a`, in dB.
fn difference_db(a: &[f32], b: &[f32]) -> f64 {
    let diff: f64 = a.iter().zip(b).map(|(x, y)| ((x - y) as f64).powi(2)).sum();
    let energy: f64 = a.iter().map(|&x| (x as f64).powi(2)).sum();
    10.0 * (diff / energy).log10()
}

#[test]
fn impulse_response_barely_depends_on_the_position_in_the_frame() {
    let mut shaped = settings(CurveMode::Smooth, FftSize::N4096);
    shaped.band_gains_db = std::array::from_fn(|b| [6.0, -6.0, 3.0, -9.0, 12.0][b % 5]);
    for (mode, limit_db) in [(CurveMode::Smooth, -70.0), (CurveMode::Bands, -60.0)] {
        shaped.curve_mode = mode;
        let mut engine = engine_with(RATE_HZ, 1, &shaped);
        let latency = engine.latency_samples() as usize;
        let hop = engine.hop_len();
        let response = |engine: &mut Engine, offset: usize| {
            engine.reset();
            let at = latency * 2 + offset;
            let mut input = vec![0.0; latency * 5];
            input[at] = 1.0;
            let output = render(engine, &[input]);
            // The response, aligned on the impulse (delayed by the latency), ± one frame.
            output[0][at + latency - latency..at + latency + latency].to_vec()
        };
        let reference = response(&mut engine, 0);
        for offset in [1, hop / 3, hop / 2, hop - 1] {
            let other = response(&mut engine, offset);
            let deviation = difference_db(&reference, &other);
            assert!(
                deviation < limit_db,
                "{mode:?} offset {offset}: {deviation:.1} dB"
            );
        }
    }
}

#[test]
fn an_engine_built_for_one_fft_size_renders_the_same_bits_and_keeps_its_size() {
    use bark_eq_dsp::settings::PhaseMode;
    for (index, fft_size) in FftSize::ALL.into_iter().enumerate() {
        let mut shaped = settings(MODES[index % 2], fft_size);
        shaped.band_gains_db = std::array::from_fn(|b| [4.0, -7.0, 0.5, 9.0][b % 4]);
        shaped.auto_gain = index % 2 == 0;
        shaped.phase = [PhaseMode::Linear, PhaseMode::ZeroLatency][usize::from(index == 2)];
        let num_channels = [2, 3][index % 2];
        let input: Vec<Vec<f32>> = (0..num_channels)
            .map(|c| mono_white_noise(10 + c as u64, 3 * fft_size.size_at_rate(RATE_HZ) + 77))
            .collect();
        let mut all_sizes = engine_with(RATE_HZ, num_channels, &shaped);
        let mut one_size = Engine::for_one_fft_size(RATE_HZ, num_channels, &shaped).unwrap();
        assert_eq!(one_size.latency_samples(), all_sizes.latency_samples());
        let bits = |output: Vec<Vec<f32>>| -> Vec<Vec<u32>> {
            output
                .iter()
                .map(|c| c.iter().map(|x| x.to_bits()).collect())
                .collect()
        };
        let expected = bits(render(&mut all_sizes, &input));
        assert!(
            bits(render(&mut one_size, &input)) == expected,
            "{fft_size:?}"
        );
        let other = FftSize::ALL[(index + 1) % FftSize::ALL.len()];
        let latency = one_size.latency_samples();
        assert!(!one_size.apply(&EqSettings {
            fft_size: other,
            ..shaped
        }));
        assert_eq!(one_size.latency_samples(), latency, "{fft_size:?}");
    }
}
