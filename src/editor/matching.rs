//! The Bark Match panel: learns the source and the reference from the audio playing (or loads
//! a reference: a profile JSON or an audio file, typed or chosen in a file dialog, read in the
//! background by [`ReferenceInput`]), shows both profiles and the proposed curve, and on
//! **Apply** hands the 25 band gains of [`match_gains`] to the caller, which writes them as
//! gestures. Opened by the **Match** toggle in the mixing bar; drawn as a floating window.

use std::time::Duration;

use egui::{pos2, Color32, Id, Pos2, RichText, Sense, Stroke, Ui};

use super::file_dialog::FileDialog;
use super::reference::ReferenceInput;
pub use super::reference::{BROWSE_LABEL, LOAD_LABEL};
use super::theme;
use crate::learn::{LearnMode, MatchProfiles};
use crate::params::BarkEqParams;
use crate::status::EngineStatus;
use bark_eq_dsp::curve::BinLayout;
use bark_eq_dsp::matching::{
    match_gains, MatchOptions, MatchResult, Target, DEFAULT_AMOUNT_PERCENT, MAX_AMOUNT_PERCENT,
    MAX_SMOOTHING_BANDS, MIN_AMOUNT_PERCENT,
};
use bark_eq_dsp::profile::ProfileError;
use bark_eq_dsp::{FftSize, NUM_BANDS};

/// The mixing bar's toggle that opens the panel.
pub const MATCH_LABEL: &str = "Match";
/// Title of the panel.
pub const PANEL_TITLE: &str = "Bark Match";
/// Learn-source toggle.
pub const LEARN_SOURCE_LABEL: &str = "Learn source";
/// Learn-reference toggle.
pub const LEARN_REFERENCE_LABEL: &str = "Learn reference";
/// The button that writes the gains.
pub const APPLY_LABEL: &str = "Apply";
/// How often the panel looks for the result of a reference being read or chosen in the file
/// dialog, at the latest (their threads also ask for a repaint when they are done).
const LOAD_POLL_INTERVAL: Duration = Duration::from_millis(100);
/// Sample rate assumed before the engine is activated.
const FALLBACK_RATE_HZ: f32 = 48_000.0;
/// Size of the profile drawing.
const DRAWING_SIZE: egui::Vec2 = egui::vec2(330.0, 110.0);

/// What the source is matched to, as offered in the panel's menu.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum TargetChoice {
    /// The learned or loaded reference profile.
    #[default]
    Reference,
    /// Pink noise.
    Pink,
    /// A tilt of this many dB per octave.
    Tilt(f32),
}

impl TargetChoice {
    /// The choices in the menu.
    pub const ALL: [TargetChoice; 4] = [
        TargetChoice::Reference,
        TargetChoice::Pink,
        TargetChoice::Tilt(-3.0),
        TargetChoice::Tilt(-4.5),
    ];

    /// Name in the menu.
    pub fn name(self) -> String {
        match self {
            TargetChoice::Reference => "Reference".to_string(),
            TargetChoice::Pink => "Pink".to_string(),
            TargetChoice::Tilt(slope) => format!("Tilt {slope:+.1} dB/oct"),
        }
    }

    /// The target, or `None` for a reference not learned yet.
    pub fn target(self, profiles: &MatchProfiles) -> Option<Target> {
        match self {
            TargetChoice::Reference => profiles.reference.clone().map(Target::Reference),
            TargetChoice::Pink => Some(Target::Pink),
            TargetChoice::Tilt(db_per_octave) => Some(Target::Tilt { db_per_octave }),
        }
    }
}

/// The panel's own state, kept in egui's memory between frames.
#[derive(Clone, Debug)]
pub struct PanelState {
    /// Whether the panel is shown.
    pub open: bool,
    /// The target in the menu.
    pub target: TargetChoice,
    /// Amount, percent.
    pub amount_percent: f32,
    /// Smoothing across bands.
    pub smoothing_bands: f32,
    /// The reference row: its path, the file dialog and the read in flight.
    pub reference: ReferenceInput,
    /// The last error or note, one line.
    pub message: String,
    /// The learning request the panel started (its generation), to take only its sums.
    pub generation: Option<u32>,
    /// The gains **Apply** wrote last; a proposal equal to them is no longer shown as one.
    pub applied: Option<[f32; NUM_BANDS]>,
}

impl Default for PanelState {
    fn default() -> Self {
        Self {
            open: false,
            target: TargetChoice::Reference,
            amount_percent: DEFAULT_AMOUNT_PERCENT,
            smoothing_bands: 0.0,
            reference: ReferenceInput::default(),
            message: String::new(),
            generation: None,
            applied: None,
        }
    }
}

/// Where the panel's state lives in egui's memory.
fn state_id() -> Id {
    Id::NULL.with("bark-match-panel")
}

/// Whether a reference is being read in the background (for tests to wait on).
pub fn loading(ctx: &egui::Context) -> bool {
    ctx.data(|d| d.get_temp::<PanelState>(state_id()))
        .is_some_and(|state| state.reference.loading.is_some())
}

