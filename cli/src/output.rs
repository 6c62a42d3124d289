//! Writing output files safely: into a temporary file beside the target, the header patched
//! when the length is known, flushed to disk and renamed into place only when complete.

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use hound::{SampleFormat, WavSpec, WavWriter};
use tempfile::TempPath;

use crate::args::BitsArg;
use crate::cancel::TempFileGuard;
use crate::encode::{Container, EncodedChunk, OutputFormat};
use crate::error::FileError;
use crate::flac::FlacStreamInfo;

/// Prefix of temporary files, so a leftover one is easy to recognise.
pub const TEMP_PREFIX: &str = ".bark-eq-";
/// Suffix of temporary files.
pub const TEMP_SUFFIX: &str = ".tmp";
/// Byte offset of the RIFF chunk size in a WAV file.
const RIFF_SIZE_OFFSET: u64 = 4;
/// Bytes of the RIFF header before the size counts ("RIFF" and the size itself).
const RIFF_PREAMBLE_BYTES: u64 = 8;
/// Appended bytes handed to the disk at a time ([`start_writeback`]): few enough that the
/// `fsync` before the rename waits for little, many enough that the submissions cost little
/// (on a virtual machine each one is an exit to the host: blocks of 128 KiB, each handed over,
/// made a 120 s stereo float render with `--jobs 2` 110 ms instead of 82 ms).
pub const WRITEBACK_BYTES: u64 = 2 << 20;

/// What the header needs to know at the end.
enum Header {
    /// WAV: the header length (the data size is its last four bytes).
    Wav {
        /// Bytes before the sample data.
        header_len: u64,
    },
    /// FLAC: the STREAMINFO being gathered.
    Flac(FlacStreamInfo),
}

/// An output file being written to a temporary path; dropped without
/// [`OutputFile::commit`], it leaves nothing behind.
pub struct OutputFile {
    /// The temporary file.
    file: File,
    /// Keeps the temporary file listed for Ctrl-C cleanup while it exists.
    _guard: TempFileGuard,
    /// The temporary file's path; deleted when dropped.
    temp_path: TempPath,
    /// Where the file goes when complete.
    final_path: PathBuf,
    /// Header state.
    header: Header,
    /// Bytes before the audio data (the header as first written).
    data_start: u64,
    /// Bytes per frame of WAV sample data.
    frame_bytes: u64,
    /// Bytes of audio data written after the header.
    data_bytes: u64,
    /// Appended bytes not yet handed to the disk.
    unsynced: Unsynced,
    /// Frames written.
    frames: u64,
    /// Integer samples clipped so far.
    clipped_samples: u64,
}

impl OutputFile {
    /// Creates a temporary file in `final_path`'s directory and writes the header of a file of
    /// this format.
    pub fn create(
        final_path: &Path,
        sample_rate_hz: u32,
        num_channels: usize,
        format: OutputFormat,
    ) -> Result<Self, FileError> {
        let dir = match final_path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let write_error = |source| FileError::Write {
            path: dir.to_path_buf(),
            source,
        };
        let (header_bytes, header) = match format.container {
            Container::Wav => {
                let bytes = wav_header(sample_rate_hz, num_channels, format.bits)?;
                let header_len = bytes.len() as u64;
                (bytes, Header::Wav { header_len })
            }
            Container::Flac => {
                let info =
                    FlacStreamInfo::new(sample_rate_hz, num_channels, format.bits_per_sample())?;
                (info.header_bytes()?, Header::Flac(info))
            }
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
        let (mut file, temp_path) = temp.into_parts();
        file.write_all(&header_bytes).map_err(write_error)?;
        Ok(Self {
            file,
            _guard: guard,
            temp_path,
            final_path: final_path.to_path_buf(),
            header,
            data_start: header_bytes.len() as u64,
            frame_bytes: (num_channels * format.bytes_per_sample()) as u64,
            data_bytes: 0,
            unsynced: Unsynced::new(WRITEBACK_BYTES),
            frames: 0,
            clipped_samples: 0,
        })
    }

    /// Appends the next chunk (chunks must come in file order).
    pub fn write_chunk(&mut self, chunk: &EncodedChunk) -> Result<(), FileError> {
        debug_assert_eq!(chunk.first_frame, self.frames, "chunks out of order");
        self.file
            .write_all(&chunk.bytes)
            .map_err(|source| self.write_error(source))?;
        let offset = self.data_start + self.data_bytes;
        self.data_bytes += chunk.bytes.len() as u64;
        let end = self.data_start + self.data_bytes;
        self.unsynced.note(&self.file, offset..end);
        self.frames += chunk.frames as u64;
        self.clipped_samples += chunk.clipped_samples;
        if let (Header::Flac(info), Some(flac)) = (&mut self.header, &chunk.flac) {
            info.add(chunk.frames, flac);
        }
        if let Header::Wav { header_len } = self.header {
            check_wav_size(header_len, self.data_bytes)?;
        }
        Ok(())
    }

    /// A writer of this WAV file's `frames` frames in any order and from any thread, or `None`
    /// for FLAC (whose frames have no known place before they are encoded). Nothing may have
    /// been written yet.
    pub fn positional(&mut self, frames: u64) -> Result<Option<PositionalWriter<'_>>, FileError> {
        let Header::Wav { header_len } = self.header else {
            return Ok(None);
        };
        debug_assert_eq!(self.frames, 0, "positional writes after appended ones");
        check_wav_size(header_len, frames * self.frame_bytes)?;
        Ok(Some(PositionalWriter {
            output: self,
            frames,
            clipped_samples: AtomicU64::new(0),
        }))
    }

