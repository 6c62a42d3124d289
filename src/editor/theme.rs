//! Colours, sizes and the egui style of the editor.

use egui::{self, Color32, FontFamily, FontId, TextStyle};

/// Window background.
pub const BACKGROUND: Color32 = Color32::from_rgb(0x16, 0x18, 0x1d);
/// Background of the plot and the fader strip.
pub const PANEL: Color32 = Color32::from_rgb(0x1d, 0x20, 0x27);
/// Grid lines.
pub const GRID: Color32 = Color32::from_rgb(0x2c, 0x30, 0x3a);
/// The 0 dB line, a little brighter than the grid.
pub const GRID_ZERO: Color32 = Color32::from_rgb(0x45, 0x4b, 0x58);
/// Axis labels and secondary text.
pub const TEXT_DIM: Color32 = Color32::from_rgb(0x8a, 0x91, 0x9e);
/// Primary text.
pub const TEXT: Color32 = Color32::from_rgb(0xdc, 0xdf, 0xe4);
/// A band at 0 dB.
pub const NEUTRAL: Color32 = Color32::from_rgb(0xa8, 0xae, 0xb8);
/// Boosts.
pub const BOOST: Color32 = Color32::from_rgb(0xf2, 0xa6, 0x3b);
/// Cuts.
pub const CUT: Color32 = Color32::from_rgb(0x4f, 0xb3, 0xe8);
/// The response curve.
pub const CURVE: Color32 = Color32::from_rgb(0xf5, 0xf0, 0xe6);
/// The proposed Bark Match curve (dashed on the plot), not applied yet.
pub const PROPOSAL: Color32 = Color32::from_rgb(0xc7, 0x8c, 0xf2);
/// The input spectrum (filled).
pub const SPECTRUM_IN: Color32 = Color32::from_rgba_premultiplied(0x3a, 0x42, 0x50, 0xb0);
/// The output spectrum (line).
pub const SPECTRUM_OUT: Color32 = Color32::from_rgb(0x5f, 0xc9, 0x9a);
/// Fader tracks.
pub const TRACK: Color32 = Color32::from_rgb(0x2a, 0x2e, 0x37);
/// Accent of selected buttons.
pub const ACCENT: Color32 = Color32::from_rgb(0x3d, 0x6f, 0x9e);

/// Size of small labels (axes, band names).
pub const SMALL_TEXT: f32 = 10.5;
/// Size of values and button text.
pub const BODY_TEXT: f32 = 12.5;
/// Gains within this distance of 0 dB are shown as neutral.
const NEUTRAL_DB: f32 = 0.05;

/// Colour of a gain: neutral at 0 dB, warm for boosts, cool for cuts.
pub fn gain_color(gain_db: f32) -> Color32 {
    if gain_db > NEUTRAL_DB {
        BOOST
    } else if gain_db < -NEUTRAL_DB {
        CUT
    } else {
        NEUTRAL
    }
}

/// Font for small labels.
pub fn small_font() -> FontId {
    FontId::new(SMALL_TEXT, FontFamily::Proportional)
}

/// Font for values.
pub fn value_font() -> FontId {
    FontId::new(BODY_TEXT, FontFamily::Proportional)
}

/// Sets the dark look of the editor on a context (once, when the window opens).
pub fn apply(ctx: &egui::Context) {
    // Both the dark and the light style, so a light system theme does not undo it.
    ctx.all_styles_mut(|style| {
        style.visuals = egui::Visuals::dark();
        style.visuals.panel_fill = BACKGROUND;
        style.visuals.window_fill = PANEL;
        style.visuals.extreme_bg_color = PANEL;
        style.visuals.selection.bg_fill = ACCENT;
        style.visuals.override_text_color = Some(TEXT);
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(10.0, 4.0);
        for (text_style, size) in [
            (TextStyle::Body, BODY_TEXT),
            (TextStyle::Button, BODY_TEXT),
            (TextStyle::Small, SMALL_TEXT),
            (TextStyle::Heading, 17.0),
        ] {
            style
                .text_styles
                .insert(text_style, FontId::new(size, FontFamily::Proportional));
        }
    });
}
