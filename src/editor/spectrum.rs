//! The analyzer as drawn: the published spectra with the slope tilt applied, the held peaks,
//! and which of them are shown ([`AnalyzerOptions`]).

use egui::{self, epaint::Mesh, Align2, Pos2, Shape, Stroke};

use super::analyzer_options::{AnalyzerOptions, Show};
use super::plot::PlotAxes;
use super::theme;
use crate::analyzer::{point_freq_hz, AnalyzerFrame, ANALYZER_FLOOR_DB, ANALYZER_POINTS};

/// The tilt pivots here: levels at 1 kHz are unchanged.
pub const TILT_PIVOT_HZ: f32 = 1000.0;

/// Levels at every analyzer point.
type Levels = [f32; ANALYZER_POINTS];

/// GUI-side analyzer state: the spectra as drawn and the held peaks.
pub struct SpectrumDisplay {
    /// Input levels with the tilt, dBFS.
    input_db: Levels,
    /// Output levels with the tilt, dBFS.
    output_db: Levels,
    /// Highest tilted input level per point since the peaks were reset.
    peak_input_db: Levels,
    /// Highest tilted output level per point since the peaks were reset.
    peak_output_db: Levels,
    /// Sample rate of the spectra (points above half of it are not drawn).
    sample_rate_hz: f32,
    /// Sequence number of the frame last taken.
    sequence: u64,
    /// The options in force.
    options: AnalyzerOptions,
}

impl Default for SpectrumDisplay {
    fn default() -> Self {
        Self {
            input_db: [ANALYZER_FLOOR_DB; ANALYZER_POINTS],
            output_db: [ANALYZER_FLOOR_DB; ANALYZER_POINTS],
            peak_input_db: [ANALYZER_FLOOR_DB; ANALYZER_POINTS],
            peak_output_db: [ANALYZER_FLOOR_DB; ANALYZER_POINTS],
            sample_rate_hz: 0.0,
            sequence: 0,
            options: AnalyzerOptions::default(),
        }
    }
}

/// The tilt in dB at analyzer point `point`.
pub fn tilt_db(tilt_db_per_octave: f32, point: usize) -> f32 {
    tilt_db_per_octave * (point_freq_hz(point) / TILT_PIVOT_HZ).log2()
}

impl SpectrumDisplay {
    /// Takes a published frame (a frozen display takes none) under `options`.
    pub fn update(&mut self, frame: Option<&AnalyzerFrame>, options: AnalyzerOptions) {
        let tilt_changed = options.tilt_db_per_octave != self.options.tilt_db_per_octave;
        if !options.peak_hold || tilt_changed {
            self.reset_peaks();
        }
        self.options = options;
        let Some(frame) = frame.filter(|f| f.sequence > 0) else {
            return;
        };
        if frame.sequence == self.sequence && !tilt_changed {
            return;
        }
        self.sequence = frame.sequence;
        self.sample_rate_hz = frame.sample_rate_hz;
        let tilt = options.tilt_db_per_octave;
        for point in 0..ANALYZER_POINTS {
            let offset_db = tilt_db(tilt, point);
            self.input_db[point] = frame.input_db[point] + offset_db;
            self.output_db[point] = frame.output_db[point] + offset_db;
        }
        if options.peak_hold {
            for (peak, &level) in self.peak_input_db.iter_mut().zip(&self.input_db) {
                *peak = peak.max(level);
            }
            for (peak, &level) in self.peak_output_db.iter_mut().zip(&self.output_db) {
                *peak = peak.max(level);
            }
        }
    }

    /// Forgets the held peaks.
    pub fn reset_peaks(&mut self) {
        self.peak_input_db = [ANALYZER_FLOOR_DB; ANALYZER_POINTS];
        self.peak_output_db = [ANALYZER_FLOOR_DB; ANALYZER_POINTS];
    }

    /// Whether there is anything to draw: a frame arrived and the analyzer is not off.
    pub fn visible(&self) -> bool {
        self.sequence > 0 && self.options.show != Show::Off
    }

