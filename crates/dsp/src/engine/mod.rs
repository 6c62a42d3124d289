//! The real-time engine in two phase modes: Linear, the STFT (channel pairs packed into one
//! complex FFT, an odd channel alone, one shared gain curve; `linear`), and Zero latency, a
//! parallel bank of IIR sections solved to the Smooth curve (`zero_latency`). Both share the
//! control rate (one step per hop of the STFT), the gain smoothing, the analysis frames that
//! feed the analyzer and auto gain, and the output stage ([`crate::output`]).

mod analysis;
mod linear;
mod ramp;
mod zero_latency;

pub use analysis::learn_profile;
use ramp::LinearRamp;

use super::bands::NUM_BANDS;
use super::compensate::compensated_smooth_curve;
use super::curve::{refill_gain_curve, BinLayout, CurveMode};
use super::denormal::DenormalGuard;
use super::iir::{ZeroLatencyCoeffs, ZeroLatencyDesign, ZeroLatencyFilter};
use super::loudness::AutoGain;
use super::math::db_to_gain;
use super::output::{pair_targets, BypassMix, ChannelStage, GainGlide};
use super::profile::ProfileLearner;
use super::settings::{EqSettings, FftSize, PhaseMode, StereoTarget};
use super::solo::{BandPass, BandPassState};
use super::stft::{SpectralFilter, StftLane, StreamPosition};
use super::window::{wola_scale, HOP_DIVISOR};
use bark_eq_fft::Complex32;

/// Band and output gains glide to a new value over about this long (at least one hop).
pub const GAIN_RAMP_SECONDS: f32 = 0.02;
/// Input samples are limited to ± this (+120 dBFS) so no sum in the FFT can overflow.
pub const MAX_INPUT_ABS: f32 = 1.0e6;

/// Why an engine could not be built.
#[derive(Debug, Clone, PartialEq)]
pub enum EngineError {
    /// The sample rate is not a positive finite number.
    UnsupportedSampleRate(f32),
    /// At least one channel is needed.
    NoChannels,
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::UnsupportedSampleRate(rate) => write!(
                f,
                "unsupported sample rate {rate} Hz (any positive, finite rate works)"
            ),
            EngineError::NoChannels => write!(f, "the engine needs at least one channel"),
        }
    }
}

impl std::error::Error for EngineError {}

