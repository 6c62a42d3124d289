//! The built plugin as a CLAP host sees it (docs/DESIGN.md#host-behaviour): `clack-host` loads the cdylib that
//! `cargo test` builds and checks the descriptor, ports, parameters, latency, automation, state
//! and what conformance validators probe. CLAP values: gains are normalized (0…1, 0 dB = 0.5),
//! choices and switches are step indices (nice-plug's convention).

mod host_common;

use clack_extensions::params::{ParamInfoFlags, ParamRescanFlags};
use host_common::clap_session::{entry, param_event, ClapPlugin, PortDescription, PLUGIN_ID};
use host_common::*;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// Sample rate of most tests.
const RATE_HZ: f64 = 48_000.0;
/// Block size of most tests.
const BLOCK: usize = 512;
/// Latency at 44.1/48 kHz with the default 4096-point FFT.
const DEFAULT_LATENCY: usize = 4096;

/// A random CLAP value for every parameter, in host order (bypass off).
fn random_values(rng: &mut SmallRng) -> Vec<(u32, f64)> {
    expected_params()
        .iter()
        .map(|spec| {
            let value = spec.kind.random_normalized(rng) * spec.kind.clap_max();
            (spec.host_id(), value)
        })
        .collect()
}

/// Every parameter's current value, in host order.
fn all_values(plugin: &mut ClapPlugin) -> Vec<Option<f64>> {
    expected_params()
        .iter()
        .map(|spec| plugin.param_value(spec.host_id()))
        .collect()
}

#[test]
fn descriptor_names_the_plugin_and_its_features() {
    let entry = entry();
    let factory = entry.get_plugin_factory().expect("plugin factory");
    assert_eq!(factory.plugin_count(), 1);
    let descriptor = factory.plugin_descriptor(0).expect("descriptor");
    assert_eq!(descriptor.id(), Some(PLUGIN_ID));
    assert_eq!(descriptor.name(), Some(c"Bark EQ"));
    assert_eq!(descriptor.vendor(), Some(c"Bark EQ"));
    let version = descriptor.version().map(|v| v.to_string_lossy());
    assert_eq!(version.as_deref(), Some(env!("CARGO_PKG_VERSION")));
    let features: Vec<_> = descriptor.features().map(|f| f.to_string_lossy()).collect();
    for wanted in ["audio-effect", "equalizer", "stereo", "mono"] {
        assert!(
            features.iter().any(|f| f == wanted),
            "{wanted} not in {features:?}"
        );
    }
}

#[test]
fn offers_stereo_and_mono_and_processes_mono() {
    let port = |channel_count, port_type: &str| PortDescription {
        channel_count,
        port_type: Some(port_type.to_string()),
        is_main: true,
    };
    let (stereo, mono) = (port(2, "stereo"), port(1, "mono"));
    let mut plugin = ClapPlugin::new();
    let configs = plugin.audio_port_configs();
    let expected = [
        (stereo.clone(), stereo.clone()),
        (mono.clone(), mono.clone()),
    ];
    assert_eq!(configs, expected, "(input, output) of each configuration");
    assert_eq!(
        plugin.audio_ports(true),
        vec![stereo.clone()],
        "default input"
    );
    assert_eq!(plugin.audio_ports(false), [stereo], "default output");

    plugin.select_audio_ports_config(1);
    assert_eq!(plugin.audio_ports(true), vec![mono.clone()]);
    assert_eq!(plugin.audio_ports(false), [mono]);
    plugin.activate(RATE_HZ, 1, BLOCK as u32);
    let latency = plugin.latency() as usize;
    let input = white_noise(2, 1, latency + 8192);
    let output = plugin.process_in_blocks(&input, &[BLOCK]);
    assert_delayed_copy(&input, &output, latency, "mono");
}

