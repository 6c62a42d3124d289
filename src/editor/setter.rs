//! The editor's way to change parameters: every change goes through [`Setter`], which passes
//! begin / set / end on to the host's [`ParamSetter`] and notes in an [`EditLog`] that the editor
//! made it, so the undo history can tell the editor's changes (one step per gesture) from the
//! host's automation and state loads (never a step).

use std::cell::Cell;

use nice_plug::prelude::{Enum, Param, ParamSetter};

use crate::params::{BarkEqParams, CurveParam, FftSizeParam, PhaseParam, StereoParam};
use bark_eq_dsp::schema::{ParamId, ParamValue};
use bark_eq_dsp::EqSettings;

/// What the editor did to the parameters, kept between frames (GUI thread only).
#[derive(Debug, Default)]
pub struct EditLog {
    /// Gestures begun and not yet ended.
    open: Cell<u32>,
    /// Whether the editor changed anything since the history last took a step.
    touched: Cell<bool>,
}

impl EditLog {
    /// Whether a gesture is in progress (a drag, a paint stroke).
    pub fn gesture_open(&self) -> bool {
        self.open.get() > 0
    }

    /// Whether the editor changed something since [`EditLog::clear_touched`].
    pub fn touched(&self) -> bool {
        self.touched.get()
    }

    /// Notes a change the editor made outside the parameters (an A/B slot).
    pub fn touch(&self) {
        self.touched.set(true);
    }

    /// Forgets the changes made so far (the history took them as a step).
    pub fn clear_touched(&self) {
        self.touched.set(false);
    }
}

/// The host's [`ParamSetter`] with the editor's log: the only way the editor sets parameters.
pub struct Setter<'a> {
    /// The host's setter.
    host: &'a ParamSetter<'a>,
    /// Where the editor's gestures are noted.
    log: &'a EditLog,
}

impl<'a> Setter<'a> {
    /// A setter passing changes to `host` and noting them in `log`.
    pub fn new(host: &'a ParamSetter<'a>, log: &'a EditLog) -> Self {
        Self { host, log }
    }

    /// Starts a gesture on `param` (the host records automation from here).
    pub fn begin_set_parameter<P: Param>(&self, param: &P) {
        self.log.open.set(self.log.open.get() + 1);
        self.log.touch();
        self.host.begin_set_parameter(param);
    }

    /// Sets `param` within a gesture.
    pub fn set_parameter<P: Param>(&self, param: &P, value: P::Plain) {
        self.log.touch();
        self.host.set_parameter(param, value);
    }

    /// Ends a gesture on `param`.
    pub fn end_set_parameter<P: Param>(&self, param: &P) {
        self.log.open.set(self.log.open.get().saturating_sub(1));
        self.host.end_set_parameter(param);
    }

    /// The log this setter writes.
    pub fn log(&self) -> &EditLog {
        self.log
    }
}

/// Sets a parameter in one complete gesture (a click, a wheel notch, a reset).
pub fn set_once<P: Param>(setter: &Setter, param: &P, value: P::Plain) {
    setter.begin_set_parameter(param);
    setter.set_parameter(param, value);
    setter.end_set_parameter(param);
}

/// Sets `param` to `value` in one gesture if it differs from what `params` hold.
fn set_if_changed<P: Param>(setter: &Setter, param: &P, value: P::Plain)
where
    P::Plain: PartialEq,
{
    if param.modulated_plain_value() != value {
        set_once(setter, param, value);
    }
}

/// Moves every parameter `which` selects to its value in `target`, one gesture per parameter
/// that changes (in host order), so the host records each as automation.
pub fn set_values(
    params: &BarkEqParams,
    setter: &Setter,
    target: &EqSettings,
    which: impl Fn(ParamId) -> bool,
) {
    for param in ParamId::ALL.into_iter().filter(|&p| which(p)) {
        let value = param.value_in(target);
        match (param, value) {
            (ParamId::Band(band), ParamValue::GainDb(gain_db)) => {
                set_if_changed(setter, &params.bands[band].gain, gain_db);
            }
            (ParamId::Output, ParamValue::GainDb(gain_db)) => {
                set_if_changed(setter, &params.output, gain_db);
            }
            (ParamId::Curve, ParamValue::Choice(index)) => {
                set_if_changed(setter, &params.curve, CurveParam::from_index(index));
            }
            (ParamId::FftSize, ParamValue::Choice(index)) => {
                set_if_changed(setter, &params.fft_size, FftSizeParam::from_index(index));
            }
            (ParamId::Phase, ParamValue::Choice(index)) => {
                set_if_changed(setter, &params.phase, PhaseParam::from_index(index));
            }
            (ParamId::Stereo, ParamValue::Choice(index)) => {
                set_if_changed(setter, &params.stereo, StereoParam::from_index(index));
            }
            (ParamId::Bypass, ParamValue::Toggle(on)) => set_if_changed(setter, &params.bypass, on),
            (ParamId::AutoGain, ParamValue::Toggle(on)) => {
                set_if_changed(setter, &params.auto_gain, on);
            }
            (ParamId::Delta, ParamValue::Toggle(on)) => set_if_changed(setter, &params.delta, on),
            // `value_in` gives every parameter its own kind of value.
            _ => {}
        }
    }
}