/// Replaces the dialog **Browse…** opens (the system's by default) by `dialog`: tests answer
/// it themselves through the same channel.
pub fn set_file_dialog(ctx: &egui::Context, dialog: FileDialog) {
    ctx.data_mut(|d| {
        let state = d.get_temp_mut_or_default::<PanelState>(state_id());
        state.reference.dialog = dialog;
    });
}

/// The match options of the panel for the parameters' curve mode.
pub fn options(state: &PanelState, params: &BarkEqParams) -> MatchOptions {
    MatchOptions {
        amount_percent: state.amount_percent,
        smoothing_bands: state.smoothing_bands,
        curve_mode: params.curve.value().0,
        ..MatchOptions::default()
    }
}

/// The nominal FFT size the engine runs (or will run, before activation).
fn fft_size(params: &BarkEqParams, status: &EngineStatus) -> FftSize {
    status
        .active()
        .map_or(params.settings().fft_size, |active| active.fft_size)
}

/// The FFT layout and rate the gains will run at (the engine's, or the defaults).
pub fn layout(params: &BarkEqParams, status: &EngineStatus) -> (BinLayout, f32) {
    let rate = status.sample_rate_hz();
    let rate = if rate > 0.0 { rate } else { FALLBACK_RATE_HZ };
    let fft_len = fft_size(params, status).size_at_rate(rate);
    (BinLayout::new(fft_len, rate), rate)
}

/// The proposed match of the stored profiles, or why there is none.
pub fn proposal(
    state: &PanelState,
    params: &BarkEqParams,
    status: &EngineStatus,
) -> Result<MatchResult, String> {
    let profiles = params.match_profiles.get();
    let source = profiles
        .source
        .as_ref()
        .ok_or("Learn or load a source first")?;
    let target = state
        .target
        .target(&profiles)
        .ok_or("Learn or load a reference first")?;
    let (layout, rate) = layout(params, status);
    match_gains(source, &target, &options(state, params), &layout, rate).map_err(|e| e.to_string())
}

/// What the panel hands the editor in one frame.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PanelOutput {
    /// The gains to write: **Apply** was clicked.
    pub apply: Option<[f32; NUM_BANDS]>,
    /// The proposed gains the panel shows, not applied yet: the plot draws them too.
    pub proposal: Option<[f32; NUM_BANDS]>,
}

/// Draws the **Match** toggle and, while it is on, the panel. Returns the gains to write when
/// **Apply** was clicked and the proposal the open panel shows.
pub fn match_toggle_and_panel(
    ui: &mut Ui,
    params: &BarkEqParams,
    status: &EngineStatus,
) -> PanelOutput {
    let ctx = ui.ctx().clone();
    let mut state: PanelState = ctx.data_mut(|d| d.get_temp(state_id()).unwrap_or_default());
    ui.toggle_value(&mut state.open, MATCH_LABEL)
        .on_hover_text("Match the tonal balance to a reference (Bark Match)");
    take_learned(&mut state, params, status);
    if let Some(message) = state.reference.take_picked(fft_size(params, status), &ctx) {
        state.message = message;
    }
    take_loaded(&mut state, params);
    if state.reference.busy() {
        ctx.request_repaint_after(LOAD_POLL_INTERVAL);
    }
    let mut output = PanelOutput::default();
    if state.open {
        let mut open = true;
        egui::Window::new(PANEL_TITLE)
            .open(&mut open)
            .resizable(false)
            .collapsible(false)
            .default_pos(pos2(60.0, 60.0))
            .show(&ctx, |ui| output = panel(ui, &mut state, params, status));
        state.open &= open;
    }
    if output.apply.is_some() {
        state.applied = output.apply;
    }
    if !state.open || output.proposal == state.applied {
        output.proposal = None;
    }
    ctx.data_mut(|d| d.insert_temp(state_id(), state));
    output
}

/// Stores the sums learned for the panel's request as the source or reference profile.
fn take_learned(state: &mut PanelState, params: &BarkEqParams, status: &EngineStatus) {
    let Some(generation) = state.generation else {
        return;
    };
    let Some(learned) = status.learned().filter(|l| l.generation == generation) else {
        return;
    };
    match learned.profile {
        Ok(profile) => params.match_profiles.update(|profiles| match learned.mode {
            LearnMode::Source => profiles.source = Some(profile),
            LearnMode::Reference => profiles.reference = Some(profile),
            LearnMode::Off => {}
        }),
        Err(ProfileError::Silent) => state.message = "Nothing heard yet (silence)".to_string(),
        Err(err) => state.message = err.to_string(),
    }
    if learned.finished {
        state.generation = None;
    }
}

