//! Signals, rendering and measurements shared by the engine specification tests.
#![allow(dead_code, unused_imports)]

use bark_eq_dsp::{Engine, EqSettings};
pub use bark_eq_testkit::{mono_white_noise, rms, sine};

/// A new engine at `sample_rate_hz` with `settings` applied and settled (no smoothing ramp).
pub fn engine_with(sample_rate_hz: f32, num_channels: usize, settings: &EqSettings) -> Engine {
    Engine::new(sample_rate_hz, num_channels, settings).expect("supported rate")
}

/// Runs `input` (one Vec per channel) through `engine` in host blocks of the given sizes,
/// cycling through `block_sizes`; returns the output.
pub fn render_blocks(
    engine: &mut Engine,
    input: &[Vec<f32>],
    block_sizes: &[usize],
) -> Vec<Vec<f32>> {
    let mut output: Vec<Vec<f32>> = input.to_vec();
    let len = input[0].len();
    let mut start = 0;
    let mut sizes = block_sizes.iter().cycle();
    while start < len {
        let end = (start + sizes.next().copied().unwrap_or(len)).min(len);
        let mut slices: Vec<&mut [f32]> = output.iter_mut().map(|c| &mut c[start..end]).collect();
        engine.process(&mut slices);
        start = end;
    }
    output
}

/// Runs `input` through `engine` in blocks of 512.
pub fn render(engine: &mut Engine, input: &[Vec<f32>]) -> Vec<Vec<f32>> {
    render_blocks(engine, input, &[512])
}

/// Level of `output[from..to]` relative to `input[from - delay..to - delay]` in dB.
pub fn gain_db(input: &[f32], output: &[f32], delay: usize, from: usize, to: usize) -> f64 {
    20.0 * (rms(&output[from..to]) / rms(&input[from - delay..to - delay])).log10()
}

/// Largest |output[i] - expected(input[i - delay])| over `from..len`.
pub fn max_delayed_error(input: &[f32], output: &[f32], delay: usize, gain: f32) -> f32 {
    output
        .iter()
        .enumerate()
        .map(|(i, &y)| {
            let x = if i >= delay { input[i - delay] } else { 0.0 };
            (y - gain * x).abs()
        })
        .fold(0.0, f32::max)
}
