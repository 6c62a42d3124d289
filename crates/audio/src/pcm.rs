//! Uncompressed little-endian WAV read straight from the file: symphonia parses the header
//! (the same checks and errors as every other format), then the sample data is read in large
//! blocks and converted into planes in one pass, without symphonia's 1152-frame packets (a
//! fresh buffer each), its decoder's intermediate buffer and the copy out of it. The
//! conversions are symphonia's own, so both paths give the same bits (tested below).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use symphonia::core::codecs::audio::well_known::{
    CODEC_ID_PCM_F32LE, CODEC_ID_PCM_S16LE, CODEC_ID_PCM_S24LE, CODEC_ID_PCM_S32LE,
};
use symphonia::core::codecs::audio::AudioCodecParameters;

use crate::error::AudioFileError;

/// Bytes read from the file per block (rounded down to whole frames): large enough that a
/// read costs little per sample, small enough to stay in the L2 cache while it is converted.
const READ_BLOCK_BYTES: usize = 256 * 1024;
/// The chunk ID of a WAV file's sample data.
const DATA_CHUNK_ID: &[u8; 4] = b"data";
/// Bytes of a RIFF chunk header (ID and length) before its data.
const CHUNK_HEADER_BYTES: u64 = 8;

/// A sample format read directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PcmSample {
    /// 32-bit float.
    F32,
    /// 16-bit signed integer.
    S16,
    /// 24-bit signed integer, packed in 3 bytes.
    S24,
    /// 32-bit signed integer.
    S32,
}

impl PcmSample {
    /// The sample format of a codec read directly, if it is one (no bit shifts: the coded
    /// width is the container's).
    pub fn of(params: &AudioCodecParameters) -> Option<Self> {
        let sample = match params.codec {
            CODEC_ID_PCM_F32LE => PcmSample::F32,
            CODEC_ID_PCM_S16LE => PcmSample::S16,
            CODEC_ID_PCM_S24LE => PcmSample::S24,
            CODEC_ID_PCM_S32LE => PcmSample::S32,
            _ => return None,
        };
        let bits = 8 * sample.bytes() as u32;
        let full_width = |width: Option<u32>| width.is_none_or(|w| w == bits);
        let one_frame_blocks = params.frames_per_block.is_none_or(|f| f == 1);
        (full_width(params.bits_per_sample)
            && full_width(params.bits_per_coded_sample)
            && one_frame_blocks)
            .then_some(sample)
    }

    /// Bytes per sample.
    pub fn bytes(self) -> usize {
        match self {
            PcmSample::S16 => 2,
            PcmSample::S24 => 3,
            PcmSample::F32 | PcmSample::S32 => 4,
        }
    }
}

/// Where an uncompressed WAV file's frames are: enough to read any of them through a file
/// handle of one's own ([`PcmFrames::reader`]), so that the threads of a split render each read
/// their segments' input without sharing a read position.
#[derive(Debug, Clone)]
pub struct PcmFrames {
    /// The file.
    path: PathBuf,
    /// Byte offset of the first frame.
    data_start: u64,
    /// Sample format.
    sample: PcmSample,
    /// Channels per frame.
    num_channels: usize,
    /// Whole frames in the data chunk.
    frames: u64,
}

impl PcmFrames {
    /// Whole frames in the file.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Bytes per frame (all channels).
    fn frame_bytes(&self) -> usize {
        self.sample.bytes() * self.num_channels
    }

    /// Bytes per read: whole frames, about [`READ_BLOCK_BYTES`].
    fn block_bytes(&self) -> usize {
        (READ_BLOCK_BYTES / self.frame_bytes()).max(1) * self.frame_bytes()
    }

    /// A reader of these frames with a file handle of its own.
    pub fn reader(&self) -> Result<PcmFrameReader, AudioFileError> {
        Ok(PcmFrameReader {
            file: File::open(&self.path).map_err(AudioFileError::from_open)?,
            frames: self.clone(),
            buffer: Vec::new(),
        })
    }
}

/// Reads any frames of an uncompressed WAV file ([`PcmFrames::reader`]).
pub struct PcmFrameReader {
    /// The file, positioned anywhere.
    file: File,
    /// Where the frames are.
    frames: PcmFrames,
    /// The bytes of the current block.
    buffer: Vec<u8>,
}

