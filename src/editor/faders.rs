//! The 25 vertical band faders, one per Bark band, labelled with the band centre.

use egui::{
    self, Align2, CornerRadius, EventFilter, Key, Modifiers, Pos2, Rect, Sense, Stroke, Ui,
};
use nice_plug::prelude::{FloatParam, Param};

use super::setter::Setter;

use super::gesture::{self, DragTarget, FINE_FACTOR};
use super::theme;
use super::typed::{self, TypedTarget};
use crate::params::BarkEqParams;
use bark_eq_dsp::schema::format_gain_db;
use bark_eq_dsp::{band_name, NUM_BANDS};

/// Height of the value row above each fader.
const VALUE_ROW: f32 = 20.0;
/// Height of the two-line name below each fader.
const NAME_ROW: f32 = 28.0;
/// Width of a fader track.
const TRACK_WIDTH: f32 = 4.0;
/// Height of a fader handle.
const HANDLE_HEIGHT: f32 = 10.0;
/// Widest a fader handle gets.
const MAX_HANDLE_WIDTH: f32 = 24.0;
/// An arrow key moves the focused band by this much.
pub const ARROW_STEP_DB: f32 = 0.5;
/// An arrow key with Shift moves the focused band by this much.
pub const FINE_ARROW_STEP_DB: f32 = 0.1;
/// Gains with a tick mark beside the track.
const TICKS_DB: [f32; 5] = [-12.0, -6.0, 0.0, 6.0, 12.0];

/// Geometry of one fader column.
#[derive(Clone, Copy, Debug)]
pub struct FaderGeometry {
    /// The whole column (the interactive area).
    pub column: Rect,
    /// The vertical range the handle travels.
    pub track: Rect,
}

impl FaderGeometry {
    /// The column of band `band` when the faders fill `rect`.
    pub fn new(rect: Rect, band: usize) -> Self {
        let width = rect.width() / NUM_BANDS as f32;
        let column = Rect::from_min_max(
            Pos2::new(rect.left() + band as f32 * width, rect.top()),
            Pos2::new(rect.left() + (band + 1) as f32 * width, rect.bottom()),
        );
        let track = Rect::from_min_max(
            Pos2::new(
                column.left(),
                column.top() + VALUE_ROW + HANDLE_HEIGHT / 2.0,
            ),
            Pos2::new(
                column.right(),
                column.bottom() - NAME_ROW - HANDLE_HEIGHT / 2.0,
            ),
        );
        Self { column, track }
    }

    /// y of a gain within `min_db..=max_db` on the track.
    pub fn gain_to_y(&self, gain_db: f32, min_db: f32, max_db: f32) -> f32 {
        let position = (max_db - gain_db) / (max_db - min_db);
        self.track.top() + position * self.track.height()
    }
}

/// Draws the 25 faders into `rect` and handles their gestures; returns the band held soloed
/// (Alt or the middle button on its fader), if any.
pub fn band_faders(
    ui: &mut Ui,
    rect: Rect,
    params: &BarkEqParams,
    setter: &Setter,
) -> Option<usize> {
    ui.painter().rect_filled(rect, 4.0, theme::PANEL);
    let mut soloed = None;
    for band in 0..NUM_BANDS {
        if fader(ui, FaderGeometry::new(rect, band), band, params, setter) {
            soloed = Some(band);
        }
    }
    soloed
}

