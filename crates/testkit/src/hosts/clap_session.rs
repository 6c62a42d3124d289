//! A small CLAP host on `clack-host`: one plugin instance with the calls the tests make
//! (handlers in `clap_handlers`). Everything but
//! [`ClapPlugin::process_on_audio_thread`] runs on the thread that created the instance, which
//! is its main thread.

use std::ffi::CString;
use std::sync::atomic::Ordering;

use clack_extensions::audio_ports::{AudioPortInfoBuffer, PluginAudioPorts};
use clack_extensions::audio_ports_config::{AudioPortsConfigBuffer, PluginAudioPortsConfig};
use clack_extensions::latency::PluginLatency;
use clack_extensions::params::{ParamInfoBuffer, ParamInfoFlags, ParamRescanFlags, PluginParams};
use clack_extensions::state::{PluginState, StateError};
use clack_host::events::event_types::ParamValueEvent;
use clack_host::prelude::*;

pub use super::clap_handlers::{entry, PLUGIN_ID};
use super::clap_handlers::{HostMainThread, HostShared, TestHost};
use crate::signals::{append, frames};

/// A parameter as `params.get_info` describes it.
#[derive(Clone, Debug)]
pub struct ParamDescription {
    /// Host ID.
    pub id: u32,
    /// Display name.
    pub name: String,
    /// CLAP flags.
    pub flags: ParamInfoFlags,
    /// Smallest value.
    pub min_value: f64,
    /// Largest value.
    pub max_value: f64,
    /// Default value.
    pub default_value: f64,
}

/// An audio port as `audio-ports.get` describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct PortDescription {
    /// Channels of the port.
    pub channel_count: u32,
    /// Port type ("stereo", "mono"), if any.
    pub port_type: Option<String>,
    /// Whether the port is the main one.
    pub is_main: bool,
}

/// One plugin instance and, while active, its audio processor.
pub struct ClapPlugin {
    /// The instance; its creating thread is its main thread.
    instance: PluginInstance<TestHost>,
    /// The started processor while active.
    processor: Option<StartedPluginAudioProcessor<TestHost>>,
    /// Frames processed since activation, passed as `steady_time`.
    steady_time: u64,
}

