//! Typed errors: what went wrong with one file, and what stops a whole command.

use std::io;
use std::path::PathBuf;

use bark_eq_audio::AudioFileError;
use bark_eq_dsp::EngineError;

/// Why one input file could not be rendered or analysed. Shown after the file's name.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// Reading, decoding or analysing the input (or a format the output cannot hold).
    #[error(transparent)]
    Audio(#[from] AudioFileError),
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
    /// A format or value the input or output cannot hold (shown like an unsupported input).
    pub fn unsupported(reason: String) -> Self {
        FileError::Audio(AudioFileError::Unsupported(reason))
    }
}

impl From<EngineError> for FileError {
    /// The engine refused the file's format: as when analysing it.
    fn from(err: EngineError) -> Self {
        FileError::Audio(err.into())
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
