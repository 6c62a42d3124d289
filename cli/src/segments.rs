//! One file as a sequence of output segments, each rendered from a buffer of input that
//! holds everything its output frames depend on.
//!
//! The engine's output is its input delayed by N, and the STFT frames are aligned to the
//! stream start (one every hop H = N/4, from sample 0). Output frame f (latency compensated)
//! is the sum of the four frames that end at the hop boundaries e, e − H, e − 2H, e − 3H with
//! e = ⌊(f + N)/H⌋·H, so it depends only on the input from e − 3H − N ≥ f − 3H, rounded down
//! to a hop. A fresh engine started at a hop boundary s − W (W a multiple of H, at least 3H)
//! therefore computes every frame that reaches output frames ≥ s exactly as one pass does:
//! same samples in, same arithmetic, same sums in the same order. The output is
//! byte-identical; the tests in `pipeline.rs` check it sample for sample, and that 2H is too
//! little.
//!
//! A segment for output frames [s, s + L) is the input [s − W, s + L + N) (silence past the
//! end of the file) in split mode, or just the new input [s + N, s + L + N) for an engine that
//! carries on from the previous segment (sequential mode).

use std::ops::Range;

use bark_eq_audio::{AudioReader, PcmFrameReader, PcmFrames};
use bark_eq_dsp::Engine;
use indicatif::ProgressBar;

use crate::cancel;
use crate::error::FileError;
use crate::flac::FLAC_BLOCK_FRAMES;
use crate::loudness::Meter;

/// Hops of input before a segment's first output frame that its frames reach back to.
pub const MIN_WARMUP_HOPS: usize = 3;
/// Shortest segment, in seconds of audio.
const SEGMENT_SECONDS: f64 = 4.0;
/// Shortest segment, in FFT lengths (keeps the warm-up and lookahead, 2N, under 3 %).
const SEGMENT_FFT_LENGTHS: usize = 64;
/// Split mode, near the end of a file: a segment is no longer than this share of what is left
/// per thread (guided self-scheduling), so that the threads finish together.
const SHARES_PER_THREAD: u64 = 2;
/// Split mode: the shortest segment near the end of a file, in FFT lengths.
const TAIL_SEGMENT_FFT_LENGTHS: usize = 8;
/// Positional split mode (`positional.rs`): input frames read and rendered at a time, at
/// least. 64 Ki stereo frames are 512 KiB of planes and as much encoded, which stay in a
/// 2 MiB L2 cache together with the engine.
const BLOCK_FRAMES: usize = 1 << 16;

/// Whether a file may be rendered in independent segments whose output is byte-identical to
/// one pass. True for the STFT engine, whose memory is the N + 3H samples behind a frame. An
/// engine with unbounded memory (an IIR filter: the "Zero latency" phase mode, which reports
/// latency 0) cannot be restarted exactly, so it renders in one pass; extend this test when
/// the engine gains such modes.
pub fn can_split(engine: &Engine) -> bool {
    engine.latency_samples() > 0
}

/// How a file is cut into segments.
#[derive(Debug, Clone, Copy)]
pub struct SegmentPlan {
    /// Output frames per segment (the last may be shorter): a multiple of the hop and of the
    /// FLAC block. In split mode the longest, see [`SegmentPlan::segment_len`].
    pub segment_frames: usize,
    /// Split mode: the shortest segment before the file's last (a multiple of the hop and of
    /// the FLAC block, at most `segment_frames`).
    pub tail_frames: usize,
    /// Split mode: the threads that share the file.
    pub threads: usize,
    /// Positional split mode: input frames read, rendered and written at a time within a
    /// region (a multiple of the hop).
    pub block_frames: usize,
    /// The engine's latency N: output frame f is the engine's output frame f + N.
    pub latency: usize,
    /// Split mode: the input frames a fresh engine is fed before a segment's first output
    /// frame (a multiple of the hop, at least [`MIN_WARMUP_HOPS`] hops). `None`: sequential.
    pub warmup: Option<usize>,
}

