//! The editor's content: layout of the control bar, the plot and the faders, and the GUI-side
//! state they need between frames. Callable with any `egui::Ui`, so tests drive it headless.

use std::time::Duration;

use egui::{Align, Layout, Pos2, Rect, Ui, UiBuilder};
use nice_plug::prelude::ParamSetter;
use triple_buffer::Output;

use super::response::ResponseCurve;
use super::{controls, faders, mixing, plot};
use crate::analyzer::AnalyzerFrame;
use crate::params::BarkEqParams;
use crate::status::EngineStatus;

/// Space around and between the parts.
const MARGIN: f32 = 10.0;
/// Height of the control bar.
const BAR_HEIGHT: f32 = 30.0;
/// Share of the height the faders get, within the limits below.
const FADER_SHARE: f32 = 0.36;
/// Smallest fader strip.
const MIN_FADER_HEIGHT: f32 = 140.0;
/// Largest fader strip.
const MAX_FADER_HEIGHT: f32 = 260.0;
/// Redraw interval while the analyzer runs (about 30 frames per second).
const ANALYZER_FRAME: Duration = Duration::from_millis(33);

/// GUI-thread state of one open editor.
pub struct EditorView {
    /// Reading end of the analyzer triple buffer, if the plugin provides one.
    analyzer: Option<Output<AnalyzerFrame>>,
    /// The response curve as drawn.
    curve: ResponseCurve,
}

impl EditorView {
    /// A view reading spectra from `analyzer` (or showing none).
    pub fn new(analyzer: Option<Output<AnalyzerFrame>>) -> Self {
        Self {
            analyzer,
            curve: ResponseCurve::default(),
        }
    }

    /// The response curve drawn in the last frame.
    pub fn curve(&self) -> &ResponseCurve {
        &self.curve
    }

    /// The spectra drawn in the last frame, once the audio thread published any.
    pub fn spectrum(&self) -> Option<&AnalyzerFrame> {
        self.analyzer
            .as_ref()
            .map(Output::output_buffer)
            .filter(|frame| frame.sequence > 0)
    }
}

/// The rectangles of the parts inside `full`.
#[derive(Clone, Copy, Debug)]
pub struct EditorLayout {
    /// The control bar.
    pub bar: Rect,
    /// The mixing bar below it.
    pub mixing: Rect,
    /// The plot.
    pub plot: Rect,
    /// The fader strip.
    pub faders: Rect,
}

impl EditorLayout {
    /// Splits the window area.
    pub fn new(full: Rect) -> Self {
        let inner = full.shrink(MARGIN);
        let fader_height = (inner.height() * FADER_SHARE).clamp(MIN_FADER_HEIGHT, MAX_FADER_HEIGHT);
        let bar = Rect::from_min_max(
            inner.left_top(),
            Pos2::new(inner.right(), inner.top() + BAR_HEIGHT),
        );
        let faders = Rect::from_min_max(
            Pos2::new(inner.left(), inner.bottom() - fader_height),
            inner.right_bottom(),
        );
        let mixing = Rect::from_min_max(
            Pos2::new(inner.left(), bar.bottom()),
            Pos2::new(inner.right(), bar.bottom() + BAR_HEIGHT),
        );
        let plot = Rect::from_min_max(
            Pos2::new(inner.left(), mixing.bottom() + MARGIN),
            Pos2::new(inner.right(), faders.top() - MARGIN),
        );
        Self {
            bar,
            mixing,
            plot,
            faders,
        }
    }
}

/// Draws the whole editor into `ui` and applies the user's gestures through `setter`.
pub fn draw(
    ui: &mut Ui,
    params: &BarkEqParams,
    setter: &ParamSetter,
    status: &EngineStatus,
    view: &mut EditorView,
) {
    if let Some(analyzer) = view.analyzer.as_mut() {
        analyzer.update();
        ui.ctx().request_repaint_after(ANALYZER_FRAME);
    }
    // Draw what is heard: the engine runs the FFT size and phase mode it was activated with.
    let mut heard = params.settings();
    if let Some(active) = status.active() {
        active.impose_on(&mut heard);
    }
    view.curve.update(&heard, status.sample_rate_hz());

    let layout = EditorLayout::new(ui.max_rect());
    let bar_builder = UiBuilder::new()
        .max_rect(layout.bar)
        .layout(Layout::left_to_right(Align::Center));
    ui.scope_builder(bar_builder, |ui| {
        controls::control_bar(ui, params, setter, status)
    });
    let mixing_builder = UiBuilder::new()
        .max_rect(layout.mixing)
        .layout(Layout::left_to_right(Align::Center));
    ui.scope_builder(mixing_builder, |ui| {
        mixing::mixing_bar(ui, params, setter, status)
    });
    let plot_solo = plot::plot(
        ui,
        layout.plot,
        params,
        setter,
        &view.curve,
        view.spectrum(),
    );
    let fader_solo = faders::band_faders(ui, layout.faders, params, setter);
    // Solo lasts as long as it is held; automation never sees it.
    status.set_solo(fader_solo.or(plot_solo));
    // Claim the whole area so egui knows the content's size.
    ui.advance_cursor_after_rect(layout.faders.union(layout.bar));
}
