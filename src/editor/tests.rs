//! Headless tests of the real editor UI with egui_kittest (no display, no GPU): a recording
//! `GuiContext` ([`RecordingHost`]) stands in for the host and logs every begin / set / end.

use std::sync::Arc;

use egui::accesskit::Role;
use egui::{vec2, Event, Modifiers, MouseWheelSource, MouseWheelUnit, Pos2, TouchPhase, Vec2};
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::Harness;

use super::plot::{PlotAxes, PLOT_LABEL};
pub use super::test_host::{editor_harness, load_reference, set_from_host, Call, RecordingHost};
use super::{controls, mixing, EditorView};
use crate::analyzer::AnalyzerFrame;
use crate::params::{BarkEqParams, CurveParam, FftSizeParam, PhaseParam, StereoParam};
use crate::status::EngineStatus;
use crate::LatencySettings;
use bark_eq_dsp::bands::band_centre_hz;
use bark_eq_dsp::settings::{PhaseMode, StereoTarget};
use bark_eq_dsp::{band_name, CurveMode, Engine, FftSize, NUM_BANDS};

/// Sample rate the tests run the editor and the engine at.
pub(super) const RATE_HZ: f32 = 48_000.0;
/// Points a test drag moves, in this many pointer events.
const DRAG_STEPS: usize = 8;

/// The editor in a 900×480 harness with a recording host.
pub(super) struct Fixture {
    pub(super) params: Arc<BarkEqParams>,
    pub(super) host: Arc<RecordingHost>,
    pub(super) status: Arc<EngineStatus>,
    pub(super) harness: Harness<'static, EditorView>,
}

impl Fixture {
    pub(super) fn new(view: EditorView) -> Self {
        Self::new_with_active(view, LatencySettings::default())
    }

    /// The editor of an engine activated (stereo, 48 kHz) with `active`.
    fn new_with_active(view: EditorView, active: LatencySettings) -> Self {
        let params = Arc::new(BarkEqParams::default());
        let host = Arc::new(RecordingHost::new(params.clone()));
        let status = Arc::new(EngineStatus::default());
        let latency = match active.phase {
            PhaseMode::Linear => 4096,
            PhaseMode::ZeroLatency => 0,
        };
        status.set(RATE_HZ, latency, active, 2);
        let harness = editor_harness(params.clone(), host.clone(), status.clone(), view);
        let mut fixture = Self {
            params,
            host,
            status,
            harness,
        };
        fixture.harness.run();
        fixture
    }

    pub(super) fn without_analyzer() -> Self {
        Self::new(EditorView::new(None))
    }

    /// Centre of the fader of band `band`.
    pub(super) fn fader_centre(&self, band: usize) -> Pos2 {
        let name = band_name(band);
        self.harness.get_by_label(&name).rect().center()
    }

    /// Drags from `from` by `delta` with `modifiers` held, then releases.
    pub(super) fn drag(&mut self, from: Pos2, delta: Vec2, modifiers: Modifiers) {
        self.harness.event(Event::ModifiersChanged(modifiers));
        self.harness.hover_at(from);
        self.harness.drag_at(from);
        for step in 1..=DRAG_STEPS {
            self.harness
                .hover_at(from + delta * (step as f32 / DRAG_STEPS as f32));
        }
        self.harness.drop_at(from + delta);
        self.harness.event(Event::ModifiersChanged(Modifiers::NONE));
        self.harness.run();
    }

    /// Band gains in dB.
    pub(super) fn band_gains(&self) -> [f32; NUM_BANDS] {
        std::array::from_fn(|band| self.params.bands[band].gain.value())
    }
}

/// Asserts that `calls` form one gesture on `id`: begin, at least one set, end.
pub(super) fn assert_one_gesture(calls: &[Call], id: &str) {
    assert!(
        calls.len() >= 3,
        "expected a gesture on {id}, got {calls:?}"
    );
    assert_eq!(calls[0], Call::Begin(id.to_string()), "{calls:?}");
    assert_eq!(
        calls[calls.len() - 1],
        Call::End(id.to_string()),
        "{calls:?}"
    );
    for call in &calls[1..calls.len() - 1] {
        assert!(
            matches!(call, Call::Set(set_id, _) if set_id == id),
            "{calls:?}"
        );
    }
}

/// The value of the last `Set` in `calls`.
fn last_set(calls: &[Call]) -> f32 {
    calls
        .iter()
        .rev()
        .find_map(|call| match call {
            Call::Set(_, value) => Some(*value),
            _ => None,
        })
        .expect("a set call")
}

