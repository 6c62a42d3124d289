//! **Load reference** in the background: a profile JSON or an audio file (WAV, FLAC, MP3,
//! OGG/Vorbis, AIFF) is read and analysed by [`bark_eq_audio::read_profile`] — the code
//! `bark-eq match --reference` runs — on a thread of its own, never the audio thread and never
//! the GUI thread. The editor polls the result each frame; the thread asks for a repaint when
//! it is done. The file is typed, or chosen with **Browse…** in the system's file dialog
//! ([`FileDialog`], also off the GUI thread), which fills the path and starts the same read.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use egui::Ui;

use super::file_dialog::{FileDialog, FileFilter, PendingPick, PickOutcome, PickRequest};
use bark_eq_audio::{AUDIO_EXTENSIONS, PROFILE_EXTENSION};
use bark_eq_dsp::profile::Profile;
use bark_eq_dsp::FftSize;

/// The button that loads the typed reference, a profile JSON or an audio file.
pub const LOAD_LABEL: &str = "Load reference";
/// The button that chooses the reference in the system's file dialog.
pub const BROWSE_LABEL: &str = "Browse…";
/// Title of the file dialog.
pub const DIALOG_TITLE: &str = "Load a reference: a profile JSON or an audio file";

/// What the thread hands back: the profile, or one line saying why there is none.
type LoadResult = Result<Profile, String>;

/// A reference being read by a background thread.
#[derive(Clone, Debug)]
pub struct ReferenceLoad {
    /// The file, as typed (trimmed).
    path: String,
    /// Where the thread leaves its result; `None` while it runs.
    result: Arc<Mutex<Option<LoadResult>>>,
}

impl ReferenceLoad {
    /// Starts reading `path` on a new thread, an audio file analysed at `fft_size`; asks
    /// `ctx` for a repaint when done. An empty path, or a thread that cannot start, is an
    /// error at once.
    pub fn start(path: &str, fft_size: FftSize, ctx: &egui::Context) -> Result<Self, String> {
        let path = path.trim().to_string();
        if path.is_empty() {
            return Err("Type the path of a reference: a profile .json or an audio file".into());
        }
        let result = Arc::new(Mutex::new(None));
        let (slot, file, ctx) = (result.clone(), PathBuf::from(&path), ctx.clone());
        std::thread::Builder::new()
            .name("bark-eq-load-reference".to_string())
            .spawn(move || {
                let read = read(&file, fft_size);
                *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(read);
                ctx.request_repaint();
            })
            .map_err(|err| format!("{path}: cannot start reading it ({err})"))?;
        Ok(Self { path, result })
    }

    /// The file being read, as typed.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The result once the thread is done; taken once.
    pub fn take(&self) -> Option<LoadResult> {
        self.result
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }
}

/// The profile in `file`, or one line of error. A decoder that panics on a damaged file
/// is an error too, not a load that never ends.
fn read(file: &Path, fft_size: FftSize) -> LoadResult {
    let read = catch_unwind(AssertUnwindSafe(|| {
        bark_eq_audio::read_profile(file, fft_size)
    }));
    match read {
        Ok(Ok(profile)) => Ok(profile),
        Ok(Err(err)) => Err(err.to_string()),
        Err(_) => Err(format!(
            "{}: the decoder failed on this file (damaged or unsupported)",
            file.display()
        )),
    }
}

/// The filters of the reference dialog: every file it can load (selected at first), profile
/// JSON only, audio only.
pub fn reference_filters() -> Vec<FileFilter> {
    let audio = AUDIO_EXTENSIONS.to_vec();
    let all = std::iter::once(PROFILE_EXTENSION).chain(audio.iter().copied());
    vec![
        FileFilter {
            name: "Profile JSON or audio",
            extensions: all.collect(),
        },
        FileFilter {
            name: "Profile JSON",
            extensions: vec![PROFILE_EXTENSION],
        },
        FileFilter {
            name: "Audio (WAV, FLAC, MP3, OGG, AIFF)",
            extensions: audio,
        },
    ]
}

