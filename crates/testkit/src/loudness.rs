//! Loudness as a meter measures it (ITU-R BS.1770 / EBU R128, the `ebur128` crate), for tests
//! that check loudness rather than sample values.

use ebur128::{EbuR128, Mode};

/// Integrated loudness in LUFS of planar `channels` at `rate_hz` (stereo: left and right).
pub fn integrated_lufs(channels: &[&[f32]], rate_hz: u32) -> f64 {
    let mut meter =
        EbuR128::new(channels.len() as u32, rate_hz, Mode::I).expect("a valid meter setup");
    meter
        .add_frames_planar_f32(channels)
        .expect("frames of equal length");
    meter.loudness_global().expect("integrated loudness")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_1_khz_sine_at_minus_23_dbfs_per_channel_reads_minus_23_lufs() {
        // EBU Tech 3341, test 1: a stereo 1 kHz sine of peak level -23 dBFS per channel.
        let amplitude = 10f64.powf(-23.0 / 20.0);
        let tone = crate::sine(1000.0, 48_000.0, amplitude, 20 * 48_000);
        let lufs = integrated_lufs(&[&tone, &tone], 48_000);
        assert!((lufs + 23.0).abs() < 0.1, "{lufs}");
    }
}
