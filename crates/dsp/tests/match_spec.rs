//! Bark Match (issue 15): profiles measured with the engine's frames and the gains that match
//! them. Known curves are recovered, music lands on its reference in both curve modes,
//! silence and fades do not move the result, and an analysis-only pass sees what processing
//! sees.

mod engine_common;

use bark_eq_dsp::engine::learn_profile;
use bark_eq_dsp::matching::{match_gains, MatchOptions, MatchResult, Target};
use bark_eq_dsp::profile::Profile;
use bark_eq_dsp::{BinLayout, CurveMode, EqSettings, FftSize, NUM_BANDS};
use bark_eq_testkit::{music, pink_noise};
use engine_common::*;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// Sample rate of the tests.
const RATE_HZ: u32 = 48_000;
/// Length of the fade-out appended in the gating test, seconds.
const FADE_SECONDS: f32 = 3.0;
/// Bands 2–24 (0-based 1..=23): where the figures are measured.
const MEASURED: std::ops::RangeInclusive<usize> = 1..=23;

/// `input` through an engine with `settings`, latency removed (same length as the input).
fn render_aligned(input: &[Vec<f32>], settings: &EqSettings) -> Vec<Vec<f32>> {
    let mut engine = engine_with(RATE_HZ as f32, input.len(), settings);
    let latency = engine.latency_samples() as usize;
    let padded: Vec<Vec<f32>> = input
        .iter()
        .map(|c| {
            c.iter()
                .copied()
                .chain(std::iter::repeat_n(0.0, latency))
                .collect()
        })
        .collect();
    render(&mut engine, &padded)
        .into_iter()
        .map(|c| c[latency..].to_vec())
        .collect()
}

/// The profile of `channels` at FFT 4096.
fn profile_of(channels: &[Vec<f32>]) -> Profile {
    let slices: Vec<&[f32]> = channels.iter().map(Vec::as_slice).collect();
    learn_profile(&slices, RATE_HZ as f32, FftSize::N4096)
        .expect("48 kHz")
        .profile()
        .expect("not silent")
}

/// `source` matched to the profile `reference` with `options` at FFT 4096.
fn matched(source: &Profile, reference: &Profile, options: &MatchOptions) -> MatchResult {
    let layout = BinLayout::new(FftSize::N4096.base_size(), RATE_HZ as f32);
    let target = Target::Reference(reference.clone());
    match_gains(source, &target, options, &layout, RATE_HZ as f32).expect("matches")
}

/// RMS and largest difference of `a − b` over bands 2–24, their mean removed.
fn distance_db(a: &[f32; NUM_BANDS], b: &[f32; NUM_BANDS]) -> (f32, f32) {
    let diffs: Vec<f32> = MEASURED.map(|band| a[band] - b[band]).collect();
    let mean = diffs.iter().sum::<f32>() / diffs.len() as f32;
    let centred: Vec<f32> = diffs.iter().map(|d| d - mean).collect();
    let rms = (centred.iter().map(|d| d * d).sum::<f32>() / centred.len() as f32).sqrt();
    let max = centred.iter().fold(0.0f32, |m, d| m.max(d.abs()));
    (rms, max)
}

/// The inverse of `applied` at the level `gains_db` puts it, as far as the ±12 dB range
/// holds it: the level is the mean of `gains_db + applied` over the bands the range did not
/// limit.
fn clamped_inverse(applied: &[f32; NUM_BANDS], gains_db: &[f32; NUM_BANDS]) -> [f32; NUM_BANDS] {
    let limit = bark_eq_dsp::settings::BAND_GAIN_LIMIT_DB;
    let free: Vec<usize> = MEASURED.filter(|&b| gains_db[b].abs() < limit).collect();
    let level = free.iter().map(|&b| gains_db[b] + applied[b]).sum::<f32>() / free.len() as f32;
    applied.map(|gain_db| (level - gain_db).clamp(-limit, limit))
}

/// The settings of `gains_db` in `curve_mode`.
fn curve(gains_db: [f32; NUM_BANDS], curve_mode: CurveMode) -> EqSettings {
    EqSettings {
        band_gains_db: gains_db,
        curve_mode,
        ..EqSettings::default()
    }
}

#[test]
fn twenty_random_bands_curves_on_pink_noise_are_recovered_within_half_a_db_rms() {
    let mut rng = SmallRng::seed_from_u64(15);
    let pink = vec![pink_noise(7, 0.1, 8 * RATE_HZ as usize)];
    let reference = profile_of(&pink);
    let options = MatchOptions {
        curve_mode: CurveMode::Bands,
        ..MatchOptions::default()
    };
    let (mut worst_rms, mut worst_max) = (0.0f32, 0.0f32);
    for _ in 0..20 {
        let applied: [f32; NUM_BANDS] = std::array::from_fn(|_| rng.random_range(-9.0..9.0));
        let coloured = render_aligned(&pink, &curve(applied, CurveMode::Bands));
        let result = matched(&profile_of(&coloured), &reference, &options);
        let inverse = clamped_inverse(&applied, &result.gains_db);
        let (rms, max) = distance_db(&result.gains_db, &inverse);
        worst_rms = worst_rms.max(rms);
        worst_max = worst_max.max(max);
    }
    eprintln!("recovery: worst {worst_rms:.3} dB RMS, {worst_max:.3} dB max");
    assert!(worst_rms <= 0.5, "{worst_rms} dB RMS");
    assert!(worst_max <= 1.0, "{worst_max} dB max");
}

