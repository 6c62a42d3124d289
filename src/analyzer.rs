//! The analyzer's audio side: averages the engine's input power per FFT bin over time, turns
//! it into input and output levels at fixed log-spaced frequencies and publishes them to the
//! editor through a wait-free triple buffer.
//!
//! The payload has a fixed size whatever the FFT size or sample rate, and the per-bin average is
//! allocated in `activate`, so the audio thread only overwrites arrays and flips an index: no
//! allocation, no lock. It runs only while the editor is open.

use triple_buffer::{triple_buffer, Input, Output};

use bark_eq_dsp::window::HOP_DIVISOR;
use bark_eq_dsp::{Engine, FftSize};

/// Number of log-spaced frequencies the spectra are drawn at.
pub const ANALYZER_POINTS: usize = 256;
/// Frequency of the first point.
pub const ANALYZER_MIN_HZ: f32 = 20.0;
/// Frequency of the last point.
pub const ANALYZER_MAX_HZ: f32 = 20_000.0;
/// Levels are limited to this many dBFS from below (silence reads this).
pub const ANALYZER_FLOOR_DB: f32 = -120.0;
/// Time constant of the per-bin power average: long enough to calm noise, short enough to
/// follow music (a level drop fades at about 29 dB per second).
pub const AVERAGE_SECONDS: f32 = 0.15;
/// Coherent gain of the Hann window: a sine of amplitude A peaks at |X[k]| = A · N · gain / 2.
const HANN_COHERENT_GAIN: f32 = 0.5;
/// Smallest power ratio converted to dB (keeps `log10` finite).
const MIN_POWER_RATIO: f32 = 1.0e-12;

/// Frequency in Hz of analyzer point `point` (0 … [`ANALYZER_POINTS`] − 1).
pub fn point_freq_hz(point: usize) -> f32 {
    let position = point as f32 / (ANALYZER_POINTS - 1) as f32;
    ANALYZER_MIN_HZ * (ANALYZER_MAX_HZ / ANALYZER_MIN_HZ).powf(position)
}

/// Bins of the largest FFT the engine uses at `sample_rate_hz`: what the average must hold.
pub fn max_bins_at_rate(sample_rate_hz: f32) -> usize {
    let max_fft_len = FftSize::ALL
        .iter()
        .map(|size| size.size_at_rate(sample_rate_hz));
    max_fft_len.max().unwrap_or(0) / 2 + 1
}

/// Ratio between the frequencies of neighbouring points.
fn point_ratio() -> f32 {
    (ANALYZER_MAX_HZ / ANALYZER_MIN_HZ).powf(1.0 / (ANALYZER_POINTS - 1) as f32)
}

/// One analyzer update as the editor receives it.
#[derive(Clone, Debug, PartialEq)]
pub struct AnalyzerFrame {
    /// Smoothed input level at each point in dBFS (a full-scale sine reads 0 dB).
    pub input_db: [f32; ANALYZER_POINTS],
    /// Smoothed output level at each point in dBFS: the input through the current curve.
    pub output_db: [f32; ANALYZER_POINTS],
    /// Sample rate of the audio; points above half of it carry no signal.
    pub sample_rate_hz: f32,
    /// Updates published since the editor connected; 0 means none yet.
    pub sequence: u64,
}

impl Default for AnalyzerFrame {
    fn default() -> Self {
        Self {
            input_db: [ANALYZER_FLOOR_DB; ANALYZER_POINTS],
            output_db: [ANALYZER_FLOOR_DB; ANALYZER_POINTS],
            sample_rate_hz: 0.0,
            sequence: 0,
        }
    }
}

/// Resamples per-bin values to the analyzer points. A point takes the largest bin within half a
/// point spacing on either side (a sine keeps its peak level); where points are denser than
/// bins, the value interpolated linearly between the two nearest bins. Points beyond the last bin
/// get 0. `bin_value(k)` is read for `k < num_bins` only.
pub fn resample_to_points(
    num_bins: usize,
    bin_hz: f32,
    bin_value: impl Fn(usize) -> f32,
    out: &mut [f32; ANALYZER_POINTS],
) {
    let half_spacing = point_ratio().sqrt();
    let last_bin = num_bins.saturating_sub(1);
    for (point, value) in out.iter_mut().enumerate() {
        let centre = point_freq_hz(point) / bin_hz;
        let first = (centre / half_spacing).ceil() as usize;
        let last = ((centre * half_spacing).floor() as usize).min(last_bin);
        *value = if num_bins == 0 || bin_hz.is_nan() || bin_hz <= 0.0 || centre > last_bin as f32 {
            0.0
        } else if first <= last {
            (first..=last).map(&bin_value).fold(0.0, f32::max)
        } else {
            let below = (centre.floor() as usize).min(last_bin);
            let above = (below + 1).min(last_bin);
            let weight = centre - below as f32;
            bin_value(below) + weight * (bin_value(above) - bin_value(below))
        };
    }
}

