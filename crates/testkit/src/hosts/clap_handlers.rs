//! The CLAP host's side for the tests: the plugin entry, loaded once per process, and the host
//! handlers that answer and record the plugin's callbacks.

use std::cell::{Cell, RefCell};
use std::ffi::CStr;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::OnceLock;

use clack_extensions::latency::{HostLatency, HostLatencyImpl};
use clack_extensions::params::{
    HostParams, HostParamsImplMainThread, HostParamsImplShared, ParamClearFlags, ParamRescanFlags,
};
use clack_extensions::state::{HostState, HostStateImpl};
use clack_host::prelude::*;

/// The plugin's CLAP ID.
pub const PLUGIN_ID: &CStr = c"io.github.bark-eq.bark-eq";

/// The plugin's entry, loaded and initialised once for the whole test process.
pub fn entry() -> PluginEntry {
    static ENTRY: OnceLock<PluginEntry> = OnceLock::new();
    ENTRY
        .get_or_init(|| {
            super::pin_plugin_library();
            // SAFETY: the path is the plugin built from this crate, a CLAP library.
            unsafe { PluginEntry::load(super::plugin_library_path()) }
                .expect("clap_entry loads and initialises")
        })
        .clone()
}

/// The host's handler types.
pub struct TestHost;

/// Callbacks the plugin may make from any thread, counted.
#[derive(Default)]
pub struct HostShared {
    /// `request_restart` calls.
    pub restart_requests: AtomicU32,
    /// Set by `request_callback`, cleared when the host runs `on_main_thread`.
    pub callback_requested: AtomicBool,
}

impl SharedHandler<'_> for HostShared {
    fn request_restart(&self) {
        self.restart_requests.fetch_add(1, Ordering::SeqCst);
    }

    fn request_process(&self) {}

    fn request_callback(&self) {
        self.callback_requested.store(true, Ordering::SeqCst);
    }
}

impl HostParamsImplShared for HostShared {
    fn request_flush(&self) {}
}

/// Main-thread callbacks, recorded.
#[derive(Default)]
pub struct HostMainThread {
    /// `latency.changed` calls.
    pub latency_changes: Cell<u32>,
    /// `latency.changed` calls made while the host was not inside `activate` (a CLAP error).
    pub latency_changes_outside_activate: Cell<u32>,
    /// Whether the host is inside `clap_plugin::activate`.
    pub activating: Cell<bool>,
    /// Flags of every `params.rescan` call.
    pub param_rescans: RefCell<Vec<ParamRescanFlags>>,
}

impl MainThreadHandler<'_> for HostMainThread {}

impl HostLatencyImpl for HostMainThread {
    fn changed(&self) {
        self.latency_changes.set(self.latency_changes.get() + 1);
        if !self.activating.get() {
            let outside = &self.latency_changes_outside_activate;
            outside.set(outside.get() + 1);
        }
    }
}

impl HostParamsImplMainThread for HostMainThread {
    fn rescan(&self, flags: ParamRescanFlags) {
        self.param_rescans.borrow_mut().push(flags);
    }

    fn clear(&self, _param_id: ClapId, _flags: ParamClearFlags) {}
}

impl HostStateImpl for HostMainThread {
    fn mark_dirty(&self) {}
}

impl HostHandlers for TestHost {
    type Shared<'a> = HostShared;
    type MainThread<'a> = HostMainThread;
    type AudioProcessor<'a> = ();

    fn declare_extensions(builder: &mut HostExtensions<Self>, _shared: &Self::Shared<'_>) {
        builder
            .register::<HostLatency>()
            .register::<HostParams>()
            .register::<HostState>();
    }
}
