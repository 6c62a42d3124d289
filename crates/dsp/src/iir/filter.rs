//! Per-instance filter state with gliding between coefficient sets.

use super::kernel::{process_block, BlockParams, ChannelState, Isa};
use super::{Lane, ZeroLatencyCoeffs, ZeroLatencyDesign, GLIDE_TIME_S, LANES, MAX_CHUNKS};

/// Channels one filter processes (a stereo pair; both use the same coefficients).
pub const MAX_CHANNELS: usize = 2;
/// Samples per inner sub-block (bounds the scratch size and the denormal-flush interval).
const SUB_BLOCK_SAMPLES: usize = 64;
/// A section state whose |re| + |im| falls below this is set to exactly 0 after each sub-block
/// (≈ −200 dBFS: far below f32 resolution of any audible signal; stops denormals and lets the
/// state reach exactly 0 on silence).
pub const STATE_FLUSH_THRESHOLD: f32 = 1e-10;

/// Filter state for up to two channels, gliding linearly between coefficient sets.
///
/// Section states do not depend on the coefficients (the poles are fixed), so changing the
/// weights never disturbs the recursion; a glide is a linear ramp of the output weights over
/// [`GLIDE_TIME_S`], restarted from the current position by every [`Self::set_target`].
#[derive(Clone, Debug)]
pub struct ZeroLatencyFilter {
    /// Instruction set chosen at construction.
    isa: Isa,
    /// Active chunks.
    chunk_count: usize,
    /// Pole real parts (copied from the design).
    pole_re: [Lane; MAX_CHUNKS],
    /// Pole imaginary parts (copied from the design).
    pole_im: [Lane; MAX_CHUNKS],
    /// Glide length in samples.
    glide_samples: usize,
    /// Samples left in the current glide (0 when settled).
    glide_remaining: usize,
    /// Coefficients in force now.
    current: ZeroLatencyCoeffs,
    /// Coefficients the glide ends at.
    target: ZeroLatencyCoeffs,
    /// Per-sample increment of every coefficient during the glide.
    step: ZeroLatencyCoeffs,
    /// Section states per channel.
    states: [ChannelState; MAX_CHANNELS],
    /// Per-sample lane sums for one sub-block.
    scratch: Vec<Lane>,
}

impl ZeroLatencyFilter {
    /// A zeroed, flat filter for `design` (allocates its scratch).
    pub fn new(design: &ZeroLatencyDesign) -> Self {
        let glide_samples = (GLIDE_TIME_S * design.sample_rate_hz()).round().max(1.0) as usize;
        Self {
            isa: Isa::detect(),
            chunk_count: design.chunk_count,
            pole_re: design.pole_re,
            pole_im: design.pole_im,
            glide_samples,
            glide_remaining: 0,
            current: ZeroLatencyCoeffs::FLAT,
            target: ZeroLatencyCoeffs::FLAT,
            step: ZeroLatencyCoeffs::FLAT,
            states: [ChannelState::ZERO; MAX_CHANNELS],
            scratch: vec![[0.0; LANES]; SUB_BLOCK_SAMPLES],
        }
    }

    /// Uses the portable kernel even where AVX2 is available (for tests and comparisons).
    pub fn force_portable_kernel(&mut self) {
        self.isa = Isa::Baseline;
    }

    /// Starts a glide from the current coefficients to `coeffs` over [`GLIDE_TIME_S`].
    /// Cheap; may be called every block.
    pub fn set_target(&mut self, coeffs: &ZeroLatencyCoeffs) {
        self.target = *coeffs;
        if self.target == self.current {
            self.glide_remaining = 0;
            return;
        }
        let inverse = 1.0 / self.glide_samples as f32;
        for c in 0..MAX_CHUNKS {
            for l in 0..LANES {
                self.step.re_weight[c][l] =
                    (self.target.re_weight[c][l] - self.current.re_weight[c][l]) * inverse;
                self.step.im_weight[c][l] =
                    (self.target.im_weight[c][l] - self.current.im_weight[c][l]) * inverse;
            }
        }
        self.step.direct_gain = (self.target.direct_gain - self.current.direct_gain) * inverse;
        self.glide_remaining = self.glide_samples;
    }