/// Power relative to full scale → dBFS, limited to [`ANALYZER_FLOOR_DB`].
fn power_ratio_to_db(ratio: f32) -> f32 {
    (10.0 * ratio.max(MIN_POWER_RATIO).log10()).max(ANALYZER_FLOOR_DB)
}

/// The audio thread's end of the analyzer: the per-bin average and the triple buffer input.
#[derive(Default)]
pub struct AnalyzerPublisher {
    /// Writer of the triple buffer, once an editor asked for the analyzer.
    input: Option<Input<AnalyzerFrame>>,
    /// Average input power per bin, relative to full scale (sized in `allocate`).
    bin_power: Vec<f32>,
    /// FFT size the average belongs to; 0 when it holds nothing (e.g. after the editor closed).
    averaged_fft_len: usize,
    /// Updates published since `connect`.
    sequence: u64,
}

impl AnalyzerPublisher {
    /// Sizes the per-bin average for up to `max_bins` bins. Allocates: call it in `activate`.
    pub fn allocate(&mut self, max_bins: usize) {
        self.bin_power = vec![0.0; max_bins];
        self.averaged_fft_len = 0;
    }

    /// Creates the triple buffer and returns its reading end for the editor; a previous reader
    /// is disconnected. Allocates: call it from the main thread, never while processing.
    pub fn connect(&mut self) -> Output<AnalyzerFrame> {
        let (input, output) = triple_buffer(&AnalyzerFrame::default());
        self.input = Some(input);
        self.averaged_fft_len = 0;
        self.sequence = 0;
        output
    }

