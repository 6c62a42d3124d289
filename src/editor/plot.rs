//! The plot: log-frequency axis 20 Hz–20 kHz, a dB grid, the input and output spectra and the
//! response curve, with a handle per band that can be dragged; while the Match panel proposes a
//! match, its curve dashed, with a legend.

use egui::{self, Align2, PointerButton, Pos2, Rect, Response, Role, Sense, Shape, Stroke, Ui};
use nice_plug::prelude::Param;

use super::setter::Setter;

use super::gesture::{self, DragTarget};
use super::paint;
use super::response::ResponseCurve;
use super::spectrum::{fill_to, SpectrumDisplay};
use super::theme;
use super::typed::{self, TypedTarget};
use crate::params::BarkEqParams;
use bark_eq_dsp::bands::{band_centre_hz, band_name, band_of_freq, format_freq_hz};
use bark_eq_dsp::schema::format_gain_db;
use bark_eq_dsp::{gain_db_at, EqSettings, NUM_BANDS};

/// Lowest frequency shown.
pub const PLOT_MIN_HZ: f32 = 20.0;
/// Highest frequency shown.
pub const PLOT_MAX_HZ: f32 = 20_000.0;
/// The response axis runs from −this to +this dB.
pub const CURVE_RANGE_DB: f32 = 18.0;
/// Response grid spacing in dB.
const CURVE_GRID_DB: f32 = 6.0;
/// Spectrum level at the top of the plot, dBFS.
pub const SPECTRUM_TOP_DB: f32 = 0.0;
/// Spectrum dB per response dB: the 36 dB response axis spans 90 dB of spectrum, so both
/// scales share the grid lines (every 15 dB of spectrum).
const SPECTRUM_DB_PER_CURVE_DB: f32 = 2.5;
/// Frequencies with a labelled vertical grid line.
const LABELLED_HZ: [(f32, &str); 10] = [
    (20.0, "20"),
    (50.0, "50"),
    (100.0, "100"),
    (200.0, "200"),
    (500.0, "500"),
    (1000.0, "1k"),
    (2000.0, "2k"),
    (5000.0, "5k"),
    (10_000.0, "10k"),
    (20_000.0, "20k"),
];
/// A band handle can be grabbed this far (in points, horizontally) from its centre.
const PICK_RADIUS: f32 = 28.0;
/// Radius of a band handle.
const HANDLE_RADIUS: f32 = 4.0;
/// Accessible name of the plot.
pub const PLOT_LABEL: &str = "Frequency response";
/// Legend of the proposed match curve.
pub const PROPOSAL_LABEL: &str = "Proposed match, dashed (not applied)";
/// Dash and gap of the proposed curve, in points.
const PROPOSAL_DASH: (f32, f32) = (6.0, 4.0);
/// Where the legend's right edge and top sit, from the plot's top right corner (below the
/// solo readout).
const LEGEND_OFFSET: egui::Vec2 = egui::vec2(-10.0, 26.0);

/// Maps frequencies and levels to positions inside the plot rectangle.
#[derive(Clone, Copy, Debug)]
pub struct PlotAxes {
    /// The plot area.
    pub rect: Rect,
}

impl PlotAxes {
    /// x of a frequency (log axis).
    pub fn freq_to_x(&self, freq_hz: f32) -> f32 {
        let position = (freq_hz / PLOT_MIN_HZ).log10() / (PLOT_MAX_HZ / PLOT_MIN_HZ).log10();
        self.rect.left() + position * self.rect.width()
    }

    /// Frequency at an x position.
    pub fn x_to_freq(&self, x: f32) -> f32 {
        let position = (x - self.rect.left()) / self.rect.width();
        PLOT_MIN_HZ * (PLOT_MAX_HZ / PLOT_MIN_HZ).powf(position)
    }

    /// y of a response gain in dB.
    pub fn db_to_y(&self, gain_db: f32) -> f32 {
        let position = (CURVE_RANGE_DB - gain_db) / (2.0 * CURVE_RANGE_DB);
        self.rect.top() + position * self.rect.height()
    }

