//! Turning rendered float samples into file bytes: WAV (16/24-bit integer or 32-bit float)
//! or FLAC (16/24-bit), chunk by chunk.
//!
//! Every chunk is encoded from its samples and its position in the file alone (the dither is
//! a function of the frame number, FLAC frames are numbered by position), so chunks can be
//! encoded on any thread in any order and still give the bytes of one sequential pass.

use crate::args::BitsArg;
use crate::error::FileError;
use crate::flac::{FlacChunk, FlacEncoder};

/// Full-scale value of 16-bit samples: float 1.0 maps to this.
const INT16_SCALE: f32 = 32_768.0;
/// Full-scale value of 24-bit samples.
const INT24_SCALE: f32 = 8_388_608.0;
/// Bytes of a 32-bit float sample.
const FLOAT_BYTES: usize = 4;
/// Seed of the dither noise; fixed, so the same input always gives the same file.
const DITHER_SEED: u64 = 0x9E37_79B9_7F4A_7C15;
/// Bits of one uniform dither variable.
const DITHER_UNIFORM_BITS: u32 = 24;

/// The container written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// RIFF WAVE.
    Wav,
    /// FLAC (integer samples only).
    Flac,
}

impl Container {
    /// The file extension of this container.
    pub fn extension(self) -> &'static str {
        match self {
            Container::Wav => "wav",
            Container::Flac => "flac",
        }
    }
}

/// What every output file of a render is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputFormat {
    /// WAV or FLAC.
    pub container: Container,
    /// Sample format (FLAC: 16 or 24 only).
    pub bits: BitsArg,
}

impl OutputFormat {
    /// Bits per sample as stored.
    pub fn bits_per_sample(self) -> u16 {
        match self.bits {
            BitsArg::Int16 => 16,
            BitsArg::Int24 => 24,
            BitsArg::Float32 => 32,
        }
    }

    /// Bytes per stored sample (WAV data, FLAC MD5 input).
    pub fn bytes_per_sample(self) -> usize {
        usize::from(self.bits_per_sample() / 8)
    }
}

/// One encoded run of frames, ready to be appended to the file in order.
#[derive(Debug, Default)]
pub struct EncodedChunk {
    /// First frame of the chunk in the file.
    pub first_frame: u64,
    /// Frames in the chunk.
    pub frames: usize,
    /// The bytes to append (WAV sample data, or whole FLAC frames).
    pub bytes: Vec<u8>,
    /// Integer samples that had to be clipped.
    pub clipped_samples: u64,
    /// FLAC only: the interleaved little-endian samples (the stream MD5's input) and frame
    /// sizes.
    pub flac: Option<FlacChunk>,
}

/// Encodes chunks of planar float frames for one file's format; shared by all threads.
pub struct ChunkEncoder {
    /// The format written.
    format: OutputFormat,
    /// Channels per frame.
    num_channels: usize,
    /// The FLAC frame encoder (FLAC only).
    flac: Option<FlacEncoder>,
}

impl ChunkEncoder {
    /// An encoder for `num_channels` channels at `sample_rate_hz` in `format`.
    pub fn new(
        format: OutputFormat,
        sample_rate_hz: u32,
        num_channels: usize,
    ) -> Result<Self, FileError> {
        let flac = match format.container {
            Container::Flac => Some(FlacEncoder::new(
                sample_rate_hz,
                num_channels,
                format.bits_per_sample(),
            )?),
            Container::Wav => None,
        };
        Ok(Self {
            format,
            num_channels,
            flac,
        })
    }