impl SegmentPlan {
    /// Segments of at least [`SEGMENT_SECONDS`] and [`SEGMENT_FFT_LENGTHS`] FFT lengths; split
    /// (warmed up by [`MIN_WARMUP_HOPS`] hops, shrinking to [`TAIL_SEGMENT_FFT_LENGTHS`] FFT
    /// lengths near the end, shared by the threads of the current rayon pool) if `split`, else
    /// sequential.
    pub fn new(engine: &Engine, split: bool) -> Self {
        let fft_len = engine.fft_len();
        let seconds = (SEGMENT_SECONDS * f64::from(engine.sample_rate_hz())).ceil() as usize;
        let frames = seconds.max(SEGMENT_FFT_LENGTHS * fft_len);
        let warmup = MIN_WARMUP_HOPS * engine.hop_len();
        let plan = Self::with_segment_frames(engine, frames, split.then_some(warmup)).with_tail(
            engine,
            TAIL_SEGMENT_FFT_LENGTHS * fft_len,
            rayon::current_num_threads(),
        );
        Self {
            block_frames: BLOCK_FRAMES.max(fft_len).div_ceil(engine.hop_len()) * engine.hop_len(),
            ..plan
        }
    }

    /// A plan with the given segment length and warm-up (both rounded up to whole hops and
    /// FLAC blocks), all segments and positional blocks that long; for tests that cut short
    /// signals into many segments.
    pub fn with_segment_frames(engine: &Engine, frames: usize, warmup: Option<usize>) -> Self {
        let hop = engine.hop_len();
        let segment_frames = Self::granules(engine, frames);
        Self {
            segment_frames,
            tail_frames: segment_frames,
            threads: 1,
            block_frames: segment_frames,
            latency: engine.latency_samples() as usize,
            warmup: warmup.map(|w| w.max(MIN_WARMUP_HOPS * hop).div_ceil(hop) * hop),
        }
    }

    /// The plan with split segments shrinking to `tail_frames` (rounded up to whole hops and
    /// FLAC blocks) near the end of a file shared by `threads`.
    pub fn with_tail(self, engine: &Engine, tail_frames: usize, threads: usize) -> Self {
        Self {
            tail_frames: Self::granules(engine, tail_frames).min(self.segment_frames),
            threads: threads.max(1),
            ..self
        }
    }

    /// `frames` rounded up to whole hops and FLAC blocks (at least one).
    fn granules(engine: &Engine, frames: usize) -> usize {
        let granule = engine.hop_len().max(FLAC_BLOCK_FRAMES);
        frames.max(1).div_ceil(granule) * granule
    }

    /// Output frames of the segment that starts at output frame `start` of a file of
    /// `total_frames` (if known): `segment_frames`, except in split mode near the end, where
    /// it is a 1/[`SHARES_PER_THREAD`] share of what is left per thread (not under
    /// `tail_frames`), so the last segments are short and every thread finishes at about the
    /// same time. Always a multiple of the hop and of the FLAC block.
    pub fn segment_len(&self, start: u64, total_frames: Option<u64>) -> usize {
        let (Some(_), Some(total)) = (self.warmup, total_frames) else {
            return self.segment_frames;
        };
        self.region_len(start, total)
            .min(self.segment_frames as u64) as usize
    }

    /// Output frames of the region that starts at output frame `start` of a file of `total`
    /// frames in positional split mode, where a region is streamed in blocks and so needs no
    /// cap: a 1/[`SHARES_PER_THREAD`] share of what is left per thread, not under
    /// `tail_frames` (guided self-scheduling: few regions, each a restart of the engine, and
    /// short ones last so that the threads finish together).
    pub fn region_len(&self, start: u64, total: u64) -> u64 {
        let share = total.saturating_sub(start) / (self.threads as u64 * SHARES_PER_THREAD);
        let granule = self.tail_frames as u64;
        (share.div_ceil(granule) * granule).max(granule)
    }
}

/// The input that one segment's output frames need, and where those frames are.
pub struct Segment {
    /// Input planes, from input frame `input_start` (silence past the end of the file).
    pub planes: Vec<Vec<f32>>,
    /// First input frame in `planes`.
    pub input_start: u64,
    /// First output frame of the segment.
    pub output_start: u64,
    /// Output frames of the segment.
    pub output_len: usize,
    /// Rendered by a reset engine (split mode) rather than one carrying on.
    pub fresh: bool,
    /// A spare buffer for the encoded output.
    pub bytes: Vec<u8>,
    /// Input frames still to be read into the (empty) planes by the thread that renders the
    /// segment ([`Segment::read_input`]); `None` once they hold the input.
    pub unread_frames: Option<usize>,
}