/// The spectral equalizer for a fixed sample rate and channel count.
///
/// Everything is allocated in [`Engine::new`] for every FFT size at that rate (or in
/// [`Engine::for_one_fft_size`] for one); [`Engine::apply`] and [`Engine::process`] never
/// allocate, lock or panic.
pub struct Engine {
    /// Sample rate the engine was built for.
    sample_rate_hz: f32,
    /// The only FFT size the engine was built for, if built for one ([`Engine::plan_index`]).
    only_fft_size: Option<FftSize>,
    /// FFT plans for every [`FftSize`] built (indexed by [`Engine::plan_index`]) and shared
    /// scratch.
    filter: SpectralFilter,
    /// Per-bin tables for every [`FftSize`] built, same indexing.
    layouts: Vec<BinLayout>,
    /// Number of channels.
    num_channels: usize,
    /// Channels 2k and 2k + 1, packed as one complex signal.
    pairs: Vec<StftLane<Complex32>>,
    /// The last channel when the count is odd.
    odd: Option<StftLane<f32>>,
    /// Silent stand-ins (one hop long) for channels a host block leaves out.
    spare: [Vec<f32>; 2],
    /// The input of the current run of a channel pair (one hop long), for Zero latency mode's
    /// dry signal.
    dry: [Vec<f32>; 2],
    /// Linear phase (the STFT) or zero latency (the IIR bank).
    phase: PhaseMode,
    /// The IIR bank's design at this rate (poles, precomputed solve).
    iir_design: Option<ZeroLatencyDesign>,
    /// One IIR filter per channel pair (and one for an odd channel), same order as the lanes.
    iir: Vec<ZeroLatencyFilter>,
    /// Scratch for the IIR coefficients of a solve.
    iir_coeffs: ZeroLatencyCoeffs,
    /// The band played alone (an editor action, not a setting), if any.
    solo: Option<usize>,
    /// Zero latency mode's band-pass for the soloed band.
    solo_filter: BandPass,
    /// The band-pass state of every channel.
    solo_states: Vec<BandPassState>,
    /// Selected FFT size.
    fft_size: FftSize,
    /// Position in the stream, shared by all lanes.
    position: StreamPosition,
    /// Linear gain per bin, output gain included (the target in Zero latency mode).
    curve: Vec<f32>,
    /// The Smooth curve pre-compensated for the STFT's smoothing (Linear mode).
    compensated: Vec<f32>,
    /// Scratch for the compensation.
    compensation_scratch: Vec<f32>,
    /// The curve must be rebuilt before the next frame.
    curve_stale: bool,
    /// Selected curve mode.
    curve_mode: CurveMode,
    /// Smoothed band gains in dB.
    band_ramps: [LinearRamp; NUM_BANDS],
    /// Smoothed output gain in dB.
    output_ramp: LinearRamp,
    /// Whether bypass is engaged.
    bypass: bool,
    /// Crossfade position: 0 = processed signal, 1 = delayed input.
    bypass_mix: f32,
    /// Which part of each channel pair the curve applies to.
    stereo: StereoTarget,
    /// Output the processed signal minus the delayed input.
    delta: bool,
    /// Whether frames add their input power to `analyzer_power` (only while an editor shows it).
    analyzer_enabled: bool,
    /// Sum over frames and channels of the input power |X[k]|² per bin (max size).
    analyzer_power: Vec<f32>,
    /// Frames × channels summed into `analyzer_power` since the last clear.
    analyzer_frames: u32,
    /// The input power per bin of the latest hop's frames (all channels), for the analyzer,
    /// auto gain and the profile learner.
    frame_power: Vec<f32>,
    /// Whether frames go into `profile` (Bark Match's "Learn").
    profile_learning: bool,
    /// The gated band powers of the frames seen while learning.
    profile: ProfileLearner,
    /// Whether auto gain is on.
    auto_gain_enabled: bool,
    /// The input's long-term spectrum and the loudness correction.
    auto_gain: AutoGain,
    /// Linear gain applied to the processed signal at the current sample: the auto-gain
    /// correction, times the output gain in Zero latency mode (Linear mode has it in the curve).
    gain_linear: f32,
    /// The gain the current hop glides to.
    gain_target: f32,
    /// Change of the gain per sample during the current hop.
    gain_step: f32,
}

impl Engine {
    /// Builds an engine for `num_channels` channels at `sample_rate_hz` with `settings` in
    /// force from the first sample (settled: no gain glides in). Any positive, finite rate
    /// works: bands above Nyquist own no bins, and above 48 kHz the FFT grows with the rate
    /// (see [`crate::settings::rate_multiplier`]). Allocates everything the engine will need.
    pub fn new(
        sample_rate_hz: f32,
        num_channels: usize,
        settings: &EqSettings,
    ) -> Result<Self, EngineError> {
        Self::settled(sample_rate_hz, num_channels, settings, None)
    }

    /// [`Engine::new`] for rendering with settings whose FFT size never changes (a file
    /// offline): plans, tables and buffers for `settings.fft_size` only, which takes a
    /// fraction of the time and memory. It processes exactly as an engine from
    /// [`Engine::new`]; [`Engine::apply`] changes everything but the FFT size, which stays.
    pub fn for_one_fft_size(
        sample_rate_hz: f32,
        num_channels: usize,
        settings: &EqSettings,
    ) -> Result<Self, EngineError> {
        Self::settled(
            sample_rate_hz,
            num_channels,
            settings,
            Some(settings.fft_size),
        )
    }

    /// The engine built for `only_fft_size` (or every size) with `settings` in force.
    fn settled(
        sample_rate_hz: f32,
        num_channels: usize,
        settings: &EqSettings,
        only_fft_size: Option<FftSize>,
    ) -> Result<Self, EngineError> {
        let with_iir = settings.phase == PhaseMode::ZeroLatency;
        let mut engine = Self::unsettled(sample_rate_hz, num_channels, with_iir, only_fft_size)?;
        engine.apply(settings);
        engine.reset();
        Ok(engine)
    }