impl ClapPlugin {
    /// Creates and initialises an instance.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        let host_info = HostInfo::new("Bark EQ test host", "Bark EQ", "", "0.1.0")
            .expect("host info has no NUL bytes");
        let instance = PluginInstance::<TestHost>::new(
            |_| HostShared::default(),
            |_| HostMainThread::default(),
            &entry(),
            PLUGIN_ID,
            &host_info,
        )
        .expect("the plugin instantiates");
        Self {
            instance,
            processor: None,
            steady_time: 0,
        }
    }

    /// An extension of the plugin; panics when the plugin lacks it.
    fn extension<E>(&mut self) -> E
    where
        E: clack_host::extensions::Extension<
            ExtensionSide = clack_host::extensions::PluginExtensionSide,
        >,
    {
        self.instance
            .plugin_handle()
            .get_extension::<E>()
            .unwrap_or_else(|| panic!("plugin lacks extension {}", std::any::type_name::<E>()))
    }

    /// `params.count`.
    pub fn param_count(&mut self) -> u32 {
        let params: PluginParams = self.extension();
        params.count(&self.instance.plugin_handle())
    }

    /// `params.get_info(index)`. Never call it with `index >= param_count()`: nice-plug 0.4.2
    /// indexes out of bounds at `index == count` and aborts.
    pub fn param_info(&mut self, index: u32) -> Option<ParamDescription> {
        assert!(index < self.param_count(), "get_info({index}) would abort");
        let params: PluginParams = self.extension();
        let mut buffer = ParamInfoBuffer::new();
        let info = params.get_info(&self.instance.plugin_handle(), index, &mut buffer)?;
        Some(ParamDescription {
            id: info.id.get(),
            name: String::from_utf8_lossy(info.name).into_owned(),
            flags: info.flags,
            min_value: info.min_value,
            max_value: info.max_value,
            default_value: info.default_value,
        })
    }

    /// Every parameter, in index order.
    pub fn all_params(&mut self) -> Vec<ParamDescription> {
        (0..self.param_count())
            .map(|index| self.param_info(index).expect("get_info succeeds"))
            .collect()
    }

    /// `params.get_value`.
    pub fn param_value(&mut self, id: u32) -> Option<f64> {
        let params: PluginParams = self.extension();
        params.get_value(&self.instance.plugin_handle(), ClapId::new(id))
    }

    /// `params.value_to_text`.
    pub fn value_to_text(&mut self, id: u32, value: f64) -> Option<String> {
        let params: PluginParams = self.extension();
        let mut buffer = [0u8; 256];
        let text = params
            .value_to_text(
                &self.instance.plugin_handle(),
                ClapId::new(id),
                value,
                &mut buffer,
            )
            .ok()?;
        Some(String::from_utf8_lossy(text).into_owned())
    }

    /// `params.text_to_value`.
    pub fn text_to_value(&mut self, id: u32, text: &str) -> Option<f64> {
        let params: PluginParams = self.extension();
        let text = CString::new(text).expect("no NUL in the text");
        params.text_to_value(&self.instance.plugin_handle(), ClapId::new(id), &text)
    }

    /// `params.flush` with `events` while inactive (how hosts set values of a stopped plugin).
    pub fn flush_params(&mut self, events: &[ParamValueEvent]) {
        let params: PluginParams = self.extension();
        let mut in_events = EventBuffer::with_capacity(events.len());
        for event in events {
            in_events.push(event);
        }
        let mut out_events = EventBuffer::new();
        let mut handle = self.instance.inactive_plugin_handle().expect("inactive");
        params.flush(
            &mut handle,
            &in_events.as_input(),
            &mut out_events.as_output(),
        );
        self.run_main_thread_callbacks();
    }

    /// `latency.get`.
    pub fn latency(&mut self) -> u32 {
        let latency: PluginLatency = self.extension();
        latency.get(&self.instance.plugin_handle())
    }

    /// Channel counts and types of every configuration `audio-ports-config` offers, as
    /// (main input, main output).
    pub fn audio_port_configs(&mut self) -> Vec<(PortDescription, PortDescription)> {
        let configs: PluginAudioPortsConfig = self.extension();
        let handle = self.instance.plugin_handle();
        (0..configs.count(&handle))
            .map(|index| {
                let mut buffer = AudioPortsConfigBuffer::new();
                let config = configs
                    .get(&handle, index, &mut buffer)
                    .expect("config get succeeds");
                let describe =
                    |port: Option<clack_extensions::audio_ports_config::MainPortInfo>| {
                        let port = port.expect("config has main input and output");
                        PortDescription {
                            channel_count: port.channel_count,
                            port_type: port.port_type.map(|t| t.0.to_string_lossy().into_owned()),
                            is_main: true,
                        }
                    };
                (describe(config.main_input), describe(config.main_output))
            })
            .collect()
    }

    /// `audio-ports-config.select(index)`; only while inactive.
    pub fn select_audio_ports_config(&mut self, index: u32) {
        let configs: PluginAudioPortsConfig = self.extension();
        configs
            .select(&self.instance.plugin_handle(), ClapId::new(index))
            .expect("config select succeeds");
    }

    /// The ports `audio-ports` reports for one direction.
    pub fn audio_ports(&mut self, is_input: bool) -> Vec<PortDescription> {
        let ports: PluginAudioPorts = self.extension();
        let handle = self.instance.plugin_handle();
        (0..ports.count(&handle, is_input))
            .map(|index| {
                let mut buffer = AudioPortInfoBuffer::new();
                let info = ports
                    .get(&handle, index, is_input, &mut buffer)
                    .expect("port get succeeds");
                PortDescription {
                    channel_count: info.channel_count,
                    port_type: info.port_type.map(|t| t.0.to_string_lossy().into_owned()),
                    is_main: info
                        .flags
                        .contains(clack_extensions::audio_ports::AudioPortFlags::IS_MAIN),
                }
            })
            .collect()
    }

    /// Activates at `rate_hz` for blocks of `min_frames`…`max_frames` and starts processing.
    pub fn activate(&mut self, rate_hz: f64, min_frames: u32, max_frames: u32) {
        assert!(self.processor.is_none(), "already active");
        let config = PluginAudioConfiguration {
            sample_rate: rate_hz,
            min_frames_count: min_frames,
            max_frames_count: max_frames,
        };
        self.instance
            .access_handler(|main| main.activating.set(true));
        let activated = self.instance.activate(|_, _| (), config);
        self.instance
            .access_handler(|main| main.activating.set(false));
        let stopped =
            activated.unwrap_or_else(|err| panic!("activation at {rate_hz} Hz failed: {err}"));
        self.processor = Some(
            stopped
                .start_processing()
                .expect("start_processing succeeds"),
        );
        self.steady_time = 0;
        self.run_main_thread_callbacks();
    }

    /// Stops processing and deactivates.
    pub fn deactivate(&mut self) {
        self.deactivate_before_callbacks();
        self.run_main_thread_callbacks();
    }

    /// Stops processing and deactivates without first running the main-thread callbacks the
    /// plugin asked for, as clap-validator does; run them with
    /// [`ClapPlugin::run_main_thread_callbacks`].
    pub fn deactivate_before_callbacks(&mut self) {
        let started = self.processor.take().expect("active");
        self.instance.deactivate(started.stop_processing());
    }

    /// Runs `on_main_thread` if the plugin asked for it.
    pub fn run_main_thread_callbacks(&mut self) {
        let requested = self.instance.access_shared_handler(|shared| {
            shared.callback_requested.swap(false, Ordering::SeqCst)
        });
        if requested {
            self.instance.call_on_main_thread_callback();
        }
    }

    /// Processes one block (every channel the same length) with `events` (sorted by time) on
    /// the main thread; returns the output.
    pub fn process(&mut self, input: &[Vec<f32>], events: &[ParamValueEvent]) -> Vec<Vec<f32>> {
        let processor = self.processor.as_mut().expect("activate first");
        let output = process_block(processor, input, events, self.steady_time);
        self.steady_time += input.first().map_or(0, Vec::len) as u64;
        self.run_main_thread_callbacks();
        output
    }

    /// Like [`ClapPlugin::process`] but on a separate audio thread, as a DAW does; main-thread
    /// callbacks the plugin requested from there run afterwards.
    pub fn process_on_audio_thread(
        &mut self,
        input: &[Vec<f32>],
        events: &[ParamValueEvent],
    ) -> Vec<Vec<f32>> {
        let output = self.process_on_audio_thread_before_callbacks(input, events);
        self.run_main_thread_callbacks();
        output
    }

    /// [`ClapPlugin::process_on_audio_thread`] without running the main-thread callbacks the
    /// plugin requested.
    pub fn process_on_audio_thread_before_callbacks(
        &mut self,
        input: &[Vec<f32>],
        events: &[ParamValueEvent],
    ) -> Vec<Vec<f32>> {
        let mut processor = self.processor.take().expect("activate first");
        let steady_time = self.steady_time;
        let (processor, output) = std::thread::scope(|scope| {
            scope
                .spawn(move || {
                    let output = process_block(&mut processor, input, events, steady_time);
                    (processor, output)
                })
                .join()
                .expect("audio thread did not panic")
        });
        self.processor = Some(processor);
        self.steady_time += input.first().map_or(0, Vec::len) as u64;
        output
    }

    /// Processes `input` in consecutive blocks whose sizes cycle through `block_sizes`.
    pub fn process_in_blocks(
        &mut self,
        input: &[Vec<f32>],
        block_sizes: &[usize],
    ) -> Vec<Vec<f32>> {
        self.process_in_blocks_with_events(input, block_sizes, &[])
    }

    /// Like [`ClapPlugin::process_in_blocks`]; `events` holds (block index, that block's
    /// events).
    pub fn process_in_blocks_with_events(
        &mut self,
        input: &[Vec<f32>],
        block_sizes: &[usize],
        events: &[(usize, Vec<ParamValueEvent>)],
    ) -> Vec<Vec<f32>> {
        let total = input.first().map_or(0, Vec::len);
        let mut output = vec![Vec::with_capacity(total); input.len()];
        let mut start = 0;
        for (index, &size) in block_sizes.iter().cycle().enumerate() {
            if start >= total {
                break;
            }
            let end = (start + size).min(total);
            let block_events = events
                .iter()
                .find(|(at, _)| *at == index)
                .map_or(&[][..], |(_, block_events)| &block_events[..]);
            append(
                &mut output,
                self.process(&frames(input, start..end), block_events),
            );
            start = end;
        }
        output
    }

    /// `state.save`.
    pub fn save_state(&mut self) -> Result<Vec<u8>, StateError> {
        let state: PluginState = self.extension();
        let mut bytes = Vec::new();
        state.save(&self.instance.plugin_handle(), &mut bytes)?;
        Ok(bytes)
    }

    /// `state.load`.
    pub fn load_state(&mut self, bytes: &[u8]) -> Result<(), StateError> {
        let state: PluginState = self.extension();
        let result = state.load(&self.instance.plugin_handle(), &mut &bytes[..]);
        self.run_main_thread_callbacks();
        result
    }

    /// How often the plugin called `request_restart`.
    pub fn restart_requests(&self) -> u32 {
        self.instance
            .access_shared_handler(|shared| shared.restart_requests.load(Ordering::SeqCst))
    }

    /// How often the plugin called `latency.changed`.
    pub fn latency_changes(&self) -> u32 {
        self.instance
            .access_handler(|main| main.latency_changes.get())
    }

    /// How often the plugin called `latency.changed` outside `activate` (a CLAP error).
    pub fn latency_changes_outside_activate(&self) -> u32 {
        self.instance
            .access_handler(|main| main.latency_changes_outside_activate.get())
    }

    /// Flags of every `params.rescan` call so far.
    pub fn param_rescans(&self) -> Vec<ParamRescanFlags> {
        self.instance
            .access_handler(|main| main.param_rescans.borrow().clone())
    }
}

