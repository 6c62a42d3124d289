//! Inner loops of the parallel bank. One generic source is compiled twice: for AVX2 + FMA
//! (selected at run time) and for the portable baseline. Sections sit in the lanes of
//! `[f32; 8]` chunks, which LLVM vectorises; groups of up to four chunks run side by side so
//! their recursions (two dependent multiply-adds per sample) overlap.

use super::{Lane, LANES, MAX_CHUNKS};

/// Chunks processed together in one pass over a sub-block with constant weights.
const GROUP_CHUNKS: usize = 4;
/// Chunks processed together while the weights ramp (they then occupy registers too).
const RAMP_GROUP_CHUNKS: usize = 2;

/// Which instruction set the kernels use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Isa {
    /// Whatever the build target offers (SSE2 on x86-64), separate multiply and add.
    Baseline,
    /// AVX2 with fused multiply-add, detected at run time.
    #[cfg(target_arch = "x86_64")]
    Avx2Fma,
}

impl Isa {
    /// The best instruction set available on this CPU (the baseline when
    /// [`crate::kernels::PORTABLE_KERNELS_ENV`] is set, like the STFT kernels).
    pub fn detect() -> Self {
        #[cfg(target_arch = "x86_64")]
        if crate::kernels::has_avx2_fma() {
            return Self::Avx2Fma;
        }
        Self::Baseline
    }
}

/// Read-only inputs of one sub-block of one channel.
pub(super) struct BlockParams<'a> {
    /// Number of active chunks.
    pub chunk_count: usize,
    /// Pole real parts.
    pub pole_re: &'a [Lane; MAX_CHUNKS],
    /// Pole imaginary parts.
    pub pole_im: &'a [Lane; MAX_CHUNKS],
    /// Real-state weights in force before the first sample.
    pub weight_re: &'a [Lane; MAX_CHUNKS],
    /// Imaginary-state weights in force before the first sample.
    pub weight_im: &'a [Lane; MAX_CHUNKS],
    /// Per-sample increment of `weight_re` (ramping kernels only).
    pub step_re: &'a [Lane; MAX_CHUNKS],
    /// Per-sample increment of `weight_im` (ramping kernels only).
    pub step_im: &'a [Lane; MAX_CHUNKS],
    /// Direct gain in force before the first sample.
    pub direct_gain: f32,
    /// Per-sample increment of `direct_gain` (ramping kernels only).
    pub direct_step: f32,
}

/// Mutable per-channel state: the complex one-pole state of every section.
#[derive(Clone, Copy, Debug)]
pub(super) struct ChannelState {
    /// Real parts.
    pub re: [Lane; MAX_CHUNKS],
    /// Imaginary parts.
    pub im: [Lane; MAX_CHUNKS],
}

impl ChannelState {
    /// All-zero state.
    pub const ZERO: Self = Self {
        re: [[0.0; LANES]; MAX_CHUNKS],
        im: [[0.0; LANES]; MAX_CHUNKS],
    };
}

/// Processes `buffer` in place (at most `scratch.len()` samples). With `RAMP`, the weights move
/// by one step before every sample; otherwise they are constant.
pub(super) fn process_block<const RAMP: bool>(
    isa: Isa,
    params: &BlockParams,
    state: &mut ChannelState,
    buffer: &mut [f32],
    scratch: &mut [Lane],
) {
    match isa {
        Isa::Baseline => process_generic::<false, RAMP>(params, state, buffer, scratch),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `Isa::Avx2Fma` is only constructed after detecting AVX2 and FMA at run time.
        Isa::Avx2Fma => unsafe { process_avx2_fma::<RAMP>(params, state, buffer, scratch) },
    }
}

/// AVX2 + FMA instantiation of [`process_generic`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn process_avx2_fma<const RAMP: bool>(
    params: &BlockParams,
    state: &mut ChannelState,
    buffer: &mut [f32],
    scratch: &mut [Lane],
) {
    process_generic::<true, RAMP>(params, state, buffer, scratch);
}