/// Generated music and a version of it coloured by a smooth random curve, 4–5 dB RMS apart.
fn music_and_reference() -> (Vec<Vec<f32>>, Profile, Profile) {
    let song = music(3, RATE_HZ, 20.0);
    let mut rng = SmallRng::seed_from_u64(42);
    let colour: [f32; NUM_BANDS] = std::array::from_fn(|_| rng.random_range(-10.0..10.0));
    let reference = profile_of(&render_aligned(&song, &curve(colour, CurveMode::Smooth)));
    let source = profile_of(&song);
    (song, source, reference)
}

#[test]
fn one_match_brings_music_within_0_6_db_rms_of_its_reference_in_both_curve_modes() {
    let (song, source, reference) = music_and_reference();
    let (start, _) = distance_db(&source.band_levels_db, &reference.band_levels_db);
    eprintln!("music: start {start:.2} dB RMS");
    assert!((4.0..=5.0).contains(&start), "start {start} dB RMS");
    for curve_mode in CurveMode::ALL {
        let options = MatchOptions {
            curve_mode,
            ..MatchOptions::default()
        };
        let result = matched(&source, &reference, &options);
        let output = profile_of(&render_aligned(&song, &curve(result.gains_db, curve_mode)));
        let (rms, max) = distance_db(&output.band_levels_db, &reference.band_levels_db);
        eprintln!("music {curve_mode:?}: {rms:.3} dB RMS, {max:.3} dB max after one match");
        assert!(rms <= 0.6, "{curve_mode:?}: {rms} dB RMS");
    }
}

#[test]
fn silence_or_a_fade_appended_to_the_source_moves_no_gain_by_more_than_0_1_db() {
    let (_, _, reference) = music_and_reference();
    let long = music(3, RATE_HZ, 20.0 + FADE_SECONDS);
    let body = 20 * RATE_HZ as usize;
    let song: Vec<Vec<f32>> = long.iter().map(|c| c[..body].to_vec()).collect();
    let silent_tail: Vec<Vec<f32>> = song
        .iter()
        .map(|c| {
            c.iter()
                .copied()
                .chain(std::iter::repeat_n(0.0, 30 * RATE_HZ as usize))
                .collect()
        })
        .collect();
    // The song goes on while fading out to -60 dB (linear in dB). The fade's first 20 dB pass
    // the relative gate, as they should: they are the song, a little quieter.
    let fade_len = long[0].len() - body;
    let faded_tail: Vec<Vec<f32>> = long
        .iter()
        .map(|c| {
            let fade = c[body..].iter().enumerate().map(|(i, &x)| {
                let gain_db = -60.0 * i as f32 / fade_len as f32;
                x * 10f32.powf(gain_db / 20.0)
            });
            c[..body].iter().copied().chain(fade).collect()
        })
        .collect();
    for curve_mode in CurveMode::ALL {
        let options = MatchOptions {
            curve_mode,
            ..MatchOptions::default()
        };
        let plain = matched(&profile_of(&song), &reference, &options).gains_db;
        for (what, tail) in [("silence", &silent_tail), ("fade", &faded_tail)] {
            let gains = matched(&profile_of(tail), &reference, &options).gains_db;
            let moved = (0..NUM_BANDS)
                .map(|band| (gains[band] - plain[band]).abs())
                .fold(0.0f32, f32::max);
            eprintln!("gating {curve_mode:?} {what}: largest move {moved:.3} dB");
            assert!(moved <= 0.1, "{curve_mode:?} {what}: {moved} dB");
        }
    }
}

#[test]
fn a_profile_matched_to_itself_and_amounts_of_50_and_minus_100_percent() {
    let (_, source, reference) = music_and_reference();
    for curve_mode in CurveMode::ALL {
        let with = |amount_percent: f32| MatchOptions {
            amount_percent,
            curve_mode,
            ..MatchOptions::default()
        };
        let own = matched(&source, &source, &with(100.0));
        assert!(own.gains_db.iter().all(|g| g.abs() <= 0.05), "{own:?}");
        let full = matched(&source, &reference, &with(100.0)).gains_db;
        let half = matched(&source, &reference, &with(50.0)).gains_db;
        let negated = matched(&source, &reference, &with(-100.0)).gains_db;
        for band in 0..NUM_BANDS {
            assert!(
                (half[band] - full[band] / 2.0).abs() <= 0.05,
                "{curve_mode:?}"
            );
            assert!((negated[band] + full[band]).abs() <= 0.05, "{curve_mode:?}");
        }
    }
}

#[test]
fn learning_while_processing_equals_analysis_only_in_any_block_size() {
    let song = music(5, RATE_HZ, 6.0);
    let analysed = profile_of(&song);
    let mut engine = engine_with(RATE_HZ as f32, 2, &EqSettings::default());
    engine.set_profile_learning(true);
    let padded: Vec<Vec<f32>> = song
        .iter()
        .map(|c| {
            c.iter()
                .copied()
                .chain(std::iter::repeat_n(0.0, 4096))
                .collect()
        })
        .collect();
    render_blocks(&mut engine, &padded, &[1, 77, 512, 4096, 300]);
    let learned = engine.profile_learner().profile().expect("not silent");
    for band in 0..NUM_BANDS {
        let diff = (learned.band_levels_db[band] - analysed.band_levels_db[band]).abs();
        assert!(diff < 0.01, "band {}: {diff} dB", band + 1);
    }
}
