//! The editor's content: layout of the control bar, the plot and the faders, and the GUI-side
//! state they need between frames. Callable with any `egui::Ui`, so tests drive it headless.

use std::time::Duration;

use egui::{Align, Layout, Pos2, Rect, Ui, UiBuilder};
use nice_plug::prelude::ParamSetter;
use triple_buffer::Output;

use super::presets::{self, PresetBrowser};
use super::response::ResponseCurve;
use super::setter::{EditLog, Setter};
use super::spectrum::SpectrumDisplay;
use super::tools::{self, Tools};
use super::undo::{self, History, HistoryKey};
use super::{controls, faders, mixing, plot, scale, typed};
use crate::analyzer::AnalyzerFrame;
use crate::params::BarkEqParams;
use crate::status::EngineStatus;
use bark_eq_dsp::{EqSettings, NUM_BANDS};

/// Space around and between the parts.
const MARGIN: f32 = 10.0;
/// Height of each of the three bars.
const BAR_HEIGHT: f32 = 28.0;
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
    /// The curve the Match panel proposes (the heard settings with its band gains).
    proposal: ResponseCurve,
    /// The band gains of `proposal` while the plot draws it: the panel is open with a
    /// proposal not applied.
    proposal_gains: Option<[f32; NUM_BANDS]>,
    /// The editor's gestures, for the history.
    log: EditLog,
    /// Undo and redo.
    history: History,
    /// The presets menu.
    presets: PresetBrowser,
    /// The analyzer as drawn (tilt, peaks).
    display: SpectrumDisplay,
}

impl EditorView {
    /// A view reading spectra from `analyzer` (or showing none).
    pub fn new(analyzer: Option<Output<AnalyzerFrame>>) -> Self {
        Self::with_preset_dir(analyzer, presets::user_dir())
    }

    /// A view whose user presets live in `preset_dir`.
    pub fn with_preset_dir(
        analyzer: Option<Output<AnalyzerFrame>>,
        preset_dir: Option<std::path::PathBuf>,
    ) -> Self {
        Self {
            analyzer,
            curve: ResponseCurve::default(),
            proposal: ResponseCurve::default(),
            proposal_gains: None,
            log: EditLog::default(),
            history: History::default(),
            presets: PresetBrowser::new(preset_dir),
            display: SpectrumDisplay::default(),
        }
    }

    /// The undo history.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The analyzer as drawn.
    pub fn display(&self) -> &SpectrumDisplay {
        &self.display
    }

    /// The last message of the presets menu.
    pub fn preset_message(&self) -> Option<&str> {
        self.presets.message.as_deref()
    }

    /// The response curve drawn in the last frame.
    pub fn curve(&self) -> &ResponseCurve {
        &self.curve
    }

    /// The Match panel's proposed curve drawn in the last frame, if one was.
    pub fn proposal(&self) -> Option<&ResponseCurve> {
        self.proposal_gains.map(|_| &self.proposal)
    }

    /// The band gains the Match panel proposed in the last frame (those **Apply** writes),
    /// while the plot draws them.
    pub fn proposal_gains(&self) -> Option<[f32; NUM_BANDS]> {
        self.proposal_gains
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
    /// The tools bar below that.
    pub tools: Rect,
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
        let tools = Rect::from_min_max(
            Pos2::new(inner.left(), mixing.bottom()),
            Pos2::new(inner.right(), mixing.bottom() + BAR_HEIGHT),
        );
        let plot = Rect::from_min_max(
            Pos2::new(inner.left(), tools.bottom() + MARGIN / 2.0),
            Pos2::new(inner.right(), faders.top() - MARGIN),
        );
        Self {
            bar,
            mixing,
            tools,
            plot,
            faders,
        }
    }
}

/// Draws the whole editor into `ui` and applies the user's gestures through `setter`.
pub fn draw(
    ui: &mut Ui,
    params: &BarkEqParams,
    host_setter: &ParamSetter,
    status: &EngineStatus,
    view: &mut EditorView,
) {
    let EditorView {
        analyzer,
        curve,
        proposal,
        proposal_gains,
        log,
        history,
        presets,
        display,
    } = view;
    let setter = &Setter::new(host_setter, log);
    let scale_step = scale::scale_key(ui);
    if scale_step != 0 {
        params.ui_scale.step(scale_step);
    }
    scale::apply(ui.ctx(), &params.ui_scale);
    if !ui.ctx().text_edit_focused() {
        match undo::history_key(ui) {
            Some(HistoryKey::Undo) => history.undo(params, setter),
            Some(HistoryKey::Redo) => history.redo(params, setter),
            None => {}
        }
    }

    let options = params.analyzer.get();
    if let Some(analyzer) = analyzer.as_mut() {
        // Frozen: keep showing the frame taken last (the audio thread publishes none anyway).
        if !options.freeze {
            analyzer.update();
        }
        ui.ctx().request_repaint_after(ANALYZER_FRAME);
    }
    display.update(analyzer.as_ref().map(Output::output_buffer), options);
    // Draw what is heard: the engine runs the FFT size and phase mode it was activated with.
    let mut heard = params.settings();
    if let Some(active) = status.active() {
        active.impose_on(&mut heard);
    }
    curve.update(&heard, status.sample_rate_hz());

    let layout = EditorLayout::new(ui.max_rect());
    let row = |rect: Rect| {
        UiBuilder::new()
            .max_rect(rect)
            .layout(Layout::left_to_right(Align::Center))
    };
    ui.scope_builder(row(layout.bar), |ui| {
        controls::control_bar(ui, params, setter, status)
    });
    *proposal_gains = ui
        .scope_builder(row(layout.mixing), |ui| {
            mixing::mixing_bar(ui, params, setter, status)
        })
        .inner;
    if let Some(gains) = *proposal_gains {
        let after_apply = EqSettings {
            band_gains_db: gains,
            ..heard
        };
        proposal.update(&after_apply, status.sample_rate_hz());
    }
    ui.scope_builder(row(layout.tools), |ui| {
        let tools = Tools {
            history,
            presets,
            spectrum: display,
        };
        tools::tools_bar(ui, params, setter, tools)
    });
    let shown = proposal_gains.map(|_| &*proposal);
    let plot_solo = plot::plot(ui, layout.plot, params, setter, curve, shown, display);
    let fader_solo = faders::band_faders(ui, layout.faders, params, setter);
    // Solo lasts as long as it is held; automation never sees it.
    status.set_solo(fader_solo.or(plot_solo));
    typed::show(ui, params, setter);
    history.end_frame(params, log);
    // Claim the whole area so egui knows the content's size.
    ui.advance_cursor_after_rect(layout.faders.union(layout.bar));
}
