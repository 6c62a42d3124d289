//! The output stage both phase modes share, applied to each channel's run after filtering:
//! stereo targeting (mid/side in and out; the part not targeted passes as the delayed input),
//! the auto-gain correction, delta listening and the bypass crossfade. Plain functions over
//! slices; allocation-free.

use super::kernels::flush_subnormal;
use super::settings::StereoTarget;

/// Mid and side are (L + R) · this and (L − R) · this; back: L = M + S, R = M − S.
const MID_SIDE_SCALE: f32 = 0.5;

/// The bypass crossfade over one run: from `start` towards `target` by `step` per sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BypassMix {
    /// Mix at the first sample of the run (0 = processed, 1 = dry).
    pub start: f32,
    /// Mix the crossfade heads to.
    pub target: f32,
    /// Change per sample.
    pub step: f32,
}

/// A gain that moves linearly over a run: `start` at the first sample, plus `step` per sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GainGlide {
    /// Linear gain at the first sample of the run.
    pub start: f32,
    /// Change per sample.
    pub step: f32,
}

impl GainGlide {
    /// A constant unity gain.
    pub const UNITY: GainGlide = GainGlide {
        start: 1.0,
        step: 0.0,
    };
}

/// How one channel's processed run becomes its output.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChannelStage {
    /// Whether the curve applies to this channel (or mid/side part); if not, it passes as the
    /// delayed input.
    pub targeted: bool,
    /// Output the processed signal minus the delayed input.
    pub delta: bool,
    /// Auto-gain correction of the processed signal.
    pub gain: GainGlide,
    /// The bypass crossfade.
    pub mix: BypassMix,
}

/// Which parts of a channel pair the curve applies to, and whether the pair is turned into mid
/// and side first: `(first part, second part, mid/side)`.
pub fn pair_targets(target: StereoTarget) -> (bool, bool, bool) {
    match target {
        StereoTarget::Stereo => (true, true, false),
        StereoTarget::Mid => (true, false, true),
        StereoTarget::Side => (false, true, true),
        StereoTarget::Left => (true, false, false),
        StereoTarget::Right => (false, true, false),
    }
}

/// Turns left/right in `a`/`b` into mid/side, in place.
pub fn to_mid_side(a: &mut [f32], b: &mut [f32]) {
    for (left, right) in a.iter_mut().zip(b.iter_mut()) {
        let (l, r) = (*left, *right);
        *left = (l + r) * MID_SIDE_SCALE;
        *right = (l - r) * MID_SIDE_SCALE;
    }
}

/// Turns mid/side in `a`/`b` back into left/right, in place.
pub fn from_mid_side(a: &mut [f32], b: &mut [f32]) {
    for (mid, side) in a.iter_mut().zip(b.iter_mut()) {
        let (m, s) = (*mid, *side);
        *mid = m + s;
        *side = m - s;
    }
}

/// Replaces non-finite samples of `io` by silence and limits the rest to ±`limit`, in place.
pub fn sanitize(io: &mut [f32], limit: f32) {
    for sample in io.iter_mut() {
        *sample = if sample.is_finite() {
            sample.clamp(-limit, limit)
        } else {
            0.0
        };
    }
}

/// Finishes one channel's run: `io` holds the processed signal, `dry` the input delayed by
/// the latency, sample for sample. Returns the bypass mix after the run.
pub fn finish_channel(
    io: &mut [f32],
    dry: impl Iterator<Item = f32> + Clone,
    stage: ChannelStage,
) -> f32 {
    if !stage.targeted {
        if stage.delta {
            io.fill(0.0);
        } else {
            for (sample, dry) in io.iter_mut().zip(dry.clone()) {
                *sample = dry;
            }
        }
    } else {
        if stage.gain != GainGlide::UNITY {
            let mut gain = stage.gain.start;
            for sample in io.iter_mut() {
                *sample *= gain;
                gain += stage.gain.step;
            }
        }
        if stage.delta {
            for (sample, dry) in io.iter_mut().zip(dry.clone()) {
                *sample -= dry;
            }
        }
    }
    mix_dry(io, dry, stage.mix)
}

/// Applies the bypass mix to one channel's run: `io` holds the output so far, `dry` the input
/// delayed by the latency. Returns the mix after the run.
fn mix_dry(io: &mut [f32], dry: impl Iterator<Item = f32>, mix: BypassMix) -> f32 {
    if mix.start == mix.target {
        if mix.target >= 1.0 {
            for (sample, dry) in io.iter_mut().zip(dry) {
                *sample = dry;
            }
        }
        return mix.start;
    }
    let direction = if mix.target > mix.start { 1.0 } else { -1.0 };
    let mut amount = mix.start;
    for (sample, dry) in io.iter_mut().zip(dry) {
        amount = (amount + direction * mix.step).clamp(0.0, 1.0);
        // Exactly `wet` at 0 and exactly `dry` at 1.
        *sample = flush_subnormal(*sample * (1.0 - amount) + dry * amount);
    }
    amount
}

#[cfg(test)]
mod tests {
    use super::*;

    const STILL: BypassMix = BypassMix {
        start: 0.0,
        target: 0.0,
        step: 0.1,
    };

    #[test]
    fn mid_side_round_trips_within_rounding() {
        let (mut a, mut b) = (vec![0.3, -1.0, 0.25], vec![0.1, 1.0, -0.75]);
        to_mid_side(&mut a, &mut b);
        assert_eq!((a[1], b[1]), (0.0, -1.0));
        from_mid_side(&mut a, &mut b);
        for (x, y) in a.iter().zip([0.3, -1.0, 0.25]) {
            assert!((x - y).abs() < 1e-7);
        }
        for (x, y) in b.iter().zip([0.1, 1.0, -0.75]) {
            assert!((x - y).abs() < 1e-7);
        }
    }

    #[test]
    fn an_untargeted_channel_passes_dry_and_delta_is_wet_minus_dry() {
        let dry = [1.0f32, 2.0, 3.0];
        let stage = ChannelStage {
            targeted: false,
            delta: false,
            gain: GainGlide::UNITY,
            mix: STILL,
        };
        let mut io = vec![9.0; 3];
        finish_channel(&mut io, dry.iter().copied(), stage);
        assert_eq!(io, dry);
        let delta = ChannelStage {
            targeted: true,
            delta: true,
            ..stage
        };
        let mut io = vec![1.5, 2.5, 3.5];
        finish_channel(&mut io, dry.iter().copied(), delta);
        assert_eq!(io, [0.5, 0.5, 0.5]);
        let gained = ChannelStage {
            targeted: true,
            gain: GainGlide {
                start: 2.0,
                step: 1.0,
            },
            ..stage
        };
        let mut io = vec![1.0; 3];
        finish_channel(&mut io, dry.iter().copied(), gained);
        assert_eq!(io, [2.0, 3.0, 4.0]);
    }
}
