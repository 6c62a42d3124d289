//! A/B compare: two complete settings slots. The active slot is the parameters themselves; the
//! inactive one is kept here and saved with the plugin state (persisted field `ab`, as the
//! preset JSON of `bark_eq_dsp::preset`). Switching and copying are host gestures and undo steps.
//!
//! A slot holds the sound: bands, output, curve, FFT size, phase and stereo target. Bypass,
//! auto gain and delta are monitoring switches and stay as they are, so with auto gain on both
//! slots are heard at matched loudness.

use std::sync::{Mutex, PoisonError};

use nice_plug::params::persist::PersistentField;
use serde::{Deserialize, Serialize};

use super::setter::{set_values, Setter};
use crate::params::BarkEqParams;
use bark_eq_dsp::preset;
use bark_eq_dsp::schema::ParamId;
use bark_eq_dsp::EqSettings;

/// Key of the A/B state in the plugin state's persisted fields.
pub const AB_KEY: &str = "ab";

/// One of the two slots.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Slot {
    /// Slot A (the one a new instance starts in).
    #[default]
    A,
    /// Slot B.
    B,
}

impl Slot {
    /// The other slot.
    pub fn other(self) -> Self {
        match self {
            Slot::A => Slot::B,
            Slot::B => Slot::A,
        }
    }

    /// "A" or "B".
    pub fn label(self) -> &'static str {
        match self {
            Slot::A => "A",
            Slot::B => "B",
        }
    }
}

/// Which slot is active and what the inactive one holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AbSlots {
    /// The slot the parameters are.
    pub active: Slot,
    /// The other slot's settings; `None` until the first switch or copy (then it starts as a
    /// copy of the active one).
    pub inactive: Option<EqSettings>,
}

/// Whether a parameter belongs to a slot (monitoring switches do not).
pub fn in_slot(param: ParamId) -> bool {
    !matches!(param, ParamId::Bypass | ParamId::AutoGain | ParamId::Delta)
}

/// The A/B state as saved: the active slot's letter and the inactive slot as preset JSON.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct StoredAb {
    /// "a" or "b".
    pub active: String,
    /// The inactive slot in the preset format, if it holds anything.
    pub inactive: Option<String>,
}

impl From<&AbSlots> for StoredAb {
    fn from(slots: &AbSlots) -> Self {
        Self {
            active: slots.active.label().to_ascii_lowercase(),
            inactive: slots.inactive.as_ref().map(preset::to_json),
        }
    }
}

impl From<&StoredAb> for AbSlots {
    /// Tolerant: an unknown letter is A, an unreadable slot is empty.
    fn from(stored: &StoredAb) -> Self {
        let active = if stored.active.eq_ignore_ascii_case("b") {
            Slot::B
        } else {
            Slot::A
        };
        let inactive = stored.inactive.as_deref().and_then(|text| {
            let preset = preset::parse(text).ok()?;
            let mut settings = EqSettings::default();
            preset.apply_to(&mut settings);
            Some(settings)
        });
        Self { active, inactive }
    }
}

/// The persisted A/B state. The GUI and the state loader use it; the audio thread never does.
#[derive(Debug, Default)]
pub struct AbState(Mutex<AbSlots>);

impl AbState {
    /// The current slots.
    pub fn get(&self) -> AbSlots {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Replaces the slots.
    pub fn store(&self, slots: AbSlots) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = slots;
    }
}

impl PersistentField<'_, StoredAb> for AbState {
    fn set(&self, new_value: StoredAb) {
        self.store(AbSlots::from(&new_value));
    }

    fn map<F, R>(&self, f: F) -> R
    where
        F: Fn(&StoredAb) -> R,
    {
        f(&StoredAb::from(&self.get()))
    }
}

/// Switches to the other slot: the current sound goes into the inactive slot and the inactive
/// slot's sound is set as gestures (the first switch starts B as a copy of A).
pub fn switch(params: &BarkEqParams, setter: &Setter) {
    let current = params.settings();
    let slots = params.ab.get();
    let target = slots.inactive.unwrap_or(current);
    params.ab.store(AbSlots {
        active: slots.active.other(),
        inactive: Some(current),
    });
    setter.log().touch();
    set_values(params, setter, &target, in_slot);
}

/// Copies the active slot into the inactive one.
pub fn copy_to_other(params: &BarkEqParams, setter: &Setter) {
    let slots = params.ab.get();
    params.ab.store(AbSlots {
        active: slots.active,
        inactive: Some(params.settings()),
    });
    setter.log().touch();
}