    /// The engine with default settings (and the FFT size it is built for), before
    /// [`Engine::reset`] settles them.
    fn unsettled(
        sample_rate_hz: f32,
        num_channels: usize,
        with_iir: bool,
        only_fft_size: Option<FftSize>,
    ) -> Result<Self, EngineError> {
        if !(sample_rate_hz.is_finite() && sample_rate_hz > 0.0) {
            return Err(EngineError::UnsupportedSampleRate(sample_rate_hz));
        }
        if num_channels == 0 {
            return Err(EngineError::NoChannels);
        }
        // The kernels choose their instruction set here, off the audio thread.
        crate::kernels::has_avx2_fma();
        let built = match only_fft_size {
            Some(size) => vec![size],
            None => FftSize::ALL.to_vec(),
        };
        let sizes: Vec<usize> = built
            .iter()
            .map(|s| s.size_at_rate(sample_rate_hz))
            .collect();
        let max_size = sizes.iter().copied().max().unwrap_or(0);
        // The IIR design costs tens of milliseconds: only an engine that starts in Zero latency
        // mode builds it.
        let iir_design = with_iir.then(|| ZeroLatencyDesign::new(sample_rate_hz));
        Ok(Self {
            sample_rate_hz,
            only_fft_size,
            filter: SpectralFilter::new(&sizes),
            layouts: sizes
                .iter()
                .map(|&n| BinLayout::new(n, sample_rate_hz))
                .collect(),
            num_channels,
            pairs: (0..num_channels / 2)
                .map(|_| StftLane::new(max_size))
                .collect(),
            odd: (num_channels % 2 == 1).then(|| StftLane::new(max_size)),
            spare: [0; 2].map(|_| vec![0.0; max_size / HOP_DIVISOR]),
            dry: [0; 2].map(|_| vec![0.0; max_size / HOP_DIVISOR]),
            phase: PhaseMode::default(),
            iir: iir_design
                .iter()
                .flat_map(|design| {
                    (0..num_channels.div_ceil(2)).map(|_| ZeroLatencyFilter::new(design))
                })
                .collect(),
            iir_design,
            iir_coeffs: ZeroLatencyCoeffs::FLAT,
            solo: None,
            solo_filter: BandPass::default(),
            solo_states: vec![BandPassState::default(); num_channels],
            fft_size: only_fft_size.unwrap_or_default(),
            position: StreamPosition::default(),
            curve: vec![0.0; max_size / 2 + 1],
            compensated: vec![0.0; max_size / 2 + 1],
            compensation_scratch: vec![0.0; max_size / 2 + 1],
            curve_stale: true,
            curve_mode: CurveMode::default(),
            band_ramps: [LinearRamp::default(); NUM_BANDS],
            output_ramp: LinearRamp::default(),
            bypass: false,
            bypass_mix: 0.0,
            stereo: StereoTarget::default(),
            delta: false,
            analyzer_enabled: false,
            analyzer_power: vec![0.0; max_size / 2 + 1],
            analyzer_frames: 0,
            frame_power: vec![0.0; max_size / 2 + 1],
            profile_learning: false,
            profile: ProfileLearner::new(sample_rate_hz),
            auto_gain_enabled: false,
            auto_gain: AutoGain::new(&sizes, sample_rate_hz),
            gain_linear: 1.0,
            gain_target: 1.0,
            gain_step: 0.0,
        })
    }

    /// Sample rate the engine runs at.
    pub fn sample_rate_hz(&self) -> f32 {
        self.sample_rate_hz
    }

    /// Number of channels the engine processes.
    pub fn num_channels(&self) -> usize {
        self.num_channels
    }

    /// Where the current FFT size's plan, tables and weights are: its [`FftSize::index`], or
    /// 0 in an engine built for one size.
    fn plan_index(&self) -> usize {
        match self.only_fft_size {
            Some(_) => 0,
            None => self.fft_size.index(),
        }
    }

    /// Current FFT size N in points (after sample-rate scaling).
    pub fn fft_len(&self) -> usize {
        self.filter.fft_size(self.plan_index())
    }

