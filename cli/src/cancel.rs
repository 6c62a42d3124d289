//! Ctrl-C: the first press stops every render at its next block (each deletes its temporary
//! file); a second press deletes the temporary files still registered and exits at once.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Exit code after an interrupt (128 + SIGINT, as shells report it).
pub const INTERRUPTED_EXIT_CODE: i32 = 130;

/// Set by the first Ctrl-C.
static CANCELLED: AtomicBool = AtomicBool::new(false);
/// Temporary output files that exist right now.
static TEMP_FILES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Installs the Ctrl-C handler (once per process).
pub fn install_handler() -> Result<(), ctrlc::Error> {
    ctrlc::set_handler(|| {
        if CANCELLED.swap(true, Ordering::SeqCst) {
            remove_all_temp_files();
            std::process::exit(INTERRUPTED_EXIT_CODE);
        }
        eprintln!(
            "\ninterrupted: stopping, removing unfinished outputs (Ctrl-C again to quit now)"
        );
    })
}

/// Whether Ctrl-C was pressed.
pub fn is_cancelled() -> bool {
    CANCELLED.load(Ordering::Relaxed)
}

/// A temporary file listed for removal on a forced exit; unlisted when dropped.
pub struct TempFileGuard {
    /// The registered path.
    path: PathBuf,
}

impl TempFileGuard {
    /// Registers `path`.
    pub fn new(path: &Path) -> Self {
        lock().push(path.to_path_buf());
        Self {
            path: path.to_path_buf(),
        }
    }
}

impl Drop for TempFileGuard {
    fn drop(&mut self) {
        let mut files = lock();
        if let Some(index) = files.iter().position(|p| *p == self.path) {
            files.swap_remove(index);
        }
    }
}

/// The registry, usable even if a thread panicked while holding it.
fn lock() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    TEMP_FILES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Deletes every registered temporary file (best effort).
fn remove_all_temp_files() {
    for path in lock().drain(..) {
        let _ = std::fs::remove_file(path);
    }
}