/// One fader: gestures first, so the drawing shows the value they set. Returns whether the
/// band is held soloed (then the fader takes no other gesture).
fn fader(
    ui: &mut Ui,
    geometry: FaderGeometry,
    band: usize,
    params: &BarkEqParams,
    setter: &Setter,
) -> bool {
    let param = &params.bands[band].gain;
    let (min_db, max_db) = (param.preview_plain(0.0), param.preview_plain(1.0));
    let name = band_name(band);
    let id = fader_id(ui, band);
    let response = ui.interact(geometry.column, id, Sense::click_and_drag());

    let db_per_point = (max_db - min_db) / geometry.track.height().max(1.0);
    let fine = if gesture::fine_held(ui) {
        FINE_FACTOR
    } else {
        1.0
    };
    let delta_db = -response.drag_delta().y * db_per_point * fine;
    let soloed = gesture::solo_held(ui, &response);
    if !soloed {
        if typed::wants_typing(ui, &response) {
            let pos = response
                .interact_pointer_pos()
                .unwrap_or(geometry.column.center());
            typed::open(ui, TypedTarget::Band(band), pos);
        }
        gesture::drag_gain(ui, &response, id, param, setter, || {
            DragTarget::Relative(delta_db)
        });
        gesture::wheel_and_reset(ui, &response, param, setter);
        if response.clicked() || response.drag_started() {
            response.request_focus();
        }
        if response.has_focus() {
            arrow_keys(ui, band, param, setter);
        }
    }

    let gain_db = param.modulated_plain_value();
    let value_text = format_gain_db(gain_db);
    response.widget_info(|| gesture::gain_widget_info(&name, gain_db, format!("{value_text} dB")));

    let painter = ui.painter_at(geometry.column);
    let color = theme::gain_color(gain_db);
    let x = geometry.column.center().x;
    let active = response.hovered() || response.dragged() || response.has_focus();

    painter.text(
        Pos2::new(x, geometry.column.top() + VALUE_ROW / 2.0 + 2.0),
        Align2::CENTER_CENTER,
        value_text,
        theme::value_font(),
        color,
    );
    let track = Rect::from_center_size(
        Pos2::new(x, geometry.track.center().y),
        egui::vec2(TRACK_WIDTH, geometry.track.height() + HANDLE_HEIGHT),
    );
    painter.rect_filled(track, CornerRadius::same(2), theme::TRACK);
    for tick_db in TICKS_DB {
        let y = geometry.gain_to_y(tick_db, min_db, max_db);
        let half = if tick_db == 0.0 { 8.0 } else { 4.0 };
        let stroke = Stroke::new(1.0, theme::GRID_ZERO);
        painter.hline((x - half - TRACK_WIDTH)..=(x - TRACK_WIDTH), y, stroke);
        painter.hline((x + TRACK_WIDTH)..=(x + half + TRACK_WIDTH), y, stroke);
    }
    let zero_y = geometry.gain_to_y(0.0, min_db, max_db);
    let value_y = geometry.gain_to_y(gain_db, min_db, max_db);
    let fill = Rect::from_x_y_ranges(
        (x - TRACK_WIDTH / 2.0)..=(x + TRACK_WIDTH / 2.0),
        zero_y.min(value_y)..=zero_y.max(value_y),
    );
    painter.rect_filled(fill, CornerRadius::same(2), color);

    let handle_width = (geometry.column.width() * 0.62).min(MAX_HANDLE_WIDTH);
    let handle = Rect::from_center_size(
        Pos2::new(x, value_y),
        egui::vec2(handle_width, HANDLE_HEIGHT),
    );
    let outline = if active {
        theme::TEXT
    } else {
        theme::BACKGROUND
    };
    painter.rect(
        handle,
        CornerRadius::same(3),
        color,
        Stroke::new(1.0, outline),
        egui::StrokeKind::Middle,
    );
    painter.hline(
        (handle.left() + 3.0)..=(handle.right() - 3.0),
        value_y,
        Stroke::new(1.0, theme::BACKGROUND),
    );

    // "1.17 kHz" would not fit a column: number above, unit below.
    let (number, unit) = name.split_once(' ').unwrap_or((name.as_str(), ""));
    let name_top = geometry.column.bottom() - NAME_ROW + 2.0;
    let name_color = if soloed {
        theme::ACCENT
    } else if active {
        theme::TEXT
    } else {
        theme::TEXT_DIM
    };
    for (row, text) in [number, unit].into_iter().enumerate() {
        painter.text(
            Pos2::new(x, name_top + row as f32 * 12.0),
            Align2::CENTER_TOP,
            text,
            theme::small_font(),
            name_color,
        );
    }
    soloed
}

/// The id of band `band`'s fader.
fn fader_id(ui: &Ui, band: usize) -> egui::Id {
    ui.make_persistent_id(("fader", band))
}

/// Keyboard on the focused fader: up/down nudge by [`ARROW_STEP_DB`] (Shift: [`FINE_ARROW_STEP_DB`]),
/// one gesture per press; left/right move the focus to the neighbouring band.
fn arrow_keys(ui: &Ui, band: usize, param: &FloatParam, setter: &Setter) {
    let id = fader_id(ui, band);
    let filter = EventFilter {
        horizontal_arrows: true,
        vertical_arrows: true,
        ..EventFilter::default()
    };
    ui.memory_mut(|m| m.set_focus_lock_filter(id, filter));
    // Consumed, so a band that takes the focus later in this frame does not see them again.
    let (up, down, left, right, shift) = ui.input_mut(|i| {
        let mut presses = |key| i.count_and_consume_key(Modifiers::NONE, key);
        (
            presses(Key::ArrowUp),
            presses(Key::ArrowDown),
            presses(Key::ArrowLeft),
            presses(Key::ArrowRight),
            i.modifiers.shift,
        )
    });
    let step_db = if shift {
        FINE_ARROW_STEP_DB
    } else {
        ARROW_STEP_DB
    };
    let steps = up as f32 - down as f32;
    if steps != 0.0 {
        let current_db = param.modulated_plain_value();
        let target_db = gesture::snap_gain_db(param, current_db + steps * step_db);
        if target_db != current_db {
            gesture::set_once(setter, param, target_db);
        }
    }
    let neighbour = band as isize + right as isize - left as isize;
    if neighbour != band as isize {
        let neighbour = neighbour.clamp(0, NUM_BANDS as isize - 1) as usize;
        let neighbour_id = fader_id(ui, neighbour);
        ui.memory_mut(|m| m.request_focus(neighbour_id));
    }
}