#[test]
fn dragging_a_fader_sets_exactly_that_band_in_one_gesture() {
    let mut fixture = Fixture::without_analyzer();
    let from = fixture.fader_centre(8);
    fixture.drag(from, vec2(0.0, -40.0), Modifiers::NONE);
    let calls = fixture.host.take_calls();
    assert_one_gesture(&calls, "band_9");
    let gains = fixture.band_gains();
    assert_eq!(last_set(&calls), gains[8]);
    // The handle follows the pointer: 40 points of a ~108-point, 24 dB track.
    assert!(
        gains[8] > 5.0 && gains[8] <= 12.0,
        "band 9 at {} dB",
        gains[8]
    );
    for (band, &gain) in gains.iter().enumerate().filter(|&(band, _)| band != 8) {
        assert_eq!(gain, 0.0, "band {band} moved");
    }
    // Dragging down cuts.
    fixture.drag(from, vec2(0.0, 80.0), Modifiers::NONE);
    assert_one_gesture(&fixture.host.take_calls(), "band_9");
    assert!(fixture.band_gains()[8] < gains[8] - 5.0);
}

#[test]
fn shift_or_ctrl_drag_is_ten_times_finer() {
    let mut fixture = Fixture::without_analyzer();
    fixture.drag(fixture.fader_centre(3), vec2(0.0, -40.0), Modifiers::NONE);
    let coarse_db = fixture.band_gains()[3];
    for (band, modifiers) in [(4, Modifiers::SHIFT), (5, Modifiers::CTRL)] {
        fixture.host.take_calls();
        fixture.drag(fixture.fader_centre(band), vec2(0.0, -40.0), modifiers);
        let fine_db = fixture.band_gains()[band];
        assert_one_gesture(&fixture.host.take_calls(), &format!("band_{}", band + 1));
        assert!(
            fine_db > 0.0 && (fine_db - coarse_db * 0.1).abs() <= 0.2,
            "{modifiers:?}: fine {fine_db} dB vs coarse {coarse_db} dB"
        );
    }
}

#[test]
fn double_click_resets_a_band_to_zero_in_one_gesture() {
    let mut fixture = Fixture::without_analyzer();
    set_from_host(&fixture.params.bands[4].gain, 5.0);
    fixture.harness.run();
    let name = band_name(4);
    let fader = fixture.harness.get_by_label(&name);
    fader.click();
    fader.click();
    fixture.harness.run();
    assert_eq!(fixture.band_gains()[4], 0.0);
    let id = "band_5".to_string();
    assert_eq!(
        fixture.host.take_calls(),
        [
            Call::Begin(id.clone()),
            Call::Set(id.clone(), 0.0),
            Call::End(id)
        ]
    );
}

#[test]
fn the_mouse_wheel_nudges_a_band() {
    let mut fixture = Fixture::without_analyzer();
    let centre = fixture.fader_centre(19);
    fixture.harness.hover_at(centre);
    fixture.harness.event(Event::MouseWheel {
        unit: MouseWheelUnit::Line,
        delta: vec2(0.0, 2.0),
        phase: TouchPhase::Move,
        source: MouseWheelSource::Wheel,
        modifiers: Modifiers::NONE,
    });
    fixture.harness.run();
    assert_eq!(fixture.band_gains()[19], 1.0);
    let id = "band_20".to_string();
    assert_eq!(
        fixture.host.take_calls(),
        [
            Call::Begin(id.clone()),
            Call::Set(id.clone(), 1.0),
            Call::End(id)
        ]
    );
}

#[test]
fn flat_zeroes_every_band_with_one_gesture_per_changed_band() {
    let mut fixture = Fixture::without_analyzer();
    for (band, gain_db) in [(0, 3.0), (4, -6.5), (24, 12.0)] {
        set_from_host(&fixture.params.bands[band].gain, gain_db);
    }
    fixture.harness.run();
    fixture.harness.get_by_label(controls::FLAT_LABEL).click();
    fixture.harness.run();
    assert_eq!(fixture.band_gains(), [0.0; NUM_BANDS]);
    let expected: Vec<Call> = ["band_1", "band_5", "band_25"]
        .into_iter()
        .flat_map(|id| {
            let id = id.to_string();
            [
                Call::Begin(id.clone()),
                Call::Set(id.clone(), 0.0),
                Call::End(id),
            ]
        })
        .collect();
    assert_eq!(fixture.host.take_calls(), expected);
}

