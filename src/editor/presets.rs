//! Presets: a few factory presets that show what the EQ is for, and user presets saved to and
//! loaded from a per-user folder, in the JSON format of `bark-eq preset`
//! (`bark_eq_dsp::preset`, one schema): a preset made on the command line opens here and back.
//!
//! Loading sets the preset's values as host gestures (one undo step). Bands, output and curve
//! a preset leaves out go to their defaults; the other settings it leaves out stay, and bypass
//! is never loaded. A corrupt or foreign file is refused with a message, and nothing changes.
//! Files are chosen from a list in the menu (no system file dialog: it would need a desktop
//! portal or GTK, which plugin hosts and headless CI lack).

use std::path::{Path, PathBuf};

use egui::{RichText, Ui};

use super::setter::{set_values, Setter};
use super::theme;
use crate::params::BarkEqParams;
use bark_eq_dsp::preset;
use bark_eq_dsp::schema::ParamId;
use bark_eq_dsp::EqSettings;

/// Label of the presets menu.
pub const PRESETS_LABEL: &str = "Presets";
/// Label of the save button in the menu.
pub const SAVE_LABEL: &str = "Save";
/// Extension of preset files.
pub const EXTENSION: &str = "json";
/// Larger files are refused unread (a preset is about 1 kB).
const MAX_FILE_BYTES: u64 = 64 * 1024;

/// Factory presets: name and JSON (the same format as user presets).
pub const FACTORY: [(&str, &str); 6] = [
    ("Flat", "{}"),
    (
        "Telephone",
        r#"{"band_1": -12, "band_2": -12, "band_3": -12, "band_4": -6, "band_10": 2, "band_11": 3,
            "band_12": 3, "band_13": 2, "band_17": -3, "band_18": -9, "band_19": -12, "band_20": -12,
            "band_21": -12, "band_22": -12, "band_23": -12, "band_24": -12, "band_25": -12}"#,
    ),
    (
        "Presence",
        r#"{"band_14": 1.5, "band_15": 3, "band_16": 4, "band_17": 4, "band_18": 3, "band_19": 1.5}"#,
    ),
    (
        "Air",
        r#"{"band_21": 0.5, "band_22": 1.5, "band_23": 3, "band_24": 4.5, "band_25": 6}"#,
    ),
    (
        "De-mud",
        r#"{"band_2": -1, "band_3": -2, "band_4": -4, "band_5": -4, "band_6": -3, "band_7": -1.5}"#,
    ),
    (
        "Loudness contour (quiet listening)",
        r#"{"band_1": 9, "band_2": 6, "band_3": 3.5, "band_4": 2, "band_5": 1, "band_17": -1,
            "band_18": -1, "band_22": 1, "band_23": 2, "band_24": 3, "band_25": 4}"#,
    ),
];

/// The per-user preset folder: `$XDG_CONFIG_HOME/bark-eq/presets` (or `~/.config/…`) on
/// Linux, `%APPDATA%\bark-eq\presets` on Windows, `~/Library/Application Support/bark-eq/
/// presets` on macOS. `None` when the environment names no home.
pub fn user_dir() -> Option<PathBuf> {
    let env = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = if cfg!(windows) {
        env("APPDATA")?
    } else if cfg!(target_os = "macos") {
        env("HOME")?.join("Library/Application Support")
    } else {
        env("XDG_CONFIG_HOME").or_else(|| env("HOME").map(|h| h.join(".config")))?
    };
    Some(base.join("bark-eq").join("presets"))
}

/// The settings a preset text leads to from `current`, or why it is refused.
pub fn settings_from_text(text: &str, current: &EqSettings) -> Result<EqSettings, String> {
    let preset = preset::parse(text)?;
    let defaults = EqSettings::default();
    let mut target = EqSettings {
        band_gains_db: defaults.band_gains_db,
        output_gain_db: defaults.output_gain_db,
        curve_mode: defaults.curve_mode,
        ..*current
    };
    preset.apply_to(&mut target);
    target.bypass = current.bypass;
    Ok(target)
}

