//! The Bark EQ engine: plain structs over slices, free of plugin and GUI types, shared by the
//! plugin, the offline renderer and the benchmarks.
//!
//! Modules import downward only, bottom to top: [`math`] and [`kernels`] → [`window`] →
//! [`stft`] → [`bands`] and [`curve`] → [`profile`] → [`settings`] → [`schema`], [`matching`]
//! and [`engine`]. `docs/DESIGN.md` at the
//! repository root describes the architecture and the specification the tests cite.

#![deny(missing_docs)]

pub mod bands;
pub mod compensate;
pub mod curve;
pub mod denormal;
pub mod engine;
pub mod iir;
pub mod kernels;
pub mod loudness;
pub mod matching;
pub mod math;
pub mod output;
pub mod preset;
pub mod profile;
pub mod schema;
pub mod settings;
pub mod signal;
pub mod solo;
pub mod stft;
pub mod window;

pub use bands::{band_centre_hz, band_name, NUM_BANDS};
pub use curve::{fill_gain_curve, gain_db_at, BinLayout, CurveMode};
pub use engine::{Engine, EngineError};
pub use settings::{EqSettings, FftSize};
