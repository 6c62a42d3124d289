//! The segment plan: split segments shrink near the end and cover the file.

use super::*;
use bark_eq_dsp::{EqSettings, FftSize};

#[test]
fn split_segments_shrink_near_the_end_to_the_tail_length_and_cover_the_file() {
    let settings = EqSettings {
        fft_size: FftSize::N4096,
        ..EqSettings::default()
    };
    let engine = Engine::new(48_000.0, 2, &settings).unwrap();
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
