//! **Load reference** in the background: a profile JSON or an audio file (WAV, FLAC, MP3,
//! OGG/Vorbis, AIFF) is read and analysed by [`bark_eq_audio::read_profile`] — the code
//! `bark-eq match --reference` runs — on a thread of its own, never the audio thread and never
//! the GUI thread. The editor polls the result each frame; the thread asks for a repaint when
//! it is done.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use bark_eq_dsp::profile::Profile;
use bark_eq_dsp::FftSize;

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
