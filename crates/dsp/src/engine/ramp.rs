//! Gain smoothing at the control rate (one step per hop).

/// A value that moves linearly to its target in a fixed number of steps (one per hop).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct LinearRamp {
    /// Value now.
    pub(super) current: f32,
    /// Value the ramp ends at.
    target: f32,
    /// Change per step.
    step: f32,
    /// Steps left until `current == target`.
    remaining: u32,
}

impl LinearRamp {
    /// Starts a ramp to `target` over `steps` steps (at least one); no-op if already heading there.
    pub(super) fn set_target(&mut self, target: f32, steps: u32) {
        if target != self.target {
            self.target = target;
            self.remaining = steps.max(1);
            self.step = (target - self.current) / self.remaining as f32;
        }
    }

    /// Takes one step; returns whether the value moved.
    pub(super) fn advance(&mut self) -> bool {
        if self.remaining == 0 {
            return false;
        }
        self.remaining -= 1;
        self.current = if self.remaining == 0 {
            self.target
        } else {
            self.current + self.step
        };
        true
    }

    /// Jumps to the target.
    pub(super) fn snap(&mut self) {
        self.current = self.target;
        self.remaining = 0;
    }
}