    /// Called after every processed block. While the editor is open, keeps the engine's
    /// analyzer on and publishes the frames it summed; otherwise turns it off. Returns whether
    /// an update was published. Never allocates, locks or blocks.
    pub fn update(&mut self, engine: &mut Engine, editor_open: bool) -> bool {
        let Some(input) = self.input.as_mut().filter(|_| editor_open) else {
            engine.set_analyzer_enabled(false);
            self.averaged_fft_len = 0;
            return false;
        };
        engine.set_analyzer_enabled(true);
        let (power, frames) = engine.analyzer_power();
        let num_bins = power.len();
        if frames == 0 || num_bins > self.bin_power.len() {
            return false;
        }
        let fft_len = engine.fft_len();
        let sample_rate_hz = engine.sample_rate_hz();
        let full_scale = fft_len as f32 * HANN_COHERENT_GAIN / 2.0;
        let to_ratio = 1.0 / (frames as f32 * full_scale * full_scale);

        // Seconds of audio these frames stand for (one hop per frame and channel).
        let frames_per_channel = frames as f32 / engine.num_channels().max(1) as f32;
        let elapsed_s = frames_per_channel * (fft_len / HOP_DIVISOR) as f32 / sample_rate_hz;
        let weight = if self.averaged_fft_len == fft_len {
            1.0 - (-elapsed_s / AVERAGE_SECONDS).exp()
        } else {
            1.0
        };
        let average = &mut self.bin_power[..num_bins];
        for (mean, &sum) in average.iter_mut().zip(power) {
            *mean += (sum * to_ratio - *mean) * weight;
        }
        self.averaged_fft_len = fft_len;
        self.sequence += 1;

        let average = &self.bin_power[..num_bins];
        let bin_hz = sample_rate_hz / fft_len as f32;
        let curve = engine.curve();
        let frame = input.input_buffer_mut();
        resample_to_points(num_bins, bin_hz, |k| average[k], &mut frame.input_db);
        let output_power = |k: usize| {
            let gain = curve.get(k).copied().unwrap_or(0.0);
            average[k] * gain * gain
        };
        resample_to_points(num_bins, bin_hz, output_power, &mut frame.output_db);
        for level in frame.input_db.iter_mut().chain(frame.output_db.iter_mut()) {
            *level = power_ratio_to_db(*level);
        }
        frame.sample_rate_hz = sample_rate_hz;
        frame.sequence = self.sequence;
        input.publish();
        engine.clear_analyzer();
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::editor::tests::set_from_host;
    use crate::params::FftSizeParam;
    use crate::BarkEq;
    use bark_eq_dsp::bands::band_of_freq;

    use std::f32::consts::{PI, TAU};

    const RATE_HZ: f32 = 48_000.0;
    const BLOCK: usize = 512;
    /// Samples of the sine's fade-in (20 ms).
    const FADE_IN: f32 = 960.0;

    /// A stereo plugin at 48 kHz with an analyzer reader.
    fn plugin_with_reader() -> (BarkEq, Output<AnalyzerFrame>) {
        let mut plugin = BarkEq::default();
        plugin
            .activate_engine(RATE_HZ, 2)
            .expect("48 kHz stereo is supported");
        let reader = plugin.connect_analyzer();
        (plugin, reader)
    }

    /// Plays `seconds` of a sine through `plugin` in blocks; `editor_open: None` asks the real
    /// (never opened) editor window. Returns how many blocks published.
    fn play_sine(
        plugin: &mut BarkEq,
        freq_hz: f32,
        amplitude: f32,
        seconds: f32,
        editor_open: Option<bool>,
    ) -> usize {
        let blocks = (seconds * RATE_HZ) as usize / BLOCK;
        let mut published = 0;
        let mut left = vec![0.0f32; BLOCK];
        let mut right = vec![0.0f32; BLOCK];
        for block in 0..blocks {
            for (i, (l, r)) in left.iter_mut().zip(right.iter_mut()).enumerate() {
                let n = block * BLOCK + i;
                // A raised-cosine fade-in, so the onset does not splash over the spectrum.
                let fade = 0.5 - 0.5 * (PI * (n as f32 / FADE_IN).min(1.0)).cos();
                let phase = TAU * freq_hz * n as f32 / RATE_HZ;
                *l = amplitude * fade * phase.sin();
                *r = *l;
            }
            let before = plugin_sequence(plugin);
            let mut channels = [&mut left[..], &mut right[..]];
            match editor_open {
                Some(open) => plugin.process_channels_with_editor(&mut channels, open),
                None => plugin.process_channels(&mut channels),
            };
            published += usize::from(plugin_sequence(plugin) != before);
        }
        published
    }

    fn plugin_sequence(plugin: &BarkEq) -> u64 {
        plugin.analyzer.sequence
    }

    /// Index of the loudest point.
    fn peak_point(levels: &[f32; ANALYZER_POINTS]) -> usize {
        (0..ANALYZER_POINTS)
            .max_by(|&a, &b| levels[a].total_cmp(&levels[b]))
            .unwrap_or(0)
    }

    /// The point nearest to `freq_hz`.
    fn point_near(freq_hz: f32) -> usize {
        (0..ANALYZER_POINTS)
            .min_by(|&a, &b| {
                let distance = |p: usize| (point_freq_hz(p) / freq_hz).ln().abs();
                distance(a).total_cmp(&distance(b))
            })
            .unwrap_or(0)
    }

    #[test]
    fn points_span_20_hz_to_20_khz_logarithmically() {
        assert!((point_freq_hz(0) - 20.0).abs() < 1e-3);
        assert!((point_freq_hz(ANALYZER_POINTS - 1) - 20_000.0).abs() < 0.1);
        let ratio = point_freq_hz(1) / point_freq_hz(0);
        assert!((point_freq_hz(200) / point_freq_hz(199) - ratio).abs() < 1e-4);
    }

    #[test]
    fn resampling_keeps_a_peak_and_interpolates_between_bins() {
        let (num_bins, bin_hz) = (2401, 10.0);
        let mut out = [0.0; ANALYZER_POINTS];
        // One loud bin at 1 kHz: the point nearest to it reads the bin's full power.
        let peak = |k: usize| if k == 100 { 1.0 } else { 1e-6 };
        resample_to_points(num_bins, bin_hz, peak, &mut out);
        assert_eq!(out[point_near(1000.0)], 1.0);
        assert_eq!(out[point_near(100.0)], 1e-6);
        assert_eq!(out[point_near(10_000.0)], 1e-6);
        // On a rising ramp every point reads a value inside its own frequency range; where
        // the range holds no bin (low frequencies) it is the linear interpolation.
        let ramp = |k: usize| k as f32;
        resample_to_points(num_bins, bin_hz, ramp, &mut out);
        let half_spacing = point_ratio().sqrt();
        let mut interpolated = 0;
        for (point, &value) in out.iter().enumerate() {
            let centre = point_freq_hz(point) / bin_hz;
            let (low, high) = (centre / half_spacing, centre * half_spacing);
            assert!(
                value >= low - 1e-3 && value <= high + 1e-3,
                "point {point}: {value}"
            );
            if low.ceil() > high.floor() {
                assert!((value - centre).abs() < 1e-3 * centre, "point {point}");
                interpolated += 1;
            }
        }
        assert!(interpolated > 20, "only {interpolated} points between bins");
        // Nothing above the last bin (12 kHz here).
        resample_to_points(1201, bin_hz, |_| 1.0, &mut out);
        assert_eq!(out[point_near(15_000.0)], 0.0);
        assert_eq!(out[point_near(11_000.0)], 1.0);
    }

    #[test]
    fn a_closed_editor_publishes_nothing() {
        let (mut plugin, mut reader) = plugin_with_reader();
        assert_eq!(play_sine(&mut plugin, 1000.0, 0.5, 0.5, None), 0);
        assert!(!reader.updated());
        assert_eq!(reader.read().sequence, 0);
        assert_eq!(plugin.engine().map(|e| e.analyzer_power().1), Some(0));
    }

    #[test]
    fn an_open_editor_sees_a_1khz_sine_in_the_997_hz_band() {
        let (mut plugin, mut reader) = plugin_with_reader();
        set_from_host(&plugin.params_arc().bands[8].gain, 6.0);
        let published = play_sine(&mut plugin, 1000.0, 0.5, 1.0, Some(true));
        // 1024-sample hops in 512-sample blocks: every other block completes a frame.
        assert!(published >= 20, "{published} updates");
        assert!(reader.updated());
        let frame = reader.read().clone();
        assert_eq!(frame.sample_rate_hz, RATE_HZ);

        let peak = peak_point(&frame.input_db);
        assert_eq!(
            band_of_freq(point_freq_hz(peak)),
            8,
            "peak at {} Hz",
            point_freq_hz(peak)
        );
        // A 0.5 amplitude sine is −6.0 dBFS; the Hann window's scalloping loses ≤ 1.5 dB.
        let level_db = frame.input_db[peak];
        assert!((-7.6..=-5.9).contains(&level_db), "peak {level_db} dBFS");
        for far_hz in [250.0, 4000.0] {
            let far_db = frame.input_db[point_near(far_hz)];
            assert!(far_db < level_db - 60.0, "{far_hz} Hz at {far_db} dBFS");
        }
        // The output spectrum shows the +6 dB of band 9.
        let boost_db = frame.output_db[peak] - level_db;
        assert!(
            (boost_db - 6.0).abs() < 0.2,
            "output − input = {boost_db} dB"
        );
    }

    #[test]
    fn closing_the_editor_stops_publishing() {
        let (mut plugin, mut reader) = plugin_with_reader();
        play_sine(&mut plugin, 1000.0, 0.5, 0.2, Some(true));
        let sequence = reader.read().sequence;
        assert!(sequence > 0);
        assert_eq!(play_sine(&mut plugin, 1000.0, 0.5, 0.2, Some(false)), 0);
        assert!(!reader.updated());
        assert_eq!(plugin.engine().map(|e| e.analyzer_power().1), Some(0));
        // Reopened, it starts again from fresh levels.
        assert!(play_sine(&mut plugin, 1000.0, 0.5, 0.2, Some(true)) > 0);
        assert!(reader.read().sequence > sequence);
    }

    #[test]
    fn a_hidden_or_frozen_analyzer_costs_the_audio_thread_nothing() {
        use crate::editor::analyzer_options::{AnalyzerOptions, Show};
        let (mut plugin, reader) = plugin_with_reader();
        let options = plugin.params_arc();
        for hidden in [
            AnalyzerOptions {
                freeze: true,
                ..AnalyzerOptions::default()
            },
            AnalyzerOptions {
                show: Show::Off,
                ..AnalyzerOptions::default()
            },
        ] {
            options.analyzer.store(hidden);
            assert_eq!(play_sine(&mut plugin, 1000.0, 0.5, 0.2, Some(true)), 0);
            assert!(!reader.updated());
            // The engine sums no analyzer power at all.
            assert_eq!(plugin.engine().map(|e| e.analyzer_power().1), Some(0));
        }
        options.analyzer.store(AnalyzerOptions::default());
        assert!(play_sine(&mut plugin, 1000.0, 0.5, 0.2, Some(true)) > 0);
    }

    #[cfg(not(feature = "assert_process_allocs"))]
    #[test]
    fn publishing_allocates_nothing() {
        let (mut plugin, mut reader) = plugin_with_reader();
        let params = plugin.params_arc();
        let mut left = vec![0.25f32; BLOCK];
        let mut right = vec![-0.25f32; BLOCK];
        let mut run = |plugin: &mut BarkEq, blocks: usize| {
            for _ in 0..blocks {
                let mut channels = [&mut left[..], &mut right[..]];
                assert_no_alloc::assert_no_alloc(|| {
                    plugin.process_channels_with_editor(&mut channels, true);
                });
            }
        };
        run(&mut plugin, 40);
        set_from_host(&params.fft_size, FftSizeParam(bark_eq_dsp::FftSize::N16384));
        set_from_host(&params.bands[3].gain, -9.0);
        run(&mut plugin, 80);
        assert!(reader.read().sequence > 20);
    }
}
