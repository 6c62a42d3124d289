//! The DSP engine: plain structs over slices, free of plugin types, shared by the plugin,
//! the offline renderer and the benchmarks.

pub mod bands;
pub mod curve;
pub mod denormal;
pub mod engine;
pub mod kernels;
pub mod settings;
pub mod stft;

pub use bands::{band_centre_hz, band_name, NUM_BANDS};
pub use curve::{fill_gain_curve, gain_db_at, BinLayout, CurveMode};
pub use engine::{Engine, EngineError};
pub use settings::{EqSettings, FftSize};