#[test]
fn host_automation_moves_the_fader() {
    let mut fixture = Fixture::without_analyzer();
    let name = band_name(12);
    assert_eq!(
        fixture.harness.get_by_label(&name).value().as_deref(),
        Some("0.0 dB")
    );
    set_from_host(&fixture.params.bands[12].gain, -7.5);
    fixture.harness.run();
    let fader = fixture.harness.get_by_label(&name);
    assert_eq!(fader.value().as_deref(), Some("-7.5 dB"));
    assert_eq!(fader.accesskit_node().numeric_value(), Some(-7.5));
    assert!(
        fixture.host.take_calls().is_empty(),
        "the editor echoed a host change"
    );
}

#[test]
fn dragging_on_the_plot_sets_the_nearest_band_to_the_pointer_level() {
    let mut fixture = Fixture::without_analyzer();
    let axes = PlotAxes {
        rect: fixture.harness.get_by_label(PLOT_LABEL).rect(),
    };
    let from = Pos2::new(axes.freq_to_x(band_centre_hz(8)) + 6.0, axes.db_to_y(0.0));
    let to_y = axes.db_to_y(6.0);
    fixture.drag(from, vec2(0.0, to_y - from.y), Modifiers::NONE);
    let calls = fixture.host.take_calls();
    assert_one_gesture(&calls, "band_9");
    assert!((fixture.band_gains()[8] - 6.0).abs() <= 0.15, "{calls:?}");
}

