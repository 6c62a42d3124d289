//! The engine's audio path allocates nothing (docs/DESIGN.md#threads-and-what-each-may-do):
//! every setting moved while processing, FFT sizes switched, the analyzer on and off.

use assert_no_alloc::{assert_no_alloc, AllocDisabler};
use bark_eq_dsp::iir::{ZeroLatencyCoeffs, ZeroLatencyDesign, ZeroLatencyFilter};
use bark_eq_dsp::settings::{PhaseMode, StereoTarget};
use bark_eq_dsp::{CurveMode, Engine, EqSettings, FftSize, NUM_BANDS};
use bark_eq_testkit::white_noise;

#[global_allocator]
static ALLOCATOR: AllocDisabler = AllocDisabler;

#[test]
fn apply_and_process_never_allocate_whatever_changes() {
    // Created in Zero latency, the engine can switch both ways.
    let mut settings = EqSettings {
        phase: PhaseMode::ZeroLatency,
        ..EqSettings::default()
    };
    let mut engine = Engine::new(48_000.0, 2, &settings).expect("48 kHz stereo");
    settings.phase = PhaseMode::Linear;
    let mut audio = white_noise(5, 2, 20_000);
    let mut step = 0usize;
    let mut run = |engine: &mut Engine, settings: &EqSettings, len: usize| {
        let [left, right] = &mut audio[..] else {
            unreachable!("two channels")
        };
        assert_no_alloc(|| {
            engine.apply(settings);
            engine.process(&mut [&mut left[..len], &mut right[..len]]);
        });
    };
    for band in 0..NUM_BANDS {
        settings.band_gains_db[band] = if band % 2 == 0 { 12.0 } else { -12.0 };
        step += 1;
        run(&mut engine, &settings, 1 + step * 37 % 2000);
    }
    settings.output_gain_db = -6.0;
    settings.curve_mode = CurveMode::Bands;
    run(&mut engine, &settings, 4096);
    for size in FftSize::ALL.into_iter().chain([FftSize::N1024]) {
        settings.fft_size = size;
        run(&mut engine, &settings, 5000);
    }
    for phase in [
        PhaseMode::ZeroLatency,
        PhaseMode::Linear,
        PhaseMode::ZeroLatency,
    ] {
        settings.phase = phase;
        run(&mut engine, &settings, 3000);
        for target in StereoTarget::ALL {
            settings.stereo = target;
            settings.auto_gain = !settings.auto_gain;
            settings.delta = !settings.delta;
            settings.band_gains_db[7] = -settings.band_gains_db[7];
            run(&mut engine, &settings, 2000);
        }
    }
    for band in [Some(3), Some(24), None, Some(0), None] {
        assert_no_alloc(|| engine.set_solo(band));
        run(&mut engine, &settings, 1500);
    }
    settings.bypass = true;
    run(&mut engine, &settings, 3000);
    settings.bypass = false;
    settings.band_gains_db[3] = f32::NAN;
    run(&mut engine, &settings, 1);
    assert_no_alloc(|| {
        engine.set_analyzer_enabled(true);
        engine.clear_analyzer();
        engine.set_analyzer_enabled(false);
    });
    assert!(audio.iter().flatten().all(|x| x.is_finite()));
}

#[test]
fn the_iir_bank_solves_glides_and_processes_without_allocating() {
    let design = ZeroLatencyDesign::new(48_000.0);
    let mut filter = ZeroLatencyFilter::new(&design);
    let mut coeffs = ZeroLatencyCoeffs::FLAT;
    let mut left = vec![0.25f32; 256];
    let mut right = vec![-0.25f32; 256];
    assert_no_alloc(|| {
        for block in 0..20 {
            let gains: [f32; NUM_BANDS] =
                std::array::from_fn(|b| ((b + block) as f32 * 0.7).sin() * 12.0);
            design.solve(&gains, &mut coeffs);
            filter.set_target(&coeffs);
            filter.process(&mut [&mut left[..], &mut right[..]]);
            let _ = design.magnitude_db(&coeffs, 1000.0);
        }
        filter.snap();
        filter.reset();
    });
    assert!(left.iter().chain(&right).all(|v| v.is_finite()));
}

#[test]
fn profile_learning_and_the_analysis_only_pass_never_allocate() {
    let mut engine = Engine::new(48_000.0, 3, &EqSettings::default()).expect("48 kHz");
    let mut drained = bark_eq_dsp::profile::ProfileLearner::new(48_000.0);
    let mut audio = white_noise(9, 3, 30_000);
    let [a, b, c] = &mut audio[..] else {
        unreachable!("three channels")
    };
    assert_no_alloc(|| {
        engine.set_profile_learning(true);
        engine.process(&mut [&mut a[..], &mut b[..], &mut c[..]]);
        engine.analyze(&[&a[..], &b[..], &c[..]]);
        drained.drain_from(engine.profile_learner_mut());
        engine.profile_learner_mut().clear();
        engine.set_profile_learning(false);
    });
    assert!(drained.profile().is_ok());
}
