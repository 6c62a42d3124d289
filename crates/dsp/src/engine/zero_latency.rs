//! Zero latency mode: the IIR bank filters each run in place (latency 0). The input still goes
//! into the STFT lanes' rings, so the analyzer and auto gain get the same input spectra as in
//! Linear mode; only the analysis half of the STFT runs, and only while they need it.

use super::{channel_slice, pair_slices, Engine, MAX_INPUT_ABS};
use crate::output::{finish_channel, from_mid_side, sanitize, to_mid_side, ChannelStage};

impl Engine {
    /// Filters the run `span` of every active channel with the IIR bank and finishes it in the
    /// output stage, the input itself being the dry signal. Returns the bypass mix after the
    /// run.
    pub(super) fn zero_latency_run(
        &mut self,
        io: &mut [&mut [f32]],
        span: std::ops::Range<usize>,
        stage: ChannelStage,
    ) -> f32 {
        let plan = self.plan_index();
        let at = self.position;
        let run = span.len();
        let (first, second, mid_side) = self.pair_targets();
        let with = |targeted| ChannelStage { targeted, ..stage };
        let mut mix_end = stage.mix.start;
        let [dry_a, dry_b] = &mut self.dry;
        let (dry_a, dry_b) = (&mut dry_a[..run], &mut dry_b[..run]);
        let mut filters = self.iir.iter_mut();
        for (index, lane) in self.pairs.iter_mut().enumerate() {
            let (a, b) = pair_slices(io, index, span.clone(), &mut self.spare);
            sanitize(a, MAX_INPUT_ABS);
            sanitize(b, MAX_INPUT_ABS);
            if mid_side {
                to_mid_side(a, b);
            }
            dry_a.copy_from_slice(a);
            dry_b.copy_from_slice(b);
            self.filter
                .store_pair(plan, lane, [a, b], at, MAX_INPUT_ABS);
            if let Some(filter) = filters.next() {
                filter.process(&mut [&mut *a, &mut *b]);
            }
            if self.solo.is_some() {
                // The bank keeps running, so leaving solo continues seamlessly.
                let states = &mut self.solo_states[2 * index..];
                a.copy_from_slice(dry_a);
                b.copy_from_slice(dry_b);
                self.solo_filter.process(a, &mut states[0]);
                self.solo_filter.process(b, &mut states[1]);
            }
            finish_channel(a, dry_a.iter().copied(), with(first));
            mix_end = finish_channel(b, dry_b.iter().copied(), with(second));
            if mid_side {
                from_mid_side(a, b);
            }
        }
        if let Some(lane) = &mut self.odd {
            let [spare, _] = &mut self.spare;
            let io = channel_slice(io, self.num_channels - 1, span, spare);
            sanitize(io, MAX_INPUT_ABS);
            dry_a.copy_from_slice(io);
            self.filter.store(plan, lane, io, at, MAX_INPUT_ABS);
            if let Some(filter) = filters.next() {
                filter.process(&mut [&mut *io]);
            }
            if self.solo.is_some() {
                io.copy_from_slice(dry_a);
                let state = &mut self.solo_states[self.num_channels - 1];
                self.solo_filter.process(io, state);
            }
            mix_end = finish_channel(io, dry_a.iter().copied(), with(true));
        }
        mix_end
    }

    /// Adds the input power of the frame that ends now in every lane to `frame_power`.
    pub(super) fn analysis_frames(&mut self) {
        let plan = self.plan_index();
        let at = self.position;
        let num_bins = self.layout().num_bins();
        let frame_power = &mut self.frame_power[..num_bins];
        for lane in &self.pairs {
            self.filter.analyze_frame_pair(plan, lane, at, frame_power);
        }
        if let Some(lane) = &self.odd {
            self.filter.analyze_frame(plan, lane, at, frame_power);
        }
    }
}
