//! Writing WAV files safely: into a temporary file beside the target, renamed when complete.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use hound::{SampleFormat, WavSpec, WavWriter};
use tempfile::TempPath;

use crate::args::BitsArg;
use crate::cancel::TempFileGuard;
use crate::error::FileError;

/// Full-scale value of 16-bit samples: float 1.0 maps to this.
const INT16_SCALE: f32 = 32_768.0;
/// Full-scale value of 24-bit samples.
const INT24_SCALE: f32 = 8_388_608.0;
/// Prefix of temporary files, so a leftover one is easy to recognise.
pub const TEMP_PREFIX: &str = ".bark-eq-";
/// Suffix of temporary files.
pub const TEMP_SUFFIX: &str = ".tmp";
/// Seed of the dither noise; fixed, so the same input always gives the same file.
const DITHER_SEED: u64 = 0x9E37_79B9_7F4A_7C15;

/// A WAV file being written to a temporary path; dropped without [`WavOutput::commit`], it
/// leaves nothing behind.
pub struct WavOutput {
    /// The encoder, writing into the temporary file.
    writer: WavWriter<BufWriter<File>>,
    /// A second handle on the temporary file, to flush it to disk before the rename.
    sync_handle: File,
    /// Keeps the temporary file listed for Ctrl-C cleanup while it exists.
    _guard: TempFileGuard,
    /// The temporary file; deleted when dropped.
    temp_path: TempPath,
    /// Where the file goes when complete.
    final_path: PathBuf,
    /// Sample format written.
    bits: BitsArg,
    /// One dither generator per channel (16-bit output only).
    dither: Vec<Tpdf>,
    /// Integer samples that had to be clipped.
    clipped_samples: u64,
}

impl WavOutput {
    /// Creates a temporary file in `final_path`'s directory for a WAV of this format.
    pub fn create(
        final_path: &Path,
        sample_rate_hz: u32,
        num_channels: usize,
        bits: BitsArg,
    ) -> Result<Self, FileError> {
        let dir = match final_path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let write_error = |source| FileError::Write {
            path: dir.to_path_buf(),
            source,
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Like any new file: readable by others unless the umask says otherwise.
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let temp = builder.tempfile_in(dir).map_err(write_error)?;
        let guard = TempFileGuard::new(temp.path());
        let (file, temp_path) = temp.into_parts();
        let sync_handle = file.try_clone().map_err(write_error)?;
        let channels = u16::try_from(num_channels).map_err(|_| {
            FileError::Unsupported(format!("{num_channels} channels (WAV allows 65535)"))
        })?;
        let (bits_per_sample, sample_format) = match bits {
            BitsArg::Int16 => (16, SampleFormat::Int),
            BitsArg::Int24 => (24, SampleFormat::Int),
            BitsArg::Float32 => (32, SampleFormat::Float),
        };
        let spec = WavSpec {
            channels,
            sample_rate: sample_rate_hz,
            bits_per_sample,
            sample_format,
        };
        let writer = WavWriter::new(BufWriter::new(file), spec)?;
        Ok(Self {
            writer,
            sync_handle,
            _guard: guard,
            temp_path,
            final_path: final_path.to_path_buf(),
            bits,
            dither: (0..num_channels as u64)
                .map(|channel| Tpdf::new(DITHER_SEED ^ channel))
                .collect(),
            clipped_samples: 0,
        })
    }

    /// Appends frames `range` of the planar `channels` (one slice per channel), interleaving.
    pub fn write(
        &mut self,
        channels: &[Vec<f32>],
        range: std::ops::Range<usize>,
    ) -> Result<(), FileError> {
        for frame in range {
            for (channel, plane) in channels.iter().enumerate() {
                let sample = plane[frame];
                match self.bits {
                    BitsArg::Float32 => self.writer.write_sample(sample)?,
                    BitsArg::Int24 => {
                        let value = self.quantize(sample * INT24_SCALE, INT24_SCALE);
                        self.writer.write_sample(value)?;
                    }
                    BitsArg::Int16 => {
                        let dithered = sample * INT16_SCALE + self.dither[channel].next();
                        let value = self.quantize(dithered, INT16_SCALE);
                        // `quantize` limits the value to the 16-bit range.
                        self.writer.write_sample(value as i16)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Integer samples clipped so far (float output never clips).
    pub fn clipped_samples(&self) -> u64 {
        self.clipped_samples
    }

    /// Finishes the file, flushes it to disk and renames it into place. Without `overwrite`
    /// the rename fails if the target appeared meanwhile.
    pub fn commit(self, overwrite: bool) -> Result<(), FileError> {
        let Self {
            writer,
            sync_handle,
            _guard,
            temp_path,
            final_path,
            ..
        } = self;
        writer.finalize()?;
        let write_error = |source| FileError::Write {
            path: final_path.clone(),
            source,
        };
        sync_handle.sync_all().map_err(write_error)?;
        let persisted = if overwrite {
            temp_path.persist(&final_path)
        } else {
            temp_path.persist_noclobber(&final_path)
        };
        // On failure the error carries the temporary path, which is deleted when dropped.
        persisted.map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                FileError::OutputExists(final_path.clone())
            } else {
                write_error(e.error)
            }
        })
    }

    /// Rounds a scaled sample to the integer grid of full scale `scale`, clipping (and
    /// counting) values beyond it.
    fn quantize(&mut self, scaled: f32, scale: f32) -> i32 {
        let rounded = scaled.round();
        let clipped = rounded.clamp(-scale, scale - 1.0);
        if clipped != rounded {
            self.clipped_samples += 1;
        }
        clipped as i32
    }
}

/// Triangular (TPDF) dither noise of ±1 LSB peak: the sum of two uniform variables, from an
/// xorshift64* generator.
struct Tpdf {
    /// Generator state (never zero).
    state: u64,
}

impl Tpdf {
    /// A generator with the given seed (zero is replaced, xorshift needs a non-zero state).
    fn new(seed: u64) -> Self {
        Self {
            state: if seed == 0 { DITHER_SEED } else { seed },
        }
    }

    /// A uniform value in [0, 1).
    fn uniform(&mut self) -> f32 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        let bits = self.state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 40;
        bits as f32 / (1u64 << 24) as f32
    }

    /// The next dither value in LSB, in (-1, 1).
    fn next(&mut self) -> f32 {
        self.uniform() - self.uniform()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tpdf_is_triangular_within_one_lsb() {
        let mut tpdf = Tpdf::new(1);
        let values: Vec<f32> = (0..100_000).map(|_| tpdf.next()).collect();
        assert!(values.iter().all(|v| v.abs() < 1.0));
        let mean = values.iter().sum::<f32>() / values.len() as f32;
        let variance = values.iter().map(|v| v * v).sum::<f32>() / values.len() as f32;
        assert!(mean.abs() < 0.01, "mean {mean}");
        // Triangular on (-1, 1): variance 1/6.
        assert!((variance - 1.0 / 6.0).abs() < 0.005, "variance {variance}");
        let central = values.iter().filter(|v| v.abs() < 0.5).count() as f32;
        assert!((central / values.len() as f32 - 0.75).abs() < 0.01);
    }
}
