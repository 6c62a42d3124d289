//! Writing test signals as WAV files (hound), for the tests that read files: the CLI's, the
//! audio crate's and the editor's **Load reference**.

use std::path::Path;

/// Writes planar `channels` as a 32-bit float WAV.
pub fn write_float_wav(path: &Path, rate_hz: u32, channels: &[Vec<f32>]) {
    write_wav(
        path,
        rate_hz,
        channels,
        hound::SampleFormat::Float,
        32,
        |x| x,
    );
}

/// Writes planar `channels` as a 16-bit integer WAV (samples rounded, no dither).
pub fn write_int16_wav(path: &Path, rate_hz: u32, channels: &[Vec<f32>]) {
    write_wav(
        path,
        rate_hz,
        channels,
        hound::SampleFormat::Int,
        16,
        to_i16,
    );
}

/// Writes planar `channels` interleaved, each sample converted by `to_sample`.
fn write_wav<S: hound::Sample>(
    path: &Path,
    rate_hz: u32,
    channels: &[Vec<f32>],
    sample_format: hound::SampleFormat,
    bits_per_sample: u16,
    to_sample: impl Fn(f32) -> S,
) {
    let spec = hound::WavSpec {
        channels: channels.len() as u16,
        sample_rate: rate_hz,
        bits_per_sample,
        sample_format,
    };
    let mut writer = hound::WavWriter::create(path, spec).expect("create WAV");
    for frame in 0..channels[0].len() {
        for channel in channels {
            writer
                .write_sample(to_sample(channel[frame]))
                .expect("write sample");
        }
    }
    writer.finalize().expect("finalize WAV");
}

/// A float sample as a rounded 16-bit integer.
pub fn to_i16(sample: f32) -> i16 {
    (sample * 32_768.0).round().clamp(-32_768.0, 32_767.0) as i16
}
