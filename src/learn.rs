//! Bark Match in the plugin: the audio thread learns a band profile of its input while the
//! editor asks for it ([`LearnMode`], set through [`EngineStatus`]), and publishes the sums it
//! learned to the editor through a wait-free triple buffer; the learned and loaded profiles
//! are saved with the plugin state ([`MatchProfilesState`], persisted as `match-profiles`).

use std::sync::Mutex;

use bark_eq_dsp::profile::{Profile, ProfileError, ProfileLearner};
use bark_eq_dsp::Engine;
use nice_plug::params::persist::PersistentField;
use serde::{Deserialize, Serialize};
use triple_buffer::{triple_buffer, Input, Output};

use crate::status::EngineStatus;

/// Key of the profiles in the plugin state's persisted fields.
pub const MATCH_PROFILES_KEY: &str = "match-profiles";
/// The audio thread publishes what it learned at most this often (seconds of audio).
const PUBLISH_INTERVAL_S: f32 = 0.1;

/// What the audio thread learns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LearnMode {
    /// Nothing.
    #[default]
    Off,
    /// The profile of the track to correct.
    Source,
    /// The profile of the reference.
    Reference,
}

impl LearnMode {
    /// As stored in an atomic.
    pub fn to_u8(self) -> u8 {
        match self {
            LearnMode::Off => 0,
            LearnMode::Source => 1,
            LearnMode::Reference => 2,
        }
    }

    /// From an atomic's value (unknown values are `Off`).
    pub fn from_u8(value: u8) -> Self {
        match value {
            1 => LearnMode::Source,
            2 => LearnMode::Reference,
            _ => LearnMode::Off,
        }
    }
}

/// What the audio thread publishes: everything learned since the editor started learning.
#[derive(Clone, Debug)]
pub struct LearnFrame {
    /// The level-binned band sums (preallocated; copied in without allocating).
    pub learner: ProfileLearner,
    /// What was being learned.
    pub mode: LearnMode,
    /// The editor's learning request these sums answer ([`EngineStatus::learning`]).
    pub generation: u32,
    /// Whether learning stopped: these are the final sums of the request.
    pub finished: bool,
}

impl LearnFrame {
    /// An empty frame for audio at `sample_rate_hz`. Allocates.
    fn new(sample_rate_hz: f32) -> Self {
        Self {
            learner: ProfileLearner::new(sample_rate_hz),
            mode: LearnMode::Off,
            generation: 0,
            finished: false,
        }
    }
}

/// The audio thread's end: the sums of the current request and the triple buffer's input.
#[derive(Default)]
pub struct LearnPublisher {
    /// Everything learned for the current request (built in `allocate`).
    sums: Option<ProfileLearner>,
    /// Writer of the triple buffer (built in `allocate`).
    input: Option<Input<LearnFrame>>,
    /// The request the sums belong to.
    generation: u32,
    /// The mode of the previous block.
    mode: LearnMode,
    /// Seconds of audio since the last publication.
    unpublished_s: f32,
}

impl LearnPublisher {
    /// Builds the sums and the triple buffer for `sample_rate_hz` and hands the reading end to
    /// `status` for the editor. Allocates: call it in `activate`.
    pub fn allocate(&mut self, sample_rate_hz: f32, status: &EngineStatus) {
        let (input, output) = triple_buffer(&LearnFrame::new(sample_rate_hz));
        self.sums = Some(ProfileLearner::new(sample_rate_hz));
        self.input = Some(input);
        self.generation = 0;
        self.mode = LearnMode::Off;
        self.unpublished_s = 0.0;
        status.connect_learned(output);
    }

    /// Called before each block is processed: turns the engine's learning on or off as the
    /// editor asks. Never allocates, locks or blocks.
    pub fn prepare(&mut self, engine: &mut Engine, status: &EngineStatus) {
        let (mode, generation) = status.learning();
        if generation != self.generation {
            // A new request starts from nothing.
            engine.profile_learner_mut().clear();
            if let Some(sums) = self.sums.as_mut() {
                sums.clear();
            }
            self.generation = generation;
        }
        engine.set_profile_learning(mode != LearnMode::Off && self.sums.is_some());
        if mode == LearnMode::Off && self.mode != LearnMode::Off {
            self.publish(true);
        }
        self.mode = mode;
    }

