//! Bark EQ as a desktop application: the plugin and its editor without a DAW, on nice-plug's
//! standalone wrapper. `--help` lists the audio options; `--backend dummy` needs no audio device.
//!
//! `--demo` (an option of this binary only) starts with a shaped curve and plays pink noise
//! into the plugin, so the analyzer has something to show without an input device; the
//! screenshot script uses it. The plugin itself knows nothing of it.

mod demo;

use bark_eq::BarkEq;
use nice_plug::prelude::nice_export_standalone_with_args;

/// The option that selects the demo.
const DEMO_FLAG: &str = "--demo";

fn main() {
    let mut args: Vec<String> = std::env::args().collect();
    let demo = match args.iter().position(|arg| arg == DEMO_FLAG) {
        Some(index) => {
            args.remove(index);
            true
        }
        None => false,
    };
    let ok = if demo {
        nice_export_standalone_with_args::<demo::DemoBarkEq, _>(args)
    } else {
        nice_export_standalone_with_args::<BarkEq, _>(args)
    };
    std::process::exit(if ok { 0 } else { 1 });
}
