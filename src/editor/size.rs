//! The editor window size, saved with the plugin state so a project reopens the editor at the
//! size the user left it.
//!
//! nice-plug-egui 0.6's `EguiEditorState` is not serializable and has no size setter, so the size
//! lives here as a persisted field of the parameters; the editor asks for it when it opens.

use std::sync::atomic::{AtomicU32, Ordering};

use nice_plug::params::persist::PersistentField;
use serde::{Deserialize, Serialize};

/// Key of the size in the plugin state's persisted fields.
pub const EDITOR_SIZE_KEY: &str = "editor-size";
/// Width of a new editor window in logical pixels.
pub const DEFAULT_WIDTH: u32 = 900;
/// Height of a new editor window in logical pixels.
pub const DEFAULT_HEIGHT: u32 = 480;
/// Smallest window the layout stays legible in.
pub const MIN_WIDTH: u32 = 640;
/// Smallest window height the layout stays legible in.
pub const MIN_HEIGHT: u32 = 360;
/// Largest accepted width (8K); larger values in a state are clamped.
pub const MAX_WIDTH: u32 = 7680;
/// Largest accepted height (8K).
pub const MAX_HEIGHT: u32 = 4320;

/// A window size in logical pixels, as stored in the plugin state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditorSize {
    /// Width in logical pixels.
    pub width: u32,
    /// Height in logical pixels.
    pub height: u32,
}

impl Default for EditorSize {
    fn default() -> Self {
        Self {
            width: DEFAULT_WIDTH,
            height: DEFAULT_HEIGHT,
        }
    }
}

impl EditorSize {
    /// Builds a size from floating-point logical pixels, limited to the accepted range.
    pub fn from_logical(width: f64, height: f64) -> Self {
        Self {
            width: clamp_dimension(width, MIN_WIDTH, MAX_WIDTH),
            height: clamp_dimension(height, MIN_HEIGHT, MAX_HEIGHT),
        }
    }

    /// The same size limited to the accepted range (a state may hold anything).
    pub fn clamped(self) -> Self {
        Self::from_logical(f64::from(self.width), f64::from(self.height))
    }
}

/// Rounds and limits one dimension; non-finite values give the minimum.
fn clamp_dimension(value: f64, min: u32, max: u32) -> u32 {
    if value.is_finite() {
        value.round().clamp(f64::from(min), f64::from(max)) as u32
    } else {
        min
    }
}

/// The persisted size: two atomics, written by the GUI thread when the window is resized and by
/// the state loader, read when the editor opens.
#[derive(Debug)]
pub struct EditorSizeState {
    /// Width in logical pixels.
    width: AtomicU32,
    /// Height in logical pixels.
    height: AtomicU32,
}

impl Default for EditorSizeState {
    fn default() -> Self {
        let size = EditorSize::default();
        Self {
            width: AtomicU32::new(size.width),
            height: AtomicU32::new(size.height),
        }
    }
}

impl EditorSizeState {
    /// The stored size.
    pub fn get(&self) -> EditorSize {
        EditorSize {
            width: self.width.load(Ordering::Relaxed),
            height: self.height.load(Ordering::Relaxed),
        }
    }

    /// Stores a size, limited to the accepted range.
    pub fn store(&self, size: EditorSize) {
        let size = size.clamped();
        self.width.store(size.width, Ordering::Relaxed);
        self.height.store(size.height, Ordering::Relaxed);
    }
}

impl PersistentField<'_, EditorSize> for EditorSizeState {
    fn set(&self, new_value: EditorSize) {
        self.store(new_value);
    }

    fn map<F, R>(&self, f: F) -> R
    where
        F: Fn(&EditorSize) -> R,
    {
        f(&self.get())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_from_a_state_are_limited() {
        let state = EditorSizeState::default();
        assert_eq!(state.get(), EditorSize::default());
        state.set(EditorSize {
            width: 0,
            height: u32::MAX,
        });
        assert_eq!(
            state.get(),
            EditorSize {
                width: MIN_WIDTH,
                height: MAX_HEIGHT
            }
        );
        assert_eq!(EditorSize::from_logical(f64::NAN, 1000.4).height, 1000);
        assert_eq!(EditorSize::from_logical(f64::NAN, 1000.0).width, MIN_WIDTH);
    }
}