/// Sets a preset's values as gestures; a refused text changes nothing.
pub fn load_text(params: &BarkEqParams, setter: &Setter, text: &str) -> Result<(), String> {
    let target = settings_from_text(text, &params.settings())?;
    set_values(params, setter, &target, |p| p != ParamId::Bypass);
    Ok(())
}

/// Reads a preset file (refusing huge ones unread).
pub fn read_file(path: &Path) -> Result<String, String> {
    let size = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
    if size > MAX_FILE_BYTES {
        return Err(format!("{size} bytes is too large for a preset"));
    }
    std::fs::read_to_string(path).map_err(|e| e.to_string())
}

/// The user presets in `dir`, by name, sorted.
pub fn list(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == EXTENSION))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names
}

/// A file name from what the user typed: letters, digits, space, '-' and '_' only.
pub fn file_name(name: &str) -> Option<String> {
    let cleaned: String = name
        .trim()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .collect();
    (!cleaned.trim().is_empty()).then(|| format!("{}.{EXTENSION}", cleaned.trim()))
}

/// Writes the current settings as a preset named `name` in `dir`.
pub fn save(dir: &Path, name: &str, settings: &EqSettings) -> Result<PathBuf, String> {
    let file = file_name(name).ok_or("type a name for the preset first")?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join(file);
    std::fs::write(&path, preset::to_json(settings))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// The presets menu's state between frames.
#[derive(Debug, Default)]
pub struct PresetBrowser {
    /// The user folder (tests use their own).
    pub dir: Option<PathBuf>,
    /// Name typed for saving.
    pub name: String,
    /// The last outcome, shown beside the menu.
    pub message: Option<String>,
}

impl PresetBrowser {
    /// A browser of `dir`.
    pub fn new(dir: Option<PathBuf>) -> Self {
        Self {
            dir,
            ..Self::default()
        }
    }

    /// The presets menu.
    pub fn menu(&mut self, ui: &mut Ui, params: &BarkEqParams, setter: &Setter) {
        super::tools::sticky_menu(ui, PRESETS_LABEL, |ui| {
            ui.label(RichText::new("Factory").color(theme::TEXT_DIM));
            for (name, text) in FACTORY {
                if ui.button(name).clicked() {
                    self.report(name, load_text(params, setter, text));
                    ui.close();
                }
            }
            ui.separator();
            ui.label(RichText::new("User").color(theme::TEXT_DIM));
            let Some(dir) = self.dir.clone() else {
                ui.label("No user folder (HOME is not set)");
                return;
            };
            for name in list(&dir) {
                if ui.button(&name).clicked() {
                    let path = dir.join(format!("{name}.{EXTENSION}"));
                    let outcome = read_file(&path).and_then(|t| load_text(params, setter, &t));
                    self.report(&name, outcome);
                    ui.close();
                }
            }
            ui.horizontal(|ui| {
                ui.add(
                    egui::TextEdit::singleline(&mut self.name)
                        .hint_text("Name")
                        .desired_width(120.0),
                );
                if ui.button(SAVE_LABEL).clicked() {
                    self.message = Some(match save(&dir, &self.name, &params.settings()) {
                        Ok(path) => format!("Saved {}", path.display()),
                        Err(reason) => reason,
                    });
                }
            });
            ui.label(
                RichText::new(dir.display().to_string())
                    .small()
                    .color(theme::TEXT_DIM),
            );
        });
        if let Some(message) = &self.message {
            ui.label(RichText::new(message).color(theme::TEXT_DIM));
        }
    }

    /// Notes the outcome of loading `name`.
    fn report(&mut self, name: &str, outcome: Result<(), String>) {
        self.message = Some(match outcome {
            Ok(()) => format!("Loaded {name}"),
            Err(reason) => format!("Refused {name}: {reason}"),
        });
    }
}
