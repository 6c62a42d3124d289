//! The segment plan: split segments shrink near the end and cover the file.

use super::*;
use bark_eq_dsp::{EqSettings, FftSize};

/// A stereo 48 kHz engine at FFT 4096 (hop 1024).
fn stereo_engine_at_fft_4096() -> Engine {
    let settings = EqSettings {
        fft_size: FftSize::N4096,
        ..EqSettings::default()
    };
    Engine::new(48_000.0, 2, &settings).unwrap()
}

#[test]
fn split_segments_shrink_near_the_end_to_the_tail_length_and_cover_the_file() {
    let engine = stereo_engine_at_fft_4096();
    let plan = SegmentPlan::with_segment_frames(&engine, 64 * 4096, Some(3 * 1024)).with_tail(
        &engine,
        16 * 4096,
        2,
    );
    let total = 120 * 48_000;
    let (mut start, mut lengths) = (0u64, Vec::new());
    while start < total {
        let len = plan.segment_len(start, Some(total));
        assert_eq!(len % 4096, 0, "whole hops and FLAC blocks");
        lengths.push(len);
        start += len as u64;
    }
    // Full segments while a share per thread is larger, then shorter ones down to the tail.
    assert_eq!(lengths[0], 64 * 4096);
    assert!(lengths.windows(2).all(|w| w[1] <= w[0]), "{lengths:?}");
    assert_eq!(*lengths.last().unwrap(), 16 * 4096);
    assert!(lengths.len() < 32, "{}", lengths.len());
    // Unknown length or sequential: always the full length.
    assert_eq!(plan.segment_len(total - 10, None), 64 * 4096);
    let sequential =
        SegmentPlan::with_segment_frames(&engine, 64 * 4096, None).with_tail(&engine, 16 * 4096, 2);
    assert_eq!(sequential.segment_len(total - 10, Some(total)), 64 * 4096);
}

#[test]
fn positional_regions_halve_a_share_per_thread_down_to_the_tail_and_cover_the_file() {
    let engine = stereo_engine_at_fft_4096();
    let plan = SegmentPlan::new(&engine, true).with_tail(&engine, 8 * 4096, 2);
    let total = 120 * 48_000;
    let (mut start, mut lengths) = (0u64, Vec::new());
    while start < total {
        let len = plan.region_len(start, total);
        assert_eq!(len % 4096, 0, "whole hops and FLAC blocks");
        lengths.push(len);
        start += len;
    }
    // The first region is a quarter of the file (half a share for each of two threads), the
    // last ones the tail: 16 regions where segments of at most 64 FFT lengths make 28.
    assert_eq!(lengths[0], (total / 4).div_ceil(8 * 4096) * 8 * 4096);
    assert!(lengths.windows(2).all(|w| w[1] <= w[0]), "{lengths:?}");
    assert_eq!(lengths[lengths.len() - 2], 8 * 4096);
    assert_eq!(lengths.len(), 16, "{lengths:?}");
    assert_eq!(plan.block_frames, 1 << 16);
}

#[test]
fn only_an_engine_that_can_be_restarted_exactly_is_split() {
    let linear = Engine::new(48_000.0, 2, &EqSettings::default()).unwrap();
    assert!(can_split(&linear));
    let zero_latency = Engine::new(
        48_000.0,
        2,
        &EqSettings {
            phase: bark_eq_dsp::settings::PhaseMode::ZeroLatency,
            ..EqSettings::default()
        },
    )
    .unwrap();
    assert!(
        !can_split(&zero_latency),
        "an IIR filter's memory never ends"
    );
}
