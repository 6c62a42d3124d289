//! The built plugin as a VST3 host sees it (docs/DESIGN.md#host-behaviour): the same cdylib, loaded with
//! `libloading` and driven through the `vst3` bindings: factory, parameters, processing with
//! the reported latency, latency changes, and a state round trip. VST3 values are normalized.

mod host_common;

use host_common::vst3_session::{audio_buses, c_text, utf16_text, Vst3Module, Vst3Plugin};
use host_common::*;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use vst3::Steinberg::Vst::ParameterInfo_::ParameterFlags_::{kCanAutomate, kIsBypass};
use vst3::Steinberg::{
    kResultOk, IPluginFactory2, IPluginFactory2Trait, IPluginFactoryTrait, PClassInfo, PClassInfo2,
    PFactoryInfo, TUID,
};

/// Sample rate of the tests.
const RATE_HZ: f64 = 48_000.0;
/// Block size of the tests.
const BLOCK: usize = 512;

/// The class ID (`Vst3Plugin::VST3_CLASS_ID`; nice-plug reorders it only on Windows).
fn class_id() -> TUID {
    b"BarkEqSpectralEq".map(|b| b as std::ffi::c_char)
}

/// Processes `input` in blocks of [`BLOCK`]; `changes` (id, offset, value) go into block 0.
fn process_blocks(
    plugin: &mut Vst3Plugin<'_>,
    input: &[Vec<f32>],
    changes: &[(u32, i32, f64)],
) -> Vec<Vec<f32>> {
    let mut output = vec![Vec::new(); input.len()];
    for start in (0..input[0].len()).step_by(BLOCK) {
        let end = (start + BLOCK).min(input[0].len());
        let block_changes = if start == 0 { changes } else { &[] };
        append(
            &mut output,
            plugin.process(&frames(input, start..end), block_changes),
        );
    }
    output
}

/// Every parameter's normalized value, in host order.
fn all_values(plugin: &Vst3Plugin<'_>) -> Vec<f64> {
    let specs = expected_params();
    specs
        .iter()
        .map(|spec| plugin.normalized(spec.host_id()))
        .collect()
}

#[test]
fn factory_describes_one_fx_eq_audio_module() {
    let module = Vst3Module::open();
    let factory = module.factory();
    // SAFETY: PFactoryInfo is plain data (char arrays and an integer); all zeros is valid.
    let mut factory_info: PFactoryInfo = unsafe { std::mem::zeroed() };
    assert_eq!(
        // SAFETY: `factory` is live while `module` is; the plugin fills a live local.
        unsafe { factory.getFactoryInfo(&mut factory_info) },
        kResultOk
    );
    assert_eq!(c_text(&factory_info.vendor), "Bark EQ");
    // SAFETY: a plain query on the live factory.
    assert_eq!(unsafe { factory.countClasses() }, 1);

    // SAFETY: PClassInfo is plain data (arrays and an integer); all zeros is valid.
    let mut info: PClassInfo = unsafe { std::mem::zeroed() };
    // SAFETY: class 0 exists (counted above); the plugin fills a live local.
    assert_eq!(unsafe { factory.getClassInfo(0, &mut info) }, kResultOk);
    assert_eq!(c_text(&info.category), "Audio Module Class");
    assert_eq!(c_text(&info.name), "Bark EQ");
    assert_eq!(info.cid, class_id());

    let factory_2 = factory.cast::<IPluginFactory2>().expect("IPluginFactory2");
    // SAFETY: PClassInfo2 is plain data (arrays and integers); all zeros is valid.
    let mut info_2: PClassInfo2 = unsafe { std::mem::zeroed() };
    assert_eq!(
        // SAFETY: class 0 exists; the plugin fills a live local.
        unsafe { factory_2.getClassInfo2(0, &mut info_2) },
        kResultOk
    );
    let subcategories = c_text(&info_2.subCategories);
    let parts: Vec<&str> = subcategories.split('|').collect();
    assert!(
        parts.contains(&"Fx") && parts.contains(&"EQ"),
        "subcategories {subcategories:?}"
    );
    assert_eq!(c_text(&info_2.vendor), "Bark EQ");
    assert_eq!(c_text(&info_2.version), env!("CARGO_PKG_VERSION"));
}

