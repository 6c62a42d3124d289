//! Bark EQ's audio files: decoding WAV, FLAC, MP3, OGG/Vorbis and AIFF block by block with
//! symphonia ([`AudioReader`]), and the Bark Match profile of files through the engine's own
//! analysis ([`profile_of_files`], [`read_profile`]). Shared by the CLI (`bark-eq analyze`,
//! `match`, `render`) and the plugin's **Load reference**; it knows nothing of either (no GUI,
//! no plugin API, no command line), and nothing here runs on an audio thread.

pub mod decode;
pub mod error;
mod pcm;
pub mod profile;

pub use decode::{AudioReader, AUDIO_EXTENSIONS};
pub use error::AudioFileError;
pub use pcm::{PcmFrameReader, PcmFrames};
pub use profile::{
    analysis_engine, analyze_reader, engine_for, is_profile_json, learn_file, profile_of_files,
    read_profile, ProfileReadError, PROFILE_EXTENSION,
};
