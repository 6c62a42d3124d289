//! The one dev-only test kit of Bark EQ: reproducible test signals ([`signals`]), the
//! comparisons tests assert ([`measure`]), WAV files of them ([`wav`]) and, with the `hosts`
//! feature, the small CLAP and VST3 hosts that load the built plugin (`hosts`). Used by the engine, plugin, editor and
//! CLI tests and by the benchmarks, so every test signal is made one way.

pub mod loudness;
pub mod measure;
pub mod music;
pub mod signals;
pub mod wav;

#[cfg(feature = "hosts")]
pub mod hosts;

pub use loudness::*;
pub use measure::*;
pub use music::music;
pub use signals::*;
