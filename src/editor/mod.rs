//! The egui editor: 25 band faders, a response/spectrum plot and the global controls.
//!
//! [`view::draw`] is the whole UI as a function of an `egui::Ui`, the parameters and a
//! [`ParamSetter`](nice_plug::prelude::ParamSetter), so tests drive it headless; [`EditorApp`]
//! wraps it for nice-plug-egui.

pub mod ab;
pub mod analyzer_options;
pub mod controls;
pub mod faders;
pub mod file_dialog;
pub mod gesture;
pub mod matching;
pub mod mixing;
pub mod paint;
pub mod plot;
pub mod presets;
pub mod reference;
pub mod response;
pub mod scale;
pub mod setter;
pub mod shortcut;
pub mod size;
pub mod spectrum;
pub mod theme;
pub mod tools;
pub mod typed;
pub mod undo;
pub mod view;

#[cfg(test)]
mod frame_time;
#[cfg(any(test, feature = "test-host"))]
pub mod test_host;
#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod tests_match;
#[cfg(test)]
mod tests_options;
#[cfg(test)]
mod tests_workflow;

use std::sync::Arc;

use egui::{self, ViewportCommand};
use nice_plug::context::gui::GuiContext;
use nice_plug::editor::dpi::LogicalSize;
use nice_plug::prelude::ResizeHint;
use nice_plug_egui::resizable_window::ResizableWindow;
use nice_plug_egui::{
    baseview, create_egui_editor, EguiEditor, EguiEditorState, EguiNiceSettings, Frame,
    NiceEguiApp, RepaintNotifier,
};
use triple_buffer::Output;

use crate::analyzer::AnalyzerFrame;
use crate::params::BarkEqParams;
use crate::status::EngineStatus;
use size::{EditorSize, MIN_HEIGHT, MIN_WIDTH};
pub use view::{draw, EditorView};

/// A new window state of `size` (logical pixels), closed, without extra zoom.
pub fn new_editor_state(size: EditorSize) -> Arc<EguiEditorState> {
    let size = LogicalSize::new(f64::from(size.width), f64::from(size.height));
    EguiEditorState::from_size(size, 1.0)
}

/// The nice-plug-egui application: holds the shared state and draws [`view::draw`].
pub struct EditorApp {
    /// Parameters (read every frame, written through the setter).
    params: Arc<BarkEqParams>,
    /// The window state, to know the size the window opened at.
    editor_state: Arc<EguiEditorState>,
    /// Rate and latency from the audio side.
    status: Arc<EngineStatus>,
    /// The host's context, once a window is open.
    gui_context: Option<GuiContext>,
    /// GUI-side state between frames.
    view: EditorView,
    /// A saved size to ask for in the first frame after opening.
    pending_size: Option<EditorSize>,
}

impl NiceEguiApp for EditorApp {
    fn build(
        &mut self,
        egui_ctx: egui::Context,
        nice_gui_ctx: GuiContext,
        _frame: &mut Frame,
    ) -> Result<(), baseview::HandlerError> {
        theme::apply(&egui_ctx);
        self.gui_context = Some(nice_gui_ctx);
        // The window opens at the state's size; a project loaded since may have saved another.
        let opened = self.editor_state.logical_size();
        let opened = EditorSize::from_logical(f64::from(opened.width), f64::from(opened.height));
        let saved = self.params.editor_size.get();
        self.pending_size = (saved != opened).then_some(saved);
        Ok(())
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut Frame) {
        if let Some(size) = self.pending_size.take() {
            let size = egui::vec2(size.width as f32, size.height as f32);
            ui.send_viewport_cmd(ViewportCommand::InnerSize(size));
        }
        let Some(gui_context) = self.gui_context.as_ref() else {
            return;
        };
        let setter = gui_context.param_setter();
        let min_size = egui::vec2(MIN_WIDTH as f32, MIN_HEIGHT as f32);
        ResizableWindow::new("bark-eq-editor")
            .min_size(min_size)
            .show(ui, |ui| {
                view::draw(ui, &self.params, &setter, &self.status, &mut self.view);
            });
    }

    fn resized(&mut self, new_size: baseview::WindowSize) {
        // Until the saved size is applied, the window reports the size it opened at.
        if self.pending_size.is_none() {
            let logical = new_size.logical;
            let size = EditorSize::from_logical(logical.width, logical.height);
            self.params.editor_size.store(size);
        }
    }
}

/// Builds the editor for `params`, reading spectra from `analyzer`.
pub fn create(
    params: Arc<BarkEqParams>,
    editor_state: Arc<EguiEditorState>,
    status: Arc<EngineStatus>,
    analyzer: Output<AnalyzerFrame>,
) -> Option<EguiEditor<EditorApp>> {
    let app = EditorApp {
        params,
        editor_state: editor_state.clone(),
        status,
        gui_context: None,
        view: EditorView::new(Some(analyzer)),
        pending_size: None,
    };
    let min_size = LogicalSize::new(MIN_WIDTH as f32, MIN_HEIGHT as f32);
    let settings = EguiNiceSettings::new()
        .with_tile("Bark EQ")
        .with_resize_hint(ResizeHint::resizable().with_min_logical_size(min_size));
    create_egui_editor(editor_state, RepaintNotifier::new(), settings, app)
}