    /// Jumps to the target coefficients (used after `reset`).
    pub fn snap(&mut self) {
        self.current = self.target;
        self.glide_remaining = 0;
    }

    /// Zeroes the section states (coefficients are kept).
    pub fn reset(&mut self) {
        self.states = [ChannelState::ZERO; MAX_CHANNELS];
    }

    /// True while a glide is in progress.
    pub fn is_gliding(&self) -> bool {
        self.glide_remaining > 0
    }

    /// True when every section state of every channel is exactly zero.
    pub fn state_is_zero(&self) -> bool {
        self.states
            .iter()
            .all(|s| s.re.iter().chain(s.im.iter()).flatten().all(|&v| v == 0.0))
    }

    /// Coefficients in force now (mid-glide values while gliding).
    pub fn current_coeffs(&self) -> &ZeroLatencyCoeffs {
        &self.current
    }

    /// Processes 1 or 2 equally long channels in place with the same coefficients (extra
    /// channels are left untouched; only the shortest length is processed). No allocation.
    pub fn process(&mut self, channels: &mut [&mut [f32]]) {
        let channel_count = channels.len().min(MAX_CHANNELS);
        let channels = &mut channels[..channel_count];
        let frames = channels.iter().map(|c| c.len()).min().unwrap_or(0);
        let mut position = 0;
        while position < frames {
            let mut block = (frames - position).min(SUB_BLOCK_SAMPLES);
            let ramp = self.glide_remaining > 0;
            if ramp {
                block = block.min(self.glide_remaining);
            }
            let params = BlockParams {
                chunk_count: self.chunk_count,
                pole_re: &self.pole_re,
                pole_im: &self.pole_im,
                weight_re: &self.current.re_weight,
                weight_im: &self.current.im_weight,
                step_re: &self.step.re_weight,
                step_im: &self.step.im_weight,
                direct_gain: self.current.direct_gain,
                direct_step: self.step.direct_gain,
            };
            for (channel, state) in channels.iter_mut().zip(self.states.iter_mut()) {
                let buffer = &mut channel[position..position + block];
                if ramp {
                    process_block::<true>(self.isa, &params, state, buffer, &mut self.scratch);
                } else {
                    process_block::<false>(self.isa, &params, state, buffer, &mut self.scratch);
                }
                flush_tiny_states(state, self.chunk_count);
            }
            if ramp {
                self.advance_glide(block);
            }
            position += block;
        }
    }

    /// Moves the glide on by `samples`, recomputing the current coefficients from the target so
    /// rounding never accumulates; lands exactly on the target.
    fn advance_glide(&mut self, samples: usize) {
        self.glide_remaining = self.glide_remaining.saturating_sub(samples);
        if self.glide_remaining == 0 {
            self.current = self.target;
            return;
        }
        let left = self.glide_remaining as f32;
        for c in 0..MAX_CHUNKS {
            for l in 0..LANES {
                self.current.re_weight[c][l] =
                    self.target.re_weight[c][l] - left * self.step.re_weight[c][l];
                self.current.im_weight[c][l] =
                    self.target.im_weight[c][l] - left * self.step.im_weight[c][l];
            }
        }
        self.current.direct_gain = self.target.direct_gain - left * self.step.direct_gain;
    }
}

/// Sets states below [`STATE_FLUSH_THRESHOLD`] to exactly 0.
fn flush_tiny_states(state: &mut ChannelState, chunk_count: usize) {
    for (re, im) in state
        .re
        .iter_mut()
        .zip(state.im.iter_mut())
        .take(chunk_count)
    {
        for (r, i) in re.iter_mut().zip(im.iter_mut()) {
            if r.abs() + i.abs() < STATE_FLUSH_THRESHOLD {
                *r = 0.0;
                *i = 0.0;
            }
        }
    }
}
