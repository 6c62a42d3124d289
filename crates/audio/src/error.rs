//! Why an audio file could not be read or analysed: one line each, shown after the file's name.

use std::io;

use bark_eq_dsp::EngineError;

/// Why one audio file could not be decoded or analysed.
#[derive(Debug, thiserror::Error)]
pub enum AudioFileError {
    /// The path does not exist.
    #[error("no such file")]
    NotFound,
    /// The path is a directory, not an audio file.
    #[error("is a directory, not an audio file (pass the files inside it)")]
    IsDirectory,
    /// The file has no bytes at all.
    #[error("file is empty")]
    Empty,
    /// Opening or reading the file failed.
    #[error("cannot read: {0}")]
    Read(io::Error),
    /// The container or codec is not one Bark EQ decodes.
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
}

impl AudioFileError {
    /// Maps a symphonia error to the user-facing reason.
    pub fn from_symphonia(err: symphonia::core::errors::Error) -> Self {
        use symphonia::core::errors::Error;
        match err {
            Error::IoError(io) if io.kind() == io::ErrorKind::UnexpectedEof => {
                AudioFileError::TruncatedData
            }
            Error::IoError(io) => AudioFileError::Read(io),
            Error::DecodeError(msg) => AudioFileError::Malformed(msg.to_string()),
            Error::Unsupported(msg) => AudioFileError::Unsupported(msg.to_string()),
            Error::LimitError(msg) => AudioFileError::Malformed(format!("limit reached: {msg}")),
            Error::SeekError(_) => AudioFileError::Malformed("seek failed".to_string()),
            Error::ResetRequired => {
                AudioFileError::Unsupported("chained streams with changing parameters".to_string())
            }
            other => AudioFileError::Malformed(other.to_string()),
        }
    }

    /// The error of a file that could not be opened or inspected: missing, or unreadable.
    pub fn from_open(err: io::Error) -> Self {
        if err.kind() == io::ErrorKind::NotFound {
            AudioFileError::NotFound
        } else {
            AudioFileError::Read(err)
        }
    }
}