    /// Integer samples clipped so far (float output never clips).
    pub fn clipped_samples(&self) -> u64 {
        self.clipped_samples
    }

    /// Frames written so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Completes the header, flushes the file to disk and renames it into place. Without
    /// `overwrite` the rename fails if the target appeared meanwhile.
    pub fn commit(mut self, overwrite: bool) -> Result<(), FileError> {
        let (offset, bytes) = match &self.header {
            &Header::Wav { header_len } => {
                let riff_size = (header_len - RIFF_PREAMBLE_BYTES + self.data_bytes) as u32;
                let data_size = self.data_bytes as u32;
                self.patch(RIFF_SIZE_OFFSET, &riff_size.to_le_bytes())?;
                (header_len - 4, data_size.to_le_bytes().to_vec())
            }
            Header::Flac(info) => (0, info.header_bytes()?),
        };
        self.patch(offset, &bytes)?;
        let Self {
            file,
            _guard,
            temp_path,
            final_path,
            ..
        } = self;
        let write_error = |source| FileError::Write {
            path: final_path.clone(),
            source,
        };
        file.sync_all().map_err(write_error)?;
        drop(file);
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

    /// Overwrites `bytes` at `offset` (the file position is left at the end).
    fn patch(&mut self, offset: u64, bytes: &[u8]) -> Result<(), FileError> {
        let result = self
            .file
            .seek(SeekFrom::Start(offset))
            .and_then(|_| self.file.write_all(bytes))
            .and_then(|()| self.file.seek(SeekFrom::End(0)).map(|_| ()));
        result.map_err(|source| self.write_error(source))
    }

    /// A write error naming the output.
    fn write_error(&self, source: std::io::Error) -> FileError {
        FileError::Write {
            path: self.final_path.clone(),
            source,
        }
    }
}

/// Writes WAV sample data at its place ([`OutputFile::positional`]): every frame exactly once,
/// in chunks of any order, from any thread.
pub struct PositionalWriter<'f> {
    /// The file.
    output: &'f mut OutputFile,
    /// Frames the file will hold.
    frames: u64,
    /// Integer samples clipped, by all threads.
    clipped_samples: AtomicU64,
}