impl PcmFrameReader {
    /// Appends frames `start..start + count` of the file (fewer at its end) to `planes` (one
    /// per channel) and returns how many. A file shorter than its header declares is
    /// [`AudioFileError::TruncatedData`].
    pub fn read(
        &mut self,
        start: u64,
        count: usize,
        planes: &mut [Vec<f32>],
    ) -> Result<usize, AudioFileError> {
        let frame_bytes = self.frames.frame_bytes();
        let count = self.frames.frames.saturating_sub(start).min(count as u64) as usize;
        let offset = self.frames.data_start + start * frame_bytes as u64;
        self.file
            .seek(SeekFrom::Start(offset))
            .map_err(AudioFileError::Read)?;
        let block_frames = self.frames.block_bytes() / frame_bytes;
        let mut left = count;
        while left > 0 {
            let frames = left.min(block_frames);
            self.buffer.resize(frames * frame_bytes, 0);
            read_block(&mut self.file, &mut self.buffer)?;
            convert(self.frames.sample, &self.buffer, planes);
            left -= frames;
        }
        Ok(count)
    }

    /// Replaces what `planes` (one per channel) hold with frames `start..start + count` of the
    /// file, silence past its end: every plane ends up `count` long.
    pub fn read_padded(
        &mut self,
        start: u64,
        count: usize,
        planes: &mut [Vec<f32>],
    ) -> Result<(), AudioFileError> {
        for plane in planes.iter_mut() {
            plane.clear();
            // One allocation at most, not a doubling per read block.
            plane.reserve(count);
        }
        self.read(start, count, planes)?;
        for plane in planes.iter_mut() {
            plane.resize(count, 0.0);
        }
        Ok(())
    }
}

/// Fills `buffer` from `file`; a file that ends first is [`AudioFileError::TruncatedData`].
fn read_block(file: &mut File, buffer: &mut [u8]) -> Result<(), AudioFileError> {
    file.read_exact(buffer).map_err(|e| {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            AudioFileError::TruncatedData
        } else {
            AudioFileError::Read(e)
        }
    })
}

/// The sample data of a WAV file, read block by block.
pub struct PcmStream {
    /// The file, positioned in the data chunk.
    file: File,
    /// Where the frames are.
    frames: PcmFrames,
    /// Bytes of whole frames left in the data chunk.
    remaining_bytes: u64,
    /// The bytes of the current block.
    buffer: Vec<u8>,
}

impl PcmStream {
    /// Opens `path` at `data_start` (where symphonia found the data chunk) if the chunk header
    /// just before it is a data chunk of `declared_frames` whole frames, or, with no declared
    /// length, a data chunk of unknown length (`u32::MAX`: a WAV file streamed to a pipe, as
    /// ffmpeg writes it), which then holds the whole frames up to the end of the file. `None`
    /// if anything disagrees, so the caller decodes as usual.
    pub fn open(
        path: &Path,
        data_start: u64,
        sample: PcmSample,
        num_channels: usize,
        declared_frames: Option<u64>,
    ) -> Option<Self> {
        let frame_bytes = sample.bytes() * num_channels;
        let mut file = File::open(path).ok()?;
        file.seek(SeekFrom::Start(data_start.checked_sub(CHUNK_HEADER_BYTES)?))
            .ok()?;
        let mut header = [0u8; CHUNK_HEADER_BYTES as usize];
        file.read_exact(&mut header).ok()?;
        if &header[..4] != DATA_CHUNK_ID {
            return None;
        }
        let chunk_len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
        let whole_frames = match declared_frames {
            Some(declared) if u64::from(chunk_len) / frame_bytes as u64 == declared => declared,
            None if chunk_len == u32::MAX => {
                let file_len = file.metadata().ok()?.len();
                file_len.checked_sub(data_start)? / frame_bytes as u64
            }
            _ => return None,
        };
        let frames = PcmFrames {
            path: path.to_path_buf(),
            data_start,
            sample,
            num_channels,
            frames: whole_frames,
        };
        Some(Self {
            file,
            frames,
            remaining_bytes: whole_frames * frame_bytes as u64,
            buffer: Vec::new(),
        })
    }

