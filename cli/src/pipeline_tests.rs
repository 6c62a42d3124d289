//! Split renders are byte-identical to one pass (docs/DESIGN.md#offline-rendering): the
//! warm-up a fresh engine needs, measured, and whole files cut into segments at every FFT
//! size, two rates, three channel layouts and both output containers. A split WAV render with
//! nothing measured is positional (`positional.rs`: regions streamed in blocks, written in
//! place); FLAC output and a measured input go through the in-order queue (`split.rs`).

use std::path::Path;

use bark_eq_audio::AudioReader;
use bark_eq_dsp::{Engine, EqSettings, FftSize};
use bark_eq_testkit::white_noise;
use indicatif::ProgressBar;

use super::{run, Sink};
use crate::args::BitsArg;
use crate::encode::{ChunkEncoder, Container, OutputFormat};
use crate::loudness::Meter;
use crate::output::OutputFile;
use crate::segments::{Feeder, SegmentPlan, MIN_WARMUP_HOPS};

/// Block sizes cycled through when feeding the reference engine: short, odd, hop-crossing.
const BLOCKS: [usize; 7] = [1, 7, 64, 511, 4096, 1000, 2999];

/// Settings with something in every band, so that no frame is a plain copy.
fn settings(fft_size: FftSize) -> EqSettings {
    let mut settings = EqSettings {
        fft_size,
        output_gain_db: -1.5,
        ..EqSettings::default()
    };
    for (band, gain) in settings.band_gains_db.iter_mut().enumerate() {
        *gain = (band as f32 * 1.7).sin() * 9.0;
    }
    settings
}

/// The latency-compensated output of a fresh engine fed `input` in blocks of varying size,
/// then N frames of silence: what one sequential pass writes.
fn one_pass(engine: &mut Engine, input: &[Vec<f32>]) -> Vec<Vec<f32>> {
    let latency = engine.latency_samples() as usize;
    let mut planes: Vec<Vec<f32>> = input
        .iter()
        .map(|c| {
            let mut padded = c.clone();
            padded.resize(c.len() + latency, 0.0);
            padded
        })
        .collect();
    let len = planes[0].len();
    let (mut start, mut block) = (0, 0);
    while start < len {
        let end = (start + BLOCKS[block % BLOCKS.len()]).min(len);
        let mut channels: Vec<&mut [f32]> = planes.iter_mut().map(|p| &mut p[start..end]).collect();
        engine.process(&mut channels);
        start = end;
        block += 1;
    }
    planes.iter().map(|p| p[latency..].to_vec()).collect()
}

#[test]
fn a_fresh_engine_matches_one_pass_from_three_hops_after_its_start() {
    let rate_hz = 48_000.0;
    for fft_size in [FftSize::N1024, FftSize::N4096] {
        let settings = settings(fft_size);
        let mut engine = Engine::new(rate_hz, 2, &settings).unwrap();
        let hop = engine.hop_len();
        let input = white_noise(5, 2, 40 * hop + 123);
        let reference = one_pass(&mut engine, &input);
        for start_hops in [4, 9, 17] {
            let start = start_hops * hop;
            let tail: Vec<Vec<f32>> = input.iter().map(|c| c[start..].to_vec()).collect();
            let mut fresh = Engine::new(rate_hz, 2, &settings).unwrap();
            let restarted = one_pass(&mut fresh, &tail);
            // The last output frame that differs, relative to the restart: every frame from
            // three hops on is identical, and a warm-up of two hops is not enough (the frame
            // that reached back before the restart still weighs in, if only by the synthesis
            // window's last few samples, which can round away for the very last one).
            let last_difference = (0..tail[0].len()).rev().find(|&i| {
                (0..2).any(|c| restarted[c][i].to_bits() != reference[c][start + i].to_bits())
            });
            let last = last_difference.expect("the first hops differ");
            assert!(
                ((MIN_WARMUP_HOPS - 1) * hop..MIN_WARMUP_HOPS * hop).contains(&last),
                "FFT {fft_size:?}, restart at hop {start_hops}: last difference at {last}"
            );
        }
    }
}