#[test]
fn parameters_have_frozen_ids_names_ranges_defaults_and_flags() {
    let mut plugin = ClapPlugin::new();
    let expected = expected_params();
    assert_eq!(expected.len(), 33);
    assert_eq!(plugin.param_count(), 33);
    for (spec, info) in expected.iter().zip(plugin.all_params()) {
        let what = &spec.string_id;
        assert_eq!(
            info.id,
            spec.host_id(),
            "{what}: ID is the hash of the string ID"
        );
        assert_eq!(info.name, spec.name, "{what}: name");
        let flags = info.flags;
        assert!(
            flags.contains(ParamInfoFlags::IS_AUTOMATABLE),
            "{what}: automatable"
        );
        let hidden = ParamInfoFlags::IS_HIDDEN | ParamInfoFlags::IS_READONLY;
        assert!(!flags.intersects(hidden), "{what}: visible and writable");
        let is_bypass = spec.is_bypass();
        assert_eq!(
            flags.contains(ParamInfoFlags::IS_BYPASS),
            is_bypass,
            "{what}: bypass"
        );
        let stepped = spec.kind.step_count().is_some();
        assert_eq!(
            flags.contains(ParamInfoFlags::IS_STEPPED),
            stepped,
            "{what}: stepped"
        );
        let range = (info.min_value, info.max_value);
        assert_eq!(range, (0.0, spec.kind.clap_max()), "{what}: range");
        let default = spec.kind.default_normalized() * spec.kind.clap_max();
        assert_eq!(info.default_value, default, "{what}: default");
        assert_eq!(
            plugin.param_value(info.id),
            Some(default),
            "{what}: fresh value"
        );
    }
}

#[test]
fn values_convert_to_text_and_back() {
    let mut plugin = ClapPlugin::new();
    let band_9 = band_id(9);
    assert_eq!(
        plugin.value_to_text(band_9, 0.75).as_deref(),
        Some("+6.0 dB")
    );
    assert_eq!(
        plugin.text_to_value(band_9, "+6.0 dB"),
        Some(normalized_gain(6.0, 12.0))
    );
    assert_eq!(plugin.value_to_text(band_9, 0.5).as_deref(), Some("0.0 dB"));
    assert_eq!(
        plugin.value_to_text(band_9, 0.0).as_deref(),
        Some("-12.0 dB")
    );
    assert_eq!(
        plugin.value_to_text(band_9, 1.0).as_deref(),
        Some("+12.0 dB")
    );
    assert_eq!(plugin.text_to_value(band_9, "6"), Some(0.75));
    assert_eq!(plugin.text_to_value(band_9, "loud"), None);

    for spec in expected_params() {
        let (id, what) = (spec.host_id(), &spec.string_id);
        match spec.kind {
            ParamKind::Gain { limit_db } => {
                for step in 0..=(20.0 * limit_db) as i32 {
                    let gain_db = -limit_db + f64::from(step) / 10.0;
                    let value = normalized_gain(gain_db, limit_db);
                    let text = plugin.value_to_text(id, value).expect("value_to_text");
                    let expected = match format!("{gain_db:+.1} dB") {
                        zero if gain_db.abs() < 0.05 => zero.replace(['+', '-'], ""),
                        signed => signed,
                    };
                    assert_eq!(text, expected, "{what}");
                    let back = plugin.text_to_value(id, &text).expect("text_to_value");
                    assert!((back - value).abs() < 1e-6, "{what}: {text} -> {back}");
                }
            }
            ParamKind::Choice { labels, .. } => {
                for (index, &label) in labels.iter().enumerate() {
                    let value = index as f64;
                    assert_eq!(plugin.value_to_text(id, value).as_deref(), Some(label));
                    assert_eq!(
                        plugin.text_to_value(id, label),
                        Some(value),
                        "{what}: {label}"
                    );
                }
            }
            ParamKind::Switch => {
                for value in [0.0, 1.0] {
                    let text = plugin.value_to_text(id, value).expect("value_to_text");
                    assert_eq!(
                        plugin.text_to_value(id, &text),
                        Some(value),
                        "{what}: {text}"
                    );
                }
            }
        }
    }
}