    /// Encodes `channels` (planar, equal lengths), the frames starting at `first_frame` of
    /// the file, into `buffer` (cleared first; passing a used one saves an allocation). For
    /// FLAC, `first_frame` must be a multiple of the FLAC block size and only the file's last
    /// chunk may end between blocks.
    pub fn encode(
        &self,
        channels: &[&[f32]],
        first_frame: u64,
        mut buffer: Vec<u8>,
    ) -> Result<EncodedChunk, FileError> {
        let frames = channels.first().map_or(0, |c| c.len());
        if self.format.bits != BitsArg::Float32 {
            buffer.clear();
        }
        let mut chunk = EncodedChunk {
            first_frame,
            frames,
            bytes: buffer,
            ..EncodedChunk::default()
        };
        let interleaved_len = frames * self.num_channels;
        match (self.format.bits, &self.flac) {
            (BitsArg::Float32, _) => {
                // Every byte is overwritten: a reused buffer of the same length costs no memset.
                chunk.bytes.resize(interleaved_len * FLOAT_BYTES, 0);
                interleave_f32(channels, &mut chunk.bytes);
            }
            (bits, None) => {
                let samples = quantize(channels, first_frame, bits, &mut chunk.clipped_samples);
                le_bytes(&samples, self.format.bytes_per_sample(), &mut chunk.bytes);
            }
            (bits, Some(flac)) => {
                let samples = quantize(channels, first_frame, bits, &mut chunk.clipped_samples);
                let mut pcm = Vec::new();
                le_bytes(&samples, self.format.bytes_per_sample(), &mut pcm);
                let (bytes, sizes) = flac.encode(&samples, first_frame)?;
                chunk.bytes = bytes;
                chunk.flac = Some(FlacChunk { pcm, sizes });
            }
        }
        Ok(chunk)
    }
}

/// Writes planar `channels` into `bytes` as interleaved little-endian 32-bit floats (one pass
/// over the output for mono and stereo).
fn interleave_f32(channels: &[&[f32]], bytes: &mut [u8]) {
    match channels {
        [mono] => {
            for (out, sample) in bytes.chunks_exact_mut(FLOAT_BYTES).zip(*mono) {
                out.copy_from_slice(&sample.to_le_bytes());
            }
        }
        [left, right] => {
            let frames = bytes.chunks_exact_mut(2 * FLOAT_BYTES);
            for ((out, l), r) in frames.zip(*left).zip(*right) {
                let (out_l, out_r) = out.split_at_mut(FLOAT_BYTES);
                out_l.copy_from_slice(&l.to_le_bytes());
                out_r.copy_from_slice(&r.to_le_bytes());
            }
        }
        _ => {
            let frame_bytes = channels.len() * FLOAT_BYTES;
            for (channel, plane) in channels.iter().enumerate() {
                let at = channel * FLOAT_BYTES;
                for (out, sample) in bytes.chunks_exact_mut(frame_bytes).zip(*plane) {
                    out[at..at + FLOAT_BYTES].copy_from_slice(&sample.to_le_bytes());
                }
            }
        }
    }
}

/// Interleaved integer samples of `channels` at `bits` (16: TPDF-dithered), counting clips.
fn quantize(channels: &[&[f32]], first_frame: u64, bits: BitsArg, clipped: &mut u64) -> Vec<i32> {
    let frames = channels.first().map_or(0, |c| c.len());
    let mut samples = Vec::with_capacity(frames * channels.len());
    for frame in 0..frames {
        let position = first_frame + frame as u64;
        for (channel, plane) in channels.iter().enumerate() {
            let sample = plane[frame];
            let value = match bits {
                BitsArg::Int16 => {
                    let dithered = sample * INT16_SCALE + tpdf(channel, position);
                    quantize_one(dithered, INT16_SCALE, clipped)
                }
                _ => quantize_one(sample * INT24_SCALE, INT24_SCALE, clipped),
            };
            samples.push(value);
        }
    }
    samples
}

/// Rounds a scaled sample to the integer grid of full scale `scale`, clipping (and counting)
/// values beyond it. NaN cannot reach here (the engine never outputs it) and would become 0.
fn quantize_one(scaled: f32, scale: f32, clipped: &mut u64) -> i32 {
    let rounded = scaled.round();
    let limited = rounded.clamp(-scale, scale - 1.0);
    if limited != rounded {
        *clipped += 1;
    }
    limited as i32
}