/// Renders `path` with `plan` into `out` and returns the file's bytes.
fn render(
    path: &Path,
    out: &Path,
    settings: &EqSettings,
    format: OutputFormat,
    plan: impl Fn(&Engine) -> SegmentPlan,
) -> Vec<u8> {
    render_measured(path, out, settings, format, plan, false).0
}

/// [`render`], measuring the input if `measure_input` (which makes a split render read the
/// file in turn, under the feeder's lock, rather than each thread reading its segments), and
/// the integer samples clipped.
fn render_measured(
    path: &Path,
    out: &Path,
    settings: &EqSettings,
    format: OutputFormat,
    plan: impl Fn(&Engine) -> SegmentPlan,
    measure_input: bool,
) -> (Vec<u8>, u64) {
    let mut reader = AudioReader::open(path).unwrap();
    let (rate_hz, channels) = (reader.sample_rate_hz(), reader.num_channels());
    let engine = Engine::new(rate_hz as f32, channels, settings).unwrap();
    let plan = plan(&engine);
    let encoder = ChunkEncoder::new(format, rate_hz, channels).unwrap();
    let mut file = OutputFile::create(out, rate_hz, channels, format).unwrap();
    let hidden = ProgressBar::hidden();
    let mut meter = measure_input.then(|| Meter::new(channels, rate_hz).unwrap());
    let mut feeder = Feeder::new(&mut reader, plan, meter.as_mut(), &hidden);
    assert_eq!(
        feeder.random_access().is_some(),
        plan.warmup.is_some() && !measure_input
    );
    let mut sink = Sink {
        encoder: Some(&encoder),
        file: Some(&mut file),
        meter: None,
    };
    run(&mut feeder, engine, plan, settings, &mut sink).unwrap();
    assert_eq!(feeder.total_frames(), Some(file.frames()));
    let clipped = file.clipped_samples();
    file.commit(true).unwrap();
    (std::fs::read(out).unwrap(), clipped)
}

/// Writes planar `channels` as a float WAV through the CLI's own writer.
fn write_wav(path: &Path, rate_hz: u32, channels: &[Vec<f32>], format: OutputFormat) {
    let encoder = ChunkEncoder::new(format, rate_hz, channels.len()).unwrap();
    let mut file = OutputFile::create(path, rate_hz, channels.len(), format).unwrap();
    let planes: Vec<&[f32]> = channels.iter().map(Vec::as_slice).collect();
    file.write_chunk(&encoder.encode(&planes, 0, Vec::new()).unwrap())
        .unwrap();
    file.commit(true).unwrap();
}

#[test]
fn split_renders_are_byte_identical_to_one_pass_at_every_fft_size() {
    let dir = tempfile::tempdir().unwrap();
    let float_wav = OutputFormat {
        container: Container::Wav,
        bits: BitsArg::Float32,
    };
    for rate_hz in [48_000u32, 44_100] {
        for (size_index, fft_size) in FftSize::ALL.into_iter().enumerate() {
            let settings = settings(fft_size);
            let num_channels = [2, 1, 3][size_index % 3];
            let fft_len = fft_size.size_at_rate(rate_hz as f32);
            // Segments of 2N (at least one FLAC block), so the file holds five and a bit.
            let segment = (2 * fft_len).max(4096);
            let input = white_noise(size_index as u64, num_channels, 5 * segment + 777);
            let input_path = dir.path().join("in.wav");
            write_wav(&input_path, rate_hz, &input, float_wav);
            let mut engine = Engine::new(rate_hz as f32, num_channels, &settings).unwrap();
            let reference_path = dir.path().join("reference.wav");
            write_wav(
                &reference_path,
                rate_hz,
                &one_pass(&mut engine, &input),
                float_wav,
            );
            let reference = std::fs::read(&reference_path).unwrap();
            let what = format!("{rate_hz} Hz, FFT {fft_len}, {num_channels} ch");
            let sequential = render(
                &input_path,
                &dir.path().join("seq.wav"),
                &settings,
                float_wav,
                |e| SegmentPlan::with_segment_frames(e, segment, None),
            );
            assert!(sequential == reference, "sequential, {what}");
            for (warmup, in_turn) in [(fft_len, false), (3 * fft_len / 4, false), (fft_len, true)] {
                let (split, _) = render_measured(
                    &input_path,
                    &dir.path().join("split.wav"),
                    &settings,
                    float_wav,
                    |e| SegmentPlan::with_segment_frames(e, segment, Some(warmup)),
                    in_turn,
                );
                assert!(
                    split == reference,
                    "split, warm-up {warmup}, {}, {what}",
                    if in_turn {
                        "in order, read in turn"
                    } else {
                        "positional"
                    }
                );
            }
            // Long segments that shrink to `segment` near the end (as `SegmentPlan::new`
            // plans them), shared by two and by three threads.
            for threads in [2, 3] {
                let shrinking = render(
                    &input_path,
                    &dir.path().join("shrinking.wav"),
                    &settings,
                    float_wav,
                    |e| {
                        SegmentPlan::with_segment_frames(e, 3 * segment, Some(3 * fft_len / 4))
                            .with_tail(e, segment / 2, threads)
                    },
                );
                assert!(
                    shrinking == reference,
                    "shrinking, {threads} threads, {what}"
                );
            }
        }
    }
}