impl Drop for ClapPlugin {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        if self.processor.is_some() {
            self.deactivate();
        }
        // Every test holds the CLAP rule: the latency changes only inside `activate`.
        assert_eq!(
            self.latency_changes_outside_activate(),
            0,
            "latency.changed was called outside activate"
        );
    }
}

/// A `ParamValue` event at sample `time` setting parameter `id` to `value` (normalized; for
/// stepped parameters the step index).
pub fn param_event(time: u32, id: u32, value: f64) -> ParamValueEvent {
    ParamValueEvent::new(time, ClapId::new(id), Pckn::match_all(), value)
}

/// Runs one `process` call with separate input and output buffers.
fn process_block(
    processor: &mut StartedPluginAudioProcessor<TestHost>,
    input: &[Vec<f32>],
    events: &[ParamValueEvent],
    steady_time: u64,
) -> Vec<Vec<f32>> {
    let frames = input.first().map_or(0, Vec::len);
    assert!(input.iter().all(|c| c.len() == frames), "ragged input");
    let mut input_buffers = input.to_vec();
    let mut output_buffers = vec![vec![0.0f32; frames]; input.len()];
    let mut input_ports = AudioPorts::with_capacity(input.len(), 1);
    let mut output_ports = AudioPorts::with_capacity(input.len(), 1);
    let mut in_events = EventBuffer::with_capacity(events.len());
    for event in events {
        in_events.push(event);
    }
    let mut out_events = EventBuffer::new();
    {
        let input_audio = input_ports.with_input_buffers([AudioPortBuffer {
            latency: 0,
            channels: AudioPortBufferType::f32_input_only(
                input_buffers
                    .iter_mut()
                    .map(|c| InputChannel::variable(c.as_mut_slice())),
            ),
        }]);
        let mut output_audio = output_ports.with_output_buffers([AudioPortBuffer {
            latency: 0,
            channels: AudioPortBufferType::f32_output_only(
                output_buffers.iter_mut().map(|c| c.as_mut_slice()),
            ),
        }]);
        processor
            .process(
                &input_audio,
                &mut output_audio,
                &in_events.as_input(),
                &mut out_events.as_output(),
                Some(steady_time),
                None,
            )
            .expect("process succeeds");
    }
    output_buffers
}