    /// Samples between frames, N / 4.
    pub fn hop_len(&self) -> usize {
        self.fft_len() / HOP_DIVISOR
    }

    /// Latency in samples: in Linear mode the output is the input delayed by exactly N
    /// samples; Zero latency mode has none.
    pub fn latency_samples(&self) -> u32 {
        match self.phase {
            PhaseMode::Linear => self.fft_len() as u32,
            PhaseMode::ZeroLatency => 0,
        }
    }

    /// The phase mode the engine runs in.
    pub fn phase(&self) -> PhaseMode {
        self.phase
    }

    /// The IIR bank's design (for drawing Zero latency mode's actual response), if the engine
    /// was created in Zero latency mode.
    pub fn iir_design(&self) -> Option<&ZeroLatencyDesign> {
        self.iir_design.as_ref()
    }

    /// The coefficients the IIR bank is heading to (Zero latency mode).
    pub fn iir_coeffs(&self) -> &ZeroLatencyCoeffs {
        &self.iir_coeffs
    }

    /// Per-bin tables of the current FFT size.
    pub fn layout(&self) -> &BinLayout {
        &self.layouts[self.plan_index()]
    }

    /// The curve applied to the latest frame: the linear gain per bin the user set, output
    /// gain included (the spectral filter folds in its overlap-add scale separately). In Zero
    /// latency mode it is the Smooth curve the IIR bank is solved to.
    pub fn curve(&self) -> &[f32] {
        &self.curve[..self.layout().num_bins()]
    }

    /// Sets new targets. Gains glide there over [`GAIN_RAMP_SECONDS`] (one step per hop);
    /// mode changes take effect at the next frame; a new FFT size or phase mode resets the
    /// engine. Returns `true` when the FFT size or the phase mode, and so the latency (or in
    /// Zero latency mode the control rate), changed. Zero latency needs the IIR bank, which
    /// only an engine created in Zero latency mode builds; an engine created Linear stays
    /// Linear. An engine built for one FFT size ([`Engine::for_one_fft_size`]) keeps it.
    pub fn apply(&mut self, settings: &EqSettings) -> bool {
        let steps = self.ramp_steps();
        let mut settings = settings.clamped();
        if self.iir_design.is_none() {
            // Built Linear: no IIR bank to switch to.
            settings.phase = PhaseMode::Linear;
        }
        if let Some(size) = self.only_fft_size {
            settings.fft_size = size;
        }
        for (ramp, &gain_db) in self.band_ramps.iter_mut().zip(&settings.band_gains_db) {
            ramp.set_target(gain_db, steps);
        }
        self.output_ramp.set_target(settings.output_gain_db, steps);
        // Zero latency mode realises the Smooth curve; Bands has no minimum-phase meaning.
        let curve_mode = match settings.phase {
            PhaseMode::Linear => settings.curve_mode,
            PhaseMode::ZeroLatency => CurveMode::Smooth,
        };
        if curve_mode != self.curve_mode {
            self.curve_mode = curve_mode;
            self.curve_stale = true;
        }
        self.bypass = settings.bypass;
        self.stereo = settings.stereo;
        self.delta = settings.delta;
        self.auto_gain_enabled = settings.auto_gain;
        if settings.fft_size != self.fft_size || settings.phase != self.phase {
            self.fft_size = settings.fft_size;
            self.phase = settings.phase;
            self.reset();
            return true;
        }
        false
    }

    /// Forgets all audio history and jumps every smoothed value to its target.
    pub fn reset(&mut self) {
        for lane in &mut self.pairs {
            lane.clear();
        }
        if let Some(lane) = &mut self.odd {
            lane.clear();
        }
        self.position = StreamPosition::default();
        for ramp in &mut self.band_ramps {
            ramp.snap();
        }
        self.output_ramp.snap();
        self.bypass_mix = if self.bypass { 1.0 } else { 0.0 };
        self.curve_stale = true;
        self.auto_gain.reset();
        self.gain_linear = self.extra_gain_target(0.0);
        (self.gain_target, self.gain_step) = (self.gain_linear, 0.0);
        for filter in &mut self.iir {
            filter.reset();
        }
        if self.phase == PhaseMode::ZeroLatency {
            self.solve_iir();
            for filter in &mut self.iir {
                filter.snap();
            }
        }
        self.clear_analyzer();
    }

