//! The audio thread never allocates: every parameter change path runs `process` under
//! `assert_no_alloc`, with its `AllocDisabler` as this test binary's global allocator
//! (an allocation inside aborts the process, failing the test run).

use std::collections::HashMap;

use assert_no_alloc::{assert_no_alloc, AllocDisabler};
use bark_eq::BarkEq;
use bark_eq_dsp::schema::ParamId;
use bark_eq_dsp::EqSettings;
use nice_plug::prelude::{ParamPtr, Params};

#[global_allocator]
static ALLOCATOR: AllocDisabler = AllocDisabler;

/// Pointers to the plugin's parameters by ID, as a host holds them.
fn param_ptrs(plugin: &BarkEq) -> HashMap<String, ParamPtr> {
    plugin
        .params_arc()
        .param_map()
        .into_iter()
        .map(|(id, ptr, _group)| (id, ptr))
        .collect()
}

/// Sets a parameter the way the host wrapper does (normalized value).
fn set(params: &HashMap<String, ParamPtr>, id: &str, normalized: f32) {
    // SAFETY: the pointers point into the plugin's params, alive for the whole test.
    unsafe {
        params[id]._internal_set_normalized_value(normalized);
    }
}

/// Stereo noise-like buffers of `len` samples.
fn buffers(len: usize) -> [Vec<f32>; 2] {
    let wave = |seed: usize| {
        (0..len)
            .map(|i| ((i * seed) % 97) as f32 / 97.0 - 0.5)
            .collect()
    };
    [wave(31), wave(57)]
}

/// Processes `blocks` blocks of `block_len` samples with allocation forbidden.
fn process_without_alloc(plugin: &mut BarkEq, channels: &mut [Vec<f32>; 2], block_len: usize) {
    let [left, right] = channels;
    assert_no_alloc(|| {
        for (l, r) in left.chunks_mut(block_len).zip(right.chunks_mut(block_len)) {
            let mut io: [&mut [f32]; 2] = [l, r];
            plugin.process_channels(&mut io);
        }
    });
}

#[test]
fn process_never_allocates_on_any_parameter_path() {
    let mut plugin = BarkEq::default();
    let params = param_ptrs(&plugin);
    let mut audio = buffers(48_000);
    plugin
        .activate_engine(48_000.0, 2)
        .expect("48 kHz is supported");

    // Steady state.
    process_without_alloc(&mut plugin, &mut audio, 512);
    // Band gains and output gain move (smoothing and curve rebuilds).
    for band in 0..25 {
        set(
            &params,
            ParamId::Band(band).id(),
            (band as f32 / 24.0).clamp(0.0, 1.0),
        );
    }
    set(&params, "output", 0.3);
    process_without_alloc(&mut plugin, &mut audio, 333);
    // Curve mode.
    set(&params, "curve", 1.0);
    process_without_alloc(&mut plugin, &mut audio, 64);
    // FFT size: every size, smallest to largest and back. Processing only asks for a restart
    // (the latency changes in activation, which may allocate); the engine keeps its size.
    for step in [0.0, 0.25, 0.5, 0.75, 1.0, 0.0] {
        set(&params, "fft_size", step);
        let latency_before = plugin.engine().map(|e| e.latency_samples());
        let [left, right] = &mut audio;
        assert_no_alloc(|| {
            let mut io: [&mut [f32]; 2] = [&mut left[..4096], &mut right[..4096]];
            plugin.process_channels(&mut io);
        });
        assert_eq!(plugin.engine().map(|e| e.latency_samples()), latency_before);
        plugin.activate_engine(48_000.0, 2).expect("supported rate");
        process_without_alloc(&mut plugin, &mut audio, 4096);
    }
    // Bypass on and off (crossfades).
    set(&params, "bypass", 1.0);
    process_without_alloc(&mut plugin, &mut audio, 1000);
    set(&params, "bypass", 0.0);
    process_without_alloc(&mut plugin, &mut audio, 1);

    // Re-activation at other sample rates (activation itself may allocate).
    for rate in [44_100.0, 96_000.0, 192_000.0, 22_050.0] {
        plugin.activate_engine(rate, 2).expect("supported rate");
        set(&params, "band_9", 0.75);
        set(&params, "fft_size", 0.5);
        process_without_alloc(&mut plugin, &mut audio, 2048);
    }
    assert!(audio.iter().flatten().all(|x| x.is_finite()));
}

#[test]
fn a_mono_engine_with_the_analyzer_on_does_not_allocate() {
    let mut plugin = BarkEq::default();
    plugin
        .activate_engine(48_000.0, 1)
        .expect("48 kHz is supported");
    let mut engine =
        bark_eq_dsp::Engine::new(44_100.0, 1, &EqSettings::default()).expect("supported");
    let mut mono = buffers(20_000)[0].clone();
    assert_no_alloc(|| {
        engine.set_analyzer_enabled(true);
        for block in mono.chunks_mut(300) {
            engine.process(&mut [block]);
        }
        engine.clear_analyzer();
        engine.set_analyzer_enabled(false);
    });
    let mut silent = vec![0.0f32; 512];
    assert_no_alloc(|| {
        plugin.process_channels(&mut [&mut silent[..]]);
    });
}

#[test]
fn learning_a_match_profile_and_publishing_it_does_not_allocate() {
    use bark_eq::learn::LearnMode;

    let mut plugin = BarkEq::default();
    let status = plugin.status_arc();
    let mut audio = buffers(48_000);
    plugin
        .activate_engine(48_000.0, 2)
        .expect("48 kHz is supported");
    // Learning the source (publishing every 0.1 s), a new request for the reference (the sums
    // cleared), stopping (the last publication), all with allocation forbidden.
    status.set_learning(LearnMode::Source);
    process_without_alloc(&mut plugin, &mut audio, 512);
    status.set_learning(LearnMode::Reference);
    process_without_alloc(&mut plugin, &mut audio, 64);
    status.set_learning(LearnMode::Off);
    process_without_alloc(&mut plugin, &mut audio, 1000);
    let learned = status.learned().expect("published");
    assert_eq!(learned.mode, LearnMode::Reference);
    assert!(learned.seconds > 0.9, "{}", learned.seconds);
    assert!(learned.profile.is_ok());
}