#[test]
fn unity_gains_pass_stereo_noise_through_delayed_by_the_reported_latency() {
    let mut plugin = ClapPlugin::new();
    plugin.activate(RATE_HZ, 1, BLOCK as u32);
    let latency = plugin.latency() as usize;
    assert_eq!(latency, DEFAULT_LATENCY, "a 4096-point FFT at 48 kHz");
    let input = white_noise(5, 2, latency + 16_384);
    let output = plugin.process_in_blocks(&input, &[BLOCK]);
    assert_delayed_copy(&input, &output, latency, "stereo");
}

#[test]
fn band_9_automation_mid_block_lifts_a_997_hz_sine_by_6_db() {
    let mut plugin = ClapPlugin::new();
    plugin.activate(RATE_HZ, 1, BLOCK as u32);
    let latency = plugin.latency() as usize;
    let (event_block, event_offset) = (16, BLOCK / 2);
    let event_time = event_block * BLOCK + event_offset;
    // Settled: the event, the latency, then a few FFT frames for the gain ramp.
    let settled = event_time + latency + 4 * DEFAULT_LATENCY;
    let total = settled + RATE_HZ as usize / 2;
    let input = sine_channels(997.0, RATE_HZ, 0.25, 2, total);
    let band_9_up = param_event(event_offset as u32, band_id(9), normalized_gain(6.0, 12.0));
    let events = [(event_block, vec![band_9_up])];
    let output = plugin.process_in_blocks_with_events(&input, &[BLOCK], &events);
    assert_eq!(
        plugin.param_value(band_id(9)),
        Some(0.75),
        "the host sees +6 dB"
    );

    for (input, output) in input.iter().zip(&output) {
        let gain_db = |window: std::ops::Range<usize>| {
            let delayed = (window.start - latency)..(window.end - latency);
            20.0 * (rms(&output[window]) / rms(&input[delayed])).log10()
        };
        let before = gain_db(latency..event_time);
        assert!(before.abs() < 0.01, "before the event: {before:.3} dB");
        let after = gain_db(settled..total);
        assert!((after - 6.0).abs() <= 0.2, "after the event: {after:.3} dB");
    }
}

#[test]
fn fft_size_moved_while_active_takes_effect_only_through_a_restart() {
    let mut plugin = ClapPlugin::new();
    plugin.activate(RATE_HZ, 1, BLOCK as u32);
    assert_eq!(plugin.latency() as usize, DEFAULT_LATENCY);
    let fft_size = host_param_id("fft_size");
    for (index, new_latency) in [(3, 8192), (0, 1024), (4, 16_384)] {
        let old_latency = plugin.latency() as usize;
        let restarts = plugin.restart_requests();
        // The size moves mid-block on the audio thread, and the host runs no main-thread
        // callback until it has deactivated the plugin (as clap-validator's fuzz tests do).
        let input = white_noise(index, 2, old_latency + 8192);
        let change = [param_event(100, fft_size, index as f64)];
        let mut output = vec![Vec::new(); 2];
        for start in (0..input[0].len()).step_by(BLOCK) {
            let block = frames(&input, start..(start + BLOCK).min(input[0].len()));
            let events: &[_] = if start == 0 { &change } else { &[] };
            append(
                &mut output,
                plugin.process_on_audio_thread_before_callbacks(&block, events),
            );
        }
        // Until the restart the plugin runs at the size it was activated with, aligned with
        // the latency the host compensates.
        assert_eq!(plugin.latency() as usize, old_latency, "{new_latency}");
        // (From one latency on: before that come the previous test signal's last samples.)
        let error = delayed_gain_error(&input, &output, old_latency, 1.0, old_latency);
        assert!(
            error <= PASS_THROUGH_TOLERANCE,
            "before the restart to {new_latency}: error {error:e}"
        );
        assert!(
            plugin.restart_requests() > restarts,
            "{new_latency}: no restart request"
        );

        plugin.deactivate_before_callbacks();
        plugin.run_main_thread_callbacks();
        assert_eq!(
            plugin.latency_changes_outside_activate(),
            0,
            "latency.changed outside activate"
        );
        let (changes, restarts) = (plugin.latency_changes(), plugin.restart_requests());
        plugin.activate(RATE_HZ, 1, BLOCK as u32);
        assert!(
            plugin.latency_changes() > changes,
            "no latency.changed inside the re-activation"
        );
        assert_eq!(
            plugin.restart_requests(),
            restarts,
            "the re-activation asked for another restart"
        );
        assert_eq!(plugin.latency(), new_latency);
        let settled = plugin.restart_requests();
        let input = white_noise(index + 10, 2, new_latency as usize + 8192);
        let output = plugin.process_in_blocks(&input, &[BLOCK]);
        assert_delayed_copy(&input, &output, new_latency as usize, "after the restart");
        assert_eq!(
            plugin.restart_requests(),
            settled,
            "no restart loop once restarted"
        );
    }
}

