//! Analysis only: the input goes into the STFT lanes' rings and each hop's frame power feeds
//! the analyzer sums and the profile learner, with no filtering and no output. What
//! `bark-eq analyze` and `bark-eq match` run to measure a file: the same frames the plugin
//! sees, at the cost of the forward FFTs alone.

use super::{Engine, MAX_INPUT_ABS};

impl Engine {
    /// Feeds `channels` to the analysis side only: at every hop the input power of the frame
    /// that ends there reaches the analyzer (if enabled) and the profile learner (if
    /// learning). Produces no output, moves no gain, and leaves auto gain alone. Channels the
    /// slice leaves out are silent; only the length of the shortest channel is read. Any
    /// block length gives the same result. Allocation-free.
    pub fn analyze(&mut self, channels: &[&[f32]]) {
        let len = channels.iter().map(|c| c.len()).min().unwrap_or(0);
        let fft_len = self.fft_len();
        let hop_len = self.hop_len();
        let plan = self.plan_index();
        let mut start = 0;
        while start < len {
            let run = (hop_len - self.position.in_hop).min(len - start);
            let at = self.position;
            let span = start..start + run;
            let [spare, _] = &mut self.spare;
            let silent = &mut spare[..run];
            silent.fill(0.0);
            let channel = |index: usize| match channels.get(index) {
                Some(samples) => &samples[span.clone()],
                None => &silent[..],
            };
            for (index, lane) in self.pairs.iter_mut().enumerate() {
                let input = [channel(2 * index), channel(2 * index + 1)];
                self.filter.store_pair(plan, lane, input, at, MAX_INPUT_ABS);
            }
            if let Some(lane) = &mut self.odd {
                let input = channel(self.num_channels - 1);
                self.filter.store(plan, lane, input, at, MAX_INPUT_ABS);
            }
            start += run;
            if self.position.advance(fft_len, run) {
                let num_bins = self.layout().num_bins();
                self.frame_power[..num_bins].fill(0.0);
                self.analysis_frames();
                self.feed_frame_power();
            }
        }
    }
}

/// The profile learner filled with all of `channels` (planar, at `sample_rate_hz`) as an
/// engine at FFT size `fft_size` sees it, one FFT length of silence appended so every sample
/// has been in all of its frames. For whole buffers in memory (tests, tools); files are fed
/// block by block through [`Engine::analyze`] the same way. Allocates.
pub fn learn_profile(
    channels: &[&[f32]],
    sample_rate_hz: f32,
    fft_size: crate::settings::FftSize,
) -> Result<crate::profile::ProfileLearner, super::EngineError> {
    let settings = crate::settings::EqSettings {
        fft_size,
        ..Default::default()
    };
    let mut engine = Engine::new(sample_rate_hz, channels.len(), &settings)?;
    engine.set_profile_learning(true);
    engine.analyze(channels);
    let silence = vec![0.0; engine.fft_len()];
    let silent: Vec<&[f32]> = channels.iter().map(|_| &silence[..]).collect();
    engine.analyze(&silent);
    Ok(engine.profile_learner().clone())
}
