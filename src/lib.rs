//! Bark EQ: a 25-band spectral graphic equalizer on the Bark critical bands, as a CLAP and
//! VST3 plugin. The DSP lives in the `bark-eq-dsp` crate and knows nothing of the plugin API; this file only
//! moves parameters and buffers between the host, the engine and the [`editor`].

use std::num::NonZeroU32;
use std::sync::Arc;

use nice_plug::prelude::*;
use nice_plug_egui::{EguiEditor, EguiEditorState};

pub mod analyzer;
pub mod editor;
pub mod learn;
pub mod params;
pub mod status;

use analyzer::{AnalyzerFrame, AnalyzerPublisher};
use bark_eq_dsp::settings::PhaseMode;
use bark_eq_dsp::{Engine, EqSettings, FftSize};
use editor::EditorApp;
use params::BarkEqParams;
use status::EngineStatus;

/// Proves in the unit tests that the audio path allocates nothing (see `assert_no_alloc`).
#[cfg(all(test, not(feature = "assert_process_allocs")))]
#[global_allocator]
static ALLOCATOR: assert_no_alloc::AllocDisabler = assert_no_alloc::AllocDisabler;

/// The settings that determine the latency: they may change only in `activate`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LatencySettings {
    /// FFT size (the latency in Linear mode).
    pub fft_size: FftSize,
    /// Linear (latency = FFT size) or zero latency.
    pub phase: PhaseMode,
}

impl LatencySettings {
    /// The latency-setting part of `settings`.
    pub fn of(settings: &EqSettings) -> Self {
        Self {
            fft_size: settings.fft_size,
            phase: settings.phase,
        }
    }

    /// Writes these values over `settings`.
    pub fn impose_on(self, settings: &mut EqSettings) {
        settings.fft_size = self.fft_size;
        settings.phase = self.phase;
    }
}

/// The plugin instance.
pub struct BarkEq {
    /// Parameters shared with the host and the editor.
    params: Arc<BarkEqParams>,
    /// The engine, built in `activate` for the host's sample rate and channel count.
    engine: Option<Engine>,
    /// The editor window's state; the audio thread only asks it whether the window is open.
    editor_state: Arc<EguiEditorState>,
    /// Sample rate and latency, shown by the editor.
    status: Arc<EngineStatus>,
    /// The audio side of the analyzer.
    analyzer: AnalyzerPublisher,
    /// The audio side of Bark Match's learning.
    learn: learn::LearnPublisher,
    /// The settings that set the latency (FFT size, phase mode) as the engine was activated
    /// with them. Different values wait for the next activation (the host's restart).
    active: LatencySettings,
    /// Whether this activation has already asked the host for a restart.
    restart_requested: bool,
}

impl Default for BarkEq {
    fn default() -> Self {
        let params = Arc::new(BarkEqParams::default());
        let editor_state = editor::new_editor_state(params.editor_size.get());
        Self {
            params,
            engine: None,
            editor_state,
            status: Arc::new(EngineStatus::default()),
            analyzer: AnalyzerPublisher::default(),
            learn: learn::LearnPublisher::default(),
            active: LatencySettings::default(),
            restart_requested: false,
        }
    }
}

impl BarkEq {
    /// Parameters of this instance.
    pub fn params_arc(&self) -> Arc<BarkEqParams> {
        self.params.clone()
    }

    /// Builds the engine for a sample rate and channel count, with the current parameter
    /// values applied without smoothing; the FFT size it takes stays until the next
    /// activation. Allocates; called from `activate`.
    pub fn activate_engine(
        &mut self,
        sample_rate_hz: f32,
        num_channels: usize,
    ) -> Result<u32, bark_eq_dsp::EngineError> {
        let settings = self.params.settings();
        let engine = Engine::new(sample_rate_hz, num_channels, &settings)?;
        let latency_samples = engine.latency_samples();
        self.analyzer
            .allocate(analyzer::max_bins_at_rate(sample_rate_hz));
        self.active = LatencySettings::of(&settings);
        self.restart_requested = false;
        self.learn.allocate(sample_rate_hz, &self.status);
        self.status
            .set(sample_rate_hz, latency_samples, self.active, num_channels);
        self.engine = Some(engine);
        Ok(latency_samples)
    }

    /// What `activate` does without the host's context: builds the engine for the layout's
    /// output channels and the host's rate. Returns the latency, or `None` (logged) when the
    /// configuration is unsupported.
    pub fn activate_for(
        &mut self,
        audio_io_layout: &AudioIOLayout,
        buffer_config: &BufferConfig,
    ) -> Option<u32> {
        let num_channels = audio_io_layout
            .main_output_channels
            .map_or(0, |c| c.get() as usize);
        match self.activate_engine(buffer_config.sample_rate, num_channels) {
            Ok(latency_samples) => Some(latency_samples),
            Err(err) => {
                nice_error!("Bark EQ cannot activate: {err}");
                None
            }
        }
    }

    /// Reads the parameters and processes `channels` in place: what `process` does, without
    /// the host types. Returns `true` once per activation when `fft_size` has moved away from
    /// the size the engine runs at: the caller then asks the host for a restart. While the
    /// editor is open it also publishes the analyzer spectra. Never allocates.
    pub fn process_channels(&mut self, channels: &mut [&mut [f32]]) -> bool {
        let editor_open = self.editor_state.is_open();
        self.process_channels_with_editor(channels, editor_open)
    }

