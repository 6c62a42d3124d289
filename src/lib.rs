//! Bark EQ: a 25-band spectral graphic equalizer on the Bark critical bands, as a CLAP and
//! VST3 plugin. The DSP lives in [`dsp`] and knows nothing of the plugin API; this file only
//! moves parameters and buffers between the host and the engine.

use std::num::NonZeroU32;
use std::sync::Arc;

use nice_plug::prelude::*;

pub mod dsp;
pub mod params;

use dsp::Engine;
use params::BarkEqParams;

/// The plugin instance.
pub struct BarkEq {
    /// Parameters shared with the host (and later the editor).
    params: Arc<BarkEqParams>,
    /// The engine, built in `activate` for the host's sample rate and channel count.
    engine: Option<Engine>,
}

impl Default for BarkEq {
    fn default() -> Self {
        Self {
            params: Arc::new(BarkEqParams::default()),
            engine: None,
        }
    }
}

impl BarkEq {
    /// Parameters of this instance.
    pub fn params_arc(&self) -> Arc<BarkEqParams> {
        self.params.clone()
    }

    /// Builds the engine for a sample rate and channel count, with the current parameter
    /// values applied without smoothing. Allocates; called from `activate`.
    pub fn activate_engine(
        &mut self,
        sample_rate_hz: f32,
        num_channels: usize,
    ) -> Result<u32, dsp::EngineError> {
        let mut engine = Engine::new(sample_rate_hz, num_channels)?;
        engine.apply(&self.params.settings());
        engine.reset();
        let latency_samples = engine.latency_samples();
        self.engine = Some(engine);
        Ok(latency_samples)
    }

    /// Reads the parameters and processes `channels` in place: what `process` does, without
    /// the host types. Returns the new latency when the FFT size changed. Never allocates.
    pub fn process_channels(&mut self, channels: &mut [&mut [f32]]) -> Option<u32> {
        let Some(engine) = self.engine.as_mut() else {
            // Not activated: a host bug; keep the output silent rather than unprocessed.
            for channel in channels.iter_mut() {
                channel.fill(0.0);
            }
            return None;
        };
        let latency_changed = engine.apply(&self.params.settings());
        engine.process(channels);
        latency_changed.then(|| engine.latency_samples())
    }

    /// The engine, once activated.
    pub fn engine(&self) -> Option<&Engine> {
        self.engine.as_ref()
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
    type Editor = ();

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    fn activate(
        &mut self,
        audio_io_layout: &AudioIOLayout,
        buffer_config: &BufferConfig,
        context: &mut impl ActivateContext<Self>,
    ) -> bool {
        let num_channels = audio_io_layout
            .main_output_channels
            .map_or(0, |c| c.get() as usize);
        match self.activate_engine(buffer_config.sample_rate, num_channels) {
            Ok(latency_samples) => {
                context.set_latency_samples(latency_samples);
                true
            }
            Err(err) => {
                nice_error!("Bark EQ cannot activate: {err}");
                false
            }
        }
    }

    fn reset(&mut self) {
        if let Some(engine) = self.engine.as_mut() {
            engine.apply(&self.params.settings());
            engine.reset();
        }
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        if let Some(latency_samples) = self.process_channels(buffer.as_slice()) {
            context.set_latency_samples(latency_samples);
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
