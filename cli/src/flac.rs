//! FLAC output through `flacenc`: fixed-size frames encoded independently (so chunks of a file
//! can be encoded on any thread), and a STREAMINFO gathered as the frames are written.
//!
//! We write STREAMINFO ourselves rather than take flacenc's `Stream`: flacenc 0.5 counts the
//! shorter last block into the minimum block size, which the FLAC format defines to exclude
//! the last block; a decoder (symphonia) then takes the stream for a variable-block-size one
//! and rejects its frames. Here min = max = the block size, as libFLAC writes it, with the
//! total sample count and the MD5 of the samples filled in at the end.

use flacenc::bitsink::ByteSink;
use flacenc::component::{BitRepr, StreamInfo};
use flacenc::config::Encoder;
use flacenc::error::{Verified, Verify};
use flacenc::source::{Fill, FrameBuf};
use md5::{Digest, Md5};

use crate::error::FileError;

/// Samples per channel in every FLAC frame but the last (flacenc's and libFLAC's default).
pub const FLAC_BLOCK_FRAMES: usize = 4096;
/// The stream marker every FLAC file starts with.
const FLAC_MARKER: &[u8; 4] = b"fLaC";
/// Metadata block header of STREAMINFO as the last metadata block: type 0 with the "last"
/// flag, then its length (34 bytes) in 24 bits.
const STREAMINFO_BLOCK_HEADER: [u8; 4] = [0x80, 0, 0, 34];

/// Frame sizes in bytes of a run of frames.
#[derive(Debug, Clone, Copy)]
pub struct FrameSizes {
    /// Smallest frame.
    pub min_bytes: usize,
    /// Largest frame.
    pub max_bytes: usize,
}

/// What the writer needs of an encoded FLAC chunk beyond its bytes.
#[derive(Debug)]
pub struct FlacChunk {
    /// The interleaved little-endian samples, the input of the stream's MD5.
    pub pcm: Vec<u8>,
    /// Sizes of the chunk's frames (`None` for an empty chunk).
    pub sizes: Option<FrameSizes>,
}

/// Encodes FLAC frames for one stream format; shared by all threads.
pub struct FlacEncoder {
    /// The verified encoder configuration.
    config: Verified<Encoder>,
    /// The stream's format (rate, channels, bits); frame headers are built from it.
    info: StreamInfo,
    /// Channels per frame.
    num_channels: usize,
}

/// Maps a flacenc error to the user-facing reason.
fn flac_error(err: impl std::fmt::Display) -> FileError {
    FileError::unsupported(format!("cannot encode FLAC: {err}"))
}

impl FlacEncoder {
    /// An encoder for this format; FLAC (as flacenc writes it) holds 1-8 channels of 16- or
    /// 24-bit samples at up to 96 kHz.
    pub fn new(sample_rate_hz: u32, num_channels: usize, bits: u16) -> Result<Self, FileError> {
        let info = stream_info(sample_rate_hz, num_channels, bits)?;
        let config = Encoder::default()
            .into_verified()
            .map_err(|(_, e)| flac_error(e))?;
        Ok(Self {
            config,
            info,
            num_channels,
        })
    }

