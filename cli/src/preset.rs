//! Presets: the JSON format of `bark_eq_dsp::preset` (shared with the plugin's editor), read
//! from files with the CLI's typed error.

use std::path::Path;

pub use bark_eq_dsp::preset::{band_of_id, parse, to_json, Preset};

use crate::error::CliError;

/// Reads and validates a preset file.
pub fn load(path: &Path) -> Result<Preset, CliError> {
    let error = |reason: String| CliError::Preset {
        path: path.to_path_buf(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
    parse(&text).map_err(error)
}