    /// Processes `channels` in place. Any block length works and gives the same output;
    /// channels beyond [`Engine::num_channels`] are silenced, and only the length of the
    /// shortest channel is processed.
    pub fn process(&mut self, channels: &mut [&mut [f32]]) {
        let _flush_denormals = DenormalGuard::new();
        let active = channels.len().min(self.num_channels);
        let (active_io, extra_io) = channels.split_at_mut(active);
        for extra in extra_io.iter_mut() {
            extra.fill(0.0);
        }
        let len = active_io.iter().map(|c| c.len()).min().unwrap_or(0);
        let fft_len = self.fft_len();
        let hop_len = self.hop_len();
        let mix_step = 1.0 / hop_len as f32;
        let mut start = 0;
        while start < len {
            let run = (hop_len - self.position.in_hop).min(len - start);
            let mix = BypassMix {
                start: self.bypass_mix,
                target: if self.bypass { 1.0 } else { 0.0 },
                step: mix_step,
            };
            let stage = ChannelStage {
                targeted: true,
                delta: self.delta && self.solo.is_none(),
                gain: GainGlide {
                    start: self.gain_linear,
                    step: self.gain_step,
                },
                mix,
            };
            let span = start..start + run;
            self.bypass_mix = match self.phase {
                PhaseMode::Linear => self.linear_run(active_io, span, stage),
                PhaseMode::ZeroLatency => self.zero_latency_run(active_io, span, stage),
            };
            self.gain_linear += self.gain_step * run as f32;
            start += run;
            if self.position.advance(fft_len, run) {
                self.end_of_hop();
            }
        }
    }

    /// Plays only band `band` (0-based) at unity, or everything again with `None`: Linear
    /// mode keeps the band's own bins (its Bands range), Zero latency mode runs a band-pass
    /// at the band. Targeting, delta, output gain and auto gain pause meanwhile. The change
    /// starts with the next frame. Allocation-free; the audio thread calls it every block.
    pub fn set_solo(&mut self, band: Option<usize>) {
        let band = band.filter(|&band| band < NUM_BANDS);
        if band == self.solo {
            return;
        }
        self.solo = band;
        self.curve_stale = true;
        if let Some(band) = band {
            self.solo_filter = BandPass::for_band(band, self.sample_rate_hz);
            self.solo_states.fill(BandPassState::default());
        }
    }

    /// The band played alone, if any.
    pub fn solo(&self) -> Option<usize> {
        self.solo
    }

    /// The auto-gain correction in force, dB (0 when auto gain is off).
    pub fn auto_gain_db(&self) -> f32 {
        if self.auto_gain_enabled {
            self.auto_gain.correction_db()
        } else {
            0.0
        }
    }

    /// Starts or stops collecting input spectra for the analyzer (off by default).
    pub fn set_analyzer_enabled(&mut self, enabled: bool) {
        if enabled != self.analyzer_enabled {
            self.analyzer_enabled = enabled;
            self.clear_analyzer();
        }
    }

    /// The input power per bin summed since the last [`Engine::clear_analyzer`], and how many
    /// channel frames it sums (divide by it for the average). The output power of bin k is
    /// the input power times `curve()[k]²`.
    pub fn analyzer_power(&self) -> (&[f32], u32) {
        (
            &self.analyzer_power[..self.layout().num_bins()],
            self.analyzer_frames,
        )
    }

    /// Zeroes the analyzer sums.
    pub fn clear_analyzer(&mut self) {
        self.analyzer_power.fill(0.0);
        self.analyzer_frames = 0;
    }

    /// Starts or stops adding every frame's input power to the profile learner (off by
    /// default). Stopping keeps what was learned. Allocation-free.
    pub fn set_profile_learning(&mut self, learning: bool) {
        self.profile_learning = learning;
    }

    /// Whether frames go into the profile learner.
    pub fn profile_learning(&self) -> bool {
        self.profile_learning
    }