    /// Encodes interleaved `samples` starting at frame `first_frame` (a multiple of
    /// [`FLAC_BLOCK_FRAMES`]) into whole FLAC frames.
    pub fn encode(
        &self,
        samples: &[i32],
        first_frame: u64,
    ) -> Result<(Vec<u8>, Option<FrameSizes>), FileError> {
        debug_assert_eq!(first_frame % FLAC_BLOCK_FRAMES as u64, 0);
        let mut buffer =
            FrameBuf::with_size(self.num_channels, FLAC_BLOCK_FRAMES).map_err(flac_error)?;
        let mut sink = ByteSink::new();
        let mut sizes: Option<FrameSizes> = None;
        let block_samples = FLAC_BLOCK_FRAMES * self.num_channels;
        for (index, block) in samples.chunks(block_samples).enumerate() {
            let frame_number = (first_frame / FLAC_BLOCK_FRAMES as u64) as usize + index;
            buffer.fill_interleaved(block).map_err(flac_error)?;
            let frame =
                flacenc::encode_fixed_size_frame(&self.config, &buffer, frame_number, &self.info)
                    .map_err(flac_error)?;
            let before = sink.as_slice().len();
            frame.write(&mut sink).map_err(flac_error)?;
            let bytes = sink.as_slice().len() - before;
            sizes = Some(match sizes {
                None => FrameSizes {
                    min_bytes: bytes,
                    max_bytes: bytes,
                },
                Some(s) => FrameSizes {
                    min_bytes: s.min_bytes.min(bytes),
                    max_bytes: s.max_bytes.max(bytes),
                },
            });
        }
        Ok((sink.into_inner(), sizes))
    }
}

/// flacenc's STREAMINFO for a format, refusing what FLAC or flacenc cannot hold.
fn stream_info(
    sample_rate_hz: u32,
    num_channels: usize,
    bits: u16,
) -> Result<StreamInfo, FileError> {
    StreamInfo::new(sample_rate_hz as usize, num_channels, usize::from(bits)).map_err(|e| {
        FileError::unsupported(format!(
            "FLAC output takes 1-8 channels at up to 96 kHz, not {num_channels} channels at \
             {sample_rate_hz} Hz ({e}); write WAV instead"
        ))
    })
}

/// The STREAMINFO of a file being written: sizes, length and MD5 gathered frame by frame.
pub struct FlacStreamInfo {
    /// The format fields (rate, channels, bits) and, at the end, everything else.
    info: StreamInfo,
    /// MD5 of the interleaved little-endian samples so far.
    md5: Md5,
    /// Frames (samples per channel) so far.
    total_frames: u64,
    /// Frame sizes so far.
    sizes: Option<FrameSizes>,
}

impl FlacStreamInfo {
    /// STREAMINFO for an empty stream of this format.
    pub fn new(sample_rate_hz: u32, num_channels: usize, bits: u16) -> Result<Self, FileError> {
        Ok(Self {
            info: stream_info(sample_rate_hz, num_channels, bits)?,
            md5: Md5::new(),
            total_frames: 0,
            sizes: None,
        })
    }

    /// Counts one more chunk of `frames` frames (chunks in file order).
    pub fn add(&mut self, frames: usize, chunk: &FlacChunk) {
        self.md5.update(&chunk.pcm);
        self.total_frames += frames as u64;
        if let Some(new) = chunk.sizes {
            self.sizes = Some(match self.sizes {
                None => new,
                Some(s) => FrameSizes {
                    min_bytes: s.min_bytes.min(new.min_bytes),
                    max_bytes: s.max_bytes.max(new.max_bytes),
                },
            });
        }
    }

    /// "fLaC" and the STREAMINFO block as they stand (42 bytes; written first as a
    /// placeholder, then again over it at the end).
    pub fn header_bytes(&self) -> Result<Vec<u8>, FileError> {
        let mut info = self.info.clone();
        info.set_block_sizes(FLAC_BLOCK_FRAMES, FLAC_BLOCK_FRAMES)
            .map_err(flac_error)?;
        if let Some(sizes) = self.sizes {
            info.set_frame_sizes(sizes.min_bytes, sizes.max_bytes)
                .map_err(flac_error)?;
        } else {
            info.set_frame_sizes(0, 0).map_err(flac_error)?;
        }
        info.set_total_samples(self.total_frames as usize);
        let digest: [u8; 16] = self.md5.clone().finalize().into();
        info.set_md5_digest(&digest);
        let mut sink = ByteSink::new();
        info.write(&mut sink).map_err(flac_error)?;
        let mut bytes = FLAC_MARKER.to_vec();
        bytes.extend_from_slice(&STREAMINFO_BLOCK_HEADER);
        bytes.extend_from_slice(sink.as_slice());
        Ok(bytes)
    }
}