#[test]
fn saved_state_restores_bit_identically_into_a_fresh_instance() {
    let mut rng = SmallRng::seed_from_u64(8);
    let mut original = ClapPlugin::new();
    original.activate(RATE_HZ, 1, BLOCK as u32);
    let events: Vec<_> = random_values(&mut rng)
        .into_iter()
        .map(|(id, value)| param_event(0, id, value))
        .collect();
    original.process(&white_noise(0, 2, BLOCK), &events);
    // The FFT size may have changed the latency: the host restarts the plugin.
    original.deactivate();
    let saved = original.save_state().expect("state saves");

    let mut restored = ClapPlugin::new();
    restored.load_state(&saved).expect("state loads");
    assert_eq!(all_values(&mut restored), all_values(&mut original));
    let rescans = restored.param_rescans();
    let told = rescans.iter().any(|f| f.contains(ParamRescanFlags::VALUES));
    assert!(
        told,
        "the host must be told to rescan values after a load: {rescans:?}"
    );

    original.activate(RATE_HZ, 1, BLOCK as u32);
    restored.activate(RATE_HZ, 1, BLOCK as u32);
    let latency = original.latency() as usize;
    assert_eq!(restored.latency() as usize, latency);
    let input = white_noise(88, 2, latency + 16_384);
    let a = original.process_in_blocks(&input, &[BLOCK]);
    let b = restored.process_in_blocks(&input, &[BLOCK]);
    assert!(
        bits(&a) == bits(&b),
        "the restored instance sounds different"
    );
    assert!(
        delayed_copy_error(&input, &a, latency) > 0.01,
        "the settings change the sound"
    );
}

#[test]
fn values_flushed_while_inactive_are_applied_and_saved() {
    let mut rng = SmallRng::seed_from_u64(10);
    let values = random_values(&mut rng);
    let events: Vec<_> = values
        .iter()
        .map(|&(id, v)| param_event(0, id, v))
        .collect();
    let mut plugin = ClapPlugin::new();
    plugin.flush_params(&events);
    let flushed = all_values(&mut plugin);
    for (&(id, value), actual) in values.iter().zip(&flushed) {
        let actual = actual.expect("get_value");
        // nice-plug keeps values as f32.
        assert!((actual - value).abs() < 1e-6, "{id}: {actual} != {value}");
    }
    let saved = plugin.save_state().expect("state saves");
    let mut copy = ClapPlugin::new();
    copy.load_state(&saved).expect("state loads");
    assert_eq!(all_values(&mut copy), flushed, "values after a save/load");
}