#[test]
fn controller_lists_33_parameters_with_frozen_ids_titles_and_flags() {
    let module = Vst3Module::open();
    let plugin = module.create_plugin(&class_id());
    let buses = audio_buses(plugin.component());
    assert_eq!(buses, [(true, 2), (false, 2)], "stereo in, stereo out");
    assert_eq!(plugin.param_count(), 33);
    for (index, spec) in expected_params().iter().enumerate() {
        let what = &spec.string_id;
        let info = plugin.param_info(index as i32);
        assert_eq!(
            info.id,
            spec.host_id(),
            "{what}: ID is the hash of the string ID"
        );
        assert_eq!(utf16_text(&info.title), spec.name, "{what}: title");
        assert!(info.flags & kCanAutomate != 0, "{what}: automatable");
        let is_bypass = spec.is_bypass();
        assert_eq!(
            info.flags & kIsBypass != 0,
            is_bypass,
            "{what}: bypass flag"
        );
        let step_count = spec.kind.step_count().unwrap_or(0) as i32;
        assert_eq!(info.stepCount, step_count, "{what}: steps");
        let default = spec.kind.default_normalized();
        assert_eq!(info.defaultNormalizedValue, default, "{what}: default");
        assert_eq!(plugin.normalized(info.id), default, "{what}: fresh value");
        if let ParamKind::Gain { .. } = spec.kind {
            assert_eq!(utf16_text(&info.units).trim(), "dB", "{what}: units");
        }
    }
    let band_9 = band_id(9);
    assert_eq!(plugin.text_of(band_9, 0.75), "+6.0");
    assert_eq!(plugin.value_of(band_9, "+6.0 dB"), Some(0.75));
    assert_eq!(plugin.text_of(host_param_id("fft_size"), 0.0), "1024");
}

#[test]
fn unity_gains_pass_noise_through_delayed_by_get_latency_samples() {
    let module = Vst3Module::open();
    let mut plugin = module.create_plugin(&class_id());
    plugin.activate(RATE_HZ, BLOCK as i32);
    let latency = plugin.latency() as usize;
    assert_eq!(latency, 4096, "a 4096-point FFT at 48 kHz");
    let input = white_noise(21, 2, latency + 16_384);
    let output = process_blocks(&mut plugin, &input, &[]);
    assert_delayed_copy(&input, &output, latency, "stereo");
}

#[test]
fn fft_size_moved_while_active_changes_the_latency_only_through_a_restart() {
    let module = Vst3Module::open();
    let mut plugin = module.create_plugin(&class_id());
    plugin.activate(RATE_HZ, BLOCK as i32);
    assert_eq!(plugin.latency(), 4096);
    let before = plugin.latency_restart_requests();
    let to_1024 = (host_param_id("fft_size"), 0, 0.0);
    let input = white_noise(24, 2, 4096 + 8192);
    let output = process_blocks(&mut plugin, &input, &[to_1024]);
    assert!(
        plugin.latency_restart_requests() > before,
        "no restartComponent(kLatencyChanged)"
    );
    // Until the host restarts the component, the latency it compensates stays, and so does
    // the engine's size: the output stays aligned.
    assert_eq!(
        plugin.latency(),
        4096,
        "getLatencySamples before the restart"
    );
    assert_delayed_copy(&input, &output, 4096, "before the restart");

    plugin.deactivate();
    plugin.activate(RATE_HZ, BLOCK as i32);
    let latency = plugin.latency() as usize;
    assert_eq!(latency, 1024);
    let input = white_noise(25, 2, latency + 8192);
    let output = process_blocks(&mut plugin, &input, &[]);
    assert_delayed_copy(&input, &output, latency, "after the restart");
}

#[test]
fn validator_sample_rates_activate_and_pass_noise_through_delayed_by_the_latency() {
    let module = Vst3Module::open();
    for (rate_hz, expected_latency) in [(1000.0, 4096), (1234.5678, 4096), (1_234_567.8, 131_072)] {
        let mut plugin = module.create_plugin(&class_id());
        plugin.activate(rate_hz, BLOCK as i32);
        let latency = plugin.latency() as usize;
        assert_eq!(latency, expected_latency, "{rate_hz} Hz");
        let input = white_noise(rate_hz as u64, 2, latency + 4096);
        let output = process_blocks(&mut plugin, &input, &[]);
        assert_delayed_copy(&input, &output, latency, &format!("{rate_hz} Hz"));
    }
}

#[test]
fn bypass_set_on_the_controller_while_processing_reads_back_and_persists() {
    // The VST3 validator's "Parameter Bypass persistence" sequence.
    let module = Vst3Module::open();
    let mut plugin = module.create_plugin(&class_id());
    plugin.activate(RATE_HZ, BLOCK as i32);
    let bypass = host_param_id("bypass");
    assert!(plugin.set_normalized(bypass, 1.0), "setParamNormalized");
    assert_eq!(
        plugin.normalized(bypass),
        1.0,
        "bypass read back while processing"
    );
    plugin.flush(&[(bypass, 0, 1.0)]);
    plugin.set_processing(false);
    let saved = plugin.save_state();

    plugin.set_processing(true);
    assert!(plugin.set_normalized(bypass, 0.0), "setParamNormalized");
    assert_eq!(
        plugin.normalized(bypass),
        0.0,
        "bypass off read back while processing"
    );
    plugin.flush(&[(bypass, 0, 0.0)]);
    plugin.set_processing(false);

    assert_eq!(plugin.load_state(&saved), kResultOk, "setState");
    assert_eq!(
        plugin.set_component_state_on_controller(&saved),
        kResultOk,
        "setComponentState"
    );
    assert_eq!(
        plugin.normalized(bypass),
        1.0,
        "bypass after loading the preset"
    );
}