#[test]
fn split_flac_and_dithered_wav_are_byte_identical_to_sequential_ones() {
    let dir = tempfile::tempdir().unwrap();
    let input = white_noise(9, 2, 100_000);
    let input_path = dir.path().join("in.wav");
    let float_wav = OutputFormat {
        container: Container::Wav,
        bits: BitsArg::Float32,
    };
    write_wav(&input_path, 48_000, &input, float_wav);
    let settings = settings(FftSize::N2048);
    for (container, bits) in [
        (Container::Flac, BitsArg::Int16),
        (Container::Flac, BitsArg::Int24),
        (Container::Wav, BitsArg::Int16),
    ] {
        let format = OutputFormat { container, bits };
        let out = dir.path().join(format!("out.{}", container.extension()));
        let sequential = render(&input_path, &out, &settings, format, |e| {
            SegmentPlan::with_segment_frames(e, 8192, None)
        });
        let split = render(&input_path, &out, &settings, format, |e| {
            SegmentPlan::with_segment_frames(e, 8192, Some(2048))
        });
        assert!(split == sequential, "{format:?}");
    }
}

#[test]
fn a_positional_render_clips_and_dithers_exactly_as_one_pass() {
    let dir = tempfile::tempdir().unwrap();
    // Twice full scale: a good share of the 16-bit samples clip.
    let input: Vec<Vec<f32>> = white_noise(11, 2, 150_000)
        .into_iter()
        .map(|c| c.into_iter().map(|x| 2.0 * x).collect())
        .collect();
    let input_path = dir.path().join("loud.wav");
    let float_wav = OutputFormat {
        container: Container::Wav,
        bits: BitsArg::Float32,
    };
    write_wav(&input_path, 48_000, &input, float_wav);
    let int16_wav = OutputFormat {
        container: Container::Wav,
        bits: BitsArg::Int16,
    };
    let out = dir.path().join("out.wav");
    let settings = settings(FftSize::N1024);
    let sequential = render_measured(
        &input_path,
        &out,
        &settings,
        int16_wav,
        |e| SegmentPlan::with_segment_frames(e, 8192, None),
        false,
    );
    assert!(sequential.1 > 1000, "{} samples clipped", sequential.1);
    // Regions of a half share per thread for two threads, down to 8192 frames, read and
    // written in blocks of 4096 frames.
    let positional = render_measured(
        &input_path,
        &out,
        &settings,
        int16_wav,
        |e| SegmentPlan {
            block_frames: 4096,
            ..SegmentPlan::with_segment_frames(e, 8192, Some(768)).with_tail(e, 8192, 2)
        },
        false,
    );
    assert!(positional.0 == sequential.0, "the 16-bit files differ");
    assert_eq!(positional.1, sequential.1, "samples clipped");
}
