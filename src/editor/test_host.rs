//! A stand-in host for the UI tests: applies parameter changes at once and records every
//! begin / set / end the editor sends through nice-plug's `GuiContext`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use nice_plug::prelude::*;

use crate::params::BarkEqParams;

/// A parameter change as the host sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum Call {
    /// `begin_set_parameter(id)`.
    Begin(String),
    /// `set_parameter(id, plain value)`.
    Set(String, f32),
    /// `end_set_parameter(id)`.
    End(String),
}

/// A host that applies parameter changes at once and records them.
pub struct RecordingHost {
    /// The parameters it owns.
    params: Arc<BarkEqParams>,
    /// Every call, in order.
    calls: Mutex<Vec<Call>>,
}

impl RecordingHost {
    /// A host for `params` with an empty log.
    pub fn new(params: Arc<BarkEqParams>) -> Self {
        Self {
            params,
            calls: Mutex::new(Vec::new()),
        }
    }

    fn id_of(&self, param: ParamPtr) -> String {
        let map = self.params.param_map();
        let found = map.into_iter().find(|(_, ptr, _)| *ptr == param);
        found
            .map(|(id, _, _)| id)
            .expect("the editor sets only its own parameters")
    }

    fn record(&self, call: Call) {
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(call);
    }

    /// The calls so far, clearing the log.
    pub fn take_calls(&self) -> Vec<Call> {
        std::mem::take(&mut *self.calls.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl GuiContextInner for RecordingHost {
    fn plugin_api(&self) -> PluginApi {
        PluginApi::Clap
    }

    unsafe fn raw_begin_set_parameter(&self, param: ParamPtr) {
        self.record(Call::Begin(self.id_of(param)));
    }

    unsafe fn raw_set_parameter_normalized(&self, param: ParamPtr, normalized: f32) {
        // SAFETY: `param` comes from `self.params` (checked by `id_of`), which outlives this.
        let plain = unsafe {
            param._internal_set_normalized_value(normalized);
            param.unmodulated_plain_value()
        };
        self.record(Call::Set(self.id_of(param), plain));
    }

    unsafe fn raw_end_set_parameter(&self, param: ParamPtr) {
        self.record(Call::End(self.id_of(param)));
    }

    fn get_state(&self) -> PluginState {
        PluginState {
            version: String::new(),
            params: BTreeMap::new(),
            fields: BTreeMap::new(),
        }
    }

    fn set_state(&self, _state: PluginState) {}

    fn request_restart(&self) {}
}

/// Sets a parameter the way a host's automation does: directly, without the editor.
pub fn set_from_host<P: Param>(param: &P, plain: P::Plain) {
    // SAFETY: the parameter is alive; tests are single-threaded per parameter set.
    unsafe {
        param
            .as_ptr()
            ._internal_set_normalized_value(param.preview_normalized(plain))
    };
}