/// Stores a reference the background thread has read; on an error only says why, so the
/// stored reference and the target stay as they were.
fn take_loaded(state: &mut PanelState, params: &BarkEqParams) {
    let Some(load) = &state.reference.loading else {
        return;
    };
    let Some(result) = load.take() else {
        return;
    };
    state.message = match result {
        Ok(profile) => {
            let message = format!(
                "Reference loaded: {} ({:.1} s)",
                load.path(),
                profile.duration_s
            );
            params
                .match_profiles
                .update(|profiles| profiles.reference = Some(profile));
            state.target = TargetChoice::Reference;
            message
        }
        Err(err) => err,
    };
    state.reference.loading = None;
}

/// The panel's contents.
fn panel(
    ui: &mut Ui,
    state: &mut PanelState,
    params: &BarkEqParams,
    status: &EngineStatus,
) -> PanelOutput {
    let profiles = params.match_profiles.get();
    let learning = status.learning().0;
    for (mode, label, profile) in [
        (LearnMode::Source, LEARN_SOURCE_LABEL, &profiles.source),
        (
            LearnMode::Reference,
            LEARN_REFERENCE_LABEL,
            &profiles.reference,
        ),
    ] {
        ui.horizontal(|ui| {
            let mut on = learning == mode;
            if ui
                .toggle_value(&mut on, label)
                .on_hover_text("Learn the profile of the audio playing through the plugin")
                .changed()
            {
                if on {
                    status.set_learning(mode);
                    // Sums of this request only; the final ones arrive after it stops.
                    state.generation = Some(status.learning().1);
                } else {
                    status.set_learning(LearnMode::Off);
                }
                state.message.clear();
            }
            let text = profile.as_ref().map_or("none".to_string(), |p| {
                format!("{:.1} s learned", p.duration_s)
            });
            ui.label(RichText::new(text).color(theme::TEXT_DIM));
        });
    }
    if let Some(message) = state.reference.row(ui, fft_size(params, status)) {
        state.message = message;
    }
    ui.horizontal(|ui| {
        let label = ui.label("Target");
        egui::ComboBox::from_id_salt("match-target")
            .selected_text(state.target.name())
            .show_ui(ui, |ui| {
                for choice in TargetChoice::ALL {
                    ui.selectable_value(&mut state.target, choice, choice.name());
                }
            })
            .response
            .labelled_by(label.id);
    });
    ui.add(
        egui::Slider::new(
            &mut state.amount_percent,
            MIN_AMOUNT_PERCENT..=MAX_AMOUNT_PERCENT,
        )
        .text("Amount %"),
    );
    ui.add(
        egui::Slider::new(&mut state.smoothing_bands, 0.0..=MAX_SMOOTHING_BANDS).text("Smoothing"),
    );
    let result = proposal(state, params, status);
    draw_profiles(ui, &profiles, result.as_ref().ok());
    let mut apply = None;
    ui.horizontal(|ui| {
        if ui
            .add_enabled(result.is_ok(), egui::Button::new(APPLY_LABEL))
            .on_hover_text("Write the 25 band gains (one gesture per band)")
            .clicked()
        {
            apply = result.as_ref().ok().map(|r| r.gains_db);
        }
        let note = match &result {
            Ok(r) => format!("offset {:+.1} dB", r.offset_db),
            Err(reason) => reason.clone(),
        };
        ui.label(RichText::new(note).color(theme::TEXT_DIM));
    });
    if !state.message.is_empty() {
        ui.label(RichText::new(&state.message).color(theme::TEXT_DIM));
    }
    PanelOutput {
        apply,
        proposal: result.ok().map(|r| r.gains_db),
    }
}

/// Draws the source (cut colour) and reference (boost colour) profiles, each centred on its
/// mean, and the proposed gains (proposal colour, as on the plot) on a ±12 dB scale.
fn draw_profiles(ui: &mut Ui, profiles: &MatchProfiles, result: Option<&MatchResult>) {
    let (rect, _) = ui.allocate_exact_size(DRAWING_SIZE, Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 2.0, theme::BACKGROUND);
    let point = |band: usize, db: f32| -> Pos2 {
        let x = rect.left() + rect.width() * (band as f32 + 0.5) / NUM_BANDS as f32;
        let y = rect.center().y - (db / 12.0).clamp(-1.0, 1.0) * rect.height() * 0.5;
        pos2(x, y)
    };
    painter.hline(
        rect.x_range(),
        rect.center().y,
        Stroke::new(1.0, theme::GRID_ZERO),
    );
    let line = |levels: &[f32; NUM_BANDS], color: Color32| {
        let mean = levels.iter().sum::<f32>() / NUM_BANDS as f32;
        let points = (0..NUM_BANDS).map(|b| point(b, levels[b] - mean)).collect();
        painter.add(egui::Shape::line(points, Stroke::new(1.5, color)));
    };
    if let Some(profile) = &profiles.source {
        line(&profile.band_levels_db, theme::CUT);
    }
    if let Some(profile) = &profiles.reference {
        line(&profile.band_levels_db, theme::BOOST);
    }
    if let Some(result) = result {
        let points = (0..NUM_BANDS)
            .map(|b| point(b, result.gains_db[b]))
            .collect();
        painter.add(egui::Shape::line(points, Stroke::new(2.0, theme::PROPOSAL)));
    }
}
