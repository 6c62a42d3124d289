//! Typed errors: what went wrong with one file, and what stops a whole command.

use std::io;
use std::path::PathBuf;

use bark_eq_dsp::EngineError;

/// Why one input file could not be rendered or analysed. Shown after the file's name.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The input path does not exist.
    #[error("no such file")]
    NotFound,
    /// The input path is a directory, not an audio file.
    #[error("is a directory, not an audio file (pass the files inside it)")]
    IsDirectory,
    /// The input file has no bytes at all.
    #[error("file is empty")]
    Empty,
    /// Opening or reading the input failed.
    #[error("cannot read: {0}")]
    Read(io::Error),
    /// The container or codec is not one bark-eq decodes.
    #[error("not a supported audio file (bark-eq reads WAV, FLAC, MP3, OGG/Vorbis and AIFF): {0}")]
    Unsupported(String),
    /// The stream is damaged.
    #[error("malformed audio data: {0}")]
    Malformed(String),
    /// The file ends in the middle of its audio data.
    #[error("truncated: the file ends in the middle of its audio data")]
    TruncatedData,
    /// The stream ends before the length its header declares.
    #[error("truncated: the header declares {declared} frames but the data ends after {decoded}")]
    Truncated {
        /// Frames the container says the file holds.
        declared: u64,
        /// Frames actually decoded.
        decoded: u64,
    },
    /// The file holds no audio track, or its sample rate or channel count is unknown.
    #[error("no playable audio track: {0}")]
    NoAudio(&'static str),
    /// The engine refused the file's format (sample rate or channel count).
    #[error("{0}")]
    Engine(#[from] EngineError),
    /// The output path is one of the input files.
    #[error(
        "refusing to overwrite the input file {0} (choose another output directory or --suffix)"
    )]
    OutputIsInput(PathBuf),
    /// Another input of the same batch writes the same output file.
    #[error("{0} is also the output of another input (rename one, or use --suffix)")]
    DuplicateOutput(PathBuf),
    /// The output exists and `--force` was not given.
    #[error("output {0} already exists (use --force to overwrite)")]
    OutputExists(PathBuf),
    /// Creating, writing or renaming the output failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file or directory that could not be written.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// The WAV encoder failed.
    #[error("cannot encode WAV: {0}")]
    Encode(#[from] hound::Error),
    /// Ctrl-C arrived before the file was finished; nothing was written.
    #[error("interrupted, no output written")]
    Cancelled,
}

impl FileError {
    /// Maps a symphonia error to the user-facing reason.
    pub fn from_symphonia(err: symphonia::core::errors::Error) -> Self {
        use symphonia::core::errors::Error;
        match err {
            Error::IoError(io) if io.kind() == io::ErrorKind::UnexpectedEof => {
                FileError::TruncatedData
            }
            Error::IoError(io) => FileError::Read(io),
            Error::DecodeError(msg) => FileError::Malformed(msg.to_string()),
            Error::Unsupported(msg) => FileError::Unsupported(msg.to_string()),
            Error::LimitError(msg) => FileError::Malformed(format!("limit reached: {msg}")),
            Error::SeekError(_) => FileError::Malformed("seek failed".to_string()),
            Error::ResetRequired => {
                FileError::Unsupported("chained streams with changing parameters".to_string())
            }
            other => FileError::Malformed(other.to_string()),
        }
    }
}

/// An error that stops a whole command before or instead of per-file work (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A value on the command line or in a preset is invalid.
    #[error("{0}")]
    Usage(String),
    /// A preset file could not be read or parsed.
    #[error("preset {path}: {reason}")]
    Preset {
        /// The preset file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The output directory cannot be created or used.
    #[error("output directory {path}: {source}")]
    OutputDir {
        /// The directory.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// Writing a side file (JSON report, demo) failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// The worker thread pool could not be started.
    #[error("cannot start {0} worker threads")]
    ThreadPool(usize),
    /// One file of a single-file command failed.
    #[error("{path}: {source}")]
    File {
        /// The file.
        path: PathBuf,
        /// Why it failed.
        source: FileError,
    },
}