    /// [`BarkEq::process_channels`] with the editor's visibility given instead of read from the
    /// window, so the analyzer path can be tested without a display. Never allocates.
    pub fn process_channels_with_editor(
        &mut self,
        channels: &mut [&mut [f32]],
        editor_open: bool,
    ) -> bool {
        let Some(engine) = self.engine.as_mut() else {
            // Not activated: a host bug; keep the output silent rather than unprocessed.
            for channel in channels.iter_mut() {
                channel.fill(0.0);
            }
            return false;
        };
        let mut settings = self.params.settings();
        // The latency may only change in `activate`: a new size waits for the restart, and
        // until then the output stays aligned with the latency the host compensates.
        let size_pending = LatencySettings::of(&settings) != self.active;
        self.active.impose_on(&mut settings);
        engine.apply(&settings);
        engine.set_solo(self.status.solo());
        self.learn.prepare(engine, &self.status);
        engine.process(channels);
        self.learn
            .update(engine, channels.first().map_or(0, |channel| channel.len()));
        self.status.set_auto_gain_db(engine.auto_gain_db());
        // A hidden or frozen analyzer costs the audio thread nothing.
        let analyzer_shown = editor_open && self.params.analyzer.analysis_wanted();
        self.analyzer.update(engine, analyzer_shown);
        let request_restart = size_pending && !self.restart_requested;
        self.restart_requested |= size_pending;
        request_restart
    }

    /// What the plugin shares with the editor (the learning requests among it).
    pub fn status_arc(&self) -> Arc<EngineStatus> {
        self.status.clone()
    }

    /// The engine, once activated.
    pub fn engine(&self) -> Option<&Engine> {
        self.engine.as_ref()
    }

    /// Connects a new analyzer reader (a previous one stops receiving). Allocates; main thread.
    pub fn connect_analyzer(&mut self) -> triple_buffer::Output<AnalyzerFrame> {
        self.analyzer.connect()
    }

    /// Builds the editor: what [`Plugin::editor`] returns, without the host's executor.
    pub fn create_editor(&mut self) -> Option<EguiEditor<EditorApp>> {
        let analyzer = self.connect_analyzer();
        editor::create(
            self.params.clone(),
            self.editor_state.clone(),
            self.status.clone(),
            analyzer,
        )
    }
}

impl Plugin for BarkEq {
    const NAME: &'static str = "Bark EQ";
    const VENDOR: &'static str = "Bark EQ";
    const URL: &'static str = "";
    const EMAIL: &'static str = "";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    const AUDIO_IO_LAYOUTS: &'static [AudioIOLayout] = &[
        AudioIOLayout {
            main_input_channels: NonZeroU32::new(2),
            main_output_channels: NonZeroU32::new(2),
            ..AudioIOLayout::const_default()
        },
        AudioIOLayout {
            main_input_channels: NonZeroU32::new(1),
            main_output_channels: NonZeroU32::new(1),
            ..AudioIOLayout::const_default()
        },
    ];

    type SysExMessage = ();
    type BackgroundTask = ();
    type Editor = EguiEditor<EditorApp>;

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    fn editor(&mut self, _async_executor: AsyncExecutor<Self>) -> Option<Self::Editor> {
        self.create_editor()
    }

    fn activate(
        &mut self,
        audio_io_layout: &AudioIOLayout,
        buffer_config: &BufferConfig,
        context: &mut impl ActivateContext<Self>,
    ) -> bool {
        match self.activate_for(audio_io_layout, buffer_config) {
            Some(latency_samples) => {
                context.set_latency_samples(latency_samples);
                true
            }
            None => false,
        }
    }

    fn reset(&mut self) {
        if let Some(engine) = self.engine.as_mut() {
            let mut settings = self.params.settings();
            self.active.impose_on(&mut settings);
            engine.apply(&settings);
            engine.reset();
        }
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        if self.process_channels(buffer.as_slice()) {
            context.request_restart();
        }
        ProcessStatus::Normal
    }

    fn deactivate(&mut self) {
        self.engine = None;
    }
}

impl ClapPlugin for BarkEq {
    const CLAP_ID: &'static str = "io.github.bark-eq.bark-eq";
    const CLAP_DESCRIPTION: Option<&'static str> =
        Some("25-band spectral graphic equalizer on the Bark critical bands");
    const CLAP_MANUAL_URL: Option<&'static str> = None;
    const CLAP_SUPPORT_URL: Option<&'static str> = None;
    const CLAP_FEATURES: &'static [ClapFeature] = &[
        ClapFeature::AudioEffect,
        ClapFeature::Equalizer,
        ClapFeature::Stereo,
        ClapFeature::Mono,
    ];
}

impl Vst3Plugin for BarkEq {
    const VST3_CLASS_ID: [u8; 16] = *b"BarkEqSpectralEq";
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory] =
        &[Vst3SubCategory::Fx, Vst3SubCategory::Eq];
}

nice_export_clap!(BarkEq);
nice_export_vst3!(BarkEq);