#[test]
fn corrupt_truncated_or_random_state_is_rejected_and_the_instance_keeps_working() {
    let valid = ClapPlugin::new().save_state().expect("state saves");
    // nice-plug's CLAP state: a little-endian u64 length, then that many bytes of JSON.
    let with_length = |length: u64, body: &[u8]| [&length.to_le_bytes()[..], body].concat();
    let mut garbled = valid.clone();
    garbled[8] = b'#';
    let mut bad: Vec<(String, Vec<u8>)> = vec![
        ("empty".into(), vec![]),
        ("half a length".into(), valid[..4].to_vec()),
        ("length only".into(), valid[..8].to_vec()),
        (
            "truncated in half".into(),
            valid[..valid.len() / 2].to_vec(),
        ),
        (
            "last byte missing".into(),
            valid[..valid.len() - 1].to_vec(),
        ),
        (
            "length beyond any limit".into(),
            with_length(u64::MAX, &valid[8..]),
        ),
        ("garbled JSON".into(), garbled),
        (
            "JSON of the wrong shape".into(),
            with_length(12, br#"{"params":5}"#),
        ),
    ];
    let mut rng = SmallRng::seed_from_u64(9);
    for case in 0..16 {
        let noise: Vec<u8> = (0..rng.random_range(1..2048))
            .map(|_| rng.random())
            .collect();
        let body = with_length(noise.len() as u64, &noise);
        bad.push((format!("random bytes {case}"), noise));
        bad.push((format!("random body {case}"), body));
    }

    let mut plugin = ClapPlugin::new();
    plugin.activate(RATE_HZ, 1, BLOCK as u32);
    let before = all_values(&mut plugin);
    for (what, bytes) in &bad {
        assert!(plugin.load_state(bytes).is_err(), "{what}: accepted");
        assert_eq!(
            all_values(&mut plugin),
            before,
            "{what}: changed parameters"
        );
    }
    let input = white_noise(9, 2, DEFAULT_LATENCY + 8192);
    let output = plugin.process_in_blocks(&input, &[BLOCK]);
    assert_delayed_copy(&input, &output, DEFAULT_LATENCY, "after rejected loads");
}

#[test]
fn every_sample_rate_and_block_size_passes_noise_through() {
    // Varying from call to call, between the announced minimum (1) and maximum (16384).
    const BLOCK_SIZES: [usize; 15] = [
        1, 2, 3, 16_384, 5, 64, 511, 4096, 1000, 7, 8191, 128, 16_383, 1, 2048,
    ];
    // The FFT grows with the rate above 48 kHz so that the bin spacing stays the same.
    let rates_and_latencies: [(u32, usize); 6] = [
        (8000, 4096),
        (22_050, 4096),
        (44_100, 4096),
        (48_000, 4096),
        (96_000, 8192),
        (192_000, 16_384),
    ];
    for (rate, expected_latency) in rates_and_latencies {
        let mut plugin = ClapPlugin::new();
        plugin.activate(f64::from(rate), 1, 16_384);
        let latency = plugin.latency() as usize;
        assert_eq!(latency, expected_latency, "{rate} Hz");
        let input = white_noise(u64::from(rate), 2, latency + 49_152);
        let output = plugin.process_in_blocks(&input, &BLOCK_SIZES);
        assert_delayed_copy(&input, &output, latency, &format!("{rate} Hz"));
    }
}

#[test]
fn validator_sample_rates_activate_and_pass_noise_through_delayed_by_the_latency() {
    // clap-validator and the VST3 validator activate at fractional and extreme rates; the FFT
    // keeps growing with the rate above 48 kHz (×32 at 1234567.8 Hz).
    for (rate_hz, expected_latency) in [(1000.0, 4096), (1234.5678, 4096), (1_234_567.8, 131_072)] {
        let mut plugin = ClapPlugin::new();
        plugin.activate(rate_hz, 1, 16_384);
        let latency = plugin.latency() as usize;
        assert_eq!(latency, expected_latency, "{rate_hz} Hz");
        let input = white_noise(rate_hz as u64, 2, latency + 16_384);
        let output = plugin.process_in_blocks(&input, &[4096, 333]);
        assert_delayed_copy(&input, &output, latency, &format!("{rate_hz} Hz"));
    }
}

#[test]
fn random_automation_fuzz_keeps_the_output_finite() {
    let mut rng = SmallRng::seed_from_u64(11);
    let specs = expected_params();
    let mut plugin = ClapPlugin::new();
    plugin.activate(44_100.0, 1, 2048);
    for block in 0..300 {
        let total = rng.random_range(1..=2048);
        let amplitude = [1e-6, 0.5, 1.0, 10.0, 1000.0][rng.random_range(0..5)];
        let mut input = white_noise(rng.random(), 2, total);
        input.iter_mut().flatten().for_each(|s| *s *= amplitude);
        // Any parameter, any value in its range (switches too), anywhere in the block.
        let mut changes: Vec<(u32, u32, f64)> = (0..rng.random_range(0..=4))
            .map(|_| {
                let spec = &specs[rng.random_range(0..specs.len())];
                let max = spec.kind.clap_max();
                let value = match spec.kind.step_count() {
                    Some(steps) => rng.random_range(0..=steps) as f64,
                    None => rng.random_range(0.0..=max),
                };
                (rng.random_range(0..total as u32), spec.host_id(), value)
            })
            .collect();
        changes.sort_by_key(|&(time, _, _)| time);
        let events: Vec<_> = changes
            .iter()
            .map(|&(t, id, v)| param_event(t, id, v))
            .collect();
        let output = plugin.process(&input, &events);
        assert!(all_finite(&output), "block {block}: non-finite output");
    }
}

#[test]
fn non_finite_input_stops_reaching_the_output_within_n_plus_hop() {
    let mut plugin = ClapPlugin::new();
    plugin.activate(RATE_HZ, 1, BLOCK as u32);
    let latency = plugin.latency() as usize;
    let hop = latency / 4;
    let mut input = white_noise(12, 2, 6 * latency);
    let bad_start = latency;
    input[0][bad_start..bad_start + 100].fill(f32::NAN);
    input[0][bad_start + 200] = f32::INFINITY;
    input[1][bad_start + 300] = f32::NEG_INFINITY;
    input[1][bad_start + 301] = f32::MAX;
    let bad_end = bad_start + 302;
    let output = plugin.process_in_blocks(&input, &[BLOCK]);
    let recovered = frames(&output, bad_end + latency + hop..output[0].len());
    assert!(
        all_finite(&recovered),
        "output still non-finite N + hop after the input"
    );
    // Once the bad samples have left the FFT frames, the output is the delayed input again.
    let error = delayed_gain_error(&input, &output, latency, 1.0, bad_end + 2 * latency);
    assert!(
        error <= PASS_THROUGH_TOLERANCE,
        "after recovery: error {error:e}"
    );
}

#[test]
fn zero_frame_process_calls_change_nothing() {
    let mut plugin = ClapPlugin::new();
    plugin.activate(RATE_HZ, 1, BLOCK as u32);
    let latency = plugin.latency() as usize;
    let input = white_noise(13, 2, latency + 8192);
    let mut output = vec![Vec::new(), Vec::new()];
    for start in (0..input[0].len()).step_by(BLOCK) {
        let empty = plugin.process(&[Vec::new(), Vec::new()], &[]);
        assert!(empty.iter().all(Vec::is_empty));
        append(
            &mut output,
            plugin.process(&frames(&input, start..start + BLOCK), &[]),
        );
    }
    assert_delayed_copy(&input, &output, latency, "with empty calls in between");
}

#[test]
fn deactivate_reactivate_cycles_start_clean_each_time() {
    let mut plugin = ClapPlugin::new();
    let cycles = [
        (48_000.0, 512),
        (96_000.0, 64),
        (44_100.0, 4096),
        (48_000.0, 17),
        (22_050.0, 333),
    ];
    for (cycle, (rate, block)) in cycles.into_iter().enumerate() {
        plugin.activate(rate, 1, block as u32);
        let latency = plugin.latency() as usize;
        let input = white_noise(cycle as u64, 2, latency + 4096);
        let output = plugin.process_in_blocks(&input, &[block]);
        assert_delayed_copy(
            &input,
            &output,
            latency,
            &format!("cycle {cycle} at {rate} Hz"),
        );
        plugin.deactivate();
    }
}

#[test]
fn two_instances_run_side_by_side_without_sharing_state() {
    let mut quiet = ClapPlugin::new();
    let mut plain = ClapPlugin::new();
    quiet.activate(RATE_HZ, 1, BLOCK as u32);
    plain.activate(RATE_HZ, 1, BLOCK as u32);
    let output_down = param_event(0, host_param_id("output"), normalized_gain(-12.0, 24.0));
    let input = white_noise(14, 2, 3 * DEFAULT_LATENCY + 8192);
    let mut quiet_out = vec![Vec::new(), Vec::new()];
    let mut plain_out = vec![Vec::new(), Vec::new()];
    for start in (0..input[0].len()).step_by(BLOCK) {
        let block = frames(&input, start..start + BLOCK);
        let events = if start == 0 {
            vec![output_down]
        } else {
            vec![]
        };
        append(&mut quiet_out, quiet.process(&block, &events));
        append(&mut plain_out, plain.process(&block, &[]));
    }
    assert_delayed_copy(
        &input,
        &plain_out,
        DEFAULT_LATENCY,
        "the untouched instance",
    );
    // Once the gain ramp has settled, the other instance is the input 12 dB down.
    let settled = 2 * DEFAULT_LATENCY + DEFAULT_LATENCY / 4;
    let gain = 10f32.powf(-12.0 / 20.0);
    let error = delayed_gain_error(&input, &quiet_out, DEFAULT_LATENCY, gain, settled);
    assert!(
        error <= PASS_THROUGH_TOLERANCE,
        "-12 dB instance: error {error:e}"
    );
}

#[test]
fn bypass_outputs_the_input_delayed_by_the_latency_whatever_the_gains() {
    let mut plugin = ClapPlugin::new();
    plugin.activate(RATE_HZ, 1, BLOCK as u32);
    let mut events: Vec<_> = (1..=25)
        .map(|band| param_event(0, band_id(band), 1.0))
        .collect();
    events.push(param_event(0, host_param_id("output"), 1.0));
    events.push(param_event(0, host_param_id("bypass"), 1.0));
    let input = white_noise(15, 2, DEFAULT_LATENCY + 8192);
    let output = plugin.process_in_blocks_with_events(&input, &[BLOCK], &[(0, events)]);
    assert_delayed_copy(
        &input,
        &output,
        DEFAULT_LATENCY,
        "bypassed at +12 dB everywhere",
    );
}

#[test]
fn a_state_saved_by_release_0_1_0_loads_with_every_value_bit_identical() {
    let fixture = state_fixture_0_1_0("clap");
    let mut plugin = ClapPlugin::new();
    plugin
        .load_state(&fixture.bytes)
        .expect("the 0.1.0 state loads");
    for (string_id, expected) in &fixture.values {
        let value = plugin.param_value(host_param_id(string_id));
        assert_eq!(
            value.map(f64::to_bits),
            Some(expected.to_bits()),
            "{string_id}"
        );
    }
    // Parameters added after 0.1.0 keep their defaults.
    for spec in expected_params() {
        if !fixture.values.iter().any(|(id, _)| *id == spec.string_id) {
            let default = spec.kind.default_normalized() * spec.kind.clap_max();
            let value = plugin.param_value(spec.host_id()).expect("get_value");
            assert!((value - default).abs() < 1e-9, "{}", spec.string_id);
        }
    }
}

#[test]
fn a_state_with_an_unreadable_editor_size_loads_its_parameters() {
    let fixture = state_fixture_0_1_0("clap");
    let json = String::from_utf8(fixture.bytes[8..].to_vec()).expect("JSON");
    let damaged = json.replace(r#"{\"width\":900,\"height\":480}"#, r#"{\"width\":12"#);
    assert_ne!(damaged, json, "the fixture holds the editor size");
    let bytes = [
        &(damaged.len() as u64).to_le_bytes()[..],
        damaged.as_bytes(),
    ]
    .concat();
    let mut plugin = ClapPlugin::new();
    plugin
        .load_state(&bytes)
        .expect("the parameters still load");
    let (string_id, expected) = &fixture.values[8];
    let value = plugin.param_value(host_param_id(string_id));
    assert_eq!(value, Some(*expected), "{string_id}");
}

#[test]
fn reported_and_measured_latency_agree_in_both_phase_modes() {
    let phase = host_param_id("phase");
    for (index, expected) in [(0.0, DEFAULT_LATENCY), (1.0, 0)] {
        let mut plugin = ClapPlugin::new();
        plugin.flush_params(&[param_event(0, phase, index)]);
        plugin.activate(RATE_HZ, 1, BLOCK as u32);
        let latency = plugin.latency() as usize;
        assert_eq!(latency, expected, "phase {index}: reported");
        let mut input = vec![vec![0.0f32; latency + 4 * BLOCK]; 2];
        input[0][BLOCK + 7] = 1.0;
        input[1][BLOCK + 7] = 1.0;
        let output = plugin.process_in_blocks(&input, &[BLOCK]);
        for channel in &output {
            let peak = channel
                .iter()
                .enumerate()
                .fold((0, 0.0f32), |best, (n, &x)| {
                    if x.abs() > best.1 {
                        (n, x.abs())
                    } else {
                        best
                    }
                });
            assert_eq!(peak.0 - (BLOCK + 7), latency, "phase {index}: measured");
            assert!(
                (peak.1 - 1.0).abs() < 1e-4,
                "phase {index}: a flat setting passes the impulse"
            );
        }
    }
}

#[test]
fn switching_the_phase_mode_while_active_goes_through_a_restart() {
    let mut plugin = ClapPlugin::new();
    plugin.activate(RATE_HZ, 1, BLOCK as u32);
    let restarts = plugin.restart_requests();
    let change = [param_event(0, host_param_id("phase"), 1.0)];
    plugin.process_on_audio_thread(&white_noise(3, 2, BLOCK), &change);
    assert!(plugin.restart_requests() > restarts, "no restart request");
    assert_eq!(
        plugin.latency() as usize,
        DEFAULT_LATENCY,
        "until the restart"
    );
    plugin.deactivate();
    plugin.activate(RATE_HZ, 1, BLOCK as u32);
    assert_eq!(plugin.latency(), 0, "Zero latency after the restart");
    let input = white_noise(4, 2, 8 * BLOCK);
    let output = plugin.process_in_blocks(&input, &[BLOCK]);
    assert_delayed_copy(&input, &output, 0, "a flat Zero latency setting");
}

#[test]
fn match_profiles_saved_with_the_state_survive_a_load_and_save_and_0_1_0_states_have_none() {
    let fixture = state_fixture_0_1_0("clap");
    let json = String::from_utf8(fixture.bytes[8..].to_vec()).expect("JSON");
    // One source profile, as the editor stores it (a JSON string inside the state's fields).
    let levels: Vec<String> = (0..25).map(|b| format!("{}", -31.25 + b as f32)).collect();
    let profiles = format!(
        r#"{{"source":{{"version":1,"sample_rate_hz":48000.0,"duration_s":12.5,"frames_kept":900,"band_levels_db":[{}]}},"reference":null}}"#,
        levels.join(",")
    );
    let escaped = profiles.replace('"', "\\\"");
    let with_profiles = json.replacen(
        r#""fields":{"#,
        &format!(r#""fields":{{"match-profiles":"{escaped}","#),
        1,
    );
    assert_ne!(with_profiles, json, "the state has persisted fields");
    let bytes = [
        &(with_profiles.len() as u64).to_le_bytes()[..],
        with_profiles.as_bytes(),
    ]
    .concat();
    let mut plugin = ClapPlugin::new();
    plugin.load_state(&bytes).expect("the state loads");
    let saved = plugin.save_state().expect("state saves");
    let saved_text = String::from_utf8_lossy(&saved).to_string();
    assert!(saved_text.contains("match-profiles"), "{saved_text}");
    assert!(saved_text.contains("-31.25"), "{saved_text}");
    assert!(saved_text.contains("12.5"), "{saved_text}");
    // A fresh instance loading the saved state saves it identically.
    let mut again = ClapPlugin::new();
    again.load_state(&saved).expect("loads");
    assert_eq!(again.save_state().expect("saves"), saved);
    // The 0.1.0 state has none: it saves an empty pair.
    let mut old = ClapPlugin::new();
    old.load_state(&fixture.bytes).expect("0.1.0 loads");
    let old_text = String::from_utf8_lossy(&old.save_state().expect("saves")).to_string();
    assert!(
        old_text.contains(r#""match-profiles":"{\"source\":null,\"reference\":null}""#),
        "{old_text}"
    );
}
