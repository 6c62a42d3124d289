//! A stand-in host for the UI tests, which applies parameter changes at once and records every
//! begin / set / end the editor sends through nice-plug's `GuiContext`, and the headless
//! editor harness (egui_kittest) the tests drive, with the Match panel's reference loading.
//! Compiled for this crate's tests and, with the feature `test-host`, for other crates' tests
//! (the CLI's test that `bark-eq match` and the panel agree).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use nice_plug::prelude::*;

use super::{matching, theme, EditorView};
use crate::params::BarkEqParams;
use crate::status::EngineStatus;

/// The harness crate the editor tests use, for tests outside this crate.
pub use egui_kittest;

/// Size of the harness window in points.
const HARNESS_SIZE: egui::Vec2 = egui::vec2(900.0, 480.0);
/// Steps [`Harness::run`] may take before it gives up.
const HARNESS_MAX_STEPS: u64 = 120;
/// Steps of [`LOAD_WAIT_INTERVAL`] that [`wait_for_reference`] waits at most (a minute).
const LOAD_WAIT_STEPS: usize = 6000;
/// Pause between the steps of [`wait_for_reference`].
const LOAD_WAIT_INTERVAL: Duration = Duration::from_millis(10);

/// The editor in a 900×480 headless harness at 60 frames per second, drawn from `params` and
/// `status`, its gestures sent to `host`.
pub fn editor_harness(
    params: Arc<BarkEqParams>,
    host: Arc<RecordingHost>,
    status: Arc<EngineStatus>,
    view: EditorView,
) -> Harness<'static, EditorView> {
    Harness::builder()
        .with_size(HARNESS_SIZE)
        // 60 frames per second, as on screen (double-clicks need < 0.3 s between clicks).
        .with_step_dt(1.0 / 60.0)
        .with_max_steps(HARNESS_MAX_STEPS)
        .with_context_setup(theme::apply)
        .build_ui_state(
            move |ui, view: &mut EditorView| {
                let setter = ParamSetter::new(host.as_ref());
                super::draw(ui, &params, &setter, &status, view);
            },
            view,
        )
}

/// Replaces the Match panel's reference path by `path`, as typed.
pub fn type_reference_path(harness: &mut Harness<'_, EditorView>, path: &Path) {
    harness
        .get_by_role(Role::TextInput)
        .set_text_value_accesskit(&path.display().to_string());
    harness.run();
}

/// Clicks the Match panel's **Load reference** and waits for the background read.
pub fn load_reference(harness: &mut Harness<'_, EditorView>) {
    harness.get_by_label(matching::LOAD_LABEL).click();
    wait_for_reference(harness);
}

/// Steps the editor until the reference being read in the background is taken. The bound
/// only keeps a load that never ends from hanging the test.
pub fn wait_for_reference(harness: &mut Harness<'_, EditorView>) {
    for _ in 0..LOAD_WAIT_STEPS {
        harness.step();
        if !matching::loading(&harness.ctx) {
            harness.run();
            return;
        }
        std::thread::sleep(LOAD_WAIT_INTERVAL);
    }
    panic!("the reference was still loading after {LOAD_WAIT_STEPS} steps");
}

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

    /// The ID of the parameter behind `param`.
    fn id_of(&self, param: ParamPtr) -> String {
        let map = self.params.param_map();
        let found = map.into_iter().find(|(_, ptr, _)| *ptr == param);
        found
            .map(|(id, _, _)| id)
            .expect("the editor sets only its own parameters")
    }

    /// Logs `call`.
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