impl PositionalWriter<'_> {
    /// Writes `chunk` at its first frame's place and notes its bytes in `unsynced` (the
    /// writing thread's run of bytes, which `chunk` continues).
    pub fn write(&self, chunk: &EncodedChunk, unsynced: &mut Unsynced) -> Result<(), FileError> {
        let output = &*self.output;
        debug_assert!(chunk.first_frame + chunk.frames as u64 <= self.frames);
        let offset = output.data_start + chunk.first_frame * output.frame_bytes;
        write_all_at(&output.file, &chunk.bytes, offset)
            .map_err(|source| output.write_error(source))?;
        self.clipped_samples
            .fetch_add(chunk.clipped_samples, Ordering::Relaxed);
        unsynced.note(&output.file, offset..offset + chunk.bytes.len() as u64);
        Ok(())
    }

    /// Hands the bytes noted in `unsynced` to the disk.
    pub fn flush(&self, unsynced: &mut Unsynced) {
        unsynced.flush(&self.output.file);
    }

    /// Records that every frame has been written; the file can then be committed.
    pub fn finish(self) {
        let output = self.output;
        output.frames = self.frames;
        output.data_bytes = self.frames * output.frame_bytes;
        output.clipped_samples = self.clipped_samples.into_inner();
    }
}

/// Written bytes not yet handed to the disk: a run of the file that grows as chunks are
/// written one after the other, handed to the disk ([`start_writeback`]) once it holds a
/// batch.
pub struct Unsynced {
    /// The run, if any.
    run: Option<Range<u64>>,
    /// Bytes handed over at a time, at least.
    batch: u64,
}

impl Unsynced {
    /// Nothing noted yet; runs go to the disk `batch` bytes at a time.
    pub fn new(batch: u64) -> Self {
        Self { run: None, batch }
    }

    /// Notes `written` (which follows the bytes noted so far) and hands the run to the disk
    /// once it holds a batch.
    fn note(&mut self, file: &File, written: Range<u64>) {
        let run = match self.run.take() {
            Some(run) => run.start..written.end,
            None => written,
        };
        if run.end - run.start >= self.batch {
            start_writeback(file, run);
        } else {
            self.run = Some(run);
        }
    }

    /// Hands whatever is noted to the disk.
    fn flush(&mut self, file: &File) {
        if let Some(run) = self.run.take() {
            start_writeback(file, run);
        }
    }
}

/// Refuses WAV sample data beyond what the RIFF sizes (32 bits) can describe.
fn check_wav_size(header_len: u64, data_bytes: u64) -> Result<(), FileError> {
    if header_len - RIFF_PREAMBLE_BYTES + data_bytes > u64::from(u32::MAX) {
        return Err(FileError::unsupported(
            "the output exceeds the 4 GiB a WAV file can hold; use --format flac".to_string(),
        ));
    }
    Ok(())
}

/// Writes all of `bytes` at `offset` without moving the file position.
#[cfg(unix)]
fn write_all_at(file: &File, bytes: &[u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

/// Writes all of `bytes` at `offset` (the file position moves, which nothing relies on: a file
/// written by position is not appended to, and the header patch seeks first).
#[cfg(windows)]
fn write_all_at(file: &File, mut bytes: &[u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        match file.seek_write(bytes, offset) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(n) => {
                bytes = &bytes[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The header of an empty WAV file of this format, as hound writes it (the sizes are patched
/// at the end).
fn wav_header(
    sample_rate_hz: u32,
    num_channels: usize,
    bits: BitsArg,
) -> Result<Vec<u8>, FileError> {
    let channels = u16::try_from(num_channels).map_err(|_| {
        FileError::unsupported(format!("{num_channels} channels (WAV allows 65535)"))
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
    let mut header = std::io::Cursor::new(Vec::new());
    WavWriter::new(&mut header, spec)?.finalize()?;
    Ok(header.into_inner())
}

/// Starts writing `bytes` of the file, just written, to disk without waiting (Linux), so that
/// the `fsync` before the rename waits for the last chunks only instead of the whole file.
/// Best effort: on failure the data simply goes at the `fsync`.
#[cfg(target_os = "linux")]
fn start_writeback(file: &File, bytes: Range<u64>) {
    use std::os::fd::AsRawFd;
    let (Ok(offset), Ok(len)) = (
        i64::try_from(bytes.start),
        i64::try_from(bytes.end - bytes.start),
    ) else {
        return;
    };
    // SAFETY: sync_file_range takes a descriptor and integers and touches no memory of ours;
    // the descriptor stays open while `file` is borrowed.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), offset, len, libc::SYNC_FILE_RANGE_WRITE);
    }
}

/// Elsewhere the data goes to disk at the `fsync`.
#[cfg(not(target_os = "linux"))]
fn start_writeback(_file: &File, _bytes: Range<u64>) {}