#[test]
fn holding_alt_or_the_middle_button_solos_a_band_for_as_long_as_it_is_held() {
    let mut fixture = Fixture::without_analyzer();
    let fader = fixture.fader_centre(8);
    fixture.harness.hover_at(fader);
    fixture
        .harness
        .event(Event::ModifiersChanged(Modifiers::ALT));
    fixture.harness.run();
    assert_eq!(fixture.status.solo(), Some(8), "Alt over the 997 Hz fader");
    fixture
        .harness
        .event(Event::ModifiersChanged(Modifiers::NONE));
    fixture.harness.run();
    assert_eq!(fixture.status.solo(), None, "released");

    let axes = PlotAxes {
        rect: fixture.harness.get_by_label(PLOT_LABEL).rect(),
    };
    let over_band_13 = Pos2::new(axes.freq_to_x(band_centre_hz(12)), axes.db_to_y(3.0));
    fixture.harness.hover_at(over_band_13);
    fixture.harness.event(Event::PointerButton {
        pos: over_band_13,
        button: egui::PointerButton::Middle,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    fixture.harness.run();
    assert_eq!(fixture.status.solo(), Some(12), "middle button on the plot");
    fixture.harness.event(Event::PointerButton {
        pos: over_band_13,
        button: egui::PointerButton::Middle,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    fixture.harness.run();
    assert_eq!(fixture.status.solo(), None);
    assert!(
        fixture.host.take_calls().is_empty(),
        "solo is never a parameter gesture"
    );
    assert_eq!(fixture.band_gains(), [0.0; NUM_BANDS]);
}

#[test]
fn dragging_the_output_bar_sideways_sets_the_output_gain() {
    let mut fixture = Fixture::without_analyzer();
    let bar = fixture
        .harness
        .get_by_role_and_label(Role::Slider, controls::OUTPUT_LABEL)
        .rect();
    fixture.drag(
        bar.left_center() + vec2(40.0, 0.0),
        vec2(-30.0, 0.0),
        Modifiers::NONE,
    );
    let calls = fixture.host.take_calls();
    assert_one_gesture(&calls, "output");
    let output_db = fixture.params.output.value();
    // 30 points of a 110-point, 48 dB bar.
    assert!(
        (-14.0..-9.0).contains(&output_db),
        "output at {output_db} dB"
    );
    assert_eq!(fixture.band_gains(), [0.0; NUM_BANDS]);
}

#[test]
fn mode_bypass_and_fft_buttons_set_their_parameters() {
    let mut fixture = Fixture::without_analyzer();
    fixture.harness.get_by_label("Bands").click();
    fixture.harness.run();
    assert_eq!(fixture.params.curve.value(), CurveParam(CurveMode::Bands));
    fixture.harness.get_by_label("Bypass").click();
    fixture.harness.run();
    assert!(fixture.params.bypass.value());
    fixture.harness.get_by_label(controls::FFT_LABEL).click();
    fixture.harness.run();
    fixture.harness.get_by_label("8192").click();
    fixture.harness.run();
    assert_eq!(
        fixture.params.fft_size.value(),
        FftSizeParam(FftSize::N8192)
    );
    let calls = fixture.host.take_calls();
    let begins = calls.iter().filter(|c| matches!(c, Call::Begin(_))).count();
    let ends = calls.iter().filter(|c| matches!(c, Call::End(_))).count();
    assert_eq!((begins, ends, calls.len()), (3, 3, 9), "{calls:?}");
}

#[test]
fn a_new_fft_size_shows_as_pending_and_the_latency_as_compensated_until_the_restart() {
    let mut fixture = Fixture::without_analyzer();
    assert!(fixture
        .harness
        .query_by_label_contains("on restart")
        .is_none());
    set_from_host(&fixture.params.fft_size, FftSizeParam(FftSize::N8192));
    fixture.harness.run();
    fixture.harness.get_by_label("4096 -> 8192 on restart");
    // The engine still runs at 4096 points: the latency the host compensates.
    fixture.harness.get_by_label("Latency 85.3 ms");
    set_from_host(&fixture.params.fft_size, FftSizeParam(FftSize::N4096));
    fixture.harness.run();
    assert!(fixture
        .harness
        .query_by_label_contains("on restart")
        .is_none());
}

#[test]
fn the_drawn_curve_is_the_engine_curve_at_every_bin() {
    let mut fixture = Fixture::without_analyzer();
    for band in 0..NUM_BANDS {
        set_from_host(
            &fixture.params.bands[band].gain,
            ((band * 7) % 25) as f32 - 12.0,
        );
    }
    set_from_host(&fixture.params.output, -4.5);
    // A size waiting for the restart is not drawn: the engine still runs at 4096.
    set_from_host(&fixture.params.fft_size, FftSizeParam(FftSize::N2048));
    for mode in [CurveParam(CurveMode::Smooth), CurveParam(CurveMode::Bands)] {
        set_from_host(&fixture.params.curve, mode);
        fixture.harness.run();

        let mut settings = fixture.params.settings();
        settings.fft_size = FftSize::default();
        let mut engine = Engine::new(RATE_HZ, 1, &settings).expect("48 kHz mono is supported");
        // The engine builds its curve at the end of the first hop.
        let mut silence = vec![0.0; engine.hop_len()];
        engine.process(&mut [&mut silence[..]]);

        let drawn = fixture.harness.state().curve().gains();
        assert_eq!(drawn.len(), engine.curve().len(), "{mode:?}");
        for (bin, (&drawn, &applied)) in drawn.iter().zip(engine.curve()).enumerate() {
            assert!(
                (drawn - applied).abs() <= applied * 1e-6,
                "{mode:?} bin {bin}: drawn {drawn}, engine {applied}"
            );
        }
    }
}

#[test]
fn the_mixing_bar_sets_phase_stereo_auto_gain_and_delta_as_gestures() {
    let mut fixture = Fixture::without_analyzer();
    fixture.harness.get_by_label("Zero latency").click();
    fixture.harness.run();
    assert_eq!(
        fixture.params.phase.value(),
        PhaseParam(PhaseMode::ZeroLatency)
    );
    // The engine runs Linear until the host restarts it; the bar says so.
    fixture
        .harness
        .get_by_label("Linear -> Zero latency on restart");
    fixture
        .harness
        .get_by_label(mixing::AUTO_GAIN_LABEL)
        .click();
    fixture.harness.run();
    assert!(fixture.params.auto_gain.value());
    fixture.harness.get_by_label("0.0 dB");
    fixture.harness.get_by_label(mixing::DELTA_LABEL).click();
    fixture.harness.run();
    assert!(fixture.params.delta.value());
    fixture.harness.get_by_label(mixing::STEREO_LABEL).click();
    fixture.harness.run();
    fixture.harness.get_by_label("Side").click();
    fixture.harness.run();
    assert_eq!(
        fixture.params.stereo.value(),
        StereoParam(StereoTarget::Side)
    );
    let calls = fixture.host.take_calls();
    let begins = calls.iter().filter(|c| matches!(c, Call::Begin(_))).count();
    assert_eq!((begins, calls.len()), (4, 12), "{calls:?}");
}

#[test]
fn in_zero_latency_the_drawn_curve_is_the_iir_banks_response_and_curve_is_disabled() {
    let mut fixture = Fixture::new_with_active(
        EditorView::new(None),
        LatencySettings {
            phase: PhaseMode::ZeroLatency,
            ..LatencySettings::default()
        },
    );
    set_from_host(&fixture.params.phase, PhaseParam(PhaseMode::ZeroLatency));
    for band in 0..NUM_BANDS {
        set_from_host(
            &fixture.params.bands[band].gain,
            ((band * 5) % 25) as f32 - 12.0,
        );
    }
    fixture.harness.run();
    let bands = fixture.harness.get_by_label("Bands");
    assert!(bands.accesskit_node().is_disabled(), "Curve is Linear's");
    let settings = fixture.params.settings();
    let engine = Engine::new(RATE_HZ, 1, &settings).expect("48 kHz mono is supported");
    let curve = fixture.harness.state().curve();
    for bin in (1..curve.gains().len()).step_by(37) {
        let freq_hz = curve.bin_freq_hz(bin);
        let designed = engine
            .iir_design()
            .expect("an engine created in Zero latency has the IIR bank")
            .magnitude_db(engine.iir_coeffs(), freq_hz);
        let drawn = 20.0 * curve.gains()[bin].log10();
        assert!(
            (drawn - designed).abs() < 1e-3,
            "{freq_hz} Hz: {drawn} vs {designed}"
        );
    }
}

#[test]
fn published_spectra_reach_the_view() {
    let (mut input, output) = triple_buffer::triple_buffer(&AnalyzerFrame::default());
    let mut fixture = Fixture::new(EditorView::new(Some(output)));
    assert!(fixture.harness.state().spectrum().is_none());
    let mut frame = AnalyzerFrame {
        sample_rate_hz: RATE_HZ,
        sequence: 1,
        ..AnalyzerFrame::default()
    };
    frame.input_db[100] = -20.0;
    input.write(frame.clone());
    fixture.harness.step();
    assert_eq!(fixture.harness.state().spectrum(), Some(&frame));
    let plot = fixture.harness.get_by_label(PLOT_LABEL);
    assert_eq!(plot.accesskit_node().role(), Role::Canvas);
}

#[test]
fn learn_source_stores_what_the_audio_thread_learned_and_load_reference_reads_a_profile_json() {
    use super::matching;
    use crate::learn::{LearnMode, LearnPublisher};
    use bark_eq_dsp::profile::Profile;
    use bark_eq_dsp::EqSettings;

    let mut fixture = Fixture::without_analyzer();
    let status = fixture.status.clone();
    let mut publisher = LearnPublisher::default();
    publisher.allocate(RATE_HZ, &status);
    let mut engine = Engine::new(RATE_HZ, 2, &EqSettings::default()).expect("supported");
    let mut play = |seconds: f32, engine: &mut Engine| {
        let mut audio = bark_eq_testkit::signals::white_noise(5, 2, (seconds * RATE_HZ) as usize);
        let (left, right) = audio.split_at_mut(1);
        for (l, r) in left[0].chunks_mut(480).zip(right[0].chunks_mut(480)) {
            publisher.prepare(engine, &status);
            let len = l.len();
            engine.process(&mut [l, r]);
            publisher.update(engine, len);
        }
    };

    fixture.harness.get_by_label(matching::MATCH_LABEL).click();
    fixture.harness.run();
    fixture
        .harness
        .get_by_label(matching::LEARN_SOURCE_LABEL)
        .click();
    fixture.harness.run();
    assert_eq!(status.learning().0, LearnMode::Source);
    play(1.0, &mut engine);
    fixture.harness.run();
    assert!(fixture.params.match_profiles.get().source.is_some());
    fixture
        .harness
        .get_by_label(matching::LEARN_SOURCE_LABEL)
        .click();
    fixture.harness.run();
    assert_eq!(status.learning().0, LearnMode::Off);
    // The next block publishes the final sums; nothing after it counts.
    play(0.5, &mut engine);
    fixture.harness.run();
    let source = fixture.params.match_profiles.get().source.expect("learned");
    assert!(
        (source.duration_s - 1.0).abs() < 0.02,
        "{}",
        source.duration_s
    );
    fixture.harness.get_by_label("1.0 s learned");

    // A missing file: one line, no reference.
    let path = std::env::temp_dir().join(format!("bark-match-ref-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&path);
    fixture.harness.get_by_role(Role::TextInput).click();
    fixture.harness.run();
    fixture
        .harness
        .get_by_role(Role::TextInput)
        .type_text(&path.display().to_string());
    fixture.harness.run();
    load_reference(&mut fixture.harness);
    assert_eq!(fixture.params.match_profiles.get().reference, None);
    let shown = path.display().to_string();
    let error = fixture
        .harness
        .query_all(egui_kittest::kittest::by().role(Role::Label))
        .filter_map(|node| node.accesskit_node().value())
        .find(|text| text.starts_with(&format!("{shown}: ")));
    assert!(error.is_some_and(|e| !e.contains('\n')));
    // The same path once it holds a profile (as `bark-eq analyze --json` writes it).
    let reference = Profile {
        duration_s: 3.0,
        ..source.clone()
    };
    std::fs::write(&path, reference.to_json()).expect("temp file");
    load_reference(&mut fixture.harness);
    let _ = std::fs::remove_file(&path);
    assert_eq!(
        fixture.params.match_profiles.get().reference,
        Some(reference)
    );
}