    /// What the profile learner holds (see [`crate::profile`]).
    pub fn profile_learner(&self) -> &ProfileLearner {
        &self.profile
    }

    /// The profile learner, to clear it or drain it into another. Allocation-free use only
    /// on the audio thread.
    pub fn profile_learner_mut(&mut self) -> &mut ProfileLearner {
        &mut self.profile
    }

    /// Steps of one hop that make up [`GAIN_RAMP_SECONDS`].
    fn ramp_steps(&self) -> u32 {
        (GAIN_RAMP_SECONDS * self.sample_rate_hz / self.hop_len() as f32).ceil() as u32
    }

    /// Advances the gain ramps, rebuilds the curve if anything moved and filters one frame
    /// of every channel.
    fn end_of_hop(&mut self) {
        let output_moved = self.output_ramp.advance();
        let mut bands_moved = [false; NUM_BANDS];
        for (moved, ramp) in bands_moved.iter_mut().zip(&mut self.band_ramps) {
            *moved = ramp.advance();
        }
        let bands_changed = self.curve_stale || bands_moved.contains(&true);
        let curve_moved = bands_changed || output_moved;
        if self.curve_stale || output_moved {
            self.rebuild_curve(&[true; NUM_BANDS]);
        } else if bands_moved.contains(&true) {
            self.rebuild_curve(&bands_moved);
        }
        if self.phase == PhaseMode::ZeroLatency && bands_changed {
            self.solve_iir();
        }
        let num_bins = self.layout().num_bins();
        let wants_power = self.analyzer_enabled || self.auto_gain_enabled || self.profile_learning;
        if wants_power {
            self.frame_power[..num_bins].fill(0.0);
        }
        match self.phase {
            PhaseMode::Linear => self.linear_frames(wants_power),
            PhaseMode::ZeroLatency if wants_power => self.analysis_frames(),
            PhaseMode::ZeroLatency => {}
        }
        self.feed_frame_power();
        self.update_auto_gain(curve_moved);
    }

    /// Hands the latest hop's `frame_power` to the analyzer sums and the profile learner,
    /// whichever are on.
    fn feed_frame_power(&mut self) {
        let layout = &self.layouts[self.plan_index()];
        let frame_power = &self.frame_power[..layout.num_bins()];
        if self.analyzer_enabled {
            for (sum, &power) in self.analyzer_power.iter_mut().zip(frame_power) {
                *sum += power;
            }
            self.analyzer_frames += self.num_channels as u32;
        }
        if self.profile_learning {
            let hop_s = (layout.fft_size / HOP_DIVISOR) as f32 / self.sample_rate_hz;
            self.profile
                .observe(frame_power, layout, self.num_channels, hop_s);
        }
    }

    /// Which parts of each channel pair the curve applies to and whether pairs go through
    /// mid/side ([`pair_targets`]); while a band is soloed, all of both channels.
    fn pair_targets(&self) -> (bool, bool, bool) {
        match self.solo {
            Some(_) => (true, true, false),
            None => pair_targets(self.stereo),
        }
    }

    /// Sets the gain glide for the next hop: towards the auto-gain correction that cancels the
    /// curve's loudness change on the input seen so far (unity when auto gain is off), times
    /// the output gain in Zero latency mode.
    fn update_auto_gain(&mut self, curve_moved: bool) {
        let hop_len = self.hop_len();
        let hop_seconds = hop_len as f32 / self.sample_rate_hz;
        let correction_db = if self.auto_gain_enabled {
            let size = self.plan_index();
            let num_bins = self.layout().num_bins();
            self.auto_gain
                .observe(size, &self.frame_power[..num_bins], hop_seconds);
            let output_gain = db_to_gain(self.output_ramp.current);
            let change = self
                .auto_gain
                .loudness_change(size, &self.curve[..num_bins], output_gain);
            self.auto_gain.update(change, curve_moved, hop_seconds)
        } else {
            0.0
        };
        // The glide of the hop that just ended is complete: land exactly on its target.
        self.gain_linear = self.gain_target;
        self.gain_target = self.extra_gain_target(correction_db);
        self.gain_step = (self.gain_target - self.gain_linear) / hop_len as f32;
    }