/// `a·b + c`, fused when `FMA`.
#[inline(always)]
fn madd<const FMA: bool>(a: f32, b: f32, c: f32) -> f32 {
    if FMA {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// Borrows chunks `start..start + G` of a lane array as a fixed-size array.
#[inline(always)]
fn group<const G: usize>(lanes: &[Lane; MAX_CHUNKS], start: usize) -> Option<&[Lane; G]> {
    lanes.get(start..start + G)?.try_into().ok()
}

/// Mutable version of [`group`].
#[inline(always)]
fn group_mut<const G: usize>(
    lanes: &mut [Lane; MAX_CHUNKS],
    start: usize,
) -> Option<&mut [Lane; G]> {
    lanes.get_mut(start..start + G)?.try_into().ok()
}

#[inline(always)]
fn process_generic<const FMA: bool, const RAMP: bool>(
    params: &BlockParams,
    state: &mut ChannelState,
    buffer: &mut [f32],
    scratch: &mut [Lane],
) {
    let len = buffer.len().min(scratch.len());
    let (buffer, sums) = (&mut buffer[..len], &mut scratch[..len]);
    sums.fill([0.0; LANES]);
    let mut start = 0;
    while start < params.chunk_count {
        let group_chunks = if RAMP {
            RAMP_GROUP_CHUNKS
        } else {
            GROUP_CHUNKS
        };
        let size = (params.chunk_count - start).min(group_chunks);
        match size {
            5 => run_group::<5, FMA, RAMP>(params, state, start, buffer, sums),
            4 => run_group::<4, FMA, RAMP>(params, state, start, buffer, sums),
            3 => run_group::<3, FMA, RAMP>(params, state, start, buffer, sums),
            2 => run_group::<2, FMA, RAMP>(params, state, start, buffer, sums),
            _ => run_group::<1, FMA, RAMP>(params, state, start, buffer, sums),
        }
        start += size;
    }
    let mut direct_gain = params.direct_gain;
    for (sample, lanes) in buffer.iter_mut().zip(sums.iter()) {
        if RAMP {
            direct_gain += params.direct_step;
        }
        let low = [
            lanes[0] + lanes[4],
            lanes[1] + lanes[5],
            lanes[2] + lanes[6],
            lanes[3] + lanes[7],
        ];
        let bank = (low[0] + low[2]) + (low[1] + low[3]);
        *sample = madd::<FMA>(direct_gain, *sample, bank);
    }
}

/// Runs chunks `start..start + G` over the sub-block, adding each section's weighted output
/// into the per-sample lane sums.
#[inline(always)]
fn run_group<const G: usize, const FMA: bool, const RAMP: bool>(
    params: &BlockParams,
    state: &mut ChannelState,
    start: usize,
    input: &[f32],
    sums: &mut [Lane],
) {
    let (
        Some(pole_re),
        Some(pole_im),
        Some(weight_re),
        Some(weight_im),
        Some(step_re),
        Some(step_im),
    ) = (
        group::<G>(params.pole_re, start),
        group::<G>(params.pole_im, start),
        group::<G>(params.weight_re, start),
        group::<G>(params.weight_im, start),
        group::<G>(params.step_re, start),
        group::<G>(params.step_im, start),
    )
    else {
        return;
    };
    let (Some(state_re), Some(state_im)) = (
        group_mut::<G>(&mut state.re, start),
        group_mut::<G>(&mut state.im, start),
    ) else {
        return;
    };
    let (mut s_re, mut s_im) = (*state_re, *state_im);
    let (mut w_re, mut w_im) = (*weight_re, *weight_im);
    for (&x, sum) in input.iter().zip(sums.iter_mut()) {
        // One partial sum per chunk keeps the accumulation off the critical path.
        let mut partial = [[0.0f32; LANES]; G];
        for g in 0..G {
            for l in 0..LANES {
                if RAMP {
                    w_re[g][l] += step_re[g][l];
                    w_im[g][l] += step_im[g][l];
                }
                let (re, im) = (s_re[g][l], s_im[g][l]);
                let new_re = madd::<FMA>(pole_re[g][l], re, madd::<FMA>(-pole_im[g][l], im, x));
                let new_im = madd::<FMA>(pole_im[g][l], re, pole_re[g][l] * im);
                s_re[g][l] = new_re;
                s_im[g][l] = new_im;
                partial[g][l] = madd::<FMA>(w_re[g][l], new_re, w_im[g][l] * new_im);
            }
        }
        for (l, value) in sum.iter_mut().enumerate() {
            *value += tree_sum(&partial, l);
        }
    }
    *state_re = s_re;
    *state_im = s_im;
}

/// Sum of lane `l` over the chunks of `partial`, adding neighbours pairwise first.
#[inline(always)]
fn tree_sum<const G: usize>(partial: &[Lane; G], l: usize) -> f32 {
    let mut total = 0.0;
    for g in (0..G).step_by(2) {
        total += if g + 1 < G {
            partial[g][l] + partial[g + 1][l]
        } else {
            partial[g][l]
        };
    }
    total
}