    /// Response gain in dB at a y position.
    pub fn y_to_db(&self, y: f32) -> f32 {
        CURVE_RANGE_DB - (y - self.rect.top()) / self.rect.height() * 2.0 * CURVE_RANGE_DB
    }

    /// y of a spectrum level in dBFS.
    pub fn spectrum_to_y(&self, level_db: f32) -> f32 {
        self.db_to_y(CURVE_RANGE_DB - (SPECTRUM_TOP_DB - level_db) / SPECTRUM_DB_PER_CURVE_DB)
    }
}

/// The band whose centre is nearest to `x`, if within `PICK_RADIUS`.
pub fn band_near(axes: &PlotAxes, x: f32) -> Option<usize> {
    (0..NUM_BANDS)
        .map(|band| (band, (axes.freq_to_x(band_centre_hz(band)) - x).abs()))
        .filter(|&(_, distance)| distance <= PICK_RADIUS)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(band, _)| band)
}

/// Draws the plot into `rect` (with `proposal`, the Match panel's proposed curve, if any) and
/// handles dragging the band handles; returns the band held soloed (Alt or the middle button
/// over it), if any.
pub fn plot(
    ui: &mut Ui,
    rect: Rect,
    params: &BarkEqParams,
    setter: &Setter,
    curve: &ResponseCurve,
    proposal: Option<&ResponseCurve>,
    spectrum: &SpectrumDisplay,
) -> Option<usize> {
    let axes = PlotAxes { rect };
    let id = ui.make_persistent_id("plot");
    let response = ui.interact(rect, id, Sense::click_and_drag());
    response.widget_info(|| egui::WidgetInfo::labeled(Role::Canvas, true, PLOT_LABEL));
    let settings = params.settings();
    let soloed = gesture::solo_held(ui, &response)
        .then(|| {
            response
                .hover_pos()
                .map(|p| band_of_freq(axes.x_to_freq(p.x)))
        })
        .flatten();
    let (hovered_band, painting) = if soloed.is_some() {
        (soloed, None)
    } else {
        let painting = paint::paint(ui, &response, &axes, params, setter);
        let hovered = handle_pointer(ui, &response, &axes, params, setter);
        (painting.map(|p| p.band).or(hovered), painting)
    };

    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 4.0, theme::PANEL);
    draw_grid(&painter, &axes);
    spectrum.draw(&painter, &axes);
    draw_curve(&painter, &axes, curve, settings.bypass);
    if let Some(proposal) = proposal {
        draw_proposal(ui, &painter, &axes, proposal);
    }
    draw_labels(&painter, &axes);
    draw_handles(&painter, &axes, &settings, hovered_band);
    if let Some(readout) = &painting {
        paint::draw_readout(&painter, readout);
    }
    if let Some(band) = soloed {
        let text = format!("Solo {}", band_name(band));
        let corner = rect.right_top() + egui::vec2(-10.0, 8.0);
        painter.text(
            corner,
            Align2::RIGHT_TOP,
            text,
            theme::value_font(),
            theme::ACCENT,
        );
    }
    soloed
}

/// Picks, drags, resets and nudges bands from the plot; returns the band under the pointer.
fn handle_pointer(
    ui: &Ui,
    response: &Response,
    axes: &PlotAxes,
    params: &BarkEqParams,
    setter: &Setter,
) -> Option<usize> {
    let picked_id = response.id.with("picked");
    if typed::wants_typing(ui, response) {
        let pos = response.interact_pointer_pos();
        if let Some((band, pos)) = pos.and_then(|p| band_near(axes, p.x).zip(Some(p))) {
            typed::open(ui, TypedTarget::Band(band), pos);
        }
    }
    if response.drag_started_by(PointerButton::Primary) {
        let picked = response
            .interact_pointer_pos()
            .and_then(|pos| band_near(axes, pos.x));
        ui.data_mut(|d| d.insert_temp(picked_id, picked));
    }
    let picked: Option<usize> = ui.data(|d| d.get_temp(picked_id)).flatten();
    if let Some(band) = picked {
        let output_db = params.output.modulated_plain_value();
        let pointer_db = response
            .interact_pointer_pos()
            .map_or(0.0, |pos| axes.y_to_db(pos.y));
        let target = || DragTarget::Absolute(pointer_db - output_db);
        let param = &params.bands[band].gain;
        gesture::drag_gain(ui, response, response.id.with(band), param, setter, target);
    }
    if response.drag_stopped() {
        ui.data_mut(|d| d.remove::<Option<usize>>(picked_id));
    }
    let hovered = picked.or_else(|| response.hover_pos().and_then(|p| band_near(axes, p.x)));
    if let Some(band) = hovered.filter(|_| picked.is_none()) {
        gesture::wheel_and_reset(ui, response, &params.bands[band].gain, setter);
    }
    hovered
}

