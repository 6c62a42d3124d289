//! What the plugin tells the editor about the running engine: the sample rate, the latency the
//! host compensates, the FFT size and phase mode the engine was activated with (written in
//! `activate`), the auto-gain correction (written by the audio thread) and, the other way, the
//! band the editor holds soloed. Lock-free.

use std::sync::atomic::{AtomicI32, AtomicU32, AtomicU8, Ordering};
use std::sync::Mutex;

use atomic_float::AtomicF32;
use bark_eq_dsp::settings::PhaseMode;
use bark_eq_dsp::FftSize;

use crate::learn::{read_learned, LearnFrame, LearnMode, Learned};
use crate::LatencySettings;

/// The engine's state as of its last activation.
#[derive(Debug)]
pub struct EngineStatus {
    /// Sample rate in Hz, 0 until the plugin is activated.
    sample_rate_hz: AtomicF32,
    /// Latency reported to the host, in samples.
    latency_samples: AtomicU32,
    /// Nominal FFT size (1024 … 16384) the engine runs at, 0 until activated.
    active_fft_base_size: AtomicU32,
    /// Index of the phase mode the engine runs at ([`PhaseMode::index`]).
    active_phase_index: AtomicU32,
    /// Channels the engine processes, 0 until activated.
    num_channels: AtomicU32,
    /// The auto-gain correction in force, dB (written by the audio thread every block).
    auto_gain_db: AtomicF32,
    /// The band the editor holds soloed, or [`NO_SOLO`]: the one value the editor writes and
    /// the audio thread reads. Not a parameter: never saved, never automated.
    solo_band: AtomicI32,
    /// What the editor asks the audio thread to learn ([`LearnMode`] as `u8`).
    learn_mode: AtomicU8,
    /// Counts the editor's learning requests: a new one starts from nothing.
    learn_generation: AtomicU32,
    /// The editor's end of the learned sums (set in `activate`; the audio thread never
    /// touches it).
    learned: Mutex<Option<triple_buffer::Output<LearnFrame>>>,
}

/// [`EngineStatus`]'s solo value when no band is soloed.
const NO_SOLO: i32 = -1;

impl Default for EngineStatus {
    fn default() -> Self {
        Self {
            sample_rate_hz: AtomicF32::new(0.0),
            latency_samples: AtomicU32::new(0),
            active_fft_base_size: AtomicU32::new(0),
            active_phase_index: AtomicU32::new(0),
            num_channels: AtomicU32::new(0),
            auto_gain_db: AtomicF32::new(0.0),
            solo_band: AtomicI32::new(NO_SOLO),
            learn_mode: AtomicU8::new(0),
            learn_generation: AtomicU32::new(0),
            learned: Mutex::new(None),
        }
    }
}

impl EngineStatus {
    /// Solos band `band` (0-based) while the editor holds it, or none. GUI thread.
    pub fn set_solo(&self, band: Option<usize>) {
        let value = band.map_or(NO_SOLO, |band| band as i32);
        self.solo_band.store(value, Ordering::Relaxed);
    }

    /// The band the editor holds soloed. Real-time safe.
    pub fn solo(&self) -> Option<usize> {
        usize::try_from(self.solo_band.load(Ordering::Relaxed)).ok()
    }

    /// Starts learning `mode` from nothing, or stops learning (`Off`). GUI thread.
    pub fn set_learning(&self, mode: LearnMode) {
        if mode != LearnMode::Off {
            self.learn_generation.fetch_add(1, Ordering::Relaxed);
        }
        self.learn_mode.store(mode.to_u8(), Ordering::Release);
    }

    /// What the editor asks to learn and the number of its request. Real-time safe.
    pub fn learning(&self) -> (LearnMode, u32) {
        let mode = LearnMode::from_u8(self.learn_mode.load(Ordering::Acquire));
        (mode, self.learn_generation.load(Ordering::Relaxed))
    }