    /// Called after each block of `num_samples` samples: collects what the engine learned and
    /// publishes it every `PUBLISH_INTERVAL_S`. Never allocates, locks or blocks.
    pub fn update(&mut self, engine: &mut Engine, num_samples: usize) {
        if self.mode == LearnMode::Off {
            return;
        }
        let Some(sums) = self.sums.as_mut() else {
            return;
        };
        sums.drain_from(engine.profile_learner_mut());
        self.unpublished_s += num_samples as f32 / engine.sample_rate_hz().max(1.0);
        if self.unpublished_s >= PUBLISH_INTERVAL_S {
            self.publish(false);
        }
    }

    /// Copies the sums into the triple buffer and publishes them. Never allocates.
    fn publish(&mut self, finished: bool) {
        let (Some(sums), Some(input)) = (self.sums.as_ref(), self.input.as_mut()) else {
            return;
        };
        let frame = input.input_buffer_mut();
        frame.learner.clear();
        frame.learner.merge(sums);
        frame.mode = self.mode;
        frame.generation = self.generation;
        frame.finished = finished;
        input.publish();
        self.unpublished_s = 0.0;
    }
}

/// What the editor reads of the latest publication.
#[derive(Clone, Debug, PartialEq)]
pub struct Learned {
    /// What was learned.
    pub mode: LearnMode,
    /// The request it answers.
    pub generation: u32,
    /// Seconds of audio observed.
    pub seconds: f64,
    /// Whether learning stopped (the final sums).
    pub finished: bool,
    /// The gated profile, or why there is none (silence).
    pub profile: Result<Profile, ProfileError>,
}

/// Reads the latest publication from `output`. Allocates (GUI thread).
pub fn read_learned(output: &mut Output<LearnFrame>) -> Option<Learned> {
    output.update();
    let frame = output.output_buffer();
    (frame.mode != LearnMode::Off).then(|| Learned {
        mode: frame.mode,
        generation: frame.generation,
        seconds: frame.learner.observed_s(),
        finished: frame.finished,
        profile: frame.learner.profile(),
    })
}

/// The source and reference profiles, as saved with the plugin state.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MatchProfiles {
    /// The profile of the track to correct.
    #[serde(default)]
    pub source: Option<Profile>,
    /// The profile to move it toward.
    #[serde(default)]
    pub reference: Option<Profile>,
}

/// The persisted profiles. Only the GUI thread and the state loader touch them (never the
/// audio thread), so a mutex is fine.
#[derive(Debug, Default)]
pub struct MatchProfilesState {
    /// The profiles.
    profiles: Mutex<MatchProfiles>,
}

impl MatchProfilesState {
    /// The stored profiles.
    pub fn get(&self) -> MatchProfiles {
        self.profiles
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Replaces the stored profiles.
    pub fn store(&self, profiles: MatchProfiles) {
        *self
            .profiles
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = profiles;
    }

    /// Changes the stored profiles in place.
    pub fn update(&self, change: impl FnOnce(&mut MatchProfiles)) {
        let mut profiles = self.get();
        change(&mut profiles);
        self.store(profiles);
    }
}

impl PersistentField<'_, MatchProfiles> for MatchProfilesState {
    fn set(&self, new_value: MatchProfiles) {
        self.store(new_value);
    }