/// Appends interleaved integer samples as little-endian bytes of `bytes_per_sample` each.
fn le_bytes(samples: &[i32], bytes_per_sample: usize, bytes: &mut Vec<u8>) {
    bytes.reserve(samples.len() * bytes_per_sample);
    for sample in samples {
        bytes.extend_from_slice(&sample.to_le_bytes()[..bytes_per_sample]);
    }
}

/// Triangular (TPDF) dither of ±1 LSB peak for `channel` at frame `position`: the difference
/// of two uniform variables taken from one hash of the position, so any chunk of the file
/// can be dithered on its own and still match a sequential pass.
fn tpdf(channel: usize, position: u64) -> f32 {
    let hash = splitmix64(DITHER_SEED ^ position ^ ((channel as u64) << 48));
    let mask = (1u64 << DITHER_UNIFORM_BITS) - 1;
    let scale = (1u64 << DITHER_UNIFORM_BITS) as f32;
    let a = (hash & mask) as f32 / scale;
    let b = ((hash >> DITHER_UNIFORM_BITS) & mask) as f32 / scale;
    a - b
}

/// The splitmix64 finaliser: a well-mixed 64-bit hash of `x`.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tpdf_is_triangular_within_one_lsb() {
        let values: Vec<f32> = (0..100_000).map(|i| tpdf(1, i)).collect();
        assert!(values.iter().all(|v| v.abs() < 1.0));
        let mean = values.iter().sum::<f32>() / values.len() as f32;
        let variance = values.iter().map(|v| v * v).sum::<f32>() / values.len() as f32;
        assert!(mean.abs() < 0.01, "mean {mean}");
        // Triangular on (-1, 1): variance 1/6.
        assert!((variance - 1.0 / 6.0).abs() < 0.005, "variance {variance}");
        let central = values.iter().filter(|v| v.abs() < 0.5).count() as f32;
        assert!((central / values.len() as f32 - 0.75).abs() < 0.01);
        // Channels get independent noise.
        let other: Vec<f32> = (0..100_000).map(|i| tpdf(0, i)).collect();
        let product = values.iter().zip(&other).map(|(a, b)| a * b).sum::<f32>();
        assert!((product / values.len() as f32).abs() < 0.005);
    }

    #[test]
    fn float_frames_are_interleaved_little_endian_for_any_channel_count() {
        for num_channels in 1..=3 {
            let planes: Vec<Vec<f32>> = (0..num_channels)
                .map(|c| (0..50).map(|i| tpdf(c, i) + c as f32).collect())
                .collect();
            let views: Vec<&[f32]> = planes.iter().map(Vec::as_slice).collect();
            let format = OutputFormat {
                container: Container::Wav,
                bits: BitsArg::Float32,
            };
            let encoder = ChunkEncoder::new(format, 48_000, num_channels).unwrap();
            // A used buffer, longer than needed and full of other bytes.
            let bytes = encoder.encode(&views, 0, vec![0xAB; 1_000]).unwrap().bytes;
            let expected: Vec<u8> = (0..50)
                .flat_map(|i| planes.iter().flat_map(move |p| p[i].to_le_bytes()))
                .collect();
            assert_eq!(bytes, expected, "{num_channels} channels");
        }
    }

    #[test]
    fn a_chunk_encodes_the_same_bytes_wherever_it_is_cut() {
        let noise: Vec<f32> = (0..10_000).map(|i| tpdf(3, i) * 0.4).collect();
        for bits in [BitsArg::Int16, BitsArg::Int24, BitsArg::Float32] {
            let format = OutputFormat {
                container: Container::Wav,
                bits,
            };
            let encoder = ChunkEncoder::new(format, 48_000, 1).unwrap();
            let whole = encoder.encode(&[&noise], 0, Vec::new()).unwrap().bytes;
            let head = encoder
                .encode(&[&noise[..3_333]], 0, vec![1, 2])
                .unwrap()
                .bytes;
            let tail = encoder
                .encode(&[&noise[3_333..]], 3_333, Vec::new())
                .unwrap()
                .bytes;
            assert_eq!([head, tail].concat(), whole, "{bits:?}");
        }
    }
}
