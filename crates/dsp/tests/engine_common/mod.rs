//! Signals, rendering and measurements shared by the engine specification tests.
#![allow(dead_code)]

use bark_eq_dsp::{Engine, EqSettings};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// Uniform white noise in [-0.5, 0.5), reproducible from `seed`.
pub fn white_noise(len: usize, seed: u64) -> Vec<f32> {
    let mut rng = SmallRng::seed_from_u64(seed);
    (0..len).map(|_| rng.random::<f32>() - 0.5).collect()
}

/// A sine of `freq_hz` at `sample_rate_hz` with peak `amplitude`.
pub fn sine(freq_hz: f32, sample_rate_hz: f32, len: usize, amplitude: f32) -> Vec<f32> {
    let step = std::f64::consts::TAU * freq_hz as f64 / sample_rate_hz as f64;
    (0..len)
        .map(|i| (amplitude as f64 * (step * i as f64).sin()) as f32)
        .collect()
}

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

/// Root mean square of `samples`.
pub fn rms(samples: &[f32]) -> f64 {
    let sum: f64 = samples.iter().map(|&x| (x as f64).powi(2)).sum();
    (sum / samples.len().max(1) as f64).sqrt()
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
