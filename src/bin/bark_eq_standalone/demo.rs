//! The demo mode of the standalone app: Bark EQ with a shaped curve and a pink-noise source in
//! front of it. It wraps the real plugin and only adds the source, so the editor, the engine and
//! the analyzer path are the ones a host gets.

use std::sync::Arc;

use bark_eq::params::BarkEqParams;
use bark_eq::BarkEq;
use bark_eq_dsp::signal::PinkNoise;
use nice_plug::prelude::*;

/// Band gains of the demo curve, dB: more bass, less mud, presence, a dip, air.
const DEMO_GAINS_DB: [f32; 25] = [
    4.0, 3.5, 1.5, -1.5, -3.0, -3.5, -2.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 4.5, 3.5, 2.0,
    0.0, -2.5, -4.0, -1.5, 2.0, 5.0, 6.0,
];
/// Output gain of the demo, dB.
const DEMO_OUTPUT_DB: f32 = -2.0;
/// RMS level of the noise, linear (about −28 dBFS: a quiet mix, so the spectra sit under the
/// curve as they do with most material).
const NOISE_RMS: f32 = 0.04;
/// Seed of the demo noise.
const PINK_SEED: u64 = 0x5EED;

/// Sets the demo curve on fresh parameters.
fn apply_demo_preset(params: &BarkEqParams) {
    for (param, &gain_db) in params.bands.iter().zip(&DEMO_GAINS_DB) {
        set_initial_value(&param.gain, gain_db);
    }
    set_initial_value(&params.output, DEMO_OUTPUT_DB);
}

/// Gives a parameter its starting value, as a host does when it restores a preset.
fn set_initial_value(param: &FloatParam, plain: f32) {
    // SAFETY: called from `Default`, before any wrapper or other thread sees the parameters.
    unsafe {
        param
            .as_ptr()
            ._internal_set_normalized_value(param.preview_normalized(plain))
    };
}

/// Bark EQ fed with pink noise instead of its input.
pub struct DemoBarkEq {
    /// The real plugin.
    inner: BarkEq,
    /// The noise source.
    noise: PinkNoise,
}

impl Default for DemoBarkEq {
    fn default() -> Self {
        let inner = BarkEq::default();
        apply_demo_preset(&inner.params_arc());
        Self {
            inner,
            noise: PinkNoise::new(PINK_SEED),
        }
    }
}

impl Plugin for DemoBarkEq {
    const NAME: &'static str = "Bark EQ (demo)";
    const VENDOR: &'static str = BarkEq::VENDOR;
    const URL: &'static str = BarkEq::URL;
    const EMAIL: &'static str = BarkEq::EMAIL;
    const VERSION: &'static str = BarkEq::VERSION;
    const AUDIO_IO_LAYOUTS: &'static [AudioIOLayout] = BarkEq::AUDIO_IO_LAYOUTS;

    type SysExMessage = ();
    type BackgroundTask = ();
    type Editor = <BarkEq as Plugin>::Editor;

    fn params(&self) -> Arc<dyn Params> {
        self.inner.params()
    }

    fn editor(&mut self, _async_executor: AsyncExecutor<Self>) -> Option<Self::Editor> {
        self.inner.create_editor()
    }

    fn activate(
        &mut self,
        audio_io_layout: &AudioIOLayout,
        buffer_config: &BufferConfig,
        context: &mut impl ActivateContext<Self>,
    ) -> bool {
        let latency = self.inner.activate_for(audio_io_layout, buffer_config);
        if let Some(latency_samples) = latency {
            context.set_latency_samples(latency_samples);
        }
        latency.is_some()
    }

    fn reset(&mut self) {
        self.inner.reset();
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        let channels = buffer.as_slice();
        let len = channels.iter().map(|c| c.len()).min().unwrap_or(0);
        for i in 0..len {
            let sample = self.noise.next_unit() * NOISE_RMS;
            for channel in channels.iter_mut() {
                channel[i] = sample;
            }
        }
        if self.inner.process_channels(channels) {
            context.request_restart();
        }
        ProcessStatus::Normal
    }

    fn deactivate(&mut self) {
        self.inner.deactivate();
    }
}