    /// Where the frames are, for readers of their own.
    pub fn frames(&self) -> &PcmFrames {
        &self.frames
    }

    /// Reads the next block of at most `max_frames` frames (at least one) and appends them to
    /// `planes` (one per channel). Returns the number of frames appended, 0 at the end of the
    /// data. A file that ends inside the data chunk its header declares is
    /// [`AudioFileError::TruncatedData`], as symphonia reports it.
    pub fn append_block(
        &mut self,
        planes: &mut [Vec<f32>],
        max_frames: usize,
    ) -> Result<usize, AudioFileError> {
        let frame_bytes = self.frames.frame_bytes();
        let max_bytes = max_frames.max(1).saturating_mul(frame_bytes);
        let wanted = self
            .remaining_bytes
            .min(self.frames.block_bytes().min(max_bytes) as u64) as usize;
        self.buffer.resize(wanted, 0);
        read_block(&mut self.file, &mut self.buffer)?;
        self.remaining_bytes -= wanted as u64;
        convert(self.frames.sample, &self.buffer, planes);
        Ok(wanted / frame_bytes)
    }
}

/// Appends the interleaved frames of `sample`s in `bytes` to `planes`, with symphonia's
/// conversions.
fn convert(sample: PcmSample, bytes: &[u8], planes: &mut [Vec<f32>]) {
    match sample {
        PcmSample::F32 => extend_planes(bytes, planes, f32::from_le_bytes),
        PcmSample::S16 => extend_planes(bytes, planes, |b: [u8; 2]| {
            f32::from(i16::from_le_bytes(b)) / 32_768.0
        }),
        PcmSample::S24 => extend_planes(bytes, planes, |b: [u8; 3]| {
            // Sign-extended by the arithmetic shift, as symphonia's `read_i24`.
            (i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8) as f32 / 8_388_608.0
        }),
        PcmSample::S32 => extend_planes(bytes, planes, |b: [u8; 4]| {
            (f64::from(i32::from_le_bytes(b)) / 2_147_483_648.0) as f32
        }),
    }
}

/// Appends the interleaved frames in `bytes` (samples of `B` bytes) to `planes`, one plane per
/// channel, each sample converted by `convert`. Mono and stereo frames have a length known at
/// compile time, which makes the loops about twice as fast.
#[inline(always)]
fn extend_planes<const B: usize>(
    bytes: &[u8],
    planes: &mut [Vec<f32>],
    convert: impl Fn([u8; B]) -> f32,
) {
    match (planes.len(), B) {
        (1, _) => extend_fixed_frames::<B, B>(bytes.as_chunks::<B>().0, planes, convert),
        (2, 2) => extend_fixed_frames::<B, 4>(bytes.as_chunks::<4>().0, planes, convert),
        (2, 3) => extend_fixed_frames::<B, 6>(bytes.as_chunks::<6>().0, planes, convert),
        (2, 4) => extend_fixed_frames::<B, 8>(bytes.as_chunks::<8>().0, planes, convert),
        (channels, _) => {
            let frames = bytes.chunks_exact(B * channels);
            for (channel, plane) in planes.iter_mut().enumerate() {
                let at = channel * B;
                plane.extend(frames.clone().map(|frame| sample_at(frame, at, &convert)));
            }
        }
    }
}

/// Appends `frames` of `F` bytes (one sample of `B` bytes per plane) to `planes`.
#[inline(always)]
fn extend_fixed_frames<const B: usize, const F: usize>(
    frames: &[[u8; F]],
    planes: &mut [Vec<f32>],
    convert: impl Fn([u8; B]) -> f32,
) {
    for (channel, plane) in planes.iter_mut().enumerate() {
        let at = channel * B;
        plane.extend(frames.iter().map(|frame| sample_at(frame, at, &convert)));
    }
}

/// The sample of `B` bytes at byte `at` of `frame`, converted.
#[inline(always)]
fn sample_at<const B: usize>(frame: &[u8], at: usize, convert: impl Fn([u8; B]) -> f32) -> f32 {
    let mut sample = [0u8; B];
    sample.copy_from_slice(&frame[at..at + B]);
    convert(sample)
}

#[cfg(test)]
#[path = "pcm_tests.rs"]
mod tests;
