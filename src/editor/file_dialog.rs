//! The system's file dialog (rfd), never on the GUI thread's time: [`FileDialog::open`] starts
//! it and returns at once with a [`PendingPick`] the editor polls each frame; the dialog's
//! thread sends the chosen file, or nothing for a cancel, through a [`PickSender`] and asks
//! for a repaint. The dialog itself is one thin function, `system_dialog`; tests put a
//! stand-in in its place and send through the same channel.

use std::fmt;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, Mutex, PoisonError};

/// One filter of the dialog: a name and the extensions it shows (without the dot).
#[derive(Clone, Debug, PartialEq)]
pub struct FileFilter {
    /// Name shown in the dialog.
    pub name: &'static str,
    /// Extensions of the files it shows.
    pub extensions: Vec<&'static str>,
}

/// What a dialog is asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct PickRequest {
    /// Title of the dialog.
    pub title: &'static str,
    /// The folder it opens in, if any.
    pub start_dir: Option<PathBuf>,
    /// Its filters, the first one selected.
    pub filters: Vec<FileFilter>,
}

/// What the dialog's thread sends: the chosen file, or `None` for a cancel.
type Picked = Option<PathBuf>;

/// The dialog's end of the channel: sends the outcome once and wakes the editor.
pub struct PickSender {
    /// Where the outcome goes.
    sender: Sender<Picked>,
    /// The editor to repaint, so it takes the outcome without waiting for input.
    ctx: egui::Context,
}

impl PickSender {
    /// Sends the chosen file (`None`: cancelled). A dropped [`PendingPick`] is not an error.
    pub fn send(self, picked: Picked) {
        let _ = self.sender.send(picked);
        self.ctx.request_repaint();
    }
}

/// What a poll of a [`PendingPick`] finds.
#[derive(Clone, Debug, PartialEq)]
pub enum PickOutcome {
    /// The dialog is still open.
    Waiting,
    /// This file was chosen.
    Chosen(PathBuf),
    /// The dialog was cancelled.
    Cancelled,
    /// The dialog's thread ended without an answer (it failed).
    Failed,
}

/// A dialog the editor waits for.
#[derive(Clone)]
pub struct PendingPick {
    /// The editor's end of the channel (behind a lock only because egui's memory wants `Sync`;
    /// only the GUI thread takes it).
    receiver: Arc<Mutex<Receiver<Picked>>>,
}

impl fmt::Debug for PendingPick {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PendingPick")
    }
}

impl PendingPick {
    /// A pick and the sender that answers it, repainting `ctx` when it does.
    pub fn channel(ctx: &egui::Context) -> (Self, PickSender) {
        let (sender, receiver) = mpsc::channel();
        let pending = Self {
            receiver: Arc::new(Mutex::new(receiver)),
        };
        let ctx = ctx.clone();
        (pending, PickSender { sender, ctx })
    }

    /// The outcome, once the dialog has one; [`PickOutcome::Waiting`] until then.
    pub fn poll(&self) -> PickOutcome {
        let receiver = self.receiver.lock().unwrap_or_else(PoisonError::into_inner);
        match receiver.try_recv() {
            Ok(Some(path)) => PickOutcome::Chosen(path),
            Ok(None) => PickOutcome::Cancelled,
            Err(TryRecvError::Empty) => PickOutcome::Waiting,
            Err(TryRecvError::Disconnected) => PickOutcome::Failed,
        }
    }
}

/// Shows a dialog for a request and hands the sender to whatever answers it; an error is one
/// line saying why no dialog could be shown.
type OpenFn = dyn Fn(PickRequest, PickSender) -> Result<(), String> + Send + Sync;

/// The dialog **Browse…** opens: the system's (rfd's, in `system_dialog`) unless a test puts a
/// stand-in in its place.
#[derive(Clone)]
pub struct FileDialog(Arc<OpenFn>);

impl Default for FileDialog {
    fn default() -> Self {
        Self(Arc::new(system_dialog))
    }
}

impl fmt::Debug for FileDialog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FileDialog")
    }
}

impl FileDialog {
    /// A dialog shown by `open`, which must return at once and answer through the sender.
    pub fn new(
        open: impl Fn(PickRequest, PickSender) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        Self(Arc::new(open))
    }

    /// Opens the dialog for `request`; returns the pick to poll, or why there is no dialog.
    pub fn open(&self, request: PickRequest, ctx: &egui::Context) -> Result<PendingPick, String> {
        let (pending, sender) = PendingPick::channel(ctx);
        (self.0)(request, sender)?;
        Ok(pending)
    }
}

/// The system's file dialog. The dialog is built on the calling (GUI) thread, as rfd asks for
/// macOS (there it starts a sheet at once and returns); a thread of its own waits for the
/// answer, so the GUI never does. On Linux and Windows rfd shows the dialog from a thread of
/// its own, started when that thread first polls it.
fn system_dialog(request: PickRequest, sender: PickSender) -> Result<(), String> {
    let mut dialog = rfd::AsyncFileDialog::new().set_title(request.title);
    for filter in &request.filters {
        dialog = dialog.add_filter(filter.name, &filter.extensions);
    }
    if let Some(dir) = &request.start_dir {
        dialog = dialog.set_directory(dir);
        // rfd's zenity fallback (no desktop portal) ignores the directory but opens where the
        // file name points; the portal, which takes the directory, ignores the name when opening.
        #[cfg(any(
            target_os = "linux",
            target_os = "freebsd",
            target_os = "dragonfly",
            target_os = "netbsd",
            target_os = "openbsd"
        ))]
        {
            dialog = dialog.set_file_name(format!("{}/", dir.display()));
        }
    }
    let answer = dialog.pick_file();
    std::thread::Builder::new()
        .name("bark-eq-file-dialog".to_string())
        .spawn(move || {
            let picked = pollster::block_on(answer).map(|file| file.path().to_path_buf());
            sender.send(picked);
        })
        .map(drop)
        .map_err(|err| format!("cannot open the file dialog ({err}); type the path instead"))
}