/// The buffers of a written segment, for the next ones.
pub struct Spare {
    /// Sample planes.
    pub planes: Vec<Vec<f32>>,
    /// Encoded bytes.
    pub bytes: Vec<u8>,
}

impl Segment {
    /// Reads the segment's input with `reader` if it was handed out unread (a file read in any
    /// order, [`Feeder::random_access`]), silence past the end of the file.
    pub fn read_input(&mut self, reader: &mut PcmFrameReader) -> Result<(), FileError> {
        if let Some(frames) = self.unread_frames.take() {
            reader.read_padded(self.input_start, frames, &mut self.planes)?;
        }
        Ok(())
    }

    /// Renders the segment in place with `engine` (reset first if the segment is fresh) and
    /// returns where its output frames are in `planes`.
    pub fn render(&mut self, engine: &mut Engine, latency: usize) -> Range<usize> {
        if self.fresh {
            engine.reset();
        }
        let mut channels: Vec<&mut [f32]> = self.planes.iter_mut().map(Vec::as_mut_slice).collect();
        engine.process(&mut channels);
        let start = (self.output_start + latency as u64 - self.input_start) as usize;
        start..start + self.output_len
    }
}

/// Reads a file and hands out its segments in order.
pub struct Feeder<'a> {
    /// The decoder.
    reader: &'a mut AudioReader,
    /// How the file is cut.
    plan: SegmentPlan,
    /// Decoded input not yet handed out in full, from frame `pending_start`.
    pending: Vec<Vec<f32>>,
    /// First input frame in `pending`.
    pending_start: u64,
    /// Input frames in the file, once the end has been reached.
    total_frames: Option<u64>,
    /// First output frame of the next segment.
    next_output_start: u64,
    /// Measures the input as it is read (`--report`).
    meter: Option<&'a mut Meter>,
    /// Advanced by the input frames read.
    progress: &'a ProgressBar,
    /// Planes of written segments, reused for new ones (fresh memory costs page faults).
    spare_planes: Vec<Vec<f32>>,
    /// Byte buffers of written segments.
    spare_bytes: Vec<Vec<u8>>,
    /// Split mode, no input meter, a file that can be read in any order: segments are handed
    /// out unread, and the thread that renders one reads its input, outside any lock.
    random_access: Option<PcmFrames>,
}

impl<'a> Feeder<'a> {
    /// A feeder of `reader` cut by `plan`.
    pub fn new(
        reader: &'a mut AudioReader,
        plan: SegmentPlan,
        meter: Option<&'a mut Meter>,
        progress: &'a ProgressBar,
    ) -> Self {
        let pending = vec![Vec::new(); reader.num_channels()];
        let random_access = reader
            .random_access()
            .filter(|_| plan.warmup.is_some() && meter.is_none());
        Self {
            reader,
            plan,
            pending,
            pending_start: 0,
            total_frames: None,
            next_output_start: 0,
            meter,
            progress,
            spare_planes: Vec::new(),
            spare_bytes: Vec::new(),
            random_access,
        }
    }

    /// Where the file's frames are, if segments are handed out unread (split mode, no input
    /// meter, uncompressed WAV): the threads read them with readers of their own.
    pub fn random_access(&self) -> Option<&PcmFrames> {
        self.random_access.as_ref()
    }