    /// Hands the editor the reading end of the learned sums. Main thread (`activate`).
    pub fn connect_learned(&self, output: triple_buffer::Output<LearnFrame>) {
        *self.learned.lock().unwrap_or_else(|e| e.into_inner()) = Some(output);
    }

    /// The latest sums the audio thread published, as a profile. GUI thread (allocates).
    pub fn learned(&self) -> Option<Learned> {
        let mut output = self.learned.lock().unwrap_or_else(|e| e.into_inner());
        output.as_mut().and_then(read_learned)
    }

    /// Records an activation: the rate, the latency reported to the host and the FFT size and
    /// phase mode the engine runs at until the next activation.
    pub fn set(
        &self,
        sample_rate_hz: f32,
        latency_samples: u32,
        active: LatencySettings,
        num_channels: usize,
    ) {
        self.num_channels
            .store(num_channels as u32, Ordering::Relaxed);
        self.sample_rate_hz.store(sample_rate_hz, Ordering::Relaxed);
        self.latency_samples
            .store(latency_samples, Ordering::Relaxed);
        self.active_fft_base_size
            .store(active.fft_size.base_size() as u32, Ordering::Relaxed);
        self.active_phase_index
            .store(active.phase.index() as u32, Ordering::Relaxed);
    }

    /// Channels the engine processes, 0 before activation.
    pub fn num_channels(&self) -> usize {
        self.num_channels.load(Ordering::Relaxed) as usize
    }

    /// Records the auto-gain correction in force. Real-time safe (one atomic store).
    pub fn set_auto_gain_db(&self, correction_db: f32) {
        self.auto_gain_db.store(correction_db, Ordering::Relaxed);
    }

    /// The auto-gain correction in force, dB.
    pub fn auto_gain_db(&self) -> f32 {
        self.auto_gain_db.load(Ordering::Relaxed)
    }

    /// The FFT size and phase mode the engine runs at, `None` before activation.
    pub fn active(&self) -> Option<LatencySettings> {
        let fft_size = FftSize::from_base_size(self.active_fft_base_size()?)?;
        let index = self.active_phase_index.load(Ordering::Relaxed) as usize;
        let phase = PhaseMode::ALL.get(index).copied().unwrap_or_default();
        Some(LatencySettings { fft_size, phase })
    }

    /// Sample rate in Hz, 0 before activation.
    pub fn sample_rate_hz(&self) -> f32 {
        self.sample_rate_hz.load(Ordering::Relaxed)
    }

    /// Latency the host compensates, in samples.
    pub fn latency_samples(&self) -> u32 {
        self.latency_samples.load(Ordering::Relaxed)
    }

    /// Latency in milliseconds, once the rate is known.
    pub fn latency_ms(&self) -> Option<f32> {
        let rate = self.sample_rate_hz();
        (rate > 0.0).then(|| self.latency_samples() as f32 * 1000.0 / rate)
    }

    /// Nominal FFT size the engine runs at, `None` before activation.
    pub fn active_fft_base_size(&self) -> Option<usize> {
        let size = self.active_fft_base_size.load(Ordering::Relaxed);
        (size > 0).then_some(size as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_reads_in_milliseconds_once_activated() {
        let status = EngineStatus::default();
        assert_eq!(status.latency_ms(), None);
        assert_eq!(status.active_fft_base_size(), None);
        let active = LatencySettings::default();
        status.set(48_000.0, 4096, active, 2);
        assert!((status.latency_ms().expect("activated") - 85.333).abs() < 1e-3);
        assert_eq!(status.active_fft_base_size(), Some(4096));
        assert_eq!(status.active(), Some(active));
        assert_eq!(status.num_channels(), 2);
        assert_eq!(status.solo(), None);
        status.set_solo(Some(8));
        assert_eq!(status.solo(), Some(8));
        status.set_solo(None);
        assert_eq!(status.solo(), None);
    }
}
