//! "Zero latency" phase mode: the 25-band smooth curve as a minimum-phase parallel IIR bank.
//!
//! # Structure and why
//! A high-precision **parallel** graphic EQ after Rämö, Välimäki & Bank (2014): fixed poles
//! (three per interval between band centres, plus a few beyond each end: 77–80 sections), each
//! realised as a complex one-pole state `s ← p·s + x` (the coupled form of a second-order
//! section), and the output `y = d·x + Σ (a_k·Re s_k + b_k·Im s_k)`. Because the poles depend
//! only on the sample rate:
//! * the solve is a fixed sequence of small matrix–vector products with precomputed matrices
//!   (pseudo-inverse, target bases, a correction map) plus `exp`/`ln` at ~110 points; no
//!   allocation, ~5 µs;
//! * gliding is trivially safe: the section states do not depend on the weights, so the weights
//!   ramp linearly per sample and no transient or instability can arise;
//! * sections are independent, so 8 of them run in the lanes of one SIMD register (AVX2 + FMA
//!   selected at run time, portable fallback). A cascade of ~80 biquads would be latency-bound;
//! * the fit is made directly on the unit circle (no bilinear transform), so there is no
//!   cramping near Nyquist: 44.1 kHz is as accurate as 192 kHz.
//!
//! Measured (see `examples/accuracy.rs`): two poles per interval (Rämö et al.'s density) gave
//! 2.8 dB worst error on the ±12 dB zigzag; three per interval plus one log-magnitude
//! correction pass gives ≤ 0.4 dB at all centres and midpoints for 200 random settings and the
//! presets at 44.1–192 kHz (RMS 0.03 dB). Between those points the response may deviate more
//! near sharp corners of the target (dense-grid RMS ≈ 0.3 dB, worst ≈ 2.8 dB at 48 kHz).
//!
//! # Contract with the engine
//! Gains are **not** smoothed by the engine: call `solve` when gains move (at most once per
//! block) and `set_target` with the result; the filter glides there over [`GLIDE_TIME_S`]
//! (restarting from the current position at every `set_target`).
//!
//! # Numerics
//! * All-zero gains give exactly `d = 1` and zero weights (the solve works on target − 1), so
//!   "flat" is a bit-exact unit impulse, whatever the section states hold.
//! * Section states below [`STATE_FLUSH_THRESHOLD`] (≈ −200 dBFS) are set to exactly 0 after
//!   every 64-sample sub-block, so silence brings the state to exactly 0 within 1 s and no
//!   denormals linger (the caller still sets flush-to-zero).
//! * Processing is f32. The noise floor against an f64 reference is exact at flat; with
//!   extreme settings it is −100 dB (worst, 192 kHz zigzag) to −140 dB relative to the input.

pub mod accuracy;
mod build;
mod complex;
mod design;
mod fastmath;
mod filter;
mod hilbert;
mod kernel;
mod layout;
mod linalg;
mod matvec;
mod solve;
#[cfg(test)]
mod tests;

pub use design::{ZeroLatencyCoeffs, ZeroLatencyDesign};
pub use filter::{ZeroLatencyFilter, MAX_CHANNELS, STATE_FLUSH_THRESHOLD};
pub use solve::CORRECTION_PASSES;

/// Sections per SIMD chunk.
pub const LANES: usize = 8;
/// Most chunks a design can use.
pub const MAX_CHUNKS: usize = 10;
/// Most sections a design can use.
pub const MAX_SECTIONS: usize = LANES * MAX_CHUNKS;
/// Time over which the filter glides to a new coefficient set, in seconds.
pub const GLIDE_TIME_S: f32 = 0.02;

/// One SIMD chunk: a value per section lane.
pub type Lane = [f32; LANES];
