//! A timed headless run of the editor (`#[ignore]`d: run it in release, see
//! docs/BENCHMARKS.md): the whole editor drawn and tessellated frame after frame with the
//! analyzer publishing a new spectrum every frame, at 900×480 and at 200 % scale.
//!
//! `cargo test --release -p bark_eq --lib frame_time -- --ignored --nocapture`

use std::sync::Arc;
use std::time::Instant;

use egui::{Pos2, RawInput, Rect};
use nice_plug::prelude::ParamSetter;

use super::test_host::RecordingHost;
use super::{theme, EditorView};
use crate::analyzer::{AnalyzerFrame, ANALYZER_POINTS};
use crate::params::BarkEqParams;
use crate::status::EngineStatus;
use crate::LatencySettings;

/// Frames timed per size (after as many unmeasured ones).
const FRAMES: usize = 600;

/// Median and 95th percentile frame time in ms at `scale_percent`, window 900×480 points.
fn frame_times_ms(scale_percent: u32) -> (f64, f64) {
    let params = Arc::new(BarkEqParams::default());
    params.ui_scale.store(scale_percent);
    for band in 0..bark_eq_dsp::NUM_BANDS {
        super::tests::set_from_host(&params.bands[band].gain, (band as f32 * 0.7).sin() * 8.0);
    }
    let host = RecordingHost::new(params.clone());
    let setter = ParamSetter::new(&host);
    let status = EngineStatus::default();
    status.set(48_000.0, 4096, LatencySettings::default(), 2);
    let (mut input, output) = triple_buffer::triple_buffer(&AnalyzerFrame::default());
    let mut view = EditorView::with_preset_dir(Some(output), None);
    let ctx = egui::Context::default();
    theme::apply(&ctx);
    let mut times = Vec::with_capacity(FRAMES);
    for frame in 0..2 * FRAMES {
        // A moving spectrum, as music gives.
        let mut spectrum = AnalyzerFrame {
            sample_rate_hz: 48_000.0,
            sequence: frame as u64 + 1,
            ..AnalyzerFrame::default()
        };
        for point in 0..ANALYZER_POINTS {
            let wobble = ((point + frame) as f32 * 0.37).sin() * 6.0;
            spectrum.input_db[point] = -30.0 - point as f32 * 0.15 + wobble;
            spectrum.output_db[point] = spectrum.input_db[point] + 3.0;
        }
        input.write(spectrum);
        let raw = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, egui::vec2(900.0, 480.0))),
            time: Some(frame as f64 / 60.0),
            ..RawInput::default()
        };
        let start = Instant::now();
        let output = ctx.run_ui(raw, |ui| {
            super::draw(ui, &params, &setter, &status, &mut view)
        });
        let primitives = ctx.tessellate(output.shapes.clone(), output.pixels_per_point);
        let elapsed = start.elapsed();
        assert!(!primitives.is_empty());
        if frame >= FRAMES {
            // The scale is egui's zoom: the same layout at scale × the pixels.
            assert_eq!(output.pixels_per_point, scale_percent as f32 / 100.0);
            times.push(elapsed.as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    (times[FRAMES / 2], times[FRAMES * 95 / 100])
}

#[test]
#[ignore = "a measurement: run in release with --ignored --nocapture"]
fn frame_time() {
    for scale_percent in [100, 200] {
        let (median_ms, p95_ms) = frame_times_ms(scale_percent);
        println!("editor frame at {scale_percent} %: median {median_ms:.3} ms, p95 {p95_ms:.3} ms");
    }
}
