//! Linear phase mode: the STFT. Each run of input goes into the lanes' rings and the finished
//! output comes back (latency N); at each hop boundary every lane filters one frame.

use super::{channel_slice, pair_slices, Engine, MAX_INPUT_ABS};
use crate::output::{finish_channel, from_mid_side, to_mid_side, ChannelStage};

impl Engine {
    /// Exchanges the run `span` of every active channel with the lanes and finishes it in the
    /// output stage (`stage` with `targeted` set per channel). Returns the bypass mix after
    /// the run.
    pub(super) fn linear_run(
        &mut self,
        io: &mut [&mut [f32]],
        span: std::ops::Range<usize>,
        stage: ChannelStage,
    ) -> f32 {
        let plan = self.plan_index();
        let at = self.position;
        let delayed = at.history_start(self.fft_len());
        let run = span.len();
        let (first, second, mid_side) = self.pair_targets();
        let with = |targeted| ChannelStage { targeted, ..stage };
        let mut mix_end = stage.mix.start;
        for (index, lane) in self.pairs.iter_mut().enumerate() {
            let (a, b) = pair_slices(io, index, span.clone(), &mut self.spare);
            if mid_side {
                to_mid_side(a, b);
            }
            self.filter
                .exchange_pair(plan, lane, [&mut *a, &mut *b], at, MAX_INPUT_ABS);
            let dry = lane.history(delayed, run);
            finish_channel(a, dry.iter().map(|z| z.re), with(first));
            mix_end = finish_channel(b, dry.iter().map(|z| z.im), with(second));
            if mid_side {
                from_mid_side(a, b);
            }
        }
        if let Some(lane) = &mut self.odd {
            let [spare, _] = &mut self.spare;
            let io = channel_slice(io, self.num_channels - 1, span, spare);
            self.filter.exchange(plan, lane, io, at, MAX_INPUT_ABS);
            let dry = lane.history(delayed, run);
            mix_end = finish_channel(io, dry.iter().copied(), with(true));
        }
        mix_end
    }

    /// Filters the frame that ends now in every lane; with `wants_power`, adds the frames'
    /// input power to `frame_power`.
    pub(super) fn linear_frames(&mut self, wants_power: bool) {
        let plan = self.plan_index();
        let at = self.position;
        let num_bins = self.layout().num_bins();
        let frame_power = &mut self.frame_power[..num_bins];
        for lane in &mut self.pairs {
            let power = wants_power.then_some(&mut *frame_power);
            self.filter.filter_frame_pair(plan, lane, at, power);
        }
        if let Some(lane) = &mut self.odd {
            let power = wants_power.then_some(&mut *frame_power);
            self.filter.filter_frame(plan, lane, at, power);
        }
    }
}
