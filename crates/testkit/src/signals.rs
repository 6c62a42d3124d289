//! Reproducible test signals. Argument order everywhere: seed or frequency first, then the
//! shape, then the length in samples.

use bark_eq_dsp::signal::PinkNoise;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// `channels` channels of `len` samples of uniform white noise in ±0.5, reproducible from
/// `seed`, different in every channel.
pub fn white_noise(seed: u64, channels: usize, len: usize) -> Vec<Vec<f32>> {
    let mut rng = SmallRng::seed_from_u64(seed);
    (0..channels)
        .map(|_| (0..len).map(|_| rng.random_range(-0.5..0.5)).collect())
        .collect()
}

/// One channel of [`white_noise`].
pub fn mono_white_noise(seed: u64, len: usize) -> Vec<f32> {
    white_noise(seed, 1, len).remove(0)
}

/// `len` samples of pink noise (−3 dB per octave) with an RMS of about `rms`, reproducible from
/// `seed`: the product's own generator ([`PinkNoise`]).
pub fn pink_noise(seed: u64, rms: f32, len: usize) -> Vec<f32> {
    let mut noise = PinkNoise::new(seed);
    (0..len).map(|_| noise.next_unit() * rms).collect()
}

/// A sine of `freq_hz` and peak `amplitude` at `rate_hz`, `len` samples, starting at phase 0.
pub fn sine(
    freq_hz: impl Into<f64>,
    rate_hz: impl Into<f64>,
    amplitude: impl Into<f64>,
    len: usize,
) -> Vec<f32> {
    let (freq_hz, rate_hz, amplitude) = (freq_hz.into(), rate_hz.into(), amplitude.into());
    let step = std::f64::consts::TAU * freq_hz / rate_hz;
    (0..len)
        .map(|n| (amplitude * (step * n as f64).sin()) as f32)
        .collect()
}

/// `signal` times `gain`.
pub fn scaled(signal: Vec<f32>, gain: f32) -> Vec<f32> {
    signal.into_iter().map(|x| x * gain).collect()
}

/// Samples in `seconds` at `rate_hz`.
pub fn samples_in(seconds: f32, rate_hz: u32) -> usize {
    (seconds * rate_hz as f32) as usize
}

/// [`sine`] in each of `channels` channels.
pub fn sine_channels(
    freq_hz: f64,
    rate_hz: f64,
    amplitude: f64,
    channels: usize,
    len: usize,
) -> Vec<Vec<f32>> {
    vec![sine(freq_hz, rate_hz, amplitude, len); channels]
}

/// A unit impulse at sample `at` in `len` samples of silence.
pub fn impulse(at: usize, len: usize) -> Vec<f32> {
    let mut signal = vec![0.0; len];
    if let Some(sample) = signal.get_mut(at) {
        *sample = 1.0;
    }
    signal
}

/// Frames `range` of every channel.
pub fn frames(channels: &[Vec<f32>], range: std::ops::Range<usize>) -> Vec<Vec<f32>> {
    channels.iter().map(|c| c[range.clone()].to_vec()).collect()
}

/// Appends `block` to `all`, channel by channel.
pub fn append(all: &mut [Vec<f32>], block: Vec<Vec<f32>>) {
    for (channel, part) in all.iter_mut().zip(block) {
        channel.extend_from_slice(&part);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_are_reproducible_and_shaped_as_named() {
        assert_eq!(white_noise(3, 2, 100), white_noise(3, 2, 100));
        let noise = white_noise(3, 2, 1000);
        assert_ne!(noise[0], noise[1], "channels differ");
        assert!(noise.iter().flatten().all(|x| (-0.5..0.5).contains(x)));
        assert_eq!(mono_white_noise(3, 1000), noise[0]);
        let wave = sine(1000.0, 48_000.0, 0.5, 48);
        assert!(
            (wave[12] - 0.5).abs() < 1e-6,
            "a quarter period is the peak"
        );
        assert_eq!(impulse(3, 5), vec![0.0, 0.0, 0.0, 1.0, 0.0]);
        let pink = pink_noise(1, 0.1, 48_000);
        let rms = crate::rms(&pink);
        assert!((rms - 0.1).abs() < 0.02, "pink RMS {rms}");
    }
}
