//! Small CLAP and VST3 hosts that load the plugin library `cargo test` built, as a DAW does.

pub mod clap_handlers;
pub mod clap_session;
pub mod vst3_objects;
pub mod vst3_session;

use std::path::PathBuf;
use std::sync::OnceLock;

/// The plugin's cdylib as `cargo test` builds it: next to the test executable in
/// `target/<profile>/deps/` (`cargo test` does not copy it up a level).
pub fn plugin_library_path() -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable has a path");
    let deps = exe.parent().expect("the test executable sits in a folder");
    let name = format!(
        "{}bark_eq{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    let path = deps.join(name);
    assert!(
        path.is_file(),
        "plugin library not found at {} (cargo test builds it there)",
        path.display()
    );
    path
}

/// The plugin library, opened once more and never closed. When the last host handle is dropped
/// while other test threads that ran plugin code are still alive, they crash at thread exit if
/// the library was unloaded (see shared/HOSTING-NOTES.md).
pub fn pin_plugin_library() -> &'static libloading::Library {
    static LIBRARY: OnceLock<libloading::Library> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        // SAFETY: loading the plugin runs no initialiser with preconditions; the handle lives
        // in a static and is never closed.
        unsafe { libloading::Library::new(plugin_library_path()) }
            .expect("the plugin library loads")
    })
}

/// nice-plug's CLAP and VST3 parameter ID: a 31-bit Java-style string hash of the string ID
/// (`nice_plug::wrapper::util::hash_param_id`). Saved projects depend on these numbers.
pub fn host_param_id(string_id: &str) -> u32 {
    let hash = string_id.bytes().fold(0u32, |hash, byte| {
        hash.wrapping_mul(31).wrapping_add(byte as u32)
    });
    hash & !(1 << 31)
}