    /// The linear gain the output stage applies for an auto-gain correction of
    /// `correction_db`: with the output gain in Zero latency mode, whose sections leave it out.
    fn extra_gain_target(&self, correction_db: f32) -> f32 {
        if self.solo.is_some() {
            return 1.0;
        }
        match self.phase {
            PhaseMode::Linear => db_to_gain(correction_db),
            PhaseMode::ZeroLatency => db_to_gain(correction_db + self.output_ramp.current),
        }
    }

    /// Solves the IIR bank for the smoothed band gains and sends every filter gliding there.
    fn solve_iir(&mut self) {
        let gains_db: [f32; NUM_BANDS] = std::array::from_fn(|b| self.band_ramps[b].current);
        if let Some(design) = &self.iir_design {
            design.solve(&gains_db, &mut self.iir_coeffs);
        }
        for filter in &mut self.iir {
            filter.set_target(&self.iir_coeffs);
        }
    }

    /// Refills the curve from the smoothed gains where the bands marked in `changed` reach;
    /// while a band is soloed, the curve is unity in that band's bins and silent elsewhere.
    fn rebuild_curve(&mut self, changed: &[bool; NUM_BANDS]) {
        let gains_db: [f32; NUM_BANDS] = std::array::from_fn(|b| self.band_ramps[b].current);
        let layout = &self.layouts[self.plan_index()];
        let rewritten = match self.solo {
            Some(band) => {
                let curve = &mut self.curve[..layout.num_bins()];
                curve.fill(0.0);
                curve[layout.band_bins(band)].fill(1.0);
                0..layout.num_bins()
            }
            None => refill_gain_curve(
                self.curve_mode,
                layout,
                &gains_db,
                self.output_ramp.current,
                1.0,
                &mut self.curve,
                changed,
            ),
        };
        let num_bins = layout.num_bins();
        let scale = wola_scale(layout.fft_size);
        let plan = self.plan_index();
        if self.solo.is_none() && self.curve_mode == CurveMode::Smooth {
            // What is heard is what is drawn: undo the STFT's smoothing (everywhere, since the
            // compensation of one bin depends on its neighbours; `curve` stays the target).
            compensated_smooth_curve(
                layout,
                self.sample_rate_hz,
                &gains_db,
                self.output_ramp.current,
                &mut self.compensation_scratch,
                &mut self.compensated,
            );
            let compensated = &self.compensated[..num_bins];
            self.filter.set_curve(plan, compensated, 0..num_bins, scale);
        } else {
            let curve = &self.curve[..num_bins];
            self.filter.set_curve(plan, curve, rewritten, scale);
        }
        self.curve_stale = false;
    }
}

/// `buffer` zeroed: a silent stand-in for a channel the host block leaves out.
fn silence(buffer: &mut [f32]) -> &mut [f32] {
    buffer.fill(0.0);
    buffer
}

/// The two channels of pair `index` of `io` for the samples `span`, or silent stand-ins from
/// `spare` for channels the host block leaves out.
fn pair_slices<'a>(
    io: &'a mut [&mut [f32]],
    index: usize,
    span: std::ops::Range<usize>,
    spare: &'a mut [Vec<f32>; 2],
) -> (&'a mut [f32], &'a mut [f32]) {
    let run = span.len();
    let [spare_a, spare_b] = spare;
    let (spare_a, spare_b) = (&mut spare_a[..run], &mut spare_b[..run]);
    match io.chunks_mut(2).nth(index) {
        Some([a, b]) => (&mut a[span.clone()], &mut b[span]),
        Some([a]) => (&mut a[span], silence(spare_b)),
        _ => (silence(spare_a), silence(spare_b)),
    }
}

/// Channel `channel` of `io` for the samples `span`, or a silent stand-in from `spare`.
fn channel_slice<'a>(
    io: &'a mut [&mut [f32]],
    channel: usize,
    span: std::ops::Range<usize>,
    spare: &'a mut [f32],
) -> &'a mut [f32] {
    let run = span.len();
    match io.get_mut(channel) {
        Some(io) => &mut io[span],
        None => silence(&mut spare[..run]),
    }
}