    /// The progress bar, advanced by the input frames read.
    pub fn progress(&self) -> &'a ProgressBar {
        self.progress
    }

    /// Counts a file read in any order ([`Feeder::random_access`]) as read to its end, once
    /// something else has rendered it (`positional.rs`).
    pub fn skip_to_end(&mut self) {
        if let Some(frames) = &self.random_access {
            self.total_frames = Some(frames.frames());
            self.next_output_start = frames.frames();
        }
    }

    /// Takes back the buffers of a written segment.
    pub fn recycle(&mut self, spare: Spare) {
        self.spare_planes.extend(spare.planes);
        self.spare_bytes.push(spare.bytes);
    }

    /// Input frames in the file (known once the last segment has been handed out).
    pub fn total_frames(&self) -> Option<u64> {
        self.total_frames
    }

    /// The next segment, or `None` after the last. Stops with [`FileError::Cancelled`] after
    /// Ctrl-C.
    pub fn next_segment(&mut self) -> Result<Option<Segment>, FileError> {
        if cancel::is_cancelled() {
            return Err(FileError::Cancelled);
        }
        let SegmentPlan {
            segment_frames,
            latency,
            warmup,
            ..
        } = self.plan;
        let output_start = self.next_output_start;
        if let Some(total) = self.random_access.as_ref().map(PcmFrames::frames) {
            return Ok(self.next_unread(output_start, total));
        }
        let expected_frames = self.total_frames.or(self.reader.expected_frames());
        let frames = self.plan.segment_len(output_start, expected_frames);
        self.read_until(output_start + (frames + latency) as u64)?;
        let output_len = match self.total_frames {
            Some(total) if output_start >= total => return Ok(None),
            Some(total) => (total - output_start).min(frames as u64) as usize,
            None => frames,
        };
        let input_end = output_start + (output_len + latency) as u64;
        // The next segment's input starts here; keep it, hand out the rest.
        let next_output = output_start + frames as u64;
        let keep_from = match warmup {
            Some(warmup) => next_output.saturating_sub(warmup as u64),
            None => next_output + latency as u64,
        };
        let input_start = self.pending_start;
        let keep_at = (keep_from - input_start) as usize;
        let input_len = (input_end - input_start) as usize;
        let capacity = segment_frames + 2 * latency + warmup.unwrap_or(0);
        let mut planes = Vec::with_capacity(self.pending.len());
        for plane in &mut self.pending {
            let mut kept = self
                .spare_planes
                .pop()
                .unwrap_or_else(|| Vec::with_capacity(capacity));
            kept.clear();
            kept.extend_from_slice(&plane[keep_at.min(plane.len())..]);
            let mut taken = std::mem::replace(plane, kept);
            taken.resize(input_len, 0.0);
            planes.push(taken);
        }
        self.pending_start = keep_from;
        self.next_output_start = next_output;
        Ok(Some(Segment {
            planes,
            input_start,
            output_start,
            output_len,
            fresh: warmup.is_some(),
            bytes: self.spare_bytes.pop().unwrap_or_default(),
            unread_frames: None,
        }))
    }

    /// The next split segment of a file of `total` frames read in any order, from output
    /// frame `output_start`, handed out unread; `None` after the last.
    fn next_unread(&mut self, output_start: u64, total: u64) -> Option<Segment> {
        if output_start >= total {
            self.total_frames = Some(total);
            return None;
        }
        let frames = self.plan.segment_len(output_start, Some(total));
        let output_len = (total - output_start).min(frames as u64) as usize;
        let input_start = output_start.saturating_sub(self.plan.warmup.unwrap_or(0) as u64);
        let input_end = output_start + (output_len + self.plan.latency) as u64;
        let planes = (0..self.pending.len())
            .map(|_| {
                let mut plane = self.spare_planes.pop().unwrap_or_default();
                plane.clear();
                plane
            })
            .collect();
        self.next_output_start = output_start + frames as u64;
        self.progress.inc(output_len as u64);
        Some(Segment {
            planes,
            input_start,
            output_start,
            output_len,
            fresh: true,
            bytes: self.spare_bytes.pop().unwrap_or_default(),
            unread_frames: Some((input_end - input_start) as usize),
        })
    }

    /// Decodes until `pending` reaches input frame `end` or the file ends.
    fn read_until(&mut self, end: u64) -> Result<(), FileError> {
        while self.total_frames.is_none() {
            let have = self.pending_start + self.pending.first().map_or(0, Vec::len) as u64;
            if have >= end {
                break;
            }
            let frames = self
                .reader
                .append_block(&mut self.pending, (end - have) as usize)?;
            if frames == 0 {
                self.total_frames = Some(have);
                break;
            }
            if let Some(meter) = self.meter.as_deref_mut() {
                let fresh: Vec<&[f32]> = self
                    .pending
                    .iter()
                    .map(|plane| &plane[plane.len() - frames..])
                    .collect();
                meter.add(&fresh)?;
            }
            self.progress.inc(frames as u64);
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "segments_tests.rs"]
mod tests;
