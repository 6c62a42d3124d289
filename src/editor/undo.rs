//! Undo and redo of the editor's changes. The history lives in the editor (GUI thread) and
//! never touches the audio thread; restoring a step sets each changed parameter as a host
//! gesture, so automation records undo and redo like any other edit.
//!
//! A step is whatever the editor changed between two moments with no gesture open: a whole
//! fader drag or paint stroke, a click, Flat, a typed value, an A/B switch or copy, a preset.
//! Changes the editor did not make (host automation, a loaded state) are never steps.

use std::collections::VecDeque;

use egui::{Key, Ui};

use super::ab::AbSlots;
use super::setter::{set_values, EditLog, Setter};
use super::shortcut::take_command_key;
use crate::params::BarkEqParams;
use bark_eq_dsp::EqSettings;

/// Steps kept; older ones are forgotten.
pub const MAX_STEPS: usize = 200;
/// Label of the undo button.
pub const UNDO_LABEL: &str = "Undo";
/// Label of the redo button.
pub const REDO_LABEL: &str = "Redo";

/// Everything a step restores: the parameters and the A/B slots.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// Every parameter's value.
    pub settings: EqSettings,
    /// The A/B slots.
    pub ab: AbSlots,
}

impl Snapshot {
    /// The state of `params` now.
    pub fn of(params: &BarkEqParams) -> Self {
        Self {
            settings: params.settings(),
            ab: params.ab.get(),
        }
    }
}

/// The undo and redo stacks.
#[derive(Debug, Default)]
pub struct History {
    /// States before each step, oldest first.
    undo: VecDeque<Snapshot>,
    /// States undone, the most recent last.
    redo: Vec<Snapshot>,
    /// The state after the last step (or as last seen when nothing was edited).
    base: Option<Snapshot>,
    /// The state before the gesture in progress.
    before: Option<Snapshot>,
}

impl History {
    /// Steps that can be undone.
    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }

    /// Steps that can be redone.
    pub fn redo_len(&self) -> usize {
        self.redo.len()
    }

    /// Called at the end of every frame: takes a step when the editor changed something and
    /// no gesture is open any more; otherwise follows the host's changes silently.
    pub fn end_frame(&mut self, params: &BarkEqParams, log: &EditLog) {
        let current = Snapshot::of(params);
        if log.gesture_open() {
            if self.before.is_none() {
                self.before = self.base.clone();
            }
            return;
        }
        if log.touched() {
            let before = self.before.take().or_else(|| self.base.clone());
            if let Some(before) = before.filter(|before| *before != current) {
                self.undo.push_back(before);
                if self.undo.len() > MAX_STEPS {
                    self.undo.pop_front();
                }
                self.redo.clear();
            }
            log.clear_touched();
        }
        self.before = None;
        self.base = Some(current);
    }

    /// Restores the state before the last step.
    pub fn undo(&mut self, params: &BarkEqParams, setter: &Setter) {
        if let Some(target) = self.undo.pop_back() {
            self.redo.push(Snapshot::of(params));
            self.restore(params, setter, target);
        }
    }

    /// Restores the state the last undo left.
    pub fn redo(&mut self, params: &BarkEqParams, setter: &Setter) {
        if let Some(target) = self.redo.pop() {
            self.undo.push_back(Snapshot::of(params));
            self.restore(params, setter, target);
        }
    }

    /// Sets `target` as gestures; the change is not a new step.
    fn restore(&mut self, params: &BarkEqParams, setter: &Setter, target: Snapshot) {
        set_values(params, setter, &target.settings, |_| true);
        params.ab.store(target.ab.clone());
        setter.log().clear_touched();
        self.before = None;
        self.base = Some(target);
    }
}

/// What the keyboard asks of the history this frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryKey {
    /// Ctrl+Z or Cmd+Z.
    Undo,
    /// Ctrl+Shift+Z, Cmd+Shift+Z or Ctrl+Y.
    Redo,
}

/// Ctrl/Cmd+Z and Ctrl/Cmd+Shift+Z (or Ctrl+Y) pressed this frame, consumed.
pub fn history_key(ui: &Ui) -> Option<HistoryKey> {
    take_command_key(ui, |key, modifiers| match key {
        Key::Z if modifiers.shift => Some(HistoryKey::Redo),
        Key::Z => Some(HistoryKey::Undo),
        Key::Y => Some(HistoryKey::Redo),
        _ => None,
    })
}