/// The folder the dialog opens in: the typed path if it is a folder, else its parent if that
/// is one; `None` (the system's choice) for an empty path or a folder that does not exist.
pub fn start_dir(typed: &str) -> Option<PathBuf> {
    let typed = Path::new(typed.trim());
    if typed.as_os_str().is_empty() {
        return None;
    }
    if typed.is_dir() {
        return Some(typed.to_path_buf());
    }
    typed
        .parent()
        .filter(|dir| dir.is_dir())
        .map(Path::to_path_buf)
}

/// The Match panel's reference row: the path field, **Load reference** and **Browse…**, with
/// the dialog and the read in flight.
#[derive(Clone, Debug, Default)]
pub struct ReferenceInput {
    /// The path typed, or chosen in the dialog.
    pub path: String,
    /// The reference being read in the background, if any.
    pub loading: Option<ReferenceLoad>,
    /// The file dialog waited for, if one is open.
    pub picking: Option<PendingPick>,
    /// The dialog **Browse…** opens.
    pub dialog: FileDialog,
}

impl ReferenceInput {
    /// Whether a read or a dialog is in flight (the buttons wait for it).
    pub fn busy(&self) -> bool {
        self.loading.is_some() || self.picking.is_some()
    }

    /// Draws the row; returns the panel's new message, if any.
    pub fn row(&mut self, ui: &mut Ui, fft_size: FftSize) -> Option<String> {
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut self.path)
                    .hint_text("profile .json or audio")
                    .desired_width(150.0),
            );
            let idle = !self.busy();
            let mut message = None;
            if ui
                .add_enabled(idle, egui::Button::new(LOAD_LABEL))
                .on_hover_text(
                    "A profile JSON (bark-eq analyze --json) or an audio file \
                     (WAV, FLAC, MP3, OGG, AIFF), analysed in the background",
                )
                .clicked()
            {
                message = Some(self.load(fft_size, ui.ctx()));
            }
            if ui
                .add_enabled(idle, egui::Button::new(BROWSE_LABEL))
                .on_hover_text("Choose the reference in a file dialog, then load it")
                .clicked()
            {
                message = self.browse(ui.ctx());
            }
            message
        })
        .inner
    }

    /// Starts reading the path; returns the message to show.
    fn load(&mut self, fft_size: FftSize, ctx: &egui::Context) -> String {
        match ReferenceLoad::start(&self.path, fft_size, ctx) {
            Ok(load) => {
                let message = format!("Analysing {}…", load.path());
                self.loading = Some(load);
                message
            }
            Err(err) => err,
        }
    }

    /// Opens the dialog in the folder of the typed path; a message only if it cannot.
    fn browse(&mut self, ctx: &egui::Context) -> Option<String> {
        let request = PickRequest {
            title: DIALOG_TITLE,
            start_dir: start_dir(&self.path),
            filters: reference_filters(),
        };
        match self.dialog.open(request, ctx) {
            Ok(pending) => {
                self.picking = Some(pending);
                None
            }
            Err(err) => Some(err),
        }
    }

    /// Takes the dialog's answer: a chosen file fills the path and starts reading it, as if
    /// typed and loaded; a cancel changes nothing. Returns the panel's new message, if any.
    pub fn take_picked(&mut self, fft_size: FftSize, ctx: &egui::Context) -> Option<String> {
        let outcome = self.picking.as_ref()?.poll();
        if outcome != PickOutcome::Waiting {
            self.picking = None;
        }
        match outcome {
            PickOutcome::Waiting | PickOutcome::Cancelled => None,
            PickOutcome::Failed => {
                Some("The file dialog failed without an answer; type the path instead".into())
            }
            PickOutcome::Chosen(file) => match file.into_os_string().into_string() {
                Ok(path) => {
                    self.path = path;
                    Some(self.load(fft_size, ctx))
                }
                Err(name) => Some(format!(
                    "{}: the name is not valid UTF-8; rename the file",
                    Path::new(&name).display()
                )),
            },
        }
    }
}