    /// The output levels as drawn (tilt applied).
    pub fn output_db(&self) -> &Levels {
        &self.output_db
    }

    /// The held output peaks (the floor when peak hold is off).
    pub fn peak_output_db(&self) -> &Levels {
        &self.peak_output_db
    }

    /// Draws the shown spectra and their legend.
    pub fn draw(&self, painter: &egui::Painter, axes: &PlotAxes) {
        if !self.visible() {
            return;
        }
        let nyquist_hz = self.sample_rate_hz / 2.0;
        let visible = (0..ANALYZER_POINTS)
            .take_while(|&p| point_freq_hz(p) <= nyquist_hz)
            .count();
        let points = |levels: &Levels| -> Vec<Pos2> {
            levels[..visible]
                .iter()
                .enumerate()
                .map(|(p, &level_db)| {
                    let y = axes.spectrum_to_y(level_db).min(axes.rect.bottom());
                    Pos2::new(axes.freq_to_x(point_freq_hz(p)), y)
                })
                .collect()
        };
        let show = self.options.show;
        let peak_stroke = |color: egui::Color32| Stroke::new(1.0, color.gamma_multiply(0.6));
        if show.input() {
            let input = points(&self.input_db);
            painter.add(fill_to(&input, axes.rect.bottom(), theme::SPECTRUM_IN));
            if self.options.peak_hold {
                let peaks = points(&self.peak_input_db);
                painter.add(Shape::line(peaks, peak_stroke(theme::TEXT_DIM)));
            }
        }
        if show.output() {
            let output = points(&self.output_db);
            painter.add(fill_to(
                &output,
                axes.rect.bottom(),
                theme::SPECTRUM_OUT.gamma_multiply(0.12),
            ));
            painter.add(Shape::line(output, Stroke::new(1.2, theme::SPECTRUM_OUT)));
            if self.options.peak_hold {
                let peaks = points(&self.peak_output_db);
                painter.add(Shape::line(peaks, peak_stroke(theme::SPECTRUM_OUT)));
            }
        }
        self.draw_legend(painter, axes);
    }

    /// Names the shown spectra (and a frozen display) in the top-right corner.
    fn draw_legend(&self, painter: &egui::Painter, axes: &PlotAxes) {
        let mut right = axes.rect.right() - 36.0;
        let top = axes.rect.top() + 14.0;
        let show = self.options.show;
        let entries = [
            ("Output", theme::SPECTRUM_OUT, show.output()),
            ("Input", theme::TEXT_DIM, show.input()),
        ];
        if self.options.freeze {
            let frozen = painter.text(
                Pos2::new(right, top),
                Align2::RIGHT_CENTER,
                "Frozen",
                theme::small_font(),
                theme::ACCENT,
            );
            right = frozen.left() - 14.0;
        }
        for (label, color, _) in entries.into_iter().filter(|e| e.2) {
            let galley_rect = painter.text(
                Pos2::new(right, top),
                Align2::RIGHT_CENTER,
                label,
                theme::small_font(),
                theme::TEXT_DIM,
            );
            let swatch_right = galley_rect.left() - 5.0;
            painter.line_segment(
                [
                    Pos2::new(swatch_right - 14.0, top),
                    Pos2::new(swatch_right, top),
                ],
                Stroke::new(2.0, color),
            );
            right = swatch_right - 26.0;
        }
    }
}

/// A mesh filling the area between a polyline and the horizontal line at `base_y`.
pub fn fill_to(line: &[Pos2], base_y: f32, color: egui::Color32) -> Shape {
    let mut mesh = Mesh::default();
    for pair in line.windows(2) {
        let first = mesh.vertices.len() as u32;
        for pos in [pair[0], pair[1]] {
            mesh.colored_vertex(pos, color);
            mesh.colored_vertex(Pos2::new(pos.x, base_y), color);
        }
        mesh.add_triangle(first, first + 1, first + 2);
        mesh.add_triangle(first + 1, first + 2, first + 3);
    }
    Shape::mesh(mesh)
}