    fn map<F, R>(&self, f: F) -> R
    where
        F: Fn(&MatchProfiles) -> R,
    {
        f(&self.get())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BarkEq;
    use bark_eq_dsp::engine::learn_profile;
    use bark_eq_dsp::NUM_BANDS;
    use nice_plug::prelude::Params;

    /// Sample rate of the tests.
    const RATE_HZ: f32 = 48_000.0;

    /// Stereo noise with a tonal tilt (a one-pole low-pass mixed in) and a quiet fade, `len`
    /// samples.
    fn music_like(len: usize) -> Vec<Vec<f32>> {
        let mut seed = 0x2545_f491_u32;
        let mut noise = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed as f32 / u32::MAX as f32 - 0.5
        };
        (0..2)
            .map(|_| {
                let mut low = 0.0;
                (0..len)
                    .map(|i| {
                        let white = noise();
                        low += (white - low) * 0.05;
                        let fade = if i > len * 3 / 4 { 0.01 } else { 1.0 };
                        fade * (0.2 * white + 2.0 * low)
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_learned_profile_agrees_with_the_analysis_pass_within_0_2_db() {
        let mut plugin = BarkEq::default();
        plugin.activate_engine(RATE_HZ, 2).expect("activates");
        let status = plugin.status_arc();
        let audio = music_like(RATE_HZ as usize * 6);
        let fft_size = plugin.params.settings().fft_size;
        let channels: Vec<&[f32]> = audio.iter().map(Vec::as_slice).collect();
        let expected = learn_profile(&channels, RATE_HZ, fft_size)
            .expect("analyses")
            .profile()
            .expect("not silent");

        status.set_learning(LearnMode::Source);
        let generation = status.learning().1;
        let mut buffers = audio.clone();
        let (left, right) = buffers.split_at_mut(1);
        for (l, r) in left[0].chunks_mut(512).zip(right[0].chunks_mut(512)) {
            plugin.process_channels(&mut [l, r]);
        }
        // An FFT length of silence, as the analysis pass appends.
        let mut silence = vec![vec![0.0f32; 16_384]; 2];
        let (left, right) = silence.split_at_mut(1);
        for (l, r) in left[0].chunks_mut(512).zip(right[0].chunks_mut(512)) {
            plugin.process_channels(&mut [l, r]);
        }
        status.set_learning(LearnMode::Off);
        let mut tail = [[0.0f32; 64]; 2];
        let [l, r] = &mut tail;
        plugin.process_channels(&mut [l, r]);

        let learned = status.learned().expect("published");
        assert_eq!(
            (learned.mode, learned.generation, learned.finished),
            (LearnMode::Source, generation, true)
        );
        let profile = learned.profile.expect("not silent");
        let mut worst: f32 = 0.0;
        for band in 0..NUM_BANDS {
            let diff = (profile.band_levels_db[band] - expected.band_levels_db[band]).abs();
            worst = worst.max(diff);
        }
        println!("learned vs analysis: max {worst:.3} dB over 25 bands");
        assert!(worst <= 0.2, "{worst} dB");

        // Nothing more is learned once off; a new request starts from nothing.
        status.set_learning(LearnMode::Reference);
        let [l, r] = &mut tail;
        plugin.process_channels(&mut [l, r]);
        status.set_learning(LearnMode::Off);
        plugin.process_channels(&mut [l, r]);
        let learned = status.learned().expect("published");
        assert_eq!(learned.mode, LearnMode::Reference);
        assert!(learned.seconds < 0.01, "{}", learned.seconds);
    }

    #[test]
    fn the_profiles_round_trip_and_a_state_without_them_keeps_none() {
        let params = crate::params::BarkEqParams::default();
        let profile = Profile {
            version: bark_eq_dsp::profile::PROFILE_FORMAT_VERSION,
            sample_rate_hz: RATE_HZ,
            duration_s: 12.5,
            frames_kept: 900,
            band_levels_db: std::array::from_fn(|band| -40.0 + band as f32 * 0.25),
        };
        let profiles = MatchProfiles {
            source: Some(profile.clone()),
            reference: None,
        };
        params.match_profiles.store(profiles.clone());
        let fields = params.serialize_fields();
        assert!(fields.contains_key(MATCH_PROFILES_KEY));
        let restored = crate::params::BarkEqParams::default();
        restored.deserialize_fields(&fields);
        assert_eq!(restored.match_profiles.get(), profiles);

        let old = crate::params::BarkEqParams::default();
        old.deserialize_fields(&Default::default());
        assert_eq!(old.match_profiles.get(), MatchProfiles::default());
        let mut fields = std::collections::BTreeMap::new();
        fields.insert(MATCH_PROFILES_KEY.to_string(), "{}".to_string());
        old.deserialize_fields(&fields);
        assert_eq!(old.match_profiles.get(), MatchProfiles::default());
    }
}