/// Frequency and level grid lines.
fn draw_grid(painter: &egui::Painter, axes: &PlotAxes) {
    let rect = axes.rect;
    let minor = Stroke::new(1.0, theme::GRID.gamma_multiply(0.55));
    let major = Stroke::new(1.0, theme::GRID);
    let mut decade = 10.0;
    while decade < PLOT_MAX_HZ {
        for multiple in 2..10 {
            let freq_hz = decade * multiple as f32;
            if freq_hz > PLOT_MIN_HZ && freq_hz < PLOT_MAX_HZ {
                painter.vline(axes.freq_to_x(freq_hz), rect.y_range(), minor);
            }
        }
        decade *= 10.0;
    }
    for (freq_hz, _) in LABELLED_HZ {
        painter.vline(axes.freq_to_x(freq_hz), rect.y_range(), major);
    }
    let steps = (CURVE_RANGE_DB / CURVE_GRID_DB) as i32;
    for step in -steps..=steps {
        let stroke = if step == 0 {
            Stroke::new(1.0, theme::GRID_ZERO)
        } else {
            major
        };
        painter.hline(
            rect.x_range(),
            axes.db_to_y(step as f32 * CURVE_GRID_DB),
            stroke,
        );
    }
}

/// Axis labels, drawn last so curves never hide them: Hz along the bottom, response dB on
/// the left, spectrum dBFS (dimmer) on the right.
fn draw_labels(painter: &egui::Painter, axes: &PlotAxes) {
    let rect = axes.rect;
    for (freq_hz, label) in LABELLED_HZ {
        let anchor = match freq_hz {
            f if f <= PLOT_MIN_HZ => Align2::LEFT_BOTTOM,
            f if f >= PLOT_MAX_HZ => Align2::RIGHT_BOTTOM,
            _ => Align2::CENTER_BOTTOM,
        };
        let pos = Pos2::new(
            axes.freq_to_x(freq_hz) + anchor_nudge(anchor),
            rect.bottom() - 2.0,
        );
        painter.text(pos, anchor, label, theme::small_font(), theme::TEXT_DIM);
    }
    let steps = (CURVE_RANGE_DB / CURVE_GRID_DB) as i32;
    for step in (1 - steps)..steps {
        let gain_db = step as f32 * CURVE_GRID_DB;
        let y = axes.db_to_y(gain_db) - 1.0;
        let text = if step == 0 {
            "0 dB".to_string()
        } else {
            format!("{gain_db:+.0}")
        };
        let pos = Pos2::new(rect.left() + 4.0, y);
        painter.text(
            pos,
            Align2::LEFT_BOTTOM,
            text,
            theme::small_font(),
            theme::TEXT_DIM,
        );
        let level_db = SPECTRUM_TOP_DB - (CURVE_RANGE_DB - gain_db) * SPECTRUM_DB_PER_CURVE_DB;
        let pos = Pos2::new(rect.right() - 4.0, y);
        let color = theme::TEXT_DIM.gamma_multiply(0.7);
        painter.text(
            pos,
            Align2::RIGHT_BOTTOM,
            format!("{level_db:.0}"),
            theme::small_font(),
            color,
        );
    }
}

/// Keeps edge labels inside the plot.
fn anchor_nudge(anchor: Align2) -> f32 {
    if anchor == Align2::LEFT_BOTTOM {
        3.0
    } else if anchor == Align2::RIGHT_BOTTOM {
        -3.0
    } else {
        0.0
    }
}

