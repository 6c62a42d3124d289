//! The comparisons tests assert: RMS, delayed copies, finiteness, bit equality.

/// Sample error allowed where the output must equal the input delayed by the latency.
pub const PASS_THROUGH_TOLERANCE: f32 = 1e-5;

/// Root mean square of `samples`.
pub fn rms(samples: &[f32]) -> f64 {
    let energy: f64 = samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
    (energy / samples.len() as f64).sqrt()
}

/// Largest |output\[n\] − gain·input\[n − delay\]| over all channels and the samples `n ≥ from`
/// (the input is taken as silent before it starts). NaN counts as infinitely wrong.
pub fn delayed_gain_error(
    input: &[Vec<f32>],
    output: &[Vec<f32>],
    delay: usize,
    gain: f32,
    from: usize,
) -> f32 {
    assert_eq!(input.len(), output.len(), "channel count");
    let mut worst = 0.0f32;
    for (channel_in, channel_out) in input.iter().zip(output) {
        assert_eq!(channel_in.len(), channel_out.len(), "frame count");
        for (n, &out) in channel_out.iter().enumerate().skip(from) {
            let expected = if n >= delay {
                gain * channel_in[n - delay]
            } else {
                0.0
            };
            let error = (out - expected).abs();
            if error.is_nan() {
                return f32::INFINITY;
            }
            worst = worst.max(error);
        }
    }
    worst
}

/// How far `output` is from `input` delayed by `delay` samples (largest sample error).
pub fn delayed_copy_error(input: &[Vec<f32>], output: &[Vec<f32>], delay: usize) -> f32 {
    delayed_gain_error(input, output, delay, 1.0, 0)
}

/// Asserts that `output` is `input` delayed by `delay` samples, to [`PASS_THROUGH_TOLERANCE`].
#[track_caller]
pub fn assert_delayed_copy(input: &[Vec<f32>], output: &[Vec<f32>], delay: usize, what: &str) {
    let error = delayed_copy_error(input, output, delay);
    assert!(
        error <= PASS_THROUGH_TOLERANCE,
        "{what}: output is not the input delayed by {delay} samples (max error {error:e})"
    );
}

/// Whether every sample of every channel is finite.
pub fn all_finite(channels: &[Vec<f32>]) -> bool {
    channels.iter().flatten().all(|s| s.is_finite())
}

/// The samples as bits, for bit-exact comparisons.
pub fn bits(channels: &[Vec<f32>]) -> Vec<u32> {
    channels.iter().flatten().map(|s| s.to_bits()).collect()
}