#[test]
fn state_round_trips_into_a_fresh_component_and_bad_state_is_rejected() {
    let module = Vst3Module::open();
    let mut rng = SmallRng::seed_from_u64(22);
    let mut original = module.create_plugin(&class_id());
    original.activate(RATE_HZ, BLOCK as i32);
    // Random settings as a host sends them: normalized, at the start of a block; bypass off.
    let changes: Vec<(u32, i32, f64)> = expected_params()
        .iter()
        .map(|spec| (spec.host_id(), 0, spec.kind.random_normalized(&mut rng)))
        .collect();
    original.process(&white_noise(0, 2, BLOCK), &changes);
    for &(id, _, value) in &changes {
        assert!(
            (original.normalized(id) - value).abs() < 1e-6,
            "{id} not applied"
        );
    }
    // The FFT size may have changed the latency: the host restarts the plugin.
    original.deactivate();
    let saved = original.save_state();

    let mut restored = module.create_plugin(&class_id());
    assert_eq!(restored.load_state(&saved), kResultOk, "setState");
    assert_eq!(all_values(&restored), all_values(&original));

    original.activate(RATE_HZ, BLOCK as i32);
    restored.activate(RATE_HZ, BLOCK as i32);
    let latency = original.latency() as usize;
    assert_eq!(restored.latency() as usize, latency);
    let input = white_noise(23, 2, latency + 16_384);
    let a = process_blocks(&mut original, &input, &[]);
    let b = process_blocks(&mut restored, &input, &[]);
    assert!(
        bits(&a) == bits(&b),
        "the restored component sounds different"
    );
    assert!(
        delayed_copy_error(&input, &a, latency) > 0.01,
        "the settings change the sound"
    );

    // Bad state is refused and changes nothing.
    let before = all_values(&restored);
    let mut garbled = saved.clone();
    garbled[0] = b'#';
    let random: Vec<u8> = (0..777).map(|_| rng.random()).collect();
    for (what, bytes) in [
        ("empty", &[][..]),
        ("truncated", &saved[..saved.len() / 2]),
        ("garbled", &garbled[..]),
        ("random", &random[..]),
    ] {
        assert_ne!(
            restored.load_state(bytes),
            kResultOk,
            "{what} state accepted"
        );
        assert_eq!(
            all_values(&restored),
            before,
            "{what} state changed parameters"
        );
    }
    // It still processes exactly like the component it was restored from.
    let a = process_blocks(&mut original, &input, &[]);
    let b = process_blocks(&mut restored, &input, &[]);
    assert!(
        bits(&a) == bits(&b),
        "the components differ after rejected loads"
    );
}

#[test]
fn a_state_saved_by_release_0_1_0_loads_with_every_value_bit_identical() {
    let fixture = state_fixture_0_1_0("vst3");
    let module = Vst3Module::open();
    let plugin = module.create_plugin(&class_id());
    assert_eq!(plugin.load_state(&fixture.bytes), kResultOk, "setState");
    for spec in expected_params() {
        let value = plugin.normalized(spec.host_id());
        match fixture.values.iter().find(|(id, _)| *id == spec.string_id) {
            // The fixture holds CLAP values: step indices for stepped parameters.
            Some((_, clap_value)) => {
                let expected = clap_value / spec.kind.clap_max();
                assert_eq!(value.to_bits(), expected.to_bits(), "{}", spec.string_id);
            }
            // Parameters added after 0.1.0 keep their defaults.
            None => {
                let default = spec.kind.default_normalized();
                assert!((value - default).abs() < 1e-9, "{}", spec.string_id);
            }
        }
    }
}

#[test]
fn zero_latency_mode_reports_and_has_no_latency() {
    let module = Vst3Module::open();
    let mut plugin = module.create_plugin(&class_id());
    plugin.activate(RATE_HZ, BLOCK as i32);
    let before = plugin.latency_restart_requests();
    let to_zero = (host_param_id("phase"), 0, 1.0);
    plugin.process(&white_noise(26, 2, BLOCK), &[to_zero]);
    assert!(
        plugin.latency_restart_requests() > before,
        "restartComponent"
    );
    assert_eq!(plugin.latency(), 4096, "until the restart");
    plugin.deactivate();
    plugin.activate(RATE_HZ, BLOCK as i32);
    assert_eq!(plugin.latency(), 0);
    let input = white_noise(27, 2, 8 * BLOCK);
    let output = process_blocks(&mut plugin, &input, &[]);
    assert_delayed_copy(&input, &output, 0, "flat, Zero latency");
}