/// Polyline of the response curve: one vertex per FFT bin in the plotted range (bins that
/// fall on the same pixel column are merged unless the gain steps, as in Bands mode).
pub fn curve_points(axes: &PlotAxes, curve: &ResponseCurve) -> Vec<Pos2> {
    let mut points: Vec<Pos2> = Vec::new();
    let mut previous_db = f32::NAN;
    for (bin, &gain) in curve.gains().iter().enumerate() {
        let freq_hz = curve.bin_freq_hz(bin);
        if freq_hz < PLOT_MIN_HZ {
            continue;
        }
        let gain_db = 20.0 * gain.max(f32::MIN_POSITIVE).log10();
        let pos = Pos2::new(axes.freq_to_x(freq_hz), axes.db_to_y(gain_db));
        let same_column = points.last().is_some_and(|last| pos.x - last.x < 0.5);
        if !same_column || (gain_db - previous_db).abs() > 0.01 {
            points.push(pos);
        }
        previous_db = gain_db;
        if freq_hz > PLOT_MAX_HZ {
            break;
        }
    }
    points
}

/// The response curve, filled towards 0 dB; dimmed while bypassed.
fn draw_curve(painter: &egui::Painter, axes: &PlotAxes, curve: &ResponseCurve, bypass: bool) {
    let points = curve_points(axes, curve);
    let (line, fill) = if bypass {
        (
            theme::CURVE.gamma_multiply(0.35),
            theme::CURVE.gamma_multiply(0.03),
        )
    } else {
        (theme::CURVE, theme::BOOST.gamma_multiply(0.10))
    };
    painter.add(fill_to(&points, axes.db_to_y(0.0), fill));
    painter.add(Shape::line(points, Stroke::new(2.0, line)));
}

/// The proposed match curve, dashed, and its legend (a label, so it can be found by name).
fn draw_proposal(ui: &mut Ui, painter: &egui::Painter, axes: &PlotAxes, proposal: &ResponseCurve) {
    let points = curve_points(axes, proposal);
    let stroke = Stroke::new(2.0, theme::PROPOSAL);
    let (dash, gap) = PROPOSAL_DASH;
    painter.extend(Shape::dashed_line(&points, stroke, dash, gap));
    let corner = axes.rect.right_top() + LEGEND_OFFSET;
    let strip = Rect::from_min_max(egui::pos2(axes.rect.left(), corner.y), corner);
    let layout = egui::Layout::right_to_left(egui::Align::Min);
    let mut legend = ui.new_child(egui::UiBuilder::new().max_rect(strip).layout(layout));
    let text = egui::RichText::new(PROPOSAL_LABEL)
        .color(theme::PROPOSAL)
        .font(theme::small_font());
    legend.add(egui::Label::new(text).selectable(false));
}

/// A dot per band on the curve, coloured by boost/cut; the hovered one larger, with a readout.
fn draw_handles(
    painter: &egui::Painter,
    axes: &PlotAxes,
    settings: &EqSettings,
    hovered: Option<usize>,
) {
    for band in 0..NUM_BANDS {
        let centre_hz = band_centre_hz(band);
        let gain_db = settings.band_gains_db[band];
        let curve_db = gain_db_at(settings.curve_mode, &settings.band_gains_db, centre_hz)
            + settings.output_gain_db;
        let pos = Pos2::new(axes.freq_to_x(centre_hz), axes.db_to_y(curve_db));
        let color = theme::gain_color(gain_db);
        if hovered == Some(band) {
            painter.circle(
                pos,
                HANDLE_RADIUS + 2.5,
                color,
                Stroke::new(1.5, theme::TEXT),
            );
            let text = format!(
                "{}  {} dB",
                format_freq_hz(centre_hz),
                format_gain_db(gain_db)
            );
            let corner = axes.rect.left_top() + egui::vec2(48.0, 8.0);
            painter.text(corner, Align2::LEFT_TOP, text, theme::value_font(), color);
        } else {
            painter.circle(pos, HANDLE_RADIUS, color, Stroke::new(1.0, theme::PANEL));
        }
    }
}
